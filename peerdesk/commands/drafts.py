"""`peerdesk drafts --kind feedback|reminders|welcome|training --out DIR [--program NAME]`.

Writes one unsent e-mail (.eml) per person into DIR and records them in the drafting log, so
that running it again the same week leaves out those already drafted.
"""

from __future__ import annotations

import argparse

from peerdesk.commands import CommandFailed, db_path, open_existing
from peerdesk.invites.outbox import draft_messages
from peerdesk.store.programs import find_program
from peerdesk.store.workspace import Workspace


def run(args: argparse.Namespace) -> int:
    db = open_existing(args)
    try:
        program_id = None
        if args.program:
            program = find_program(db, args.program)
            if program is None or program.id is None:
                raise CommandFailed(f"no program named '{args.program}'")
            program_id = program.id
        result = draft_messages(Workspace(db, db_path(args)), args.kind, args.out, program_id=program_id)
    finally:
        db.close()
    print(result.summary())
    return 0
