"""`peerdesk backup --out FILE`: a consistent copy of the program file, written atomically."""

from __future__ import annotations

import argparse
import sqlite3
from pathlib import Path

from peerdesk import clock
from peerdesk.cli import CommandFailed, db_path
from peerdesk.safefile import atomic_path, check_folder
from peerdesk.store.db import inspect_file, known_errors


def copy_database(source: Path, out: Path) -> int:
    """Copy a PeerDesk file with SQLite's online backup API into out; return its size in bytes.

    Refuses files that are not sound PeerDesk databases; never writes to the source.
    """
    if inspect_file(source) == 0:
        raise CommandFailed(f"{source.name} is empty: there is nothing to back up")
    with atomic_path(out, private=True) as tmp:
        src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True, timeout=10)
        try:
            dest = sqlite3.connect(tmp)
            try:
                with known_errors(out.name):
                    src.backup(dest)
                    dest.execute("PRAGMA journal_mode = DELETE")
                    check = dest.execute("PRAGMA integrity_check(1)").fetchone()[0]
            finally:
                dest.close()
        finally:
            src.close()
        if check != "ok":
            raise CommandFailed(f"the copy failed its integrity check ({check}); the program file may be damaged")
    return out.stat().st_size


def run(args: argparse.Namespace) -> int:
    source = db_path(args)
    if not source.exists():
        raise CommandFailed(f"no program database at {source}")
    out = Path(args.out).expanduser()
    if out.is_dir():
        out = out / f"{source.name.split('.')[0]}-{clock.now():%Y-%m-%d-%H%M%S}.peerdesk.db"
    check_folder(out.parent if str(out.parent) else Path("."))
    if out.exists() and out.resolve() == source.resolve():
        raise CommandFailed("the backup cannot replace the program file itself; choose another file")
    size = copy_database(source, out)
    print(f"Backed up {source.name} to {out} ({size / 1024:,.0f} KB)")
    return 0
