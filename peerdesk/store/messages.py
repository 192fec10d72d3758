"""Drafted messages in the store: the coordinator's templates, the drafting log, and what drafting reads.

The drafting log has one row per message drafted: its kind, for whom, about which session
or pairing, and when. It keeps a reminder from being drafted twice in a week, a feedback
request or a welcome from being drafted twice at all, and lets survey answers be matched to
the requests they answer.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from peerdesk import clock
from peerdesk.store.db import Database

DRAFT_KINDS = ("feedback", "reminders", "welcome", "training")


# --- templates ---------------------------------------------------------------------------------


def stored_template(db: Database, kind: str) -> tuple[str, str] | None:
    """(subject, body) of the coordinator's template for a kind, or None when they use the default."""
    row = db.execute("SELECT subject, body FROM message_templates WHERE kind = ?", (kind,)).fetchone()
    return (str(row[0]), str(row[1])) if row else None


def save_template(db: Database, kind: str, subject: str, body: str) -> None:
    """Store a template (already checked by peerdesk.invites.templates.check_template)."""
    db.execute(
        "INSERT INTO message_templates(kind, subject, body, updated_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT(kind) DO UPDATE SET subject = excluded.subject, body = excluded.body, "
        "updated_at = excluded.updated_at",
        (kind, subject, body, clock.stamp()),
    )


def reset_template(db: Database, kind: str) -> bool:
    """Go back to the shipped template for a kind; False when it was already in use."""
    return db.execute("DELETE FROM message_templates WHERE kind = ?", (kind,)).rowcount > 0


# --- the drafting log ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Drafted:
    """One message drafted for someone, about a session or a pairing (or neither)."""

    kind: str
    participant_id: int
    session_id: int | None = None
    pairing_id: int | None = None
    drafted_at: str = ""


def log_drafts(db: Database, drafted: Iterable[Drafted]) -> int:
    """Record messages as drafted now (one transaction); return how many."""
    stamp = clock.stamp()
    rows = [(d.kind, d.participant_id, d.session_id, d.pairing_id, d.drafted_at or stamp) for d in drafted]
    with db.atomic():
        db.conn.executemany(
            "INSERT INTO draft_log(kind, participant_id, session_id, pairing_id, drafted_at) VALUES (?, ?, ?, ?, ?)",
            rows,
        )
    return len(rows)


def drafted_since(db: Database, kind: str, since: dt.datetime | None = None) -> dict[tuple[int, int | None], str]:
    """When each (person, session or pairing) last had a message of this kind drafted, since a
    moment (None: ever). The key's second part is the session for feedback, the pairing for
    reminders and welcomes, and None for training."""
    ref = {"feedback": "session_id", "reminders": "pairing_id", "welcome": "pairing_id"}.get(kind)
    column = ref or "NULL"
    where, params = "kind = ?", [kind]
    if since is not None:
        where += " AND drafted_at >= ?"
        params.append(since.astimezone(dt.UTC).replace(microsecond=0).isoformat())
    return {
        (int(pid), None if key is None else int(key)): str(last)
        for pid, key, last in db.execute(
            f"SELECT participant_id, {column}, max(drafted_at) FROM draft_log WHERE {where} GROUP BY 1, 2", params
        )
    }


def feedback_requests(db: Database, pairs: Iterable[tuple[int, int]]) -> dict[tuple[int, int], str]:
    """For (session, person) pairs: when a feedback request was first drafted (those never asked are left out)."""
    wanted = set(pairs)
    if not wanted:
        return {}
    sessions = sorted({s for s, _p in wanted})
    out: dict[tuple[int, int], str] = {}
    for start in range(0, len(sessions), 500):
        chunk = sessions[start : start + 500]
        for sid, pid, first in db.execute(
            "SELECT session_id, participant_id, min(drafted_at) FROM draft_log WHERE kind = 'feedback' "
            f"AND session_id IN ({','.join('?' * len(chunk))}) GROUP BY 1, 2",
            chunk,
        ):
            if (sid, pid) in wanted:
                out[(int(sid), int(pid))] = str(first)
    return out


def requested_sessions(db: Database, participant_id: int) -> set[int]:
    """The sessions a person was sent a feedback request about."""
    return {
        int(r[0])
        for r in db.execute(
            "SELECT DISTINCT session_id FROM draft_log WHERE kind = 'feedback' AND participant_id = ? "
            "AND session_id IS NOT NULL",
            (participant_id,),
        )
    }


# --- what drafting reads -------------------------------------------------------------------------


