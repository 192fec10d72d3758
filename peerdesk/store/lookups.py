"""Small read-only look-ups for the window's choosers, lists and counts (the window holds no SQL)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from peerdesk import clock
from peerdesk.store.db import Database
from peerdesk.store.records import ParticipantId


@dataclass(frozen=True)
class PersonName:
    """Who someone is, for a chooser or a list: no skills, no availability."""

    id: ParticipantId
    name: str
    email: str = ""
    department: str = ""
    timezone: str = "UTC"
    role: str = ""
    status: str = "active"


_PERSON = "SELECT id, name, email, department, timezone, role, status FROM participants"
_ORDER = " ORDER BY name COLLATE NOCASE, id"


def _people(db: Database, where: str = "", params: Iterable[object] = ()) -> list[PersonName]:
    return [
        PersonName(ParticipantId(r[0]), r[1], r[2] or "", r[3] or "", r[4] or "UTC", r[5] or "", r[6] or "")
        for r in db.execute(_PERSON + where + _ORDER, tuple(params))
    ]


def person_names(db: Database, *, archived: bool = True, also: Iterable[int] = ()) -> list[PersonName]:
    """Everyone by name; archived=False leaves out the archived (except the ids in also)."""
    if archived:
        return _people(db)
    keep = sorted(set(also))
    if not keep:
        return _people(db, " WHERE archived = 0")
    return _people(db, f" WHERE archived = 0 OR id IN ({','.join('?' * len(keep))})", keep)


def active_people(db: Database) -> list[PersonName]:
    """Active participants who are not archived, by name."""
    return _people(db, " WHERE status = 'active' AND archived = 0")


def people_by_id(db: Database, ids: Iterable[int]) -> dict[int, PersonName]:
    """The named people that exist, by id."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    return {p.id: p for p in _people(db, f" WHERE id IN ({','.join('?' * len(wanted))})", wanted)}


def program_member_names(db: Database, program_id: int) -> dict[int, PersonName]:
    """A program's members, by id."""
    return {
        p.id: p
        for p in _people(
            db, " WHERE id IN (SELECT participant_id FROM program_members WHERE program_id = ?)", [program_id]
        )
    }


@dataclass(frozen=True)
class ParticipantCounts:
    """How many people the file holds, for the status bar."""

    total: int
    active: int
    archived: int


def participant_counts(db: Database) -> ParticipantCounts:
    total, active, archived = db.execute(
        "SELECT count(*), coalesce(sum(status = 'active' AND archived = 0), 0), coalesce(sum(archived), 0) "
        "FROM participants"
    ).fetchone()
    return ParticipantCounts(int(total), int(active), int(archived))


def member_counts(db: Database) -> dict[int, int]:
    """How many members each program has, by program id."""
    return {
        int(p): int(n) for p, n in db.execute("SELECT program_id, count(*) FROM program_members GROUP BY program_id")
    }


def program_of_pairing(db: Database, pairing_id: int) -> int | None:
    """The program a pairing belongs to (None: none, or no such pairing)."""
    row = db.execute("SELECT program_id FROM pairings WHERE id = ?", (pairing_id,)).fetchone()
    return None if row is None or row[0] is None else int(row[0])


def skill_names(db: Database) -> list[str]:
    """Every skill anyone teaches, learns or a session covers, by name."""
    return [r[0] for r in db.execute("SELECT name FROM skills ORDER BY name COLLATE NOCASE")]


def completion_counts(db: Database, as_of: dt.date | None = None) -> dict[int, int]:
    """How many people completed each training module by `as_of` (default today), by module id:
    a completion dated later is not done yet."""
    day = (as_of or clock.today()).isoformat()
    return {
        int(m): int(n)
        for m, n in db.execute(
            "SELECT module_id, count(*) FROM training_completions WHERE completed_on <= ? GROUP BY module_id", (day,)
        )
    }


def completions(db: Database) -> dict[int, dict[int, dt.date]]:
    """Who completed which training module when: {participant id: {module id: date}}."""
    done: dict[int, dict[int, dt.date]] = {}
    for pid, mid, day in db.execute("SELECT participant_id, module_id, completed_on FROM training_completions"):
        done.setdefault(int(pid), {})[int(mid)] = dt.date.fromisoformat(day)
    return done


def mentee_counts(db: Database, today: dt.date | None = None) -> dict[int, int]:
    """How many mentees each mentor has in pairings running today, by mentor id (the rule of
    peerdesk.metrics.scope.pairing_filter: a pairing whose end is dated later still runs)."""
    day = (today or clock.today()).isoformat()
    return {
        int(p): int(n)
        for p, n in db.execute(
            "SELECT m.participant_id, count(DISTINCT e.participant_id) FROM pairing_members m "
            "JOIN pairings pr ON pr.id = m.pairing_id AND pr.started_on <= ? "
            "AND ((pr.ended_on IS NULL AND pr.status = 'active') OR (pr.ended_on IS NOT NULL AND pr.ended_on > ?)) "
            "JOIN pairing_members e ON e.pairing_id = pr.id AND e.role = 'mentee' "
            "WHERE m.role = 'mentor' GROUP BY m.participant_id",
            (day, day),
        )
    }


@dataclass(frozen=True)
class SessionRecord:
    """What someone's sessions add up to: for the participant's history tab."""

    held: int = 0
    attended: int = 0
    upcoming: int = 0
    rated: int = 0
    average_rating: float | None = None


def session_record(db: Database, participant_id: int) -> SessionRecord:
    held, came, upcoming, rated, avg = db.execute(
        "SELECT sum(s.status = 'held'), sum(s.status = 'held' AND sp.attended = 1), "
        "sum(s.status = 'planned' AND s.start_utc >= ?), "
        "(SELECT count(*) FROM feedback f WHERE f.participant_id = ?), "
        "(SELECT avg(rating) FROM feedback f WHERE f.participant_id = ?) "
        "FROM session_people sp JOIN sessions s ON s.id = sp.session_id WHERE sp.participant_id = ?",
        (clock.stamp(), participant_id, participant_id, participant_id),
    ).fetchone()
    return SessionRecord(int(held or 0), int(came or 0), int(upcoming or 0), int(rated or 0), avg)
