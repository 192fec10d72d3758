"""Feedback: ratings and comments by session kind, host and month, to see what to change."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from peerdesk.metrics import NAMED_PERIODS, Scope, named_period, numbers
from peerdesk.metrics.catalogue import format_value
from peerdesk.metrics.feedback import FeedbackSummary, RatingGroup, feedback_summary
from peerdesk.metrics.rhythm import ResponseGroup, ResponseRates, response_rates
from peerdesk.store.programs import list_programs
from peerdesk.store.records import SESSION_KINDS
from peerdesk.ui.common import charts, page_parts, widgets
from peerdesk.ui.common.context import AppContext
from peerdesk.ui.common.jobs import JobRunner
from peerdesk.ui.common.refresh import when_shown
from peerdesk.ui.common.table_models import SelfSortingModel
from peerdesk.ui.common.widgets import SORT_ROLE
from peerdesk.wording import plural

Index = QModelIndex | QPersistentModelIndex
PERIODS = ("last_90_days", "this_month", "last_month", "this_quarter", "this_half", "this_year", "all")


class GroupsModel(SelfSortingModel):
    """Rating groups (by kind, host or month); thousands of hosts in a large organisation."""

    def __init__(self, first: str, parent: Any = None) -> None:
        super().__init__(parent)
        self.HEADERS = (first, "Sessions", "Ratings", "Average", "Rated 4–5", "Rated 1–2")
        self.rows: list[RatingGroup] = []

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        g = self.rows[index.row()]
        col = index.column()
        if role == SORT_ROLE:
            return (g.key if g.key[:2].isdigit() else g.label.casefold(), g.sessions, g.ratings,
                    float(g.average or 0), float(g.good_share or 0), g.low)[col]  # fmt: skip
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                g.label,
                str(g.sessions),
                str(g.ratings),
                format_value(g.average, "rating"),
                format_value(g.good_share, "percent"),
                str(g.low),
            )[col]
        if role == Qt.ItemDataRole.ForegroundRole and col == 3 and g.average is not None:
            return QBrush(charts.GREEN if g.average >= 4 else charts.RED if g.average < 3 else charts.AMBER)
        if role == Qt.ItemDataRole.TextAlignmentRole and col:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class CommentsModel(SelfSortingModel):  # can be thousands long
    HEADERS = ("Date", "Session", "Kind", "Rating", "Comment", "From")

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        c = self.rows[index.row()]
        col = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, SORT_ROLE):
            kind = SESSION_KINDS.get(c.kind, c.kind)
            rating = c.rating if role == SORT_ROLE else "★" * c.rating + "☆" * (5 - c.rating)
            return (c.day.isoformat(), c.session_title, kind, rating, c.comment, c.author)[col]
        if role == Qt.ItemDataRole.ToolTipRole and col == 4:
            return c.comment
        return None


class ResponseModel(SelfSortingModel):
    """Feedback requests drafted for a group of sessions, and how many were answered."""

    def __init__(self, first: str, parent: Any = None) -> None:
        super().__init__(parent)
        self.HEADERS = (first, "Requests", "Answered", "Response rate")
        self.rows: list[ResponseGroup] = []

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        g = self.rows[index.row()]
        col = index.column()
        if role == SORT_ROLE:
            return (g.label.casefold(), g.requested, g.answered, float(g.rate or 0))[col]
        if role == Qt.ItemDataRole.DisplayRole:
            return (g.label, f"{g.requested:,}", f"{g.answered:,}", format_value(g.rate, "percent"))[col]
        if role == Qt.ItemDataRole.TextAlignmentRole and col:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


def _figures(db: Any, scope: Scope) -> tuple[FeedbackSummary, ResponseRates]:
    """The ratings and the response to feedback requests, read together."""
    return feedback_summary(db, scope), response_rates(db, scope)


class FeedbackPage(QWidget):
    """What participants think of the sessions, grouped so that patterns stand out."""

    status_message = Signal(str)
    refreshed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.summary: FeedbackSummary | None = None
        self.runner = JobRunner(ctx.path, self)
        self.runner.finished.connect(self._computed)
        self.responses: ResponseRates | None = None
        self.runner.failed.connect(self._failed)
        self.period = QComboBox(self)
        self.period.setToolTip("Which sessions' feedback to count")
        for key in PERIODS:
            self.period.addItem(NAMED_PERIODS[key], key)
        self.program = QComboBox(self)
        self.kind = QComboBox(self)
        self.kind.setToolTip("Only feedback on this kind of session")
        self.kind.addItem("Every kind", None)
        for key, label in SESSION_KINDS.items():
            self.kind.addItem(label, key)
        for combo in (self.period, self.program, self.kind):
            combo.currentIndexChanged.connect(lambda _: self.reload())

        self.headline = QLabel(self)
        self.distribution = charts.BarChart("Ratings given", self, whole=True)
        self.distribution.setMinimumHeight(170)
        self.trend = charts.LineChart("Average rating per month", self)
        self.trend.setMinimumHeight(170)

        self.by_kind = GroupsModel("Session kind", self)
        self.by_host = GroupsModel("Host", self)
        self.by_month = GroupsModel("Month", self)
        self.comments = CommentsModel(self)
        self.kind_view, _ = widgets.sorted_table(self, self.by_kind, "Ratings by session kind", stretch=0)
        self.host_view, _ = widgets.sorted_table(self, self.by_host, "Ratings by host", stretch=0)
        self.month_view, _ = widgets.sorted_table(self, self.by_month, "Ratings by month", stretch=0)
        self.kind_view.sortByColumn(2, Qt.SortOrder.DescendingOrder)
        self.host_view.sortByColumn(2, Qt.SortOrder.DescendingOrder)
        self.month_view.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        self.comments_view, self.comments_proxy = widgets.sorted_table(self, self.comments, "Comments", stretch=4)
        self.comments_view.setWordWrap(True)
        self.comments_view.sortByColumn(0, Qt.SortOrder.DescendingOrder)
        self.search = page_parts.search_box(
            self, "Search comments (e.g. “too long”, a host, a kind)…", "Search comments"
        )
        self.search.textChanged.connect(self.comments_proxy.setFilterFixedString)
        comments = QWidget(self)
        cl = QVBoxLayout(comments)
        cl.setContentsMargins(0, 0, 0, 0)
        cl.addWidget(self.search)
        cl.addWidget(self.comments_view)

        self.tabs = QTabWidget(self)
        self.tabs.addTab(self.kind_view, "By session kind")
        self.tabs.addTab(self.host_view, "By host")
        self.tabs.addTab(self.month_view, "By month")
        self.tabs.addTab(comments, "Comments")
        self.response_kind = ResponseModel("Session kind", self)
        self.response_host = ResponseModel("Host", self)
        self.response_kind_view, _ = widgets.sorted_table(
            self, self.response_kind, "Response by session kind", stretch=0
        )
        self.response_host_view, _ = widgets.sorted_table(self, self.response_host, "Response by host", stretch=0)
        self.response_kind_view.sortByColumn(1, Qt.SortOrder.DescendingOrder)
        self.response_host_view.sortByColumn(1, Qt.SortOrder.DescendingOrder)
        self.response_note = QLabel(self)
        self.response_note.setWordWrap(True)
        responses = QWidget(self)
        rl = QGridLayout(responses)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.addWidget(self.response_note, 0, 0, 1, 2)
        rl.addWidget(self.response_kind_view, 1, 0)
        rl.addWidget(self.response_host_view, 1, 1)
        self.tabs.addTab(responses, "Response to requests")

        self.import_action = page_parts.action(
            self,
            "Import feedback…",
            self.import_feedback,
            "Import ratings and comments from a form's CSV export",
            icon="file-input",
        )
        self.toolbar = page_parts.toolbar(self, (self.import_action,))
        filters = QHBoxLayout()
        filters.addWidget(QLabel("Period:", self))
        filters.addWidget(self.period)
        filters.addWidget(QLabel("Program:", self))
        filters.addWidget(self.program)
        filters.addWidget(QLabel("Kind:", self))
        filters.addWidget(self.kind)
        filters.addStretch(1)
        content = QWidget(self)
        grid = QGridLayout()
        grid.addWidget(self.distribution, 0, 0)
        grid.addWidget(self.trend, 0, 1)
        body = QVBoxLayout(content)
        body.setContentsMargins(0, 0, 0, 0)
        body.addWidget(self.headline)
        body.addLayout(grid)
        body.addWidget(self.tabs, 1)
        self.body = page_parts.EmptyView(content, self)
        self.empty_import = self.body.empty.add_button("Import feedback…", self.import_feedback)
        self.all_time_button = self.body.empty.add_button(
            "Show all time", lambda: self.period.setCurrentIndex(self.period.findData("all"))
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 8)
        layout.setSpacing(6)
        layout.addWidget(self.toolbar)
        layout.addLayout(filters)
        layout.addWidget(self.body, 1)
        ctx.changed.connect(when_shown(self, self._on_changed))
        self._fill_programs()
        self.reload()

    def import_feedback(self) -> None:
        """Import answers from a form's export (the same import as on the Sessions page)."""
        from peerdesk.ui.sessions.feedback_import import import_feedback

        n = import_feedback(self.ctx, self)
        if n is not None:
            self.status_message.emit(f"Imported {plural(n, 'answer')}")

    def _fill_programs(self) -> None:
        page_parts.refill(self.program, ((p.name, p.id) for p in list_programs(self.ctx.db)), everything="All programs")

    def _on_changed(self, changes: Any) -> None:
        if changes.touches("programs"):
            self._fill_programs()
        if changes.touches("feedback", "sessions", "session_people", "participants", "programs", "draft_log"):
            self.reload()

    def scope(self) -> Scope:
        return Scope(
            period=named_period(str(self.period.currentData())),
            program_id=self.program.currentData(),
            session_kind=self.kind.currentData(),
        )

    def reload(self) -> None:
        if self.runner.background:
            self.headline.setText("Computing…")
        self.runner.read(_figures, self.scope())

    def _failed(self, exc: BaseException) -> None:
        detail = widgets.describe_exception(type(exc), exc, exc.__traceback__)
        widgets.report_bug(self, "Feedback", "The feedback summary could not be computed.", detail)

    def _computed(self, result: tuple[FeedbackSummary, ResponseRates]) -> None:
        summary, self.responses = result
        self._show_responses(self.responses)
        self._show(summary)

    def _show_responses(self, r: ResponseRates) -> None:
        t = r.total
        if t.requested:
            self.response_note.setText(
                f"<b>{plural(t.requested, 'feedback request')}</b> drafted about sessions of the period, "
                f"<b>{t.answered:,} answered ({format_value(t.rate, 'percent')})</b>. A request is answered when that "
                "person's feedback for that session is recorded, imported from the survey or typed in."
            )
        else:
            self.response_note.setText(
                "No feedback request was drafted about sessions of the period: draft them from the dashboard "
                "(Feedback missing) or the Sessions page (Draft e-mails…)."
            )
        self.response_kind.set_rows(r.by_kind)
        self.response_host.set_rows(r.by_host)
        for view in (self.response_kind_view, self.response_host_view):
            for col in range(1, 4):
                view.resizeColumnToContents(col)

    def _show(self, s: FeedbackSummary) -> None:
        self.summary = s
        low = s.distribution[0] + s.distribution[1]
        self.headline.setText(
            f"{plural(s.ratings, 'rating')} · average {format_value(s.average, 'rating')} · "
            f"{plural(low, 'low rating')} (1–2) · {plural(len(s.comments), 'comment')}"
        )
        scope = self.scope()
        if s.ratings:
            self.body.show_content()
        else:
            filtered = scope.session_kind is not None or scope.program_id is not None
            self.body.show_empty(
                f"No feedback {'yet' if scope.period.start is None else self.period.currentText().lower()}",
                "Ratings and comments appear here once participants rate held sessions: in a session's "
                "Attendance & feedback tab, or by importing a form's answers."
                + (" Other programs or kinds of session may have some." if filtered else ""),
            )
        self.empty_import.setVisible(not self.ctx.readonly)
        self.all_time_button.setVisible(scope.period.start is not None)
        self.distribution.set_data(
            ["★1", "★2", "★3", "★4", "★5"],
            [("Ratings", list(s.distribution), charts.AMBER)],
        )
        months = s.by_month[-12:]
        self.trend.set_data(
            [m.label.split()[0] for m in months],
            [("Average", [m.average for m in months], charts.BLUE)],
            maximum=5,
            value_format=numbers.rating,
        )
        self.by_kind.set_rows(s.by_kind)
        self.by_host.set_rows(s.by_host)
        self.by_month.set_rows(s.by_month)
        self.comments.set_rows(s.comments)
        for view in (self.kind_view, self.host_view, self.month_view):
            for col in range(1, 6):
                view.resizeColumnToContents(col)
        for col in (0, 2, 3, 5):
            self.comments_view.resizeColumnToContents(col)
        self.refreshed.emit()
