"""Sessions: learning opportunities and pair meetings, their people, attendance and feedback.

Times are stored in UTC ('2026-11-02T09:00:00+00:00', fixed width so text order is time
order) together with the session's IANA zone. `sequence` goes up whenever a session's
time, place or status changes, and `uid` never changes (calendar export relies on both).
"""

from __future__ import annotations

import datetime as dt
import uuid
import zoneinfo
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import NewType

from peerdesk import clock
from peerdesk.store.db import Database
from peerdesk.store.errors import NotFound, ValidationError
from peerdesk.store.participants import has_control, is_time_zone, skill_id
from peerdesk.store.plans import NEXT_STEP, resolve_step
from peerdesk.store.records import PairingId, ParticipantId, ProgramId, SessionId

SeriesId = NewType("SeriesId", int)

KINDS: dict[str, str] = {
    "pair_meeting": "Pair meeting",
    "lunch_and_learn": "Lunch & learn",
    "workshop": "Workshop",
    "brown_bag": "Brown-bag",
    "show_and_tell": "Show & tell",
    "coaching_circle": "Peer coaching circle",
}
STATUSES = ("planned", "held", "cancelled")
MAX_KIND_LENGTH = 40


def kind_label(kind: str) -> str:
    """'Lunch & learn' for 'lunch_and_learn'; a custom kind is its own label."""
    return KINDS.get(kind, kind)


def kind_from_label(text: str) -> str:
    """The stored kind for a label or key typed by a person (custom kinds pass through)."""
    t = " ".join(text.split())
    for key, label in KINDS.items():
        if t.casefold() in (key, label.casefold()):
            return key
    return t


def to_utc_text(moment: dt.datetime) -> str:
    """The stored form of an instant."""
    if moment.tzinfo is None:
        raise ValueError("a session time must be timezone-aware")
    return moment.astimezone(dt.UTC).replace(microsecond=0).isoformat()


