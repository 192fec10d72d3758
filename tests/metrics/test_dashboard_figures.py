"""Dashboard figures, action lists and the feedback summary, computed by hand (see conftest)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from peerdesk.metrics import Period, Scope, program_figures
from peerdesk.metrics.dashboard import dashboard, untrained_mentors
from peerdesk.metrics.feedback import feedback_summary
from tests.metrics.conftest import add_session

D = dt.date


def test_key_figures_compare_the_month_so_far_with_the_same_days_of_last_month(small):
    # Today is 2 November: 1-2 November against 1-2 October, not against all of October.
    h, a, p = "host", "attendee", small.p
    add_session(
        small.db,
        21,
        small.prog["P1"],
        None,
        "workshop",
        "2026-10-01T10:00:00+00:00",
        60,
        "held",
        [(p["dee"], h, None), (p["ben"], a, 1)],
    )
    add_session(
        small.db,
        22,
        small.prog["P1"],
        None,
        "workshop",
        "2026-10-02T10:00:00+00:00",
        30,
        "held",
        [(p["dee"], h, 1), (p["cai"], a, 0)],
    )
    add_session(small.db, 23, small.prog["P1"], None, "workshop", "2026-11-01T10:00:00+00:00", 90, "held",
                [(p["ana"], h, None), (p["ben"], a, 1), (p["cai"], a, 1)])  # fmt: skip
    board = dashboard(small.db)
    assert board.period == Period.month(D(2026, 11, 2))
    assert (board.current.start, board.current.end) == (D(2026, 11, 1), D(2026, 11, 2))
    assert (board.compared.start, board.compared.end) == (D(2026, 10, 1), D(2026, 10, 2))
    assert str(board.current) == "1–2 November 2026 (so far)" and str(board.compared) == "1–2 October 2026"
    f = board.figure
    assert f("active_participants").value == 5
    # ana ben cai of 5 present on 1-2 Nov; dee and ben on 1-2 Oct (cai was absent)
    assert (f("participation_rate").value, f("participation_rate").previous) == (60.0, 40.0)
    assert (f("sessions").value, f("sessions").previous) == (1, 2)  # s6 on 5 Nov is still to come
    # recorded rows: ben 1, cai 1 on 1 Nov; ben 1, dee 1 (host), cai 0 on 1-2 Oct
    assert f("attendance_rate").value == 100.0 and f("attendance_rate").previous == pytest.approx(200 / 3)
    assert (f("learning_hours").value, f("learning_hours").previous) == (3.0, 1.0)
    assert f("learning_hours").change == 2.0


def test_a_month_that_is_over_compares_with_the_whole_month_before(small):
    board = dashboard(small.db, period=Period.month(D(2026, 10, 1)))
    assert board.current == Period.month(D(2026, 10, 1)) and board.compared == Period.month(D(2026, 9, 1))
    f = board.figure
    assert (f("sessions").value, f("sessions").previous) == (6, 2)  # s3 s4 s7 s8 s9 s10; s1 s2
    assert f("learning_hours").value == pytest.approx(6.75) and f("learning_hours").previous == pytest.approx(1.0)
    assert f("average_rating").previous == pytest.approx(3.5)


def test_previous_of_the_first_days_of_a_month_is_the_same_days_before():
    assert Period(D(2026, 3, 1), D(2026, 3, 31)).previous() == Period.month(D(2026, 2, 1))
    feb = Period(D(2026, 3, 1), D(2026, 3, 30)).previous()  # February has no 30th: all of it
    assert (feb.start, feb.end) == (D(2026, 2, 1), D(2026, 2, 28))
    assert Period.month(D(2026, 12, 1)).so_far(D(2026, 12, 2)) == Period(
        D(2026, 12, 1), D(2026, 12, 2), "1–2 December 2026 (so far)"
    )
    assert Period.month(D(2026, 11, 1)).so_far(D(2026, 12, 2)) == Period.month(D(2026, 11, 1))


def test_monthly_series(small):
    months = {m.month: m for m in dashboard(small.db).months}
    assert len(months) == 12 and max(months) == D(2026, 11, 1)
    sept, octo = months[D(2026, 9, 1)], months[D(2026, 10, 1)]
    assert (sept.sessions_held, sept.average_rating, sept.learning_hours) == (2, 3.5, 1.0)
    assert sept.attendance_rate == pytest.approx(200 / 3)
    assert (octo.sessions_held, octo.average_rating, octo.learning_hours) == (4, 4.0, 6.75)
    assert months[D(2026, 8, 1)].attendance_rate is None


def test_action_lists(small):
    board = dashboard(small.db)
    stale = board.action("stale_pairings")
    assert stale.total == 2 and [i.target_id for i in stale.items] == [small.pair["pr1"], small.pair["pr4"]]
    assert stale.items[0].title == "Ana & Ben" and "43 days ago" in stale.items[0].detail
    assert "never met" in stale.items[1].detail
    assert board.action("untrained_mentors").total == 0
    unpaired = board.action("unpaired")
    assert unpaired.total == 1 and unpaired.items[0].target_id == small.p["gus"]
    waiting = board.action("awaiting_attendance")
    assert [i.target_id for i in waiting.items] == [small.s["s10"], small.s["s7"], small.s["s8"]]  # newest first
    assert all(i.target == "session" for i in waiting.items)
    feedback = board.action("awaiting_feedback")
    assert [i.target_id for i in feedback.items] == [small.s["s7"]]
    assert [u.session_id for u in board.upcoming] == [small.s["s6"]]
    assert board.upcoming[0].hosts == "Ana" and board.upcoming[0].people == 2


def test_untrained_mentor_with_a_mentee_is_listed(small):
    small.db.execute("DELETE FROM training_completions WHERE participant_id = ?", (small.p["ana"],))
    found = untrained_mentors(small.db, Scope())
    assert found.total == 1
    assert found.items[0].target_id == small.p["ana"] and "1 mentee" in found.items[0].detail


def test_dashboard_of_one_program(small):
    board = dashboard(small.db, small.prog["P2"])
    assert board.figure("active_participants").value == 2
    october = dashboard(small.db, small.prog["P2"], period=Period.month(D(2026, 10, 1)))
    assert october.figure("sessions").value == 3  # s4 (through pr2), s8, s9; s5 was cancelled
    assert board.action("unpaired").total == 0  # dee is in pr2, ana in pr4
    assert board.action("awaiting_feedback").total == 0  # s7 belongs to P1


def test_feedback_summary(small):
    summary = feedback_summary(small.db)
    assert summary.ratings == 7 and summary.average == pytest.approx(27 / 7)
    assert summary.distribution == (0, 1, 1, 3, 2)
    kinds = {g.key: g for g in summary.by_kind}
    assert (kinds["pair_meeting"].sessions, kinds["pair_meeting"].ratings) == (3, 4)
    assert kinds["pair_meeting"].average == pytest.approx(4.0) and kinds["pair_meeting"].good_share == 75.0
    assert kinds["pair_meeting"].low == 1
    assert kinds["workshop"].average == pytest.approx(3.5) and kinds["workshop"].label == "Workshop"
    assert kinds["lunch_and_learn"].label == "Lunch & learn"
    hosts = {g.label: g for g in summary.by_host}
    assert set(hosts) == {"Ana", "Dee"}  # s4 had no host
    assert (hosts["Ana"].sessions, hosts["Ana"].ratings, hosts["Ana"].average) == (2, 3, 4.0)
    assert [(g.key, g.ratings, g.average) for g in summary.by_month] == [("2026-09", 2, 3.5), ("2026-10", 5, 4.0)]
    assert [(c.comment, c.author) for c in summary.comments] == [
        ("Useful", "Ana"),
        ("Nice", "Dee"),
        ("Too long", "Anonymous"),
        ("Great intro", "Ben"),
    ]
    october = feedback_summary(small.db, Scope(period=Period.month(D(2026, 10, 1))))
    assert october.ratings == 5


def test_feedback_summary_without_hosts_is_the_same_summary(small):
    for scope in (Scope(), Scope(period=Period.month(D(2026, 10, 1))), Scope(program_id=small.prog["P1"])):
        full = feedback_summary(small.db, scope)
        assert full.by_host
        assert feedback_summary(small.db, scope, hosts=False) == replace(full, by_host=())


def test_program_figures(small):
    f = program_figures(small.db, small.prog["P1"])
    assert f.period == Period(D(2026, 9, 1), D(2026, 11, 2), "Onboarding")
    assert (f.members, f.completed, f.active_members) == (3, 0, 3)
    assert f.sessions_held == 4 and f.learning_hours == pytest.approx(6.0)
    assert f.mentoring_hours == pytest.approx(5.5)
    assert f.attendance_rate == pytest.approx(500 / 7)  # s1 1/1, s2 1/2, s3 2/3, s7 1/1
    assert f.average_rating == pytest.approx(3.5)
    assert f.active_pairings == 1  # pr1 (pr3 ended)
    assert f.participation_rate == pytest.approx(100.0)
    assert f.completion_rate == 0.0