@dataclass(frozen=True)
class Recipient:
    """Someone a message goes to, or who is named in one."""

    id: int
    name: str
    email: str
    timezone: str = "UTC"
    department: str = ""
    role: str = ""  # their role in the pairing or session, when that is what it is about


@dataclass(frozen=True)
class HeldSession:
    """A held session and the people present at it who have not given feedback yet."""

    id: int
    title: str
    kind: str
    start_utc: str
    timezone: str
    program_id: int | None
    hosts: tuple[str, ...]
    present: tuple[Recipient, ...]


_PERSON = "p.id, p.name, p.email, p.timezone, p.department"


def _recipient(row: Sequence[object], role: str = "") -> Recipient:
    return Recipient(int(row[0]), str(row[1]), str(row[2]), str(row[3] or "UTC"), str(row[4] or ""), role)  # type: ignore[call-overload]


def _program_clause(program_id: int | None) -> tuple[str, list[object]]:
    """Sessions of a program: filed under it, or (having none) under one of its pairings."""
    if program_id is None:
        return "", []
    return (
        " AND (s.program_id = ? OR (s.program_id IS NULL AND s.pairing_id IN (SELECT id FROM pairings WHERE program_id = ?)))",
        [program_id, program_id],
    )


def held_sessions_without_feedback(
    db: Database,
    *,
    session_ids: Iterable[int] | None = None,
    program_id: int | None = None,
    since: dt.date | None = None,
) -> list[HeldSession]:
    """Held sessions (these ids, or those since a day) with their attendees present who gave no
    feedback; latest first. Only active, not archived people are asked."""
    where = "s.status = 'held' AND s.start_utc < ?"
    params: list[object] = [clock.now().astimezone(dt.UTC).replace(microsecond=0).isoformat()]
    if session_ids is not None:
        ids = sorted(set(session_ids))
        if not ids:
            return []
        where += f" AND s.id IN ({','.join('?' * len(ids))})"
        params.extend(ids)
    if since is not None:
        where += " AND s.start_utc >= ?"
        params.append(since.isoformat())
    clause, extra = _program_clause(program_id)
    where += clause
    params.extend(extra)
    sessions = db.execute(
        "SELECT s.id, s.title, s.kind, s.start_utc, s.timezone, coalesce(s.program_id, "
        f"(SELECT program_id FROM pairings WHERE id = s.pairing_id)) FROM sessions s WHERE {where} "
        "ORDER BY s.start_utc DESC, s.id",
        params,
    ).fetchall()
    hosts: dict[int, list[str]] = defaultdict(list)
    present: dict[int, list[Recipient]] = defaultdict(list)
    ids = [int(r[0]) for r in sessions]
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        for sid, name in db.execute(
            "SELECT sp.session_id, p.name FROM session_people sp JOIN participants p ON p.id = sp.participant_id "
            f"WHERE sp.session_id IN ({marks}) AND sp.role = 'host' ORDER BY p.name COLLATE NOCASE, p.id",
            chunk,
        ):
            hosts[sid].append(str(name))
        for sid, *person in db.execute(
            f"SELECT sp.session_id, {_PERSON} FROM session_people sp JOIN participants p ON p.id = sp.participant_id "
            f"WHERE sp.session_id IN ({marks}) AND sp.role = 'attendee' AND sp.attended = 1 "
            "AND p.status = 'active' AND p.archived = 0 AND NOT EXISTS (SELECT 1 FROM feedback f "
            "WHERE f.session_id = sp.session_id AND f.participant_id = sp.participant_id) "
            "ORDER BY p.name COLLATE NOCASE, p.id",
            chunk,
        ):
            present[sid].append(_recipient(person, "attendee"))
    return [
        HeldSession(
            int(r[0]), str(r[1]), str(r[2]), str(r[3]), str(r[4]), r[5], tuple(hosts[r[0]]), tuple(present[r[0]])
        )
        for r in sessions
    ]


@dataclass(frozen=True)
class PairingInfo:
    """A pairing with its members, as a message names it."""

    id: int
    kind: str
    program_id: int | None
    started_on: dt.date
    members: tuple[Recipient, ...]


