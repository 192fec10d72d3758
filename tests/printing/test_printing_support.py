"""The report breakdowns agree with the catalogue figures for the same scope."""

from __future__ import annotations

import pytest

from peerdesk.metrics import catalogue as cat
from peerdesk.metrics import printing_support as ps
from peerdesk.metrics.scope import Period, Scope
from tests.printing.conftest import NAMES, D


def test_participation_by_department_matches_catalogue(small):
    scope = Scope(program_id=small.program)
    rows = ps.participation_by_department(small.db, scope)
    assert [r.department for r in rows] == ["Engineering", "HR", "Sales"]
    for r in rows:
        expected = cat.compute(small.db, "participation_rate", Scope(program_id=small.program, department=r.department))
        assert r.rate == pytest.approx(expected)
    assert sum(r.active for r in rows) == cat.compute(small.db, "active_participants", scope)
    assert sum(r.engaged for r in rows) == cat.compute(small.db, "engaged_participants", scope)


def test_sessions_by_kind_and_month_add_up(small):
    scope = Scope(program_id=small.program)
    grid = ps.sessions_by_kind_and_month(small.db, scope)
    assert grid == {
        ("2026-09", "pair_meeting"): 1,
        ("2026-10", "pair_meeting"): 1,
        ("2026-10", "workshop"): 1,
        ("2026-10", "lunch_and_learn"): 1,
    }
    assert sum(grid.values()) == cat.compute(small.db, "sessions_held", scope)
    october = Scope(period=Period(D(2026, 10, 1), D(2026, 10, 31)), program_id=small.program)
    kinds = ps.sessions_by_kind(small.db, october)
    assert kinds == {"pair_meeting": (1, 1.5), "workshop": (1, 10.0), "lunch_and_learn": (1, 1.0)}


def test_skills_learned_counts_distinct_learners(small):
    db = small.db
    sql = db.execute("INSERT INTO skills(name) VALUES ('SQL')").lastrowid
    py = db.execute("INSERT INTO skills(name) VALUES ('Python')").lastrowid
    db.execute("INSERT INTO session_skills VALUES (?, ?)", (small.s["s3"], sql))
    db.execute("INSERT INTO session_skills VALUES (?, ?)", (small.s["s1"], sql))
    db.execute("INSERT INTO session_skills VALUES (?, ?)", (small.s["s4"], py))
    learned = ps.skills_learned(db, Scope(program_id=small.program))
    assert [(s.skill, s.sessions, s.learners) for s in learned] == [("SQL", 2, 4), ("Python", 1, 3)]


def test_feedback_received_is_anonymised_where_asked(small):
    items = ps.feedback_received(small.db, small.p["zoe"], Scope())
    assert [(i.rating, i.comment, i.rater) for i in items] == [
        (5, "Great workshop", NAMES["kim"]),
        (4, "Clear and kind", ""),
        (5, "", NAMES["yam"]),
    ]


def test_sessions_of_a_person(small):
    lines = ps.sessions_of(small.db, small.p["kim"], Scope())
    assert [(line.title, line.role, line.attended) for line in lines] == [
        ("Session 1", "attendee", False),
        ("Session 3", "attendee", True),
    ]
