"""Hard rules are never broken, nobody is silently dropped, and rounds behave as promised."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from matching_helpers import person

from peerdesk.matching import Cancelled, History, LockedGroup, Options, Problem, propose, synthetic, violations
from peerdesk.matching.model import Person, Weights, pair_key
from peerdesk.matching.solve import pool_of
from peerdesk.store.records import SkillLevel, Window

SKILLS = ("Python", "SQL", "Rust", "Excel")
ZONES = ("Europe/Berlin", "America/New_York", "Asia/Tokyo")
DEPTS = ("Sales", "Engineering", "Design", "")


@st.composite
def problems(draw):
    n = draw(st.integers(min_value=1, max_value=14))
    people = []
    for k in range(1, n + 1):
        windows = draw(
            st.lists(
                st.tuples(st.integers(0, 6), st.integers(0, 40), st.integers(1, 16)).map(
                    lambda t: Window(t[0], t[1] * 30, min(1440, t[1] * 30 + t[2] * 30))
                ),
                max_size=3,
            )
        )
        skills = st.lists(st.tuples(st.sampled_from(SKILLS), st.integers(1, 5)), max_size=3, unique_by=lambda t: t[0])
        manager = draw(st.integers(0, n))
        people.append(
            Person(
                id=k,
                name=f"P{k}",
                email=f"p{k}@x.org",
                department=draw(st.sampled_from(DEPTS)),
                timezone=draw(st.sampled_from(ZONES)),
                hire_date=dt.date(2020, 1, 1) + dt.timedelta(days=draw(st.integers(0, 2000))),
                role=draw(st.sampled_from(("mentor", "mentee", "both", "peer"))),
                capacity=draw(st.integers(0, 3)),
                manager_email=f"p{manager}@x.org" if manager and manager != k else "",
                status=draw(st.sampled_from(("active", "active", "active", "paused", "alumni"))),
                archived=draw(st.booleans()) and draw(st.booleans()),
                trained=draw(st.booleans()),
                teaches=tuple(SkillLevel(s, lv) for s, lv in draw(skills)),
                learns=tuple(SkillLevel(s, lv) for s, lv in draw(skills)),
                availability=tuple(windows),
            )
        )
    ids = list(range(1, n + 1))
    pairs = (
        st.tuples(st.sampled_from(ids), st.sampled_from(ids)).filter(lambda t: t[0] != t[1]).map(lambda t: pair_key(*t))
    )
    mode = draw(st.sampled_from(("mentoring", "buddies", "cross_functional", "circles")))
    locked: tuple[LockedGroup, ...] = ()
    if n >= 4 and draw(st.booleans()):
        a, b = draw(st.sampled_from([(1, 2), (2, 3), (3, 4)]))
        roles = ("mentor", "mentee") if mode == "mentoring" else ("peer", "peer")
        if mode != "mentoring" or people[a - 1].can_mentor:
            locked = (LockedGroup(((a, roles[0]), (b, roles[1]))),)
    return Problem(
        mode=mode,
        people=tuple(people),
        weights=Weights(*(draw(st.floats(0, 1)) for _ in range(5)), novelty=0.2),
        options=Options(
            only_trained_mentors=draw(st.booleans()),
            min_overlap_hours=draw(st.sampled_from((0.0, 0.0, 1.0, 3.0))),
            odd_person=draw(st.sampled_from(("trio", "sitout"))),
            group_size=draw(st.integers(3, 6)),
            seed=draw(st.integers(0, 5)),
        ),
        exclusions=frozenset(draw(st.lists(pairs, max_size=6))),
        history=History(
            recent=frozenset(draw(st.lists(pairs, max_size=6))),
            met={p: 1 for p in draw(st.lists(pairs, max_size=4))},
            last_sat_out={i: draw(st.integers(1, 9)) for i in draw(st.lists(st.sampled_from(ids), max_size=3))},
        ),
        locked=locked,
    )


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_no_hard_rule_is_ever_broken_and_nobody_is_dropped(problem):
    proposal = propose(problem)
    assert violations(problem, proposal) == []
    locked_ids = {i for g in problem.locked for i in g.ids}
    in_groups = [m.id for g in proposal.groups for m in g.members]
    unmatched = [u.id for u in proposal.unmatched]
    pool = {p.id for p in problem.people if p.matchable and p.id not in locked_ids}
    if problem.mode == "mentoring":
        # a locked pair's mentor may still take mentees, or be someone's mentee
        pool = {p.id for p in pool_of(problem)[0]}
        locked_mentees = {i for g in problem.locked for i, r in g.members if r == "mentee"}
        mentees = {p.id for p in problem.people if p.can_be_mentee and p.id in pool}
        matched_mentees = {m.id for g in proposal.groups if not g.locked for m in g.members if m.role == "mentee"}
        assert mentees == matched_mentees | set(unmatched)
        assert not (matched_mentees | set(unmatched)) & locked_mentees
        assert not matched_mentees & set(unmatched)
    else:
        assert len(in_groups) == len(set(in_groups))
        assert pool | (locked_ids & {p.id for p in problem.people}) >= set(in_groups)
        assert pool == (set(in_groups) - locked_ids) | set(unmatched)
        assert not set(in_groups) & set(unmatched)
    for u in proposal.unmatched:
        assert u.reason and u.id in pool
    for g in proposal.groups:
        assert 0.0 <= g.score <= 1.0 + 1e-6
        assert sum(g.breakdown.values()) == pytest.approx(g.score, abs=1e-5)
    assert proposal.total_score == pytest.approx(sum(g.objective for g in proposal.groups), abs=1e-6)


def test_never_with_their_manager_even_when_it_would_score_best():
    boss = person(1, dept="Sales", teaches="Negotiation:5")
    report = person(2, dept="Engineering", learns="Negotiation:1", manager="p1@example.com")
    other = person(3, dept="Sales")
    fourth = person(4, dept="Sales")
    proposal = propose(Problem("buddies", (boss, report, other, fourth)))
    assert pair_key(1, 2) not in proposal.pairs()
    assert len(proposal.groups) == 2


def test_paused_alumni_and_archived_people_are_left_out_entirely():
    people = (
        person(1),
        person(2),
        person(3, status="paused"),
        person(4, status="alumni"),
        person(5, archived=True),
    )
    proposal = propose(Problem("buddies", people))
    assert proposal.matched_ids == {1, 2}
    assert proposal.unmatched == ()


def test_odd_one_out_joins_a_trio_or_sits_out_in_turn():
    people = tuple(person(k) for k in range(1, 6))
    trio = propose(Problem("buddies", people, options=Options(odd_person="trio")))
    assert sorted(len(g.members) for g in trio.groups) == [2, 3]
    assert trio.unmatched == ()
    history = History(last_sat_out={1: 3, 2: 5, 3: 4, 4: 2})  # 5 never sat out
    sit = propose(Problem("buddies", people, options=Options(odd_person="sitout"), history=history))
    assert [u.id for u in sit.unmatched] == [5]
    assert sit.unmatched[0].sat_out and "never sat out" in sit.unmatched[0].reason
    everyone_sat = History(last_sat_out={1: 3, 2: 5, 3: 4, 4: 2, 5: 6})
    sit = propose(Problem("buddies", people, options=Options(odd_person="sitout"), history=everyone_sat))
    assert [u.id for u in sit.unmatched] == [4]  # sat out longest ago (round 2)
    assert "round 2" in sit.unmatched[0].reason


def test_no_repeats_within_the_last_rounds_but_novelty_only_lowers_older_contacts():
    people = tuple(person(k) for k in range(1, 5))
    history = History(recent=frozenset({(1, 2), (3, 4)}), met={(1, 3): 1})
    proposal = propose(Problem("buddies", people, history=history))
    assert proposal.pairs() == {(1, 4), (2, 3)}
    mentoring = propose(
        Problem(
            "mentoring",
            (person(1, role="mentor", teaches="SQL:5"), person(2, role="mentee", learns="SQL:1")),
            history=history,
        )
    )
    assert mentoring.pairs() == {(1, 2)}  # a mentor may mentor someone they met before
    assert "met recently" in mentoring.groups[0].facts


def test_cross_functional_pairs_only_cross_departments():
    people = (
        person(1, dept="Sales"),
        person(2, dept="Sales"),
        person(3, dept="Engineering"),
        person(4, dept="Engineering"),
    )
    proposal = propose(Problem("cross_functional", people))
    for g in proposal.groups:
        assert len({m.department for m in g.members}) == 2
    assert "Sales↔Engineering" in " ".join(proposal.groups[0].facts) or "Engineering↔Sales" in " ".join(
        proposal.groups[0].facts
    )


def test_mentor_capacity_and_locked_pairs_are_kept():
    mentor = person(1, role="mentor", teaches="Python:5; SQL:5", capacity=2)
    mentees = tuple(person(k, role="mentee", learns="Python:1") for k in range(2, 6))
    locked = (LockedGroup(((1, "mentor"), (5, "mentee"))),)
    proposal = propose(Problem("mentoring", (mentor, *mentees), locked=locked))
    assert violations(Problem("mentoring", (mentor, *mentees), locked=locked), proposal) == []
    assert sum(1 for g in proposal.groups if g.members[0].id == 1) == 2
    assert any(g.locked and g.ids == (1, 5) for g in proposal.groups)
    assert len(proposal.unmatched) == 2
    assert all("full" in u.reason for u in proposal.unmatched)


def test_only_trained_mentors_when_asked():
    untrained = person(1, role="mentor", teaches="Go:5", trained=False)
    mentee = person(2, role="mentee", learns="Go:1")
    assert len(propose(Problem("mentoring", (untrained, mentee))).groups) == 1
    strict = propose(Problem("mentoring", (untrained, mentee), options=Options(only_trained_mentors=True)))
    assert strict.groups == ()
    assert "training" in strict.unmatched[0].reason


@pytest.mark.parametrize(
    ("people", "expected"),
    [
        ((person(1, role="mentor", teaches="Python:5"), person(2, role="mentee", learns="Rust:2")), "teaches Rust"),
        (
            (person(1, role="mentor", teaches="Rust:5", capacity=0), person(2, role="mentee", learns="Rust:2")),
            "no mentor with free capacity teaches Rust",
        ),
        (
            (
                person(1, role="mentor", teaches="Rust:5", available="Mon 09:00-10:00"),
                person(2, role="mentee", learns="Rust:2", available="Tue 09:00-10:00"),
            ),
            "no overlap in availability with any mentor who teaches Rust",
        ),
        ((person(2, role="mentee", learns="Rust:2"),), "no mentor is taking part"),
    ],
)
def test_unmatched_mentees_get_a_reason_a_coordinator_understands(people, expected):
    proposal = propose(Problem("mentoring", people))
    assert expected in proposal.unmatched[0].reason


def test_explanations_name_the_concrete_facts():
    ada = person(1, role="mentor", dept="Engineering", teaches="Python:5", name="Ada Lovelace")
    max_ = person(2, role="mentee", dept="Sales", learns="Python:2", name="Max Weber", available="Mon 09:00-15:00")
    g = propose(Problem("mentoring", (ada, max_))).groups[0]
    assert "Ada teaches Python 5, Max wants Python 2" in g.facts
    assert "6 h/week overlap" in g.facts
    assert "Engineering↔Sales" in g.facts


def test_same_data_and_seed_give_the_same_round():
    problem = synthetic.problem(120, "buddies", seed=4)
    assert propose(problem).pairs() == propose(problem).pairs()
    circles = synthetic.problem(60, "circles", seed=4)
    assert [g.ids for g in propose(circles).groups] == [g.ids for g in propose(circles).groups]


def test_adding_one_person_changes_few_existing_pairs():
    problem = synthetic.problem(200, "buddies", seed=6)
    first = propose(problem)
    newcomer = synthetic.organisation(201, seed=6)[-1]
    again = propose(
        Problem(
            "buddies",
            (*problem.people, newcomer),
            weights=problem.weights,
            exclusions=problem.exclusions,
            history=problem.history,
            previous=frozenset(first.pairs()),
        )
    )
    changed = first.pairs() - again.pairs()
    assert len(changed) <= 2


def test_cancelling_stops_the_run():
    with pytest.raises(Cancelled):
        propose(synthetic.problem(40, "buddies"), cancel=lambda: True)
    seen = []
    propose(synthetic.problem(40, "circles"), progress=lambda done, total, message: seen.append(done / total))
    assert seen[0] == 0.0 and seen[-1] == 1.0 and seen == sorted(seen)


def test_someone_who_mentors_this_round_is_unmatched_only_as_mentee():
    both = person(1, role="both", teaches="Python:5", learns="Stakeholder management:2", name="Anna Both")
    mentee = person(2, role="mentee", learns="Python:2")
    other = person(3, role="mentor", teaches="Excel:5")
    proposal = propose(Problem("mentoring", (both, mentee, other)))
    assert [(m.id, m.role) for g in proposal.groups for m in g.members] == [(1, "mentor"), (2, "mentee")]
    (left,) = proposal.unmatched
    assert left.id == 1
    assert left.reason == (
        "unmatched as mentee (mentors Person2 Test this round): "
        "no mentor teaches Stakeholder management above their level"
    )


def test_circle_members_all_want_its_skill_and_share_an_hour():
    morning = "Mon 09:00-11:00; Wed 09:00-11:00"
    people = (
        *(person(k, learns="SQL:2; Excel:1", available=morning, dept="Sales") for k in range(1, 4)),
        person(4, learns="Python:2", available=morning, name="Pia Python"),  # 1 of 4 wants Python
        person(5, learns="SQL:2", available="Mon 14:00-17:00", name="Sam Late"),  # shares no hour
        person(6, learns="Excel:3", available=morning, tz="Asia/Tokyo", name="Tomo Tokyo"),  # 0 h with the rest
    )
    problem = Problem("circles", people, options=Options(group_size=4))
    proposal = propose(problem)
    assert violations(problem, proposal) == []
    (circle,) = proposal.groups
    assert set(circle.ids) == {1, 2, 3} and circle.skill == "SQL"
    assert "all 3 want to learn SQL" in circle.facts
    assert any(f.endswith("/week when all are free") for f in circle.facts)
    reasons = {u.id: u.reason for u in proposal.unmatched}
    assert reasons[4] == "nobody else wants to learn Python"
    assert reasons[5] == "shares no free hour a week with anyone else who wants to learn SQL"
    assert reasons[6] == "shares no free hour a week with anyone else who wants to learn Excel"


def test_a_lone_circle_keeps_its_rules_through_the_swaps():
    """Found by the property test: with only one circle, every swap's gain was counted twice,
    so a swap brought p5 in beside p12, their manager, for a gain of nothing."""
    free = {
        2: {"manager": "p10@example.com", "available": ""},
        5: {"manager": "p12@example.com", "available": "Tue 00:00-01:00"},
        10: {"available": "Mon 00:00-01:00"},
        11: {"available": "Mon 00:00-01:00"},
        12: {"available": ""},
    }
    people = tuple(person(k, learns="Python:1", **kw) for k, kw in free.items())
    no_weights = Weights(0.0, 0.0, 0.0, 0.0, 0.0, novelty=0.2)
    problem = Problem("circles", people, weights=no_weights, options=Options(group_size=3))
    proposal = propose(problem)
    assert violations(problem, proposal) == []
    (circle,) = proposal.groups
    assert {5, 12} - set(circle.ids) and {2, 10} - set(circle.ids)


def test_the_referee_rejects_a_circle_without_a_shared_skill_or_hour():
    a, b = person(1, learns="SQL:2"), person(2, learns="SQL:2")
    c = person(3, learns="Python:2", available="Sat 09:00-10:00")
    problem = Problem("circles", (a, b, c))
    proposal = propose(problem)
    assert proposal.groups == ()
    forced = replace_groups(proposal, problem, [(1, 2, 3)], skill="SQL")
    found = violations(problem, forced)
    assert "Person3 Test does not want to learn SQL" in found
    assert any("are never free together for 60 minutes" in v for v in found)


def replace_groups(proposal, problem, groups, skill):
    from dataclasses import replace

    from peerdesk.matching.model import Group, Member

    by_id = {p.id: p for p in problem.people}
    made = tuple(
        Group(tuple(Member(i, by_id[i].email, by_id[i].name, "peer") for i in g), 0.5, {}, skill=skill) for g in groups
    )
    return replace(proposal, groups=made)
