"""Participants: validation, reading and writing, with their skills and availability."""

from __future__ import annotations

import datetime as dt
import re
import string
import unicodedata
import zoneinfo
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import replace
from functools import lru_cache
from typing import Any

from peerdesk import clock
from peerdesk.store.db import Database
from peerdesk.store.errors import NotFound, ValidationError
from peerdesk.store.records import (
    MAX_PREFERRED,
    ROLES,
    STATUSES,
    Participant,
    ParticipantId,
    SkillLevel,
    Window,
)
from peerdesk.store.workspace import Changes

EMAIL = re.compile(r"^[^@\s<>(),;:\"\[\]]+@[^@\s<>(),;:\"\[\]]+\.[^@\s<>(),;:\"\[\]]{2,}$")
MAX_CAPACITY = 20

_COLUMNS = (
    "id, name, email, department, title, location, timezone, hire_date, role, capacity, "
    "manager_email, status, archived, notes, keep_mentor"
)


@lru_cache(maxsize=1)
def time_zones() -> frozenset[str]:
    """Every IANA time zone name this machine knows."""
    return frozenset(zoneinfo.available_timezones())


def is_time_zone(name: str) -> bool:
    return name in time_zones() or name == "UTC"


def normalise_email(email: str) -> str:
    return email.strip().lower()


_LABELS = {"name": "The name", "email": "The e-mail address", "department": "The department", "title": "The title",
           "location": "The location", "manager_email": "The manager's e-mail", "timezone": "The time zone",
           "notes": "The notes"}  # fmt: skip


def _check_characters(p: Participant) -> None:
    """Refuse control characters (NUL, escapes...) that no keyboard types; notes may hold line breaks."""
    for field, label in _LABELS.items():
        allowed = "\n\t" if field == "notes" else ""
        if _has_control(getattr(p, field), allowed):
            raise ValidationError(f"{label} contains invisible control characters.", field)
    for s in (*p.teaches, *p.learns):
        if _has_control(s.skill):
            raise ValidationError(f"The skill {s.skill!r} contains invisible control characters.", "skills")


def has_control(text: str, allowed: str = "") -> bool:
    """Does text hold control characters (NUL, escapes) other than those allowed (e.g. line breaks)?"""
    return _has_control(text, allowed)


def _has_control(text: str, allowed: str = "") -> bool:
    return any(unicodedata.category(ch) in ("Cc", "Cs") and ch not in allowed for ch in text)


def validate(p: Participant) -> Participant:
    """Return the participant tidied up, or raise ValidationError naming the first bad field."""
    _check_characters(p)
    name = " ".join(p.name.split())
    if not name:
        raise ValidationError("A name is required.", "name")
    email = normalise_email(p.email)
    if not email:
        raise ValidationError("An e-mail address is required.", "email")
    if not EMAIL.match(email):
        raise ValidationError(f"'{p.email.strip()}' is not a well-formed e-mail address.", "email")
    manager = normalise_email(p.manager_email)
    if manager and not EMAIL.match(manager):
        raise ValidationError(f"Manager e-mail '{manager}' is not well-formed.", "manager_email")
    if manager and manager == email:
        raise ValidationError("A participant cannot be their own manager.", "manager_email")
    if p.role not in ROLES:
        raise ValidationError(f"Role must be one of {', '.join(ROLES)}, not '{p.role}'.", "role")
    if p.status not in STATUSES:
        raise ValidationError(f"Status must be one of {', '.join(STATUSES)}, not '{p.status}'.", "status")
    if isinstance(p.capacity, bool) or not isinstance(p.capacity, int) or not 0 <= p.capacity <= MAX_CAPACITY:
        raise ValidationError(f"Capacity must be a whole number from 0 to {MAX_CAPACITY}.", "capacity")
    tz = p.timezone.strip() or "UTC"
    if not is_time_zone(tz):
        raise ValidationError(f"'{tz}' is not a time zone (use a name like Europe/Berlin).", "timezone")
    for s in (*p.teaches, *p.learns):
        if not 1 <= s.level <= 5:
            raise ValidationError(f"Level of {s.skill} must be 1-5.", "skills")
        if not s.skill.strip():
            raise ValidationError("A skill needs a name.", "skills")
    for w in p.availability:
        if not (0 <= w.weekday <= 6 and 0 <= w.start_min < w.end_min <= 1440):
            raise ValidationError(f"Availability window {w} is not valid.", "availability")
    prefers = _choice_list(p.prefers, email, "prefers", "preferred partner")
    if len(prefers) > MAX_PREFERRED:
        raise ValidationError(
            f"At most {MAX_PREFERRED} preferred partners can be named, not {len(prefers)}.", "prefers"
        )
    avoids = _choice_list(p.avoids, email, "avoids", "person to avoid")
    both = [e for e in prefers if e in avoids]
    if both:
        raise ValidationError(f"{both[0]} is both a preferred partner and someone to avoid.", "avoids")
    return replace(
        p,
        name=name,
        email=email,
        manager_email=manager,
        prefers=prefers,
        avoids=avoids,
        keep_mentor=bool(p.keep_mentor),
        timezone=tz,
        department=" ".join(p.department.split()),
        title=" ".join(p.title.split()),
        location=" ".join(p.location.split()),
    )


