"""A small program written straight into the tables, the way the sessions store lays it out."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

UTC = dt.UTC
BERLIN = ZoneInfo("Europe/Berlin")
STAMP = "2026-10-01T08:00:00+00:00"

PEOPLE = [
    # name, email, timezone
    ("Zoë Ødegård", "zoe@example.com", "Europe/Oslo"),
    ("李小龍", "li@example.com", "Asia/Shanghai"),
    ("Олена Коваленко", "olena@example.com", "Europe/Kyiv"),
    ("محمد علي", "mohammed@example.com", "Asia/Dubai"),
    ('O\'Brien, "Pat"; Jr.', "pat@example.com", "America/New_York"),
    ("Ana Silva", "ana.silva@example.com", "Europe/Lisbon"),
    ("ana silva", "ana.silva2@example.com", "Europe/Lisbon"),
]

EVIL_TITLE = 'Review, retro; "C:\\temp\\new" plan\nEND:VEVENT\nBEGIN:VEVENT'
EVIL_DESCRIPTION = (
    "Agenda:\r\n1. intro; 2. demo, Q&A\\n\nEND:VCALENDAR\rBEGIN:VTODO\nUID:evil\u2028ATTACH:x\x0bX-EVIL:1\x85END"
)
EVIL_LOCATION = "Room 4, floor 2; \\ wing\nX-INJECTED:yes"


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


def berlin(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=BERLIN).astimezone(UTC)


def iso(value: dt.datetime) -> str:
    return value.astimezone(UTC).isoformat()


@dataclass
class Program:
    """Ids of what the fixture wrote, for tests to refer to."""

    people: dict[str, int] = field(default_factory=dict)  # email -> id
    program_id: int = 0
    dst_session: int = 0
    evil_session: int = 0
    cancelled_session: int = 0
    past_session: int = 0
    utc_session: int = 0
    series_id: int = 0
    series_sessions: list[int] = field(default_factory=list)
    series_cancelled: int = 0
    series_moved: int = 0


def set_coordinator(db, name="Ana Coordinator", email="coordinator@example.com", reminder=15) -> None:
    for key, value in (("coordinator_name", name), ("coordinator_email", email), ("reminder_minutes", reminder)):
        db.execute(
            "INSERT INTO settings(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            (key, json.dumps(value)),
        )


def add_person(db, name: str, email: str, tz: str = "UTC") -> int:
    cur = db.execute(
        "INSERT INTO participants(name, email, timezone, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
        (name, email, tz, STAMP, STAMP),
    )
    return int(cur.lastrowid)


def add_session(
    db,
    *,
    uid: str,
    title: str,
    start: dt.datetime,
    minutes: int = 60,
    tz: str = "Europe/Berlin",
    status: str = "planned",
    program_id: int | None = None,
    series_id: int | None = None,
    original: dt.datetime | None = None,
    sequence: int = 0,
    description: str = "",
    location: str = "",
    url: str = "",
    kind: str = "workshop",
    people: tuple[tuple[int, str], ...] = (),
    skills: tuple[str, ...] = (),
) -> int:
    cur = db.execute(
        "INSERT INTO sessions(uid, program_id, series_id, kind, title, description, location, online_url, "
        "start_utc, timezone, duration_min, status, original_start_utc, sequence, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            uid,
            program_id,
            series_id,
            kind,
            title,
            description,
            location,
            url,
            iso(start),
            tz,
            minutes,
            status,
            iso(original) if original else None,
            sequence,
            STAMP,
            STAMP,
        ),
    )
    sid = int(cur.lastrowid)
    for pid, role in people:
        db.execute("INSERT INTO session_people(session_id, participant_id, role) VALUES (?, ?, ?)", (sid, pid, role))
    for skill in skills:
        db.execute("INSERT OR IGNORE INTO skills(name) VALUES (?)", (skill,))
        skill_id = db.execute("SELECT id FROM skills WHERE name = ?", (skill,)).fetchone()[0]
        db.execute("INSERT INTO session_skills(session_id, skill_id) VALUES (?, ?)", (sid, skill_id))
    return sid


def build_program(db) -> Program:
    """People in several scripts, a DST-crossing session, a weekly series with exceptions, nasty text."""
    out = Program()
    set_coordinator(db)
    for name, email, tz in PEOPLE:
        out.people[email] = add_person(db, name, email, tz)
    zoe, li, olena, mohammed, pat, ana, ana2 = out.people.values()
    out.program_id = int(
        db.execute(
            "INSERT INTO programs(name, objective, created_at) VALUES (?, ?, ?)",
            ("Onboarding 2027", "onboarding", STAMP),
        ).lastrowid
    )
    # Europe switches to summer time on 2027-03-28 at 01:00 UTC: 01:30 CET + 90 min = 04:00 CEST.
    out.dst_session = add_session(
        db,
        uid="dst-1@peerdesk.test",
        title="Night deploy drill",
        start=berlin(2027, 3, 28, 1, 30),
        minutes=90,
        program_id=out.program_id,
        people=((zoe, "host"), (li, "attendee")),
        skills=("Kubernetes",),
    )
    out.evil_session = add_session(
        db,
        uid="evil-1@peerdesk.test",
        title=EVIL_TITLE,
        start=berlin(2026, 11, 10, 12, 0),
        minutes=45,
        description=EVIL_DESCRIPTION,
        location=EVIL_LOCATION,
        url="https://meet.example.com/abc?x=1&y=2",
        kind="lunch_and_learn",
        program_id=out.program_id,
        people=((pat, "host"), (mohammed, "attendee"), (olena, "attendee"), (ana, "attendee"), (ana2, "attendee")),
        skills=("C++, Rust; Go", "Python"),
    )
    out.cancelled_session = add_session(
        db,
        uid="cancelled-1@peerdesk.test",
        title="Brown-bag: SQL tricks",
        start=berlin(2026, 11, 20, 12, 0),
        status="cancelled",
        sequence=2,
        kind="brown_bag",
        people=((olena, "host"), (zoe, "attendee")),
    )
    out.past_session = add_session(
        db,
        uid="past-1@peerdesk.test",
        title="Kick-off",
        start=berlin(2026, 10, 1, 9, 0),
        status="held",
        program_id=out.program_id,
        people=((zoe, "host"), (mohammed, "attendee")),
    )
    out.utc_session = add_session(
        db,
        uid="utc-1@peerdesk.test",
        title="Show & tell",
        start=utc(2026, 12, 3, 15, 0),
        tz="UTC",
        kind="show_and_tell",
        url="not a link\nX-BAD:1",
        people=((li, "host"), (ana, "attendee")),
    )
    # Weekly pair meeting, Wednesdays 10:00 Berlin, 8 times from 2027-03-10 (crosses 2027-03-28).
    first = dt.datetime(2027, 3, 10, 10, 0)
    out.series_id = int(
        db.execute(
            "INSERT INTO series(rrule, timezone, first_start_local, created_at) VALUES (?, ?, ?, ?)",
            ("FREQ=WEEKLY;COUNT=8", "Europe/Berlin", first.isoformat(), STAMP),
        ).lastrowid
    )
    for i in range(8):
        rule_start = berlin(2027, 3, 10 + 7 * i, 10, 0) if 10 + 7 * i <= 31 else berlin(2027, 4, 10 + 7 * i - 31, 10, 0)
        start, status, seq = rule_start, "planned", 0
        if i == 2:
            status, seq = "cancelled", 1
        if i == 4:  # moved to Thursday 14:00
            start, seq = rule_start + dt.timedelta(days=1, hours=4), 3
        sid = add_session(
            db,
            uid=f"series-occ-{i}@peerdesk.test",
            title="Mentoring: Zoë × Олена",
            start=start,
            minutes=50,
            status=status,
            series_id=out.series_id,
            original=rule_start,
            sequence=seq,
            kind="pair_meeting",
            location="Café, 3rd floor",
            program_id=out.program_id,
            people=((zoe, "host"), (olena, "attendee")),
        )
        out.series_sessions.append(sid)
        if i == 2:
            out.series_cancelled = sid
        if i == 4:
            out.series_moved = sid
    return out