def from_utc_text(text: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


@dataclass(frozen=True)
class Session:
    """A session: when (UTC + its zone), what, where, who."""

    title: str
    start_utc: dt.datetime
    timezone: str = "UTC"
    duration_min: int = 60
    kind: str = "pair_meeting"
    description: str = ""
    location: str = ""
    online_url: str = ""
    status: str = "planned"
    program_id: ProgramId | None = None
    pairing_id: PairingId | None = None
    series_id: SeriesId | None = None
    original_start_utc: dt.datetime | None = None
    skills: tuple[str, ...] = field(default=())
    hosts: tuple[ParticipantId, ...] = field(default=())
    attendees: tuple[ParticipantId, ...] = field(default=())
    uid: str = ""
    sequence: int = 0
    # The step of its pairing's meeting plan (peerdesk.store.plans); NEXT_STEP: the next one,
    # decided when the session is saved; None: no step.
    plan_step_id: int | None = NEXT_STEP
    id: SessionId | None = None

    @property
    def end_utc(self) -> dt.datetime:
        return self.start_utc + dt.timedelta(minutes=self.duration_min)

    @property
    def local_start(self) -> dt.datetime:
        """The start as wall time in the session's zone (aware)."""
        return self.start_utc.astimezone(zoneinfo.ZoneInfo(self.timezone))

    @property
    def people(self) -> tuple[ParticipantId, ...]:
        """Hosts then attendees, each once."""
        return tuple(dict.fromkeys((*self.hosts, *self.attendees)))


@dataclass(frozen=True)
class SessionPerson:
    """Someone on a session, with their role and whether they came (None: not recorded)."""

    participant_id: ParticipantId
    name: str
    email: str
    timezone: str
    role: str
    attended: bool | None


@dataclass(frozen=True)
class Feedback:
    """One rating (1-5) with a comment; participant_id None for anonymous answers."""

    session_id: SessionId
    participant_id: ParticipantId | None
    rating: int
    comment: str = ""
    source: str = "manual"
    submitted_at: str = ""
    id: int | None = None


@dataclass(frozen=True)
class Clash:
    """A person who is already booked on another session at the same time."""

    participant_id: ParticipantId
    name: str
    session_id: SessionId
    title: str
    start_utc: dt.datetime
    end_utc: dt.datetime

    def describe(self, tz: str = "UTC") -> str:
        local = self.start_utc.astimezone(zoneinfo.ZoneInfo(tz))
        return f"{self.name} is already in “{self.title}” on {local:%a %d %b %H:%M}"


# --- validation and writes ---------------------------------------------------------------


def validate_session(s: Session) -> Session:
    """Return the session tidied up, or raise ValidationError naming the first bad field."""
    title = " ".join(s.title.split())
    if not title:
        raise ValidationError("A title is required.", "title")
    for name, text, allowed in (("title", title, ""), ("description", s.description, "\n\t"),
                                 ("location", s.location, ""), ("kind", s.kind, "")):  # fmt: skip
        if has_control(text, allowed):
            raise ValidationError(f"The {name} contains invisible control characters (such as NUL).", name)
    kind = kind_from_label(s.kind)
    if not kind:
        raise ValidationError("Choose a kind of session or type your own.", "kind")
    if len(kind) > MAX_KIND_LENGTH:
        raise ValidationError(f"A kind has at most {MAX_KIND_LENGTH} characters.", "kind")
    tz = s.timezone.strip() or "UTC"
    if not is_time_zone(tz):
        raise ValidationError(f"'{tz}' is not a time zone (use a name like Europe/Berlin).", "timezone")
    if s.start_utc.tzinfo is None:
        raise ValidationError("The start time needs a time zone.", "start")
    if isinstance(s.duration_min, bool) or not isinstance(s.duration_min, int) or not 5 <= s.duration_min <= 1440:
        raise ValidationError("A session lasts from 5 minutes to 24 hours.", "duration_min")
    if s.status not in STATUSES:
        raise ValidationError(f"Status must be one of {', '.join(STATUSES)}.", "status")
    url = s.online_url.strip()
    if url and not (url.startswith(("https://", "http://")) and "." in url):
        raise ValidationError(f"'{url}' is not a web link (start it with https://).", "online_url")
    hosts = tuple(dict.fromkeys(s.hosts))
    attendees = tuple(p for p in dict.fromkeys(s.attendees) if p not in hosts)
    skills = tuple(dict.fromkeys(" ".join(k.split()) for k in s.skills if k.strip()))
    return replace(
        s,
        title=title,
        kind=kind,
        timezone=tz,
        start_utc=s.start_utc.astimezone(dt.UTC).replace(microsecond=0),
        location=" ".join(s.location.split()),
        online_url=url,
        hosts=hosts,
        attendees=attendees,
        skills=skills,
    )


def _check_refs(db: Database, s: Session) -> None:
    if s.program_id is not None and not db.execute("SELECT 1 FROM programs WHERE id=?", (s.program_id,)).fetchone():
        raise ValidationError(f"Program {s.program_id} does not exist.", "program")
    if s.pairing_id is not None and not db.execute("SELECT 1 FROM pairings WHERE id=?", (s.pairing_id,)).fetchone():
        raise ValidationError(f"Pairing {s.pairing_id} does not exist.", "pairing")
    people = s.people
    if people:
        marks = ",".join("?" * len(people))
        found = {r[0] for r in db.execute(f"SELECT id FROM participants WHERE id IN ({marks})", people)}
        missing = [p for p in people if p not in found]
        if missing:
            raise ValidationError(f"Participant {missing[0]} does not exist.", "attendees")


def _write_children(db: Database, sid: int, s: Session) -> None:
    kept = {
        r[0]: r[1] for r in db.execute("SELECT participant_id, attended FROM session_people WHERE session_id=?", (sid,))
    }
    wanted = {p: "host" for p in s.hosts} | {p: "attendee" for p in s.attendees}
    for pid in kept.keys() - wanted.keys():
        db.execute("DELETE FROM session_people WHERE session_id=? AND participant_id=?", (sid, pid))
    for pid, role in wanted.items():
        db.execute(
            "INSERT INTO session_people(session_id, participant_id, role, attended) VALUES (?, ?, ?, ?) "
            "ON CONFLICT(session_id, participant_id) DO UPDATE SET role = excluded.role "
            "WHERE role != excluded.role",
            (sid, pid, role, kept.get(pid)),
        )
    current = {r[0] for r in db.execute("SELECT skill_id FROM session_skills WHERE session_id=?", (sid,))}
    wanted_skills = {skill_id(db, name) for name in s.skills}
    for k in current - wanted_skills:
        db.execute("DELETE FROM session_skills WHERE session_id=? AND skill_id=?", (sid, k))
    for k in wanted_skills - current:
        db.execute("INSERT INTO session_skills(session_id, skill_id) VALUES (?, ?)", (sid, k))


def create_session(db: Database, s: Session) -> Session:
    """Validate and insert a session with its people and skills; return it with id and uid."""
    s = validate_session(s)
    uid = s.uid or f"{uuid.uuid4()}@peerdesk"
    with db.atomic():
        _check_refs(db, s)
        step = resolve_step(db, s.pairing_id, s.plan_step_id)
        now = clock.stamp()
        cur = db.execute(
            "INSERT INTO sessions(uid, program_id, pairing_id, series_id, kind, title, description, location, "
            "online_url, start_utc, timezone, duration_min, status, original_start_utc, sequence, created_at, "
            "updated_at, plan_step_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                uid,
                s.program_id,
                s.pairing_id,
                s.series_id,
                s.kind,
                s.title,
                s.description,
                s.location,
                s.online_url,
                to_utc_text(s.start_utc),
                s.timezone,
                s.duration_min,
                s.status,
                to_utc_text(s.original_start_utc) if s.original_start_utc else None,
                s.sequence,
                now,
                now,
                step,
            ),
        )
        sid = SessionId(int(cur.lastrowid or 0))
        _write_children(db, sid, s)
    return replace(s, id=sid, uid=uid, plan_step_id=step)


