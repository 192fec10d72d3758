"""`peerdesk report program NAME --out FILE.pdf` and `peerdesk report participant EMAIL --out FILE.pdf`.

--from / --to (YYYY-MM-DD) choose the period; a program report defaults to the program's
dates up to today, a participant report to all time.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from peerdesk.commands import CommandFailed, UsageError, open_existing
from peerdesk.metrics.scope import Period
from peerdesk.printing import reports
from peerdesk.printing.fonts import FontMissing
from peerdesk.store.participants import find_by_email
from peerdesk.store.programs import find_program


def _day(text: str | None, option: str) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"{option} must be a date like 2026-03-31, not '{text}'") from None


def period_of(args: argparse.Namespace) -> Period | None:
    start = _day(args.date_from, "--from")
    end = _day(args.date_to, "--to")
    if start is None and end is None:
        return None
    if start and end and end < start:
        raise UsageError(f"--to ({end}) is before --from ({start})")
    return Period(start, end)


def run(args: argparse.Namespace) -> int:
    if not str(args.out).lower().endswith(".pdf"):
        raise UsageError("--out must name a .pdf file")
    period = period_of(args)
    db = open_existing(args, readonly=True)
    try:
        if args.what == "program":
            program = find_program(db, args.name)
            if program is None or program.id is None:
                raise CommandFailed(f"no program named '{args.name}'")
            data: reports.ProgramReport | reports.ParticipantReport = reports.gather_program(db, program.id, period)
        else:
            person = find_by_email(db, args.name)
            if person is None or person.id is None:
                raise CommandFailed(f"no participant with e-mail {args.name}")
            data = reports.gather_participant(db, person.id, period)
    finally:
        db.close()
    try:
        if isinstance(data, reports.ProgramReport):
            path = reports.write_program_report(data, args.out)
        else:
            path = reports.write_participant_report(data, args.out)
    except FontMissing as exc:
        raise CommandFailed(str(exc)) from None
    assert isinstance(path, Path)
    print(f"wrote {path}")
    return 0
