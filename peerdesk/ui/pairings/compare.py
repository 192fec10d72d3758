"""Comparing objectives on the Pairings page: best total, fairest and stable rounds of the same pool, side by side."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor, QFont
from PySide6.QtWidgets import QHeaderView, QLabel, QTableView, QVBoxLayout, QWidget

from peerdesk.jobs import Work
from peerdesk.matching import propose
from peerdesk.matching.model import OBJECTIVE_MODES, OBJECTIVES, Objective, Problem, Proposal
from peerdesk.store.db import Database

_Index = QModelIndex | QPersistentModelIndex
OBJECTIVE_NAMES: dict[Objective, str] = {"best": "Best total", "fairest": "Fairest", "stable": "Stable"}
OBJECTIVE_HINTS: dict[Objective, str] = {
    "best": "The highest total score (as many matched as possible first)",
    "fairest": "The highest lowest pair score, then the highest total",
    "stable": "No blocking pair: no two people who would both score higher together than with their partners",
}
SHOWN_BACKGROUND = QColor(225, 236, 250)
Comparison = dict[Objective, Proposal]


def placed(p: Proposal) -> str:
    """'5 of 6 mentees' or '14 of 15 people': who a round places, of those it could."""
    if p.mode == "mentoring":
        mentees = sum(1 for g in p.groups for m in g.members if m.role == "mentee" and not g.locked)
        return f"{mentees} of {p.eligible} mentees"
    locked = sum(len(g.ids) for g in p.groups if g.locked)
    return f"{len(p.matched_ids)} of {p.eligible + locked} people"


def _of(n: int, p: Proposal) -> str:
    return f"{n} of {p.choices.stated}" if p.choices.stated else "—"


# (row heading, the figure of a proposal, tooltip)
FIGURES: tuple[tuple[str, Callable[[Proposal], str], str], ...] = (
    ("Placed", placed, "Who the round places, of those who could be placed"),
    ("Total score", lambda p: f"{p.total_score:.2f}", "The sum of the pair scores"),
    (
        "Lowest pair score",
        lambda p: "—" if p.lowest_score is None else f"{p.lowest_score:.2f}",
        "The score of the worst-off group",
    ),
    (
        "Blocking pairs",
        lambda p: "—" if p.blocking_pairs is None else str(p.blocking_pairs),
        "Two people, allowed together, who would both score higher with each other than with their partners",
    ),
    ("Got their 1st choice", lambda p: _of(p.choices.first, p), "Of the people who named preferred partners"),
    ("Got one of their top 3", lambda p: _of(p.choices.top3, p), "Their 1st, 2nd or 3rd choice"),
    ("Got none of their choices", lambda p: _of(p.choices.none, p), "Placed with nobody they named, or not placed"),
)


class ComparisonModel(QAbstractTableModel):
    """The figures of each objective's round (columns) for the same pool; the one shown is highlighted."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.proposals: Comparison = {}
        self.objectives: list[Objective] = []
        self.shown: Objective | None = None

    def set_comparison(self, proposals: Mapping[Objective, Proposal], shown: Objective | None) -> None:
        self.beginResetModel()
        self.proposals = dict(proposals)
        self.objectives = [o for o in OBJECTIVES if o in proposals]
        self.shown = shown
        self.endResetModel()

    def set_shown(self, shown: Objective | None) -> None:
        self.shown = shown
        if self.objectives:
            self.dataChanged.emit(self.index(0, 0), self.index(len(FIGURES) - 1, len(self.objectives) - 1))
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self.objectives) - 1)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() or not self.objectives else len(FIGURES)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.objectives)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        objective = self.objectives[index.column()]
        _, figure, tip = FIGURES[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return figure(self.proposals[objective])
        if role == Qt.ItemDataRole.ToolTipRole:
            return tip
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == Qt.ItemDataRole.BackgroundRole and objective == self.shown:
            return SHOWN_BACKGROUND
        if role == Qt.ItemDataRole.FontRole and objective == self.shown:
            font = QFont()
            font.setBold(True)
            return font
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and 0 <= section < len(self.objectives):
            objective = self.objectives[section]
            if role == Qt.ItemDataRole.DisplayRole:
                return OBJECTIVE_NAMES[objective] + (" (shown)" if objective == self.shown else "")
            if role == Qt.ItemDataRole.ToolTipRole:
                return OBJECTIVE_HINTS[objective] + ". Click to show this round."
        if orientation == Qt.Orientation.Vertical and 0 <= section < len(FIGURES):
            if role == Qt.ItemDataRole.DisplayRole:
                return FIGURES[section][0]
            if role == Qt.ItemDataRole.ToolTipRole:
                return FIGURES[section][2]
        return None

    def objective_at(self, column: int) -> Objective | None:
        return self.objectives[column] if 0 <= column < len(self.objectives) else None


def load_and_compare(
    load: Callable[[Database], Problem], check: Callable[[Database, Proposal], Proposal], work: Work
) -> tuple[Problem, Comparison]:
    """On a worker: load the pool once and solve it for every objective (each checked for its first
    meetings); an empty comparison when there is nobody to match."""
    work.progress(0, 1, "Loading people, availability and history")
    db = work.reader()
    problem = load(db)
    work.check("Matching was cancelled.")
    if not problem.people:
        return problem, {}
    out: Comparison = {}
    for k, objective in enumerate(OBJECTIVES):
        name = OBJECTIVE_NAMES[objective].lower()

        def progress(done: int, total: int, message: str = "", /, k: int = k, name: str = name) -> None:
            share = done / total if total else 0.0
            work.progress(round(1000 * (k + share) / len(OBJECTIVES)), 1000, f"{message} ({name})")

        solved = propose(
            replace(problem, options=replace(problem.options, objective=objective)), progress, work.cancelled
        )
        work.progress(round(1000 * (k + 1) / len(OBJECTIVES)), 1000, f"Looking for first meetings ({name})")
        out[objective] = check(db, solved)
    return problem, out


class ObjectiveComparing:
    """The Pairings page's comparison of objectives: solve the same pool for each, show them side by side,
    and show (and choose) the round of the one clicked."""

    def _comparison_area(self) -> QWidget:
        """Each objective's round of the same pool, side by side; a click shows that round's groups."""
        self.comparison_box = QWidget()
        layout = QVBoxLayout(self.comparison_box)
        layout.setContentsMargins(0, 0, 0, 4)
        note = QLabel(
            "The same pool for each objective. Click a column to see its groups; Accept records the one shown."
        )
        note.setWordWrap(True)
        layout.addWidget(note)
        self.comparison_model = ComparisonModel(self)
        self.comparison_view = QTableView()
        self.comparison_view.setModel(self.comparison_model)
        self.comparison_view.setAccessibleName("Objectives compared")
        self.comparison_view.setSelectionMode(QTableView.SelectionMode.NoSelection)
        self.comparison_view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.comparison_view.setEditTriggers(QTableView.EditTrigger.NoEditTriggers)
        self.comparison_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.comparison_view.horizontalHeader().setSectionsClickable(True)
        self.comparison_view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.comparison_view.clicked.connect(
            lambda index: self.show_objective(self.comparison_model.objective_at(index.column()))
        )
        self.comparison_view.horizontalHeader().sectionClicked.connect(
            lambda column: self.show_objective(self.comparison_model.objective_at(column))
        )
        layout.addWidget(self.comparison_view)
        self.comparison_box.setVisible(False)
        return self.comparison_box

    def _fit_comparison(self) -> None:
        view = self.comparison_view
        view.resizeRowsToContents()
        height = view.horizontalHeader().height() + 2 * view.frameWidth()
        height += sum(view.rowHeight(r) for r in range(self.comparison_model.rowCount()))
        view.setFixedHeight(height)

    def compare_objectives(self) -> None:
        """Solve the same pool for every objective on a worker thread, and show them side by side."""
        if self.mode in OBJECTIVE_MODES:
            self._start(load_and_compare, self._compared)

    def _compared(self, result: tuple[Problem, Comparison]) -> None:
        problem, comparison = result
        self._loaded(problem)
        if comparison:
            self.comparison = comparison
            shown = self.objective if self.objective in comparison else next(iter(comparison))
            self.comparison_model.set_comparison(comparison, shown)
            self.comparison_box.setVisible(True)
            self._fit_comparison()
            self._solved(comparison[shown])
        self._job_finished()

    def show_objective(self, objective: Objective | None) -> None:
        """Show the compared round of this objective (and choose the objective for the next runs)."""
        if objective is None or objective not in self.comparison or self.job is not None:
            return
        self.objective_combo.blockSignals(True)
        self.objective_combo.setCurrentIndex(self.objective_combo.findData(objective))
        self.objective_combo.blockSignals(False)
        self.comparison_model.set_shown(objective)
        if self.proposal is not self.comparison[objective]:
            self._solved(self.comparison[objective])

    def _objective_changed(self) -> None:
        if self.comparison:
            self.show_objective(self.objective)

    def _clear_comparison(self) -> None:
        """The comparison no longer describes what is shown (new settings, an edit, a new run)."""
        self.comparison = {}
        self.comparison_model.set_comparison({}, None)
        self.comparison_box.setVisible(False)
