"""The Sessions page: agenda and week view of every session, with filters and the session commands."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass, replace
from typing import Any

from PySide6.QtCore import QItemSelectionModel, QPoint, QSortFilterProxyModel, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from peerdesk import clock
from peerdesk.sessions.recurrence import cancel_following
from peerdesk.store.db import Database
from peerdesk.store.lookups import PersonName, person_names
from peerdesk.store.plans import NEXT_STEP
from peerdesk.store.sessions import (
    STATUSES,
    AgendaRow,
    SessionFilter,
    count_sessions,
    delete_sessions,
    find_clashes,
    get_session,
    get_sessions,
    kind_label,
    kinds_in_use,
    move_session,
    pairing_choices,
    program_choices,
    sessions_between,
    set_status,
)
from peerdesk.store.settings import load_settings
from peerdesk.store.workspace import Changes
from peerdesk.ui.common import icons, page_parts, widgets
from peerdesk.ui.common.context import AppContext
from peerdesk.ui.common.jobs import JobRunner
from peerdesk.ui.common.refresh import when_shown
from peerdesk.ui.sessions.dialog import PAIRING_KINDS, SessionDialog
from peerdesk.ui.sessions.first_meetings import schedule_first_meetings
from peerdesk.ui.sessions.models import STATUS_LABELS, AgendaModel, AgendaStart, format_local, read_first
from peerdesk.ui.sessions.people import PersonCombo
from peerdesk.ui.sessions.week import HOUR_H, WeekView, this_monday, week_range_utc

WATCHED = ("sessions", "session_people", "session_skills", "feedback", "series", "settings", "programs", "pairings")
WHEN = (("upcoming", "Upcoming"), ("past", "Past (latest first)"), ("all", "All dates"))
_WIDTHS = (275, 65, 250, 135, 75, 140, 160, 240)


SEARCH_PAUSE_MS = 250


class SessionsPage(QWidget):
    """Every session as an agenda (loaded as you scroll) or a week, filtered; create, edit, record."""

    status_message = Signal(str)

    @staticmethod
    def load(db: Database) -> FirstRead:
        """The zone, the filters' choices, this week's and the upcoming sessions: the page's first data."""
        display_tz = load_settings(db).timezone
        monday = this_monday(display_tz)
        week = sessions_between(db, *week_range_utc(monday, display_tz), SessionFilter())
        agenda = read_first(db, *_agenda_filter(SessionFilter(), WHEN[0][0], display_tz))
        people = person_names(db, archived=False)
        anything = count_sessions(db, SessionFilter()) > 0
        return FirstRead(_View(display_tz, _read_choices(db), week), monday, people, agenda, anything)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *, data: FirstRead | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._first = data
        self.display_tz = load_settings(ctx.db).timezone if data is None else data.view.display_tz
        self.model = AgendaModel(ctx.db, self.display_tz, self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)

        self._build_actions()
        self._build_filters()
        self._build_agenda()
        self._build_week()
        self._build_empty_state()
        self.agenda_stack = QStackedWidget(self)
        self.agenda_stack.addWidget(self.table)
        self.agenda_stack.addWidget(self.empty)
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self.agenda_stack, "Agenda")
        self.tabs.addTab(self.week_page, "Week")
        self.tabs.currentChanged.connect(lambda _i: (self._update_actions(), self._update_count()))
        self.count_label.setContentsMargins(0, 0, 6, 0)
        self.tabs.setCornerWidget(self.count_label, Qt.Corner.TopRightCorner)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 8)
        layout.setSpacing(6)
        layout.addWidget(self.toolbar)
        layout.addLayout(self.filter_row)
        layout.addWidget(self.tabs, 1)
        self.refresher = JobRunner(ctx.path, self)
        self.refresher.finished.connect(self._show_view)
        self.refresher.failed.connect(self._refresh_failed)
        ctx.changed.connect(when_shown(self, self._on_changed))
        self.apply_filters(first=data)
        self._first = None

    # --- building ------------------------------------------------------------------------------

    def _action(self, text: str, icon: str, slot: Any, tip: str = "") -> QAction:
        action = QAction(icons.icon(icon), text, self)
        action.triggered.connect(slot)
        if tip:
            action.setToolTip(tip)
        return action

    def _build_actions(self) -> None:
        self.new_action = self._action("New…", "calendar-plus", self.new_session, "Plan a session (Ctrl+N)")
        self.new_action.setShortcut(QKeySequence.StandardKey.New)
        self.new_action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.addAction(self.new_action)
        self.edit_action = self._action("Edit…", "pencil", self.edit_selected)
        self.held_action = self._action(
            "Attendance…", "check-check", self.record_attendance, "Mark held, tick who came, enter feedback"
        )
        self.cancel_action = self._action("Cancel session", "calendar-x", self.cancel_selected)
        self.cancel_following_action = self._action("Cancel this and following", "calendar-x", self.cancel_following)
        self.delete_action = self._action("Delete…", "trash-2", self.delete_selected)
        self.duplicate_action = self._action(
            "Duplicate…", "copy", self.duplicate_selected, "Plan the same session again a week later"
        )
        self.show_week_action = self._action(
            "Show in week view", "calendar-range", self.show_in_week, "Open the week of this session"
        )
        self.slot_action = self._action("Find a slot…", "search", self.find_slot, "Earliest times that suit everyone")
        self.first_meetings_action = self._action(
            "Schedule first meetings…",
            "calendar-clock",
            self.schedule_first_meetings,
            "Book the first meeting of every active pairing that has none yet",
        )
        self.import_action = self._action(
            "Import feedback…", "file-input", self.import_feedback, "Import a Microsoft Forms / Google Forms export"
        )
        self.invites_action = self._action(
            "Export invites…",
            "calendar-plus",
            self.export_invites,
            "Calendar invitations (.ics) for the selected sessions, or for everything upcoming",
        )
        self.drafts_action = self._action(
            "Draft e-mails…",
            "mail",
            self.draft_emails,
            "Feedback requests for the selected sessions, welcomes to their pairs, reminders (.eml drafts)",
        )
        self.toolbar = page_parts.toolbar(
            self,
            (self.new_action, self.edit_action, self.held_action, self.cancel_action, self.delete_action),
            (self.slot_action, self.first_meetings_action, self.import_action, self.invites_action, self.drafts_action),
        )

    def _build_filters(self) -> None:
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Search titles…")
        self.search.setClearButtonEnabled(True)
        self.search.setMinimumWidth(130)
        self.search.setMaximumWidth(220)
        # one query when typing pauses, not one per keystroke (~90 ms each over 105,000 sessions)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_PAUSE_MS)
        self._search_timer.timeout.connect(self.apply_filters)
        self.search.textChanged.connect(lambda _t: self._search_timer.start())
        self.when_combo = QComboBox(self)
        self.when_combo.setToolTip("Upcoming, past or all sessions")
        for key, label in WHEN:
            self.when_combo.addItem(label, key)
        self.program_filter = QComboBox(self)
        self.program_filter.setToolTip("Only the sessions of one program")
        self.kind_filter = QComboBox(self)
        self.kind_filter.setToolTip("Only one kind of session (pair meetings, workshops...)")
        self.pairing_filter = QComboBox(self)
        self.pairing_filter.setToolTip("Only the sessions of one pairing")
        self.status_filter = QComboBox(self)
        self.status_filter.setToolTip("Planned, held or cancelled sessions")
        self.status_filter.addItem("Any status", None)
        for status in STATUSES:
            self.status_filter.addItem(STATUS_LABELS[status], status)
        first = self._first
        self.person_filter = PersonCombo(self.ctx.db, self, people=first.people if first else None)
        self.person_filter.setToolTip("Only the sessions one person hosts or attends")
        self.person_filter.lineEdit().setPlaceholderText("Anyone")
        self.person_filter.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.person_filter.setMinimumContentsLength(14)
        self.person_filter.view().setMinimumWidth(320)
        self.person_filter.activated.connect(lambda _i: self.apply_filters())
        self.person_filter.lineEdit().editingFinished.connect(self._person_edited)
        self._fill_choices(first.view.choices if first else None)
        for combo, chars in (
            (self.when_combo, 0),
            (self.program_filter, 14),
            (self.kind_filter, 12),
            (self.pairing_filter, 14),
            (self.status_filter, 0),
        ):
            if chars:  # long names: a fixed width, and a popup wide enough to read them
                combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
                combo.setMinimumContentsLength(chars)
                combo.view().setMinimumWidth(340)
            else:
                combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
            combo.currentIndexChanged.connect(lambda _i: self.apply_filters())
        self.count_label = QLabel(self)
        row = QHBoxLayout()
        row.setSpacing(6)
        for w in (
            self.search,
            self.when_combo,
            self.program_filter,
            self.kind_filter,
            self.pairing_filter,
            self.person_filter,
            self.status_filter,
        ):
            row.addWidget(w)
        row.addStretch(1)
        self.filter_row = row

    def _fill_choices(self, choices: _Choices | None = None) -> None:
        programs, kinds, pairings = choices or _read_choices(self.ctx.db)
        for combo, first, items in (
            (self.program_filter, "All programs", programs),
            (self.kind_filter, "All kinds", [(k, kind_label(k)) for k in kinds]),
            (
                self.pairing_filter,
                "All pairings",
                [(i, f"{PAIRING_KINDS.get(k, k)}: {n}") for i, k, n in pairings],
            ),
        ):
            chosen = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(first, None)
            for key, label in items:
                combo.addItem(label, key)
            combo.setCurrentIndex(max(0, combo.findData(chosen)) if chosen is not None else 0)
            combo.blockSignals(False)

    def _build_agenda(self) -> None:
        table = widgets.list_table(self, self.proxy, self._context_menu, self.edit_selected)
        header = table.horizontalHeader()
        header.setStretchLastSection(True)
        for col, width in enumerate(_WIDTHS):
            table.setColumnWidth(col, width)
        table.selectionModel().selectionChanged.connect(lambda *_: self._update_actions())
        self.table = table

    def _build_empty_state(self) -> None:
        self.empty = page_parts.EmptyState(self)
        self.empty_label = self.empty.label
        self.empty_new = self.empty.add_button("Plan a session…", self.new_session)
        self.empty_first = self.empty.add_button("Schedule first meetings…", self.schedule_first_meetings)
        self.empty_first.setToolTip("Book the first meeting of every active pairing that has none yet")
        self.empty_clear = self.empty.add_button("Clear the filters", self.clear_filters)

    def _update_empty_state(self, shown: int) -> None:
        if shown:
            self.agenda_stack.setCurrentWidget(self.table)
            return
        first = self._first
        anything = first.any_sessions if first is not None else count_sessions(self.ctx.db, SessionFilter()) > 0
        if anything:
            self.empty.set_message(
                "No sessions match", "Try another date range (Upcoming, Past, All dates) or fewer filters."
            )
        else:
            self.empty.set_message(
                "No sessions yet",
                "Plan a lunch & learn, a workshop or a pair meeting, "
                "or let PeerDesk book the first meeting of every new pairing.",
            )
        writable = not self.ctx.readonly
        self.empty_new.setVisible(not anything and writable)
        self.empty_first.setVisible(not anything and writable)
        self.empty_clear.setVisible(anything)
        self.agenda_stack.setCurrentWidget(self.empty)

    def clear_filters(self) -> None:
        for combo in (self.program_filter, self.kind_filter, self.pairing_filter, self.status_filter):
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        self.person_filter.clearEditText()
        self.search.blockSignals(True)
        self.search.clear()
        self.search.blockSignals(False)
        self.when_combo.setCurrentIndex(self.when_combo.findData("all"))
        self.apply_filters()

    def _build_week(self) -> None:
        self.week_page = QWidget(self)
        self.week = WeekView(self.ctx.db, self.display_tz, self.week_page)
        self.week.session_clicked.connect(lambda _sid: self._update_actions())
        self.week.session_activated.connect(self._open)
        self.week.session_moved.connect(self.move_to)
        self.prev_week = QPushButton(icons.icon("chevron-left"), "Previous", self.week_page)
        self.prev_week.setToolTip("The week before")
        self.prev_week.clicked.connect(lambda: self.shift_week(-1))
        self.this_week = QPushButton("This week", self.week_page)
        self.this_week.setToolTip("Back to the current week")
        self.this_week.clicked.connect(self.go_to_this_week)
        self.next_week = page_parts.icon_after(QPushButton(icons.icon("chevron-right"), "Next", self.week_page))
        self.next_week.setToolTip("The week after")
        self.next_week.clicked.connect(lambda: self.shift_week(1))
        self.week_label = QLabel(self.week_page)
        font = self.week_label.font()
        font.setBold(True)
        self.week_label.setFont(font)
        nav = QHBoxLayout()
        nav.addWidget(self.prev_week)
        nav.addWidget(self.this_week)
        nav.addWidget(self.next_week)
        nav.addSpacing(12)
        nav.addWidget(self.week_label)
        nav.addStretch(1)
        layout = QVBoxLayout(self.week_page)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addLayout(nav)
        self.week_scroll = QScrollArea(self.week_page)
        self.week_scroll.setWidget(self.week)
        self.week_scroll.setWidgetResizable(True)
        self.week_scroll.setFrameShape(QFrame.Shape.NoFrame)
        # the day header is painted at the top of the visible part: repaint as the hours scroll
        self.week_scroll.verticalScrollBar().valueChanged.connect(lambda _v: self.week.update())
        # once the scroll area knows its size, start the day at 07:00 (or the week's first session)
        self._scrolled_once = False
        self.week_scroll.verticalScrollBar().rangeChanged.connect(self._first_scroll)
        layout.addWidget(self.week_scroll, 1)

    # --- data ----------------------------------------------------------------------------------

    def current_filter(self) -> SessionFilter:
        person = self.person_filter.chosen() if self.person_filter.currentText().strip() else None
        return SessionFilter(
            program_id=self.program_filter.currentData(),
            kind=self.kind_filter.currentData(),
            pairing_id=self.pairing_filter.currentData(),
            participant_id=person[0] if person else None,
            status=self.status_filter.currentData(),
            text=self.search.text(),
        )

    def apply_filters(
        self, *, keep_loaded: bool = False, week_rows: list[AgendaRow] | None = None, first: FirstRead | None = None
    ) -> None:
        """Re-query both views from the filters (keeping the selection where it still shows);
        week_rows: the week's sessions, already read for these filters; first: what load() read
        (used where it is for these filters and this week)."""
        keep = self.selected_session_ids()
        scroll = self.table.verticalScrollBar().value()
        f = self.current_filter()
        self.model.filter, self.model.descending = _agenda_filter(f, self.when_combo.currentData(), self.display_tz)
        self.model.reload(keep_loaded=keep_loaded, first=first.agenda if first else None)
        if week_rows is None and first is not None and f == SessionFilter() and first.monday == self.week.monday:
            week_rows = first.view.week_rows
        if week_rows is None:
            self.refresher.drop()  # a refresh under way read the views for older filters
            self.week.set_filter(f)
        else:
            self.week.filter = f
            self.week.show_rows(week_rows)
        self._week_title()
        n = self.model.total
        self._update_count()
        self._update_empty_state(n)
        self.count_label.setToolTip(
            f"Times are shown in {self.display_tz} (Settings), with the session's own zone where it differs"
        )
        self.select_ids(keep)
        if keep_loaded:
            self.table.verticalScrollBar().setValue(scroll)
        self._update_actions()

    def _update_count(self) -> None:
        """'89 sessions' (agenda) or '23 this week' (week view), and the zone times are shown in."""
        if self.tabs.currentIndex() == 1:
            n = len(self.week.rows)
            what = f"{n:,} this week"
        else:
            n = self.model.total
            what = f"{n:,} session{'s' if n != 1 else ''}"
        self.count_label.setText(f"{what} · {self.display_tz} time")

    def _person_edited(self) -> None:
        self.apply_filters()

    def reload(self) -> None:
        self._show_view(_read_view(self.ctx.db, self.week.range_utc(), self.current_filter()))

    def _show_view(self, view: _View) -> None:
        self.display_tz = view.display_tz
        self.model.display_tz = self.display_tz
        self.week.display_tz = self.display_tz
        self._fill_choices(view.choices)
        self.apply_filters(keep_loaded=True, week_rows=view.week_rows)

    def _on_changed(self, changes: Changes) -> None:
        if changes.touches("participants"):
            text = self.person_filter.currentText()
            self.person_filter.reload(self.ctx.db)
            self.person_filter.setEditText(text)
        if changes.touches(*WATCHED, "participants"):
            # the choices and the week's sessions are read on a worker (~0.1 s at 105,000 sessions)
            self.refresher.read(_read_view, self.week.range_utc(), self.current_filter())

    def _refresh_failed(self, error: BaseException) -> None:
        detail = widgets.describe_exception(type(error), error, error.__traceback__)
        widgets.report_bug(self, "Sessions", "The sessions could not be read.", detail)

    def _week_title(self) -> None:
        self.week_label.setText(self.week.title)

    def shift_week(self, weeks: int) -> None:
        self.refresher.drop()  # a refresh under way read another week
        self.week.set_week(self.week.monday + dt.timedelta(weeks=weeks))
        self._week_title()
        self._update_count()
        self.scroll_week_to(self.week.earliest_hour)

    def _first_scroll(self, _low: int, high: int) -> None:
        if not self._scrolled_once and high > 0:
            self._scrolled_once = True
            self.scroll_week_to(self.week.earliest_hour)

    def scroll_week_to(self, hour: float) -> None:
        """Show the week from this hour down (07:00 by default, or earlier when a session is)."""
        self.week_scroll.verticalScrollBar().setValue(int(hour * HOUR_H))

    def go_to_this_week(self) -> None:
        self.week.set_week(this_monday(self.display_tz))
        self._week_title()
        self._update_count()
        self.scroll_week_to(self.week.earliest_hour)

    # --- selection -----------------------------------------------------------------------------

    def selected_session_ids(self) -> list[int]:
        """The sessions the coordinator selected: agenda rows, or the block picked in the week view."""
        tabs = getattr(self, "tabs", None)
        if tabs is not None and tabs.currentIndex() == 1:
            return [self.week.selected] if self.week.selected is not None else []
        rows = sorted({self.proxy.mapToSource(i).row() for i in self.table.selectionModel().selectedRows()})
        return [int(self.model.row_at(r).id) for r in rows]

    def select_ids(self, ids: list[int]) -> None:
        selection = self.table.selectionModel()
        selection.clearSelection()
        first = None
        for sid in ids:
            row = self.model.row_of(sid)
            if row < 0:
                continue
            index = self.proxy.mapFromSource(self.model.index(row, 0))
            selection.select(index, QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows)
            first = first or index
        if first is not None:
            selection.setCurrentIndex(first, QItemSelectionModel.SelectionFlag.NoUpdate)
            self.table.scrollTo(first)

    def _update_actions(self) -> None:
        ids = self.selected_session_ids()
        writable = not self.ctx.readonly
        for a in (
            self.new_action,
            self.first_meetings_action,
            self.import_action,
            self.slot_action,
            self.drafts_action,
        ):
            a.setEnabled(writable)
        for a in (self.edit_action, self.held_action, self.duplicate_action):
            a.setEnabled(writable and len(ids) == 1)
        self.show_week_action.setEnabled(len(ids) == 1)
        self.cancel_action.setEnabled(writable and bool(ids))
        self.delete_action.setEnabled(writable and bool(ids))
        in_series = False
        if len(ids) == 1:
            row = self.model.row_of(ids[0])
            in_series = (
                self.model.row_at(row).series_id is not None
                if row >= 0
                else get_session(self.ctx.db, ids[0]).series_id is not None
            )
        self.cancel_following_action.setEnabled(writable and in_series)

    def _context_menu(self, pos: QPoint) -> None:
        index = self.table.indexAt(pos)
        if index.isValid() and not self.table.selectionModel().isRowSelected(index.row(), index.parent()):
            self.table.selectRow(index.row())
        menu = QMenu(self)
        for a in (self.edit_action, self.held_action, self.slot_action, self.duplicate_action, self.show_week_action):
            menu.addAction(a)
        menu.addSeparator()
        for a in (self.cancel_action, self.cancel_following_action, self.delete_action):
            menu.addAction(a)
        menu.addSeparator()
        menu.addAction(self.invites_action)
        menu.addAction(self.drafts_action)
        menu.popup(self.table.viewport().mapToGlobal(pos))

    # --- commands ------------------------------------------------------------------------------

    def _say(self, text: str) -> None:
        self.status_message.emit(text)

    def draft_emails(self) -> None:
        """E-mail drafts: feedback requests about the selected sessions (or the recent ones), welcomes
        and reminders to the pairs they belong to."""
        from peerdesk.ui.programs.drafts_dialog import show_drafts_dialog

        ids = self.selected_session_ids()
        pairs = sorted({s.pairing_id for s in get_sessions(self.ctx.db, ids) if s.pairing_id is not None})
        dialog = show_drafts_dialog(
            self.ctx,
            self,
            kind="feedback",
            session_ids=ids or None,
            pairing_ids=pairs or None,
            program_id=self.program_filter.currentData(),
        )
        if dialog.result_value is not None and dialog.result_value.written:
            self._say(dialog.result_value.summary())

    def export_invites(self) -> None:
        """Calendar invitations for the selected sessions (or a wider choice in the dialog)."""
        from peerdesk.ui.sessions.invites_dialog import show_invites_dialog

        show_invites_dialog(self.ctx, self, session_ids=self.selected_session_ids())

    def _open(self, session_id: int | None = None, tab: str = "details") -> SessionDialog | None:
        if self.ctx.readonly:
            return None
        dialog = SessionDialog(self.ctx, session_id, tab=tab, parent=self)
        if widgets.exec_dialog(dialog) and dialog.saved_ids:
            n = len(dialog.saved_ids)
            self.select_ids(dialog.saved_ids[:1])
            self._say(f"Saved {n} session{'s' if n != 1 else ''}" if n > 1 else "Saved the session")
        return dialog

    def new_session(self) -> None:
        self._open(None)

    def edit_selected(self) -> None:
        ids = self.selected_session_ids()
        if len(ids) == 1:
            self._open(ids[0])

    def duplicate_selected(self) -> None:
        """A new session like the selected one (same people, place, kind), a week later, to adjust and save."""
        ids = self.selected_session_ids()
        if len(ids) != 1 or self.ctx.readonly:
            return
        s = get_session(self.ctx.db, ids[0])
        # a week later in the session's own wall time, whatever DST does in between
        local = s.local_start.replace(tzinfo=None) + dt.timedelta(days=7)
        start = local.replace(tzinfo=zoneinfo.ZoneInfo(s.timezone)).astimezone(dt.UTC)
        template = replace(
            s,
            id=None,
            uid="",
            sequence=0,
            status="planned",
            series_id=None,
            original_start_utc=None,
            start_utc=start,
            plan_step_id=NEXT_STEP,  # a pair's next meeting takes the next meeting of its plan
        )
        dialog = SessionDialog(self.ctx, None, template=template, parent=self)
        if widgets.exec_dialog(dialog) and dialog.saved_ids:
            self.select_ids(dialog.saved_ids[:1])
            self._say("Saved the copy")

    def show_in_week(self) -> None:
        ids = self.selected_session_ids()
        if len(ids) != 1:
            return
        s = get_session(self.ctx.db, ids[0])
        self.week.set_week(s.start_utc.astimezone(zoneinfo.ZoneInfo(self.display_tz)).date())
        self.week.selected = int(ids[0])
        self._week_title()
        self.tabs.setCurrentIndex(1)
        local = s.start_utc.astimezone(zoneinfo.ZoneInfo(self.display_tz))
        self.scroll_week_to(max(0, min(local.hour - 1, self.week.earliest_hour)))

    def record_attendance(self) -> None:
        ids = self.selected_session_ids()
        if len(ids) == 1:
            self._open(ids[0], tab="attendance")

    def find_slot(self) -> None:
        ids = self.selected_session_ids()
        self._open(ids[0] if len(ids) == 1 else None, tab="slot")

    def move_to(self, session_id: int, start_utc: dt.datetime) -> None:
        """Reschedule one session (dragged in the week view); a double-booking is confirmed first."""
        if self.ctx.readonly:
            return
        s = get_session(self.ctx.db, session_id)
        moved = replace(s, start_utc=start_utc)
        clashes = find_clashes(self.ctx.db, moved)
        if clashes:
            lines = "\n".join("• " + c.describe(self.display_tz) for c in clashes[:8])
            if not widgets.confirm(
                self, "Double-booked", f"Moving it double-books people:\n{lines}\n\nMove it anyway?", "Move anyway"
            ):
                self.week.update()
                return
        when = format_local(start_utc, self.display_tz)
        if widgets.run_write(self.ctx, self, f"Move “{s.title}”", move_session, session_id, start_utc) is not None:
            self._say(f"Moved “{s.title}” to {when}")

    def cancel_selected(self) -> None:
        ids = self.selected_session_ids()
        if not ids:
            return
        label = "Cancel session" if len(ids) == 1 else f"Cancel {len(ids)} sessions"
        n = widgets.run_write(self.ctx, self, label, set_status, ids, "cancelled")
        if n is not None:
            self._say(f"Cancelled {n} session{'s' if n != 1 else ''} (Undo brings them back)")

    def cancel_following(self) -> None:
        ids = self.selected_session_ids()
        if len(ids) != 1:
            return
        n = widgets.run_write(self.ctx, self, "Cancel this and following", cancel_following, ids[0])
        if n is not None:
            self._say(f"Cancelled {n} occurrence{'s' if n != 1 else ''}")

    def delete_selected(self) -> None:
        ids = self.selected_session_ids()
        if not ids:
            return
        what = "this session" if len(ids) == 1 else f"{len(ids)} sessions"
        if not widgets.confirm(
            self,
            "Delete sessions",
            f"Delete {what} with its attendance and feedback?\n\nCancel a session instead to keep its history. "
            "You can undo this with Edit > Undo.",
            "Delete",
        ):
            return
        n = widgets.run_write(self.ctx, self, f"Delete {what}", delete_sessions, ids)
        if n is not None:
            self._say(f"Deleted {what}")

    def schedule_first_meetings(self) -> None:
        schedule_first_meetings(self.ctx, self, display_tz=self.display_tz, say=self._say)

    def import_feedback(self) -> None:
        from peerdesk.ui.sessions.feedback_import import import_feedback

        n = import_feedback(self.ctx, self)
        if n is not None:
            self._say(f"Imported {n} answer{'s' if n != 1 else ''}")


