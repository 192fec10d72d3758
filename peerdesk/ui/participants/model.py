"""The participants table model and the proxy that filters it as the user types.

Sorting is done by the source model over precomputed keys (locale-aware collation for text),
and the proxy filters over search keys precomputed once per reload: a keystroke costs one
pass over plain Python strings plus the proxy's row mapping, never a SQL query.

After a small write the model updates only the participants concerned (update_rows): rows
are changed in place, moved, inserted at their sorted place or removed with the matching
model signals, so the proxy, the selection and the scroll position follow without a reset.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection, Iterable, Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QCollator,
    QLocale,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont

from peerdesk.store.records import Participant, SkillLevel
from peerdesk.textfold import fold, search_key

COLUMNS = (
    "Name", "E-mail", "Department", "Title", "Role", "Status", "Time zone", "Teaches", "Learns", "Capacity", "Trained",
)  # fmt: skip
NAME, EMAIL, DEPARTMENT, TITLE, ROLE, STATUS, TIMEZONE, TEACHES, LEARNS, CAPACITY, TRAINED = range(len(COLUMNS))
TRAINED_MARK = "✔"
ID_ROLE = Qt.ItemDataRole.UserRole + 1
ROLE_LABELS = {"mentor": "Mentor", "mentee": "Mentee", "both": "Mentor & mentee", "peer": "Peer"}
STATUS_LABELS = {"active": "Active", "paused": "Paused", "alumni": "Alumni"}

_Index = QModelIndex | QPersistentModelIndex
_ARCHIVED = QColor("#8a8a8a")


def collator() -> QCollator:
    """A case-insensitive, numeric-aware collator for the user's locale (English when it is C)."""
    locale = QLocale()
    if locale.language() == QLocale.Language.C:
        locale = QLocale(QLocale.Language.English, QLocale.Country.UnitedStates)
    c = QCollator(locale)
    c.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    c.setNumericMode(True)
    return c


def skills_text(skills: Sequence[SkillLevel]) -> str:
    return ", ".join(f"{s.skill} ({s.level})" for s in skills)


def _display(p: Participant, trained: bool) -> tuple[str, ...]:
    status = STATUS_LABELS.get(p.status, p.status)
    return (
        p.name,
        p.email,
        p.department,
        p.title,
        ROLE_LABELS.get(p.role, p.role),
        f"{status} (archived)" if p.archived else status,
        p.timezone,
        skills_text(p.teaches),
        skills_text(p.learns),
        str(p.capacity),
        TRAINED_MARK if trained else "",
    )


def participant_key(p: Participant) -> str:
    """The folded text a search looks in: name, e-mail, department and skills."""
    return search_key(p.name, p.email, p.department, *(s.skill for s in p.teaches), *(s.skill for s in p.learns))


def _tooltip(p: Participant) -> str:
    lines = [p.name, p.email]
    if p.title or p.department:
        lines.append(" · ".join(x for x in (p.title, p.department) if x))
    if p.location:
        lines.append(f"{p.location} ({p.timezone})")
    if p.manager_email:
        lines.append(f"Manager: {p.manager_email}")
    if p.notes:
        lines.append(p.notes)
    return "\n".join(lines)


Prepared = dict[int, tuple[Participant, tuple[str, ...], str]]  # id -> (participant, display, search key)


def _plain_cmp(a: Any, b: Any) -> int:
    return (a > b) - (a < b)


