"""`peerdesk certificates --out PATH [--program NAME] [--participant EMAIL] [--design D]`.

Prints a certificate for everyone eligible: PATH ending in .pdf is one file (one page
each), anything else a folder with one file each. Certificates are recorded in the
register on first print; printing again re-uses their serial numbers.
"""

from __future__ import annotations

import argparse
import sys

from peerdesk.commands import CommandFailed, open_for_write
from peerdesk.printing import certificates
from peerdesk.printing.eligibility import candidates
from peerdesk.printing.fonts import FontMissing
from peerdesk.store.participants import find_by_email
from peerdesk.store.programs import find_program
from peerdesk.store.settings import load_settings
from peerdesk.wording import plural


def run(args: argparse.Namespace) -> int:
    from peerdesk.commands import db_path

    if not db_path(args).exists():
        raise CommandFailed(f"no program database at {db_path(args)} (use --db PATH)")
    db = open_for_write(args)
    try:
        program_id = None
        if args.program:
            program = find_program(db, args.program)
            if program is None:
                raise CommandFailed(f"no program named '{args.program}'")
            program_id = program.id
        participant_id = None
        if args.participant:
            person = find_by_email(db, args.participant)
            if person is None:
                raise CommandFailed(f"no participant with e-mail {args.participant}")
            participant_id = person.id
        found = candidates(db, program_id, participant_id=participant_id)
        qualified = [c for c in found if c.qualifies]
        if not qualified:
            close = sum(1 for c in found if c.close)
            hint = f" ({close} close to qualifying)" if close else ""
            raise CommandFailed(f"nobody qualifies for a certificate{hint}; nothing was printed")
        before = db.execute("SELECT count(*) FROM certificates").fetchone()[0]
        issued = certificates.issue(db, qualified)
        new = db.execute("SELECT count(*) FROM certificates").fetchone()[0] - before
        settings = load_settings(db)
    finally:
        db.close()
    for warning in certificates.print_warnings(issued, settings):
        print(f"peerdesk: warning: {warning}", file=sys.stderr)
    try:
        if certificates.is_single_file(args.out):
            path = certificates.write_pdf(issued, settings, args.out, args.design)
            where = str(path)
        else:
            files = certificates.write_files(issued, settings, args.out, args.design)
            where = f"{plural(len(files), 'file')} in {args.out}"
    except FontMissing as exc:
        raise CommandFailed(str(exc)) from None
    print(f"printed {plural(len(issued), 'certificate')} ({new} newly issued) to {where}")
    return 0
