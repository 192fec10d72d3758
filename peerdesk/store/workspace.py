"""One open program file: its connection, undo history, and the single path for writes."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Self, TypeVar

from peerdesk.store.db import Database, known_errors, open_db
from peerdesk.store.undo import UndoLog

T = TypeVar("T")


@dataclass(frozen=True)
class Changes:
    """What a write (or an undo/redo) touched, so that views refresh only when concerned."""

    label: str
    tables: frozenset[str]
    # rowids changed per table (for tables with an INTEGER PRIMARY KEY, the ids); a table in
    # `tables` but missing here has unknown rows (e.g. a restore), and a view must reload it whole
    rows: Mapping[str, frozenset[int]] = field(default_factory=dict, hash=False)

    def touches(self, *tables: str) -> bool:
        return bool(self.tables.intersection(tables))

    def knows_rows(self, *tables: str) -> bool:
        """True when the changed rows of each of these tables (that changed) are known."""
        return all(t in self.rows for t in self.tables.intersection(tables))

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

    @classmethod
    def open(cls, path: str | Path, *, readonly: bool = False, **kwargs: Any) -> Self:
        db = open_db(path, readonly=readonly, **kwargs)
        return cls(db, None if str(path) == ":memory:" else Path(path), readonly)

    def run(self, label: str, fn: Callable[..., T], *args: Any, **kwargs: Any) -> tuple[T, Changes]:
        """Run fn(db, *args) as one undoable transaction; return its result and the changes."""
        if self.readonly:
            from peerdesk.store.errors import StoreError

            raise StoreError("This program file is open read-only; nothing can be changed.")
        assert self.undo_log is not None
        self.undo_log.begin(label)
        try:
            with known_errors(self.path or ""), self.db.atomic():
                result = fn(self.db, *args, **kwargs)
        except BaseException:
            self.undo_log.discard()
            raise
        tables, rows = self.undo_log.commit()
        return result, Changes(label, tables, rows)

    def undo(self) -> Changes:
        assert self.undo_log is not None
        with known_errors(self.path or ""):
            label, tables, rows = self.undo_log.undo()
        return Changes(label, tables, rows)

    def redo(self) -> Changes:
        assert self.undo_log is not None
        with known_errors(self.path or ""):
            label, tables, rows = self.undo_log.redo()
        return Changes(label, tables, rows)

    def close(self) -> None:
        self.db.close()
