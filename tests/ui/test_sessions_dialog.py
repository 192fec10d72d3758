"""The session dialog, driven by typing and clicking: create, recur, reschedule, attendance, feedback."""

import datetime as dt

import pytest
from PySide6.QtCore import QDate, Qt, QTime
from PySide6.QtWidgets import QDialogButtonBox

from peerdesk.sessions.recurrence import Recurrence, create_series, get_series, occurrences
from peerdesk.store.participants import add_participant
from peerdesk.store.records import Participant, parse_availability
from peerdesk.store.sessions import (
    Session,
    SessionFilter,
    agenda_page,
    create_session,
    feedback_for,
    get_session,
    people_of,
    set_feedback,
)
from peerdesk.store.settings import Settings, save_settings
from peerdesk.ui.common import widgets
from peerdesk.ui.common.context import AppContext
from peerdesk.ui.sessions.dialog import SessionDialog
from peerdesk.ui.sessions.models import PeopleModel

UTC = dt.UTC


@pytest.fixture
def ctx(workspace, qtbot):
    db = workspace.db
    save_settings(db, Settings(timezone="Europe/Berlin"))
    for name, tz, avail in (
        ("Ana Silva", "Europe/Berlin", "Mon 09:00-12:00; Wed 09:00-12:00"),
        ("Ben Okafor", "Europe/London", "Mon 08:00-11:00; Wed 13:00-15:00"),
        ("Chloé Martin", "America/New_York", "Tue 09:00-10:00"),
    ):
        email = name.split()[0].lower() + "@example.com"
        add_participant(db, Participant(name=name, email=email, timezone=tz, availability=parse_availability(avail)))
    return AppContext(workspace)


def pid(ctx, first):
    return ctx.db.execute("SELECT id FROM participants WHERE email = ?", (f"{first}@example.com",)).fetchone()[0]


def save(qtbot, dialog):
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Save), Qt.MouseButton.LeftButton)


def add_person(qtbot, dialog, text, host=False):
    dialog.person_combo.clearEditText()
    qtbot.keyClicks(dialog.person_combo.lineEdit(), text)
    button = dialog.add_host_button if host else dialog.add_attendee_button
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_create_session_by_typing(ctx, qtbot):
    d = SessionDialog(ctx)
    qtbot.addWidget(d)
    qtbot.keyClicks(d.title_edit, "Lunch & learn: SQL")
    d.kind_combo.setCurrentIndex(d.kind_combo.findData("lunch_and_learn"))
    d.date_edit.setDate(QDate(2026, 11, 4))
    d.time_edit.setTime(QTime(12, 30))
    d.zone_combo.setCurrentText("Europe/Berlin")
    d.duration_spin.setValue(45)
    qtbot.keyClicks(d.skills_edit, "SQL; Indexes")
    qtbot.keyClicks(d.location_edit, "Atrium")
    add_person(qtbot, d, "ana@example.com", host=True)
    add_person(qtbot, d, "Ben Okafor")
    add_person(qtbot, d, "Chlo")
    assert d.people.rowCount() == 3
    # the attendee's local time is shown where it differs
    assert d.people.data(d.people.index(2, PeopleModel.LOCAL)) == "Wed 04 Nov 2026 06:30 (America/New_York)"
    save(qtbot, d)
    assert d.result() == 1 and len(d.saved_ids) == 1
    s = get_session(ctx.db, d.saved_ids[0])
    assert (s.title, s.kind, s.duration_min, s.location) == ("Lunch & learn: SQL", "lunch_and_learn", 45, "Atrium")
    assert s.start_utc == dt.datetime(2026, 11, 4, 11, 30, tzinfo=UTC) and s.timezone == "Europe/Berlin"
    assert s.hosts == (pid(ctx, "ana"),) and set(s.attendees) == {pid(ctx, "ben"), pid(ctx, "chloé")}
    assert set(s.skills) == {"SQL", "Indexes"}


