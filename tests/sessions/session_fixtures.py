"""Small fixtures for session tests: people, a program, pairings."""

from __future__ import annotations

import datetime as dt

from peerdesk import clock
from peerdesk.store.participants import add_participant
from peerdesk.store.records import Participant, parse_availability


def person(db, name: str, tz: str = "Europe/Berlin", avail: str = "Mon 09:00-17:00; Tue 09:00-17:00", **kw):
    email = name.lower().replace(" ", ".") + "@example.com"
    return add_participant(
        db, Participant(name=name, email=email, timezone=tz, availability=parse_availability(avail), **kw)
    ).id


def program(db, name: str = "Onboarding") -> int:
    cur = db.execute(
        "INSERT INTO programs(name, objective, created_at) VALUES (?, 'onboarding', ?)", (name, clock.stamp())
    )
    return int(cur.lastrowid)


def enrol(db, program_id: int, *pids: int) -> None:
    for p in pids:
        db.execute(
            "INSERT INTO program_members(program_id, participant_id, enrolled_on) VALUES (?, ?, '2026-10-01')",
            (program_id, p),
        )


def pairing(db, *members: tuple[int, str], kind: str = "mentoring", program_id: int | None = None) -> int:
    cur = db.execute(
        "INSERT INTO pairings(program_id, kind, started_on, created_at) VALUES (?, ?, '2026-10-01', ?)",
        (program_id, kind, clock.stamp()),
    )
    pid = int(cur.lastrowid)
    for m, role in members:
        db.execute("INSERT INTO pairing_members(pairing_id, participant_id, role) VALUES (?, ?, ?)", (pid, m, role))
    return pid


def utc(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=dt.UTC)