def _choice_list(emails: tuple[str, ...], own: str, field: str, what: str) -> tuple[str, ...]:
    """Preferred or avoided partners' e-mails, tidied: well-formed, each once, never the person themselves."""
    out: list[str] = []
    for raw in emails:
        e = normalise_email(raw)
        if not e:
            continue
        if not EMAIL.match(e):
            raise ValidationError(f"'{raw.strip()}' ({what}) is not a well-formed e-mail address.", field)
        if e == own:
            raise ValidationError(f"A participant cannot name themselves as a {what}.", field)
        if e in out:
            raise ValidationError(f"{e} is named twice as a {what}.", field)
        out.append(e)
    return tuple(out)


def _from_row(
    row: tuple[Any, ...],
    skills: dict[int, dict[str, list[SkillLevel]]],
    windows: dict[int, list[Window]],
    choices: dict[str, dict[int, list[str]]],
) -> Participant:
    pid = row[0]
    s = skills.get(pid, {})
    return Participant(
        id=ParticipantId(pid),
        name=row[1],
        email=row[2],
        department=row[3],
        title=row[4],
        location=row[5],
        timezone=row[6],
        hire_date=dt.date.fromisoformat(row[7]) if row[7] else None,
        role=row[8],
        capacity=row[9],
        manager_email=row[10],
        status=row[11],
        archived=bool(row[12]),
        notes=row[13],
        teaches=tuple(s.get("teach", ())),
        learns=tuple(s.get("learn", ())),
        availability=tuple(windows.get(pid, ())),
        keep_mentor=bool(row[14]),
        prefers=tuple(choices["prefers"].get(pid, ())),
        avoids=tuple(choices["avoids"].get(pid, ())),
    )


# Preferred and avoided partners: (table, column naming the other person, order).
_CHOICES = {
    "prefers": ("preferred_partners", "partner_id", "c.rank"),
    "avoids": ("avoided_partners", "other_id", "o.email"),
}