def _significant(a: Session, b: Session) -> bool:
    """Does going from a to b change time, place or status (what calendars must hear about)?"""
    return (a.start_utc, a.duration_min, a.timezone, a.location, a.online_url, a.status) != (
        b.start_utc,
        b.duration_min,
        b.timezone,
        b.location,
        b.online_url,
        b.status,
    )


def update_session(db: Database, s: Session) -> Session:
    """Save changes to a session; its sequence goes up when time, place or status changed."""
    if s.id is None:
        raise NotFound("Cannot update a session that was never saved.")
    sid = s.id
    s = validate_session(s)
    with db.atomic():
        old = get_session(db, sid)
        _check_refs(db, s)
        sequence = old.sequence + (1 if _significant(old, s) else 0)
        step = resolve_step(db, s.pairing_id, s.plan_step_id, sid)
        db.execute(
            "UPDATE sessions SET program_id=?, pairing_id=?, kind=?, title=?, description=?, location=?, "
            "online_url=?, start_utc=?, timezone=?, duration_min=?, status=?, sequence=?, updated_at=?, "
            "plan_step_id=? WHERE id=?",
            (
                s.program_id,
                s.pairing_id,
                s.kind,
                s.title,
                s.description,
                s.location,
                s.online_url,
                to_utc_text(s.start_utc),
                s.timezone,
                s.duration_min,
                s.status,
                sequence,
                clock.stamp(),
                step,
                sid,
            ),
        )
        _write_children(db, sid, s)
    return replace(
        s,
        uid=old.uid,
        sequence=sequence,
        series_id=old.series_id,
        original_start_utc=old.original_start_utc,
        plan_step_id=step,
    )


def move_session(db: Database, session_id: int, start_utc: dt.datetime, duration_min: int | None = None) -> Session:
    """Reschedule one session (one occurrence of a series stays in its series)."""
    s = get_session(db, session_id)
    return update_session(
        db, replace(s, start_utc=start_utc, duration_min=s.duration_min if duration_min is None else duration_min)
    )


