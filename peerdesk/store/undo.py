"""Undo and redo of every data change, recorded by SQLite triggers beside the data.

Temporary triggers (per connection, never in the file) log the inverse SQL of each
row change. An *op* groups the log entries of one user action; undoing it runs the
inverse statements in reverse order, and the triggers log their inverses, which
become the redo. This covers every table, present and future, without per-feature code.
Each entry also keeps the rowid it changed, so that an action can tell views which rows
(not only which tables) it touched.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from peerdesk.store.db import Database

RowIds = dict[str, frozenset[int]]

LOG = "temp._undo_log"
MAX_OPS = 200
# Tables whose changes are not undone: serial numbers once issued stay used.
NOT_UNDONE = frozenset({"serial_counters"})


def user_tables(db: Database) -> list[str]:
    """The program file's own tables."""
    return [
        r[0] for r in db.execute("SELECT name FROM main.sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")
    ]


@dataclass
class _Op:
    label: str
    first: int  # first log seq of the op
    last: int  # last log seq of the op
    tables: frozenset[str]


class UndoLog:
    """Undo/redo stacks over one connection."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._undo: list[_Op] = []
        self._redo: list[_Op] = []
        self._open: tuple[str, int] | None = None
        db.execute(
            "CREATE TEMP TABLE IF NOT EXISTS _undo_log (seq INTEGER PRIMARY KEY, tbl TEXT, sql TEXT, rid INTEGER)"
        )
        if "rid" not in {r[1] for r in db.execute("PRAGMA temp.table_info(_undo_log)")}:
            db.execute("ALTER TABLE temp._undo_log ADD COLUMN rid INTEGER")  # a log made by an older version
        for table in user_tables(db):
            if table not in NOT_UNDONE:
                self._install(table)

    def _install(self, table: str) -> None:
        cols = [r[1] for r in self.db.execute(f"PRAGMA main.table_info([{table}])")]
        q = f"[{table}]"
        sets = "||','||".join(f"'[{c}]='||quote(old.[{c}])" for c in cols)
        names = ",".join(f"[{c}]" for c in cols)
        vals = "||','||".join(f"quote(old.[{c}])" for c in cols)
        t = table.replace("'", "''")
        for name, event, body, rid in (
            ("i", "INSERT", f"'DELETE FROM {q} WHERE rowid='||new.rowid", "new.rowid"),
            ("u", "UPDATE", f"'UPDATE {q} SET '||{sets}||' WHERE rowid='||old.rowid", "old.rowid"),
            ("d", "DELETE", f"'INSERT INTO {q}(rowid,{names}) VALUES('||old.rowid||','||{vals}||')'", "old.rowid"),
        ):
            self.db.execute(f"DROP TRIGGER IF EXISTS temp.[_undo_{table}_{name}]")
            self.db.execute(
                f"CREATE TEMP TRIGGER [_undo_{table}_{name}] AFTER {event} ON main.{q} "
                f"BEGIN INSERT INTO _undo_log(tbl, sql, rid) VALUES ('{t}', {body}, {rid}); END"
            )

    def _top(self) -> int:
        return int(self.db.execute(f"SELECT coalesce(max(seq), 0) FROM {LOG}").fetchone()[0])

    def begin(self, label: str) -> None:
        """Start recording a user action."""
        self._open = (label, self._top() + 1)

    def commit(self) -> tuple[frozenset[str], RowIds]:
        """Close the current action; return the tables it changed and the rowids changed in each."""
        if self._open is None:
            return frozenset(), {}
        label, first = self._open
        self._open = None
        last = self._top()
        if last < first:
            return frozenset(), {}
        rows = self._rows(first, last)
        tables = frozenset(rows)
        self._undo.append(_Op(label, first, last, tables))
        for op in self._redo:
            self._drop(op)
        self._redo.clear()
        while len(self._undo) > MAX_OPS:
            self._drop(self._undo.pop(0))
        return tables, rows

    def discard(self) -> None:
        """Forget the log of an action that was rolled back."""
        if self._open is not None:
            self.db.execute(f"DELETE FROM {LOG} WHERE seq >= ?", (self._open[1],))
            self._open = None

    def _rows(self, first: int, last: int) -> RowIds:
        """The rowids changed by the log entries first..last, per table."""
        found: defaultdict[str, set[int]] = defaultdict(set)
        for tbl, rid in self.db.execute(f"SELECT tbl, rid FROM {LOG} WHERE seq BETWEEN ? AND ?", (first, last)):
            found[tbl].add(rid)
        return {tbl: frozenset(ids) for tbl, ids in found.items()}

    def _drop(self, op: _Op) -> None:
        self.db.execute(f"DELETE FROM {LOG} WHERE seq BETWEEN ? AND ?", (op.first, op.last))

    def _replay(self, op: _Op) -> _Op:
        statements = [
            r[0]
            for r in self.db.execute(
                f"SELECT sql FROM {LOG} WHERE seq BETWEEN ? AND ? ORDER BY seq DESC", (op.first, op.last)
            )
        ]
        first = self._top() + 1
        with self.db.atomic():
            self.db.execute("PRAGMA defer_foreign_keys = ON")
            for sql in statements:
                self.db.execute(sql)
            self._drop(op)
        last = self._top()
        return _Op(op.label, first, last, op.tables)

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)

    @property
    def undo_label(self) -> str:
        return self._undo[-1].label if self._undo else ""

    @property
    def redo_label(self) -> str:
        return self._redo[-1].label if self._redo else ""

    def undo(self) -> tuple[str, frozenset[str], RowIds]:
        """Revert the last action; return its label, the tables it touched and the rowids per table."""
        op = self._undo.pop()
        try:
            done = self._replay(op)
        except BaseException:
            self._undo.append(op)
            raise
        self._redo.append(done)
        return op.label, op.tables, self._rows(done.first, done.last)

    def redo(self) -> tuple[str, frozenset[str], RowIds]:
        """Apply again the last undone action; return as undo() does."""
        op = self._redo.pop()
        try:
            done = self._replay(op)
        except BaseException:
            self._redo.append(op)
            raise
        self._undo.append(done)
        return op.label, op.tables, self._rows(done.first, done.last)

    def clear(self) -> None:
        self._undo.clear()
        self._redo.clear()
        self.db.execute(f"DELETE FROM {LOG}")

    def uninstall(self) -> None:
        """Forget the history and drop the triggers (before the tables they name are replaced)."""
        self.clear()
        for (name,) in self.db.execute(
            "SELECT name FROM temp.sqlite_master WHERE type = 'trigger' AND name GLOB '_undo_*'"
        ).fetchall():
            self.db.execute(f"DROP TRIGGER temp.[{name}]")
