"""The Sessions page: lazy agenda, week view, filters, commands, feedback import, participant tab widget."""

import datetime as dt

import pytest
from PySide6.QtCore import QPointF, Qt

from peerdesk.sessions.recurrence import Recurrence, create_series
from peerdesk.store.participants import add_participant
from peerdesk.store.records import Participant, parse_availability
from peerdesk.store.sessions import (
    Session,
    SessionFilter,
    count_sessions,
    create_session,
    feedback_for,
    get_session,
)
from peerdesk.store.settings import Settings, save_settings
from peerdesk.ui.common import widgets
from peerdesk.ui.common.context import AppContext
from peerdesk.ui.sessions.models import PAGE_SIZE, AgendaModel
from peerdesk.ui.sessions.page import SessionsPage
from peerdesk.ui.sessions.people import ParticipantSessionsWidget
from peerdesk.ui.sessions.week import HOUR_H

pytestmark = pytest.mark.usefixtures("jobs_awaited")

UTC = dt.UTC


def at(day, hour, minute=0):
    return dt.datetime(2026, 11, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def ctx(workspace):
    db = workspace.db
    save_settings(db, Settings(timezone="Europe/Berlin"))
    ids = []
    for name, avail in (("Ana Silva", "Mon 09:00-17:00"), ("Ben Okafor", "Mon 09:00-17:00"), ("Cleo Ng", "")):
        p = add_participant(
            db,
            Participant(
                name=name, email=name.split()[0].lower() + "@example.com", availability=parse_availability(avail)
            ),
        )
        ids.append(p.id)
    ana, ben, cleo = ids
    create_session(db, Session(title="Pair A", start_utc=at(3, 9), attendees=(ana, ben)))
    create_session(
        db,
        Session(
            title="Workshop", kind="workshop", start_utc=at(4, 13), duration_min=120, hosts=(cleo,), attendees=(ana,)
        ),
    )
    create_session(db, Session(title="Old one", start_utc=at(1, 9), status="held", attendees=(ben,)))
    create_series(
        db,
        Session(title="Weekly", kind="show_and_tell", start_utc=at(5, 15), attendees=(ana, ben)),
        Recurrence("weekly", 1, count=3),
    )
    context = AppContext(workspace)
    context.ids = ids
    return context


@pytest.fixture(params=["reads itself", "shows what the window read"])
def page(ctx, qtbot, request, first_read):
    p = SessionsPage(ctx) if request.param == "reads itself" else SessionsPage(ctx, data=first_read(SessionsPage, ctx))
    qtbot.addWidget(p)
    p.resize(1300, 800)
    return p


def titles(page):
    return [page.model.row_at(r).title for r in range(page.model.rowCount())]


def test_agenda_filters(page, ctx, qtbot):
    ana, ben, cleo = ctx.ids
    assert page.when_combo.currentData() == "upcoming"
    assert titles(page) == ["Pair A", "Workshop", "Weekly", "Weekly", "Weekly"]  # "Old one" was yesterday
    page.when_combo.setCurrentIndex(page.when_combo.findData("past"))
    assert titles(page) == ["Old one"]
    page.when_combo.setCurrentIndex(page.when_combo.findData("all"))
    page.kind_filter.setCurrentIndex(page.kind_filter.findData("workshop"))
    assert titles(page) == ["Workshop"]
    page.kind_filter.setCurrentIndex(0)
    qtbot.keyClicks(page.person_filter.lineEdit(), "Cleo")
    page.person_filter.lineEdit().editingFinished.emit()
    assert titles(page) == ["Workshop"]
    page.person_filter.clearEditText()
    page.person_filter.lineEdit().editingFinished.emit()
    page.status_filter.setCurrentIndex(page.status_filter.findData("held"))
    assert titles(page) == ["Old one"]
    page.status_filter.setCurrentIndex(0)
    qtbot.keyClicks(page.search, "week")
    qtbot.waitUntil(lambda: not page._search_timer.isActive())  # the search runs when typing pauses
    assert titles(page) == ["Weekly"] * 3 and page.count_label.text() == "3 sessions · Europe/Berlin time"
    page.search.setText("no such title")
    qtbot.waitUntil(lambda: not page._search_timer.isActive())
    assert page.agenda_stack.currentWidget() is page.empty and "No sessions match" in page.empty_label.text()
    qtbot.mouseClick(page.empty_clear, Qt.MouseButton.LeftButton)
    assert page.model.rowCount() == 6 and page.agenda_stack.currentWidget() is page.table


def test_title_search_runs_once_when_typing_pauses(page, qtbot, monkeypatch):
    runs = []
    real = page.apply_filters
    monkeypatch.setattr(page, "apply_filters", lambda **kw: (runs.append(page.search.text()), real(**kw)))
    page._search_timer.timeout.disconnect()
    page._search_timer.timeout.connect(page.apply_filters)
    qtbot.keyClicks(page.search, "week")
    qtbot.waitUntil(lambda: not page._search_timer.isActive())
    assert runs == ["week"]  # one query for four keystrokes


def test_agenda_model_is_lazy(workspace, qtbot, qtmodeltester):
    db = workspace.db
    with db.atomic():
        for i in range(PAGE_SIZE * 2 + 17):
            create_session(db, Session(title=f"S{i:04d}", start_utc=at(2, 10) + dt.timedelta(minutes=30 * i)))
    model = AgendaModel(db, "Europe/Berlin")
    model.reload()
    assert model.rowCount() == PAGE_SIZE and model.total == PAGE_SIZE * 2 + 17
    while model.canFetchMore():
        model.fetchMore()
    assert model.rowCount() == PAGE_SIZE * 2 + 17
    assert [model.row_at(i).title for i in (0, PAGE_SIZE, PAGE_SIZE * 2 + 16)] == [
        "S0000",
        f"S{PAGE_SIZE:04d}",
        f"S{PAGE_SIZE * 2 + 16:04d}",
    ]
    assert model.data(model.index(0, 0)) == "Mon 02 Nov 2026 11:00  (10:00 UTC)"  # the session's own zone too
    qtmodeltester.check(model)


def test_week_view_draws_and_selects(page, ctx, qtbot):
    page.tabs.setCurrentIndex(1)
    page.show()
    qtbot.waitExposed(page)
    page.go_to_this_week()
    assert page.week_label.text().startswith("02 – 08 Nov 2026")
    # the whole day scrolls; the view opens at 07:00
    assert page.week_scroll.verticalScrollBar().value() == 7 * HOUR_H
    assert sorted(r.title for r in page.week.rows) == ["Pair A", "Weekly", "Workshop"]  # "Old one" was Sunday 1st
    workshop = next(r for r in page.week.rows if r.title == "Workshop")
    rect = page.week.block_rect(workshop.id)
    assert (
        rect is not None
        and rect.height()
        > 2 * page.week.block_rect(next(r.id for r in page.week.rows if r.title == "Pair A")).height() - 4
    )
    qtbot.mouseClick(page.week, Qt.MouseButton.LeftButton, pos=rect.center().toPoint())
    assert page.selected_session_ids() == [workshop.id]
    assert page.edit_action.isEnabled()
    page.shift_week(1)
    assert [r.title for r in page.week.rows] == ["Weekly"]
    assert page.week.block_at(QPointF(5, 5)) is None
    page.grab()  # paints without error


def test_cancel_delete_and_undo(page, ctx, qtbot, monkeypatch):
    page.when_combo.setCurrentIndex(page.when_combo.findData("all"))
    page.select_ids([page.model.row_at(1).id])
    sid = page.selected_session_ids()[0]
    page.cancel_action.trigger()
    assert get_session(ctx.db, sid).status == "cancelled"
    assert page.model.row_at(page.model.row_of(sid)).status == "cancelled"  # refreshed from ctx.changed
    ctx.undo()
    assert get_session(ctx.db, sid).status == "planned"
    weekly = [page.model.row_at(r).id for r in range(page.model.rowCount()) if page.model.row_at(r).title == "Weekly"]
    page.select_ids([weekly[1]])
    assert page.cancel_following_action.isEnabled()
    page.cancel_following_action.trigger()
    assert [get_session(ctx.db, i).status for i in weekly] == ["planned", "cancelled", "cancelled"]
    monkeypatch.setattr(widgets, "confirm", lambda *a, **k: True)
    page.select_ids(weekly)
    page.delete_action.trigger()
    assert count_sessions(ctx.db, SessionFilter(text="Weekly")) == 0


def test_new_session_through_page(page, ctx, qtbot, monkeypatch):
    def drive(dialog):
        qtbot.keyClicks(dialog.title_edit, "Brown-bag: testing")
        dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("brown_bag"))
        dialog.accept()
        return dialog.result()

    monkeypatch.setattr(widgets, "exec_dialog", drive)
    page.new_action.trigger()
    assert "Brown-bag: testing" in titles(page)
    assert [get_session(ctx.db, i).title for i in page.selected_session_ids()] == ["Brown-bag: testing"]


