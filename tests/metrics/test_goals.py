"""Goal evaluation: actual, projection and status against hand-computed values (today is 2026-11-02)."""

from __future__ import annotations

import datetime as dt

import pytest

from peerdesk.metrics import check_goal, evaluate_goal
from peerdesk.store.errors import ValidationError
from peerdesk.store.programs import Goal, add_goal

D = dt.date


def goal(small, program, metric, target, deadline, start=None, comparison=">=", **params):
    return add_goal(
        small.db,
        Goal(
            program_id=small.prog[program],
            title=f"{metric} {comparison} {target}",
            metric=metric,
            target=target,
            deadline=deadline,
            start_date=start,
            comparison=comparison,
            params=params,
        ),
    )


def test_cumulative_goal_on_track_by_pace_then_met(small):
    g = goal(small, "P1", "sessions_held", 5, D(2026, 12, 31), D(2026, 9, 1))
    progress = evaluate_goal(small.db, g)
    assert progress.actual == 4  # s1 s2 s3 s7
    # 4 sessions in 63 of 122 days: on pace for 4 * 122 / 63 = 7.75
    assert progress.projected == pytest.approx(4 * 122 / 63)
    assert progress.status == "on_track"
    assert progress.progress == pytest.approx(0.8)
    assert progress.days_left == 59
    small.db.execute("UPDATE sessions SET status = 'held' WHERE id = ?", (small.s["s10"],))
    after = evaluate_goal(small.db, g)
    assert after.actual == 5
    assert after.status == "met"  # a count cannot fall back below the target


def test_cumulative_goal_behind_pace_is_at_risk(small):
    g = goal(small, "P1", "sessions_held", 8, D(2026, 12, 31), D(2026, 9, 1))
    assert evaluate_goal(small.db, g).status == "at_risk"


def test_level_goal_projects_along_its_trend(small):
    g = goal(small, "P1", "average_rating", 4.2, D(2026, 12, 31), D(2026, 10, 1))
    progress = evaluate_goal(small.db, g)
    assert progress.actual == pytest.approx(3.5)  # s3: 4 and 3 (s7 has no feedback)
    days = [d for d, _ in progress.trend]
    assert days[0] == D(2026, 10, 1) and days[-1] == D(2026, 11, 2) and len(days) == 8
    assert [v for _, v in progress.trend][:2] == [None, None]  # no ratings before s3 on 10-10
    assert progress.projected == pytest.approx(3.5)  # flat recent trend
    assert progress.status == "at_risk"


def test_training_goal_reached_before_deadline_is_on_track_not_met(small):
    g = goal(small, "P2", "mentors_trained_rate", 100, D(2027, 3, 31))
    progress = evaluate_goal(small.db, g)
    assert progress.period.start == D(2026, 10, 1)  # the program's start
    assert progress.actual == 100.0
    assert progress.trend[0][1] == 0.0  # ana's second module came on 10-20
    assert progress.status == "on_track"


def test_past_deadline_is_met_or_missed(small):
    missed = goal(small, "P2", "attendance_rate", 90, D(2026, 10, 31), D(2026, 10, 1))
    p = evaluate_goal(small.db, missed)
    assert p.actual == pytest.approx(80.0)  # s4: 2 of 2, s9: 2 of 3
    assert p.status == "missed" and p.days_left == 0
    met = goal(small, "P1", "learning_hours", 5, D(2026, 10, 31), D(2026, 9, 1))
    p = evaluate_goal(small.db, met)
    assert p.actual == pytest.approx(6.0)
    assert p.status == "met"


def test_at_most_goal(small):
    g = goal(small, "P2", "cancellation_rate", 10, D(2026, 12, 31), D(2026, 10, 1), comparison="<=")
    p = evaluate_goal(small.db, g)
    assert p.actual == pytest.approx(100 / 3)  # s5 cancelled of s4 s5 s9
    assert p.status == "at_risk"
    assert p.progress == pytest.approx(10 / (100 / 3))
    within = goal(small, "P2", "cancellation_rate", 50, D(2026, 10, 31), D(2026, 10, 1), comparison="<=")
    assert evaluate_goal(small.db, within).status == "met"


def test_goal_not_started_yet(small):
    g = goal(small, "P1", "sessions_held", 3, D(2027, 2, 28), D(2026, 12, 1))
    p = evaluate_goal(small.db, g)
    assert p.actual is None and p.trend == () and p.status == "on_track"


def test_goal_filters_and_whole_organisation(small):
    g = goal(small, "P1", "sessions_held", 10, D(2026, 12, 31), D(2026, 9, 1), session_kind="workshop")
    assert evaluate_goal(small.db, g).actual == 2  # s3 s7
    g = goal(small, "P1", "sessions_held", 10, D(2026, 12, 31), D(2026, 9, 1), whole_organisation=True)
    assert evaluate_goal(small.db, g).actual == 6
    g = goal(small, "P1", "new_hire_onboarding", 80, D(2026, 12, 31), D(2026, 9, 1), min_sessions=2, within_days=60)
    assert evaluate_goal(small.db, g).actual == 100.0  # ben and cai, hired in the period, both enrolled in P1


def test_as_dict_for_the_command_line(small):
    g = goal(small, "P1", "sessions_held", 5, D(2026, 12, 31), D(2026, 9, 1))
    d = evaluate_goal(small.db, g).as_dict()
    assert d["target"] == 5 and d["actual"] == 4 and d["status"] == "on_track" and d["title"]


@pytest.mark.parametrize(
    "metric,target,params,message",
    [
        ("nonsense", 1, {}, "not a metric"),
        ("attendance_rate", 120, {}, "cannot exceed 100"),
        ("average_rating", 6, {}, "between 1 and 5"),
        ("participation_rate", 50, {"min_sessions": "x"}, "must be a number"),
        ("participation_rate", 50, {"colour": 3}, "does not take colour"),
        ("new_hire_onboarding", 50, {"within_days": 0}, "between"),
    ],
)
def test_check_goal_rejects(metric, target, params, message):
    g = Goal(1, "t", metric, target, D(2026, 12, 31), params=params)
    with pytest.raises(ValidationError, match=message):
        check_goal(g)
