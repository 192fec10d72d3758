"""The Pairings page: propose in the background, lock, reject, swap, weights, accept (undoable), history."""

from __future__ import annotations

import json

import pytest
from pairings_helpers import run, select
from PySide6.QtCore import Qt

from peerdesk.store import pairings as store
from peerdesk.store.participants import add_participant
from peerdesk.store.programs import Program, add_program, enrol
from peerdesk.store.records import Participant, parse_availability, parse_skills
from peerdesk.ui.pairings.models import ContactsModel, MatrixModel, ProposalModel, RoundsModel, UnmatchedModel
from peerdesk.ui.pairings.page import PairingsPage

WEEK = parse_availability("Mon 09:00-17:00; Wed 09:00-17:00")
DEPTS = ("Sales", "Engineering", "Design")


@pytest.fixture
def org(ctx):
    people = []
    for k in range(7):
        people.append(
            add_participant(
                ctx.db,
                Participant(
                    name=f"Person {chr(65 + k)}",
                    email=f"p{k}@x.org",
                    department=DEPTS[k % 3],
                    timezone="Europe/Berlin",
                    role=("mentor", "mentee")[k % 2],
                    capacity=2,
                    teaches=parse_skills("Python:5; SQL:4") if k % 2 == 0 else (),
                    learns=parse_skills("Python:2") if k % 2 else (),
                    availability=WEEK,
                ),
            )
        )
    program = add_program(ctx.db, Program(name="Buddies"))
    enrol(ctx.db, program.id, [p.id for p in people])
    return people, program


def _page(qtbot, ctx) -> PairingsPage:
    page = PairingsPage(ctx)
    qtbot.addWidget(page)
    return page


def test_propose_buddies_shows_groups_reasons_and_accepts_undoably(qtbot, ctx, org, prompts, settle):
    people, program = org
    page = _page(qtbot, ctx)
    page.program_combo.setCurrentIndex(page.program_combo.findData(program.id))
    page.mode_combo.setCurrentIndex(page.mode_combo.findData("buddies"))
    run(qtbot, page)
    model = page.proposal_model
    assert model.rowCount() == 3  # seven people: two pairs and a trio
    assert sorted(len(g.members) for g in model.groups) == [2, 2, 3]
    assert "h/week overlap" in model.data(model.index(0, 4))
    assert "placed" in page.summary_label.text()
    assert page.accept_button.isEnabled()
    qtbot.mouseClick(page.accept_button, Qt.MouseButton.LeftButton)
    assert prompts.confirms and "Accept round" in prompts.confirms[0][0]
    active = store.active_pairings(ctx.db, program.id)
    assert len(active) == 3 and all(p.kind == "buddy" for p in active)
    settle(page)  # the history is read on a worker
    assert page.rounds_model.rowCount() == 1
    assert page.proposal_model.rowCount() == 0
    ctx.undo()
    assert store.active_pairings(ctx.db, program.id) == []
    settle(page)
    assert page.rounds_model.rowCount() == 0


def test_lock_then_reject_keeps_the_locked_group_and_drops_the_rejected_pair(qtbot, ctx, org, prompts):
    _, program = org
    page = _page(qtbot, ctx)
    page.program_combo.setCurrentIndex(page.program_combo.findData(program.id))
    page.mode_combo.setCurrentIndex(page.mode_combo.findData("cross_functional"))
    run(qtbot, page)
    groups = page.proposal_model.groups
    select(page, 0)
    assert page.lock_button.text() == "Lock"
    qtbot.mouseClick(page.lock_button, Qt.MouseButton.LeftButton)
    locked_ids = set(groups[0].ids)
    assert page.proposal_model.groups[0].locked
    rejected = page.proposal_model.groups[1]
    select(page, 1)
    with qtbot.waitSignal(page.proposal_ready, timeout=20000):
        qtbot.mouseClick(page.reject_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.job is None, timeout=5000)
    after = page.proposal_model.groups
    assert any(set(g.ids) == locked_ids and g.locked for g in after)
    rejected_pair = tuple(sorted(rejected.ids[:2]))
    assert all(rejected_pair not in {tuple(sorted(p)) for p in _pairs(g.ids)} for g in after)
    assert "previous proposal" in page.compare_label.text()
    for g in after:
        assert len({m.department for m in g.members}) == len(g.members) or len(g.members) == 3


