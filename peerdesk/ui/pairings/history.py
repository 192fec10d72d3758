"""The Pairings page's history: past rounds and who has already met whom, read on a worker."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from peerdesk.store import pairings as store
from peerdesk.store.db import Database
from peerdesk.store.lookups import PersonName, person_names
from peerdesk.ui.common import widgets
from peerdesk.ui.pairings.manage import ActivePairingsTab, ExclusionsTab
from peerdesk.ui.pairings.models import (
    ContactsModel,
    MatrixModel,
    RoundsModel,
)
from peerdesk.ui.pairings.parts import _table

_History = tuple[list[store.MatchRound], list[PersonName], tuple[list[str], list[list[int]]]]


def _read_history(db: Database) -> _History:
    """Who met whom: the rounds, everyone's name (names only: skills and availability took ~0.2 s
    at 5,000 people) and the contacts between departments."""
    return store.list_rounds(db), person_names(db), store.department_contacts(db)


class RoundHistory:
    """The history under the proposal: past rounds, and who has already met whom."""

    def _history_area(self) -> QWidget:
        tabs = QTabWidget()
        self.rounds_model = RoundsModel(self)
        self.rounds_view, _ = _table(self, self.rounds_model, "Matching rounds")
        self.rounds_view.sortByColumn(1, Qt.SortOrder.DescendingOrder)
        self.rounds_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        tabs.addTab(self.rounds_view, "Rounds")
        people = QWidget()
        pl = QVBoxLayout(people)
        top = QHBoxLayout()
        self.person_combo = QComboBox()
        self.person_combo.setToolTip("Whose pairing history to show")
        self.person_combo.setAccessibleName("Person")
        self.person_combo.setMinimumContentsLength(24)
        self.person_combo.currentIndexChanged.connect(self._show_contacts)
        top.addWidget(QLabel("Who met whom:"))
        top.addWidget(self.person_combo)
        top.addStretch(1)
        pl.addLayout(top)
        self.contacts_model = ContactsModel(self)
        self.contacts_view, _ = _table(self, self.contacts_model, "Who the person met")
        self.contacts_view.sortByColumn(4, Qt.SortOrder.DescendingOrder)
        pl.addWidget(self.contacts_view)
        tabs.addTab(people, "Who met whom")
        self.matrix_model = MatrixModel(self)
        self.matrix_view = QTableView()
        widgets.fit_on_sample(self.matrix_view)
        self.matrix_view.setModel(self.matrix_model)
        self.matrix_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        tabs.addTab(self.matrix_view, "Department contacts")
        self.active_tab = ActivePairingsTab(self.ctx, tabs)
        tabs.addTab(self.active_tab, "Active pairings")
        self.exclusions_tab = ExclusionsTab(self.ctx, tabs)
        tabs.addTab(self.exclusions_tab, "Never pair")
        self.history_tabs = tabs
        return tabs

    def _refresh_history(self) -> None:
        self._show_history(_read_history(self.ctx.db))

    def _show_history(self, history: _History) -> None:
        rounds, people, (names, matrix) = history
        self.rounds_model.set_rows(rounds)
        current = self.person_combo.currentData()
        self.person_combo.blockSignals(True)
        self.person_combo.clear()
        for p in people:
            self.person_combo.addItem(f"{p.name} ({p.department})" if p.department else p.name, p.id)
        self.person_combo.setCurrentIndex(max(0, self.person_combo.findData(current)))
        self.person_combo.blockSignals(False)
        self._show_contacts()
        self.matrix_model.set_matrix(names, matrix)

    def _show_contacts(self) -> None:
        pid = self.person_combo.currentData()
        self.contacts_model.set_rows(store.contacts_of(self.ctx.db, pid) if pid is not None else [])
