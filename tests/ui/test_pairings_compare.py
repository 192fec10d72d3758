"""The Pairings page compares objectives on the same pool, shows stated choices, and accepts the round shown."""

from __future__ import annotations

from dataclasses import replace

import pytest
from pairings_helpers import run
from PySide6.QtCore import QPoint, Qt

from peerdesk.matching import propose
from peerdesk.matching.model import OBJECTIVES
from peerdesk.store import pairings as store
from peerdesk.store.participants import add_participant, update_participant
from peerdesk.store.programs import Program, add_program, enrol
from peerdesk.store.records import Participant, parse_availability, parse_skills
from peerdesk.ui.pairings.compare import FIGURES, ComparisonModel
from peerdesk.ui.pairings.page import PairingsPage

DEPTS = ("Sales", "Engineering", "Design", "Finance")
HOURS = ("Mon 09:00-17:00; Wed 09:00-12:00", "Mon 13:00-17:00; Tue 09:00-17:00", "Wed 09:00-17:00")


@pytest.fixture
def pool(ctx):
    """Ten people with uneven fits, some naming preferred partners: the objectives differ."""
    people = []
    for k in range(10):
        people.append(
            add_participant(
                ctx.db,
                Participant(
                    name=f"Person {chr(65 + k)}",
                    email=f"p{k}@x.org",
                    department=DEPTS[k % 4],
                    title=("Junior Analyst", "Analyst", "Senior Analyst", "Director")[k % 4],
                    timezone=("Europe/Berlin", "Europe/London")[k % 2],
                    teaches=parse_skills(("Python:5", "SQL:4", "Excel:5", "")[k % 4]),
                    learns=parse_skills(("SQL:1", "Excel:2", "", "Python:1")[k % 4]),
                    availability=parse_availability(HOURS[k % 3]),
                ),
            )
        )
    for k, chosen in ((0, (3, 5)), (4, (1,)), (7, (2, 8))):  # once everyone named is there
        people[k] = update_participant(ctx.db, replace(people[k], prefers=tuple(f"p{c}@x.org" for c in chosen)))
    program = add_program(ctx.db, Program(name="Buddies"))
    enrol(ctx.db, program.id, [p.id for p in people])
    return people, program


def _page(qtbot, ctx, program, mode="buddies") -> PairingsPage:
    page = PairingsPage(ctx)
    qtbot.addWidget(page)
    page.program_combo.setCurrentIndex(page.program_combo.findData(program.id))
    page.mode_combo.setCurrentIndex(page.mode_combo.findData(mode))
    return page


def _compare(qtbot, page) -> None:
    with qtbot.waitSignal(page.proposal_ready, timeout=60000):
        qtbot.mouseClick(page.compare_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.job is None, timeout=5000)


def test_objectives_are_compared_side_by_side_on_the_same_pool(qtbot, ctx, pool, prompts):
    _, program = pool
    page = _page(qtbot, ctx, program)
    assert page.compare_button.isVisibleTo(page) and page.objective_combo.isVisibleTo(page)
    _compare(qtbot, page)
    model = page.comparison_model
    assert page.comparison_box.isVisibleTo(page)
    assert model.columnCount() == 3 and model.rowCount() == len(FIGURES)
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(3)] == [
        "Best total (shown)",
        "Fairest",
        "Stable",
    ]
    rows = {model.headerData(r, Qt.Orientation.Vertical): r for r in range(model.rowCount())}
    for column, objective in enumerate(OBJECTIVES):
        # each column is what solving the page's own pool for that objective gives
        alone = propose(replace(page.problem, options=replace(page.problem.options, objective=objective)))
        shown = page.comparison[objective]
        assert shown.objective == objective
        assert shown.pairs() == alone.pairs()

        def cell(name, column=column):
            return model.index(rows[name], column).data()

        assert cell("Total score") == f"{alone.total_score:.2f}"
        assert cell("Lowest pair score") == f"{alone.lowest_score:.2f}"
        assert cell("Blocking pairs") == str(alone.blocking_pairs)
        assert cell("Got their 1st choice") == f"{alone.choices.first} of {alone.choices.stated}"
        assert alone.choices.stated == 3
    assert page.comparison["stable"].blocking_pairs == 0
    best, fairest = page.comparison["best"], page.comparison["fairest"]
    assert fairest.lowest_score >= best.lowest_score and best.total_score >= fairest.total_score - 1e-6
    assert page.proposal is best
    assert page.summary_label.text().startswith("Best total:")
    assert "Of the 3 people who stated a choice, " in page.summary_label.text()