def _pairs(ids):
    return [(a, b) for i, a in enumerate(ids) for b in ids[i + 1 :]]


def test_swap_applies_when_valid_and_explains_when_not(qtbot, ctx, org, prompts):
    people, program = org
    page = _page(qtbot, ctx)
    page.program_combo.setCurrentIndex(page.program_combo.findData(program.id))
    page.mode_combo.setCurrentIndex(page.mode_combo.findData("mentoring"))
    run(qtbot, page)
    groups = page.proposal_model.groups
    assert all(g.members[0].role == "mentor" for g in groups)
    for combo in (page.swap_a, page.swap_b):  # the open list shows every entry whole (issue 16 point 9)
        widest = max(combo.fontMetrics().horizontalAdvance(combo.itemText(i)) for i in range(combo.count()))
        assert combo.view().minimumWidth() >= widest
    # mentor with mentee is refused
    page.swap_a.setCurrentIndex(page.swap_a.findData(groups[0].members[0].id))
    page.swap_b.setCurrentIndex(page.swap_b.findData(groups[1].members[1].id))
    qtbot.mouseClick(page.swap_button, Qt.MouseButton.LeftButton)
    assert prompts.warnings and "mentee" in prompts.warnings[-1][1]
    # two mentees swap between mentors
    a, b = groups[0].members[1].id, groups[1].members[1].id
    page.swap_a.setCurrentIndex(page.swap_a.findData(a))
    page.swap_b.setCurrentIndex(page.swap_b.findData(b))
    qtbot.mouseClick(page.swap_button, Qt.MouseButton.LeftButton)
    swapped = page.proposal_model.groups
    assert b in swapped[0].ids and a in swapped[1].ids
    assert swapped[0].locked and swapped[1].locked


def test_weight_sliders_are_stored_per_program_and_rerun(qtbot, ctx, org, prompts):
    _, program = org
    page = _page(qtbot, ctx)
    page.program_combo.setCurrentIndex(page.program_combo.findData(program.id))
    page.mode_combo.setCurrentIndex(page.mode_combo.findData("buddies"))
    run(qtbot, page)
    with qtbot.waitSignal(page.proposal_ready, timeout=20000):
        page.sliders["skills"].setValue(90)
    qtbot.waitUntil(lambda: page.job is None, timeout=5000)
    config = json.loads(ctx.db.execute("SELECT config FROM programs WHERE id = ?", (program.id,)).fetchone()[0])
    assert config["matching"]["weights"]["buddies"]["skills"] == pytest.approx(0.9)
    assert "previous proposal" in page.compare_label.text()
    # another page on the same program reads the stored weights back
    other = _page(qtbot, ctx)
    other.program_combo.setCurrentIndex(other.program_combo.findData(program.id))
    other.mode_combo.setCurrentIndex(other.mode_combo.findData("buddies"))
    shares = {k: s.value() for k, s in other.sliders.items()}
    assert shares["skills"] == max(shares.values())


def test_cancel_leaves_the_page_idle(qtbot, ctx, org, prompts):
    page = _page(qtbot, ctx)
    page.mode_combo.setCurrentIndex(page.mode_combo.findData("circles"))
    page.propose()
    page.cancel()
    qtbot.waitUntil(lambda: page.job is None, timeout=20000)
    assert page.propose_button.isEnabled()


