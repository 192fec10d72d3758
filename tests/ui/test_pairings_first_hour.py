"""The Pairings page on the way from a proposal to first meetings: meeting length, groups that
cannot meet, the why of a group, accepting from the keyboard, and the next steps."""

from __future__ import annotations

import html
from dataclasses import replace

import pytest
from pairings_helpers import run, select
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from peerdesk.store import pairings as store
from peerdesk.store.participants import add_participant
from peerdesk.store.programs import Program, add_program, enrol, get_program, update_program
from peerdesk.store.records import Participant, parse_availability
from peerdesk.store.sessions import SessionFilter, count_sessions
from peerdesk.ui.common import widgets
from peerdesk.ui.pairings.page import PairingsPage
from peerdesk.ui.sessions.first_meetings import nothing_to_schedule, schedule_first_meetings

WEEK = parse_availability("Mon 09:00-17:00; Wed 09:00-17:00")


def _person(ctx, name: str, dept: str, availability=WEEK):
    first = name.split()[0].lower()
    return add_participant(
        ctx.db,
        Participant(
            name=name, email=f"{first}@x.org", department=dept, timezone="Europe/Berlin", availability=availability
        ),
    )


@pytest.fixture
def pieces(ctx):
    """Four buddies; Ana shares an hour a week with each of the others, in two half hours."""
    ana = _person(ctx, "Ana Lima", "Sales", parse_availability("Mon 09:00-09:30; Wed 09:00-09:30"))
    others = [_person(ctx, n, d) for n, d in (("Ben Ode", "Design"), ("Cy Park", "Design"), ("Dee Ray", "Ops"))]
    program = add_program(ctx.db, Program(name="Buddies"))
    enrol(ctx.db, program.id, [ana.id, *(p.id for p in others)])
    return ana, program


def _page(qtbot, ctx, program_id: int) -> PairingsPage:
    page = PairingsPage(ctx)
    qtbot.addWidget(page)
    page.program_combo.setCurrentIndex(page.program_combo.findData(program_id))
    page.mode_combo.setCurrentIndex(page.mode_combo.findData("buddies"))
    return page


def test_min_common_follows_the_meeting_length_and_groups_that_cannot_meet_are_flagged(qtbot, ctx, pieces, prompts):
    ana, program = pieces
    page = _page(qtbot, ctx, program.id)
    assert page.overlap_spin.value() == 1.0  # meetings last an hour unless the program says otherwise
    assert page.options().min_overlap_hours is None
    run(qtbot, page)
    model = page.proposal_model
    (row,) = [r for r, g in enumerate(model.groups) if ana.id in g.ids]
    why = model.data(model.index(row, 4))
    assert why.startswith("Cannot meet: Ana Lima and ") and "share no free hour" in why
    assert model.data(model.index(row, 1), Qt.ItemDataRole.BackgroundRole) is not None
    assert "1 group cannot meet" in page.summary_label.text()
    select(page, row)
    assert "Cannot meet:" in page.detail_label.text()
    # a program whose meetings last 90 minutes asks for 1.5 h in common by default
    update_program(ctx.db, replace(get_program(ctx.db, program.id), config={"meeting_minutes": 90}))
    again = _page(qtbot, ctx, program.id)
    assert again.overlap_spin.value() == 1.5


def test_the_why_of_the_selected_group_wraps_in_a_pane(qtbot, ctx, pieces, prompts):
    _, program = pieces
    page = _page(qtbot, ctx, program.id)
    page.resize(1200, 800)  # what is left of a 1440 px window beside the sidebar
    page.show()
    run(qtbot, page)
    assert page.proposal_view.selectionModel().selectedRows()  # the first group is selected for you
    for row, group in enumerate(page.proposal_model.groups):
        select(page, row)
        text = page.detail_label.text()
        for fact in group.facts:
            assert html.escape(fact) in text
        assert "Common&nbsp;hours" in text  # the score, part by part
    assert page.detail_label.wordWrap()
    assert page.detail_scroll.horizontalScrollBarPolicy() == Qt.ScrollBarPolicy.ScrollBarAlwaysOff
    qtbot.waitUntil(lambda: page.detail_label.width() > 0)
    assert page.detail_label.width() <= page.detail_scroll.viewport().width()
    assert page.detail_label.heightForWidth(page.detail_label.width()) > 0


