"""The first page: key figures, charts, goal status, upcoming sessions and what needs action."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListView,
    QPushButton,
    QScrollArea,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from peerdesk import clock
from peerdesk.metrics import numbers
from peerdesk.metrics.catalogue import format_value
from peerdesk.metrics.dashboard import ActionItem, Dashboard, Figure, dashboard, dashboard_goals
from peerdesk.metrics.goals import GoalProgress
from peerdesk.metrics.scope import Period
from peerdesk.store.lookups import program_of_pairing
from peerdesk.store.participants import departments, get_participant
from peerdesk.store.programs import list_programs
from peerdesk.store.sessions import Session, from_utc_text, members_of_pairing
from peerdesk.store.settings import load_settings
from peerdesk.ui.common import charts, icons, page_parts, widgets
from peerdesk.ui.common.context import AppContext
from peerdesk.ui.common.jobs import JobRunner
from peerdesk.ui.common.refresh import when_shown
from peerdesk.ui.programs.goal_models import ActionModel, GoalProgressModel, SparklineDelegate

# Tables whose changes can move a figure of the dashboard.
WATCHED = (
    "participants",
    "programs",
    "program_members",
    "goals",
    "pairings",
    "pairing_members",
    "sessions",
    "session_people",
    "feedback",
    "training_modules",
    "training_completions",
)


class FigureCard(QFrame):
    """One key figure: its label, value, and the change since the previous month."""

    def __init__(self, label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setObjectName("figureCard")
        self.label = QLabel(label, self)
        self.value = QLabel("–", self)
        big = QFont(self.value.font())
        big.setPointSizeF(big.pointSizeF() * 1.9)
        big.setBold(True)
        self.value.setFont(big)
        self.change = QLabel("", self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        layout.addWidget(self.label)
        layout.addWidget(self.value)
        layout.addWidget(self.change)

    def show_figure(self, f: Figure, previous_label: str) -> None:
        """Show a figure and how it compares with the same stretch of the period before."""
        self.value.setText(f.text)
        self.value.setAccessibleName(f"{f.label}: {f.text}")
        if f.previous is None:
            self.change.setText("" if f.key == "active_participants" else f"no figure for {previous_label}")
            self.change.setStyleSheet("")
            return
        delta = f.change
        if delta is None:
            self.change.setText(f"{previous_label}: {format_value(f.previous, f.unit)}")
            self.change.setStyleSheet("")
            return
        amount = delta_text(abs(delta), f.unit)
        if amount is None:
            delta = 0.0
        arrow = "▲" if delta > 0 else "▼" if delta < 0 else "＝"
        self.change.setText(f"{arrow} {amount} vs {previous_label}" if delta else f"＝ same as {previous_label}")
        colour = charts.GREEN if delta > 0 else charts.RED if delta < 0 else charts.GREY
        self.change.setStyleSheet(f"color: {colour.name()};")


def delta_text(delta: float, unit: str) -> str | None:
    """A change as the figures are written ('5 pts', '0.25', '2.0 h', '12'), or None when it
    rounds to nothing."""
    if unit == "percent":
        text = numbers.percent_points(delta)
    elif unit == "rating":
        text = numbers.fixed(delta, 2)
    elif unit == "hours":
        text = numbers.hours(delta)
    else:
        text = numbers.count(delta)
    return None if not any(ch in "123456789" for ch in text) else text


def period_name(period: Period) -> str:
    """'November' for a whole month, '1–2 Nov' for the first days of one (what a card compares with)."""
    if period.start is not None and period == Period.month(period.start):
        return period.start.strftime("%B")
    if period.start is not None and period.end is not None:
        if period.start == period.end:
            return f"{period.start.day} {period.start:%b}"
        return f"{period.start.day}–{period.end.day} {period.end:%b}"
    return "the period before"


def _section(title: str) -> QLabel:
    label = QLabel(title)
    font = QFont(label.font())
    font.setBold(True)
    font.setPointSizeF(font.pointSizeF() * 1.15)
    label.setFont(font)
    return label


class DashboardPage(QWidget):
    """Where the coordinator sees whether the program works, and what needs doing."""

    status_message = Signal(str)
    # ('participant' | 'session' | 'pairing', id): an action item was opened.
    open_requested = Signal(str, int)
    # Emitted each time the figures on screen were replaced by fresh ones.
    refreshed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.data: Dashboard | None = None
        self.last_seconds = 0.0
        self._stale = True
        # The figures are read on pool threads over their own connections to the program file
        # (the window stays responsive on large programs).
        # Figures and goals are computed side by side (SQLite releases the GIL while it reads).
        self.runner = JobRunner(ctx.path, self)
        self.runner.finished.connect(self._computed)
        self.runner.failed.connect(self._failed)
        self.goals_runner = JobRunner(ctx.path, self)
        self.goals_runner.finished.connect(self._goals_computed)
        self.goals_runner.failed.connect(self._failed)
        self._pending_goals: GoalsResult | None = None
        self._program_names: dict[int, str] = {}
        self._zone = "UTC"
        self._waiting = 0  # computations of the latest refresh still to arrive

        self.program_combo = QComboBox(self)
        self.program_combo.setToolTip("Show the figures of one program, or of all programs together")
        self.program_combo.setAccessibleName("Program shown on the dashboard")
        self.program_combo.currentIndexChanged.connect(lambda _: self.refresh())
        self.department_combo = QComboBox(self)
        self.department_combo.setToolTip("Show the figures of one department only")
        self.department_combo.setAccessibleName("Department shown on the dashboard")
        self.department_combo.currentIndexChanged.connect(lambda _: self.refresh())
        self.period_label = QLabel(self)

        self.cards: dict[str, FigureCard] = {}
        cards = QGridLayout()
        titles = {
            "active_participants": "Active participants",
            "participation_rate": "Participation this month",
            "sessions": "Sessions this month",
            "attendance_rate": "Attendance rate",
            "average_rating": "Average rating",
            "learning_hours": "Hours of learning",
        }
        for i, (key, title) in enumerate(titles.items()):
            card = FigureCard(title, self)
            self.cards[key] = card
            cards.addWidget(card, i // 3, i % 3)

        self.sessions_chart = charts.BarChart("Sessions held per month", self, whole=True)
        self.hours_chart = charts.BarChart("Hours of learning per month", self)
        self.attendance_chart = charts.LineChart("Attendance rate (%)", self)
        self.rating_chart = charts.LineChart("Average rating (1–5)", self)
        chart_grid = QGridLayout()
        chart_grid.addWidget(self.sessions_chart, 0, 0)
        chart_grid.addWidget(self.hours_chart, 0, 1)
        chart_grid.addWidget(self.attendance_chart, 1, 0)
        chart_grid.addWidget(self.rating_chart, 1, 1)

        self.goal_status = charts.StatusBar(self)
        self.goals = GoalProgressModel(self)
        self.goals_view, self.goals_proxy = widgets.sorted_table(self, self.goals, "Goals", stretch=0)
        self.goals_view.sortByColumn(4, Qt.SortOrder.AscendingOrder)
        self.goals_view.setItemDelegateForColumn(GoalProgressModel.TREND_COLUMN, SparklineDelegate(self.goals_view))
        self.goals_view.setColumnWidth(GoalProgressModel.TREND_COLUMN, 130)
        self.goals_view.setWordWrap(True)  # a long goal title wraps rather than being cut short
        self.goals_view.setTextElideMode(Qt.TextElideMode.ElideNone)
        self.goals_view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.goals_view.verticalHeader().sectionResized.connect(lambda *_: self._fit_goals())
        self.goals_stack = page_parts.EmptyView(self.goals_view, self)

        self.upcoming = widgets.RowsModel(["When", "Session", "Hosts", "People"], parent=self)
        self.upcoming_view = QTableView(self)
        widgets.fit_on_sample(self.upcoming_view)
        self.upcoming_view.setModel(self.upcoming)
        self.upcoming_view.verticalHeader().hide()
        self.upcoming_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.upcoming_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.upcoming_view.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.upcoming_view.doubleClicked.connect(self._open_upcoming)
        self.upcoming_view.setMinimumHeight(150)
        self.upcoming_view.setAccessibleName("Upcoming sessions")
        self._upcoming_ids: list[int] = []

        self.action_tabs = QTabWidget(self)
        self.action_models: dict[str, ActionModel] = {}
        self.action_views: dict[str, QListView] = {}
        for key in ACTION_KEYS:
            model = ActionModel(self)
            view = QListView(self)
            view.setModel(model)
            view.setAlternatingRowColors(True)
            view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
            view.activated.connect(lambda index, m=model: self._open_action(m, index))
            view.doubleClicked.connect(lambda index, m=model: self._open_action(m, index))
            view.setAccessibleName(key.replace("_", " "))
            self.action_models[key] = model
            self.action_views[key] = view
            self.action_tabs.addTab(view, key)
        self.action_tabs.setMinimumHeight(220)
        for view in self.action_views.values():
            view.setSpacing(2)
        self.action_tabs.currentChanged.connect(lambda _i: self._update_draft_button())
        # The attention lists that one message answers: draft it to everyone in the list.
        self.draft_button = QPushButton(icons.icon("mail"), "", self)
        self.draft_button.clicked.connect(self.draft_for_list)
        self.welcome_button = QPushButton(icons.icon("mail"), "Welcome new pairs…", self)
        self.welcome_button.setToolTip("Draft a welcome e-mail to each member of the pairings of the last 30 days")
        self.welcome_button.clicked.connect(lambda: self.draft("welcome"))
        drafts_row = QHBoxLayout()
        drafts_row.addWidget(self.draft_button)
        drafts_row.addWidget(self.welcome_button)
        drafts_row.addStretch(1)

        header = QHBoxLayout()
        header.addWidget(_section("Dashboard"))
        header.addSpacing(12)
        header.addWidget(self.period_label)
        header.addStretch(1)
        header.addWidget(QLabel("Program:", self))
        header.addWidget(self.program_combo)
        header.addWidget(QLabel("Department:", self))
        header.addWidget(self.department_combo)

        # One above the other: the five lists' tabs need the page's whole width.
        bottom = QVBoxLayout()
        bottom.addWidget(_section("Needs your attention"))
        bottom.addWidget(self.action_tabs)
        bottom.addLayout(drafts_row)
        bottom.addWidget(_section("Upcoming sessions"))
        bottom.addWidget(self.upcoming_view)

        content = QWidget(self)
        body = QVBoxLayout(content)
        body.addLayout(header)
        body.addLayout(cards)
        body.addLayout(chart_grid)
        body.addWidget(_section("Goals"))
        body.addWidget(self.goal_status)
        body.addWidget(self.goals_stack)
        body.addLayout(bottom)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

        self._fill_programs()
        self._fill_departments()
        self._update_draft_button()
        ctx.changed.connect(when_shown(self, self._on_changed))
        self.refresh()

    # --- data ---------------------------------------------------------------------------

    def _fill_programs(self) -> None:
        page_parts.refill(
            self.program_combo, ((p.name, p.id) for p in list_programs(self.ctx.db)), everything="All programs"
        )

    def _fill_departments(self) -> None:
        page_parts.refill(
            self.department_combo, ((d, d) for d in departments(self.ctx.db)), everything="All departments"
        )

    def department(self) -> str | None:
        value = self.department_combo.currentData()
        return str(value) if value is not None else None

    def program_id(self) -> int | None:
        value = self.program_combo.currentData()
        return int(value) if value is not None else None

    def _on_changed(self, changes: Any) -> None:
        if not changes.touches(*WATCHED):
            return
        if changes.touches("programs"):
            self._fill_programs()
        if changes.touches("participants"):
            self._fill_departments()
        self._stale = True
        if self.isVisible():
            QTimer.singleShot(0, self._refresh_if_stale)

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        self._refresh_if_stale()

    def _refresh_if_stale(self) -> None:
        if self._stale:
            self.refresh()

    @property
    def background(self) -> bool:
        return self.runner.background

    @property
    def busy(self) -> bool:
        """True while figures are being computed in the background."""
        return self.runner.busy or self.goals_runner.busy

    def refresh(self) -> None:
        """Recompute every figure (one call to peerdesk.metrics) and show it when ready."""
        self._stale = False
        if self.runner.background:
            self.period_label.setText(self.period_label.text().split(" · ")[0] + " · updating…")
        self._pending_goals = None
        self._waiting = 2
        self.runner.read(_figures, self.program_id(), self.department())
        self.goals_runner.read(_goals, self.program_id())

    def _computed(self, result: tuple[Dashboard, str]) -> None:
        data, self._zone = result
        if self._pending_goals is not None:
            goals, counts, self._program_names = self._pending_goals
            data = replace(data, goals=goals, goal_counts=counts)
        self.data = data
        self._show(data)
        self._finish()

    def _goals_computed(self, result: GoalsResult) -> None:
        if self.runner.busy or self.data is None:
            self._pending_goals = result  # shown with the figures
            self._waiting -= 1
            return
        goals, counts, self._program_names = result
        self.data = replace(self.data, goals=goals, goal_counts=counts)
        self._show_goals(self.data)
        self._finish()

    def _finish(self) -> None:
        self._waiting -= 1
        if self._waiting <= 0 and not self.busy:
            self.last_seconds = max(self.runner.seconds, self.goals_runner.seconds)
            self.refreshed.emit()

    def _failed(self, exc: BaseException) -> None:
        self._waiting -= 1
        detail = widgets.describe_exception(type(exc), exc, exc.__traceback__)
        widgets.report_bug(self, "Dashboard", "The dashboard figures could not be computed.", detail)

    def _show(self, d: Dashboard) -> None:
        prev_label = period_name(d.compared)
        self.period_label.setText(f"{d.current} · updated {clock.now().strftime('%H:%M')}")
        for f in d.figures:
            self.cards[f.key].show_figure(f, prev_label)
        labels = [m.month.strftime("%b") for m in d.months]
        self.sessions_chart.set_data(labels, [("Sessions", [m.sessions_held for m in d.months], charts.BLUE)])
        self.hours_chart.set_data(
            labels, [("Hours", [m.learning_hours for m in d.months], charts.GREEN)], value_format=numbers.hours
        )
        self.attendance_chart.set_data(
            labels,
            [("Attendance", [m.attendance_rate for m in d.months], charts.PURPLE)],
            maximum=100,
            value_format=numbers.percent,
        )
        self.rating_chart.set_data(
            labels,
            [("Rating", [m.average_rating for m in d.months], charts.AMBER)],
            maximum=5,
            value_format=numbers.rating,
        )
        self._show_goals(d)
        zone = self._zone
        rows = []
        for u in d.upcoming:
            when = from_utc_text(u.start_utc)
            rows.append([_local(when, zone), u.title, u.hosts, str(u.people)])
        self.upcoming.set_rows(rows)
        self.upcoming_view.resizeColumnToContents(0)
        self.upcoming_view.resizeColumnToContents(3)
        self._upcoming_ids = [u.session_id for u in d.upcoming]
        for i, a in enumerate(d.actions):
            self.action_models[a.key].set_items(a.items, a.total)
            self.action_tabs.setTabText(i, f"{_short(a.key)} ({a.total})")
            self.action_tabs.setTabToolTip(i, a.title)
        if not d.actions[self.action_tabs.currentIndex()].total:
            busy = next((i for i, a in enumerate(d.actions) if a.total), self.action_tabs.currentIndex())
            self.action_tabs.setCurrentIndex(busy)

    def _show_goals(self, d: Dashboard) -> None:
        self.goal_status.set_counts(d.goal_counts)
        names = self._program_names if self.program_id() is None else {}
        self.goals.set_rows(d.goals, names)
        for col in range(1, self.goals.columnCount()):
            if col != GoalProgressModel.TREND_COLUMN:
                self.goals_view.resizeColumnToContents(col)
        if d.goals:
            self.goals_stack.show_content()
            self._fit_goals()
        else:
            self.goals_stack.show_empty(
                "No goals yet",
                "Set SMART goals for a program on Programs & Goals: each shows here with its trend and status.",
            )
            self.goals_stack.setFixedHeight(130)

    def _fit_goals(self) -> None:
        """The goals table as tall as its rows (which grow when a long title wraps), up to a limit."""
        if self.goals_stack.is_empty:
            return
        rows_height = self.goals_view.verticalHeader().length() + self.goals_view.horizontalHeader().height() + 6
        self.goals_stack.setFixedHeight(max(90, min(rows_height, 420)))

    def _open_upcoming(self, index: QModelIndex) -> None:
        if 0 <= index.row() < len(self._upcoming_ids):
            self.open_item("session", self._upcoming_ids[index.row()])

    def _open_action(self, model: ActionModel, index: QModelIndex) -> None:
        item = model.item(index.row())
        if item is not None:
            self.open_item(item.target, item.target_id, item)

    def open_item(self, target: str, target_id: int, item: ActionItem | None = None) -> None:
        """Open what an item is about: a participant, a session's attendance, or a new meeting for a pair."""
        self.open_requested.emit(target, target_id)
        if self.ctx.readonly:
            return
        if target == "participant":
            from peerdesk.ui.participants.dialog import ParticipantDialog

            dialog: Any = ParticipantDialog(self.ctx, get_participant(self.ctx.db, target_id), self)
            widgets.exec_dialog(dialog)
        elif target == "session":
            from peerdesk.ui.sessions.dialog import SessionDialog

            dialog = SessionDialog(self.ctx, target_id, tab="attendance", parent=self)
            widgets.exec_dialog(dialog)
        elif target == "pairing":
            from peerdesk.ui.sessions.dialog import SessionDialog

            dialog = SessionDialog(self.ctx, None, template=self._meeting_for(target_id, item), parent=self)
            if widgets.exec_dialog(dialog) and dialog.saved_ids:
                self.status_message.emit("Scheduled a meeting for the pair")

    def current_action(self) -> str:
        return ACTION_KEYS[self.action_tabs.currentIndex()]

    def _update_draft_button(self) -> None:
        kind = DRAFT_FOR.get(self.current_action())
        self.draft_button.setVisible(kind is not None)
        self.draft_button.setText(DRAFT_LABELS.get(self.current_action(), ""))
        writable = not self.ctx.readonly
        self.draft_button.setEnabled(writable)
        self.welcome_button.setEnabled(writable)

    def draft_for_list(self) -> None:
        """Draft the message the list on show asks for, to everyone in it."""
        kind = DRAFT_FOR.get(self.current_action())
        if kind is not None:
            self.draft(kind)

    def draft(self, kind: str) -> None:
        from peerdesk.ui.programs.drafts_dialog import show_drafts_dialog

        dialog = show_drafts_dialog(self.ctx, self, kind=kind, program_id=self.program_id())
        if dialog.result_value is not None and dialog.result_value.written:
            self.status_message.emit(dialog.result_value.summary())

    def _meeting_for(self, pairing_id: int, item: ActionItem | None) -> Session:
        people = members_of_pairing(self.ctx.db, pairing_id)
        program = program_of_pairing(self.ctx.db, pairing_id)
        start = (clock.now() + dt.timedelta(days=2)).replace(hour=10, minute=0, second=0, microsecond=0)
        return Session(
            title=f"Catch-up: {item.title}" if item else "Pair catch-up",
            start_utc=start,
            timezone=load_settings(self.ctx.db).timezone,
            duration_min=45,
            kind="pair_meeting",
            pairing_id=pairing_id,  # type: ignore[arg-type]
            program_id=program,  # type: ignore[arg-type]
            hosts=tuple(people[:1]),
            attendees=tuple(people[1:]),
        )


