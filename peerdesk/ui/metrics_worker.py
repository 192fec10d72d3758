"""Computing figures off the UI thread: fn(db, *args) on a pool thread over its own read-only
connection to the program file, with the result handed back to the UI thread.

An in-memory store (tests, a fresh unsaved program) is only reachable through its own
connection, so there the call runs at once on the UI thread. Only the latest request of
a MetricsRunner is delivered: a newer one makes older results moot.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from peerdesk.store.db import Database

_local = threading.local()


def reader(path: Path) -> Database:
    """A read-only connection to the program file for the current pool thread, kept for its next jobs.

    The window's own connection already checked and migrated the file, so this skips
    open_db's checks (a full quick_check of a large file costs more than the figures).
    A file replaced on disk (a restored backup) has a new inode, hence a new connection.
    """
    key = (str(path), os.stat(path).st_ino)
    cache: dict[tuple[str, int], Database] = getattr(_local, "connections", None) or {}
    _local.connections = cache
    db = cache.get(key)
    if db is None:
        for old in cache.values():
            old.close()
        cache.clear()
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        conn.execute("PRAGMA busy_timeout = 5000")
        conn.execute("PRAGMA cache_size = -65536")  # 64 MB: figures re-read the same indexes
        db = cache[key] = Database(conn)
    return db


class _Relay(QObject):
    done = Signal(int, object)  # generation, result | BaseException


class _Job(QRunnable):
    def __init__(
        self, path: Path, fn: Callable[..., Any], args: tuple[Any, ...], generation: int, relay: _Relay
    ) -> None:
        super().__init__()
        self.path, self.fn, self.args, self.generation, self.relay = path, fn, args, generation, relay

    def run(self) -> None:
        result: object
        try:
            result = self.fn(reader(self.path), *self.args)
        except BaseException as exc:  # handed to the UI thread, which reports it
            result = exc
        try:
            self.relay.done.emit(self.generation, result)
        except RuntimeError:  # the owner was closed meanwhile
            pass


class MetricsRunner(QObject):
    """Runs one kind of computation for a page; `finished(result)` or `failed(exception)` follow."""

    finished = Signal(object)
    failed = Signal(object)

    def __init__(self, ctx: Any, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.generation = 0
        self.started = 0.0
        self.seconds = 0.0
        self._relay = _Relay(self)
        self._relay.done.connect(self._done)

    @property
    def background(self) -> bool:
        return self.ctx.workspace.path is not None

    @property
    def busy(self) -> bool:
        return self.started > 0

    def run(self, fn: Callable[..., Any], *args: Any) -> None:
        self.generation += 1
        self.started = time.perf_counter()
        path = self.ctx.workspace.path
        if path is not None:
            QThreadPool.globalInstance().start(_Job(Path(path), fn, args, self.generation, self._relay))
            return
        try:
            result: object = fn(self.ctx.db, *args)
        except Exception as exc:
            result = exc
        self._done(self.generation, result)

    def _done(self, generation: int, result: object) -> None:
        if generation != self.generation:
            return
        self.seconds = time.perf_counter() - self.started
        self.started = 0.0
        if isinstance(result, BaseException):
            self.failed.emit(result)
        else:
            self.finished.emit(result)
