"""The window's program rhythm: drafting e-mails from the dashboard and the sessions page, editing a
template and a meeting plan, the plan step of a new meeting, cohorts, and the response to requests."""

from __future__ import annotations

import datetime as dt
import email
import email.policy

import pytest
from PySide6.QtCore import Qt

from peerdesk.store.cohorts import Cohort, add_cohort, cohort_members, list_cohorts
from peerdesk.store.messages import drafted_since, stored_template
from peerdesk.store.plans import PlanStep, plan_of, save_plan
from peerdesk.store.programs import Program, add_program, enrol, get_program, set_members
from peerdesk.store.sessions import Session, create_session, get_session, mark_held
from peerdesk.store.settings import Settings, save_settings
from peerdesk.ui.common import widgets
from peerdesk.ui.dashboard.page import DashboardPage
from peerdesk.ui.engagement.feedback import FeedbackPage
from peerdesk.ui.programs.drafts_dialog import DraftsDialog
from peerdesk.ui.programs.page import ProgramsPage
from peerdesk.ui.sessions.dialog import SessionDialog
from peerdesk.ui.sessions.page import SessionsPage

D = dt.date


@pytest.fixture
def rhythm(ctx, people):
    db = ctx.db
    save_settings(db, Settings(coordinator_name="Ana Silva", coordinator_email="ana.silva@example.com"))
    zoe, lukasz, ana = people[0].id, people[1].id, people[2].id
    program = add_program(db, Program("Mentoring", "upskilling", start_date=D(2026, 9, 1)))
    enrol(db, program.id, [zoe, lukasz, ana])
    pairing = db.execute(
        "INSERT INTO pairings(program_id, kind, started_on, created_at) VALUES (?, 'mentoring', '2026-09-01', 'x')",
        (program.id,),
    ).lastrowid
    db.execute("INSERT INTO pairing_members VALUES (?, ?, 'mentor')", (pairing, zoe))
    db.execute("INSERT INTO pairing_members VALUES (?, ?, 'mentee')", (pairing, lukasz))
    return {"program": program, "pairing": pairing, "zoe": zoe, "lukasz": lukasz, "ana": ana}


def drive(monkeypatch, folder, *, then=None):
    """exec_dialog that drafts into `folder` (and records the dialogs), instead of waiting for a person."""
    seen = []

    def run(dialog):
        seen.append(dialog)
        if isinstance(dialog, DraftsDialog):
            dialog.folder_edit.setText(str(folder))
            if then is not None:
                then(dialog)
            if dialog.draft_button.isEnabled():
                dialog.draft_button.click()
                dialog.wait_until_done()
        return 0

    monkeypatch.setattr(widgets, "exec_dialog", run)
    return seen


def test_reminders_are_drafted_from_the_dashboards_list(ctx, rhythm, qtbot, settle, monkeypatch, tmp_path):
    page = DashboardPage(ctx)
    qtbot.addWidget(page)
    page.show()
    settle(page)
    page.action_tabs.setCurrentIndex(0)  # Pairs not meeting: the pair never met since 1 September
    assert page.action_models["stale_pairings"].item(0).target_id == rhythm["pairing"]
    assert page.draft_button.isVisible() and page.draft_button.text() == "Draft reminders to these pairs…"
    seen = drive(monkeypatch, tmp_path)
    qtbot.mouseClick(page.draft_button, Qt.MouseButton.LeftButton)
    dialog = seen[-1]
    assert dialog.kind == "reminders" and dialog.result_value is not None
    files = sorted(tmp_path.glob("*.eml"))
    assert [f.name.split(" - ")[1] for f in files] == ["Zoë Ødegård", "Łukasz Nowak"]
    msg = email.message_from_bytes(files[0].read_bytes(), policy=email.policy.default)
    assert msg["To"].addresses[0].display_name == "Zoë Ødegård" and msg["X-Unsent"] == "1"
    assert "never" not in msg.get_content() and "not yet since you were paired 62 days ago" in msg.get_content()
    logged = drafted_since(ctx.db, "reminders")
    assert set(logged) == {(rhythm["zoe"], rhythm["pairing"]), (rhythm["lukasz"], rhythm["pairing"])}
    # Drafting again the same week leaves them out; the log can be undone like any change.
    again = DraftsDialog(ctx, kind="reminders")
    qtbot.addWidget(again)
    assert again.plan is not None and again.plan.drafts == [] and len(again.plan.skipped) == 2
    assert not again.draft_button.isEnabled()
    ctx.undo()
    assert drafted_since(ctx.db, "reminders") == {}