def test_schedule_first_meetings_action(page, ctx, qtbot, monkeypatch):
    ana, ben, cleo = ctx.ids
    db = ctx.db
    db.execute("INSERT INTO pairings(kind, started_on, created_at) VALUES ('buddy', '2026-11-01', 'x')")
    db.execute("INSERT INTO pairings(kind, started_on, created_at) VALUES ('buddy', '2026-11-01', 'x')")
    db.execute(
        "INSERT INTO pairing_members VALUES (1, ?, 'peer'), (1, ?, 'peer'), (2, ?, 'peer'), (2, ?, 'peer')",
        (ana, ben, ana, cleo),
    )
    said = []
    monkeypatch.setattr(widgets, "confirm", lambda *a, **k: True)
    monkeypatch.setattr(widgets, "inform", lambda parent, title, text: said.append(text))
    page.first_meetings_action.trigger()
    assert said[0].startswith("Booked 1 first meeting.")
    assert "Ana Silva & Cleo Ng: Cleo Ng has no weekly availability set." in said[0]
    assert count_sessions(db, SessionFilter(pairing_id=1)) == 1


def test_feedback_import_dialog(page, ctx, qtbot, monkeypatch, tmp_path):
    ana, ben, _cleo = ctx.ids
    old = next(r for r in (page.model.row_at(i) for i in range(page.model.rowCount())) if r.title == "Pair A")
    path = tmp_path / "forms.csv"
    path.write_text(
        "Timestamp,Email Address,Session,Rating,Comments\n"
        f"11/3/2026 12:00:00,ana@example.com,#{old.id},5,Great\n"
        "11/3/2026 12:00:00,nobody@example.com,Pair A,4,\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(widgets, "ask_open_file", lambda *a, **k: path)
    seen = {}

    def drive(dialog):
        seen["rows"] = dialog.rows_model.rowCount()
        seen["errors"] = [dialog.errors_model.data(dialog.errors_model.index(0, 1))]
        assert not dialog.import_button.isEnabled()
        qtbot.mouseClick(dialog.good_rows_check, Qt.MouseButton.LeftButton)
        assert dialog.import_button.isEnabled()
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
        return dialog.result()

    monkeypatch.setattr(widgets, "exec_dialog", drive)
    page.import_action.trigger()
    assert seen == {"rows": 1, "errors": ["No participant has the e-mail nobody@example.com"]}
    assert [(f.participant_id, f.rating, f.comment) for f in feedback_for(ctx.db, old.id)] == [(ana, 5, "Great")]


def test_participant_sessions_widget(ctx, qtbot):
    ana, ben, cleo = ctx.ids
    w = ParticipantSessionsWidget(ctx, ben)
    qtbot.addWidget(w)
    assert w.model.rowCount() == 5
    assert w.summary.text() == "5 sessions; attended 0 of 1 held; 4 upcoming."
    create_session(ctx.db, Session(title="x", start_utc=at(20, 9), attendees=(ben,)))
    ctx.run("Add", create_session, Session(title="y", start_utc=at(21, 9), attendees=(ben,)))
    assert w.model.rowCount() == 7


def test_drag_a_block_to_reschedule(page, ctx, qtbot, monkeypatch):
    ana, ben, cleo = ctx.ids
    page.tabs.setCurrentIndex(1)
    page.show()
    qtbot.waitExposed(page)
    page.go_to_this_week()
    pair = next(r for r in page.week.rows if r.title == "Pair A")  # Tue 3 Nov 10:00 Berlin
    rect = page.week.block_rect(pair.id)
    width = page.week._day_width()
    start = rect.center().toPoint()
    target = (rect.center() + QPointF(2 * width, page.week._y(12) - page.week._y(10))).toPoint()  # Thu, two hours later
    qtbot.mousePress(page.week, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(page.week, pos=(rect.center() + QPointF(width, 0)).toPoint())
    qtbot.mouseMove(page.week, pos=target)
    qtbot.mouseRelease(page.week, Qt.MouseButton.LeftButton, pos=target)
    moved = get_session(ctx.db, pair.id)
    assert moved.start_utc == at(5, 11) and moved.sequence == 1  # Thu 12:00 Berlin
    assert ctx.workspace.undo_log.undo_label == "Move “Pair A”"
    # dropping onto a clash asks first; saying no leaves it where it was
    asked = []
    monkeypatch.setattr(widgets, "confirm", lambda parent, title, text, action="OK": asked.append(text) or False)
    page.move_to(pair.id, at(4, 13))  # the workshop Ana attends
    assert "Ana Silva is already in “Workshop”" in asked[0]
    assert get_session(ctx.db, pair.id).start_utc == at(5, 11)


def test_first_meetings_are_planned_on_a_worker_thread(tmp_path, qtbot, monkeypatch):
    from peerdesk.store.workspace import Workspace

    ws = Workspace.open(tmp_path / "program.db")
    try:
        db = ws.db
        people = [
            add_participant(
                db,
                Participant(
                    name=f"P{i}", email=f"p{i}@example.com", availability=parse_availability("Mon 09:00-11:00")
                ),
            ).id
            for i in range(6)
        ]
        for a, b in ((0, 1), (2, 3), (4, 5), (0, 2)):
            cur = db.execute("INSERT INTO pairings(kind, started_on, created_at) VALUES ('buddy', '2026-11-01', 'x')")
            db.execute(
                "INSERT INTO pairing_members VALUES (?, ?, 'peer'), (?, ?, 'peer')",
                (cur.lastrowid, people[a], cur.lastrowid, people[b]),
            )
        ctx = AppContext(ws)
        page = SessionsPage(ctx)
        qtbot.addWidget(page)
        said = []
        monkeypatch.setattr(widgets, "confirm", lambda *a, **k: True)
        monkeypatch.setattr(widgets, "inform", lambda parent, title, text: said.append(text))
        page.first_meetings_action.trigger()
        assert said[0] == "Booked 4 first meetings."
        starts = [s for (s,) in db.execute("SELECT start_utc FROM sessions WHERE pairing_id = 4")]
        p0 = [
            s
            for (s,) in db.execute(
                "SELECT s.start_utc FROM sessions s JOIN session_people sp ON sp.session_id = s.id WHERE sp.participant_id = ?",
                (people[0],),
            )
        ]
        assert len(p0) == 2 and len(set(p0)) == 2 and starts[0] in p0  # planned together, never double-booked
        assert ctx.workspace.undo_log.undo_label == "Schedule first meetings"
    finally:
        ws.close()


def test_week_view_splits_sessions_over_midnight_and_has_keys(page, ctx, qtbot, monkeypatch):
    ana, _ben, _cleo = ctx.ids
    monkeypatch.setattr(widgets, "exec_dialog", lambda dialog: 0)
    late = create_session(ctx.db, Session(title="Late", start_utc=at(3, 22), duration_min=120, attendees=(ana,)))
    page.tabs.setCurrentIndex(1)
    page.resize(1200, 700)
    page.show()
    qtbot.waitExposed(page)
    page.go_to_this_week()
    pieces = [rect for rect, row in page.week._layout() if row.id == late.id]
    width = page.week._day_width()
    # 23:00-01:00 Berlin: the end of Tuesday and the start of Wednesday
    assert len(pieces) == 2 and round(pieces[1].left() - pieces[0].left()) == round(width)
    assert page.week.first_hour == 0 and page.week.last_hour == 24
    opened = []
    page.week.session_activated.connect(opened.append)
    page.week.setFocus()
    qtbot.keyClick(page.week, Qt.Key.Key_Right)
    qtbot.keyClick(page.week, Qt.Key.Key_Right)
    assert page.selected_session_ids() == [next(r.id for r in page.week.rows if r.title == "Late")]
    qtbot.keyClick(page.week, Qt.Key.Key_Return)
    assert opened == [late.id]


def test_empty_program_invites_to_plan(workspace, qtbot):
    page = SessionsPage(AppContext(workspace))
    qtbot.addWidget(page)
    assert page.agenda_stack.currentWidget() is page.empty
    assert "No sessions yet" in page.empty_label.text()
    assert not page.empty_new.isHidden() and page.empty_clear.isHidden()


def test_duplicate_and_show_in_week(page, ctx, qtbot, monkeypatch):
    ana, ben, _cleo = ctx.ids
    page.when_combo.setCurrentIndex(page.when_combo.findData("all"))
    pair = next(page.model.row_at(i) for i in range(page.model.rowCount()) if page.model.row_at(i).title == "Pair A")
    page.select_ids([pair.id])

    def drive(dialog):
        assert dialog.title_edit.text() == "Pair A" and dialog.people.rowCount() == 2
        dialog.title_edit.setText("Pair A (again)")
        dialog.accept()
        return dialog.result()

    monkeypatch.setattr(widgets, "exec_dialog", drive)
    page.duplicate_action.trigger()
    copy = get_session(ctx.db, page.selected_session_ids()[0])
    assert copy.title == "Pair A (again)" and copy.start_utc == at(10, 9) and set(copy.attendees) == {ana, ben}
    assert copy.uid != get_session(ctx.db, pair.id).uid
    page.select_ids([copy.id])
    page.show_week_action.trigger()
    assert page.tabs.currentIndex() == 1 and page.week.monday == dt.date(2026, 11, 9)
    assert page.selected_session_ids() == [copy.id]


def test_participant_dialog_has_a_sessions_tab(ctx, qtbot):
    from peerdesk.store.participants import get_participant
    from peerdesk.ui.participants.dialog import ParticipantDialog

    ana, ben, _cleo = ctx.ids
    dialog = ParticipantDialog(ctx, get_participant(ctx.db, ben))
    qtbot.addWidget(dialog)
    titles = [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())]
    assert titles[-1] == "Sessions"
    widget = dialog.tabs.widget(dialog.tabs.count() - 1)
    assert isinstance(widget, ParticipantSessionsWidget) and widget.model.rowCount() == 5
    new = ParticipantDialog(ctx, None)
    qtbot.addWidget(new)
    assert "Sessions" not in [new.tabs.tabText(i) for i in range(new.tabs.count())]
