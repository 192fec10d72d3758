"""The participants table model and the proxy that filters it as the user types.

Sorting is done by the source model over precomputed keys (locale-aware collation for text),
and the proxy filters over search keys precomputed once per reload: a keystroke costs one
pass over plain Python strings plus the proxy's row mapping, never a SQL query.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
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

COLUMNS = ("Name", "E-mail", "Department", "Title", "Role", "Status", "Time zone", "Teaches", "Learns", "Capacity")
NAME, EMAIL, DEPARTMENT, TITLE, ROLE, STATUS, TIMEZONE, TEACHES, LEARNS, CAPACITY = range(len(COLUMNS))
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


def _display(p: Participant) -> tuple[str, ...]:
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


class ParticipantsModel(QAbstractTableModel):
    """Every participant, one row each; sorts itself (see module docstring)."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Participant] = []
        self._display: list[tuple[str, ...]] = []
        self.keys: list[str] = []  # search keys, parallel to rows
        self.ids: list[int] = []  # participant ids, parallel to rows
        self._row_of: dict[int, int] = {}
        self._key_cache: dict[Participant, str] = {}
        self._sort_column = NAME
        self._sort_order = Qt.SortOrder.AscendingOrder
        self._collator = collator()

    # --- loading -----------------------------------------------------------------------

    def set_rows(self, participants: Sequence[Participant]) -> None:
        """Replace the content (kept in the current sort order)."""
        self.beginResetModel()
        cache = self._key_cache
        fresh: dict[Participant, str] = {}
        for p in participants:
            fresh[p] = cache.get(p) or participant_key(p)
        self._key_cache = fresh
        order = self._order(list(participants), self._sort_column, self._sort_order)
        self._assign([participants[i] for i in order])
        self.endResetModel()

    def _assign(self, rows: list[Participant]) -> None:
        self._rows = rows
        self._display = [_display(p) for p in rows]
        self.keys = [self._key_cache[p] for p in rows]
        self.ids = [int(p.id or 0) for p in rows]
        self._row_of = {pid: i for i, pid in enumerate(self.ids)}

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
            return _tooltip(self._rows[row]) if col == NAME else self._display[row][col] or None
        if role == Qt.ItemDataRole.ForegroundRole:
            return _ARCHIVED if self._rows[row].archived else None
        if role == Qt.ItemDataRole.FontRole and self._rows[row].archived:
            font = QFont()
            font.setItalic(True)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole and col == CAPACITY:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(COLUMNS):
            if role == Qt.ItemDataRole.DisplayRole:
                return COLUMNS[section]
            if role == Qt.ItemDataRole.TextAlignmentRole and section == CAPACITY:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    # --- sorting ----------------------------------------------------------------------

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(COLUMNS):
            return
        self._sort_column, self._sort_order = column, order
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        held = [(self.ids[i.row()], i.column()) for i in persistent]
        rows = self._rows
        order_ = self._order(rows, column, order)
        self._assign([rows[i] for i in order_])
        self.changePersistentIndexList(persistent, [self.index(self._row_of[pid], col) for pid, col in held])
        self.layoutChanged.emit()

    def sort_state(self) -> tuple[int, Qt.SortOrder]:
        return self._sort_column, self._sort_order

    def _ranks(self, values: Sequence[str]) -> list[int]:
        """The collation rank of each value (equal values share a rank)."""
        distinct = sorted(set(values), key=functools.cmp_to_key(self._collator.compare))
        rank = {v: i for i, v in enumerate(distinct)}
        return [rank[v] for v in values]

    def _order(self, rows: Sequence[Participant], column: int, order: Qt.SortOrder) -> list[int]:
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
            primary = self._ranks([_display(p)[column] for p in rows])
        key: Callable[[int], Any] = lambda i: (primary[i], names[i], emails[i])  # noqa: E731
        return sorted(range(len(rows)), key=key, reverse=order == Qt.SortOrder.DescendingOrder)


class ParticipantsFilter(QSortFilterProxyModel):
    """Filters by typed text (accent-folded, every word must occur) and by department, role, status."""

    filter_changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._source: ParticipantsModel | None = None
        self._accepted: set[int] | None = None
        self.query = ""
        self.department: str | None = None
        self.role: str | None = None
        self.status: str | None = None
        self.show_archived = False

    def setSourceModel(self, model: QAbstractItemModel) -> None:  # type: ignore[override]
        assert isinstance(model, ParticipantsModel)
        if self._source is not None:
            self._source.modelReset.disconnect(self._refilter)
        super().setSourceModel(model)
        self._source = model
        model.modelReset.connect(self._refilter)
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

    def accepted_ids(self, model: ParticipantsModel) -> set[int] | None:
        """The ids that pass every criterion, in one pass; None when everyone passes."""
        words = fold(self.query).split()
        dept, role, status, archived_ok = self.department, self.role, self.status, self.show_archived
        if not words and dept is None and role is None and status is None and archived_ok:
            return None
        accepted: set[int] = set()
        for pid, key, p in zip(model.ids, model.keys, model.participants(), strict=True):
            if p.archived and not archived_ok:
                continue
            if (dept is not None and p.department != dept) or (role is not None and p.role != role):
                continue
            if status is not None and p.status != status:
                continue
            if words and not all(w in key for w in words):
                continue
            accepted.add(pid)
        return accepted

    def _refilter(self) -> None:
        if self._source is None:
            return
        self._accepted = self.accepted_ids(self._source)
        self.invalidate()
        self.filter_changed.emit()

    def filterAcceptsRow(self, source_row: int, source_parent: _Index) -> bool:
        accepted = self._accepted
        return accepted is None or self._source.ids[source_row] in accepted  # type: ignore[union-attr]

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort through the source model's precomputed keys (the proxy keeps source order)."""
        if self._source is not None:
            self._source.sort(column, order)