def test_history_tabs_show_contacts_and_department_matrix(qtbot, ctx, org, prompts, settle):
    people, program = org
    page = _page(qtbot, ctx)
    page.program_combo.setCurrentIndex(page.program_combo.findData(program.id))
    page.mode_combo.setCurrentIndex(page.mode_combo.findData("buddies"))
    run(qtbot, page)
    first = page.proposal_model.groups[0]
    qtbot.mouseClick(page.accept_button, Qt.MouseButton.LeftButton)
    settle(page)
    page.person_combo.setCurrentIndex(page.person_combo.findData(first.members[0].id))
    names = {page.contacts_model.data(page.contacts_model.index(r, 0)) for r in range(page.contacts_model.rowCount())}
    assert {m.name for m in first.members[1:]} <= names
    assert page.matrix_model.rowCount() == 3
    total = sum(page.matrix_model.matrix[r][c] for r in range(3) for c in range(r, 3))
    assert total == sum(len(_pairs(g.member_ids)) for g in store.active_pairings(ctx.db))


def test_models_pass_the_model_tester(qtmodeltester, ctx, org):
    from peerdesk.matching import synthetic
    from peerdesk.matching.solve import propose

    proposal = propose(synthetic.problem(20, "buddies"))
    model = ProposalModel()
    model.set_groups(proposal.groups, frozenset(list(proposal.pairs())[:2]))
    qtmodeltester.check(model)
    unmatched = UnmatchedModel()
    unmatched.set_rows(propose(synthetic.problem(30, "mentoring")).unmatched)
    qtmodeltester.check(unmatched)
    for m in (RoundsModel(), ContactsModel()):
        qtmodeltester.check(m)
    matrix = MatrixModel()
    matrix.set_matrix(["A", "B"], [[1, 2], [2, 0]])
    qtmodeltester.check(matrix)


def test_swap_is_offered_only_for_two_people_in_different_groups(qtbot, ctx, org, prompts):
    people, program = org
    page = _page(qtbot, ctx)
    page.program_combo.setCurrentIndex(page.program_combo.findData(program.id))
    page.mode_combo.setCurrentIndex(page.mode_combo.findData("mentoring"))
    run(qtbot, page)
    groups = page.proposal_model.groups
    mentor, mentee, other = groups[0].members[0].id, groups[0].members[1].id, groups[1].members[1].id
    page.swap_a.setCurrentIndex(page.swap_a.findData(mentee))
    page.swap_b.setCurrentIndex(page.swap_b.findData(mentor))  # the same group: nothing to swap
    assert not page.swap_button.isEnabled() and "different groups" in page.swap_button.toolTip()
    page.swap_b.setCurrentIndex(page.swap_b.findData(mentee))  # the same person
    assert not page.swap_button.isEnabled()
    page.swap_b.setCurrentIndex(page.swap_b.findData(other))
    assert page.swap_button.isEnabled() and "different groups" not in page.swap_button.toolTip()
    assert not prompts.warnings


def test_the_minimum_common_hours_show_whole(qtbot, ctx):
    page = _page(qtbot, ctx)
    spin = page.overlap_spin
    assert spin.minimumWidth() >= spin.fontMetrics().horizontalAdvance(spin.text()) + 20


def test_the_disabled_round_buttons_say_what_they_wait_for(qtbot, ctx, org, prompts):
    people, program = org
    page = _page(qtbot, ctx)
    for button in (page.lock_button, page.reject_button, page.swap_button, page.accept_button):
        assert not button.isEnabled() and button.toolTip().startswith("Propose a round first.")
    page.program_combo.setCurrentIndex(page.program_combo.findData(program.id))
    run(qtbot, page)
    page.proposal_view.clearSelection()
    assert page.accept_button.isEnabled() and not page.accept_button.toolTip().startswith("Propose")
    assert not page.lock_button.isEnabled() and page.lock_button.toolTip().startswith("Select a group")
    select(page, 0)
    assert page.lock_button.isEnabled() and page.lock_button.toolTip().startswith("Keep the selected group")
