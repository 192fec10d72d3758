"""`peerdesk export participants FILE.csv`."""

from __future__ import annotations

import argparse

from peerdesk.commands import open_existing
from peerdesk.importing import export_participants
from peerdesk.wording import plural


def run(args: argparse.Namespace) -> int:
    db = open_existing(args, readonly=True)
    try:
        n = export_participants(db, args.file, delimiter="\t" if args.delimiter == "tab" else args.delimiter)
    finally:
        db.close()
    print(f"exported {plural(n, 'participant')} to {args.file}")
    return 0
