"""A small program with names in many scripts, whose figures are worked out by hand.

Clock: 2026-11-02 09:00 UTC (tests/conftest.py). Program "Platform Onboarding" (P),
started 2026-09-01. People:
  zoe  Zoë Ødegård        Engineering mentor   hosts s1 s2 s3 (60 + 90 + 600 min = 12.5 h)
  mo   محمد عبد الله       Sales       mentor   hosts s4 (60 min = 1 h)
  yam  山田 太郎            Engineering mentee   attends s1 s2 s3 s4 (all present)
  kim  김민준               Sales       mentee   attends s1 (absent) s3 (present)
  dav  דוד בן-גוריון       HR          peer     attends s3 s4 (present), program completed
  dim  Дмитрий Иванов      HR          mentee   attends s2 s3 s4 (present), program completed
  ele  Ελένη Παπαδοπούλου  Sales       peer     not in the program
Sessions (all held, program P):
  s1 pair_meeting 2026-09-10 60   zoe host, yam present, kim absent
  s2 pair_meeting 2026-10-05 90   zoe host, yam present, dim present
  s3 workshop     2026-10-20 600  zoe host, yam kim dav dim present
  s4 lunch_and_learn 2026-10-25 60 mo host, yam dav dim present
Feedback on zoe's sessions: 5, 4 (anonymous "Clear and kind"), 5 ("Great workshop") -> 4.67
Feedback on mo's session: 3.
Zoe: 3 sessions led, 12.5 h mentored, people helped = yam, dim, kim, dav = 4, rating 4.67.
Award: "Community Builder" to mo, in P, reason "for starting the lunch & learn series".
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from peerdesk.store.participants import add_participant
from peerdesk.store.records import Participant

NAMES = {
    "zoe": "Zoë Ødegård",
    "mo": "محمد عبد الله",
    "yam": "山田 太郎",
    "kim": "김민준",
    "dav": "דוד בן-גוריון",
    "dim": "Дмитрий Иванов",
    "ele": "Ελένη Παπαδοπούλου",
}
PEOPLE = [
    ("zoe", "Engineering", "mentor"),
    ("mo", "Sales", "mentor"),
    ("yam", "Engineering", "mentee"),
    ("kim", "Sales", "mentee"),
    ("dav", "HR", "peer"),
    ("dim", "HR", "mentee"),
    ("ele", "Sales", "peer"),
]


@dataclass
class Fixture:
    db: object
    p: dict[str, int]
    program: int
    s: dict[str, int]
    award: int


def _session(db, n, program, kind, start, minutes, people, pairing=None):
    cur = db.execute(
        "INSERT INTO sessions(uid, program_id, pairing_id, kind, title, start_utc, timezone, duration_min, status, "
        "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'UTC', ?, 'held', 'x', 'x')",
        (f"s{n}@test", program, pairing, kind, f"Session {n}", start, minutes),
    )
    sid = cur.lastrowid
    for person, role, attended in people:
        db.execute(
            "INSERT INTO session_people(session_id, participant_id, role, attended) VALUES (?, ?, ?, ?)",
            (sid, person, role, attended),
        )
    return sid


def _feedback(db, session, person, rating, comment="", anonymous=0):
    db.execute(
        "INSERT INTO feedback(session_id, participant_id, rating, comment, anonymous, submitted_at) "
        "VALUES (?, ?, ?, ?, ?, '2026-10-30T00:00:00+00:00')",
        (session, person, rating, comment, anonymous),
    )


def build(db) -> Fixture:
    p = {}
    for key, dept, role in PEOPLE:
        p[key] = add_participant(
            db, Participant(name=NAMES[key], email=f"{key}@example.com", department=dept, role=role)
        ).id
    program = db.execute(
        "INSERT INTO programs(name, objective, start_date, status, created_at) "
        "VALUES ('Platform Onboarding', 'onboarding', '2026-09-01', 'active', 'x')"
    ).lastrowid
    for key in ("zoe", "mo", "yam", "kim", "dav", "dim"):
        completed = "2026-10-31" if key in ("dav", "dim") else None
        db.execute(
            "INSERT INTO program_members(program_id, participant_id, enrolled_on, completed_on) VALUES (?, ?, ?, ?)",
            (program, p[key], "2026-09-01", completed),
        )
    pairing = db.execute(
        "INSERT INTO pairings(program_id, kind, status, started_on, created_at) VALUES (?, 'mentoring', 'active', "
        "'2026-09-01', 'x')",
        (program,),
    ).lastrowid
    db.execute("INSERT INTO pairing_members VALUES (?, ?, 'mentor')", (pairing, p["zoe"]))
    db.execute("INSERT INTO pairing_members VALUES (?, ?, 'mentee')", (pairing, p["yam"]))
    h, a = "host", "attendee"
    s = {
        "s1": _session(
            db, 1, program, "pair_meeting", "2026-09-10T10:00:00+00:00", 60,
            [(p["zoe"], h, None), (p["yam"], a, 1), (p["kim"], a, 0)], pairing,
        ),
        "s2": _session(
            db, 2, program, "pair_meeting", "2026-10-05T10:00:00+00:00", 90,
            [(p["zoe"], h, 1), (p["yam"], a, 1), (p["dim"], a, 1)], pairing,
        ),
        "s3": _session(
            db, 3, program, "workshop", "2026-10-20T09:00:00+00:00", 600,
            [(p["zoe"], h, None), (p["yam"], a, 1), (p["kim"], a, 1), (p["dav"], a, 1), (p["dim"], a, 1)],
        ),
        "s4": _session(
            db, 4, program, "lunch_and_learn", "2026-10-25T12:00:00+00:00", 60,
            [(p["mo"], h, 1), (p["yam"], a, 1), (p["dav"], a, 1), (p["dim"], a, 1)],
        ),
    }  # fmt: skip
    _feedback(db, s["s1"], p["yam"], 5)
    _feedback(db, s["s2"], p["dim"], 4, "Clear and kind", anonymous=1)
    _feedback(db, s["s3"], p["kim"], 5, "Great workshop")
    _feedback(db, s["s4"], p["dav"], 3)
    award = db.execute(
        "INSERT INTO awards(participant_id, program_id, title, reason, awarded_on) VALUES (?, ?, ?, ?, ?)",
        (p["mo"], program, "Community Builder", "for starting the lunch & learn series", "2026-10-30"),
    ).lastrowid
    db.execute(
        "INSERT INTO settings(key, value) VALUES ('organisation', '\"Northwind Labs\"'), "
        "('signer_name', '\"Ana Silva\"'), ('signer_title', '\"Head of People\"')"
    )
    return Fixture(db, p, program, s, award)


@pytest.fixture
def small(db) -> Fixture:
    with db.atomic():
        return build(db)


D = dt.date
