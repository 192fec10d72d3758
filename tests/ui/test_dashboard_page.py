"""The dashboard page: figures, goals that move when a session is held, action items that open."""

from __future__ import annotations

import datetime as dt

import pytest

from peerdesk.store.programs import Goal, Program, add_goal, add_program, enrol
from peerdesk.store.sessions import Session, create_session, mark_held
from peerdesk.ui.common import widgets
from peerdesk.ui.dashboard.page import DashboardPage
from peerdesk.ui.window.pages import PAGES

D = dt.date


@pytest.fixture
def setup(ctx, people):
    db = ctx.db
    zoe, lukasz, ana = people[0].id, people[1].id, people[2].id
    program = add_program(db, Program("Mentoring", start_date=D(2026, 10, 1)))
    enrol(db, program.id, [zoe, lukasz, ana])
    add_goal(db, Goal(program.id, "Two sessions", "sessions_held", 2, D(2026, 12, 31), start_date=D(2026, 10, 1)))
    cur = db.execute(
        "INSERT INTO pairings(program_id, kind, started_on, created_at) VALUES (?, 'mentoring', '2026-09-01', 'x')",
        (program.id,),
    )
    pairing = cur.lastrowid
    db.execute("INSERT INTO pairing_members VALUES (?, ?, 'mentor')", (pairing, zoe))
    db.execute("INSERT INTO pairing_members VALUES (?, ?, 'mentee')", (pairing, lukasz))
    past = create_session(
        db,
        Session(
            title="1:1 October",
            start_utc=dt.datetime(2026, 10, 20, 10, tzinfo=dt.UTC),
            program_id=program.id,
            pairing_id=pairing,
            hosts=(zoe,),
            attendees=(lukasz,),
        ),
    )
    upcoming = create_session(
        db,
        Session(
            title="Lunch & learn: SQL",
            kind="lunch_and_learn",
            start_utc=dt.datetime(2026, 11, 4, 12, tzinfo=dt.UTC),
            program_id=program.id,
            hosts=(ana,),
            attendees=(zoe, lukasz),
        ),
    )
    return {"program": program, "pairing": pairing, "past": past, "upcoming": upcoming, "zoe": zoe, "lukasz": lukasz}


@pytest.fixture
def page(ctx, setup, qtbot, settle):
    w = DashboardPage(ctx)
    qtbot.addWidget(w)
    w.show()
    settle(w)
    return w


def test_dashboard_is_the_first_page():
    assert PAGES[0] == ("Dashboard", "peerdesk.ui.dashboard.page:DashboardPage")


def test_key_figures_and_lists(page, setup):
    assert page.cards["active_participants"].value.text() == "5"  # émile is paused
    # 1-2 November so far: nothing held or due yet (the lunch & learn on the 4th is upcoming).
    assert page.cards["sessions"].value.text() == "0"
    assert page.upcoming.rowCount() == 1
    assert page.upcoming.data(page.upcoming.index(0, 1)) == "Lunch & learn: SQL"
    waiting = page.action_models["awaiting_attendance"]
    assert waiting.item(0).target_id == setup["past"].id  # over, not marked held
    assert "Attendance to record (1)" in [page.action_tabs.tabText(i) for i in range(page.action_tabs.count())]
    assert page.goals.rowCount() == 1 and page.goals.progress(0).actual == 0


def test_cards_compare_the_month_so_far_with_the_same_days_of_last_month(page):
    # 2 November: the cards cover 1-2 November and compare with 1-2 October, never all of October.
    assert page.period_label.text().startswith("1–2 November 2026 (so far)")
    for key in ("sessions", "learning_hours", "participation_rate"):
        assert "1–2 Oct" in page.cards[key].change.text() and "October" not in page.cards[key].change.text()
    assert page.cards["learning_hours"].change.text() == "＝ same as 1–2 Oct"


def test_goal_progress_changes_when_the_session_is_marked_held(page, ctx, setup, qtbot, settle):
    ctx.run("Mark held", mark_held, setup["past"].id, {setup["lukasz"]: True})
    qtbot.waitUntil(lambda: not page._stale)  # changes are coalesced into one refresh
    settle(page)
    progress = page.goals.progress(0)
    assert progress.actual == 1
    assert page.goals.data(page.goals.index(0, 1)) == "1"
    assert page.action_models["awaiting_attendance"].item(0) is None  # nothing left to record
    assert page.cards["attendance_rate"].value.text() == "–"  # November: nothing held yet
    october = next(m for m in page.data.months if m.month == D(2026, 10, 1))
    assert october.attendance_rate == 100.0 and october.sessions_held == 1


