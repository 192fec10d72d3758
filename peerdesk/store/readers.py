"""Read-only connections to a program file for worker threads (SQLite connections belong to their thread).

A job opens its reader when it first reads and closes it when it ends (peerdesk.jobs.Work), so
no connection outlives the work that needed it. Every reader open now is listed here, so that
closing the program file or restoring a backup over it can cut them off first
(`close_readers`): a reader left open keeps the file's -wal and -shm files in place, and on
Windows an open handle blocks replacing the file.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from pathlib import Path

from peerdesk.store.db import Database

_changed = threading.Condition()
_open: dict[str, set[Database]] = {}  # resolved path -> readers open now
_cut: set[int] = set()  # id() of readers told to stop: their file is being closed or replaced


def _key(path: str | os.PathLike[str]) -> str:
    return str(Path(path).resolve())


def open_reader(path: str | os.PathLike[str]) -> Database:
    """A new read-only connection to a program file that the window (or a command) already opened.

    The writer's connection already checked and migrated the file, so this skips open_db's
    checks: a full quick_check of a large file costs more than most of the work done here.
    The caller closes it with `close_reader` on the thread that opened it.
    """
    conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False)
    conn.execute("PRAGMA busy_timeout = 5000")
    conn.execute("PRAGMA cache_size = -65536")  # 64 MB: figures re-read the same indexes
    conn.execute("PRAGMA foreign_keys = ON")
    db = Database(conn)
    with _changed:
        _open.setdefault(_key(path), set()).add(db)
    return db


def close_reader(db: Database) -> None:
    """Close a reader opened by open_reader (on its own thread) and strike it off the list."""
    with _changed:  # struck off and closed at once: close_readers never meets a closed connection
        for key, readers in list(_open.items()):
            readers.discard(db)
            if not readers:
                del _open[key]
        _cut.discard(id(db))
        try:
            db.close()
        finally:
            _changed.notify_all()


def was_cut(db: Database) -> bool:
    """True when close_readers told this reader to stop (its work should end as cancelled)."""
    with _changed:
        return id(db) in _cut


def open_readers(path: str | os.PathLike[str]) -> int:
    """How many readers of path are open now."""
    with _changed:
        return len(_open.get(_key(path), ()))


def close_readers(path: str | os.PathLike[str], timeout_s: float = 5.0) -> int:
    """Cut off every reader of path and wait until their jobs have closed them; return how many remain.

    A statement under way is interrupted (sqlite3's interrupt is safe from any thread) and the
    job's cancel check turns true, so the job ends at once and closes its reader on its own
    thread. Waits at most timeout_s for work that checks neither.
    """
    key = _key(path)
    deadline = time.monotonic() + timeout_s
    with _changed:
        while _open.get(key) and time.monotonic() < deadline:
            for db in _open[key]:
                _cut.add(id(db))
                db.conn.interrupt()  # again each time round: a statement started since is stopped too
            _changed.wait(min(0.05, max(0.0, deadline - time.monotonic())))
        return len(_open.get(key, ()))
