"""One open program file: its connection, undo history, and the single path for writes."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from peerdesk.store.db import Database, known_errors, open_db
from peerdesk.store.undo import UndoLog

T = TypeVar("T")


@dataclass(frozen=True)
class Changes:
    """What a write (or an undo/redo) touched, so that views refresh only when concerned."""

    label: str
    tables: frozenset[str]

    def touches(self, *tables: str) -> bool:
        return bool(self.tables.intersection(tables))


class Workspace:
    """A database plus its undo log; every user write goes through run()."""

    def __init__(self, db: Database, path: Path | None = None, readonly: bool = False) -> None:
        self.db = db
        self.path = path
        self.readonly = readonly
        self.undo_log = UndoLog(db) if not readonly else None

    @classmethod
    def open(cls, path: str | Path, *, readonly: bool = False, **kwargs: Any) -> Workspace:
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
        return result, Changes(label, self.undo_log.commit())

    def undo(self) -> Changes:
        assert self.undo_log is not None
        with known_errors(self.path or ""):
            label, tables = self.undo_log.undo()
        return Changes(label, tables)

    def redo(self) -> Changes:
        assert self.undo_log is not None
        with known_errors(self.path or ""):
            label, tables = self.undo_log.redo()
        return Changes(label, tables)

    def close(self) -> None:
        self.db.close()
