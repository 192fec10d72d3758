"""Handlers of the command line's subcommands: one module each, `run(args) -> int`."""

from __future__ import annotations

import argparse
import atexit
import json
import os
import sys
from pathlib import Path
from typing import Any

from peerdesk.paths import default_db_path
from peerdesk.store import backups, open_db
from peerdesk.store.db import Database
from peerdesk.store.errors import NeedsUpgrade
from peerdesk.store.lock import WriterLock, real_path
from peerdesk.store.safefile import explain


class UsageError(Exception):
    """A command line that cannot be carried out as written (exit 2)."""


class CommandFailed(Exception):
    """An operation that failed for a reason the user can act on (exit 1)."""


def db_path(args: argparse.Namespace) -> Path:
    """The program file a command works on: --db, else $PEERDESK_DB, else the default."""
    chosen = getattr(args, "db", None) or os.environ.get("PEERDESK_DB")
    return Path(chosen).expanduser() if chosen else default_db_path()


def open_existing(args: argparse.Namespace, *, readonly: bool = False) -> Database:
    """Open the --db file, which must exist (reading commands never create one).

    A file in an older PeerDesk format is upgraded once (after a backup), even for reading.
    """
    path = db_path(args)
    if not path.exists():
        raise CommandFailed(f"no program database at {path} (use --db PATH, or create one with 'peerdesk demo PATH')")
    backups.clean_temporaries(path)
    if not readonly:
        _hold_writer_lock(path)
    try:
        return open_db(path, create=False, readonly=readonly, before_migrate=backups.before_migrate)
    except NeedsUpgrade:
        _hold_writer_lock(path)
        open_db(path, create=False, before_migrate=backups.before_migrate).close()
        return open_db(path, create=False, readonly=True)


def open_for_write(args: argparse.Namespace) -> Database:
    """Open the --db file, creating it on first write (older formats are backed up, then upgraded)."""
    path = db_path(args)
    _hold_writer_lock(path)
    backups.clean_temporaries(path)
    return open_db(path, before_migrate=backups.before_migrate)


def _hold_writer_lock(path: Path) -> None:
    """One writer at a time: a file open in the window is not changed behind its back (exit 1, who has it).

    A file this command creates is locked before it exists, so two commands creating it race for the lock.
    """
    key = real_path(path)
    if key in _HELD and _HELD[key].held:
        return  # an earlier command of this same process (tests call main() repeatedly)
    if not path.exists():
        try:
            key.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise explain(exc, path) from exc
    lock = WriterLock.acquire(path)
    _HELD[key] = lock
    atexit.register(lock.release)


_HELD: dict[Path, WriterLock] = {}


def print_json(value: Any) -> None:
    json.dump(value, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")


def print_table(rows: list[dict[str, Any]], columns: list[str]) -> None:
    """A plain aligned text table for humans."""
    if not rows:
        print("(none)")
        return
    cells = [[str(r.get(c, "")) for c in columns] for r in rows]
    widths = [max(len(c), *(len(row[i]) for row in cells)) for i, c in enumerate(columns)]
    print("  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip())
    for row in cells:
        print("  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip())
