"""A base for the read-only tables of the window: a list of records under fixed headers.

A long table sorts faster in its model than in a sorting proxy, which asks the model for two
values at every comparison (5,000 rows: some 120,000 calls into Python at each refresh):
SelfSortingModel asks each row once and orders the rows as the proxy would; SortingProxy hands it
the view's sort and filters as usual.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, QSortFilterProxyModel, Qt

Index = QModelIndex | QPersistentModelIndex
SORT_ROLE = Qt.ItemDataRole.UserRole + 2  # what a column sorts by when that is not its text


def proxy_order(values: Sequence[Any], descending: bool = False) -> list[int]:
    """The positions of values in the order a QSortFilterProxyModel sorts them (case-sensitive, not
    locale-aware): stable, numbers by value, text by UTF-16 code unit as QString compares, and no
    value (None) after every value, so first when descending. Values of one kind, as a column's are."""
    astral = any(isinstance(v, str) and v and max(v) > "\uffff" for v in values)  # surrogate pairs sort high

    def key(v: Any) -> tuple[bool, Any]:
        if v is None:
            return (True, 0)
        return (False, v.encode("utf-16-be") if astral and isinstance(v, str) else v)

    keys = [key(v) for v in values]
    return sorted(range(len(values)), key=keys.__getitem__, reverse=descending)


class RecordsModel(QAbstractTableModel):
    """Rows are records (`self.rows`); subclasses set HEADERS (or headers()) and implement data()."""

    HEADERS: tuple[str, ...] = ()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[Any] = []

    def headers(self) -> Sequence[str]:
        return self.HEADERS

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers())

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.headers()[section]
        return None


class SelfSortingModel(RecordsModel):
    """A records model that puts its rows in the order of a column's SORT_ROLE values, as a sorting
    proxy in front of a view would (show it through a SortingProxy): a new sort is stable from the
    order shown, rows given anew are sorted stably from the order given. A column's values must be of
    one kind (text, whole numbers or decimals, with None): a proxy orders a mix of kinds unevenly."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.sort_column = -1  # as the view asked (-1: the order given)
        self.sort_order = Qt.SortOrder.AscendingOrder
        self._given: list[int] = []  # each row's place in the order given

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.arrange()
        self.endResetModel()

    def arrange(self) -> None:
        """Sort rows just given (between beginResetModel and endResetModel) in the order shown."""
        self._given = list(range(len(self.rows)))
        self._sort_rows()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.sort_column, self.sort_order = column, order
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        moved = self._sort_rows()
        self.changePersistentIndexList(persistent, [self.index(moved[i.row()], i.column()) for i in persistent])
        self.layoutChanged.emit()

    def _sort_rows(self) -> list[int]:
        """Sort self.rows; return each old row's new row."""
        n = len(self.rows)
        descending = self.sort_order == Qt.SortOrder.DescendingOrder
        if not 0 <= self.sort_column < self.columnCount():
            order = sorted(range(n), key=self._given.__getitem__, reverse=descending)
        else:
            values = [self.data(self.index(r, self.sort_column), SORT_ROLE) for r in range(n)]
            order = proxy_order(values, descending)  # from the order given, or the order shown
        self.rows = [self.rows[r] for r in order]
        self._given = [self._given[r] for r in order]
        moved = [0] * n
        for new, old in enumerate(order):
            moved[old] = new
        return moved


class SortingProxy(QSortFilterProxyModel):
    """Filters as any proxy; a SelfSortingModel behind it does the sorting (by SORT_ROLE)."""

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        source = self.sourceModel()
        if (
            isinstance(source, SelfSortingModel)
            and self.sortRole() == SORT_ROLE
            and self.sortCaseSensitivity() == Qt.CaseSensitivity.CaseSensitive
            and not self.isSortLocaleAware()
        ):
            source.sort(column, order)
        else:
            super().sort(column, order)