def set_status(db: Database, session_ids: Iterable[int], status: str) -> int:
    """Set planned/held/cancelled on sessions; return how many changed."""
    if status not in STATUSES:
        raise ValidationError(f"Status must be one of {', '.join(STATUSES)}.", "status")
    n = 0
    with db.atomic():
        for sid in session_ids:
            n += db.execute(
                "UPDATE sessions SET status=?, sequence=sequence+1, updated_at=? WHERE id=? AND status!=?",
                (status, clock.stamp(), sid, status),
            ).rowcount
    return n


def cancel_session(db: Database, session_id: int) -> int:
    return set_status(db, [session_id], "cancelled")


def delete_sessions(db: Database, session_ids: Iterable[int]) -> int:
    """Delete sessions with their people, skills and feedback; empty series go too."""
    n = 0
    with db.atomic():
        series: set[int] = set()
        for sid in session_ids:
            row = db.execute("SELECT series_id FROM sessions WHERE id=?", (sid,)).fetchone()
            if row and row[0] is not None:
                series.add(row[0])
            n += db.execute("DELETE FROM sessions WHERE id=?", (sid,)).rowcount
        for ser in series:
            if not db.execute("SELECT 1 FROM sessions WHERE series_id=? LIMIT 1", (ser,)).fetchone():
                db.execute("DELETE FROM series WHERE id=?", (ser,))
    return n


# --- invitations ---------------------------------------------------------------------------


def members_of_pairing(db: Database, pairing_id: int) -> list[ParticipantId]:
    """Members of a pairing or learning circle (mentor/host first)."""
    return [
        ParticipantId(r[0])
        for r in db.execute(
            "SELECT participant_id FROM pairing_members WHERE pairing_id=? "
            "ORDER BY CASE role WHEN 'host' THEN 0 WHEN 'mentor' THEN 1 ELSE 2 END, participant_id",
            (pairing_id,),
        )
    ]


def members_of_department(db: Database, department: str) -> list[ParticipantId]:
    return [
        ParticipantId(r[0])
        for r in db.execute(
            "SELECT id FROM participants WHERE department = ? COLLATE NOCASE AND archived = 0 "
            "AND status = 'active' ORDER BY name COLLATE NOCASE",
            (department,),
        )
    ]


def members_of_program(db: Database, program_id: int) -> list[ParticipantId]:
    return [
        ParticipantId(r[0])
        for r in db.execute(
            "SELECT p.id FROM program_members m JOIN participants p ON p.id = m.participant_id "
            "WHERE m.program_id=? AND p.archived = 0 AND p.status = 'active' ORDER BY p.name COLLATE NOCASE",
            (program_id,),
        )
    ]


def invite(db: Database, session_id: int, participant_ids: Iterable[int], role: str = "attendee") -> int:
    """Add people to a session (those already on it keep their role); return how many were added."""
    if role not in ("host", "attendee"):
        raise ValidationError("Role must be host or attendee.", "role")
    n = 0
    with db.atomic():
        if not db.execute("SELECT 1 FROM sessions WHERE id=?", (session_id,)).fetchone():
            raise NotFound(f"Session {session_id} does not exist.")
        for pid in participant_ids:
            n += db.execute(
                "INSERT OR IGNORE INTO session_people(session_id, participant_id, role) VALUES (?, ?, ?)",
                (session_id, pid, role),
            ).rowcount
    return n


def uninvite(db: Database, session_id: int, participant_ids: Iterable[int]) -> int:
    n = 0
    with db.atomic():
        for pid in participant_ids:
            n += db.execute(
                "DELETE FROM session_people WHERE session_id=? AND participant_id=?", (session_id, pid)
            ).rowcount
    return n


# --- attendance and feedback -----------------------------------------------------------------


def mark_held(db: Database, session_id: int, attended: dict[int, bool] | None = None) -> Session:
    """Mark a session held and record who came (people not mentioned keep their record)."""
    with db.atomic():
        set_status(db, [session_id], "held")
        for pid, came in (attended or {}).items():
            set_attendance(db, session_id, pid, came)
    return get_session(db, session_id)


def set_attendance(db: Database, session_id: int, participant_id: int, attended: bool | None) -> None:
    cur = db.execute(
        "UPDATE session_people SET attended=? WHERE session_id=? AND participant_id=?",
        (None if attended is None else int(attended), session_id, participant_id),
    )
    if cur.rowcount == 0:
        raise ValidationError(f"Participant {participant_id} is not on session {session_id}.", "attendance")