def test_custom_kind_and_validation_message(ctx, qtbot):
    d = SessionDialog(ctx)
    qtbot.addWidget(d)
    d.kind_combo.setEditText("Hack day demo")
    save(qtbot, d)
    assert d.result() == 0 and "title is required" in d.message.text()
    qtbot.keyClicks(d.title_edit, "Demo")
    d.url_edit.setText("zoom")
    save(qtbot, d)
    assert "web link" in d.message.text()
    d.url_edit.setText("https://meet.example.com/x")
    save(qtbot, d)
    assert get_session(ctx.db, d.saved_ids[0]).kind == "Hack day demo"


def test_recurring_session_through_the_repeat_tab(ctx, qtbot):
    d = SessionDialog(ctx)
    qtbot.addWidget(d)
    qtbot.keyClicks(d.title_edit, "Coaching circle")
    d.date_edit.setDate(QDate(2027, 3, 15))
    d.time_edit.setTime(QTime(10, 0))
    d.zone_combo.setCurrentText("Europe/Berlin")
    add_person(qtbot, d, "Ana")
    d.repeat_combo.setCurrentIndex(d.repeat_combo.findData("weekly"))
    d.interval_spin.setValue(2)
    d.count_spin.setValue(4)
    assert d.repeat_summary.text() == "Every 2 weeks on Monday, 4 times"
    save(qtbot, d)
    assert len(d.saved_ids) == 4
    made = [get_session(ctx.db, i) for i in d.saved_ids]
    assert [m.local_start.hour for m in made] == [10, 10, 10, 10]  # across the end of March DST change
    assert get_series(ctx.db, made[0].series_id).rrule == "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO;COUNT=4"
    ctx.undo()
    assert agenda_page(ctx.db, SessionFilter()) == []


def _series(ctx):
    return create_series(
        ctx.db,
        Session(
            title="Show & tell",
            kind="show_and_tell",
            start_utc=dt.datetime(2026, 11, 5, 15, tzinfo=UTC),
            timezone="Europe/Berlin",
            attendees=(pid(ctx, "ana"), pid(ctx, "ben")),
        ),
        Recurrence("weekly", 1, count=5),
    )


def test_reschedule_one_occurrence(ctx, qtbot):
    occ = _series(ctx)
    d = SessionDialog(ctx, occ[2].id)
    qtbot.addWidget(d)
    assert d.in_series and not d.series_box.isHidden() and d.repeat_box.isHidden()
    assert d.only_this_radio.isChecked()
    d.time_edit.setTime(QTime(17, 30))
    save(qtbot, d)
    after = occurrences(ctx.db, occ[0].series_id)
    assert after[2].local_start.strftime("%H:%M") == "17:30" and after[2].sequence == 1
    assert after[2].original_start_utc == occ[2].start_utc
    assert [a.start_utc for i, a in enumerate(after) if i != 2] == [o.start_utc for i, o in enumerate(occ) if i != 2]


def test_edit_this_and_following(ctx, qtbot):
    occ = _series(ctx)
    d = SessionDialog(ctx, occ[3].id)
    qtbot.addWidget(d)
    d.title_edit.setText("Show & tell (Fridays)")
    d.date_edit.setDate(d.date_edit.date().addDays(1))
    d.following_radio.setChecked(True)
    save(qtbot, d)
    titles = [r.title for r in agenda_page(ctx.db, SessionFilter())]
    assert titles == ["Show & tell"] * 3 + ["Show & tell (Fridays)"] * 2
    assert [get_session(ctx.db, i).local_start.weekday() for i in d.saved_ids] == [4, 4]


