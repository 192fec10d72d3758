"""Small helpers the parts of the Pairings page share: a counted noun and a sorted table."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSortFilterProxyModel
from PySide6.QtWidgets import QTableView, QWidget

from peerdesk.ui.common import widgets


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _table(parent: QWidget, model: Any, name: str) -> tuple[QTableView, QSortFilterProxyModel]:
    view, proxy = widgets.sorted_table(parent, model, name)
    view.setAlternatingRowColors(True)
    view.horizontalHeader().setStretchLastSection(True)
    view.setWordWrap(False)
    return view, proxy