class ParticipantsModel(QAbstractTableModel):
    """Every participant, one row each; sorts itself (see module docstring)."""

    # ids about to be changed, inserted or removed by update_rows (sent before any row signal)
    rows_changing = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Participant] = []
        self._display: list[tuple[str, ...]] = []
        self.keys: list[str] = []  # search keys, parallel to rows
        self.ids: list[int] = []  # participant ids, parallel to rows
        self.generation = 0  # changes whenever rows are replaced or reordered
        self.archived_count = 0
        self._row_of: dict[int, int] = {}
        # id -> (participant, display strings, search key): reused while the participant is unchanged
        self._cache: Prepared = {}
        self.trained: frozenset[int] = frozenset()  # ids of everyone trained, as last given
        self._sort_column = NAME
        self._sort_order = Qt.SortOrder.AscendingOrder
        self._collator = collator()

    # --- loading -----------------------------------------------------------------------

    @staticmethod
    def prepare(participants: Sequence[Participant], trained: Collection[int]) -> Prepared:
        """Each row's display strings and search key, worked out ahead (on a worker, for a first load)."""
        ids = frozenset(trained)
        return {int(p.id or 0): (p, _display(p, int(p.id or 0) in ids), participant_key(p)) for p in participants}

    def set_rows(
        self,
        participants: Sequence[Participant],
        trained: Collection[int] = frozenset(),
        prepared: Prepared | None = None,
    ) -> None:
        """Replace the content (kept in the current sort order); `trained`: the ids of everyone trained;
        `prepared`: what prepare() made of these participants."""
        self.beginResetModel()
        self.trained = frozenset(trained)
        old = self._cache if prepared is None else prepared
        cache: dict[int, tuple[Participant, tuple[str, ...], str]] = {}
        display: list[tuple[str, ...]] = []
        keys: list[str] = []
        for p in participants:
            hit = old.get(int(p.id or 0))
            if hit is None or hit[0] != p or self._trained_shown(hit[1]) != self.is_trained(p):
                hit = (p, _display(p, self.is_trained(p)), participant_key(p))
            cache[int(p.id or 0)] = hit
            display.append(hit[1])
            keys.append(hit[2])
        self._cache = cache
        rows = list(participants)
        order = self._order(rows, display, self._sort_column, self._sort_order)
        self._assign([rows[i] for i in order], [display[i] for i in order], [keys[i] for i in order])
        self.endResetModel()

    def update_rows(
        self, changed: Sequence[Participant], removed: Iterable[int], trained: Collection[int] | None = None
    ) -> None:
        """Put these participants (new or changed) in their sorted place and drop the removed ids.

        `trained`, when given, replaces the ids of everyone trained; the caller passes among
        `changed` whoever gained or lost the mark (see trained_flips). Costs a few binary searches
        and list edits per participant, instead of a reset.
        """
        if trained is not None:
            self.trained = frozenset(trained)
        gone = [pid for pid in removed if pid in self._row_of]
        fresh = [p for p in changed if p.id is not None]
        if not gone and not fresh:
            return
        self.rows_changing.emit(frozenset(gone) | {int(p.id or 0) for p in fresh})
        for pid in gone:
            row = self._row_of[pid]
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._rows[row], self._display[row], self.keys[row]
            self._cache.pop(pid, None)
            self._reindex()
            self.endRemoveRows()
        last = len(COLUMNS) - 1
        for p in fresh:
            pid = int(p.id or 0)
            hit = self._cache.get(pid)
            if hit is None or hit[0] != p or self._trained_shown(hit[1]) != self.is_trained(p):
                hit = (p, _display(p, self.is_trained(p)), participant_key(p))
                self._cache[pid] = hit
            row = self._row_of.get(pid)
            target = self._place(p, hit[1], skip=row)
            if row is None:
                self.beginInsertRows(QModelIndex(), target, target)
                self._rows.insert(target, p)
                self._display.insert(target, hit[1])
                self.keys.insert(target, hit[2])
                self._reindex()
                self.endInsertRows()
                continue
            if target != row:
                # Qt's destination is counted before the row leaves; our target is counted after
                self.beginMoveRows(QModelIndex(), row, row, QModelIndex(), target + 1 if target > row else target)
                for column, value in zip((self._rows, self._display, self.keys), hit, strict=True):
                    del column[row]  # type: ignore[attr-defined]
                    column.insert(target, value)  # type: ignore[attr-defined]
                self._reindex()
                self.endMoveRows()
            else:
                self._rows[row], self._display[row], self.keys[row] = hit
                self._reindex()
            self.dataChanged.emit(self.index(target, 0), self.index(target, last))

    def is_trained(self, p: Participant) -> bool:
        return int(p.id or 0) in self.trained

    @staticmethod
    def _trained_shown(display: tuple[str, ...]) -> bool:
        return display[TRAINED] == TRAINED_MARK

    def trained_flips(self, trained: Collection[int]) -> set[int]:
        """The ids shown here whose trained mark differs from this (new) set of trained ids."""
        now = trained if isinstance(trained, (set, frozenset)) else frozenset(trained)
        return {pid for pid in self.trained.symmetric_difference(now) if pid in self._row_of}

    def _reindex(self) -> None:
        self.ids = [int(p.id or 0) for p in self._rows]
        self._row_of = {pid: i for i, pid in enumerate(self.ids)}
        self.archived_count = sum(1 for p in self._rows if p.archived)
        self.generation += 1

    def _place(self, p: Participant, display: tuple[str, ...], skip: int | None) -> int:
        """Where p goes in the current sort order, counted as if row `skip` were not there."""
        descending = self._sort_order == Qt.SortOrder.DescendingOrder
        n = len(self._rows) - (skip is not None)
        lo, hi = 0, n
        while lo < hi:
            mid = (lo + hi) // 2
            i = mid if skip is None or mid < skip else mid + 1
            c = self._compare(self._rows[i], self._display[i], p, display)
            if (c > 0) if descending else (c < 0):
                lo = mid + 1
            else:
                hi = mid
        return lo

    def _text_cmp(self, a: str, b: str) -> int:
        """Collation order, made total: strings the collator finds equal are ordered by code point."""
        return self._collator.compare(a, b) or _plain_cmp(a, b)

    def _compare(self, a: Participant, da: tuple[str, ...], b: Participant, db: tuple[str, ...]) -> int:
        """The ascending order of _order(): sort column, then name, then e-mail."""
        column = self._sort_column
        if column == CAPACITY:
            c = _plain_cmp(a.capacity, b.capacity)
        elif column != NAME:
            c = self._text_cmp(da[column], db[column])
        else:
            c = 0
        return c or self._text_cmp(a.name, b.name) or _plain_cmp(a.email, b.email)

    def clear_cache(self) -> None:
        """Forget the precomputed display strings and search keys (benchmarks measure a cold load)."""
        self._cache = {}

    def _assign(self, rows: list[Participant], display: list[tuple[str, ...]], keys: list[str]) -> None:
        self._rows = rows
        self._display = display
        self.keys = keys
        self.ids = [int(p.id or 0) for p in rows]
        self._row_of = {pid: i for i, pid in enumerate(self.ids)}
        self.archived_count = sum(1 for p in rows if p.archived)
        self.generation += 1

    # --- access ------------------------------------------------------------------------

    def participant(self, row: int) -> Participant:
        return self._rows[row]

    def participants(self) -> list[Participant]:
        return list(self._rows)

    def row_of(self, pid: int) -> int | None:
        return self._row_of.get(pid)

    # --- Qt model API -------------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(COLUMNS)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, col = index.row(), index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display[row][col]
        if role == ID_ROLE:
            return self.ids[row]
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == TRAINED:
                return "Completed every required training module" if self._display[row][col] else None
            return _tooltip(self._rows[row]) if col == NAME else self._display[row][col] or None
        if role == Qt.ItemDataRole.ForegroundRole:
            return _ARCHIVED if self._rows[row].archived else None
        if role == Qt.ItemDataRole.FontRole and self._rows[row].archived:
            font = QFont()
            font.setItalic(True)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (CAPACITY, TRAINED):
            align = Qt.AlignmentFlag.AlignRight if col == CAPACITY else Qt.AlignmentFlag.AlignHCenter
            return int(align | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            if role == Qt.ItemDataRole.DisplayRole:
                return COLUMNS[section]
            if role == Qt.ItemDataRole.TextAlignmentRole and section in (CAPACITY, TRAINED):
                align = Qt.AlignmentFlag.AlignRight if section == CAPACITY else Qt.AlignmentFlag.AlignHCenter
                return int(align | Qt.AlignmentFlag.AlignVCenter)
        return None

    # --- sorting ----------------------------------------------------------------------

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        self._sort_column, self._sort_order = column, order
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        held = [(self.ids[i.row()], i.column()) for i in persistent]
        rows, display, keys = self._rows, self._display, self.keys
        order_ = self._order(rows, display, column, order)
        self._assign([rows[i] for i in order_], [display[i] for i in order_], [keys[i] for i in order_])
        self.changePersistentIndexList(persistent, [self.index(self._row_of[pid], col) for pid, col in held])
        self.layoutChanged.emit()

    def sort_state(self) -> tuple[int, Qt.SortOrder]:
        return self._sort_column, self._sort_order

    def _ranks(self, values: Sequence[str]) -> list[int]:
        """The collation rank of each value (equal values share a rank)."""
        distinct = sorted(set(values), key=functools.cmp_to_key(self._text_cmp))
        rank = {v: i for i, v in enumerate(distinct)}
        return [rank[v] for v in values]

    def _order(
        self, rows: Sequence[Participant], display: Sequence[tuple[str, ...]], column: int, order: Qt.SortOrder
    ) -> list[int]:
        """Row positions in sorted order; ties broken by name, then e-mail."""
        if not rows:
            return []
        names = self._ranks([p.name for p in rows])
        emails = [p.email for p in rows]
        primary: Sequence[Any]
        if column == NAME:
            primary = names
        elif column == CAPACITY:
            primary = [p.capacity for p in rows]
        else:
            primary = self._ranks([d[column] for d in display])
        key: Callable[[int], Any] = lambda i: (primary[i], names[i], emails[i])  # noqa: E731
        return sorted(range(len(rows)), key=key, reverse=order == Qt.SortOrder.DescendingOrder)


class ParticipantsFilter(QSortFilterProxyModel):
    """Filters by typed text (accent-folded, every word must occur) and by department, role, status."""

    filter_changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._source: ParticipantsModel | None = None
        self._accepted: set[int] | None = None
        self._undecided: set[int] = set()  # ids changed by the model since _accepted was computed
        self._last: tuple[tuple, str, list[int]] | None = None  # criteria, folded query, accepted rows
        self.query = ""
        self.department: str | None = None
        self.role: str | None = None
        self.status: str | None = None
        self.show_archived = False

    def setSourceModel(self, model: QAbstractItemModel) -> None:  # type: ignore[override]
        assert isinstance(model, ParticipantsModel)
        if self._source is not None:
            self._source.modelReset.disconnect(self._refilter)
            self._source.rows_changing.disconnect(self._undecide)
        super().setSourceModel(model)
        self._source = model
        model.modelReset.connect(self._refilter)
        model.rows_changing.connect(self._undecide)
        self._refilter()

    # --- criteria ----------------------------------------------------------------------

    def set_query(self, text: str) -> None:
        if text != self.query:
            self.query = text
            self._refilter()

    def set_department(self, department: str | None) -> None:
        self.department = department or None
        self._refilter()

    def set_role(self, role: str | None) -> None:
        self.role = role or None
        self._refilter()

    def set_status(self, status: str | None) -> None:
        self.status = status or None
        self._refilter()

    def set_show_archived(self, show: bool) -> None:
        self.show_archived = show
        self._refilter()

    def is_filtering(self) -> bool:
        return bool(self.query.strip() or self.department or self.role or self.status)

    # --- filtering ---------------------------------------------------------------------

    def accepted_rows(self, model: ParticipantsModel) -> list[int] | None:
        """The model rows that pass every criterion; None when everyone passes.

        One pass over precomputed keys; while the user keeps typing (the new query extends the
        previous one) only the rows accepted last time are checked again.
        """
        folded = fold(self.query)
        words = folded.split()
        criteria = (self.department, self.role, self.status, self.show_archived, model.generation)
        if not words and criteria[:3] == (None, None, None) and self.show_archived:
            self._last = None
            return None
        last = self._last
        if last is not None and last[0] == criteria and folded.startswith(last[1]):
            candidates = last[2]
        else:
            candidates = self._base_rows(model)
        keys = model.keys
        for word in words:
            candidates = [i for i in candidates if word in keys[i]]
        self._last = (criteria, folded, candidates)
        return candidates

    def _base_rows(self, model: ParticipantsModel) -> list[int]:
        """Rows passing the department, role, status and archived criteria."""
        dept, role, status, archived_ok = self.department, self.role, self.status, self.show_archived
        rows = model.participants()
        return [
            i
            for i, p in enumerate(rows)
            if (archived_ok or not p.archived)
            and (dept is None or p.department == dept)
            and (role is None or p.role == role)
            and (status is None or p.status == status)
        ]

    def passes(self, p: Participant, key: str) -> bool:
        """Whether one participant (with its search key) passes every criterion."""
        return (
            (self.show_archived or not p.archived)
            and (self.department is None or p.department == self.department)
            and (self.role is None or p.role == self.role)
            and (self.status is None or p.status == self.status)
            and all(word in key for word in fold(self.query).split())
        )

    def _refilter(self) -> None:
        if self._source is None:
            return
        rows = self.accepted_rows(self._source)
        ids = self._source.ids
        self._accepted = None if rows is None else {ids[i] for i in rows}
        self._undecided.clear()
        self.invalidate()
        self.filter_changed.emit()

    def _undecide(self, ids: frozenset[int]) -> None:
        """The model is about to change these participants: judge them again when the proxy asks."""
        if self._accepted is not None:
            self._undecided.update(ids)

    def filterAcceptsRow(self, source_row: int, source_parent: _Index) -> bool:
        accepted = self._accepted
        if accepted is None:
            return True
        source = self._source
        assert source is not None
        pid = source.ids[source_row]
        if pid in self._undecided:  # changed since the last full pass: judged on its current data
            return self.passes(source.participant(source_row), source.keys[source_row])
        return pid in accepted

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort through the source model's precomputed keys (the proxy keeps source order)."""
        if self._source is not None:
            self._source.sort(column, order)