def _figures(db: Any, program_id: int | None, department: str | None) -> tuple[Dashboard, str]:
    """The figures and the display time zone, read together (showing them needs no database)."""
    return dashboard(db, program_id, department, goals=False), load_settings(db).timezone


GoalsResult = tuple[tuple[GoalProgress, ...], dict[str, int], dict[int, str]]


def _goals(db: Any, program_id: int | None) -> GoalsResult:
    """The goals with their status counts, and the names of their programs."""
    goals, counts = dashboard_goals(db, program_id)
    names = {p.id: p.name for p in list_programs(db) if p.id is not None}
    return goals, counts, names


ACTION_KEYS = ("stale_pairings", "untrained_mentors", "unpaired", "awaiting_attendance", "awaiting_feedback")
DRAFT_FOR = {"stale_pairings": "reminders", "untrained_mentors": "training", "awaiting_feedback": "feedback"}
DRAFT_LABELS = {
    "stale_pairings": "Draft reminders to these pairs…",
    "untrained_mentors": "Draft training reminders…",
    "awaiting_feedback": "Draft feedback requests…",
}


def _short(key: str) -> str:
    return {
        "stale_pairings": "Pairs not meeting",
        "untrained_mentors": "Untrained mentors",
        "unpaired": "Unpaired people",
        "awaiting_attendance": "Attendance to record",
        "awaiting_feedback": "Feedback missing",
    }[key]


def _local(moment: dt.datetime, zone: str) -> str:
    from peerdesk.ui.sessions.models import format_local

    return format_local(moment, zone)
