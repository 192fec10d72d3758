"""Loading and solving a matching problem on a worker thread, so the window never freezes.

With a program file, the worker opens its own read-only connection (SQLite connections
belong to their thread) and loads the problem there: people, availability, history and
rules take about half a second at 5,000 people. An in-memory store (tests, a fresh
unsaved program) is only reachable through the window's connection, so there the page
loads the problem first and the worker only solves it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QThread, Signal

from peerdesk.matching import Cancelled, Problem, Proposal, propose
from peerdesk.store.db import Database

Loader = Callable[[Database], Problem]
Check = Callable[[Database, Proposal], Proposal]


class MatchJob(QThread):
    """Loads the problem (if given a loader and a file), then runs propose(problem), then
    (with a file) check(db, proposal), which marks groups that cannot meet.

    Reports progress, `loaded(problem)` once it has one, then `solved(proposal)`, `failed`
    or `cancelled`. A problem with nobody in it is loaded but not solved. `checked` tells
    whether the check ran here (without a file the page runs it on its own connection).
    """

    progressed = Signal(float, str)
    loaded = Signal(object)  # Problem
    solved = Signal(object)  # Proposal
    failed = Signal(str)
    cancelled = Signal()

    def __init__(
        self,
        problem: Problem | None = None,
        parent=None,  # noqa: ANN001
        *,
        load: Loader | None = None,
        path: Path | None = None,
        check: Check | None = None,
    ) -> None:
        super().__init__(parent)
        if problem is None and (load is None or path is None):
            raise ValueError("MatchJob needs a problem, or a loader and a program file.")
        self.problem = problem
        self.load = load
        self.path = path
        self.check = check
        self.checked = False
        self._stop = False

    def stop(self) -> None:
        self._stop = True

    def _connect(self) -> Database:
        assert self.path is not None
        # The window's own connection already checked and migrated the file: skip open_db's
        # checks, whose integrity check of a large file costs as much as the loading.
        conn = sqlite3.connect(f"{self.path.resolve().as_uri()}?mode=ro", uri=True)
        conn.execute("PRAGMA busy_timeout = 5000")
        return Database(conn)

    def _load(self) -> Problem:
        assert self.load is not None
        self.progressed.emit(0.0, "Loading people, availability and history")
        db = self._connect()
        try:
            return self.load(db)
        finally:
            db.close()

    def _check(self, proposal: Proposal) -> Proposal:
        if self.check is None or self.path is None:
            return proposal
        self.progressed.emit(1.0, "Looking for each group's first meeting")
        db = self._connect()
        try:
            checked = self.check(db, proposal)
        finally:
            db.close()
        self.checked = True
        return checked

    def run(self) -> None:
        try:
            problem = self.problem if self.problem is not None else self._load()
            self.problem = problem
            self.loaded.emit(problem)
            if self._stop:
                raise Cancelled
            if not problem.people:
                return
            proposal = propose(problem, progress=self.progressed.emit, cancel=lambda: self._stop)
            proposal = self._check(proposal)
        except Cancelled:
            self.cancelled.emit()
        except Exception as exc:  # shown to the user on the UI thread
            self.failed.emit(f"{type(exc).__name__}: {exc}")
        else:
            self.solved.emit(proposal)
