"""`peerdesk backup --out FILE`: a consistent copy of the program file, written atomically."""

from __future__ import annotations

import argparse
from pathlib import Path

from peerdesk import clock
from peerdesk.commands import CommandFailed, db_path
from peerdesk.store.backups import copy_to
from peerdesk.store.safefile import check_folder


def run(args: argparse.Namespace) -> int:
    source = db_path(args)
    if not source.exists():
        raise CommandFailed(f"no program database at {source}")
    out = Path(args.out).expanduser()
    if out.is_dir():
        out = out / f"{source.name.split('.')[0]}-{clock.now():%Y-%m-%d-%H%M%S}.peerdesk.db"
    check_folder(out.parent if str(out.parent) else Path("."))
    size = copy_to(source, out)
    print(f"Backed up {source.name} to {out} ({size / 1024:,.0f} KB)")
    return 0
