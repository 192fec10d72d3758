"""Recognition: contribution points and the leaderboard per period, and awards given with a reason."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from peerdesk import clock
from peerdesk.metrics import NAMED_PERIODS, Scope, leaderboard, named_period
from peerdesk.metrics.catalogue import format_value
from peerdesk.metrics.people import (
    POINTS_PER_GOOD_RATING,
    POINTS_PER_HOUR_MENTORED,
    POINTS_PER_PERSON_HELPED,
    POINTS_PER_SESSION_LED,
    LeaderboardEntry,
)
from peerdesk.store.errors import ValidationError
from peerdesk.store.lookups import person_names
from peerdesk.store.programs import list_programs
from peerdesk.store.recognition import AWARD_TITLES, Award, give_award, list_awards, revoke_award
from peerdesk.ui.common import page_parts, widgets
from peerdesk.ui.common.context import AppContext
from peerdesk.ui.common.forms import FormDialog, date_edit
from peerdesk.ui.common.jobs import JobRunner
from peerdesk.ui.common.refresh import when_shown
from peerdesk.ui.common.table_models import RecordsModel
from peerdesk.ui.common.widgets import SORT_ROLE
from peerdesk.ui.programs.dialog import from_qdate
from peerdesk.wording import plural

Index = QModelIndex | QPersistentModelIndex
PERIODS = ("this_month", "last_month", "this_quarter", "this_half", "this_year", "all")


class LeaderboardModel(RecordsModel):
    HEADERS = (
        "#",
        "Name",
        "Department",
        "Points",
        "Sessions led",
        "Hours mentored",
        "People helped",
        "Good ratings",
        "Rating received",
    )

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        e = self.rows[index.row()]
        f = e.figures
        values: tuple[Any, ...] = (
            e.rank,
            e.name,
            e.department,
            e.points,
            f.sessions_led,
            f.hours_mentored,
            f.people_helped,
            f.good_ratings,
            f.average_rating_received if f.average_rating_received is not None else -1,
        )
        col = index.column()
        if role == SORT_ROLE:
            return values[col]
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 5:
                return format_value(f.hours_mentored, "hours")
            if col == 8:
                return format_value(f.average_rating_received, "rating")
            return str(values[col])
        if role == Qt.ItemDataRole.TextAlignmentRole and col not in (1, 2):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class AwardsModel(RecordsModel):
    HEADERS = ("Date", "Person", "Award", "Reason", "Program")

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        a, person, program = self.rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, SORT_ROLE):
            day = a.awarded_on.isoformat() if a.awarded_on else ""
            return (day, person, a.title, a.reason, program)[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole and index.column() == 3:
            return a.reason
        return None


class AwardDialog(FormDialog):
    """Give an award to someone, with the reason printed on their certificate."""

    def __init__(self, ctx: AppContext, participant_id: int | None = None, parent: QWidget | None = None) -> None:
        super().__init__("Give an award", "Give award", parent)
        self.ctx = ctx
        self.saved: Award | None = None
        self.setMinimumWidth(480)
        self.person = QComboBox(self)
        self.person.setEditable(True)
        self.person.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        for p in person_names(ctx.db, archived=False):
            self.person.addItem(f"{p.name} · {p.department}" if p.department else p.name, p.id)
        self.person.setCompleter(
            widgets.word_completer([self.person.itemText(i) for i in range(self.person.count())], self)
        )
        if participant_id is not None:
            self.person.setCurrentIndex(max(0, self.person.findData(participant_id)))
        self.title = QComboBox(self)
        self.title.setEditable(True)
        self.title.addItems(AWARD_TITLES)
        self.reason = QPlainTextEdit(self)
        self.reason.setPlaceholderText("Why: this is printed on the certificate")
        self.reason.setMaximumHeight(90)
        self.program = QComboBox(self)
        self.program.addItem("No program", None)
        for p in list_programs(ctx.db):
            self.program.addItem(p.name, p.id)
        self.day = date_edit(self, clock.today())
        self.form.addRow("&Person", self.person)
        self.form.addRow("&Award", self.title)
        self.form.addRow("&Reason", self.reason)
        self.form.addRow("Pro&gram", self.program)
        self.form.addRow("&Date", self.day)
        self.finish_form()

    def _person_id(self) -> int | None:
        i = self.person.findText(self.person.currentText())
        return int(self.person.itemData(i)) if i >= 0 else None

    def save(self) -> None:
        pid = self._person_id()
        if pid is None:
            raise ValidationError("Choose who receives the award from the list.")
        award = Award(
            participant_id=pid,
            title=self.title.currentText(),
            reason=self.reason.toPlainText(),
            awarded_on=from_qdate(self.day.date()),
            program_id=self.program.currentData(),
        )
        self.saved = self.ctx.run(f"Give award {award.title.strip()}", give_award, award)


class RecognitionPage(QWidget):
    """Who contributes most, and the awards given."""

    status_message = Signal(str)
    refreshed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.runner = JobRunner(ctx.path, self)
        self.runner.finished.connect(self._show_board)
        self.runner.failed.connect(self._failed)
        self.period = QComboBox(self)
        self.period.setToolTip("The period the leaderboard counts")
        for key in PERIODS:
            self.period.addItem(NAMED_PERIODS[key], key)
        self.period.setCurrentIndex(PERIODS.index("this_quarter"))
        self.program = QComboBox(self)
        self.period.currentIndexChanged.connect(lambda _: self.reload_board())
        self.program.currentIndexChanged.connect(lambda _: self.reload_board())
        self.range_label = QLabel(self)

        self.board = LeaderboardModel(self)
        self.board_view, self.board_proxy = widgets.sorted_table(self, self.board, "Leaderboard")
        self.board_view.setWordWrap(False)
        self.board_view.horizontalHeader().setStretchLastSection(True)  # on a narrow window it scrolls
        self.board_view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.board_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.board_view.doubleClicked.connect(lambda _: self.give_award())
        rule = QLabel(
            f"Points: {POINTS_PER_SESSION_LED} per session led, {POINTS_PER_HOUR_MENTORED} per hour mentored, "
            f"{POINTS_PER_PERSON_HELPED} per person helped, {POINTS_PER_GOOD_RATING} per rating of 4 or 5 received.",
            self,
        )
        rule.setWordWrap(True)
        self.board_stack = page_parts.EmptyView(self.board_view, self)
        self.all_time_button = self.board_stack.empty.add_button(
            "Show all time", lambda: self.period.setCurrentIndex(self.period.findData("all"))
        )

        self.awards = AwardsModel(self)
        self.awards_view, self.awards_proxy = widgets.sorted_table(self, self.awards, "Awards given", stretch=3)
        self.awards_view.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        self.awards_stack = page_parts.EmptyView(self.awards_view, self)
        self.empty_award_button = self.awards_stack.empty.add_button("Give an award…", self.give_award)
        self.awards_view.selectionModel().selectionChanged.connect(lambda *_: self._update_actions())

        self.award_action = page_parts.action(
            self,
            "Give award…",
            self.give_award,
            "Give an award, to the selected person on the leaderboard",
            icon="award",
        )
        self.revoke_action = page_parts.action(self, "Revoke award", self.revoke, "Revoke the selected award", icon="x")
        self.toolbar = page_parts.toolbar(self, (self.award_action, self.revoke_action))

        filters = QHBoxLayout()
        filters.addWidget(QLabel("Period:", self))
        filters.addWidget(self.period)
        filters.addWidget(QLabel("Program:", self))
        filters.addWidget(self.program)
        filters.addWidget(self.range_label, 1)
        top = QWidget(self)
        tl = QVBoxLayout(top)
        tl.setContentsMargins(0, 0, 0, 0)
        tl.addWidget(QLabel("<b>Leaderboard</b>", self))
        tl.addWidget(rule)
        tl.addWidget(self.board_stack, 1)
        bottom = QWidget(self)
        bl = QVBoxLayout(bottom)
        bl.setContentsMargins(0, 0, 0, 0)
        bl.addWidget(QLabel("<b>Awards given</b> (each is printed on a certificate)", self))
        bl.addWidget(self.awards_stack, 1)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(top)
        splitter.addWidget(bottom)
        splitter.setStretchFactor(0, 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 8)
        layout.setSpacing(6)
        layout.addWidget(self.toolbar)
        layout.addLayout(filters)
        layout.addWidget(splitter, 1)
        ctx.changed.connect(when_shown(self, self._on_changed))
        self._fill_programs()
        self.reload_board()
        self.reload_awards()

    def _fill_programs(self) -> None:
        page_parts.refill(self.program, ((p.name, p.id) for p in list_programs(self.ctx.db)), everything="All programs")

    def _on_changed(self, changes: Any) -> None:
        if changes.touches("programs"):
            self._fill_programs()
        if changes.touches("sessions", "session_people", "feedback", "pairings", "pairing_members", "participants"):
            self.reload_board()
        if changes.touches("awards", "participants", "programs"):
            self.reload_awards()

    def scope(self) -> Scope:
        return Scope(period=named_period(str(self.period.currentData())), program_id=self.program.currentData())

    def reload_board(self) -> None:
        scope = self.scope()
        self.range_label.setText(
            (str(scope.period) if scope.period.start else "") + (" · updating…" if self.runner.background else "")
        )
        self.runner.read(_board, scope)

    def _show_board(self, rows: list[LeaderboardEntry]) -> None:
        scope = self.scope()
        self.board.set_rows(rows)
        self.range_label.setText(str(scope.period) if scope.period.start else "")
        self.board_view.resizeColumnsToContents()  # names and departments whole
        if rows:
            self.board_stack.show_content()
        else:
            when = self.period.currentText().lower()
            self.board_stack.show_empty(
                f"No contributions {'yet' if scope.period.start is None else when}",
                "Points come from sessions led, hours mentored, people helped and good ratings received: "
                "once sessions are marked held, with who came, the leaderboard fills.",
            )
        self.all_time_button.setVisible(not rows and scope.period.start is not None)
        self.refreshed.emit()

    def _failed(self, exc: BaseException) -> None:
        detail = widgets.describe_exception(type(exc), exc, exc.__traceback__)
        widgets.report_bug(self, "Recognition", "The leaderboard could not be computed.", detail)

    def reload_awards(self) -> None:
        names = {p.id: p.name for p in person_names(self.ctx.db)}
        programs = {p.id: p.name for p in list_programs(self.ctx.db)}
        self.awards.set_rows(
            [(a, names.get(a.participant_id, "?"), programs.get(a.program_id, "")) for a in list_awards(self.ctx.db)]
        )
        for col in (0, 1, 2, 4):
            self.awards_view.resizeColumnToContents(col)
        if self.awards.rowCount():
            self.awards_stack.show_content()
        else:
            self.awards_stack.show_empty(
                "No awards given yet",
                "Give an award to thank someone for what they did for the program; its reason is printed "
                "on their certificate.",
            )
        self.empty_award_button.setVisible(not self.ctx.readonly)
        self._update_actions()

    def _update_actions(self) -> None:
        writable = not self.ctx.readonly
        self.award_action.setEnabled(writable)
        self.revoke_action.setEnabled(writable and bool(self.awards_view.selectionModel().selectedRows()))

    def selected_entry(self) -> LeaderboardEntry | None:
        rows = self.board_view.selectionModel().selectedRows()
        return self.board.rows[self.board_proxy.mapToSource(rows[0]).row()] if rows else None

    def give_award(self) -> None:
        if self.ctx.readonly:
            return
        entry = self.selected_entry()
        dialog = AwardDialog(self.ctx, entry.participant_id if entry else None, self)
        if entry is not None:
            f = entry.figures
            dialog.reason.setPlainText(
                f"{plural(f.sessions_led, 'session')} led, {format_value(f.hours_mentored, 'hours')} of mentoring "
                f"and {plural(f.people_helped, 'colleague')} helped ({self.period.currentText().lower()})."
            )
            program = self.program.currentData()
            dialog.program.setCurrentIndex(max(0, dialog.program.findData(program)))
        if widgets.exec_dialog(dialog) and dialog.saved is not None:
            self.status_message.emit(f"Gave “{dialog.saved.title}”")

    def revoke(self) -> None:
        rows = self.awards_view.selectionModel().selectedRows()
        if not rows:
            return
        award, person, _ = self.awards.rows[self.awards_proxy.mapToSource(rows[0]).row()]
        if widgets.confirm(self, "Revoke award", f"Revoke “{award.title}” given to {person}?", "Revoke"):
            widgets.run_write(self.ctx, self, f"Revoke award {award.title}", _revoke, award.id)


def _board(db: Any, scope: Scope) -> list[LeaderboardEntry]:
    return leaderboard(db, scope, limit=50)


def _revoke(db: Any, award_id: int) -> bool:
    revoke_award(db, award_id)
    return True