def test_clicking_items_opens_them(page, ctx, setup, monkeypatch):
    opened = []

    def record(dialog):
        opened.append(dialog)
        return 0

    monkeypatch.setattr(widgets, "exec_dialog", record)
    seen = []
    page.open_requested.connect(lambda kind, i: seen.append((kind, i)))
    view = page.action_views["awaiting_attendance"]
    view.activated.emit(page.action_models["awaiting_attendance"].index(0))
    assert type(opened[-1]).__name__ == "SessionDialog"
    assert opened[-1].original.id == setup["past"].id
    assert opened[-1].tabs.currentIndex() == 4  # attendance & feedback
    unpaired = page.action_models["unpaired"]
    view = page.action_views["unpaired"]
    view.activated.emit(unpaired.index(0))
    assert type(opened[-1]).__name__ == "ParticipantDialog"
    assert opened[-1].original.id == unpaired.item(0).target_id
    page.upcoming_view.doubleClicked.emit(page.upcoming.index(0, 0))
    assert opened[-1].original.id == setup["upcoming"].id
    page.open_item("pairing", setup["pairing"])
    assert opened[-1].original is None  # a new meeting for the pair
    assert seen[0] == ("session", setup["past"].id)


def test_program_filter(page, ctx, setup, qtbot, settle):
    other = ctx.run("New program", add_program, Program("Other"))
    qtbot.waitUntil(lambda: not page._stale)
    assert page.program_combo.findData(other.id) > 0
    page.program_combo.setCurrentIndex(page.program_combo.findData(other.id))
    settle(page)
    assert page.cards["active_participants"].value.text() == "0"
    assert page.goals.rowCount() == 0


def test_hidden_page_refreshes_when_shown(page, ctx, setup, settle):
    page.hide()
    ctx.run("Mark held", mark_held, setup["past"].id, {setup["lukasz"]: True})
    settle(page)
    assert page.goals.progress(0).actual == 0  # not recomputed while hidden
    page.show()
    settle(page)
    assert page.goals.progress(0).actual == 1


def test_a_program_file_is_computed_in_the_background(tmp_path, qtbot):
    from PySide6.QtCore import QThreadPool

    from peerdesk.store.participants import add_participant
    from peerdesk.store.records import Participant
    from peerdesk.store.workspace import Workspace
    from peerdesk.ui.common.context import AppContext

    ws = Workspace.open(tmp_path / "program.db")
    try:
        ctx = AppContext(ws)
        a = ctx.run("Add", add_participant, Participant(name="Ada", email="ada@example.com", role="mentor")).id
        b = ctx.run("Add", add_participant, Participant(name="Bo", email="bo@example.com")).id
        program = ctx.run("Program", add_program, Program("P", start_date=D(2026, 10, 1)))
        ctx.run(
            "Goal", add_goal, Goal(program.id, "One", "sessions_held", 1, D(2026, 12, 31), start_date=D(2026, 10, 1))
        )
        s = ctx.run(
            "Session",
            create_session,
            Session(
                title="1:1",
                start_utc=dt.datetime(2026, 10, 5, 9, tzinfo=dt.UTC),
                program_id=program.id,
                hosts=(a,),
                attendees=(b,),
            ),
        )
        page = DashboardPage(ctx)
        qtbot.addWidget(page)
        assert page.background
        with qtbot.waitSignal(page.refreshed, timeout=10_000):
            page.show()
        assert page.cards["active_participants"].value.text() == "2"
        assert page.goals.progress(0).actual == 0
        with qtbot.waitSignal(page.refreshed, timeout=10_000):
            ctx.run("Mark held", mark_held, s.id, {b: True})
        assert page.goals.progress(0).actual == 1 and page.goals.progress(0).status == "met"
        assert not page.busy
    finally:
        QThreadPool.globalInstance().waitForDone()
        ws.close()


def test_department_filter(page, ctx, setup, settle):
    assert page.department_combo.findData("Data") > 0
    page.department_combo.setCurrentIndex(page.department_combo.findData("Data"))
    settle(page)
    assert page.cards["active_participants"].value.text() == "2"  # Łukasz and 李娜
    assert page.data.period.start == D(2026, 11, 1)
    page.department_combo.setCurrentIndex(0)
    settle(page)
    assert page.cards["active_participants"].value.text() == "5"


def test_a_failing_goal_is_reported_and_the_figures_still_show(ctx, setup, qtbot, prompts, monkeypatch, settle):
    import peerdesk.ui.dashboard.page as module

    def broken(db, program_id):
        raise KeyError("metric that does not exist")

    monkeypatch.setattr(module, "_goals", broken)
    page = DashboardPage(ctx)
    qtbot.addWidget(page)
    settle(page)
    assert prompts.bugs and "could not be computed" in prompts.bugs[0][0]
    assert page.cards["active_participants"].value.text() == "5"
