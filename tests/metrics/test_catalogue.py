"""Every metric of the catalogue against values computed by hand on the small program (see conftest)."""

from __future__ import annotations

import datetime as dt

import pytest

from peerdesk.metrics import CATALOGUE, Period, Scope, compute, format_value
from peerdesk.metrics.scope import named_period

D = dt.date
OCT = Period.month(D(2026, 10, 1))
SEPT = Period.month(D(2026, 9, 1))


@pytest.mark.parametrize(
    "key,params,expected",
    [
        ("active_participants", {}, 5),  # ana ben cai dee gus (eve paused, fay archived)
        ("participation_rate", {}, 80.0),  # 4 of 5 present at a held session; gus was absent
        ("participation_rate", {"min_sessions": 2}, 80.0),  # ana 5, cai 3, ben 2, dee 2
        ("participation_rate", {"min_sessions": 3}, 40.0),  # ana, cai
        ("engaged_participants", {}, 4),
        ("new_hire_onboarding", {}, 0.0),  # nobody has 4 sessions within 60 days
        ("new_hire_onboarding", {"min_sessions": 2, "within_days": 60}, 50.0),  # ben 2, cai 3 of ana ben cai eve
        ("sessions_held", {}, 6),
        ("cancellation_rate", {}, 100 / 7),  # s5 of 6 held + 1 cancelled
        ("attendance_rate", {}, 75.0),  # 9 attended of 12 recorded
        ("attendances", {}, 7),
        ("learning_hours", {}, 7.75),  # 60+120+120+30+30+60+45 minutes
        ("mentoring_hours", {}, 6.25),  # ana 60+90+120+60, dee 45
        ("average_rating", {}, 27 / 7),
        ("good_rating_share", {}, 500 / 7),  # 5 of 7 ratings are 4 or 5
        ("good_rating_share", {"threshold": 5}, 200 / 7),
        ("feedback_response_rate", {}, 600 / 7),  # 6 of 7 attendances answered (cai at s7 did not)
        ("mentors_trained_rate", {}, 100.0),  # ana is the only active mentor, trained on 10-20
        ("trained_mentors", {}, 1),
        ("active_pairings", {}, 3),  # pr1 pr2 pr4 (pr3 ended)
        ("paired_rate", {}, 80.0),  # gus is unpaired
        ("pairings_meeting_rate", {}, 100 / 3),  # only pr2 met since 10-04
        ("cross_functional_pairing_share", {}, 200 / 3),  # pr1, pr2 cross departments; pr4 does not
        ("cross_department_hours", {}, 6.75),  # all attendee hours but cai at s7 (ana is Engineering too)
        ("departments_met", {}, 1.5),  # ana 2, ben 1, cai 2, dee 1
    ],
)
def test_metric_over_everything(small, key, params, expected):
    assert compute(small.db, key, Scope(), params) == pytest.approx(expected)


@pytest.mark.parametrize(
    "key,scope,expected",
    [
        ("sessions_held", Scope(period=OCT), 4),
        ("average_rating", Scope(period=OCT), 4.0),
        ("sessions_held", Scope(session_kind="pair_meeting"), 3),
        ("sessions_held", Scope(pairing_kind="mentoring"), 2),
        ("sessions_held", Scope(department="Sales"), 4),  # ben's sessions
        ("sessions_held", Scope(department="HR"), 3),
        ("active_participants", Scope(department="Engineering"), 3),
        ("learning_hours", Scope(department="Engineering"), 4.25),  # cai 3.5 + ana 0.75
        ("attendance_rate", Scope(department="Sales"), 200 / 3),
        ("sessions_held", Scope(program_id=None), 6),
        ("average_rating", Scope(period=SEPT), 3.5),
        ("mentors_trained_rate", Scope(period=SEPT), 0.0),  # ana's second module came in October
        ("active_pairings", Scope(period=Period(D(2026, 9, 1), D(2026, 9, 5))), 2),  # pr1 and pr3
        ("active_pairings", Scope(period=Period(D(2026, 9, 1), D(2026, 9, 15))), 3),
        ("new_hire_onboarding", Scope(period=SEPT), 0.0),
    ],
)
def test_metric_filters(small, key, scope, expected):
    assert compute(small.db, key, scope) == pytest.approx(expected)


def test_program_filter_includes_pair_meetings_through_their_pairing(small):
    p1 = Scope(program_id=small.prog["P1"])
    p2 = Scope(program_id=small.prog["P2"])
    assert compute(small.db, "sessions_held", p1) == 4  # s1 s2 s3 s7
    assert compute(small.db, "sessions_held", p2) == 2  # s4 (no program, pairing pr2) and s9
    assert compute(small.db, "active_participants", p1) == 3
    assert compute(small.db, "learning_hours", p1) == pytest.approx(6.0)
    assert compute(small.db, "average_rating", p1) == pytest.approx(3.5)  # 5 2 4 3


