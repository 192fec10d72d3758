"""Per-person figures, contribution points and the leaderboard, computed by hand (see conftest)."""

from __future__ import annotations

import datetime as dt

import pytest

from peerdesk.metrics import Period, Scope, leaderboard, people_figures, person_figures

D = dt.date


def test_mentor_figures(small):
    ana = person_figures(small.db, small.p["ana"])
    assert ana.sessions_led == 4  # s1 s2 s3 s7 (unrecorded host attendance counts)
    assert ana.hours_mentored == pytest.approx(5.5)
    assert ana.people_helped == 2  # ben and cai
    assert ana.ratings_received == 3  # 5, 4, 3; her own 2 on s2 does not count
    assert ana.average_rating_received == pytest.approx(4.0)
    assert ana.good_ratings == 2
    assert ana.sessions_attended == 1 and ana.hours_learning == pytest.approx(0.75)
    assert ana.trained
    assert [p.name for p in ana.programs] == ["Onboarding", "Collab"]
    assert ana.program(small.prog["P1"]).completed_on is None
    assert ana.points == 69  # 40 + 16.5 + 10 + 2 = 68.5, halves up


def test_learner_figures(small):
    ben = person_figures(small.db, small.p["ben"])
    assert (ben.sessions_attended, ben.hours_learning, ben.sessions_led, ben.points) == (2, 3.0, 0, 0)
    cai = person_figures(small.db, small.p["cai"])
    assert (cai.sessions_attended, cai.hours_learning) == (3, 3.5)
    gus = person_figures(small.db, small.p["gus"])
    assert gus.sessions_attended == 0 and gus.points == 0 and not gus.trained


def test_mentee_of_an_ended_pairing_counts_for_its_period(small):
    eve = person_figures(small.db, small.p["eve"])
    assert eve.people_helped == 1 and eve.points == 5
    october = person_figures(small.db, small.p["eve"], Scope(period=Period.month(D(2026, 10, 1))))
    assert october.people_helped == 0  # pr3 ended on 09-30


def test_people_figures_of_everyone_in_one_call(small):
    figures = people_figures(small.db)
    assert set(figures) == {small.p[n] for n in ("ana", "ben", "cai", "dee", "eve")}
    dee = figures[small.p["dee"]]
    assert (dee.sessions_led, dee.hours_mentored, dee.people_helped, dee.good_ratings) == (1, 0.75, 1, 1)
    assert dee.points == 18  # 10 + 2.25 + 5 + 1


def test_leaderboard_all_time_and_per_period(small):
    board = leaderboard(small.db)
    assert [(e.rank, e.name, e.points) for e in board] == [(1, "Ana", 69), (2, "Dee", 18)]  # eve is paused
    september = leaderboard(small.db, Scope(period=Period.month(D(2026, 9, 1))))
    # ana: s1 s2 = 20, 2.5 h = 7.5, ben helped = 5, one good rating = 1
    assert [(e.name, e.points) for e in september] == [("Ana", 34)]
    assert leaderboard(small.db, Scope(department="HR"))[0].name == "Dee"
    assert leaderboard(small.db, limit=1)[0].name == "Ana" and len(leaderboard(small.db, limit=1)) == 1


def test_ties_share_a_rank(small):
    db = small.db
    # Give gus exactly dee's contribution: host a 45 minute session where one person came and rated 4.
    db.execute(
        "INSERT INTO sessions(uid, kind, title, start_utc, timezone, duration_min, status, created_at, updated_at) "
        "VALUES ('t@x', 'workshop', 'Tie', '2026-10-23T10:00:00+00:00', 'UTC', 45, 'held', 'x', 'x')"
    )
    sid = db.execute("SELECT max(id) FROM sessions").fetchone()[0]
    db.execute("INSERT INTO session_people VALUES (?, ?, 'host', 1)", (sid, small.p["gus"]))
    db.execute("INSERT INTO session_people VALUES (?, ?, 'attendee', 1)", (sid, small.p["ben"]))
    db.execute(
        "INSERT INTO feedback(session_id, participant_id, rating, submitted_at) VALUES (?, ?, 4, 'x')",
        (sid, small.p["ben"]),
    )
    board = leaderboard(small.db)
    assert [(e.rank, e.points) for e in board] == [(1, 69), (2, 18), (2, 18)]


@pytest.mark.parametrize(
    "scope",
    [
        Scope(),
        Scope(period=Period.month(D(2026, 9, 1))),
        Scope(department="HR"),
        Scope(period=Period.month(D(2026, 10, 1))),
    ],
)
def test_figures_of_a_few_people_equal_their_figures_among_everyone(small, scope):
    # A few ids are read person-first, everyone period-first: both plans give the same figures.
    everyone = people_figures(small.db, scope)
    few = people_figures(small.db, scope, everyone)
    assert few == everyone
    for entry in leaderboard(small.db, scope, limit=None):  # ranked on partial figures, listed with full ones
        assert entry.figures == everyone[entry.participant_id]
