"""A table that sorts in its model (SelfSortingModel behind a SortingProxy) shows its rows in the
order a sorting proxy would, whatever the columns hold and however often the user re-sorts."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtWidgets import QTableView

from peerdesk.ui.common.table_models import SORT_ROLE, RecordsModel, SelfSortingModel, SortingProxy
from peerdesk.ui.common.widgets import sorted_table

ASC, DESC = Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder


def _data(model: Any, index: Any, role: int) -> Any:
    row = model.rows[index.row()]
    if role == SORT_ROLE:
        return row[index.column()]
    if role == Qt.ItemDataRole.DisplayRole:
        return str(row[index.column()])
    return None


class Plain(RecordsModel):
    HEADERS = ("text", "whole", "decimal")
    data = _data


class Sorting(SelfSortingModel):
    HEADERS = ("text", "whole", "decimal")
    data = _data


def shown(proxy: QSortFilterProxyModel) -> list[tuple[Any, ...]]:
    source = proxy.sourceModel()
    return [source.rows[proxy.mapToSource(proxy.index(r, 0)).row()] for r in range(proxy.rowCount())]


texts = st.one_of(
    st.none(), st.sampled_from(["", "a", "A", "b", "é", "Z", "z", "ａ", "😀", "\ue000"]), st.text(max_size=3)
)
whole = st.one_of(st.none(), st.integers(-3, 3))
decimal = st.one_of(st.none(), st.floats(-3, 3, allow_nan=False))
rows = st.lists(st.tuples(texts, whole, decimal), max_size=25)
sorts = st.lists(st.tuples(st.integers(-1, 3), st.sampled_from([ASC, DESC])), min_size=1, max_size=4)


@settings(max_examples=150, deadline=None)
@given(first=rows, then=rows, steps=sorts, text=st.sampled_from(["", "a", "1"]))
def test_rows_show_in_the_order_a_sorting_proxy_gives(qapp, first, then, steps, text):
    plain, sorting = Plain(), Sorting()
    expected = QSortFilterProxyModel()
    expected.setSortRole(SORT_ROLE)
    expected.setSourceModel(plain)
    proxy = SortingProxy()
    proxy.setSortRole(SORT_ROLE)
    proxy.setSourceModel(sorting)
    views = []
    for p in (expected, proxy):
        p.setFilterKeyColumn(-1)
        p.setFilterFixedString(text)
        views.append(QTableView())  # a view asks for the rows as soon as they change, as on a page
        views[-1].setModel(p)
    plain.set_rows(first)
    sorting.set_rows(first)
    for column, order in steps:
        expected.sort(column, order)
        proxy.sort(column, order)
        assert shown(proxy) == shown(expected)
    plain.set_rows(then)  # a refresh keeps the order chosen
    sorting.set_rows(then)
    assert shown(proxy) == shown(expected)


def test_a_sorted_table_sorts_a_self_sorting_model_in_the_model(qtbot):
    model = Sorting()
    model.set_rows([("b", 1, 0.5), ("a", 2, None), ("c", None, 0.0)])
    view, proxy = sorted_table(None, model, "Rows")
    qtbot.addWidget(view)
    view.sortByColumn(0, ASC)
    assert [r[0] for r in model.rows] == ["a", "b", "c"] and proxy.sortColumn() == -1
    view.sortByColumn(1, DESC)
    assert [r[0] for r in shown(proxy)] == ["c", "a", "b"]
