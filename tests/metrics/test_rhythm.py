"""Cadence, feedback response and cohort completion, against figures computed by hand on the
small program of conftest.py (today 2026-11-02).

Running pairings on 2 November: pr1 (P1, since 09-01, last held s2 on 09-20), pr2 (P2, since
09-10, last held s4 on 10-15; s8 planned, not held) and pr4 (P2, since 10-01, never met);
pr3 ended on 09-30.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from peerdesk.metrics import compute
from peerdesk.metrics.cadence import behind_pairings, on_cadence_counts
from peerdesk.metrics.dashboard import stale_pairings
from peerdesk.metrics.rhythm import cohort_figures, response_rates
from peerdesk.metrics.scope import Period, Scope
from peerdesk.printing.eligibility import Condition, KindRule, candidates, save_rules
from peerdesk.programs.cohorts import close_cohort, reenrol, verdicts
from peerdesk.store.cohorts import Cohort, add_cohort, cohort_members, enrol_in_cohort
from peerdesk.store.errors import ValidationError
from peerdesk.store.messages import Drafted, log_drafts
from peerdesk.store.programs import get_program, members, update_program

D = dt.date


def set_cadence(db, program_id, cadence):
    p = get_program(db, program_id)
    update_program(db, replace(p, config={**p.config, "cadence": cadence}))


def behind_ids(db, **scope):
    return sorted(b.pairing_id for b in behind_pairings(db, Scope(**scope)))


def test_without_a_cadence_pairs_are_behind_after_30_days(small):
    # gap 30: the window is 10-04..11-02. pr1 last met 09-20 and pr4 never (paired 10-01 < 10-04): behind.
    assert behind_ids(small.db) == sorted([small.pair["pr1"], small.pair["pr4"]])
    assert on_cadence_counts(small.db, Scope()) == (3, 1)
    assert compute(small.db, "pairings_on_cadence", Scope()) == pytest.approx(100 / 3)


def test_a_weekly_program_allows_ten_days(small):
    set_cadence(small.db, small.prog["P2"], "weekly")
    # P2's gap is 7 + 3 = 10 days: window 10-24..11-02; pr2 last met 10-15, pr4 never: both behind.
    assert behind_ids(small.db) == sorted([small.pair["pr1"], small.pair["pr2"], small.pair["pr4"]])
    assert compute(small.db, "pairings_on_cadence", Scope()) == 0.0
    listed = stale_pairings(small.db, Scope(program_id=small.prog["P2"]))
    assert listed.total == 2 and listed.items[0].detail.endswith("· meets every week")


def test_every_two_weeks_and_monthly(small):
    set_cadence(small.db, small.prog["P2"], "fortnightly")  # gap 17: window 10-17..11-02, pr2 (10-15) behind
    assert small.pair["pr2"] in behind_ids(small.db, program_id=small.prog["P2"])
    set_cadence(small.db, small.prog["P2"], "monthly")  # gap 33: window 10-01..11-02
    # pr2 met on 10-15: on cadence; pr4 started 10-01, not before the window: still in its first gap.
    assert behind_ids(small.db, program_id=small.prog["P2"]) == []
    assert compute(small.db, "pairings_on_cadence", Scope()) == pytest.approx(200 / 3)
    assert compute(small.db, "pairings_on_cadence", Scope(program_id=small.prog["P2"])) == 100.0


def test_on_cadence_at_the_end_of_a_past_period(small):
    # As of 10-20 (gap 30, window 09-21..10-20): pr1 last met 09-20 (behind by a day), pr2 met 10-15,
    # pr4 started 10-01 (in its first gap); pr3 had ended.
    october = Scope(period=Period(D(2026, 10, 1), D(2026, 10, 20)))
    assert on_cadence_counts(small.db, october) == (3, 2)
    assert compute(small.db, "pairings_on_cadence", Scope(program_id=small.prog["P1"], period=october.period)) == 0.0


def test_no_running_pairing_gives_no_figure(small):
    assert compute(small.db, "pairings_on_cadence", Scope(period=Period(D(2026, 1, 1), D(2026, 1, 31)))) is None


def test_an_unknown_cadence_is_refused(small):
    with pytest.raises(ValidationError, match="cadence"):
        set_cadence(small.db, small.prog["P1"], "hourly")


def request(small, session, *people):
    log_drafts(small.db, [Drafted("feedback", small.p[who], small.s[session]) for who in people])


def test_response_rates_by_kind_and_host(small):
    request(small, "s3", "ben", "cai", "ben")  # asked twice: one request
    request(small, "s4", "cai", "dee")
    request(small, "s7", "ben", "cai")
    request(small, "s9", "ana", "gus")
    request(small, "s5", "dee")  # cancelled: not a held session
    log_drafts(small.db, [Drafted("reminders", small.p["ben"], None, small.pair["pr1"])])  # not a request
    r = response_rates(small.db, Scope())
    # answered: s3 ben, s3 cai (anonymous to the host, still the same person), s4 cai, s4 dee, s9 ana
    assert (r.total.requested, r.total.answered, r.total.rate) == (8, 5, 62.5)
    kinds = {g.key: (g.requested, g.answered, g.rate) for g in r.by_kind}
    assert kinds == {"workshop": (4, 2, 50.0), "pair_meeting": (2, 2, 100.0), "lunch_and_learn": (2, 1, 50.0)}
    assert [g.key for g in r.by_kind][0] == "workshop"  # most requested first
    hosts = {g.label: (g.requested, g.answered) for g in r.by_host}
    assert hosts == {"Ana": (4, 2), "Dee": (2, 1)}  # s4 has no host
    assert response_rates(small.db, Scope(period=Period.month(D(2026, 9, 1)))).total.requested == 0
    assert response_rates(small.db, Scope(program_id=small.prog["P2"])).total.requested == 4  # s4 via pr2, s9


def autumn(small):
    c = add_cohort(small.db, Cohort(small.prog["P1"], "Autumn 2026", D(2026, 9, 1), D(2026, 10, 31)))
    enrol_in_cohort(small.db, c.id, [small.p["ana"], small.p["ben"], small.p["cai"]], D(2026, 9, 1))
    return c


def test_closing_a_cohort_marks_those_who_met_the_completion_rule(small):
    # The completion rule without "program completed": at least 2 sessions attended in P1 over the cohort.
    rule = KindRule(
        "completion",
        True,
        "Certificate of Completion",
        (Condition("program_completed", 1), Condition("sessions_attended", 2)),
    )
    save_rules(small.db, small.prog["P1"], {"completion": rule})
    c = autumn(small)
    # In P1 from 09-01 to 10-31: ben present at s1 and s3 (absent at s2); cai at s3 and s7; ana only hosted.
    found = {v.name: v.completed for v in verdicts(small.db, c.id)}
    assert found == {"Ana": False, "Ben": True, "Cai": True}
    closing = close_cohort(small.db, c.id)
    assert (closing.completed, closing.not_completed, closing.on) == (2, 1, D(2026, 10, 31))
    done = {m.participant_id: m.completed_on for m in members(small.db, small.prog["P1"])}
    assert done == {small.p["ana"]: None, small.p["ben"]: D(2026, 10, 31), small.p["cai"]: D(2026, 10, 31)}
    (figures,) = cohort_figures(small.db, small.prog["P1"])
    assert (figures.members, figures.completed) == (3, 2) and figures.completion_rate == pytest.approx(200 / 3)
    qualified = {c.name for c in candidates(small.db, small.prog["P1"], kinds=("completion",)) if c.qualifies}
    assert qualified == {"Ben", "Cai"}  # completion certificates follow
    with pytest.raises(ValidationError, match="already closed"):
        close_cohort(small.db, c.id)


def test_the_default_rule_needs_four_sessions(small):
    c = autumn(small)
    assert close_cohort(small.db, c.id).completed == 0


def test_re_enrolment_in_the_next_cohort(small):
    save_rules(
        small.db,
        small.prog["P1"],
        {"completion": KindRule("completion", True, "C", (Condition("sessions_attended", 2),))},
    )
    c = autumn(small)
    close_cohort(small.db, c.id)
    winter = add_cohort(small.db, Cohort(small.prog["P1"], "Winter 2026", D(2026, 11, 1), D(2027, 1, 31)))
    assert reenrol(small.db, c.id, winter.id) == 1  # those who did not complete: Ana
    assert [m.name for m in cohort_members(small.db, winter.id)] == ["Ana"]
    enrol_in_cohort(small.db, winter.id, [small.p["gus"]])
    gus = next(m for m in members(small.db, small.prog["P1"]) if m.participant_id == small.p["gus"])
    assert gus.enrolled_on == D(2026, 11, 2)  # enrolled in the program from today (the cohort had begun)
    with pytest.raises(ValidationError, match="closed"):
        enrol_in_cohort(small.db, c.id, [small.p["gus"]])
    figures = cohort_figures(small.db, small.prog["P1"])
    assert [(f.cohort.name, f.members, f.completed) for f in figures] == [("Autumn 2026", 3, 2), ("Winter 2026", 2, 0)]
    as_of_october = cohort_figures(small.db, small.prog["P1"], as_of=D(2026, 10, 15))
    assert [(f.cohort.name, f.completed) for f in as_of_october] == [
        ("Autumn 2026", 0)
    ]  # closed later, Winter not begun
