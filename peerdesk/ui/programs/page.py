"""Programs & Goals: programs with their objective, dates and members; each goal's progress."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from peerdesk import clock
from peerdesk.metrics import Scope, people_figures, program_figures
from peerdesk.metrics.catalogue import format_value
from peerdesk.metrics.summary import ProgramFigures
from peerdesk.store.lookups import member_counts, program_member_names
from peerdesk.store.programs import (
    Program,
    delete_goal,
    delete_program,
    get_program,
    list_programs,
    member_ids,
    members,
    move_goal,
    set_completed_many,
)
from peerdesk.ui.common import charts, icons, widgets
from peerdesk.ui.common.context import AppContext
from peerdesk.ui.common.forms import date_edit
from peerdesk.ui.common.jobs import JobRunner
from peerdesk.ui.common.refresh import when_shown
from peerdesk.ui.common.table_models import RecordsModel
from peerdesk.ui.programs.cohorts_tab import CohortsTab
from peerdesk.ui.programs.dialog import ProgramDialog, from_qdate
from peerdesk.ui.programs.goal_dialog import GoalDialog
from peerdesk.ui.programs.goal_models import SORT_ROLE, GoalProgressModel, SparklineDelegate
from peerdesk.ui.programs.plan_editor import PlanEditor

Index = QModelIndex | QPersistentModelIndex

PROGRAM_ROWS_SHOWN = 4  # the list of programs shows at least this many whole rows
WATCHED = (
    "programs",
    "program_members",
    "goals",
    "participants",
    "pairings",
    "pairing_members",
    "sessions",
    "session_people",
    "feedback",
    "training_modules",
    "training_completions",
    "plan_steps",
    "cohorts",
    "cohort_members",
)


class ProgramsModel(RecordsModel):
    """Programs with their members and how many goals are in each state."""

    HEADERS = ("Program", "Objective", "Dates", "Status", "Members")

    def program(self, row: int) -> Program:
        return self.rows[row][0]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        p, members = self.rows[index.row()]
        col = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, SORT_ROLE):
            if col == 0:
                return p.name
            if col == 1:
                return p.objective_label
            if col == 2:
                start = p.start_date.isoformat() if p.start_date else "…"
                end = p.end_date.isoformat() if p.end_date else "…"
                return f"{start} – {end}"
            if col == 3:
                return p.status.capitalize()
            if col == 4:
                return members if role == SORT_ROLE else str(members)
        if role == Qt.ItemDataRole.ToolTipRole and p.description:
            return p.description
        return None


@dataclass(frozen=True)
class MemberRow:
    participant_id: int
    name: str
    department: str
    enrolled_on: dt.date
    completed_on: dt.date | None
    sessions: int
    hours: float


def load_members(db: Any, program_id: int) -> list[MemberRow]:
    """A program's members with their completion and what they took part in within it."""
    figures = people_figures(db, Scope(program_id=program_id), member_ids(db, program_id))
    names = program_member_names(db, program_id)
    rows = []
    for m in members(db, program_id):
        f = figures[m.participant_id]
        name, dept = names[m.participant_id].name, names[m.participant_id].department
        rows.append(
            MemberRow(
                m.participant_id,
                name,
                dept,
                m.enrolled_on,
                m.completed_on,
                f.sessions_attended + f.sessions_led,
                f.hours_learning + f.hours_mentored,
            )
        )
    return rows


class MembersModel(RecordsModel):
    """Enrolled people: when they joined, whether they completed, what they took part in."""

    HEADERS = ("Name", "Department", "Enrolled", "Completed", "Sessions", "Hours")

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        r = self.rows[index.row()]
        col = index.column()
        if role == SORT_ROLE:
            done = r.completed_on.isoformat() if r.completed_on else ""
            return (r.name.casefold(), r.department, r.enrolled_on.isoformat(), done, r.sessions, r.hours)[col]
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                r.name,
                r.department,
                r.enrolled_on.isoformat(),
                r.completed_on.isoformat() if r.completed_on else "—",
                str(r.sessions),
                format_value(r.hours, "hours"),
            )[col]
        if role == Qt.ItemDataRole.ForegroundRole and col == 3 and r.completed_on:
            return QBrush(charts.GREEN)
        return None


