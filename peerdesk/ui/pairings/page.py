"""The Pairings page: propose a round, see why, adjust it, accept it; and the history of who met whom."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable
from dataclasses import replace
from functools import partial
from typing import Any

from PySide6.QtCore import QDate, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSlider,
    QSpinBox,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from peerdesk import clock
from peerdesk.jobs import Cancelled, Work
from peerdesk.matching import propose
from peerdesk.matching.edit import compare
from peerdesk.matching.load import (
    flag_unschedulable,
    load_problem,
    options_to_dict,
    stored_options,
    stored_weights,
)
from peerdesk.matching.model import (
    DEFAULT_WEIGHTS,
    OBJECTIVE_MODES,
    OBJECTIVES,
    PART_LABELS,
    PARTS,
    LockedGroup,
    Mode,
    Objective,
    Options,
    Pair,
    Problem,
    Proposal,
    Weights,
)
from peerdesk.store import pairings as store
from peerdesk.store.db import Database
from peerdesk.store.programs import DEFAULT_MEETING_MINUTES, list_programs, program_meeting_minutes
from peerdesk.store.workspace import Changes
from peerdesk.ui.common import icons, widgets
from peerdesk.ui.common.context import AppContext
from peerdesk.ui.common.jobs import JobRunner
from peerdesk.ui.common.refresh import when_shown
from peerdesk.ui.pairings.accepting import AcceptedRound, RoundAccepting
from peerdesk.ui.pairings.compare import (
    OBJECTIVE_HINTS,
    OBJECTIVE_NAMES,
    Comparison,
    ObjectiveComparing,
    placed,
)
from peerdesk.ui.pairings.history import RoundHistory, _read_history
from peerdesk.ui.pairings.models import (
    CANNOT_MEET_TEXT,
    PART_COLOURS,
    BreakdownDelegate,
    ProposalModel,
    UnmatchedModel,
    group_detail_html,
)
from peerdesk.ui.pairings.parts import _count, _table

MODES: tuple[tuple[Mode, str], ...] = (
    ("mentoring", "Mentoring (mentors with mentees)"),
    ("buddies", "Buddies (peer pairs)"),
    ("cross_functional", "Cross-functional pairs"),
    ("circles", "Learning circles"),
)


WATCHED = ("participants", "pairings", "pairing_members", "match_rounds", "programs", "program_members", "settings")


class PairingsPage(RoundAccepting, ObjectiveComparing, RoundHistory, QWidget):
    """Propose, explain, adjust and accept matching rounds; review who met whom."""

    proposal_ready = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.problem: Problem | None = None
        self.proposal: Proposal | None = None
        self.previous: Proposal | None = None
        self.comparison: Comparison = {}  # each objective's round of the same pool, while it stands
        self.rejected: set[Pair] = set()
        self.locks: dict[frozenset[int], LockedGroup] = {}
        self.job: JobRunner | None = None  # while a round is being loaded, solved and checked
        self.accepted: AcceptedRound | None = None
        self.meeting_minutes = DEFAULT_MEETING_MINUTES
        self.checked_from: dt.date | None = None  # the start date the first meetings were checked from
        self._loading = False
        self._weights_timer = QTimer(self)
        self._weights_timer.setSingleShot(True)
        self._weights_timer.setInterval(450)
        self._weights_timer.timeout.connect(self._weights_settled)

        outer = QVBoxLayout(self)
        outer.addWidget(self._controls())
        split = QSplitter(Qt.Orientation.Vertical)
        split.addWidget(self._proposal_area())
        split.addWidget(self._history_area())
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        outer.addWidget(split, 1)

        self.history_runner = JobRunner(ctx.path, self)
        self.history_runner.finished.connect(self._show_history)
        self.history_runner.failed.connect(
            lambda error: self._failed(widgets.describe_exception(type(error), error, error.__traceback__))
        )
        ctx.changed.connect(when_shown(self, self._on_changed))
        self._fill_programs()
        self._load_settings()
        self._refresh_history()
        self._update_buttons()

    # -- building ---------------------------------------------------------------------

    def _controls(self) -> QWidget:
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        self.program_combo = QComboBox()
        self.program_combo.setToolTip("The program whose participants are matched")
        self.program_combo.setAccessibleName("Program")
        self.program_combo.setMinimumContentsLength(22)
        self.mode_combo = QComboBox()
        self.mode_combo.setToolTip("The kind of round: mentoring, buddies, cross-functional pairs or learning circles")
        self.mode_combo.setAccessibleName("Format")
        for mode, label in MODES:
            self.mode_combo.addItem(label, mode)
        self.mode_combo.setCurrentIndex(1)
        self.size_spin = QSpinBox()
        self.size_spin.setToolTip("How many people a learning circle has")
        self.size_spin.setRange(3, 6)
        self.size_spin.setValue(4)
        self.size_spin.setPrefix("circles of ")
        self.odd_combo = QComboBox()
        self.odd_combo.setToolTip("What to do with the person left over when the number is odd")
        self.odd_combo.addItem("Odd one out joins a trio", "trio")
        self.odd_combo.addItem("Odd one out sits out in turn", "sitout")
        self.objective_combo = QComboBox()
        self.objective_combo.setAccessibleName("Objective")
        for objective in OBJECTIVES:
            self.objective_combo.addItem(OBJECTIVE_NAMES[objective], objective)
            self.objective_combo.setItemData(
                self.objective_combo.count() - 1, OBJECTIVE_HINTS[objective], Qt.ItemDataRole.ToolTipRole
            )
        self.objective_combo.setToolTip("What the round is best at: the total, the worst-off pair, or stability")
        self.trained_check = QCheckBox("Only trained mentors")
        self.trained_check.setToolTip("Propose only mentors who completed the required training")
        self.overlap_spin = QDoubleSpinBox()
        self.overlap_spin.setRange(0.25, 20)
        self.overlap_spin.setSingleStep(0.25)
        self.overlap_spin.setDecimals(2)
        self.overlap_spin.setSuffix(" h/week")
        self.overlap_spin.setPrefix("min. common ")
        self.overlap_spin.setAccessibleName("Minimum common hours a week")
        self.overlap_spin.setMinimumWidth(self.overlap_spin.sizeHint().width())  # never "min. common 1.00 h/wee"
        self.propose_button = QPushButton(icons.icon("sparkles"), "Propose round")
        self.propose_button.setToolTip("Work out the best round under the rules above")
        self.propose_button.setDefault(True)
        self.compare_button = QPushButton(icons.icon("scale"), "Compare objectives")
        self.compare_button.setToolTip(
            "Solve the same pool for best total, fairest and stable, and show their figures side by side"
        )
        self.cancel_button = QPushButton(icons.icon("x"), "Cancel")
        self.cancel_button.setToolTip("Stop working out the round")
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setMaximumWidth(160)
        self.progress.setTextVisible(False)
        for w in (QLabel("Program:"), self.program_combo, QLabel("Format:"), self.mode_combo, self.size_spin):
            row.addWidget(w)
        for w in (self.odd_combo, self.trained_check, self.overlap_spin, self.objective_combo):
            row.addWidget(w)
        row.addStretch(1)
        for w in (self.progress, self.cancel_button, self.compare_button, self.propose_button):
            row.addWidget(w)
        self.program_combo.currentIndexChanged.connect(self._scope_changed)
        self.mode_combo.currentIndexChanged.connect(self._scope_changed)
        self.propose_button.clicked.connect(self.propose)
        self.compare_button.clicked.connect(self.compare_objectives)
        self.objective_combo.currentIndexChanged.connect(self._objective_changed)
        self.cancel_button.clicked.connect(self.cancel)
        return box

    def _proposal_area(self) -> QWidget:
        area = QSplitter(Qt.Orientation.Horizontal)
        # weights
        weights = QGroupBox("Weights")
        grid = QGridLayout(weights)
        self.sliders: dict[str, QSlider] = {}
        self.slider_values: dict[str, QLabel] = {}
        for r, part in enumerate(PARTS):
            swatch = QLabel()
            swatch.setFixedSize(10, 10)
            swatch.setStyleSheet(f"background: {PART_COLOURS[part].name()}; border-radius: 2px;")
            slider = QSlider(Qt.Orientation.Horizontal)
            slider.setRange(0, 100)
            slider.setAccessibleName(f"Weight of {PART_LABELS[part]}")
            slider.valueChanged.connect(self._slider_moved)
            value = QLabel("0")
            value.setMinimumWidth(28)
            grid.addWidget(swatch, r, 0)
            grid.addWidget(QLabel(PART_LABELS[part]), r, 1)
            grid.addWidget(slider, r, 2)
            grid.addWidget(value, r, 3)
            self.sliders[part] = slider
            self.slider_values[part] = value
        self.defaults_button = QPushButton(icons.icon("rotate-ccw"), "Default weights")
        self.defaults_button.setToolTip("Put every weight back to PeerDesk's default")
        self.defaults_button.clicked.connect(self._reset_weights)
        grid.addWidget(self.defaults_button, len(PARTS), 1, 1, 3)
        self.compare_label = QLabel("")
        self.compare_label.setWordWrap(True)
        grid.addWidget(self.compare_label, len(PARTS) + 1, 0, 1, 4)
        self.highlight_check = QCheckBox("Highlight what changed")
        self.highlight_check.setToolTip("Mark the pairs that differ from the previous proposal")
        self.highlight_check.setChecked(True)
        self.highlight_check.toggled.connect(self._show_proposal)
        grid.addWidget(self.highlight_check, len(PARTS) + 2, 0, 1, 4)
        grid.setRowStretch(len(PARTS) + 3, 1)
        weights.setMinimumWidth(250)
        area.addWidget(weights)

        # proposal
        middle = QWidget()
        col = QVBoxLayout(middle)
        col.setContentsMargins(0, 0, 0, 0)
        self.summary_label = QLabel("Choose a program and a format, then propose a round.")
        self.summary_label.setWordWrap(True)
        col.addWidget(self.summary_label)
        col.addWidget(self._comparison_area())
        self.proposal_model = ProposalModel(self)
        self.proposal_view, self.proposal_proxy = _table(self, self.proposal_model, "Proposed groups")
        self.proposal_view.setItemDelegateForColumn(2, BreakdownDelegate(self.proposal_view))
        header = self.proposal_view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for c, width in enumerate((34, 300, 170, 44, 420)):
            self.proposal_view.setColumnWidth(c, width)
        # The why of a group is read in full in the pane below the table, not in a clipped column.
        self.proposal_view.hideColumn(4)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.sectionResized.connect(self._fit_rows)
        self.proposal_view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.proposal_view.selectionModel().selectionChanged.connect(self._selection_changed)
        # The "why" of the selected group, wrapped to the pane's width: no sideways scrolling.
        self.detail_label = QLabel()
        self.detail_label.setObjectName("groupDetail")
        self.detail_label.setWordWrap(True)
        self.detail_label.setTextFormat(Qt.TextFormat.RichText)
        self.detail_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.detail_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.detail_label.setContentsMargins(6, 4, 6, 4)
        self.detail_label.setAccessibleName("Why this group")
        self.detail_scroll = QScrollArea()
        self.detail_scroll.setWidgetResizable(True)
        self.detail_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.detail_scroll.setWidget(self.detail_label)
        self.detail_scroll.setMinimumHeight(150)
        table_split = QSplitter(Qt.Orientation.Vertical)
        table_split.addWidget(self.proposal_view)
        table_split.addWidget(self.detail_scroll)
        table_split.setStretchFactor(0, 3)
        table_split.setStretchFactor(1, 1)
        table_split.setChildrenCollapsible(False)
        table_split.setSizes([260, 190])
        self.proposal_stack = QStackedWidget()
        self.proposal_stack.addWidget(table_split)
        self.proposal_stack.addWidget(self._next_steps())
        col.addWidget(self.proposal_stack, 1)
        col.addWidget(self._adjust_area())
        self.proposal_stack.currentChanged.connect(lambda index: self.adjust_bar.setVisible(index == 0))
        area.addWidget(middle)

        # unmatched
        right = QGroupBox("Unmatched")
        rl = QVBoxLayout(right)
        self.unmatched_model = UnmatchedModel(self)
        self.unmatched_view, _ = _table(self, self.unmatched_model, "Unmatched people")
        self.unmatched_view.setWordWrap(True)
        self.unmatched_view.setColumnWidth(0, 150)
        self.unmatched_view.hideColumn(1)
        rl.addWidget(self.unmatched_view)
        right.setMinimumWidth(220)  # room for a name and the start of the reason
        area.addWidget(right)
        area.setStretchFactor(0, 0)
        area.setStretchFactor(1, 4)
        area.setStretchFactor(2, 2)
        area.setSizes([250, 780, 470])
        return area

    # -- state ------------------------------------------------------------------------

    @property
    def mode(self) -> Mode:
        return self.mode_combo.currentData()

    @property
    def program_id(self) -> int | None:
        return self.program_combo.currentData()

    def _fill_programs(self) -> None:
        current = self.program_combo.currentData() if self.program_combo.count() else None
        self.program_combo.blockSignals(True)
        self.program_combo.clear()
        self.program_combo.addItem("Everyone active", None)
        for p in list_programs(self.ctx.db):
            if p.status != "closed":
                self.program_combo.addItem(p.name, p.id)
        index = self.program_combo.findData(current)
        self.program_combo.setCurrentIndex(max(0, index))
        self.program_combo.blockSignals(False)

    def _load_settings(self) -> None:
        """Weights and options stored for the program (or the defaults)."""
        self._loading = True
        weights = stored_weights(self.ctx.db, self.program_id, self.mode)
        options = stored_options(self.ctx.db, self.program_id)
        for part in PARTS:
            self.sliders[part].setValue(round(100 * getattr(weights, part) / max(weights.total, 1e-9)))
        self.odd_combo.setCurrentIndex(max(0, self.odd_combo.findData(options.odd_person)))
        self.objective_combo.setCurrentIndex(max(0, self.objective_combo.findData(options.objective)))
        self.trained_check.setChecked(options.only_trained_mentors)
        self.meeting_minutes = program_meeting_minutes(self.ctx.db, self.program_id)
        meeting_hours = self.meeting_minutes / 60
        hours = options.min_overlap_hours
        self.overlap_spin.setValue(meeting_hours if hours is None else hours)
        self.overlap_spin.setToolTip(
            "Pairs must share at least this many hours a week. By default, the program's meeting length "
            f"({self.meeting_minutes} minutes; set it in the program's settings)."
        )
        self.size_spin.setValue(options.group_size)
        self._loading = False
        self._update_slider_labels()
        self._update_visibility()
        monday = clock.today() + dt.timedelta(days=(7 - clock.today().weekday()) % 7 or 7)
        self.start_edit.setDate(QDate(monday.year, monday.month, monday.day))

    def weights(self) -> Weights:
        values = {part: self.sliders[part].value() / 100 for part in PARTS}
        if sum(values.values()) <= 0:
            return stored_weights(self.ctx.db, self.program_id, self.mode)
        return Weights(**values)

    def options(self) -> Options:
        hours: float | None = float(self.overlap_spin.value())
        if hours is not None and abs(hours - self.meeting_minutes / 60) < 1e-6:
            hours = None  # the meeting length: follows it when the program's meetings change
        return replace(
            Options(),
            only_trained_mentors=self.trained_check.isChecked(),
            min_overlap_hours=hours,
            odd_person=self.odd_combo.currentData(),
            objective=self.objective if self.mode in OBJECTIVE_MODES else "best",
            group_size=self.size_spin.value(),
        )

    @property
    def objective(self) -> Objective:
        return self.objective_combo.currentData()

    def _update_visibility(self) -> None:
        mode = self.mode
        self.size_spin.setVisible(mode == "circles")
        self.odd_combo.setVisible(mode in ("buddies", "cross_functional"))
        self.trained_check.setVisible(mode == "mentoring")
        self.objective_combo.setVisible(mode in OBJECTIVE_MODES)
        self.compare_button.setVisible(mode in OBJECTIVE_MODES)

    def _update_slider_labels(self) -> None:
        for part in PARTS:
            self.slider_values[part].setText(str(self.sliders[part].value()))

    def _update_buttons(self) -> None:
        busy = self.job is not None
        has = self.proposal is not None and bool(self.proposal.groups)
        selected = bool(self._selected_rows())
        self.propose_button.setEnabled(not busy and not self.ctx.readonly)
        self.compare_button.setEnabled(not busy and not self.ctx.readonly)
        self.cancel_button.setVisible(busy)
        self.progress.setVisible(busy)
        self.lock_button.setEnabled(has and selected and not busy)
        self.reject_button.setEnabled(has and selected and not busy)
        first = "" if has else "Propose a round first. "  # a disabled button says what it waits for
        pick = "" if not has or selected else "Select a group of the proposal first. "
        self.lock_button.setToolTip(first + pick + "Keep the selected group as it is when re-running")
        self.reject_button.setToolTip(
            first + pick + "Never propose the selected pairs again in this session; re-run for the rest"
        )
        self.accept_button.setToolTip(first + "Record this round as the new pairings (can be undone)")
        apart = self._swap_apart()
        self.swap_button.setEnabled(has and not busy and apart)
        self.swap_button.setToolTip(
            first + "Exchange the two people between their groups"
            if apart or not has
            else "Choose two people in different groups to swap them"
        )
        self.accept_button.setEnabled(has and not busy and not self.ctx.readonly)
        rows = self._selected_rows()
        if rows and self.proposal is not None:
            all_locked = all(self.proposal.groups[r].locked for r in rows)
            self.lock_button.setText("Unlock" if all_locked else "Lock")
            self.lock_button.setIcon(icons.icon("lock-open" if all_locked else "lock"))

    def _selected_rows(self) -> list[int]:
        rows = {self.proposal_proxy.mapToSource(i).row() for i in self.proposal_view.selectionModel().selectedRows()}
        return sorted(r for r in rows if r >= 0)

    # -- running ----------------------------------------------------------------------

    def _scope_changed(self) -> None:
        """A new program or format starts a fresh session of proposals."""
        self.rejected.clear()
        self.locks.clear()
        self.proposal = None
        self.previous = None
        self._clear_comparison()
        self._load_settings()
        self._show_proposal()
        self.summary_label.setText("Propose a round to see the best pairs for these settings.")
        self.compare_label.clear()
        self._update_buttons()

    def _slider_moved(self) -> None:
        self._update_slider_labels()
        if not self._loading:
            self._weights_timer.start()

    def _reset_weights(self) -> None:
        defaults = DEFAULT_WEIGHTS[self.mode]
        self._loading = True
        for part in PARTS:
            self.sliders[part].setValue(round(100 * getattr(defaults, part) / defaults.total))
        self._loading = False
        self._update_slider_labels()
        self._weights_settled()

    def _weights_settled(self) -> None:
        """Store the program's weights, and show how the round changes with them."""
        if self.program_id is not None and not self.ctx.readonly:
            weights = self.weights()
            if weights != stored_weights(self.ctx.db, self.program_id, self.mode):
                widgets.run_write(
                    self.ctx,
                    self,
                    "Change matching weights",
                    store.save_matching_config,
                    self.program_id,
                    mode=self.mode,
                    weights=weights.as_dict(),
                )
        if self.proposal is not None:
            self.propose()

    def propose(self) -> None:
        """Load the problem from the store and solve it on a worker thread."""
        if self._start(_load_and_solve, self._matched):
            self._clear_comparison()

    def _start(self, solve: Callable[..., Any], done: Callable[[Any], None]) -> bool:
        """Run solve(load, check, work) on a worker; done(result) follows (False when a job runs already)."""
        if self.job is not None:
            return False
        if self.program_id is not None and not self.ctx.readonly:
            options = options_to_dict(self.options())
            if options != options_to_dict(stored_options(self.ctx.db, self.program_id)):
                widgets.run_write(
                    self.ctx,
                    self,
                    "Change matching options",
                    store.save_matching_config,
                    self.program_id,
                    options=options,
                )
        load = partial(
            load_problem,
            mode=self.mode,
            program_id=self.program_id,
            options=self.options(),
            weights=self.weights(),
            rejected=frozenset(self.rejected),
            locked=tuple(self.locks.values()),
            previous=frozenset(self.proposal.pairs()) if self.proposal is not None else frozenset(),
        )
        self._show_table()
        self.checked_from = self.start_date()
        check = partial(flag_unschedulable, starts_on=self.checked_from, duration_min=self.meeting_minutes)
        job = JobRunner(self.ctx.path, self)
        job.progressed.connect(self._progressed)
        job.finished.connect(done)
        job.failed.connect(self._match_failed)
        self.job = job
        self.summary_label.setText("Loading people, availability and history…")
        self.progress.setValue(0)
        job.run(partial(solve, load, check))
        self._update_buttons()
        return True

    def _loaded(self, problem: Problem) -> None:
        self.problem = problem
        if not problem.people:
            self.summary_label.setText("Nobody to match: this program has no active participants.")

    def cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()

    def _progressed(self, done: int, total: int, message: str) -> None:
        self.progress.setValue(int(100 * done / total) if total else 0)
        self.summary_label.setText(message + "…")

    def _solved(self, proposal: Proposal) -> None:
        if self.proposal is not None:
            self.previous = self.proposal
        self.proposal = proposal
        self._show_proposal()
        if proposal.groups:
            self.proposal_view.selectRow(0)
        self.proposal_ready.emit()

    def _matched(self, result: tuple[Problem, Proposal | None]) -> None:
        problem, proposal = result
        self._loaded(problem)
        if proposal is not None:
            self._solved(proposal)
        self._job_finished()

    def _match_failed(self, error: BaseException) -> None:
        if isinstance(error, Cancelled):
            self._cancelled()
        else:
            self._failed(widgets.describe_exception(type(error), error, error.__traceback__))
        self._job_finished()

    def _failed(self, message: str) -> None:
        widgets.report_bug(self, "Matching failed", "Matching failed unexpectedly.", message)
        self.summary_label.setText("Matching failed.")

    def _cancelled(self) -> None:
        self.summary_label.setText("Cancelled; the previous proposal (if any) is unchanged.")

    def _job_finished(self) -> None:
        if self.job is not None:
            self.job.deleteLater()
        self.job = None
        self._update_buttons()

    def wait(self) -> None:
        """Let the running job end and its outcome show (tests; closing the page)."""
        if self.job is not None:
            self.job.wait()

    # -- showing ----------------------------------------------------------------------

    def _show_proposal(self) -> None:
        p = self.proposal
        if p is None:
            self.proposal_model.set_groups([])
            self.unmatched_model.set_rows([])
            self._fill_swap()
            self._show_detail()
            return
        new_pairs: frozenset[Pair] = frozenset()
        if self.previous is not None:
            diff = compare(self.previous, p)
            self.compare_label.setText("Compared with the previous proposal: " + diff.summary())
            if self.highlight_check.isChecked():
                new_pairs = diff.added
        self.proposal_model.set_groups(p.groups, new_pairs)
        self.proposal_view.setWordWrap(p.mode == "circles")  # circles list four to six people
        self._fit_rows()
        self.unmatched_model.set_rows(p.unmatched)
        self.unmatched_view.resizeRowsToContents()
        quality = ""
        if p.optimal:
            quality = " — optimal"
        elif p.upper_bound:
            quality = f" — at least {100 * p.total_score / p.upper_bound:.1f}% of the best possible"
        stuck = sum(1 for g in p.groups if g.cannot_meet)
        warning = ""
        if stuck and self.checked_from is not None:
            warning = (
                f" <span style='color:{CANNOT_MEET_TEXT.name()}'><b>{_count(stuck, 'group')} cannot meet</b> for "
                f"{self.meeting_minutes} minutes within 4 weeks from {self.checked_from.isoformat()} "
                "(marked in red; select one to see why).</span>"
            )
        figures = ""
        if p.lowest_score is not None:
            figures += f" Lowest pair score {p.lowest_score:.2f}"
            if p.blocking_pairs is not None:
                figures += f", {_count(p.blocking_pairs, 'blocking pair')}"
                if p.blocking_pairs:
                    figures += " (people who would both rather be with each other than with their partners)"
            figures += "."
        if p.choices.stated:
            figures += f" {html.escape(p.choices.summary())}"
        self.summary_label.setText(
            f"{OBJECTIVE_NAMES[p.objective]}: {_count(len(p.groups), 'group')}, {placed(p)} placed, "
            f"{len(p.unmatched)} unmatched; total score {p.total_score:.2f}{quality}.{figures}{warning}"
        )
        self._fill_swap()
        self._show_detail()
        self._update_buttons()

    def _fit_rows(self, *_: Any) -> None:
        """Circles' rows as tall as their wrapped members (a few hundred rows at most: it measures each)."""
        p = self.proposal
        if p is not None and p.mode == "circles" and len(p.groups) <= 400:
            self.proposal_view.resizeRowsToContents()

    def _swap_apart(self) -> bool:
        """Whether the two people chosen to swap are in different proposed groups."""
        if self.proposal is None:
            return False
        group = {m.id: k for k, g in enumerate(self.proposal.groups) for m in g.members}
        a, b = self.swap_a.currentData(), self.swap_b.currentData()
        return a in group and b in group and group[a] != group[b]

    def _fill_swap(self) -> None:
        for combo in (self.swap_a, self.swap_b):
            current = combo.currentData()
            combo.clear()
            if self.proposal is None:
                continue
            entries = sorted(
                ((m.name, m.id, k + 1, m.role) for k, g in enumerate(self.proposal.groups) for m in g.members),
                key=lambda e: e[0].casefold(),
            )
            for name, pid, group, role in entries:
                combo.addItem(f"{name} (#{group}, {role})", pid)
                combo.setItemData(combo.count() - 1, f"{name} (#{group}, {role})", Qt.ItemDataRole.ToolTipRole)
            combo.setCurrentIndex(max(0, combo.findData(current)))
            # The list opens as wide as its longest entry (the closed box stays compact).
            combo.view().setMinimumWidth(combo.view().sizeHintForColumn(0) + 2 * combo.view().frameWidth() + 24)

    # -- editing ----------------------------------------------------------------------

    # -- after accepting ----------------------------------------------------------------

    # -- the selected group ---------------------------------------------------------------

    def _selection_changed(self) -> None:
        self._show_detail()
        self._update_buttons()

    def _show_detail(self) -> None:
        rows = self._selected_rows()
        if self.proposal is None or not self.proposal.groups:
            self.detail_label.setText("")
            self.detail_scroll.setVisible(False)
            return
        self.detail_scroll.setVisible(True)
        if len(rows) != 1:
            self.detail_label.setText("<i>Select a group to see why it was proposed.</i>")
            return
        self.detail_label.setText(group_detail_html(self.proposal.groups[rows[0]], rows[0] + 1))

    # -- history ----------------------------------------------------------------------

    def _on_changed(self, changes: Changes) -> None:
        if changes.touches("programs"):
            self._fill_programs()
        if changes.touches(*WATCHED):
            self.history_runner.read(_read_history)  # ~50 ms at 5,000 people: on a worker
        if self.accepted is not None and changes.touches("match_rounds", "pairings", "sessions"):
            if not any(
                r.id == self.accepted.round_id for r in store.list_rounds(self.ctx.db, self.accepted.program_id)
            ):
                self.accepted = None  # the round was undone
            if self.proposal_stack.currentIndex() == 1:
                self._show_next_steps()


def _load_and_solve(
    load: Callable[[Database], Problem], check: Callable[[Database, Proposal], Proposal], work: Work
) -> tuple[Problem, Proposal | None]:
    """On a worker, over its own connection: load the problem, solve it, and mark the groups that
    cannot hold a first meeting (None: nobody to match)."""
    work.progress(0, 1, "Loading people, availability and history")
    db = work.reader()
    problem = load(db)
    work.check("Matching was cancelled.")
    if not problem.people:
        return problem, None
    proposal = propose(problem, progress=work.progress, cancel=work.cancelled)
    work.progress(1, 1, "Looking for each group's first meeting")
    return problem, check(db, proposal)
