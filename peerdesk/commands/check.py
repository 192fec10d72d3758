"""`peerdesk check`: is the program file a sound PeerDesk database? Reads only; exit 1 when not."""

from __future__ import annotations

import argparse
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from peerdesk.commands import CommandFailed, db_path
from peerdesk.store.backups import list_backups
from peerdesk.store.db import connect_readonly, inspect_file
from peerdesk.store.errors import StoreError
from peerdesk.store.lock import is_stale, read_lock
from peerdesk.store.migrations import LATEST
from peerdesk.wording import plural

MAX_PROBLEMS = 20


@dataclass(frozen=True)
class Finding:
    """One line of the report: what was checked, whether it passed, and the detail."""

    what: str
    ok: bool
    detail: str


def _connect(path: Path) -> sqlite3.Connection:
    return connect_readonly(path)


def check_file(path: Path) -> list[Finding]:
    """Every check of one file, stopping where a failed check makes the next meaningless."""
    try:
        version = inspect_file(path)
    except StoreError as exc:
        return [Finding("file", False, str(exc))]
    if version == 0:
        return [Finding("file", False, f"{path.name} is empty: it holds no PeerDesk program yet.")]
    findings = [
        Finding(
            "file",
            True,
            f"PeerDesk program file, format {version}"
            + ("" if version == LATEST else f" (upgraded to {LATEST} when next opened for writing)"),
        )
    ]
    try:
        conn = _connect(path)
        try:
            integrity = [r[0] for r in conn.execute(f"PRAGMA integrity_check({MAX_PROBLEMS})")]
            findings.append(
                Finding("integrity", integrity == ["ok"], "ok" if integrity == ["ok"] else "; ".join(integrity))
            )
            broken = conn.execute("PRAGMA foreign_key_check").fetchall()
            if broken:
                tables = sorted({f"{r[0]} -> {r[2]}" for r in broken})
                findings.append(
                    Finding(
                        "references",
                        False,
                        f"{plural(len(broken), 'row')} {'points' if len(broken) == 1 else 'point'} at missing rows ({', '.join(tables)})",
                    )
                )
            else:
                findings.append(Finding("references", True, "ok"))
            counts = [
                f"{conn.execute(f'SELECT count(*) FROM {t}').fetchone()[0]} {t}"
                for t in ("participants", "programs", "pairings", "sessions")
            ]
            findings.append(Finding("content", True, ", ".join(counts)))
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        findings.append(Finding("integrity", False, f"the file cannot be read through ({exc})"))
    return findings


def _notes(path: Path) -> list[str]:
    """Informational lines: who holds the file open, the newest backup."""
    notes = []
    holder = read_lock(path)
    if holder is not None:
        state = "left by a PeerDesk that did not close (will be cleared)" if is_stale(holder) else "open"
        notes.append(f"lock        {state}: {holder.describe()}")
    backups = list_backups(path)
    if backups:
        newest = backups[0]
        notes.append(
            f"backups     {len(backups)} kept, newest {newest.created:%Y-%m-%d %H:%M} UTC ({newest.label}) "
            f"in {newest.path.parent}"
        )
    else:
        notes.append("backups     none yet")
    return notes


def run(args: argparse.Namespace) -> int:
    path = db_path(args)
    if not path.exists():
        raise CommandFailed(f"no program database at {path}")
    if path.is_dir():
        raise CommandFailed(f"{path} is a folder, not a program database")
    findings = check_file(path)
    print(f"Checking {path}")
    for f in findings:
        print(f"  {f.what:<11} {'ok  ' if f.ok else 'FAIL'}  {f.detail}")
    for note in _notes(path):
        print(f"  {note}")
    failed = [f for f in findings if not f.ok]
    if failed:
        print("Result: FAILED. Do not keep working in this file; restore a backup (File > Restore…).")
        raise CommandFailed(f"check failed: {failed[0].detail}")
    print("Result: ok")
    return 0