def test_training_and_feedback_buttons_follow_the_list_on_show(ctx, rhythm, qtbot, settle):
    page = DashboardPage(ctx)
    qtbot.addWidget(page)
    page.show()
    settle(page)
    labels = {}
    for i, key in enumerate(
        ("stale_pairings", "untrained_mentors", "unpaired", "awaiting_attendance", "awaiting_feedback")
    ):
        page.action_tabs.setCurrentIndex(i)
        labels[key] = page.draft_button.text() if not page.draft_button.isHidden() else None
    assert labels == {
        "stale_pairings": "Draft reminders to these pairs…",
        "untrained_mentors": "Draft training reminders…",
        "unpaired": None,
        "awaiting_attendance": None,
        "awaiting_feedback": "Draft feedback requests…",
    }


def test_a_template_with_an_unknown_placeholder_is_refused(ctx, rhythm, qtbot):
    dialog = DraftsDialog(ctx, kind="reminders")
    qtbot.addWidget(dialog)
    dialog.tabs.setCurrentIndex(1)
    dialog.body_edit.setPlainText("Hi {first_name}, see {partnrs} soon.")
    assert "{partnrs} is not a placeholder" in dialog.template_message.text()
    assert not dialog.draft_button.isEnabled() and not dialog.save_template_button.isEnabled()
    assert stored_template(ctx.db, "reminders") is None
    dialog.body_edit.setPlainText("Hi {first_name}, see {partners} soon.\n")
    assert dialog.template_message.text() == "" and dialog.save_template_button.isEnabled()
    assert (
        dialog.preview_body.toPlainText() == "Hi Zoë, see Łukasz Nowak soon.\n"
    )  # the preview follows, with real data
    qtbot.mouseClick(dialog.save_template_button, Qt.MouseButton.LeftButton)
    assert stored_template(ctx.db, "reminders")[1] == "Hi {first_name}, see {partners} soon.\n"
    dialog.use_default()
    assert stored_template(ctx.db, "reminders") is None


def test_feedback_requests_for_the_selected_sessions(ctx, rhythm, qtbot, monkeypatch, tmp_path):
    held = create_session(ctx.db, Session("Code review clinic", dt.datetime(2026, 10, 28, 10, tzinfo=dt.UTC),
                                          kind="workshop", hosts=(rhythm["ana"],), attendees=(rhythm["zoe"], rhythm["lukasz"])))  # fmt: skip
    mark_held(ctx.db, held.id, {rhythm["zoe"]: True, rhythm["lukasz"]: True})
    page = SessionsPage(ctx)
    qtbot.addWidget(page)
    page.when_combo.setCurrentIndex(page.when_combo.findData("all"))
    page.select_ids([held.id])
    seen = drive(monkeypatch, tmp_path)
    page.drafts_action.trigger()
    assert seen[-1].kind == "feedback" and seen[-1].session_ids == (held.id,)
    assert len(list(tmp_path.glob("Feedback - *.eml"))) == 2