def set_feedback(
    db: Database,
    session_id: int,
    participant_id: int | None,
    rating: int,
    comment: str = "",
    *,
    source: str = "manual",
    submitted_at: str | None = None,
) -> Feedback:
    """Record (or replace) someone's rating 1-5 and comment for a session."""
    if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
        raise ValidationError("A rating is a whole number from 1 to 5.", "rating")
    comment = comment.strip()
    if has_control(comment, "\n\t"):
        raise ValidationError("The comment contains invisible control characters (such as NUL).", "comment")
    stamp = submitted_at or clock.stamp()
    with db.atomic():
        if not db.execute("SELECT 1 FROM sessions WHERE id=?", (session_id,)).fetchone():
            raise NotFound(f"Session {session_id} does not exist.")
        if participant_id is None:
            cur = db.execute(
                "INSERT INTO feedback(session_id, participant_id, rating, comment, anonymous, submitted_at, source) "
                "VALUES (?, NULL, ?, ?, 1, ?, ?)",
                (session_id, rating, comment, stamp, source),
            )
            fid = int(cur.lastrowid or 0)
        else:
            row = db.execute(
                "SELECT id, rating, comment FROM feedback WHERE session_id=? AND participant_id=?",
                (session_id, participant_id),
            ).fetchone()
            if row is None:
                cur = db.execute(
                    "INSERT INTO feedback(session_id, participant_id, rating, comment, submitted_at, source) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (session_id, participant_id, rating, comment, stamp, source),
                )
                fid = int(cur.lastrowid or 0)
            else:
                fid = row[0]
                if (row[1], row[2]) != (rating, comment):
                    db.execute(
                        "UPDATE feedback SET rating=?, comment=?, submitted_at=?, source=? WHERE id=?",
                        (rating, comment, stamp, source, fid),
                    )
    return Feedback(
        SessionId(session_id),
        None if participant_id is None else ParticipantId(participant_id),
        rating,
        comment,
        source,
        stamp,
        fid,
    )


def clear_feedback(db: Database, session_id: int, participant_id: int) -> int:
    return db.execute(
        "DELETE FROM feedback WHERE session_id=? AND participant_id=?", (session_id, participant_id)
    ).rowcount


def feedback_for(db: Database, session_id: int) -> list[Feedback]:
    return [
        Feedback(
            SessionId(r[0]),
            None if r[1] is None else ParticipantId(r[1]),
            r[2],
            r[3],
            r[4],
            r[5],
            r[6],
        )
        for r in db.execute(
            "SELECT session_id, participant_id, rating, comment, source, submitted_at, id FROM feedback "
            "WHERE session_id=? ORDER BY id",
            (session_id,),
        )
    ]


# --- reading ---------------------------------------------------------------------------------

_COLS = (
    "id, uid, program_id, pairing_id, series_id, kind, title, description, location, online_url, "
    "start_utc, timezone, duration_min, status, original_start_utc, sequence, plan_step_id"
)


