"""One open program file: its connection, undo history, and the single path for writes.

Every change to data, from the window and from the command line, is a store function
`fn(db, ...)` run by `Workspace.run`: one transaction, recorded for undo, preceded by a
backup of the file when the function is declared `@bulk`, returning the changes record
that tells views what to refresh. Restoring a backup is `Workspace.restore`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ParamSpec, Self, TypeVar

from peerdesk.store import backups
from peerdesk.store.db import Database, known_errors, migrate, open_db
from peerdesk.store.errors import StoreError
from peerdesk.store.readers import close_readers
from peerdesk.store.undo import UndoLog, user_tables

T = TypeVar("T")
P = ParamSpec("P")
F = TypeVar("F", bound=Callable[..., Any])
BULK = "__peerdesk_bulk__"
RESTORE_LABEL = "Restore backup"


def bulk(reason: str) -> Callable[[F], F]:
    """Declare a write a bulk change (an import, a round, a batch of bookings): the file is backed up
    first, in a backup named `before <reason>`."""

    def declare(fn: F) -> F:
        setattr(fn, BULK, reason)
        return fn

    return declare


def is_bulk(fn: Callable[..., Any]) -> bool:
    return bool(getattr(fn, BULK, ""))


@dataclass(frozen=True)
class Changes:
    """What a write (or an undo/redo) touched, so that views refresh only when concerned."""

    label: str
    tables: frozenset[str]
    # rowids changed per table (for tables with an INTEGER PRIMARY KEY, the ids); a table in
    # `tables` but missing here has unknown rows (e.g. a restore), and a view must reload it whole
    rows: Mapping[str, frozenset[int]] = field(default_factory=dict, hash=False)
    backup: backups.Backup | None = None  # the copy of the file made before a bulk change

    def touches(self, *tables: str) -> bool:
        return bool(self.tables.intersection(tables))

    def knows_rows(self, *tables: str) -> bool:
        """True when the changed rows of each of these tables (that changed) are known."""
        return all(t in self.rows for t in self.tables.intersection(tables))

    def merge(self, later: Changes) -> Changes:
        """These changes and a later batch as one (rows stay known only where both know them)."""
        tables = self.tables | later.tables
        rows = {
            t: self.rows.get(t, frozenset()) | later.rows.get(t, frozenset())
            for t in tables
            if (t in self.rows or t not in self.tables) and (t in later.rows or t not in later.tables)
        }
        return Changes(later.label, tables, rows, later.backup or self.backup)

    def ids(self, table: str) -> frozenset[int]:
        """The rowids changed in table (empty when it did not change or its rows are unknown)."""
        return self.rows.get(table, frozenset())


class Workspace:
    """A database plus its undo log; every user write goes through run()."""

    def __init__(self, db: Database, path: Path | None = None, readonly: bool = False) -> None:
        self.db = db
        self.path = path
        self.readonly = readonly
        self.undo_log = UndoLog(db) if not readonly else None
        # a write may run on a worker thread while the window waits: one at a time
        self.writing = threading.RLock()

    @classmethod
    def open(cls, path: str | Path, *, readonly: bool = False, **kwargs: Any) -> Self:
        db = open_db(path, readonly=readonly, **kwargs)
        return cls(db, None if str(path) == ":memory:" else Path(path), readonly)

    def run(self, label: str, fn: Callable[..., T], *args: Any, **kwargs: Any) -> tuple[T, Changes]:
        """Run fn(db, *args) as one undoable transaction; return its result and the changes.

        A function declared @bulk is preceded by a backup of the file (see peerdesk.store.backups).
        """
        if self.readonly:
            raise StoreError("This program file is open read-only; nothing can be changed.")
        assert self.undo_log is not None
        made = None
        with self.writing:
            if is_bulk(fn):
                made = backups.backup_before(self.path, getattr(fn, BULK))
            self.undo_log.begin(label)
            try:
                with known_errors(self.path or ""), self.db.atomic():
                    result = fn(self.db, *args, **kwargs)
            except BaseException:
                self.undo_log.discard()
                raise
            tables, rows = self.undo_log.commit()
        return result, Changes(label, tables, rows, made)

    def undo(self) -> Changes:
        assert self.undo_log is not None
        with self.writing, known_errors(self.path or ""):
            label, tables, rows = self.undo_log.undo()
        return Changes(label, tables, rows)

    def redo(self) -> Changes:
        assert self.undo_log is not None
        with self.writing, known_errors(self.path or ""):
            label, tables, rows = self.undo_log.redo()
        return Changes(label, tables, rows)

    def restore(self, backup: backups.Backup | Path) -> tuple[backups.Backup | None, Changes]:
        """Put a backup in place of the open file (the current state is backed up first).

        The undo history is dropped (its triggers name the current tables; an older backup may
        have others), the restored file is brought up to date like any opened file, and the
        changes name every table with unknown rows, so every view reloads whole.
        """
        if self.readonly or self.path is None:
            raise StoreError("Only a program file open for writing can be restored from a backup.")
        with self.writing:
            close_readers(self.path)  # the jobs reading the file now end (and let go of it) first
            if self.undo_log is not None:
                self.undo_log.uninstall()
            try:
                made = backups.restore_backup(backup, self.path)
                migrate(self.db)
            finally:
                if self.undo_log is not None:
                    self.undo_log = UndoLog(self.db)
        return made, Changes(RESTORE_LABEL, frozenset(user_tables(self.db)))

    def close(self) -> None:
        """Close the file: the workers' readers of it first, then the writer's connection."""
        if self.path is not None:
            close_readers(self.path)
        self.db.close()
