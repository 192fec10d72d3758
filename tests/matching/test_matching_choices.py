"""Stated choices: preferred partners and a mentor to keep score as their own part, people to
avoid are a hard rule, the proposal counts the choices granted, and reasons stay true."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from matching_helpers import person
from test_matching_rules import problems

from peerdesk.matching import Problem, propose, violations
from peerdesk.matching.choices import choice_value, ordinal
from peerdesk.matching.edit import swap_members
from peerdesk.matching.model import DEFAULT_WEIGHTS, ChoicesGranted, pair_key
from peerdesk.matching.scoring import Features, pair_parts, score_block

MENTORING = DEFAULT_WEIGHTS["mentoring"]


def _mentoring(*people, weights=MENTORING):
    return Problem("mentoring", tuple(people), weights=weights)


def test_a_choice_is_worth_less_with_each_rank_and_counts_both_ways():
    a = person(1, prefers=(2, 3))
    b, c, d = person(2), person(3), person(4)
    f = Features(Problem("buddies", (a, b, c, d), weights=DEFAULT_WEIGHTS["buddies"]))
    assert pair_parts(f, 0, 1)["preferences"] == pytest.approx(1.0)
    assert pair_parts(f, 1, 0)["preferences"] == pytest.approx(1.0)
    assert pair_parts(f, 0, 2)["preferences"] == pytest.approx(choice_value(1)) == pytest.approx(0.85)
    assert pair_parts(f, 0, 3)["preferences"] == 0.0
    assert [ordinal(n) for n in (1, 2, 3, 4, 5, 11, 22)] == ["1st", "2nd", "3rd", "4th", "5th", "11th", "22nd"]


def test_the_fast_score_build_adds_choices_exactly_as_the_detailed_one():
    people = [person(k, prefers=((k % 7) + 1, ((k + 3) % 7) + 1)) for k in range(1, 8)]
    f = Features(Problem("buddies", tuple(people), weights=DEFAULT_WEIGHTS["buddies"]))
    everyone = np.arange(f.n)
    fast, detailed = score_block(f, everyone, everyone), score_block(f, everyone, everyone, keep=True)
    assert np.allclose(fast.score, detailed.score, atol=1e-6)
    assert detailed.parts["preferences"].max() == pytest.approx(1.0)
    rows, cols = np.array([4, 1]), np.array([0, 6, 2])  # blocks of any shape and order
    assert np.allclose(score_block(f, rows, cols).score, fast.score[np.ix_(rows, cols)], atol=1e-6)


def test_a_granted_choice_is_its_own_explained_part_weighted_by_its_slider():
    # Ana fits Max better on skills; Bo is Max's 1st choice.
    ana = person(1, role="mentor", teaches="Python:5", name="Ana Silva")
    bo = person(2, role="mentor", teaches="Python:3", name="Bo Li")
    max_ = person(3, role="mentee", learns="Python:2", prefers=(2,), name="Max Müller")
    without = propose(_mentoring(ana, bo, max_, weights=replace(MENTORING, preferences=0.0)))
    assert [g.ids for g in without.groups] == [(1, 3)]
    granted = propose(_mentoring(ana, bo, max_))
    (group,) = granted.groups
    assert group.ids == (2, 3)
    assert group.facts[0] == "Max's 1st choice"
    assert group.breakdown["preferences"] == pytest.approx(MENTORING.preferences / MENTORING.total)
    assert sum(group.breakdown.values()) == pytest.approx(group.score, abs=1e-6)
    assert granted.choices.stated == 1 and granted.choices.first == 1 and granted.choices.none == 0
    assert granted.to_json()["preferences_granted"] == {"stated": 1, "first": 1, "top3": 1, "none": 0}


def test_a_mentor_to_keep_counts_as_a_first_choice_only_as_their_mentor():
    ana = person(1, role="both", teaches="Python:5", learns="SQL:1", name="Ana Silva")
    zoe = person(2, role="both", teaches="SQL:5", learns="Python:2", keep_mentor=1, name="Zoë Ødegård")
    f = Features(_mentoring(ana, zoe))
    assert pair_parts(f, 0, 1)["preferences"] == pytest.approx(1.0)  # Ana mentors Zoë: as asked
    assert pair_parts(f, 1, 0)["preferences"] == 0.0  # Zoë mentoring Ana is not what she asked for
    proposal = propose(_mentoring(ana, zoe))
    kept = next(g for g in proposal.groups if g.members[0].id == 1)
    assert "Zoë asked to keep Ana as mentor" in kept.facts


def test_the_proposal_counts_first_top3_and_none():
    people = [
        person(1, prefers=(2,), name="A One"),  # mutual 1st choice with 2
        person(2, prefers=(1,), name="B Two"),
        person(3, prefers=(5, 6, 4), name="C Three"),  # gets 4: their 3rd
        person(4, name="D Four"),
        person(5, avoids=(3,), name="E Five"),
        person(6, avoids=(3,), name="F Six"),
    ]
    proposal = propose(Problem("buddies", tuple(people), weights=DEFAULT_WEIGHTS["buddies"]))
    assert pair_key(1, 2) in proposal.pairs() and pair_key(3, 4) in proposal.pairs()
    assert proposal.choices.stated == 3
    assert (proposal.choices.first, proposal.choices.top3, proposal.choices.none) == (2, 3, 0)
    mutual = next(g for g in proposal.groups if set(g.ids) == {1, 2})
    assert mutual.facts[0] == "each other's 1st choice"


def test_the_summary_counts_each_person_once_by_the_best_choice_they_got():
    assert ChoicesGranted(stated=15, first=9, top3=12, none=2).summary() == (
        "Of the 15 people who stated a choice, 9 got their 1st choice, 3 their 2nd or 3rd, "
        "1 their 4th or 5th and 2 none of them."
    )
    assert ChoicesGranted(stated=1, first=0, top3=0, none=1).summary() == (
        "Of the 1 person who stated a choice, 0 got their 1st choice, 0 their 2nd or 3rd and 1 none of them."
    )
    assert ChoicesGranted().summary() == "Nobody in this round stated a choice of partner."


def test_someone_they_asked_to_avoid_is_never_their_partner_and_the_reason_says_so():
    max_ = person(1, dept="Sales", teaches="Excel:5", avoids=(2,), name="Max Müller")
    ana = person(2, dept="Data", learns="Excel:1", name="Ana Silva")
    problem = Problem("buddies", (max_, ana), weights=DEFAULT_WEIGHTS["buddies"])
    proposal = propose(problem)
    assert proposal.groups == ()
    reasons = {u.name: u.reason for u in proposal.unmatched}
    assert reasons["Max Müller"] == "asked not to be paired with their only feasible partner (Ana Silva)"
    assert reasons["Ana Silva"] == "their only feasible partner (Max Müller) asked not to be paired with them"
    together = propose(replace(problem, people=(replace(max_, avoids=()), ana)))
    assert violations(problem, together) == ["p1@example.com asked not to be paired with p2@example.com"]


def test_a_mentee_whose_only_feasible_mentor_asked_to_avoid_them_is_told_so():
    ana = person(1, role="mentor", teaches="Python:5", avoids=(3,), name="Ana Silva")
    bo = person(2, role="mentor", teaches="Python:5", available="Sat 09:00-10:00", name="Bo Li")
    max_ = person(3, role="mentee", learns="Python:2", name="Max Müller")
    (u,) = propose(_mentoring(ana, bo, max_)).unmatched
    assert u.reason == "their only feasible mentor (Ana Silva) asked not to be paired with them"
    both = replace(max_, avoids=(1,))
    (u,) = propose(_mentoring(ana, bo, both)).unmatched
    assert u.reason == "asked not to be paired with their only feasible mentor (Ana Silva), who asked the same"


def test_several_feasible_partners_kept_apart_are_named_and_a_taken_one_is_noted():
    people = (
        person(1, avoids=(2, 3), name="Max Müller"),
        person(2, name="Ana Silva"),
        person(3, name="Bo Li"),
        person(4, avoids=(1,), name="Cy Park"),
        person(5, available="Sun 08:00-09:00", name="Di Ng"),  # no common hours with anyone
    )
    proposal = propose(Problem("buddies", people, weights=DEFAULT_WEIGHTS["buddies"]))
    reasons = {u.name: u.reason for u in proposal.unmatched}
    assert reasons["Max Müller"] == (
        "all 3 feasible partners are kept apart on request: asked not to be paired with Ana Silva and Bo Li; "
        "Cy Park asked not to be paired with them"
    )
    assert reasons["Di Ng"] == "no overlap in availability with any partner"


def test_a_mentee_left_out_because_the_mentor_is_taken_is_also_told_who_they_asked_to_avoid():
    ana = person(1, role="mentor", teaches="Python:5", name="Ana Silva")
    bo = person(2, role="mentor", teaches="Python:5", available="Tue 09:00-17:00", name="Bo Li")
    max_ = person(3, role="mentee", learns="Python:3", avoids=(2,), name="Max Müller")
    zoe = person(4, role="mentee", learns="Python:1", available="Mon 09:00-17:00", name="Zoë Ødegård")
    proposal = propose(_mentoring(ana, bo, max_, zoe))
    assert [g.ids for g in proposal.groups] == [(1, 4)]
    (u,) = proposal.unmatched
    assert u.reason == (
        "the mentor who fits is full with mentees they fit better; "
        "besides, 1 mentor who would fit is kept apart on request: asked not to be paired with Bo Li"
    )


def test_a_swap_recounts_the_choices_granted():
    people = (person(1, prefers=(2,)), person(2), person(3), person(4, prefers=(3,)))
    problem = Problem("buddies", people, weights=DEFAULT_WEIGHTS["buddies"])
    proposal = propose(problem)
    assert proposal.choices.first == 2
    swapped = swap_members(problem, proposal, 2, 3)
    assert (swapped.choices.first, swapped.choices.none) == (0, 2)


@st.composite
def problems_with_choices(draw):
    """The rules' random problems, where people also prefer, avoid and ask to keep anyone at all
    (their manager, people marked never to pair, people who avoid them, themselves)."""
    problem = draw(problems())
    ids = [p.id for p in problem.people]
    people = []
    for p in problem.people:
        prefers = draw(st.lists(st.sampled_from(ids), max_size=5, unique=True))
        avoids = draw(st.lists(st.sampled_from(ids), max_size=2, unique=True))
        keep = draw(st.one_of(st.none(), st.sampled_from(ids)))
        people.append(replace(p, prefers=tuple(prefers), avoids=tuple(avoids), keep_mentor=keep))
    weights = replace(problem.weights, preferences=draw(st.sampled_from((0.2, 1.0, 50.0))))
    return replace(problem, people=tuple(people), weights=weights)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems_with_choices())
def test_choices_never_make_a_hard_rule_break(problem):
    proposal = propose(problem)
    assert violations(problem, proposal) == []
    avoided = {pair_key(p.id, o) for p in problem.people for o in p.avoids if o != p.id}
    locked = {frozenset(g.ids) for g in problem.locked}
    for g in proposal.groups:
        if frozenset(g.ids) not in locked:
            assert not {pair_key(a, b) for a in g.ids for b in g.ids if a < b} & avoided
        assert sum(g.breakdown.values()) == pytest.approx(g.score, abs=1e-5)
    c = proposal.choices
    assert 0 <= c.first <= c.top3 <= c.stated - c.none
    f = Features(problem)
    everyone = np.arange(f.n)
    block = score_block(f, everyone, everyone, keep=True)
    assert not block.score[~block.allowed].any()  # a choice never gives a forbidden pair a score
