"""What an export needs from the store, read with plain SQL: sessions, their people and series."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from peerdesk.store.db import Database
from peerdesk.store.plans import steps_of_sessions

UTC = dt.UTC


@dataclass(frozen=True)
class Person:
    """Someone taking part in a session, as an attendee line of an invitation."""

    id: int
    name: str
    email: str
    timezone: str = "UTC"
    role: str = "attendee"  # host | attendee
    attended: bool | None = None


@dataclass(frozen=True)
class SessionItem:
    """One row of sessions with what an invitation shows about it."""

    id: int
    uid: str
    title: str
    kind: str
    start: dt.datetime  # aware, UTC
    duration_min: int
    timezone: str
    status: str = "planned"
    description: str = ""
    location: str = ""
    online_url: str = ""
    sequence: int = 0
    program_id: int | None = None
    program: str = ""
    series_id: int | None = None
    original_start: dt.datetime | None = None  # aware, UTC; the start the series rule gave it
    created: dt.datetime | None = None
    modified: dt.datetime | None = None
    skills: tuple[str, ...] = ()
    people: tuple[Person, ...] = ()
    guide: str = ""  # its step of the pairing's meeting plan, as text (peerdesk.store.plans)
    step_label: str = ""  # 'Meeting 2 of 6: Skills plan'

    @property
    def end(self) -> dt.datetime:
        return self.start + dt.timedelta(minutes=self.duration_min)

    @property
    def cancelled(self) -> bool:
        return self.status == "cancelled"

    @property
    def rule_start(self) -> dt.datetime:
        """Where this occurrence sits in its series' rule (its RECURRENCE-ID)."""
        return self.original_start or self.start


@dataclass(frozen=True)
class SeriesInfo:
    """A recurring series: its rule, in its own time zone, from its first local start."""

    id: int
    rrule: str
    timezone: str
    first_start_local: dt.datetime  # naive, wall clock in `timezone`
    created: dt.datetime | None = None


@dataclass
class Selection:
    """Sessions loaded for an export, with the series they belong to."""

    sessions: list[SessionItem] = field(default_factory=list)
    series: dict[int, SeriesInfo] = field(default_factory=dict)


def parse_utc(text: str | None) -> dt.datetime | None:
    """A stored ISO 8601 timestamp as an aware UTC datetime (naive ones are taken as UTC)."""
    if not text:
        return None
    value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


_SESSION_SQL = """
SELECT s.id, s.uid, s.title, s.kind, s.start_utc, s.duration_min, s.timezone, s.status,
       s.description, s.location, s.online_url, s.sequence, s.program_id,
       coalesce(p.name, ''), s.series_id, s.original_start_utc, s.created_at, s.updated_at
FROM sessions s LEFT JOIN programs p ON p.id = s.program_id
"""


def _chunks(ids: list[int], size: int = 500) -> Iterable[list[int]]:
    for i in range(0, len(ids), size):
        yield ids[i : i + size]


