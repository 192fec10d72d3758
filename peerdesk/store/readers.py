"""Read-only connections to a program file for worker threads (SQLite connections belong to their thread)."""

from __future__ import annotations

import os
import sqlite3
import threading
from pathlib import Path

from peerdesk.store.db import Database

_local = threading.local()


def open_reader(path: str | os.PathLike[str]) -> Database:
    """A new read-only connection to a program file that the window (or a command) already opened.

    The writer's connection already checked and migrated the file, so this skips open_db's
    checks: a full quick_check of a large file costs more than most of the work done here.
    """
    conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro", uri=True)
    conn.execute("PRAGMA busy_timeout = 5000")
    conn.execute("PRAGMA cache_size = -65536")  # 64 MB: figures re-read the same indexes
    conn.execute("PRAGMA foreign_keys = ON")
    return Database(conn)


def thread_reader(path: str | os.PathLike[str]) -> Database:
    """This thread's reader of path, opened on first use and kept for its later jobs.

    A file replaced on disk (a restored backup) has a new inode, hence a new connection.
    """
    key = (str(Path(path).resolve()), os.stat(path).st_ino)
    cache: dict[tuple[str, int], Database] = getattr(_local, "connections", None) or {}
    _local.connections = cache
    db = cache.get(key)
    if db is None:
        for old in cache.values():
            old.close()
        cache.clear()
        db = cache[key] = open_reader(path)
    return db
