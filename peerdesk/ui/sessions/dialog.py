"""The session dialog: what, when, who, how it repeats, a slot finder, and attendance with feedback."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QDate, Qt, QTime
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSpinBox,
    QTabWidget,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from peerdesk import clock
from peerdesk.sessions.recurrence import (
    Recurrence,
    create_series,
    edit_following,
    expand_utc,
    from_rrule,
    get_series,
    make_recurring,
    to_rrule,
)
from peerdesk.sessions.scheduling import SlotSearch
from peerdesk.store.errors import StoreError, ValidationError
from peerdesk.store.lookups import program_of_pairing, skill_names
from peerdesk.store.plans import NEXT_STEP, PlanStep, guide_text, next_step, plan_of
from peerdesk.store.sessions import (
    KINDS,
    STATUSES,
    Session,
    clear_feedback,
    create_session,
    feedback_for,
    find_clashes,
    get_session,
    kind_label,
    kinds_in_use,
    members_of_pairing,
    pairing_choices,
    people_of,
    program_choices,
    set_attendance,
    set_feedback,
    update_session,
    validate_session,
)
from peerdesk.store.settings import load_settings
from peerdesk.ui.common import widgets
from peerdesk.ui.common.context import AppContext
from peerdesk.ui.common.forms import LONG_DATE, date_edit
from peerdesk.ui.sessions.dialog_people import Outcome, PeopleTab
from peerdesk.ui.sessions.dialog_repeat import RepeatTab
from peerdesk.ui.sessions.dialog_slots import SlotsTab
from peerdesk.ui.sessions.models import STATUS_LABELS, PeopleModel, PersonRow, format_local

PAIRING_KINDS = {
    "mentoring": "Mentoring",
    "buddy": "Buddies",
    "cross_functional": "Cross-functional",
    "circle": "Circle",
}


def save_session(
    db: Any,
    s: Session,
    rec: Recurrence | None,
    scope: str,
    outcome: dict[int, Outcome],
) -> list[int]:
    """Write everything the dialog holds in one go; return the ids of the sessions written."""
    if s.id is None:
        made = create_series(db, s, rec) if rec else [create_session(db, s)]
        return [int(m.id) for m in made if m.id is not None]
    if scope == "following":
        return [int(m.id) for m in edit_following(db, s.id, s) if m.id is not None]
    saved = update_session(db, s)
    ids = [int(s.id)]
    if rec is not None and saved.series_id is None:
        ids = [int(m.id) for m in make_recurring(db, s.id, rec) if m.id is not None]
    existing = {f.participant_id: (f.rating, f.comment) for f in feedback_for(db, s.id)}
    for pid, out in outcome.items():
        set_attendance(db, s.id, pid, out.attended)
        if out.rating:
            if existing.get(pid) != (out.rating, out.comment.strip()):
                set_feedback(db, s.id, pid, out.rating, out.comment)
        elif pid in existing:
            clear_feedback(db, s.id, pid)
    return ids


class SessionDialog(PeopleTab, RepeatTab, SlotsTab, QDialog):
    """Create or edit one session (or a repeating series) with its people and outcome."""

    def __init__(
        self,
        ctx: AppContext,
        session_id: int | None = None,
        *,
        template: Session | None = None,
        tab: str = "details",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.db = ctx.db
        self.display_tz = load_settings(self.db).timezone
        self.original: Session | None = get_session(self.db, session_id) if session_id is not None else None
        self.saved_ids: list[int] = []
        self.last_search: SlotSearch | None = None
        self.in_series = False
        self._steps: dict[int | None, PlanStep] = {}  # the plan of the pairing's program, by step id
        self.setWindowTitle("Edit session" if self.original else "New session")
        self.setMinimumSize(760, 600)

        self.people = PeopleModel(self)
        self.message = widgets.InlineMessage(self)
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self._details_tab(), "Details")
        self.tabs.addTab(self._people_tab(), "People")
        self.tabs.addTab(self._repeat_tab(), "Repeat")
        self.tabs.addTab(self._slot_tab(), "Find a slot")
        self.tabs.addTab(self._outcome_tab(), "Attendance && feedback")

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.buttons)

        self._load(self.original or template)
        tabs = {"details": 0, "people": 1, "repeat": 2, "slot": 3, "attendance": 4}
        self.tabs.setCurrentIndex(tabs.get(tab, 0))

    # --- building -----------------------------------------------------------------------------

    def _details_tab(self) -> QWidget:
        w = QWidget(self)
        form = QFormLayout(w)
        self.title_edit = QLineEdit(w)
        self.title_edit.setPlaceholderText("e.g. Lunch & learn: SQL window functions")
        self.kind_combo = QComboBox(w)
        self.kind_combo.setEditable(True)
        self.kind_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        for kind in kinds_in_use(self.db):
            self.kind_combo.addItem(kind_label(kind), kind)
        self.kind_combo.setToolTip("Choose a kind, or type your own (a custom kind)")
        self.program_combo = QComboBox(w)
        self.program_combo.addItem("— no program —", None)
        for pid, name in program_choices(self.db):
            self.program_combo.addItem(name, pid)
        self.pairing_combo = QComboBox(w)
        self.pairing_combo.setToolTip("The pairing this meeting belongs to")
        self.pairing_combo.addItem("— not a pairing's meeting —", None)
        for pid, kind, names in pairing_choices(self.db):
            self.pairing_combo.addItem(f"{PAIRING_KINDS.get(kind, kind)}: {names}", pid)
        self.pairing_combo.currentIndexChanged.connect(self._pairing_chosen)
        self.skills_edit = QLineEdit(w)
        self.skills_edit.setPlaceholderText("Skills it covers, e.g. Python; Code review")
        skills = skill_names(self.db)
        self.skills_edit.setCompleter(widgets.word_completer(skills, self.skills_edit))

        self.date_edit = date_edit(w, display=LONG_DATE)
        self.time_edit = QTimeEdit(w)
        self.time_edit.setDisplayFormat("HH:mm")
        self.zone_combo = widgets.zone_combo(w)
        self.duration_spin = QSpinBox(w)
        self.duration_spin.setToolTip("Length in minutes")
        self.duration_spin.setRange(5, 1440)
        self.duration_spin.setSingleStep(15)
        self.duration_spin.setSuffix(" min")
        self.duration_spin.setMaximumWidth(160)
        when = QHBoxLayout()
        when.addWidget(self.date_edit)
        when.addWidget(self.time_edit)
        when.addWidget(QLabel("in", w))
        when.addWidget(self.zone_combo, 1)
        self.when_note = QLabel(w)
        self.when_note.setStyleSheet("color: palette(placeholder-text);")
        for signal in (
            self.date_edit.dateChanged,
            self.time_edit.timeChanged,
            self.zone_combo.currentTextChanged,
            self.duration_spin.valueChanged,
        ):
            signal.connect(self._when_changed)

        self.status_combo = QComboBox(w)
        for status in STATUSES:
            self.status_combo.addItem(STATUS_LABELS[status], status)
        self.location_edit = QLineEdit(w)
        self.location_edit.setPlaceholderText("Room, office or address")
        self.url_edit = QLineEdit(w)
        self.url_edit.setPlaceholderText("https://…")
        self.description_edit = QPlainTextEdit(w)
        self.description_edit.setPlaceholderText("Description or agenda")
        self.description_edit.setTabChangesFocus(True)

        self.step_combo = QComboBox(w)
        self.step_combo.setAccessibleName("Meeting of the plan")
        self.step_combo.setToolTip("The meeting of the program's plan this session is (new meetings take the next one)")
        self.step_combo.currentIndexChanged.connect(lambda _i: self._show_guide())
        self.guide_label = QLabel(w)
        self.guide_label.setWordWrap(True)
        self.guide_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.guide_label.setStyleSheet("color: palette(placeholder-text);")
        self.guide_label.setAccessibleName("Session guide")
        form.addRow("&Title", self.title_edit)
        form.addRow("&Kind", self.kind_combo)
        form.addRow("P&rogram", self.program_combo)
        form.addRow("Pa&iring", self.pairing_combo)
        self.step_label = QLabel("Pla&n", w)
        self.step_label.setBuddy(self.step_combo)
        form.addRow(self.step_label, self.step_combo)
        form.addRow("", self.guide_label)
        form.addRow("Ski&lls", self.skills_edit)
        starts_label = QLabel("&Starts", w)
        starts_label.setBuddy(self.date_edit)
        form.addRow(starts_label, when)
        form.addRow("", self.when_note)
        form.addRow("&Duration", self.duration_spin)
        form.addRow("Stat&us", self.status_combo)
        form.addRow("&Place", self.location_edit)
        form.addRow("&Online link", self.url_edit)
        form.addRow("D&escription", self.description_edit)
        return w

    # --- loading ------------------------------------------------------------------------------

    def _load(self, s: Session | None) -> None:
        if s is None:
            tz = self.display_tz
            start = (clock.now() + dt.timedelta(days=1)).astimezone(zoneinfo.ZoneInfo(tz))
            s = Session(title="", start_utc=start.replace(hour=12, minute=0, second=0, microsecond=0), timezone=tz)
        self.title_edit.setText(s.title)
        i = self.kind_combo.findData(s.kind)
        if i >= 0:
            self.kind_combo.setCurrentIndex(i)
        else:
            self.kind_combo.setEditText(kind_label(s.kind))
        self.program_combo.setCurrentIndex(max(0, self.program_combo.findData(s.program_id)))
        self.pairing_combo.blockSignals(True)
        self.pairing_combo.setCurrentIndex(max(0, self.pairing_combo.findData(s.pairing_id)))
        self.pairing_combo.blockSignals(False)
        self._fill_steps(s.pairing_id, s.plan_step_id)
        self.skills_edit.setText("; ".join(s.skills))
        self.zone_combo.setCurrentText(s.timezone)
        self._set_local_start(s.local_start)
        self.duration_spin.setValue(s.duration_min)
        self.status_combo.setCurrentIndex(max(0, self.status_combo.findData(s.status)))
        self.location_edit.setText(s.location)
        self.url_edit.setText(s.online_url)
        self.description_edit.setPlainText(s.description)
        self.until_edit.setDate(QDate(s.local_start.date() + dt.timedelta(weeks=12)))

        rows: list[PersonRow] = []
        if s.id is not None:
            feedback = {f.participant_id: f for f in feedback_for(self.db, s.id)}
            for p in people_of(self.db, s.id):
                f = feedback.get(p.participant_id)
                rows.append(
                    PersonRow(
                        p.participant_id,
                        p.name,
                        p.email,
                        p.timezone,
                        p.role,
                        p.attended,
                        f.rating if f else None,
                        f.comment if f else "",
                    )  # fmt: skip
                )
        else:
            rows = self._rows_for(list(s.hosts), "host") + self._rows_for(list(s.attendees), "attendee")
        self.people.set_rows(rows)
        self.people.set_outcome_editable(s.id is not None)

        in_series = self.in_series = s.id is not None and s.series_id is not None
        self.series_box.setVisible(in_series)
        self.repeat_box.setVisible(not in_series)
        if in_series and s.series_id is not None:
            ser = get_series(self.db, s.series_id)
            try:
                text = from_rrule(ser.rrule, ser.first_start_local, ser.timezone).describe(ser.first_start_local)
            except ValidationError:
                text = ser.rrule
            moved = s.original_start_utc is not None and s.original_start_utc != s.start_utc
            extra = (
                f" This occurrence was moved from {format_local(s.original_start_utc, s.timezone)}."
                if moved and s.original_start_utc
                else ""
            )
            self.series_label.setText(f"{text} (from {ser.first_start_local:%d %b %Y}).{extra}")
        self._repeat_changed()
        if s.id is None:
            self.outcome_note.setText("Attendance and feedback can be recorded once the session is saved.")
        else:
            note = (
                "Tick who attended and enter each person's rating (1-5) and comment. "
                "A half-ticked box means attendance is not recorded yet."
            )
            on_session = {r.participant_id for r in rows}
            others = [f for f in feedback_for(self.db, s.id) if f.participant_id not in on_session]
            if others:
                average = sum(f.rating for f in others) / len(others)
                who = "anonymous or from people not on the session"
                note += f" Also {len(others)} rating{'s' if len(others) != 1 else ''} {who} (average {average:.1f})."
            self.outcome_note.setText(note)
        self.mark_held_button.setEnabled(s.id is not None)
        self.all_came_button.setEnabled(s.id is not None)
        self._when_changed()

    def _set_local_start(self, local: dt.datetime) -> None:
        self.date_edit.setDate(QDate(local.year, local.month, local.day))
        self.time_edit.setTime(QTime(local.hour, local.minute))

    # --- reactions -----------------------------------------------------------------------------

    def _zone(self) -> str:
        return self.zone_combo.currentText().strip() or "UTC"

    def _start_utc(self) -> dt.datetime:
        """The start in UTC from the date, time and zone fields (ValidationError for a bad zone)."""
        zone = self._zone()
        try:
            tz = zoneinfo.ZoneInfo(zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            raise ValidationError(f"'{zone}' is not a time zone (use a name like Europe/Berlin).", "timezone") from None
        d = self.date_edit.date()
        t = self.time_edit.time()
        local = dt.datetime(d.year(), d.month(), d.day(), t.hour(), t.minute(), tzinfo=tz)
        return local.astimezone(dt.UTC)

    def _when_changed(self, *_: Any) -> None:
        try:
            start = self._start_utc()
        except ValidationError as exc:
            self.when_note.setText(str(exc))
            return
        self.people.set_start(start, self.display_tz)
        end = start + dt.timedelta(minutes=self.duration_spin.value())
        if self._zone() != self.display_tz:
            self.when_note.setText(
                f"{format_local(start, self.display_tz)}–{format_local(end, self.display_tz, with_date=False)} "
                f"in your zone ({self.display_tz})"
            )
        else:
            self.when_note.setText(f"Ends {format_local(end, self.display_tz, with_date=False)}")
        self._repeat_changed()

    def _fill_steps(self, pairing_id: int | None, step_id: int | None) -> None:
        """The plan of the pairing's program in the plan combo, with `step_id` chosen (NEXT_STEP: the next one)."""
        program = program_of_pairing(self.db, pairing_id) if pairing_id is not None else None
        steps = plan_of(self.db, program) if program is not None else []
        if step_id == NEXT_STEP and pairing_id is not None:
            upcoming = next_step(self.db, pairing_id, exclude_session=self.original.id if self.original else None)
            step_id = upcoming.id if upcoming else None
        self.step_combo.blockSignals(True)
        self.step_combo.clear()
        self.step_combo.addItem("— not a meeting of the plan —", None)
        self._steps = {s.id: s for s in steps}
        for s in steps:
            self.step_combo.addItem(f"{s.position} of {len(steps)}: {s.title}", s.id)
        self.step_combo.setCurrentIndex(max(0, self.step_combo.findData(step_id)))
        self.step_combo.blockSignals(False)
        for widget in (self.step_label, self.step_combo, self.guide_label):
            widget.setVisible(bool(steps))
        self._show_guide()

    def _show_guide(self) -> None:
        step = self._steps.get(self.step_combo.currentData())
        self.guide_label.setText(guide_text(step, len(self._steps)).split("\n\n", 1)[-1] if step else "")

    def _pairing_chosen(self, _index: int) -> None:
        pid = self.pairing_combo.currentData()
        self._fill_steps(pid, NEXT_STEP)
        if pid is None:
            return
        kind = next((k for i, k, _n in pairing_choices(self.db) if i == pid), "mentoring")
        if kind == "circle" and self.kind_combo.currentData() == "pair_meeting":
            self.kind_combo.setCurrentIndex(max(0, self.kind_combo.findData("coaching_circle")))
        if self.people.rowCount() == 0:
            self._add_ids(members_of_pairing(self.db, pid), "attendee")
        if not self.title_edit.text().strip():
            self.title_edit.setText(self.pairing_combo.currentText().split(": ", 1)[-1])

    # --- the scheduling assistant --------------------------------------------------------------

    # --- saving --------------------------------------------------------------------------------

    def session(self) -> Session:
        """The session the form describes (not validated yet)."""
        kind_text = self.kind_combo.currentText().strip()
        data = self.kind_combo.currentData()
        kind = data if data is not None and kind_label(data) == kind_text else kind_text
        base = self.original or Session(title="", start_utc=clock.now())
        return replace(
            base,
            title=self.title_edit.text(),
            kind=kind,
            program_id=self.program_combo.currentData(),
            pairing_id=self.pairing_combo.currentData(),
            plan_step_id=self.step_combo.currentData() if self.step_combo.count() > 1 else None,
            skills=tuple(k.strip() for k in self.skills_edit.text().replace(",", ";").split(";") if k.strip()),
            start_utc=self._start_utc(),
            timezone=self._zone(),
            duration_min=self.duration_spin.value(),
            status=self.status_combo.currentData(),
            location=self.location_edit.text(),
            online_url=self.url_edit.text(),
            description=self.description_edit.toPlainText().strip(),
            hosts=self.people.ids("host"),
            attendees=self.people.ids("attendee"),
        )

    def _show_error(self, exc: StoreError) -> None:
        self.message.show_error(str(exc))
        field = getattr(exc, "field", None)
        if field in ("attendees", "attendance", "rating"):
            self.tabs.setCurrentIndex(1 if field == "attendees" else 4)
        elif field == "recurrence":
            self.tabs.setCurrentIndex(2)
        else:
            self.tabs.setCurrentIndex(0)

    def accept(self) -> None:
        try:
            s = validate_session(self.session())
            rec = self._recurrence()
            if rec is not None:
                rec.validate()
        except StoreError as exc:
            self._show_error(exc)
            return
        clashes = find_clashes(self.db, s)
        if rec is not None:  # every occurrence of the new repetition is checked
            try:
                text = to_rrule(rec, s.local_start.replace(tzinfo=None), s.timezone)
                starts = expand_utc(text, s.local_start.replace(tzinfo=None), s.timezone)
            except StoreError as exc:
                self._show_error(exc)
                return
            for start in starts[1:]:
                clashes.extend(find_clashes(self.db, replace(s, start_utc=start)))
        if clashes:
            lines = "\n".join("• " + c.describe(self.display_tz) for c in clashes[:8])
            more = f"\n…and {len(clashes) - 8} more" if len(clashes) > 8 else ""
            if not widgets.confirm(
                self,
                "Double-booked",
                f"Saving this session double-books people:\n{lines}{more}\n\nSave it anyway?",
                "Save anyway",
            ):
                return
        scope = "following" if self.in_series and self.following_radio.isChecked() else "this"
        label = "New session" if self.original is None else f"Edit “{s.title}”"
        if rec is not None and self.original is None:
            label = f"New repeating session “{s.title}”"
        try:
            self.saved_ids = self.ctx.run(label, save_session, s, rec, scope, self.outcome() if scope == "this" else {})
        except StoreError as exc:
            self._show_error(exc)
            return
        super().accept()


__all__ = ["KINDS", "SessionDialog", "save_session"]