def _load(db: Database, where: str = "", params: tuple[Any, ...] = ()) -> list[Participant]:
    rows = db.execute(
        f"SELECT {_COLUMNS} FROM participants {where} ORDER BY name COLLATE NOCASE, id", params
    ).fetchall()
    if not rows:
        return []
    if where:
        ids = [r[0] for r in rows]
        marks = ",".join("?" * len(ids))
        skill_sql = f"WHERE ps.participant_id IN ({marks})"
        win_sql = f"WHERE participant_id IN ({marks})"
        choice_sql = f"WHERE c.participant_id IN ({marks})"
        args: tuple[Any, ...] = tuple(ids)
    else:
        skill_sql = win_sql = choice_sql = ""
        args = ()
    skills: dict[int, dict[str, list[SkillLevel]]] = defaultdict(lambda: defaultdict(list))
    for pid, direction, name, level in db.execute(
        "SELECT ps.participant_id, ps.direction, s.name, ps.level FROM participant_skills ps "
        f"JOIN skills s ON s.id = ps.skill_id {skill_sql} ORDER BY ps.participant_id, ps.position",
        args,
    ):
        skills[pid][direction].append(SkillLevel(name, level))
    windows: dict[int, list[Window]] = defaultdict(list)
    for pid, day, start, end in db.execute(
        f"SELECT participant_id, weekday, start_min, end_min FROM availability {win_sql} "
        "ORDER BY participant_id, weekday, start_min",
        args,
    ):
        windows[pid].append(Window(day, start, end))
    choices: dict[str, dict[int, list[str]]] = {}
    for key, (table, other, order) in _CHOICES.items():
        choices[key] = defaultdict(list)
        for pid, email in db.execute(
            f"SELECT c.participant_id, o.email FROM {table} c JOIN participants o ON o.id = c.{other} "
            f"{choice_sql} ORDER BY c.participant_id, {order}",
            args,
        ):
            choices[key][pid].append(email)
    return [_from_row(r, skills, windows, choices) for r in rows]


def list_participants(db: Database, *, include_archived: bool = True) -> list[Participant]:
    """Everyone, sorted by name, with skills and availability."""
    return _load(db, "" if include_archived else "WHERE archived = 0")


_CHOICE_TABLES = tuple(table for table, _other, _order in _CHOICES.values())
_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)
# Stays below SQLite's smallest default limit on bound variables (999 before 3.32).
_CHUNK = 500


def participants_by_ids(db: Database, ids: Iterable[int]) -> list[Participant]:
    """The participants with these ids (ids that do not exist are skipped), sorted by name."""
    found: list[Participant] = []
    chunks = list(_chunks(ids))
    for chunk in chunks:
        found += _load(db, f"WHERE id IN ({','.join('?' * len(chunk))})", chunk)
    if len(chunks) > 1:  # chunks are each sorted; sort the whole as SQLite's NOCASE does
        found.sort(key=lambda p: (p.name.translate(_ASCII_LOWER), p.id))
    return found


def _chunks(ids: Iterable[int]) -> Iterable[tuple[int, ...]]:
    wanted = sorted(set(ids))
    for start in range(0, len(wanted), _CHUNK):
        yield tuple(wanted[start : start + _CHUNK])


def participants_concerned(db: Database, changes: Changes, most: int) -> set[int] | None:
    """The ids of the participants a write may have changed (their record, skills or availability).

    None when that is not known, or when more than `most` are concerned (a reload is then cheaper).
    The ids include deleted participants. Rows deleted from participant_skills or availability
    cannot be traced to their owner any more; every write of this module (and erase, and an
    undo or redo of any of them) also writes the owner's participants row, which is relied on
    whenever some participants row changed, and a reload is asked for otherwise.
    """
    watched = ("participants", "participant_skills", "availability", "skills", *_CHOICE_TABLES)
    if not changes.knows_rows(*watched):
        return None
    ids = set(changes.ids("participants"))
    for table in ("participant_skills", "availability", *_CHOICE_TABLES):
        rowids = changes.ids(table)
        if len(rowids) > 50 * most:
            return None
        found = 0
        for chunk in _chunks(rowids):
            rows = db.execute(
                f"SELECT participant_id FROM {table} WHERE rowid IN ({','.join('?' * len(chunk))})", chunk
            ).fetchall()
            found += len(rows)
            ids.update(r[0] for r in rows)
        if found < len(rowids) and not changes.ids("participants"):
            return None  # rows gone without their owner being written: owner unknown
    skills = changes.ids("skills")  # a skill renamed or deleted changes everyone who has it
    for chunk in _chunks(skills):
        ids.update(
            r[0]
            for r in db.execute(
                f"SELECT DISTINCT participant_id FROM participant_skills WHERE skill_id IN ({','.join('?' * len(chunk))})",
                chunk,
            )
        )
        if len(ids) > most:
            return None
    return ids if len(ids) <= most else None