def test_mark_held_attendance_and_feedback_by_clicking(ctx, qtbot):
    s = create_session(
        ctx.db,
        Session(
            title="Pair",
            start_utc=dt.datetime(2026, 10, 30, 9, tzinfo=UTC),
            hosts=(pid(ctx, "ana"),),
            attendees=(pid(ctx, "ben"), pid(ctx, "chloé")),
        ),
    )
    set_feedback(ctx.db, s.id, None, 3, "anonymous")
    d = SessionDialog(ctx, s.id, tab="attendance")
    qtbot.addWidget(d)
    assert "Also 1 rating anonymous or from people not on the session (average 3.0)" in d.outcome_note.text()
    d.show()
    qtbot.waitExposed(d)
    assert d.tabs.currentIndex() == 4
    qtbot.mouseClick(d.mark_held_button, Qt.MouseButton.LeftButton)
    assert d.status_combo.currentData() == "held"
    view = d.outcome_view
    rows = {r.name: i for i, r in enumerate(d.people.rows)}
    # Ben came (space on the checkbox cell), Chloé did not
    for name, presses in (("Ben Okafor", 1), ("Chloé Martin", 2)):
        index = d.people.index(rows[name], PeopleModel.ATTENDED)
        view.setCurrentIndex(index)
        for _ in range(presses):
            qtbot.keyClick(view, Qt.Key.Key_Space)
    assert d.people.rows[rows["Ben Okafor"]].attended is True
    assert d.people.rows[rows["Chloé Martin"]].attended is False
    # Ben's rating and comment, typed into the cells' editors (moving to a cell opens its editor)
    for col, text in ((PeopleModel.RATING, "4"), (PeopleModel.COMMENT, "Clear and practical")):
        index = d.people.index(rows["Ben Okafor"], col)
        view.setCurrentIndex(index)
        editor = view.indexWidget(index)
        assert editor is not None
        editor.selectAll()
        qtbot.keyClicks(editor, text)
    view.setCurrentIndex(d.people.index(rows["Ben Okafor"], PeopleModel.NAME))  # leaving the cell commits it
    save(qtbot, d)
    assert get_session(ctx.db, s.id).status == "held"
    came = {p.name: p.attended for p in people_of(ctx.db, s.id)}
    assert came == {"Ana Silva": None, "Ben Okafor": True, "Chloé Martin": False}
    assert [(f.participant_id, f.rating, f.comment) for f in feedback_for(ctx.db, s.id)] == [
        (None, 3, "anonymous"),
        (pid(ctx, "ben"), 4, "Clear and practical"),
    ]
    assert ctx.workspace.undo_log.undo_label == "Edit “Pair”"


def test_clash_is_flagged_when_saving(ctx, qtbot, monkeypatch):
    create_session(
        ctx.db, Session(title="Busy", start_utc=dt.datetime(2026, 11, 4, 11, tzinfo=UTC), attendees=(pid(ctx, "ana"),))
    )
    asked = []
    answer = [False]
    monkeypatch.setattr(widgets, "confirm", lambda parent, title, text, action="OK": asked.append(text) or answer[0])
    d = SessionDialog(ctx)
    qtbot.addWidget(d)
    qtbot.keyClicks(d.title_edit, "Overlapping")
    d.zone_combo.setCurrentText("Europe/Berlin")
    d.date_edit.setDate(QDate(2026, 11, 4))
    d.time_edit.setTime(QTime(12, 30))
    add_person(qtbot, d, "Ana")
    save(qtbot, d)
    assert d.result() == 0 and "Ana Silva is already in “Busy” on Wed 04 Nov 12:00" in asked[0]
    assert len(agenda_page(ctx.db, SessionFilter())) == 1
    answer[0] = True
    save(qtbot, d)
    assert d.result() == 1 and len(agenda_page(ctx.db, SessionFilter())) == 2


def test_find_a_slot_proposals_and_bottleneck(ctx, qtbot):
    d = SessionDialog(ctx, tab="slot")
    qtbot.addWidget(d)
    d.show()
    qtbot.waitExposed(d)
    add_person(qtbot, d, "Ana")
    add_person(qtbot, d, "Ben")
    d.duration_spin.setValue(60)
    d.weeks_spin.setValue(2)
    qtbot.mouseClick(d.find_button, Qt.MouseButton.LeftButton)
    # now: Mon 2 Nov 10:00 Berlin. Ana Mon 9-12 Berlin, Ben Mon 8-11 London (9-12 Berlin): today 10:00 Berlin
    assert d.slot_list.count() >= 2
    assert d.slot_list.item(0).text().startswith("Mon 02 Nov 2026 10:00   (09:00 London)")
    d.slot_list.setCurrentRow(1)
    qtbot.mouseClick(d.use_slot_button, Qt.MouseButton.LeftButton)
    d.zone_combo.setCurrentText("Europe/Berlin")
    assert d.tabs.currentIndex() == 0
    first_two = [d.slot_list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(2)]
    assert d._start_utc() == first_two[1]
    add_person(qtbot, d, "Chlo")
    qtbot.mouseClick(d.find_button, Qt.MouseButton.LeftButton)
    assert d.slot_list.count() == 0
    assert "Chloé Martin is the bottleneck" in d.slot_message.text()