def session_ids(
    db: Database,
    *,
    ids: Iterable[int] | None = None,
    program_id: int | None = None,
    participant_ids: Iterable[int] | None = None,
    upcoming_after: dt.datetime | None = None,
) -> list[int]:
    """Ids of the sessions that pass every given filter, in start order.

    A session of a recurring series brings the whole series along (an invitation
    carries the series as one event with its rule), so the filters pick series
    by any of their occurrences.
    """
    where: list[str] = []
    params: list[object] = []
    if ids is not None:
        id_list = sorted({int(i) for i in ids})
        if not id_list:
            return []
        where.append(f"s.id IN ({','.join('?' * len(id_list))})")
        params.extend(id_list)
    if program_id is not None:
        where.append("s.program_id = ?")
        params.append(program_id)
    if participant_ids is not None:
        pids = sorted({int(i) for i in participant_ids})
        if not pids:
            return []
        where.append(
            f"s.id IN (SELECT session_id FROM session_people WHERE participant_id IN ({','.join('?' * len(pids))}))"
        )
        params.extend(pids)
    if upcoming_after is not None:
        # Still to come or under way: ends after the moment given.
        where.append("datetime(s.start_utc, '+' || s.duration_min || ' minutes') > datetime(?)")
        params.append(upcoming_after.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S"))
    sql = "SELECT s.id, s.series_id FROM sessions s"
    if where:
        sql += " WHERE " + " AND ".join(where)
    picked: set[int] = set()
    series: set[int] = set()
    for sid, series_id in db.execute(sql, params):
        picked.add(sid)
        if series_id is not None:
            series.add(series_id)
    if series:
        for chunk in _chunks(sorted(series)):
            rows = db.execute(f"SELECT id FROM sessions WHERE series_id IN ({','.join('?' * len(chunk))})", chunk)
            picked.update(r[0] for r in rows)
    return sorted(picked)


def load_selection(db: Database, ids: Iterable[int]) -> Selection:
    """Read the given sessions with their skills, people and series."""
    id_list = sorted(set(ids))
    rows: list[tuple[Any, ...]] = []
    skills: dict[int, list[str]] = defaultdict(list)
    people: dict[int, list[Person]] = defaultdict(list)
    for chunk in _chunks(id_list):
        marks = ",".join("?" * len(chunk))
        rows.extend(db.execute(f"{_SESSION_SQL} WHERE s.id IN ({marks})", chunk).fetchall())
        for sid, name in db.execute(
            f"SELECT ss.session_id, k.name FROM session_skills ss JOIN skills k ON k.id = ss.skill_id "
            f"WHERE ss.session_id IN ({marks}) ORDER BY ss.session_id, k.name COLLATE NOCASE",
            chunk,
        ):
            skills[sid].append(name)
        for sid, pid, name, email, tz, role, attended in db.execute(
            f"SELECT sp.session_id, p.id, p.name, p.email, p.timezone, sp.role, sp.attended "
            f"FROM session_people sp JOIN participants p ON p.id = sp.participant_id "
            f"WHERE sp.session_id IN ({marks}) "
            f"ORDER BY sp.session_id, sp.role = 'attendee', p.name COLLATE NOCASE, p.id",
            chunk,
        ):
            people[sid].append(
                Person(pid, name, email, tz or "UTC", role, None if attended is None else bool(attended))
            )
    steps = steps_of_sessions(db, id_list)
    sessions: list[SessionItem] = []
    series_ids: set[int] = set()
    for r in rows:
        (sid, uid, title, kind, start, duration, tz, status, desc, loc, url, seq, prog_id, prog, series_id) = r[:15]
        original, created, updated = r[15:]
        if series_id is not None:
            series_ids.add(series_id)
        sessions.append(
            SessionItem(
                id=sid,
                uid=uid,
                title=title,
                kind=kind,
                start=parse_utc(start),  # type: ignore[arg-type]
                duration_min=int(duration),
                timezone=tz or "UTC",
                status=status,
                description=desc or "",
                location=loc or "",
                online_url=url or "",
                sequence=int(seq or 0),
                program_id=prog_id,
                program=prog,
                series_id=series_id,
                original_start=parse_utc(original),
                created=parse_utc(created),
                modified=parse_utc(updated),
                skills=tuple(skills.get(sid, ())),
                people=tuple(people.get(sid, ())),
                guide=steps[sid].guide() if sid in steps else "",
                step_label=steps[sid].label if sid in steps else "",
            )
        )
    sessions.sort(key=lambda s: (s.start, s.id))
    return Selection(sessions, load_series(db, series_ids))


def load_series(db: Database, ids: Iterable[int]) -> dict[int, SeriesInfo]:
    out: dict[int, SeriesInfo] = {}
    for chunk in _chunks(sorted(set(ids))):
        marks = ",".join("?" * len(chunk))
        for sid, rrule, tz, first, created in db.execute(
            f"SELECT id, rrule, timezone, first_start_local, created_at FROM series WHERE id IN ({marks})", chunk
        ):
            first_local = dt.datetime.fromisoformat(first)
            if first_local.tzinfo is not None:
                first_local = first_local.replace(tzinfo=None)
            out[sid] = SeriesInfo(sid, rrule, tz or "UTC", first_local, parse_utc(created))
    return out


def find_participant(db: Database, email: str) -> Person | None:
    row = db.execute(
        "SELECT id, name, email, timezone FROM participants WHERE email = ? COLLATE NOCASE", (email.strip(),)
    ).fetchone()
    return Person(row[0], row[1], row[2], row[3] or "UTC") if row else None


def participants_by_id(db: Database, ids: Iterable[int]) -> dict[int, Person]:
    out: dict[int, Person] = {}
    for chunk in _chunks(sorted(set(ids))):
        marks = ",".join("?" * len(chunk))
        for pid, name, email, tz in db.execute(
            f"SELECT id, name, email, timezone FROM participants WHERE id IN ({marks})", chunk
        ):
            out[pid] = Person(pid, name, email, tz or "UTC")
    return out


def find_program(db: Database, name: str) -> tuple[int, str] | None:
    row = db.execute("SELECT id, name FROM programs WHERE name = ? COLLATE NOCASE", (name.strip(),)).fetchone()
    return (row[0], row[1]) if row else None


def program_names(db: Database) -> dict[int, str]:
    return {pid: name for pid, name in db.execute("SELECT id, name FROM programs ORDER BY name COLLATE NOCASE")}