def _load(db: Database, ids: Sequence[int]) -> list[Session]:
    if not ids:
        return []
    out: list[Session] = []
    for chunk_start in range(0, len(ids), 500):
        chunk = list(ids[chunk_start : chunk_start + 500])
        marks = ",".join("?" * len(chunk))
        rows = {r[0]: r for r in db.execute(f"SELECT {_COLS} FROM sessions WHERE id IN ({marks})", chunk)}
        hosts: dict[int, list[ParticipantId]] = defaultdict(list)
        attendees: dict[int, list[ParticipantId]] = defaultdict(list)
        for sid, pid, role in db.execute(
            "SELECT sp.session_id, sp.participant_id, sp.role FROM session_people sp "
            f"JOIN participants p ON p.id = sp.participant_id WHERE sp.session_id IN ({marks}) "
            "ORDER BY p.name COLLATE NOCASE, p.id",
            chunk,
        ):
            (hosts if role == "host" else attendees)[sid].append(ParticipantId(pid))
        skills: dict[int, list[str]] = defaultdict(list)
        for sid, name in db.execute(
            "SELECT ss.session_id, k.name FROM session_skills ss JOIN skills k ON k.id = ss.skill_id "
            f"WHERE ss.session_id IN ({marks}) ORDER BY k.name COLLATE NOCASE",
            chunk,
        ):
            skills[sid].append(name)
        for sid in chunk:
            r = rows.get(sid)
            if r is None:
                continue
            out.append(
                Session(
                    id=SessionId(r[0]),
                    uid=r[1],
                    program_id=None if r[2] is None else ProgramId(r[2]),
                    pairing_id=None if r[3] is None else PairingId(r[3]),
                    series_id=None if r[4] is None else SeriesId(r[4]),
                    kind=r[5],
                    title=r[6],
                    description=r[7],
                    location=r[8],
                    online_url=r[9],
                    start_utc=from_utc_text(r[10]),
                    timezone=r[11],
                    duration_min=r[12],
                    status=r[13],
                    original_start_utc=from_utc_text(r[14]) if r[14] else None,
                    sequence=r[15],
                    plan_step_id=r[16],
                    skills=tuple(skills.get(sid, ())),
                    hosts=tuple(hosts.get(sid, ())),
                    attendees=tuple(attendees.get(sid, ())),
                )
            )
    return out


def get_session(db: Database, session_id: int) -> Session:
    found = _load(db, [session_id])
    if not found:
        raise NotFound(f"Session {session_id} does not exist.")
    return found[0]


def get_sessions(db: Database, session_ids: Sequence[int]) -> list[Session]:
    """Several sessions, in the order asked (missing ones left out)."""
    return _load(db, session_ids)


def people_of(db: Database, session_id: int) -> list[SessionPerson]:
    """Hosts first, then attendees, by name."""
    return [
        SessionPerson(ParticipantId(r[0]), r[1], r[2], r[3], r[4], None if r[5] is None else bool(r[5]))
        for r in db.execute(
            "SELECT p.id, p.name, p.email, p.timezone, sp.role, sp.attended FROM session_people sp "
            "JOIN participants p ON p.id = sp.participant_id WHERE sp.session_id=? "
            "ORDER BY sp.role = 'attendee', p.name COLLATE NOCASE, p.id",
            (session_id,),
        )
    ]


@dataclass(frozen=True)
class SessionFilter:
    """What the agenda, the week view and the command line ask for; None means any."""

    program_id: int | None = None
    kind: str | None = None
    pairing_id: int | None = None
    participant_id: int | None = None
    status: str | None = None
    start_from: dt.datetime | None = None
    start_before: dt.datetime | None = None
    text: str = ""

    def where(self) -> tuple[str, list[object]]:
        clauses: list[str] = []
        params: list[object] = []
        if self.start_from is not None:
            clauses.append("s.start_utc >= ?")
            params.append(to_utc_text(self.start_from))
        if self.start_before is not None:
            clauses.append("s.start_utc < ?")
            params.append(to_utc_text(self.start_before))
        if self.program_id is not None:
            clauses.append("s.program_id = ?")
            params.append(self.program_id)
        if self.kind is not None:
            clauses.append("s.kind = ?")
            params.append(self.kind)
        if self.pairing_id is not None:
            clauses.append("s.pairing_id = ?")
            params.append(self.pairing_id)
        if self.status is not None:
            clauses.append("s.status = ?")
            params.append(self.status)
        if self.participant_id is not None:
            clauses.append("s.id IN (SELECT session_id FROM session_people WHERE participant_id = ?)")
            params.append(self.participant_id)
        if self.text.strip():
            clauses.append("s.title LIKE ? ESCAPE '\\'")
            escaped = self.text.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            params.append(f"%{escaped}%")
        return ("WHERE " + " AND ".join(clauses)) if clauses else "", params