def test_find_a_slot_for_a_pairing_that_starts_later_searches_from_its_start(ctx, qtbot):
    db = ctx.db
    pairing = db.execute(
        "INSERT INTO pairings(kind, started_on, created_at) VALUES ('buddy', '2026-11-16', '2026-11-02')"
    ).lastrowid
    for first in ("ana", "ben"):
        db.execute("INSERT INTO pairing_members VALUES (?, ?, 'peer')", (pairing, pid(ctx, first)))
    d = SessionDialog(ctx, tab="slot")  # opened now, Mon 2 Nov: both are free today and every Monday
    qtbot.addWidget(d)
    d.show()
    qtbot.waitExposed(d)
    d.pairing_combo.setCurrentIndex(d.pairing_combo.findData(pairing))  # its members become attendees
    assert d.people.rowCount() == 2
    d.duration_spin.setValue(60)
    d.weeks_spin.setValue(1)
    qtbot.mouseClick(d.find_button, Qt.MouseButton.LeftButton)
    starts = [d.slot_list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(d.slot_list.count())]
    assert starts, d.slot_message.text()
    assert min(starts) == dt.datetime(2026, 11, 16, 8, tzinfo=UTC)  # Mon 16 Nov 09:00 Berlin
    d.pairing_combo.setCurrentIndex(0)  # not a pairing's meeting: from now
    qtbot.mouseClick(d.find_button, Qt.MouseButton.LeftButton)
    assert d.slot_list.item(0).data(Qt.ItemDataRole.UserRole) == dt.datetime(2026, 11, 2, 9, tzinfo=UTC)


def test_people_model_passes_the_model_tester(qtmodeltester):
    from peerdesk.ui.sessions.models import PersonRow

    model = PeopleModel()
    model.set_rows(
        [
            PersonRow(1, "Ana", "ana@example.com", "Europe/Berlin", "host", True, 5, "great"),
            PersonRow(2, "Ben", "ben@example.com", "Europe/London", "attendee", None, None, ""),
        ]
    )
    model.set_start(dt.datetime(2026, 11, 4, 11, tzinfo=UTC), "Europe/Berlin")
    model.set_outcome_editable(True)
    qtmodeltester.check(model)
    assert model.data(model.index(1, PeopleModel.LOCAL)) == "Wed 04 Nov 2026 11:00 (Europe/London)"
    assert model.data(model.index(0, PeopleModel.LOCAL)) == "same as yours"
    assert model.data(model.index(0, PeopleModel.RATING)) == "★★★★★"
    assert (
        model.data(model.index(1, PeopleModel.ATTENDED), Qt.ItemDataRole.CheckStateRole)
        == Qt.CheckState.PartiallyChecked
    )


def test_clash_of_a_later_occurrence_is_flagged(ctx, qtbot, monkeypatch):
    create_session(
        ctx.db,
        Session(title="Offsite", start_utc=dt.datetime(2026, 11, 18, 11, tzinfo=UTC), attendees=(pid(ctx, "ben"),)),
    )
    asked = []
    monkeypatch.setattr(widgets, "confirm", lambda parent, title, text, action="OK": asked.append(text) or False)
    d = SessionDialog(ctx)
    qtbot.addWidget(d)
    qtbot.keyClicks(d.title_edit, "Weekly 1:1")
    d.zone_combo.setCurrentText("Europe/Berlin")
    d.date_edit.setDate(QDate(2026, 11, 4))
    d.time_edit.setTime(QTime(12, 0))
    add_person(qtbot, d, "Ben")
    d.repeat_combo.setCurrentIndex(d.repeat_combo.findData("weekly"))
    d.count_spin.setValue(4)
    save(qtbot, d)
    assert d.result() == 0 and "Ben Okafor is already in “Offsite” on Wed 18 Nov 12:00" in asked[0]
