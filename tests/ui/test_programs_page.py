"""Programs & Goals: create a program and a goal through the dialogs, then watch the goal move."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from peerdesk.store.programs import (
    Goal,
    Program,
    add_goal,
    add_program,
    find_program,
    list_goals,
    list_programs,
    member_ids,
)
from peerdesk.store.sessions import Session, create_session, mark_held
from peerdesk.ui.common import widgets
from peerdesk.ui.programs.dialog import ProgramDialog, to_qdate
from peerdesk.ui.programs.goal_dialog import GoalDialog
from peerdesk.ui.programs.page import ProgramsPage

pytestmark = pytest.mark.usefixtures("jobs_awaited")

D = dt.date


@pytest.fixture
def page(ctx, people, qtbot):
    w = ProgramsPage(ctx)
    qtbot.addWidget(w)
    return w


def check_people(dialog: ProgramDialog, *names: str) -> None:
    for r in range(dialog.people.rowCount()):
        item = dialog.people.item(r)
        if item.text().split("  ·  ")[0] in names:
            item.setCheckState(Qt.CheckState.Checked)


def test_create_a_program_with_people_through_the_dialog(page, ctx, qtbot, monkeypatch):
    def drive(dialog):
        assert isinstance(dialog, ProgramDialog)
        qtbot.keyClicks(dialog.name, "Buddies 2027")
        dialog.objective.setCurrentIndex(dialog.objective.findData("onboarding"))
        dialog.start.edit.setDate(to_qdate(D(2026, 10, 1)))
        check_people(dialog, "Zoë Ødegård", "Łukasz Nowak")
        assert dialog.count.text() == "2 enrolled"
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
        return dialog.result()

    monkeypatch.setattr(widgets, "exec_dialog", drive)
    page.new_program()
    [program] = list_programs(ctx.db)
    assert (program.name, program.objective, program.start_date) == ("Buddies 2027", "onboarding", D(2026, 10, 1))
    emails = {
        ctx.db.execute("SELECT email FROM participants WHERE id = ?", (i,)).fetchone()[0]
        for i in member_ids(ctx.db, program.id)
    }
    assert emails == {"zoe.odegard@example.com", "lukasz.nowak@example.com"}
    assert page.selected_program().id == program.id
    ctx.undo()
    assert list_programs(ctx.db) == []


def test_program_dialog_shows_validation_and_keeps_open(ctx, people, qtbot):
    add_program(ctx.db, Program("Taken"))
    dialog = ProgramDialog(ctx)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.name, "taken")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert "already a program" in dialog.message.text()
    assert dialog.result() == 0
    dialog.name.clear()
    qtbot.keyClicks(dialog.name, "Fresh")
    dialog.start.edit.setDate(to_qdate(D(2026, 12, 1)))
    dialog.end.check.setChecked(True)
    dialog.end.edit.setDate(to_qdate(D(2026, 11, 1)))
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert "ends before it starts" in dialog.message.text()


def test_goal_dialog_builds_a_goal_from_the_catalogue(ctx, people, qtbot):
    program = add_program(ctx.db, Program("P", start_date=D(2026, 9, 1)))
    dialog = GoalDialog(ctx, program)
    qtbot.addWidget(dialog)
    dialog.metric_combo.setCurrentIndex(dialog.metric_combo.findData("participation_rate"))
    assert set(dialog.param_spins) == {"min_sessions"}
    dialog.param_spins["min_sessions"].setValue(2)
    dialog.target.clear()
    qtbot.keyClicks(dialog.target, "75")
    dialog.department.setCurrentIndex(dialog.department.findData("Data"))
    dialog.deadline.setDate(to_qdate(D(2026, 12, 31)))
    assert dialog.title.text() == "At least 75% participation rate by 31 December 2026"
    qtbot.waitUntil(lambda: "Today:" in dialog.preview.text())
    assert "target at least 75%" in dialog.preview.text()
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    [goal] = list_goals(ctx.db, program.id)
    assert (goal.metric, goal.target, goal.deadline) == ("participation_rate", 75.0, D(2026, 12, 31))
    assert goal.params == {"min_sessions": 2, "department": "Data"}


def test_goal_dialog_rejects_an_impossible_target(ctx, people, qtbot):
    program = add_program(ctx.db, Program("P"))
    dialog = GoalDialog(ctx, program)
    qtbot.addWidget(dialog)
    dialog.metric_combo.setCurrentIndex(dialog.metric_combo.findData("average_rating"))
    assert dialog.target.maximum() == 5
    dialog.start.check.setChecked(True)
    dialog.start.edit.setDate(to_qdate(D(2027, 2, 1)))
    dialog.deadline.setDate(to_qdate(D(2027, 1, 1)))
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert "deadline" in dialog.message.text().lower()
    assert list_goals(ctx.db) == []


def test_goal_progress_changes_when_a_session_is_marked_held(page, ctx, people, qtbot, monkeypatch):
    zoe, lukasz = people[0].id, people[1].id
    program = ctx.run("New program", add_program, Program("Mentoring", start_date=D(2026, 10, 1)))

    def drive(dialog):
        dialog.metric_combo.setCurrentIndex(dialog.metric_combo.findData("sessions_held"))
        dialog.target.clear()
        qtbot.keyClicks(dialog.target, "2")
        dialog.start.check.setChecked(True)
        dialog.start.edit.setDate(to_qdate(D(2026, 10, 1)))
        dialog.deadline.setDate(to_qdate(D(2026, 12, 31)))
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
        return dialog.result()

    monkeypatch.setattr(widgets, "exec_dialog", drive)
    page.select_program(program.id)
    page.add_goal()
    assert page.goals.rowCount() == 1
    assert page.goals.progress(0).actual == 0
    assert page.goals.progress(0).status == "at_risk"
    sessions = [
        create_session(
            ctx.db,
            Session(
                title=f"1:1 #{n}",
                start_utc=dt.datetime(2026, 10, 10 + n, 10, tzinfo=dt.UTC),
                program_id=program.id,
                hosts=(zoe,),
                attendees=(lukasz,),
            ),
        )
        for n in (1, 2)
    ]
    ctx.run("Mark held", mark_held, sessions[0].id, {lukasz: True})
    progress = page.goals.progress(0)
    assert progress.actual == 1 and progress.status == "on_track"  # 1 in 32 of 92 days: on pace for 2.9
    assert page.goals.data(page.goals.index(0, 1)) == "1"
    ctx.run("Mark held", mark_held, sessions[1].id, {lukasz: True})
    assert page.goals.progress(0).actual == 2
    assert page.goals.data(page.goals.index(0, 4)) == "Met"
    ctx.undo()
    assert page.goals.progress(0).actual == 1


def test_delete_goal_and_program_ask_first(page, ctx, prompts):
    program = ctx.run("New", add_program, Program("P"))
    ctx.run("Goal", add_goal, Goal(program.id, "G", "sessions_held", 3, D(2026, 12, 31)))
    page.select_program(program.id)
    page.goals_view.selectRow(0)
    prompts.confirm_answer = False
    page.delete_goal()
    assert len(list_goals(ctx.db)) == 1
    prompts.confirm_answer = True
    page.delete_goal()
    assert list_goals(ctx.db) == []
    page.delete_program()
    assert list_programs(ctx.db) == []
    assert page.heading.text().startswith("<i>Create a program")


def test_program_file_figures_come_from_the_background(tmp_path, qtbot):
    from PySide6.QtCore import QThreadPool

    from peerdesk.store.participants import add_participant
    from peerdesk.store.records import Participant
    from peerdesk.store.workspace import Workspace
    from peerdesk.ui.common.context import AppContext

    ws = Workspace.open(tmp_path / "program.db")
    try:
        ctx = AppContext(ws)
        a = ctx.run("Add", add_participant, Participant(name="Ada", email="ada@example.com")).id
        program = ctx.run("Program", add_program, Program("P", start_date=D(2026, 10, 1)))
        ctx.run("Goal", add_goal, Goal(program.id, "One", "sessions_held", 1, D(2026, 12, 31)))
        s = ctx.run(
            "Session",
            create_session,
            Session(
                title="Talk", start_utc=dt.datetime(2026, 10, 5, 9, tzinfo=dt.UTC), program_id=program.id, hosts=(a,)
            ),
        )
        page = ProgramsPage(ctx)
        qtbot.addWidget(page)
        assert page.runner.background
        qtbot.waitUntil(lambda: page.goals.rowCount() == 1, timeout=10_000)
        assert page.goals.progress(0).actual == 0
        with qtbot.waitSignal(page.refreshed, timeout=10_000):
            ctx.run("Held", mark_held, s.id)
        assert page.goals.progress(0).actual == 1
        assert "1 sessions held" in page.summary.text()
    finally:
        QThreadPool.globalInstance().waitForDone()
        ws.close()


def test_a_failing_computation_is_reported_not_raised(ctx, people, qtbot, prompts, monkeypatch):
    import peerdesk.ui.programs.page as module

    add_program(ctx.db, Program("P"))

    def broken(db, program_id):
        raise ZeroDivisionError("bug in a metric")

    monkeypatch.setattr(module, "program_figures", broken)
    page = ProgramsPage(ctx)
    qtbot.addWidget(page)
    assert prompts.bugs and "could not be computed" in prompts.bugs[0][0]
    assert "ZeroDivisionError" in prompts.bugs[0][1]


def test_mark_members_completed(page, ctx, people, qtbot):
    from PySide6.QtCore import QItemSelectionModel

    from peerdesk.store.programs import enrol, members

    program = ctx.run("New", add_program, Program("P", start_date=D(2026, 9, 1)))
    ctx.run("Enrol", enrol, program.id, [people[0].id, people[1].id], D(2026, 9, 1))
    page.select_program(program.id)
    assert page.members.rowCount() == 2 and page.tabs.tabText(1) == "Members (2)"
    row = next(
        r for r in range(page.members_proxy.rowCount()) if page.members_proxy.index(r, 0).data() == "Zoë Ødegård"
    )
    page.members_view.selectionModel().select(
        page.members_proxy.index(row, 0),
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
    )
    page.complete_day.setDate(to_qdate(D(2026, 10, 31)))
    qtbot.mouseClick(page.complete_button, Qt.MouseButton.LeftButton)
    done = {m.participant_id: m.completed_on for m in members(ctx.db, program.id)}
    assert done == {people[0].id: D(2026, 10, 31), people[1].id: None}
    assert page.figures.completed == 1
    zoe_row = next(r for r in page.members.rows if r.name == "Zoë Ødegård")
    assert zoe_row.completed_on == D(2026, 10, 31)
    page.members_view.selectionModel().select(
        page.members_proxy.index(row, 0),
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
    )
    qtbot.mouseClick(page.uncomplete_button, Qt.MouseButton.LeftButton)
    assert all(m.completed_on is None for m in members(ctx.db, program.id))


def test_program_dialog_sets_the_meeting_length(ctx, people, qtbot):
    dialog = ProgramDialog(ctx)
    qtbot.addWidget(dialog)
    assert dialog.meeting.value() == 60
    qtbot.keyClicks(dialog.name, "Long meetings")
    dialog.meeting.selectAll()
    qtbot.keyClicks(dialog.meeting, "90")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == QDialog.DialogCode.Accepted
    saved = find_program(ctx.db, "Long meetings")
    assert saved.meeting_minutes == 90
    again = ProgramDialog(ctx, saved)
    qtbot.addWidget(again)
    assert again.meeting.value() == 90


def test_the_list_of_programs_shows_a_few_whole_rows(ctx, people, qtbot):
    for name in ("Mentoring", "Buddies", "Circles"):
        add_program(ctx.db, Program(name))
    page = ProgramsPage(ctx)
    qtbot.addWidget(page)
    page.resize(1200, 800)
    page.show()
    qtbot.waitUntil(lambda: page.proxy.rowCount() == 3)
    last = page.view.visualRect(page.proxy.index(2, 0))
    assert page.view.viewport().rect().contains(last)  # the third program is not cut off