def test_editing_a_meeting_plan(ctx, rhythm, qtbot, prompts):
    page = ProgramsPage(ctx)
    qtbot.addWidget(page)
    page.select_program(rhythm["program"].id)
    editor = page.plan_editor
    page.tabs.setCurrentWidget(editor)
    assert editor.list.count() == 0 and "No plan yet" in editor.state.text()
    editor.shipped.setCurrentIndex(editor.shipped.findData("mentoring"))
    qtbot.mouseClick(editor.use_button, Qt.MouseButton.LeftButton)
    editor.list.setCurrentRow(1)
    editor.title_edit.clear()
    qtbot.keyClicks(editor.title_edit, "Skills and goals")
    editor.links_edit.setPlainText("Skills matrix https://wiki.example.com/skills")
    qtbot.mouseClick(editor.down_button, Qt.MouseButton.LeftButton)  # now the third meeting
    editor.list.setCurrentRow(5)
    qtbot.mouseClick(editor.remove_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    saved = plan_of(ctx.db, rhythm["program"].id)
    assert [s.title for s in saved] == [
        "Goals and expectations",
        "Shadowing",
        "Skills and goals",
        "Practice and feedback",
        "Mid-point check",
    ]
    assert saved[2].links == "Skills matrix https://wiki.example.com/skills"
    editor.list.setCurrentRow(0)
    editor.title_edit.clear()
    qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert (
        editor.message.text() == "Meeting 1 needs a title."
        and plan_of(ctx.db, rhythm["program"].id)[0].title == "Goals and expectations"
    )
    ctx.undo()
    assert plan_of(ctx.db, rhythm["program"].id) == []


def test_a_new_pair_meeting_takes_the_next_meeting_of_the_plan(ctx, rhythm, qtbot):
    save_plan(
        ctx.db,
        rhythm["program"].id,
        [PlanStep("Goals", "Get to know each other.", "What do you want?"), PlanStep("Skills plan")],
    )
    dialog = SessionDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.title_edit.setText("First 1:1")
    dialog.pairing_combo.setCurrentIndex(dialog.pairing_combo.findData(rhythm["pairing"]))
    assert dialog.step_combo.currentText() == "1 of 2: Goals"
    assert "Get to know each other." in dialog.guide_label.text() and "- What do you want?" in dialog.guide_label.text()
    dialog.accept()
    first = get_session(ctx.db, dialog.saved_ids[0])
    assert first.plan_step_id == plan_of(ctx.db, rhythm["program"].id)[0].id
    second = SessionDialog(ctx)
    qtbot.addWidget(second)
    second.pairing_combo.setCurrentIndex(second.pairing_combo.findData(rhythm["pairing"]))
    assert second.step_combo.currentText() == "2 of 2: Skills plan"


def test_cohorts_are_created_enrolled_and_closed(ctx, rhythm, qtbot, prompts, monkeypatch):
    program = rhythm["program"].id
    set_members(ctx.db, program, [rhythm["zoe"], rhythm["lukasz"]])
    c = add_cohort(ctx.db, Cohort(program, "Autumn", D(2026, 9, 1), D(2026, 10, 31)))
    from peerdesk.store.cohorts import enrol_in_cohort

    enrol_in_cohort(ctx.db, c.id, [rhythm["zoe"], rhythm["lukasz"]], D(2026, 9, 1))
    page = ProgramsPage(ctx)
    qtbot.addWidget(page)
    page.select_program(program)
    tab = page.cohorts
    assert tab.table.rowCount() == 1 and tab.members.rowCount() == 2
    assert "at least 4 sessions attended" in tab.rule.text()
    qtbot.mouseClick(tab.close_button, Qt.MouseButton.LeftButton)
    title, text = prompts.confirms[-1]
    assert "0 members met the completion rule" in text and "sessions attended: 0 of 4" in text
    assert list_cohorts(ctx.db, program)[0].closed_on == D(2026, 10, 31)
    assert tab.table.item(0, 4).text() == "closed 31 Oct 2026"
    winter = add_cohort(ctx.db, Cohort(program, "Winter", D(2026, 11, 1), D(2027, 1, 31)))
    tab.reload()
    tab.table.selectRow(0)
    assert tab.reenrol_button.isEnabled() and tab.next_combo.currentText() == "Winter"
    qtbot.mouseClick(tab.reenrol_button, Qt.MouseButton.LeftButton)
    assert {m.name for m in cohort_members(ctx.db, winter.id)} == {"Zoë Ødegård", "Łukasz Nowak"}
    assert get_program(ctx.db, program).id == program


def test_the_feedback_page_shows_the_response_to_requests(ctx, rhythm, qtbot, settle):
    from peerdesk.store.messages import Drafted, log_drafts
    from peerdesk.store.sessions import set_feedback

    s = create_session(ctx.db, Session("Lunch & learn", dt.datetime(2026, 10, 20, 12, tzinfo=dt.UTC), kind="lunch_and_learn",
                                       hosts=(rhythm["ana"],), attendees=(rhythm["zoe"], rhythm["lukasz"])))  # fmt: skip
    mark_held(ctx.db, s.id, {rhythm["zoe"]: True, rhythm["lukasz"]: True})
    log_drafts(ctx.db, [Drafted("feedback", rhythm["zoe"], s.id), Drafted("feedback", rhythm["lukasz"], s.id)])
    set_feedback(ctx.db, s.id, rhythm["zoe"], 5)
    page = FeedbackPage(ctx)
    qtbot.addWidget(page)
    page.show()
    settle(page)
    assert "2 feedback requests" in page.response_note.text() and "1 answered (50%)" in page.response_note.text()
    row = [page.response_kind.data(page.response_kind.index(0, c)) for c in range(4)]
    assert row == ["Lunch & learn", "2", "1", "50%"]
    host = [page.response_host.data(page.response_host.index(0, c)) for c in range(4)]
    assert host == ["Ana Silva", "2", "1", "50%"]