def test_a_column_shows_its_round_and_accept_records_it(qtbot, ctx, pool, prompts):
    _, program = pool
    page = _page(qtbot, ctx, program)
    page.resize(1400, 900)
    page.show()
    qtbot.waitExposed(page)
    _compare(qtbot, page)
    header = page.comparison_view.horizontalHeader()
    x = header.sectionViewportPosition(2) + header.sectionSize(2) // 2
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))
    assert page.proposal is page.comparison["stable"]
    assert page.objective_combo.currentData() == "stable"
    assert page.comparison_model.headerData(2, Qt.Orientation.Horizontal) == "Stable (shown)"
    assert page.summary_label.text().startswith("Stable:")
    page.objective_combo.setCurrentIndex(page.objective_combo.findData("fairest"))  # the combo shows it too
    assert page.proposal is page.comparison["fairest"]
    expected = page.comparison["fairest"].pairs()
    qtbot.mouseClick(page.accept_button, Qt.MouseButton.LeftButton)
    (round_,) = store.list_rounds(ctx.db, program.id)
    assert round_.params["objective"] == "fairest"
    active = store.active_pairings(ctx.db, program.id)
    assert {tuple(sorted(p.member_ids)) for p in active if len(p.member_ids) == 2} <= expected
    assert not page.comparison_box.isVisibleTo(page)


def test_any_new_run_or_edit_puts_the_comparison_away(qtbot, ctx, pool, prompts):
    _, program = pool
    page = _page(qtbot, ctx, program)
    _compare(qtbot, page)
    run(qtbot, page)  # a single proposal with the current settings
    assert not page.comparison_box.isVisibleTo(page) and page.comparison == {}
    _compare(qtbot, page)
    page.proposal_view.selectRow(0)
    qtbot.mouseClick(page.lock_button, Qt.MouseButton.LeftButton)
    assert page.comparison == {}
    page.mode_combo.setCurrentIndex(page.mode_combo.findData("circles"))
    assert not page.compare_button.isVisibleTo(page) and not page.objective_combo.isVisibleTo(page)


def test_the_stated_choice_slider_weighs_choices(qtbot, ctx, pool, prompts):
    _, program = pool
    page = _page(qtbot, ctx, program)
    assert page.sliders["preferences"].value() > 0
    run(qtbot, page)
    with_choices = page.proposal.choices.first
    assert any(g.breakdown["preferences"] > 0 for g in page.proposal.groups)
    with qtbot.waitSignal(page.proposal_ready, timeout=20000):
        page.sliders["preferences"].setValue(0)
    qtbot.waitUntil(lambda: page.job is None, timeout=5000)
    assert page.weights().preferences == 0
    assert page.proposal.choices.first <= with_choices
    assert all(g.breakdown["preferences"] == 0 for g in page.proposal.groups)


def test_the_comparison_model_passes_the_model_tester(qtmodeltester, ctx, pool):
    from peerdesk.matching.load import load_problem

    _, program = pool
    problem = load_problem(ctx.db, "buddies", program_id=program.id)
    model = ComparisonModel()
    model.set_comparison(
        {o: propose(replace(problem, options=replace(problem.options, objective=o))) for o in OBJECTIVES}, "best"
    )
    qtmodeltester.check(model)