def get_participant(db: Database, pid: int) -> Participant:
    found = _load(db, "WHERE id = ?", (pid,))
    if not found:
        raise NotFound(f"Participant {pid} does not exist.")
    return found[0]


def find_by_email(db: Database, email: str) -> Participant | None:
    found = _load(db, "WHERE email = ?", (normalise_email(email),))
    return found[0] if found else None


def ids_by_email(db: Database) -> dict[str, ParticipantId]:
    return {e.lower(): ParticipantId(i) for i, e in db.execute("SELECT id, email FROM participants")}


def departments(db: Database) -> list[str]:
    return [
        r[0]
        for r in db.execute(
            "SELECT DISTINCT department FROM participants WHERE department != '' ORDER BY department COLLATE NOCASE"
        )
    ]


def skill_names(db: Database) -> list[str]:
    return [r[0] for r in db.execute("SELECT name FROM skills ORDER BY name COLLATE NOCASE")]


def skill_id(db: Database, name: str) -> int:
    """The id of a skill, created on first use (case-insensitive)."""
    row = db.execute("SELECT id FROM skills WHERE name = ?", (name,)).fetchone()
    if row:
        return int(row[0])
    cur = db.execute("INSERT INTO skills(name) VALUES (?)", (name,))
    return int(cur.lastrowid or 0)


def _check_unique_email(db: Database, email: str, pid: int | None) -> None:
    row = db.execute("SELECT id, name FROM participants WHERE email = ?", (email,)).fetchone()
    if row and row[0] != pid:
        raise ValidationError(f"{email} is already used by {row[1]}.", "email")


def _write_choices(db: Database, pid: int, p: Participant) -> None:
    """Store whom p prefers (ranked) and avoids; each must be a participant already."""
    for key, (table, other, _order) in _CHOICES.items():
        db.execute(f"DELETE FROM {table} WHERE participant_id = ?", (pid,))
        for pos, email in enumerate(getattr(p, key)):
            row = db.execute("SELECT id FROM participants WHERE email = ?", (email,)).fetchone()
            if row is None:
                what = "preferred partner" if key == "prefers" else "person to avoid"
                raise ValidationError(f"{email} ({what}) is not a participant.", key)
            if key == "prefers":
                db.execute(
                    f"INSERT INTO {table}(participant_id, {other}, rank) VALUES (?, ?, ?)", (pid, row[0], pos + 1)
                )
            else:
                db.execute(f"INSERT INTO {table}(participant_id, {other}) VALUES (?, ?)", (pid, row[0]))


def _write_children(db: Database, pid: int, p: Participant) -> None:
    db.execute("DELETE FROM participant_skills WHERE participant_id = ?", (pid,))
    db.execute("DELETE FROM availability WHERE participant_id = ?", (pid,))
    for direction, skills in (("teach", p.teaches), ("learn", p.learns)):
        for pos, s in enumerate(skills):
            db.execute(
                "INSERT OR REPLACE INTO participant_skills(participant_id, skill_id, direction, level, position) "
                "VALUES (?, ?, ?, ?, ?)",
                (pid, skill_id(db, s.skill), direction, s.level, pos),
            )
    for w in p.availability:
        db.execute(
            "INSERT INTO availability(participant_id, weekday, start_min, end_min) VALUES (?, ?, ?, ?)",
            (pid, w.weekday, w.start_min, w.end_min),
        )