@dataclass(frozen=True)
class AgendaRow:
    """One line of the agenda or one block of the week view: enough to show, not to edit."""

    id: SessionId
    title: str
    kind: str
    start_utc: dt.datetime
    timezone: str
    duration_min: int
    status: str
    program: str
    series_id: SeriesId | None
    people: int
    names: str
    attended: int = 0  # people recorded as present
    recorded: int = 0  # people whose attendance is recorded
    ratings: int = 0
    rating: float | None = None  # average rating

    @property
    def end_utc(self) -> dt.datetime:
        return self.start_utc + dt.timedelta(minutes=self.duration_min)


_AGENDA_SQL = (
    "SELECT s.id, s.title, s.kind, s.start_utc, s.timezone, s.duration_min, s.status, "
    "coalesce(pr.name, ''), s.series_id FROM sessions s LEFT JOIN programs pr ON pr.id = s.program_id "
)


def _people_summary(db: Database, ids: list[int]) -> dict[int, tuple[int, str, int, int, int, float | None]]:
    """Per session: how many people, 'Ana, Ben, Cleo +4' (hosts first), attended, recorded, ratings, average."""
    if not ids:
        return {}
    marks = ",".join("?" * len(ids))
    out: dict[int, tuple[int, str, int, int, int, float | None]] = {}
    for sid, n, joined, came, recorded in db.execute(
        "SELECT session_id, count(*), group_concat(name, char(31)), sum(attended = 1), count(attended) FROM ("
        "SELECT sp.session_id, p.name, sp.attended FROM session_people sp "
        "JOIN participants p ON p.id = sp.participant_id "
        f"WHERE sp.session_id IN ({marks}) ORDER BY sp.session_id, sp.role = 'attendee', p.name COLLATE NOCASE"
        ") GROUP BY session_id",
        ids,
    ):
        names = joined.split("\x1f", 3)[:3]
        out[sid] = (n, ", ".join(names) + (f" +{n - 3}" if n > 3 else ""), came or 0, recorded, 0, None)
    for sid, count, avg in db.execute(
        f"SELECT session_id, count(*), avg(rating) FROM feedback WHERE session_id IN ({marks}) GROUP BY session_id",
        ids,
    ):
        n, names_text, came, recorded, _c, _a = out.get(sid, (0, "", 0, 0, 0, None))
        out[sid] = (n, names_text, came, recorded, count, avg)
    return out


def agenda_page(
    db: Database,
    f: SessionFilter,
    *,
    after: tuple[str, int] | None = None,
    limit: int = 200,
    descending: bool = False,
) -> list[AgendaRow]:
    """Up to `limit` sessions in start order (or latest first), strictly past the keyset `after`.

    Keyset paging walks the sessions_start index, so each page costs the same however deep.
    """
    where, params = f.where()
    if after is not None:
        op = "<" if descending else ">"
        where = (where + " AND " if where else "WHERE ") + f"(s.start_utc, s.id) {op} (?, ?)"
        params = [*params, after[0], after[1]]
    order = "s.start_utc DESC, s.id DESC" if descending else "s.start_utc, s.id"
    rows = db.execute(f"{_AGENDA_SQL} {where} ORDER BY {order} LIMIT ?", [*params, limit]).fetchall()
    summary = _people_summary(db, [r[0] for r in rows])
    return [
        AgendaRow(
            SessionId(r[0]),
            r[1],
            r[2],
            from_utc_text(r[3]),
            r[4],
            r[5],
            r[6],
            r[7],
            None if r[8] is None else SeriesId(r[8]),
            *summary.get(r[0], (0, "", 0, 0, 0, None)),
        )
        for r in rows
    ]


def page_key(row: AgendaRow) -> tuple[str, int]:
    """The keyset position of a row, to ask for the page after it."""
    return to_utc_text(row.start_utc), int(row.id)


def count_sessions(db: Database, f: SessionFilter) -> int:
    where, params = f.where()
    return int(db.execute(f"SELECT count(*) FROM sessions s {where}", params).fetchone()[0])


def sessions_between(
    db: Database, start: dt.datetime, end: dt.datetime, f: SessionFilter | None = None
) -> list[AgendaRow]:
    """Sessions overlapping [start, end) (the week view), whatever their length."""
    f = replace(f or SessionFilter(), start_from=start - dt.timedelta(days=1), start_before=end)
    rows: list[AgendaRow] = []
    after = None
    while True:
        page = agenda_page(db, f, after=after, limit=1000)
        rows.extend(r for r in page if r.end_utc > start)
        if len(page) < 1000:
            return rows
        after = page_key(page[-1])


