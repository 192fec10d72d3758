"""Training, Recognition and Feedback pages: dialogs typed into and clicked, results read from the store."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QItemSelectionModel, Qt

from peerdesk.store.recognition import list_awards
from peerdesk.store.sessions import Session, create_session, mark_held, set_feedback
from peerdesk.store.training import Module, add_module, is_trained, list_modules
from peerdesk.ui.common import widgets
from peerdesk.ui.engagement.feedback import FeedbackPage
from peerdesk.ui.engagement.recognition import AwardDialog, RecognitionPage
from peerdesk.ui.engagement.training import ModuleDialog, TrainingPage
from peerdesk.ui.programs.dialog import to_qdate

pytestmark = pytest.mark.usefixtures("jobs_awaited")

D = dt.date


def select_rows(view, rows):
    view.clearSelection()
    model = view.model()
    for r in rows:
        view.selectionModel().select(
            model.index(r, 0), QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
        )


def row_of(view, name):
    model = view.model()
    return next(r for r in range(model.rowCount()) if model.index(r, 0).data() == name)


@pytest.fixture
def held(ctx, people):
    """Zoë hosted a held workshop in October that Łukasz and Ana attended and rated."""
    zoe, lukasz, ana = people[0].id, people[1].id, people[2].id
    s = create_session(
        ctx.db,
        Session(
            title="Python clinic",
            kind="workshop",
            start_utc=dt.datetime(2026, 10, 14, 14, tzinfo=dt.UTC),
            duration_min=90,
            hosts=(zoe,),
            attendees=(lukasz, ana),
        ),
    )
    mark_held(ctx.db, s.id, {lukasz: True, ana: True})
    set_feedback(ctx.db, s.id, lukasz, 5, "Clear and practical")
    set_feedback(ctx.db, s.id, ana, 2, "Too fast for beginners")
    return s


# --- training --------------------------------------------------------------------------------


@pytest.mark.parametrize("built", ["reads itself", "shows what the window read"])
def test_standard_modules_then_record_completion_makes_a_trained_mentor(
    ctx, people, qtbot, monkeypatch, built, first_read
):
    page = TrainingPage(ctx) if built == "reads itself" else TrainingPage(ctx, data=first_read(TrainingPage, ctx))
    qtbot.addWidget(page)
    assert page.modules_model.rowCount() == 0
    page.add_defaults()
    required = [m for m in list_modules(ctx.db) if m.required]
    assert len(required) == 3 and not page.defaults_action.isVisible()
    zoe = people[0]
    assert page.proxy.rowCount() == 2  # mentors only: Zoë (mentor), Ana (both)

    def drive(dialog):
        dialog.day.setDate(to_qdate(D(2026, 10, 5)))
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
        return dialog.result()

    monkeypatch.setattr(widgets, "exec_dialog", drive)
    for i in range(3):
        select_rows(page.people_view, [row_of(page.people_view, zoe.name)])
        page.people_view.setCurrentIndex(page.people_view.model().index(row_of(page.people_view, zoe.name), 4 + i))
        page.record()
    assert is_trained(ctx.db, zoe.id)
    row = row_of(page.people_view, zoe.name)
    assert page.people_view.model().index(row, 3).data() == "✔ Trained"
    assert page.people_view.model().index(row, 4).data() == "2026-10-05"
    page.people_view.setCurrentIndex(page.people_view.model().index(row, 5))
    select_rows(page.people_view, [row])
    page.remove_completion()
    assert not is_trained(ctx.db, zoe.id)
    page.mentors_only.setChecked(False)
    assert page.proxy.rowCount() == 5  # every active participant


def test_module_dialog_validates_and_saves(ctx, qtbot):
    add_module(ctx.db, Module("Mentoring basics"))
    dialog = ModuleDialog(ctx)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.name, "mentoring BASICS")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert "already a module" in dialog.message.text()
    dialog.name.clear()
    qtbot.keyClicks(dialog.name, "Safeguarding")
    dialog.required.setChecked(False)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert [(m.name, m.required) for m in list_modules(ctx.db)][-1] == ("Safeguarding", False)


# --- recognition -----------------------------------------------------------------------------


def test_leaderboard_per_period_and_award_with_reason(ctx, people, held, qtbot, monkeypatch):
    page = RecognitionPage(ctx)
    qtbot.addWidget(page)
    assert page.period.currentData() == "this_quarter"
    assert [e.name for e in page.board.rows] == ["Zoë Ødegård"]
    # 10 for the session, 1.5 h x 3, 2 people x 5, one good rating: 25.5 -> 26
    assert page.board.rows[0].points == 26
    page.period.setCurrentIndex(page.period.findData("this_month"))
    assert page.board.rowCount() == 0  # November: nothing yet
    page.period.setCurrentIndex(page.period.findData("this_quarter"))
    page.board_view.selectRow(0)

    def drive(dialog):
        assert isinstance(dialog, AwardDialog)
        assert dialog.person.currentData() == people[0].id
        assert "1 session led" in dialog.reason.toPlainText()
        dialog.reason.clear()
        qtbot.keyClicks(dialog.reason, "Ran the Python clinic for the new analysts.")
        dialog.title.setCurrentText("Knowledge Sharer")
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
        return dialog.result()

    monkeypatch.setattr(widgets, "exec_dialog", drive)
    page.give_award()
    [award] = list_awards(ctx.db)
    assert (award.participant_id, award.title, award.reason) == (
        people[0].id,
        "Knowledge Sharer",
        "Ran the Python clinic for the new analysts.",
    )
    assert page.awards.rowCount() == 1


def test_award_needs_a_reason_and_a_person(ctx, people, qtbot):
    dialog = AwardDialog(ctx)
    qtbot.addWidget(dialog)
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert "reason" in dialog.message.text()
    dialog.person.setCurrentText("Nobody at all")
    qtbot.keyClicks(dialog.reason, "Because.")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    assert "Choose who" in dialog.message.text()
    assert list_awards(ctx.db) == []


def test_revoke_asks_first(ctx, people, qtbot, prompts):
    from peerdesk.store.recognition import Award, give_award

    give_award(ctx.db, Award(people[0].id, "Star", "Great"))
    page = RecognitionPage(ctx)
    qtbot.addWidget(page)
    page.awards_view.selectRow(0)
    prompts.confirm_answer = False
    page.revoke()
    assert len(list_awards(ctx.db)) == 1
    prompts.confirm_answer = True
    page.revoke()
    assert list_awards(ctx.db) == []


# --- feedback ------------------------------------------------------------------------------


def test_feedback_page_groups_ratings_and_finds_comments(ctx, people, held, qtbot):
    page = FeedbackPage(ctx)
    qtbot.addWidget(page)
    assert page.period.currentData() == "last_90_days"
    assert page.summary.ratings == 2 and page.summary.distribution == (0, 1, 0, 0, 1)
    assert page.by_kind.rows[0].label == "Workshop" and page.by_kind.rows[0].average == 3.5
    assert page.by_host.rows[0].label == "Zoë Ødegård"
    assert "2 ratings" in page.headline.text() and "1 low" in page.headline.text()
    qtbot.keyClicks(page.search, "too fast")
    assert page.comments_proxy.rowCount() == 1
    page.kind.setCurrentIndex(page.kind.findData("lunch_and_learn"))
    assert page.summary.ratings == 0


def test_feedback_page_follows_new_feedback(ctx, people, held, qtbot):
    page = FeedbackPage(ctx)
    qtbot.addWidget(page)
    ctx.run("Feedback", set_feedback, held.id, people[0].id, 4, "")  # the host rates their own session
    assert page.summary.ratings == 3