def test_new_hire_cohort_of_a_period(small):
    # Hired since September: ben and cai (fay is archived); cai had his third session on 10-30.
    since_sept = Scope(period=Period(D(2026, 9, 1), D(2026, 11, 2)))
    assert compute(small.db, "new_hire_onboarding", since_sept, {"min_sessions": 3}) == 50.0
    # Counted as of the end of the period: by the end of September nobody had three.
    assert compute(small.db, "new_hire_onboarding", Scope(period=SEPT), {"min_sessions": 3}) == 0.0


def test_empty_database_gives_none_for_rates_and_zero_for_counts(db):
    for m in CATALOGUE:
        value = compute(db, m.key, Scope())
        if m.unit in ("percent", "rating") or m.key == "departments_met":
            assert value is None, m.key
        else:
            assert value == 0, m.key


def test_catalogue_covers_every_group_and_documents_each_metric():
    groups = {m.group for m in CATALOGUE}
    assert groups == {
        "Participation",
        "Sessions",
        "Attendance",
        "Hours",
        "Ratings",
        "Training",
        "Pairings",
        "Cross-functional reach",
    }
    assert all(m.description.endswith(".") and m.label for m in CATALOGUE)
    assert len({m.key for m in CATALOGUE}) == len(CATALOGUE)


def test_parameters_are_clamped_to_their_range(small):
    assert compute(small.db, "participation_rate", Scope(), {"min_sessions": -5}) == 80.0
    assert compute(small.db, "participation_rate", Scope(), {"min_sessions": "nonsense"}) == 80.0


def test_periods():
    assert Period.quarter(D(2026, 11, 2)) == Period(D(2026, 10, 1), D(2026, 12, 31), "Q4 2026")
    assert Period.half(D(2026, 3, 2)).end == D(2026, 6, 30)
    assert Period.month(D(2026, 3, 31)).previous() == Period.month(D(2026, 2, 1))
    assert Period(D(2026, 1, 11), D(2026, 1, 20)).previous() == Period(D(2026, 1, 1), D(2026, 1, 10), "Previous period")
    assert Period.last_days(30, D(2026, 11, 2)).start == D(2026, 10, 4)
    assert named_period("last_month", D(2026, 1, 15)) == Period.month(D(2025, 12, 1))
    assert Period(D(2026, 1, 1), D(2026, 1, 31)).bounds() == ("2026-01-01", "2026-02-01")
    with pytest.raises(ValueError):
        Period(D(2026, 2, 1), D(2026, 1, 1))
    with pytest.raises(ValueError):
        named_period("someday")


def test_format_value():
    assert format_value(None, "percent") == "–"
    assert format_value(83.33, "percent") == "83%"
    assert format_value(4.26, "rating") == "4.3 / 5"
    assert format_value(7.75, "hours") == "7.8 h"
    assert format_value(1234.0, "hours") == "1,234 h"
    assert format_value(1200, "count") == "1,200"


@pytest.mark.parametrize("key", [m.key for m in CATALOGUE])
def test_series_matches_the_metric_cut_at_each_day(small, key):
    from peerdesk.metrics.catalogue import series

    days = [D(2026, 9, 4), D(2026, 9, 5), D(2026, 9, 30), D(2026, 10, 10), D(2026, 10, 22), D(2026, 11, 2)]
    scope = Scope(period=Period(D(2026, 9, 1), D(2026, 12, 31)))
    expected = [compute(small.db, key, scope.with_period(scope.period.until(d))) for d in days]
    assert series(small.db, key, scope, days) == pytest.approx(expected)


@pytest.mark.parametrize(
    "make",
    [
        lambda small: Scope(),
        lambda small: Scope(period=OCT),
        lambda small: Scope(period=SEPT, department="HR"),
        lambda small: Scope(program_id=small.prog["P1"]),
        lambda small: Scope(period=Period(D(2030, 1, 1), D(2030, 1, 31))),  # nothing held: no rate, no hours
    ],
)
def test_attendance_and_hours_in_one_pass_equal_the_three_metrics(small, make):
    from peerdesk.metrics.catalogue import attendance_and_hours

    scope = make(small)
    keys = ("attendance_rate", "learning_hours", "mentoring_hours")
    assert attendance_and_hours(small.db, scope) == tuple(compute(small.db, k, scope) for k in keys)