class ProgramsPage(QWidget):
    """Create programs, enrol people, set SMART goals and follow their progress."""

    status_message = Signal(str)
    # The figures and goals on screen were replaced by fresh ones.
    refreshed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.figures: ProgramFigures | None = None
        self.runner = JobRunner(ctx.path, self)
        self.runner.finished.connect(self._show_figures)
        self.runner.failed.connect(self._failed)

        self.model = ProgramsModel(self)
        self.view, self.proxy = widgets.sorted_table(self, self.model, "Programs", stretch=0)
        self.view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)  # the store's order: active programs first
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.doubleClicked.connect(lambda _: self.edit_program())
        self.view.selectionModel().selectionChanged.connect(lambda *_: self._show_selected())

        self.new_button = QPushButton(icons.icon("plus"), "New program…", self)
        self.new_button.setToolTip("Create a program with its objective and dates")
        self.new_button.clicked.connect(self.new_program)
        self.edit_button = QPushButton(icons.icon("pencil"), "Edit…", self)
        self.edit_button.clicked.connect(self.edit_program)
        self.delete_button = QPushButton(icons.icon("trash-2"), "Delete", self)
        self.delete_button.clicked.connect(self.delete_program)

        self.heading = QLabel(self)
        self.heading.setWordWrap(True)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.status_bar = charts.StatusBar(self)

        self.goals = GoalProgressModel(self)
        # In the coordinator's order (Move up / Move down), so not sortable by header.
        self.goals_view, self.goals_proxy = widgets.sorted_table(
            self, self.goals, "Goals of the program", stretch=0, sortable=False
        )
        self.goals_view.setItemDelegateForColumn(GoalProgressModel.TREND_COLUMN, SparklineDelegate(self.goals_view))
        self.goals_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.goals_view.verticalHeader().setDefaultSectionSize(34)
        self.goals_view.setColumnWidth(GoalProgressModel.TREND_COLUMN, 140)
        self.goals_view.doubleClicked.connect(lambda _: self.edit_goal())

        self.add_goal_button = QPushButton(icons.icon("plus"), "Add goal…", self)
        self.add_goal_button.clicked.connect(self.add_goal)
        self.edit_goal_button = QPushButton(icons.icon("pencil"), "Edit goal…", self)
        self.edit_goal_button.clicked.connect(self.edit_goal)
        self.delete_goal_button = QPushButton(icons.icon("trash-2"), "Delete goal", self)
        self.delete_goal_button.clicked.connect(self.delete_goal)
        self.up_button = QPushButton(icons.icon("arrow-up"), "Move up", self)
        self.up_button.setToolTip("Move the selected goal up the list")
        self.up_button.clicked.connect(lambda: self.move_goal(-1))
        self.down_button = QPushButton(icons.icon("arrow-down"), "Move down", self)
        self.down_button.setToolTip("Move the selected goal down the list")
        self.down_button.clicked.connect(lambda: self.move_goal(1))

        left = QWidget(self)
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addWidget(self.view, 1)
        row = QHBoxLayout()
        for b in (self.new_button, self.edit_button, self.delete_button):
            row.addWidget(b)
        row.addStretch(1)
        ll.addLayout(row)

        self.members = MembersModel(self)
        self.members_view, self.members_proxy = widgets.sorted_table(
            self, self.members, "Members of the program", stretch=0
        )
        self.members_view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.complete_day = date_edit(self, clock.today(), tip="The day the selected people completed the program")
        self.complete_button = QPushButton(icons.icon("check"), "Mark completed on", self)
        self.complete_button.setToolTip("Record that the selected people completed the program on the day beside")
        self.complete_button.clicked.connect(lambda: self.mark_completed(True))
        self.uncomplete_button = QPushButton(icons.icon("x"), "Not completed", self)
        self.uncomplete_button.setToolTip("Remove the completion of the selected people")
        self.uncomplete_button.clicked.connect(lambda: self.mark_completed(False))

        goals_tab = QWidget(self)
        gl = QVBoxLayout(goals_tab)
        gl.addWidget(self.status_bar)
        gl.addWidget(self.goals_view, 1)
        goal_row = QHBoxLayout()
        for b in (
            self.add_goal_button,
            self.edit_goal_button,
            self.delete_goal_button,
            self.up_button,
            self.down_button,
        ):
            goal_row.addWidget(b)
        goal_row.addStretch(1)
        gl.addLayout(goal_row)
        members_tab = QWidget(self)
        ml = QVBoxLayout(members_tab)
        ml.addWidget(self.members_view, 1)
        member_row = QHBoxLayout()
        member_row.addWidget(self.complete_button)
        member_row.addWidget(self.complete_day)
        member_row.addWidget(self.uncomplete_button)
        member_row.addStretch(1)
        ml.addLayout(member_row)
        self.tabs = QTabWidget(self)
        self.tabs.addTab(goals_tab, "Goals")
        self.tabs.addTab(members_tab, "Members")
        self.plan_editor = PlanEditor(ctx, self)
        self.tabs.addTab(self.plan_editor, "Meeting plan")
        self.cohorts = CohortsTab(ctx, self)
        self.tabs.addTab(self.cohorts, "Cohorts")

        right = QWidget(self)
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(self.heading)
        rl.addWidget(self.summary)
        rl.addWidget(self.tabs, 1)

        rows = self.view.verticalHeader().defaultSectionSize() * PROGRAM_ROWS_SHOWN
        self.view.setMinimumHeight(rows + self.view.horizontalHeader().sizeHint().height() + 2 * self.view.frameWidth())
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

        ctx.changed.connect(when_shown(self, self._on_changed))
        self.reload()
        if self.proxy.rowCount():
            self.view.selectRow(0)
        self._update_buttons()

    # --- data ---------------------------------------------------------------------------

    def reload(self) -> None:
        selected = self.selected_program()
        counts = member_counts(self.ctx.db)
        self.model.set_rows([(p, int(counts.get(p.id, 0))) for p in list_programs(self.ctx.db)])
        for col in range(1, self.model.columnCount()):
            self.view.resizeColumnToContents(col)
        if selected is not None:
            self.select_program(selected.id)
        self._show_selected()

    def _on_changed(self, changes: Any) -> None:
        if changes.touches(*WATCHED):
            self.reload()

    def selected_program(self) -> Program | None:
        rows = self.view.selectionModel().selectedRows()
        if not rows:
            return None
        return self.model.program(self.proxy.mapToSource(rows[0]).row())

    def select_program(self, program_id: int | None) -> None:
        for r in range(self.model.rowCount()):
            if self.model.program(r).id == program_id:
                index = self.proxy.mapFromSource(self.model.index(r, 0))
                self.view.selectionModel().select(
                    index,
                    QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
                )
                self.view.scrollTo(index)
                return

    def selected_goal_row(self) -> int | None:
        rows = self.goals_view.selectionModel().selectedRows()
        return self.goals_proxy.mapToSource(rows[0]).row() if rows else None

    def _show_selected(self) -> None:
        p = self.selected_program()
        self.plan_editor.set_program(p)
        self.cohorts.set_program(p)
        if p is None or p.id is None:
            self.figures = None
            self.runner.drop()  # a computation under way is moot
            self.heading.setText("<i>Create a program to set goals and follow its progress.</i>")
            self.summary.clear()
            self.goals.set_rows([])
            self.members.set_rows([])
            self.status_bar.set_counts({})
            self._update_buttons()
            return
        self.heading.setText(f"<b style='font-size:14pt'>{p.name}</b> — {p.objective_label}")
        if self.runner.background:
            self.summary.setText((p.description + "<br>" if p.description else "") + "<i>Computing figures…</i>")
        self.runner.read(_program_view, p.id)

    def _show_figures(self, result: tuple[ProgramFigures, list[MemberRow]]) -> None:
        f, member_rows = result
        self.figures = f
        self.members.set_rows(member_rows)
        for col in range(1, self.members.columnCount()):
            self.members_view.resizeColumnToContents(col)
        self.tabs.setTabText(1, f"Members ({len(member_rows)})")
        p = f.program
        parts = [
            f"{f.members} enrolled ({f.active_members} active, {f.completed} completed)",
            f"{f.sessions_held} sessions held",
            f"{format_value(f.learning_hours, 'hours')} of learning",
            f"attendance {format_value(f.attendance_rate, 'percent')}",
            f"rating {format_value(f.average_rating, 'rating')}",
            f"{f.active_pairings} active pairings",
        ]
        text = " · ".join(parts)
        if p.description:
            text = f"{p.description}<br>{text}"
        self.summary.setText(text)
        counts = {s: 0 for s in ("on_track", "at_risk", "met", "missed")}
        for g in f.goals:
            counts[g.status] += 1
        self.status_bar.set_counts(counts)
        selected_goal = self.selected_goal_row()
        goal_id = self.goals.progress(selected_goal).goal.id if selected_goal is not None else None
        self.goals.set_rows(f.goals)
        for col in (1, 2, 4, 5):
            self.goals_view.resizeColumnToContents(col)
        for r, g in enumerate(f.goals):
            if g.goal.id == goal_id:
                self.goals_view.selectRow(self.goals_proxy.mapFromSource(self.goals.index(r, 0)).row())
        self._update_buttons()
        self.refreshed.emit()

    def _failed(self, exc: BaseException) -> None:
        detail = widgets.describe_exception(type(exc), exc, exc.__traceback__)
        widgets.report_bug(self, "Programs", "The program's figures could not be computed.", detail)

    def _update_buttons(self) -> None:
        has = self.selected_program() is not None
        writable = not self.ctx.readonly
        self.new_button.setEnabled(writable)
        for b in (self.edit_button, self.delete_button, self.add_goal_button):
            b.setEnabled(has and writable)
        for b in (self.edit_goal_button, self.delete_goal_button, self.up_button, self.down_button):
            b.setEnabled(has and writable and self.goals.rowCount() > 0)
        for b in (self.complete_button, self.uncomplete_button):
            b.setEnabled(has and writable and self.members.rowCount() > 0)

    # --- actions ------------------------------------------------------------------------

    def new_program(self) -> None:
        dialog = ProgramDialog(self.ctx, None, self)
        if widgets.exec_dialog(dialog) and dialog.saved is not None:
            self.select_program(dialog.saved.id)
            self.status_message.emit(f"Created {dialog.saved.name}")

    def edit_program(self) -> None:
        p = self.selected_program()
        if p is None or p.id is None or self.ctx.readonly:
            return
        dialog = ProgramDialog(self.ctx, get_program(self.ctx.db, p.id), self)
        if widgets.exec_dialog(dialog) and dialog.saved is not None:
            self.status_message.emit(f"Saved {dialog.saved.name}")

    def delete_program(self) -> None:
        p = self.selected_program()
        if p is None or p.id is None:
            return
        text = (
            f"Delete the program {p.name} with its goals and enrolments?\n\n"
            "Its sessions and pairings stay, without a program. You can undo this with Edit > Undo."
        )
        if not widgets.confirm(self, "Delete program", text, "Delete"):
            return
        if widgets.run_write(self.ctx, self, f"Delete program {p.name}", _delete_program, p.id):
            self.status_message.emit(f"Deleted {p.name}")

    def add_goal(self) -> None:
        p = self.selected_program()
        if p is None or self.ctx.readonly:
            return
        dialog = GoalDialog(self.ctx, p, None, self)
        if widgets.exec_dialog(dialog) and dialog.saved is not None:
            self.status_message.emit(f"Added goal: {dialog.saved.title}")

    def edit_goal(self) -> None:
        p = self.selected_program()
        row = self.selected_goal_row()
        if p is None or row is None or self.ctx.readonly:
            return
        dialog = GoalDialog(self.ctx, p, self.goals.progress(row).goal, self)
        if widgets.exec_dialog(dialog) and dialog.saved is not None:
            self.status_message.emit(f"Saved goal: {dialog.saved.title}")

    def delete_goal(self) -> None:
        row = self.selected_goal_row()
        if row is None:
            return
        goal = self.goals.progress(row).goal
        if not widgets.confirm(self, "Delete goal", f"Delete the goal “{goal.title}”?", "Delete"):
            return
        if widgets.run_write(self.ctx, self, f"Delete goal {goal.title}", _delete_goal, goal.id):
            self.status_message.emit(f"Deleted goal: {goal.title}")

    def selected_members(self) -> list[MemberRow]:
        return [
            self.members.rows[self.members_proxy.mapToSource(i).row()]
            for i in self.members_view.selectionModel().selectedRows()
        ]

    def mark_completed(self, done: bool) -> None:
        """Record (or clear) that the selected members completed the program."""
        p = self.selected_program()
        people = self.selected_members()
        if p is None or p.id is None or not people:
            return
        day = from_qdate(self.complete_day.date()) if done else None
        who = people[0].name if len(people) == 1 else f"{len(people)} members"
        label = f"{'Completed' if done else 'Not completed'}: {who} ({p.name})"
        n = widgets.run_write(self.ctx, self, label, set_completed_many, p.id, [m.participant_id for m in people], day)
        if n:
            self.status_message.emit(label)

    def move_goal(self, offset: int) -> None:
        row = self.selected_goal_row()
        if row is None:
            return
        goal = self.goals.progress(row).goal
        widgets.run_write(self.ctx, self, f"Move goal {goal.title}", move_goal, goal.id, offset)


def _program_view(db: Any, program_id: int) -> tuple[ProgramFigures, list[MemberRow]]:
    return program_figures(db, program_id), load_members(db, program_id)


def _delete_program(db: Any, program_id: int) -> bool:
    delete_program(db, program_id)
    return True


def _delete_goal(db: Any, goal_id: int) -> bool:
    delete_goal(db, goal_id)
    return True
