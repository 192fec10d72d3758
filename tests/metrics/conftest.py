"""A small fixed program whose figures are computed by hand in the tests (clock: 2026-11-02 09:00 UTC).

People (department, role, status):
  ana  Engineering mentor  active   hired 2020-01-01   trained (M2 on 2026-10-20)
  ben  Sales       mentee  active   hired 2026-09-01
  cai  Engineering mentee  active   hired 2026-09-15
  dee  HR          peer    active   no hire date       trained (both on 2026-09-01)
  eve  Sales       both    paused   hired 2019-05-01   M1 only
  fay  Engineering peer    archived hired 2026-09-20
  gus  Engineering peer    active   no hire date
Programs: P1 Onboarding (from 2026-09-01): ana, ben, cai; P2 Collab (from 2026-10-01): dee, ana.
Pairings: pr1 mentoring P1 ana->ben from 09-01; pr2 buddy P2 cai+dee from 09-10;
          pr3 mentoring P1 eve->cai 08-01..09-30 (ended); pr4 buddy P2 ana+cai from 10-01.
Sessions (host h / attendee a; 1 came, 0 absent, - not recorded):
  s1  P1 pr1 pair_meeting    09-05 60  held      ana h-, ben a1
  s2  P1 pr1 pair_meeting    09-20 90  held      ana h1, ben a0
  s3  P1     workshop        10-10 120 held      ana h-, ben a1, cai a1, dee a0
  s4  -  pr2 pair_meeting    10-15 30  held      cai a1, dee a1          (no program: via pr2 -> P2)
  s5  P2     lunch_and_learn 10-20 60  cancelled dee h
  s6  P1 pr1 pair_meeting    11-05 60  planned   ana h, ben a
  s7  P1     workshop        10-30 60  held      ana h-, ben a-, cai a1
  s8  P2 pr2 pair_meeting    10-28 30  planned   cai a, dee a           (over, not marked held)
  s9  P2     lunch_and_learn 10-22 45  held      dee h1, ana a1, gus a0
  s10 P1     workshop        10-31 60  planned   ana h, cai a           (over, not marked held)
Feedback: s1 ben 5; s2 ana 2 (on her own session); s3 ben 4, cai 3 (anonymous, "Too long");
          s4 cai 5, dee 4 ("Nice"); s9 ana 4 ("Useful").
Training: M1, M2 required, M3 optional.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from peerdesk.store.participants import add_participant
from peerdesk.store.programs import Program, add_program, enrol
from peerdesk.store.records import Participant
from peerdesk.store.training import Module, add_module, record_completion

D = dt.date


@dataclass
class Small:
    db: object
    p: dict[str, int]
    prog: dict[str, int]
    pair: dict[str, int]
    s: dict[str, int]
    mod: dict[str, int]


PEOPLE = [
    ("ana", "Engineering", "mentor", "active", False, D(2020, 1, 1)),
    ("ben", "Sales", "mentee", "active", False, D(2026, 9, 1)),
    ("cai", "Engineering", "mentee", "active", False, D(2026, 9, 15)),
    ("dee", "HR", "peer", "active", False, None),
    ("eve", "Sales", "both", "paused", False, D(2019, 5, 1)),
    ("fay", "Engineering", "peer", "active", True, D(2026, 9, 20)),
    ("gus", "Engineering", "peer", "active", False, None),
]


def add_pairing(db, program, kind, members, started, ended=None):
    cur = db.execute(
        "INSERT INTO pairings(program_id, kind, status, started_on, ended_on, created_at) VALUES (?, ?, ?, ?, ?, ?)",
        (program, kind, "ended" if ended else "active", started.isoformat(), ended.isoformat() if ended else None, "x"),
    )
    pid = cur.lastrowid
    for person, role in members:
        db.execute(
            "INSERT INTO pairing_members(pairing_id, participant_id, role) VALUES (?, ?, ?)", (pid, person, role)
        )
    return pid


def add_session(db, n, program, pairing, kind, start, minutes, status, people):
    cur = db.execute(
        "INSERT INTO sessions(uid, program_id, pairing_id, kind, title, start_utc, timezone, duration_min, status, "
        "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'UTC', ?, ?, 'x', 'x')",
        (f"s{n}@test", program, pairing, kind, f"Session {n}", start, minutes, status),
    )
    sid = cur.lastrowid
    for person, role, attended in people:
        db.execute(
            "INSERT INTO session_people(session_id, participant_id, role, attended) VALUES (?, ?, ?, ?)",
            (sid, person, role, attended),
        )
    return sid


def add_feedback(db, session, person, rating, comment="", anonymous=0):
    db.execute(
        "INSERT INTO feedback(session_id, participant_id, rating, comment, anonymous, submitted_at) "
        "VALUES (?, ?, ?, ?, ?, 'x')",
        (session, person, rating, comment, anonymous),
    )


def build_small(db) -> Small:
    p = {}
    for name, dept, role, status, archived, hired in PEOPLE:
        p[name] = add_participant(
            db,
            Participant(
                name=name.capitalize(),
                email=f"{name}@example.com",
                department=dept,
                role=role,
                status=status,
                archived=archived,
                hire_date=hired,
            ),
        ).id
    prog = {
        "P1": add_program(db, Program("Onboarding", "onboarding", start_date=D(2026, 9, 1))).id,
        "P2": add_program(db, Program("Collab", "collaboration", start_date=D(2026, 10, 1))).id,
    }
    enrol(db, prog["P1"], [p["ana"], p["ben"], p["cai"]], D(2026, 9, 1))
    enrol(db, prog["P2"], [p["dee"], p["ana"]], D(2026, 10, 1))
    pair = {
        "pr1": add_pairing(db, prog["P1"], "mentoring", [(p["ana"], "mentor"), (p["ben"], "mentee")], D(2026, 9, 1)),
        "pr2": add_pairing(db, prog["P2"], "buddy", [(p["cai"], "peer"), (p["dee"], "peer")], D(2026, 9, 10)),
        "pr3": add_pairing(
            db, prog["P1"], "mentoring", [(p["eve"], "mentor"), (p["cai"], "mentee")], D(2026, 8, 1), D(2026, 9, 30)
        ),
        "pr4": add_pairing(db, prog["P2"], "buddy", [(p["ana"], "peer"), (p["cai"], "peer")], D(2026, 10, 1)),
    }
    P1, P2 = prog["P1"], prog["P2"]
    h, a = "host", "attendee"
    rows = [
        (1, P1, pair["pr1"], "pair_meeting", "2026-09-05T10:00:00+00:00", 60, "held",
         [("ana", h, None), ("ben", a, 1)]),
        (2, P1, pair["pr1"], "pair_meeting", "2026-09-20T10:00:00+00:00", 90, "held",
         [("ana", h, 1), ("ben", a, 0)]),
        (3, P1, None, "workshop", "2026-10-10T14:00:00+00:00", 120, "held",
         [("ana", h, None), ("ben", a, 1), ("cai", a, 1), ("dee", a, 0)]),
        (4, None, pair["pr2"], "pair_meeting", "2026-10-15T09:00:00+00:00", 30, "held",
         [("cai", a, 1), ("dee", a, 1)]),
        (5, P2, None, "lunch_and_learn", "2026-10-20T12:00:00+00:00", 60, "cancelled", [("dee", h, None)]),
        (6, P1, pair["pr1"], "pair_meeting", "2026-11-05T10:00:00+00:00", 60, "planned",
         [("ana", h, None), ("ben", a, None)]),
        (7, P1, None, "workshop", "2026-10-30T10:00:00+00:00", 60, "held",
         [("ana", h, None), ("ben", a, None), ("cai", a, 1)]),
        (8, P2, pair["pr2"], "pair_meeting", "2026-10-28T10:00:00+00:00", 30, "planned",
         [("cai", a, None), ("dee", a, None)]),
        (9, P2, None, "lunch_and_learn", "2026-10-22T12:00:00+00:00", 45, "held",
         [("dee", h, 1), ("ana", a, 1), ("gus", a, 0)]),
        (10, P1, None, "workshop", "2026-10-31T10:00:00+00:00", 60, "planned",
         [("ana", h, None), ("cai", a, None)]),
    ]  # fmt: skip
    s = {}
    for n, program, pairing, kind, start, minutes, status, people in rows:
        s[f"s{n}"] = add_session(
            db, n, program, pairing, kind, start, minutes, status, [(p[who], role, att) for who, role, att in people]
        )
    add_feedback(db, s["s1"], p["ben"], 5, "Great intro")
    add_feedback(db, s["s2"], p["ana"], 2)
    add_feedback(db, s["s3"], p["ben"], 4)
    add_feedback(db, s["s3"], p["cai"], 3, "Too long", anonymous=1)
    add_feedback(db, s["s4"], p["cai"], 5)
    add_feedback(db, s["s4"], p["dee"], 4, "Nice")
    add_feedback(db, s["s9"], p["ana"], 4, "Useful")
    mod = {
        "M1": add_module(db, Module("Mentoring basics")).id,
        "M2": add_module(db, Module("Listening")).id,
        "M3": add_module(db, Module("Lunch & learn", required=False)).id,
    }
    record_completion(db, p["ana"], mod["M1"], D(2026, 8, 1))
    record_completion(db, p["ana"], mod["M2"], D(2026, 10, 20))
    record_completion(db, p["eve"], mod["M1"], D(2026, 7, 1))
    record_completion(db, p["dee"], mod["M1"], D(2026, 9, 1))
    record_completion(db, p["dee"], mod["M2"], D(2026, 9, 1))
    return Small(db, p, prog, pair, s, mod)


@pytest.fixture
def small(db) -> Small:
    return build_small(db)