_Choices = tuple[list[tuple[int, str]], list[str], list[tuple[int, str, str]]]


@dataclass(frozen=True)
class _View:
    """What the page shows after a change, read in one go (on a worker): zone, choices, the week."""

    display_tz: str
    choices: _Choices
    week_rows: list[AgendaRow]


@dataclass(frozen=True)
class FirstRead:
    """What the page shows first, read on a worker when the window opens it (MainWindow)."""

    view: _View  # this week's sessions under no filter
    monday: dt.date  # of that week
    people: list[PersonName]
    agenda: AgendaStart
    any_sessions: bool


def _agenda_filter(f: SessionFilter, when: str, display_tz: str) -> tuple[SessionFilter, bool]:
    """The agenda's filter and order for the filters and the date range chosen (WHEN)."""
    if when == "upcoming":
        today = clock.now().astimezone(zoneinfo.ZoneInfo(display_tz)).replace(hour=0, minute=0, second=0, microsecond=0)
        return replace(f, start_from=today), False
    if when == "past":
        return replace(f, start_before=clock.now()), True
    return f, False


def _read_choices(db: Database) -> _Choices:
    return program_choices(db), kinds_in_use(db), pairing_choices(db)


def _read_view(db: Database, week: tuple[dt.datetime, dt.datetime], f: SessionFilter) -> _View:
    return _View(load_settings(db).timezone, _read_choices(db), sessions_between(db, week[0], week[1], f))
