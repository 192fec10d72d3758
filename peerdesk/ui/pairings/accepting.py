"""The Pairings page's round in hand: adjust it (lock, reject, swap), accept it, then book first meetings or send invites."""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass, replace

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from peerdesk.matching.edit import swap_members
from peerdesk.matching.load import (
    round_of,
)
from peerdesk.matching.model import (
    LockedGroup,
    pair_key,
)
from peerdesk.sessions.scheduling import pairings_without_sessions
from peerdesk.store import pairings as store
from peerdesk.store.sessions import get_session
from peerdesk.store.settings import load_settings
from peerdesk.ui.common import icons, widgets
from peerdesk.ui.common.forms import date_edit
from peerdesk.ui.pairings.parts import _count
from peerdesk.ui.sessions.first_meetings import schedule_first_meetings
from peerdesk.ui.sessions.models import when_text


@dataclass(frozen=True)
class AcceptedRound:
    """The round just accepted on this page, for its next steps."""

    round_id: int
    program_id: int | None
    program: str
    groups: int
    starts_on: dt.date


BOOKED_SHOWN = 8  # meetings listed after booking


class RoundAccepting:
    """Adjusting a proposed round (lock, reject, swap), accepting it, and the next steps offered after."""

    def _next_steps(self) -> QWidget:
        """What to do once a round is accepted: book the first meetings, send the invites."""
        box = QFrame()
        box.setObjectName("nextSteps")
        layout = QVBoxLayout(box)
        layout.setContentsMargins(16, 12, 16, 12)
        self.next_title = QLabel()
        self.next_title.setWordWrap(True)
        self.next_title.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.next_title)
        self.first_button = QPushButton(icons.icon("calendar-clock"), "Schedule first meetings…")
        self.first_button.setToolTip(
            "Book each new pairing's first meeting at the earliest time that suits its members"
        )
        self.first_button.clicked.connect(self.schedule_first_meetings)
        self.invites_button = QPushButton(icons.icon("calendar-plus"), "Export invites…")
        self.invites_button.setToolTip("Calendar invitations (.ics) for the meetings booked for this round")
        self.invites_button.clicked.connect(self.export_invites)
        self.again_button = QPushButton(icons.icon("sparkles"), "Propose another round")
        self.again_button.setToolTip("Start a new proposal for this program")
        self.again_button.clicked.connect(self._show_table)
        self.first_note = QLabel()
        self.first_note.setWordWrap(True)
        self.invites_note = QLabel()
        self.invites_note.setWordWrap(True)
        self.booked_label = QLabel()
        self.booked_label.setWordWrap(True)
        self.booked_label.setTextFormat(Qt.TextFormat.RichText)
        steps = QGridLayout()
        steps.setColumnStretch(2, 1)
        steps.addWidget(QLabel("<b>1</b>"), 0, 0)
        steps.addWidget(self.first_button, 0, 1)
        steps.addWidget(self.first_note, 0, 2)
        steps.addWidget(QLabel("<b>2</b>"), 1, 0)
        steps.addWidget(self.invites_button, 1, 1)
        steps.addWidget(self.invites_note, 1, 2)
        layout.addLayout(steps)
        layout.addWidget(self.booked_label)
        again = QHBoxLayout()
        again.addWidget(self.again_button)
        again.addStretch(1)
        layout.addLayout(again)
        layout.addStretch(1)
        return box

    def _adjust_area(self) -> QWidget:
        """Lock, reject, swap; the start date and Accept. Gone while the next steps after accepting show."""
        self.adjust_bar = QWidget()
        bar = QVBoxLayout(self.adjust_bar)
        bar.setContentsMargins(0, 0, 0, 0)
        actions = QHBoxLayout()
        self.lock_button = QPushButton(icons.icon("lock"), "Lock")
        self.lock_button.setToolTip("Keep the selected group as it is when re-running")
        self.reject_button = QPushButton(icons.icon("refresh-cw"), "Reject && re-run")
        self.reject_button.setToolTip("Never propose the selected pairs again in this session; re-run for the rest")
        self.swap_a = QComboBox()
        self.swap_a.setToolTip("First person to swap")
        self.swap_a.setAccessibleName("Swap this person")
        self.swap_b = QComboBox()
        self.swap_b.setToolTip("Second person to swap")
        self.swap_b.setAccessibleName("with this person")
        for combo in (self.swap_a, self.swap_b):
            combo.setMinimumContentsLength(10)
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.swap_button = QPushButton(icons.icon("arrow-left-right"), "Swap")
        self.swap_button.setToolTip("Exchange the two people between their pairs")
        self.start_edit = date_edit(
            tip="The day the accepted pairings start (no meeting is booked before it)", name="Start date"
        )
        self.accept_button = QPushButton(icons.icon("check"), "Accept round")
        self.accept_button.setToolTip("Record this round as the new pairings (can be undone)")
        for w in (self.lock_button, self.reject_button, QLabel("Swap"), self.swap_a, QLabel("⇄"), self.swap_b):
            actions.addWidget(w)
        actions.addWidget(self.swap_button)
        actions.addStretch(1)
        bar.addLayout(actions)
        accept_row = QHBoxLayout()  # its own row, so that narrow windows clip nothing
        accept_row.addStretch(1)
        accept_row.addWidget(QLabel("Pairings start on"))
        accept_row.addWidget(self.start_edit)
        accept_row.addWidget(self.accept_button)
        bar.addLayout(accept_row)
        self.lock_button.clicked.connect(self.toggle_lock)
        self.reject_button.clicked.connect(self.reject_selected)
        self.swap_button.clicked.connect(self.swap)
        for combo in (self.swap_a, self.swap_b):
            combo.currentIndexChanged.connect(lambda _i: self._update_buttons())
        self.accept_button.clicked.connect(self.accept)
        self.start_edit.dateChanged.connect(self._start_changed)
        return self.adjust_bar

    def toggle_lock(self) -> None:
        if self.proposal is None:
            return
        rows = self._selected_rows()
        groups = list(self.proposal.groups)
        unlock = all(groups[r].locked for r in rows)
        for r in rows:
            key = frozenset(groups[r].ids)
            if unlock:
                self.locks.pop(key, None)
            else:
                self.locks[key] = LockedGroup(tuple((m.id, m.role) for m in groups[r].members))
            groups[r] = replace(groups[r], locked=not unlock)
        self.proposal = replace(self.proposal, groups=tuple(groups))
        self._clear_comparison()  # the other objectives' rounds do not hold these locks
        self._show_proposal()

    def reject_selected(self) -> None:
        """Rule out the selected groups' pairs for this session and re-run for the rest."""
        if self.proposal is None:
            return
        for r in self._selected_rows():
            g = self.proposal.groups[r]
            self.locks.pop(frozenset(g.ids), None)
            ids = g.ids
            self.rejected.update(pair_key(a, b) for i, a in enumerate(ids) for b in ids[i + 1 :])
        self.propose()

    def swap(self) -> None:
        if self.proposal is None or self.problem is None:
            return
        a, b = self.swap_a.currentData(), self.swap_b.currentData()
        if a is None or b is None:
            return
        try:
            swapped = swap_members(self.problem, self.proposal, a, b)
        except ValueError as exc:
            widgets.warn(self, "Swap", str(exc))
            return
        for g in swapped.groups:
            if g.locked:
                self.locks[frozenset(g.ids)] = LockedGroup(tuple((m.id, m.role) for m in g.members))
        self.previous, self.proposal = self.proposal, swapped
        self._clear_comparison()
        self._show_proposal()

    def start_date(self) -> dt.date:
        qd = self.start_edit.date()
        return dt.date(qd.year(), qd.month(), qd.day())

    def _start_changed(self) -> None:
        """A new start date: check the groups' first meetings again from it."""
        if self.proposal is not None and not self._loading and self.start_date() != self.checked_from:
            self.propose()

    def accept(self) -> None:
        """Record the proposal: its groups become active pairings from the start date (undoable)."""
        if self.proposal is None:
            return
        start = self.start_date()
        n = len(self.proposal.groups)
        ended = ""
        if self.mode in store.ROTATING:
            ended = " The previous round's pairings of this program (except locked ones) end that day."
        stuck = sum(1 for g in self.proposal.groups if g.cannot_meet)
        if stuck:
            ended += f"\n\n{_count(stuck, 'group')} cannot meet within 4 weeks (marked in red)."
        if not widgets.confirm(
            self,
            "Accept round",
            f"Make these {_count(n, 'group')} active pairings from {start.isoformat()}?{ended}",
            "Accept",
            default_yes=True,
        ):
            return
        round_id = widgets.run_write(
            self.ctx,
            self,
            "Accept matching round",
            store.record_round,
            round_of(self.proposal, options=self.options()),
            program_id=self.program_id,
            started_on=start,
        )
        if round_id is None:
            return
        program = self.program_combo.currentText() if self.program_id is not None else ""
        self.accepted = AcceptedRound(round_id, self.program_id, program, n, start)
        self.summary_label.setText(
            f"Round {round_id} accepted: {_count(n, 'pairing')} active from {start.isoformat()}."
        )
        self.proposal = None
        self.previous = None
        self._clear_comparison()
        self.locks.clear()
        self.rejected.clear()
        self.proposal_model.set_groups([])
        self.unmatched_model.set_rows([])
        self._fill_swap()
        self._show_detail()
        self._show_next_steps()
        self._update_buttons()

    def _show_table(self) -> None:
        self.proposal_stack.setCurrentIndex(0)

    def _show_next_steps(self) -> None:
        """Offer the steps after accepting: what to book, what to send, and what is done already."""
        a = self.accepted
        if a is None:
            self._show_table()
            return
        of = f" of {html.escape(a.program)}" if a.program else ""
        self.next_title.setText(
            f"<h3>Round {a.round_id} accepted</h3><p>{_count(a.groups, 'pairing')}{of} "
            f"{'is' if a.groups == 1 else 'are'} active from {a.starts_on.strftime('%a %d %b %Y')}. Next:</p>"
        )
        db = self.ctx.db
        todo = len(pairings_without_sessions(db, round_id=a.round_id))
        sessions = store.round_session_ids(db, a.round_id)
        writable = not self.ctx.readonly
        self.first_button.setEnabled(writable and todo > 0)
        if todo:
            self.first_note.setText(
                f"{_count(todo, 'pairing')} of this round {'has' if todo == 1 else 'have'} no meeting yet: book each "
                f"first meeting ({self.meeting_minutes} minutes) at the earliest time that suits its members, "
                f"from {a.starts_on.isoformat()}."
            )
        else:
            self.first_note.setText("Every pairing of this round has a meeting booked.")
        self.invites_button.setEnabled(bool(sessions))
        self.booked_label.setText(self._booked_text(sessions))
        self.invites_note.setText(
            f"Calendar invitations (.ics) for the {_count(len(sessions), 'planned meeting')} of this round."
            if sessions
            else "Once meetings are booked, send their calendar invitations (.ics)."
        )
        self.proposal_stack.setCurrentIndex(1)

    def _booked_text(self, session_ids: list[int]) -> str:
        """The round's planned meetings, soonest first (the first few), in the program's display zone."""
        if not session_ids:
            return ""
        zone = load_settings(self.ctx.db).timezone
        shown = session_ids[:BOOKED_SHOWN]
        lines = [
            f"<li>{html.escape(s.title)} — {when_text(s.start_utc, zone, s.timezone)}</li>"
            for s in (get_session(self.ctx.db, i) for i in shown)
        ]
        more = (
            f"<p>…and {len(session_ids) - len(shown)} more on the Sessions page.</p>"
            if len(session_ids) > len(shown)
            else ""
        )
        return f"<p>Booked ({html.escape(zone)} time):</p><ul style='margin:0'>{''.join(lines)}</ul>{more}"

    def schedule_first_meetings(self) -> None:
        a = self.accepted
        if a is None:
            return
        schedule_first_meetings(
            self.ctx,
            self,
            display_tz=load_settings(self.ctx.db).timezone,
            program_id=a.program_id,
            round_id=a.round_id,
            program=a.program,
        )
        self._show_next_steps()

    def export_invites(self) -> None:
        from peerdesk.ui.sessions.invites_dialog import show_invites_dialog

        if self.accepted is not None:
            round_id = self.accepted.round_id
            show_invites_dialog(
                self.ctx,
                self,
                session_ids=store.round_session_ids(self.ctx.db, round_id),
                sessions_named=f"Meetings of round {round_id}",
            )