def pairings_info(db: Database, pairing_ids: Iterable[int]) -> dict[int, PairingInfo]:
    """Pairings with their members (active, not archived people only), by id."""
    ids = sorted(set(pairing_ids))
    out: dict[int, PairingInfo] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        heads = {
            int(r[0]): r
            for r in db.execute(f"SELECT id, kind, program_id, started_on FROM pairings WHERE id IN ({marks})", chunk)
        }
        members: dict[int, list[Recipient]] = defaultdict(list)
        for pairing_id, role, *person in db.execute(
            f"SELECT m.pairing_id, m.role, {_PERSON} FROM pairing_members m JOIN participants p ON p.id = m.participant_id "
            f"WHERE m.pairing_id IN ({marks}) AND p.status = 'active' AND p.archived = 0 "
            "ORDER BY m.pairing_id, CASE m.role WHEN 'host' THEN 0 WHEN 'mentor' THEN 1 ELSE 2 END, p.name COLLATE NOCASE",
            chunk,
        ):
            members[pairing_id].append(_recipient(person, str(role)))
        for pid, (_i, kind, program_id, started) in heads.items():
            out[pid] = PairingInfo(pid, str(kind), program_id, dt.date.fromisoformat(started), tuple(members[pid]))
    return out


def new_pairings(
    db: Database, since: dt.date, *, program_id: int | None = None, pairing_ids: Iterable[int] | None = None
) -> list[int]:
    """Active pairings that started on or after a day (or these ids, if active), oldest first."""
    where = "status = 'active' AND ended_on IS NULL"
    params: list[object] = []
    if pairing_ids is not None:
        ids = sorted(set(pairing_ids))
        if not ids:
            return []
        where += f" AND id IN ({','.join('?' * len(ids))})"
        params.extend(ids)
    else:
        where += " AND started_on >= ?"
        params.append(since.isoformat())
    if program_id is not None:
        where += " AND program_id = ?"
        params.append(program_id)
    return [int(r[0]) for r in db.execute(f"SELECT id FROM pairings WHERE {where} ORDER BY started_on, id", params)]


def first_meetings(db: Database, pairing_ids: Iterable[int]) -> dict[int, int]:
    """Each pairing's next meeting to come (planned, from now), by pairing."""
    ids = sorted(set(pairing_ids))
    now = clock.now().astimezone(dt.UTC).replace(microsecond=0).isoformat()
    out: dict[int, int] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for pairing_id, sid in db.execute(
            f"SELECT pairing_id, id FROM sessions WHERE pairing_id IN ({','.join('?' * len(chunk))}) "
            "AND status = 'planned' AND start_utc >= ? ORDER BY pairing_id, start_utc DESC, id DESC",
            [*chunk, now],
        ):
            out[int(pairing_id)] = int(sid)  # the last row of a pairing is its earliest meeting
    return out


def open_modules(db: Database, participant_ids: Iterable[int], as_of: dt.date) -> dict[int, list[str]]:
    """The required training modules each person has not completed by a day, in the training's order."""
    ids = sorted(set(participant_ids))
    modules = [
        (int(r[0]), str(r[1]))
        for r in db.execute("SELECT id, name FROM training_modules WHERE required = 1 ORDER BY position, id")
    ]
    done: dict[int, set[int]] = defaultdict(set)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for pid, module in db.execute(
            f"SELECT participant_id, module_id FROM training_completions WHERE participant_id IN ({','.join('?' * len(chunk))}) "
            "AND completed_on <= ?",
            [*chunk, as_of.isoformat()],
        ):
            done[pid].add(module)
    return {pid: [name for mid, name in modules if mid not in done[pid]] for pid in ids}


def mentees_of(db: Database, mentor_ids: Iterable[int], as_of: dt.date) -> dict[int, list[str]]:
    """The names of the people each mentor mentors in pairings running on a day."""
    ids = sorted(set(mentor_ids))
    day = as_of.isoformat()
    out: dict[int, list[str]] = defaultdict(list)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for mentor, name in db.execute(
            "SELECT m.participant_id, p.name FROM pairing_members m JOIN pairings pr ON pr.id = m.pairing_id "
            "JOIN pairing_members e ON e.pairing_id = pr.id AND e.role = 'mentee' JOIN participants p ON p.id = e.participant_id "
            f"WHERE m.role = 'mentor' AND m.participant_id IN ({','.join('?' * len(chunk))}) AND pr.started_on <= ? "
            "AND ((pr.ended_on IS NULL AND pr.status = 'active') OR pr.ended_on > ?) ORDER BY p.name COLLATE NOCASE",
            [*chunk, day, day],
        ):
            if name not in out[mentor]:
                out[mentor].append(str(name))
    return dict(out)


def people(db: Database, participant_ids: Iterable[int]) -> dict[int, Recipient]:
    """Active, not archived people by id."""
    ids = sorted(set(participant_ids))
    out: dict[int, Recipient] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for row in db.execute(
            f"SELECT {_PERSON} FROM participants p WHERE p.id IN ({','.join('?' * len(chunk))}) "
            "AND p.status = 'active' AND p.archived = 0",
            chunk,
        ):
            out[int(row[0])] = _recipient(row)
    return out
