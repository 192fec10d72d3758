"""`peerdesk ics --out DIR [--session ID] [--participant EMAIL] [--program NAME] [--eml]`.

Without a filter: one file per participant with upcoming sessions, plus one per program.
"""

from __future__ import annotations

import argparse

from peerdesk.commands import CommandFailed, open_existing
from peerdesk.invites import ExportRequest, export_invites, find_participant, find_program
from peerdesk.store.db import Database


def request_from_args(db: Database, args: argparse.Namespace) -> ExportRequest:
    """Turn the command line's filters into an export request, checking that each names something."""
    participant_ids = program_id = session_ids = None
    layouts: tuple[str, ...]
    if args.participant:
        person = find_participant(db, args.participant)
        if person is None:
            raise CommandFailed(f"no participant with e-mail {args.participant}")
        participant_ids = (person.id,)
    if args.program:
        program = find_program(db, args.program)
        if program is None:
            raise CommandFailed(f"no program named {args.program!r}")
        program_id = program[0]
    if args.session is not None:
        if db.execute("SELECT 1 FROM sessions WHERE id = ?", (args.session,)).fetchone() is None:
            raise CommandFailed(f"no session with id {args.session}")
        session_ids = (args.session,)
    if participant_ids is not None:
        layouts = ("participant",)
    elif session_ids is not None:
        layouts = ("session",)
    elif program_id is not None:
        layouts = ("program",)
    else:
        layouts = ("participant", "program")
    return ExportRequest(
        layouts=layouts,
        session_ids=session_ids,
        participant_ids=participant_ids,
        program_id=program_id,
        upcoming_only=layouts == ("participant", "program"),
        eml=bool(args.eml),
    )


def run(args: argparse.Namespace) -> int:
    db = open_existing(args, readonly=True)
    try:
        request = request_from_args(db, args)
        result = export_invites(db, request, args.out)
    finally:
        db.close()
    if not result.written:
        if request.upcoming_only:
            print("No upcoming sessions: nothing was written.")
            return 0
        raise CommandFailed("no sessions match the filters given; nothing was written")
    for path in result.written:
        print(path)
    print(result.summary())
    return 0