def sessions_of_participant(
    db: Database, participant_id: int, *, upcoming_only: bool = False, limit: int = 500
) -> list[AgendaRow]:
    """A participant's sessions: upcoming ones first-to-last, or all in start order."""
    f = SessionFilter(participant_id=participant_id, start_from=clock.now() if upcoming_only else None)
    return agenda_page(db, f, limit=limit)


# --- clashes ---------------------------------------------------------------------------------


def busy_intervals(
    db: Database,
    participant_ids: Sequence[int],
    start: dt.datetime,
    end: dt.datetime,
    *,
    exclude: Iterable[int] = (),
) -> dict[ParticipantId, list[tuple[dt.datetime, dt.datetime, SessionId, str]]]:
    """Each person's planned or held sessions overlapping [start, end)."""
    out: dict[ParticipantId, list[tuple[dt.datetime, dt.datetime, SessionId, str]]] = defaultdict(list)
    if not participant_ids:
        return out
    skip = set(exclude)
    lo = to_utc_text(start - dt.timedelta(minutes=1440))
    hi = to_utc_text(end)
    for chunk_start in range(0, len(participant_ids), 500):
        chunk = list(participant_ids[chunk_start : chunk_start + 500])
        marks = ",".join("?" * len(chunk))
        for pid, sid, title, st, dur in db.execute(
            "SELECT sp.participant_id, s.id, s.title, s.start_utc, s.duration_min FROM session_people sp "
            "JOIN sessions s ON s.id = sp.session_id "
            f"WHERE sp.participant_id IN ({marks}) AND s.status != 'cancelled' "
            "AND s.start_utc >= ? AND s.start_utc < ? ORDER BY s.start_utc",
            [*chunk, lo, hi],
        ):
            if sid in skip:
                continue
            b = from_utc_text(st)
            e = b + dt.timedelta(minutes=dur)
            if e > start and b < end:
                out[ParticipantId(pid)].append((b, e, SessionId(sid), title))
    return out


def find_clashes(db: Database, s: Session) -> list[Clash]:
    """People of s who are already on another (not cancelled) session overlapping it."""
    if s.status == "cancelled" or not s.people:
        return []
    busy = busy_intervals(db, list(s.people), s.start_utc, s.end_utc, exclude=[s.id] if s.id else [])
    if not busy:
        return []
    marks = ",".join("?" * len(busy))
    names = {r[0]: r[1] for r in db.execute(f"SELECT id, name FROM participants WHERE id IN ({marks})", list(busy))}
    return [
        Clash(pid, names.get(pid, str(pid)), sid, title, b, e)
        for pid in s.people
        for b, e, sid, title in busy.get(pid, [])
    ]


# --- choices for filters and dialogs -----------------------------------------------------------


def program_choices(db: Database) -> list[tuple[int, str]]:
    return [(r[0], r[1]) for r in db.execute("SELECT id, name FROM programs ORDER BY name COLLATE NOCASE")]


def pairing_choices(db: Database, *, active_only: bool = False) -> list[tuple[int, str, str]]:
    """(id, kind, 'Ana Silva & Ben Okafor') for every pairing."""
    where = "WHERE pg.status = 'active'" if active_only else ""
    out = []
    for pid, kind, names in db.execute(
        "SELECT pg.id, pg.kind, group_concat(p.name, ' & ') FROM pairings pg "
        "JOIN pairing_members m ON m.pairing_id = pg.id JOIN participants p ON p.id = m.participant_id "
        f"{where} GROUP BY pg.id ORDER BY pg.id"
    ):
        out.append((pid, kind, names or ""))
    return out


def kinds_in_use(db: Database) -> list[str]:
    """Built-in kinds, then custom kinds already used."""
    used = [r[0] for r in db.execute("SELECT DISTINCT kind FROM sessions ORDER BY kind")]
    return [*KINDS, *(k for k in used if k not in KINDS)]