def _answer(qtbot, key: Qt.Key, seen: list[str]) -> None:
    """Press a key on the message box once it is open."""

    def press() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, press)
            return
        seen.append(box.text())
        qtbot.keyClick(box, key)

    QTimer.singleShot(0, press)


@pytest.mark.parametrize(("key", "accepted"), [(Qt.Key.Key_Return, True), (Qt.Key.Key_Escape, False)])
def test_enter_accepts_the_round_and_escape_cancels(qtbot, ctx, pieces, monkeypatch, key, accepted):
    _, program = pieces
    monkeypatch.setattr(widgets, "inform", lambda *a: None)
    page = _page(qtbot, ctx, program.id)
    run(qtbot, page)
    seen: list[str] = []
    _answer(qtbot, key, seen)
    qtbot.mouseClick(page.accept_button, Qt.MouseButton.LeftButton)
    assert seen and "active pairings from 2026-11-09" in seen[0]
    assert "1 group cannot meet within 4 weeks" in seen[0]
    assert (len(store.active_pairings(ctx.db, program.id)) == 2) is accepted


def test_after_accepting_the_page_offers_first_meetings_then_invites(qtbot, ctx, pieces, prompts, monkeypatch):
    ana, program = pieces
    page = _page(qtbot, ctx, program.id)
    run(qtbot, page)
    qtbot.mouseClick(page.accept_button, Qt.MouseButton.LeftButton)
    assert page.proposal_stack.currentIndex() == 1
    assert "Round 1 accepted" in page.next_title.text() and "2 pairings of Buddies" in page.next_title.text()
    assert page.first_button.isEnabled() and not page.invites_button.isEnabled()
    assert "2 pairings of this round have no meeting yet" in page.first_note.text()
    qtbot.mouseClick(page.first_button, Qt.MouseButton.LeftButton)
    title, text = prompts.infos[-1]
    assert text.startswith("Booked 1 first meeting.") and "Ana Lima and" in text
    assert count_sessions(ctx.db, SessionFilter(program_id=program.id)) == 1
    # nothing before the pairings start (Monday 9 November), though today is Monday 2 November
    (session_id,) = store.round_session_ids(ctx.db, 1)
    start = ctx.db.execute("SELECT start_utc FROM sessions WHERE id = ?", (session_id,)).fetchone()[0]
    assert start >= "2026-11-08T23:00"
    assert page.invites_button.isEnabled() and "1 planned meeting of this round" in page.invites_note.text()
    exported: list[list[int]] = []
    monkeypatch.setattr(
        "peerdesk.ui.sessions.invites_dialog.show_invites_dialog",
        lambda ctx, parent, session_ids=(), **kw: exported.append((list(session_ids), kw["sessions_named"])),
    )
    qtbot.mouseClick(page.invites_button, Qt.MouseButton.LeftButton)
    assert exported == [([session_id], "Meetings of round 1")]
    assert page.adjust_bar.isHidden()  # nothing to lock, swap or accept under the next steps
    qtbot.mouseClick(page.again_button, Qt.MouseButton.LeftButton)
    assert page.proposal_stack.currentIndex() == 0 and not page.adjust_bar.isHidden()
    # undoing the round leaves nothing to offer
    page.proposal_stack.setCurrentIndex(1)
    ctx.undo()  # the meetings
    ctx.undo()  # the round
    assert page.accepted is None and page.proposal_stack.currentIndex() == 0


def test_no_pairings_is_not_every_pairing_has_a_session(ctx, pieces, prompts):
    ana, program = pieces
    assert schedule_first_meetings(ctx, None, display_tz="UTC") is None
    assert prompts.infos[-1][1].startswith("There are no active pairings yet. Propose and accept a matching round")
    assert nothing_to_schedule(ctx.db, program.id, "Buddies").startswith("There are no active pairings in Buddies yet.")
    pairing = store.NewGroup(members=((ana.id + 1, "peer"), (ana.id + 2, "peer")))  # Ben and Cy
    ctx.run("Accept", store.accept_round, "buddies", [pairing], program_id=program.id)
    assert len(schedule_first_meetings(ctx, None, display_tz="UTC")) == 1
    assert schedule_first_meetings(ctx, None, display_tz="UTC") is None
    assert prompts.infos[-1][1] == "Every active pairing already has a session."