def _values(p: Participant) -> tuple[Any, ...]:
    return (
        p.name,
        p.email,
        p.department,
        p.title,
        p.location,
        p.timezone,
        p.hire_date.isoformat() if p.hire_date else None,
        p.role,
        p.capacity,
        p.manager_email,
        p.status,
        int(p.archived),
        p.notes,
        int(p.keep_mentor),
    )


def add_participant(db: Database, p: Participant, *, choices: bool = True) -> Participant:
    """Validate and insert a participant; return it with its id.

    choices=False leaves their preferred and avoided partners unwritten, for a caller that adds
    the people they name first (an import) and then calls write_choices."""
    p = validate(p)
    with db.atomic():
        _check_unique_email(db, p.email, None)
        now = clock.stamp()
        cur = db.execute(
            "INSERT INTO participants(name, email, department, title, location, timezone, hire_date, role, "
            "capacity, manager_email, status, archived, notes, keep_mentor, created_at, updated_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (*_values(p), now, now),
        )
        pid = ParticipantId(int(cur.lastrowid or 0))
        _write_children(db, pid, p)
        if choices:
            _write_choices(db, pid, p)
    return replace(p, id=pid)


def update_participant(db: Database, p: Participant, *, choices: bool = True) -> Participant:
    """Validate and save changes to an existing participant (choices: as add_participant)."""
    if p.id is None:
        raise NotFound("Cannot update a participant that was never saved.")
    p = validate(p)
    pid = p.id
    assert pid is not None
    with db.atomic():
        if db.execute("SELECT 1 FROM participants WHERE id = ?", (pid,)).fetchone() is None:
            raise NotFound(f"Participant {p.id} does not exist.")
        _check_unique_email(db, p.email, p.id)
        db.execute(
            "UPDATE participants SET name=?, email=?, department=?, title=?, location=?, timezone=?, "
            "hire_date=?, role=?, capacity=?, manager_email=?, status=?, archived=?, notes=?, keep_mentor=?, "
            "updated_at=? WHERE id=?",
            (*_values(p), clock.stamp(), p.id),
        )
        _write_children(db, pid, p)
        if choices:
            _write_choices(db, pid, p)
    return p


def write_choices(db: Database, p: Participant) -> None:
    """Store the preferred and avoided partners of a saved participant (see add_participant)."""
    if p.id is None:
        raise NotFound("Cannot store the choices of a participant that was never saved.")
    with db.atomic():
        _write_choices(db, p.id, p)


def same_content(a: Participant, b: Participant) -> bool:
    """True when saving b over a would change nothing."""
    return replace(a, id=None) == replace(b, id=None)


def set_archived(db: Database, ids: Iterable[int], archived: bool) -> int:
    """Archive (or bring back) participants; return how many changed."""
    with db.atomic():
        n = 0
        for pid in ids:
            cur = db.execute(
                "UPDATE participants SET archived = ?, updated_at = ? WHERE id = ? AND archived != ?",
                (int(archived), clock.stamp(), pid, int(archived)),
            )
            n += cur.rowcount
    return n


def delete_participants(db: Database, ids: Iterable[int]) -> int:
    """Delete participants and what belongs to them only (skills, availability, memberships).

    Whoever named one of them as a preferred partner or someone to avoid loses that choice;
    their record is marked changed too, so views showing it refresh."""
    with db.atomic():
        n = 0
        for pid in ids:
            touch_choosers(db, pid)
            n += db.execute("DELETE FROM participants WHERE id = ?", (pid,)).rowcount
    return n


def touch_choosers(db: Database, pid: int) -> None:
    """Mark changed everyone who names pid as a preferred partner or someone to avoid (before pid goes)."""
    for table, other, _order in _CHOICES.values():
        db.execute(
            f"UPDATE participants SET updated_at = ? WHERE id IN (SELECT participant_id FROM {table} WHERE {other} = ?)",
            (clock.stamp(), pid),
        )
