"""Scores and rules: the vectorised matrices agree with the plain, pair-by-pair statement."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matching_helpers import person

from peerdesk.matching import rules, synthetic
from peerdesk.matching.availability import SLOTS, SlotTable, slot_row, utc_intervals
from peerdesk.matching.model import PARTS, History, Options, Problem, Weights
from peerdesk.matching.scoring import Features, gap_fit, pair_parts, score_block, title_level
from peerdesk.store.records import Window, parse_availability

MONDAY = dt.date(2026, 11, 2)


def test_windows_in_different_zones_meet_in_utc():
    oslo = parse_availability("Mon 09:00-10:00")  # UTC+1 in November: 08:00-09:00 UTC
    new_york = parse_availability("Mon 03:00-04:00")  # UTC-5: 08:00-09:00 UTC
    assert utc_intervals(oslo, "Europe/Oslo", MONDAY) == [(480, 540)]
    assert utc_intervals(new_york, "America/New_York", MONDAY) == [(480, 540)]
    table = SlotTable([("Europe/Oslo", oslo), ("America/New_York", new_york)], MONDAY)
    assert table.pair_minutes(0, 1) == 60


def test_daylight_saving_follows_the_reference_week():
    window = parse_availability("Mon 09:00-10:00")
    summer = dt.date(2026, 7, 6)
    assert utc_intervals(window, "Europe/Berlin", summer) == [(7 * 60, 8 * 60)]
    assert utc_intervals(window, "Europe/Berlin", MONDAY) == [(8 * 60, 9 * 60)]


def test_a_window_that_crosses_the_week_end_wraps_to_monday():
    # Monday 00:00-02:00 in Tokyo (UTC+9) is Sunday 15:00-17:00 UTC: the end of the week.
    tokyo = utc_intervals(parse_availability("Mon 00:00-02:00"), "Asia/Tokyo", MONDAY)
    assert tokyo == [(6 * 1440 + 15 * 60, 6 * 1440 + 17 * 60)]
    # Sunday 23:00-24:00 in Los Angeles (UTC-8) is Monday 07:00-08:00 UTC.
    la = utc_intervals(parse_availability("Sun 23:00-24:00"), "America/Los_Angeles", MONDAY)
    assert la == [(7 * 60, 8 * 60)]


_windows = st.lists(
    st.tuples(st.integers(0, 6), st.integers(0, 95), st.integers(1, 96)).map(
        lambda t: Window(t[0], t[1] * 15, min(1440, (t[1] + t[2]) * 15))
    ),
    max_size=6,
)
_zones = st.sampled_from(["UTC", "Asia/Tokyo", "America/Los_Angeles", "Asia/Kolkata", "Pacific/Chatham", "Europe/Oslo"])


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(_zones, _windows), min_size=1, max_size=8))
def test_slot_table_matches_the_plain_row_of_each_person(patterns):
    """The vectorised table (wrapping, overlapping and empty windows) agrees with slot_row."""
    table = SlotTable([(tz, tuple(ws)) for tz, ws in patterns], MONDAY)
    for k, (tz, ws) in enumerate(patterns):
        row = np.zeros(SLOTS, dtype=bool)
        row[table.columns] = table.unique[table.inverse[k]] > 0
        assert np.array_equal(row, slot_row(tuple(ws), tz, MONDAY))
        assert table.has_windows[k] == row.any()


def test_titles_and_skill_gaps():
    assert title_level("Junior Analyst") < title_level("Analyst") < title_level("Senior Analyst")
    assert title_level("Staff Engineer") < title_level("Engineering Manager") < title_level("Head of Sales")
    assert gap_fit(5, 2) == 1.0 and gap_fit(3, 2) == 0.5 and gap_fit(2, 2) == 0.0


def test_mentoring_skill_part_uses_level_gap_and_priority():
    mentor = person(1, role="mentor", teaches="Python:5; SQL:3")
    first = person(2, role="mentee", learns="Python:2")
    second = person(3, role="mentee", learns="Go:1; SQL:2")  # SQL second priority, gap 1
    f = Features(Problem("mentoring", (mentor, first, second)))
    assert pair_parts(f, 0, 1)["skills"] == pytest.approx(1.0)
    assert pair_parts(f, 0, 2)["skills"] == pytest.approx(0.5 * 0.85)


@pytest.mark.parametrize("mode", ["mentoring", "buddies", "cross_functional", "circles"])
def test_matrix_agrees_with_the_pair_by_pair_rules(mode):
    problem = synthetic.problem(45, mode, seed=3)
    problem = Problem(
        mode,
        problem.people,
        weights=problem.weights,
        options=Options(min_overlap_hours=1.5 if mode == "buddies" else 0.0),
        exclusions=problem.exclusions,
        history=History(
            recent=frozenset({(1, 2), (3, 4), (5, 9)}),
            met={(1, 2): 2, (6, 7): 1},
        ),
    )
    f = Features(problem)
    everyone = np.arange(f.n)
    block = score_block(f, everyone, everyone)
    detailed = score_block(f, everyone, everyone, keep=True)
    assert np.array_equal(block.allowed, detailed.allowed)
    assert np.allclose(block.score, detailed.score, atol=1e-6)
    for a in range(f.n):
        for b in range(f.n):
            broken = rules.pair_violations(problem, f.people[a], f.people[b])
            # mentoring's own skill rule is tested with the solver; here the shared rules
            allowed = not any(mask[a, b] for name, mask in detailed.rules.items() if name != "no_skill")
            assert allowed == (not broken), (a, b, broken)
            if mode != "mentoring":
                assert bool(block.allowed[a, b]) == allowed


def test_single_pair_scores_equal_the_matrix_entries():
    problem = synthetic.problem(30, "buddies", seed=5)
    f = Features(problem)
    everyone = np.arange(f.n)
    block = score_block(f, everyone, everyone)
    w = problem.weights
    for a, b in [(0, 1), (3, 17), (29, 2), (11, 12)]:
        parts = pair_parts(f, a, b)
        expected = sum(getattr(w, k) * parts[k] for k in PARTS) / w.total
        if block.allowed[a, b]:
            assert block.score[a, b] == pytest.approx(expected, abs=1e-5)
        assert all(0.0 <= v <= 1.0 for v in parts.values())


def test_weights_change_the_score_and_zero_weights_remove_a_part():
    a = person(1, dept="Sales", teaches="Excel:5")
    b = person(2, dept="Engineering", learns="Excel:1")
    only_cross = Weights(skills=0, availability=0, timezone=0, cross_functional=1, seniority=0, novelty=0)
    f = Features(Problem("buddies", (a, b), weights=only_cross))
    block = score_block(f, np.arange(2), np.arange(2))
    assert block.score[0, 1] == pytest.approx(1.0)
    only_skill = Weights(skills=1, availability=0, timezone=0, cross_functional=0, seniority=0, novelty=0)
    f = Features(Problem("buddies", (a, b), weights=only_skill))
    assert score_block(f, np.arange(2), np.arange(2)).score[1, 0] == pytest.approx(1.0)


def test_weights_from_stored_json_ignore_rubbish():
    w = Weights.from_dict({"skills": 2, "novelty": "a lot", "unknown": 5, "timezone": -1})
    assert w.skills == 2 and w.novelty == Weights().novelty and w.timezone == Weights().timezone
