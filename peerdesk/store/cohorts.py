"""Cohorts: terms of a program with their own dates and enrolment, closed with completions.

Enrolling someone in a cohort enrols them in its program too (from the cohort's start, or
as they were). Closing a cohort records who completed it (peerdesk.programs.cohorts decides who met
the completion rule): their cohort completion, and the program's completion when they had
none yet, which is what completion certificates and the reports read.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, replace

from peerdesk import clock
from peerdesk.store.db import Database
from peerdesk.store.errors import NotFound, ValidationError
from peerdesk.store.programs import enrol


@dataclass(frozen=True)
class Cohort:
    """One term of a program."""

    program_id: int
    name: str
    start_date: dt.date
    end_date: dt.date
    closed_on: dt.date | None = None
    id: int | None = None

    @property
    def is_closed(self) -> bool:
        return self.closed_on is not None

    @property
    def dates(self) -> str:
        return f"{self.start_date:%d %b %Y} – {self.end_date:%d %b %Y}"


@dataclass(frozen=True)
class CohortMember:
    """Someone enrolled in a cohort, and whether they completed it."""

    cohort_id: int
    participant_id: int
    name: str
    email: str
    department: str
    enrolled_on: dt.date
    completed_on: dt.date | None = None


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


_COLS = "id, program_id, name, start_date, end_date, closed_on"


def _cohort(row: tuple[object, ...]) -> Cohort:
    return Cohort(
        id=int(row[0]),  # type: ignore[call-overload]
        program_id=int(row[1]),  # type: ignore[call-overload]
        name=str(row[2]),
        start_date=dt.date.fromisoformat(str(row[3])),
        end_date=dt.date.fromisoformat(str(row[4])),
        closed_on=_date(row[5]),  # type: ignore[arg-type]
    )


def list_cohorts(db: Database, program_id: int) -> list[Cohort]:
    """A program's cohorts, earliest first."""
    return [
        _cohort(r)
        for r in db.execute(f"SELECT {_COLS} FROM cohorts WHERE program_id = ? ORDER BY start_date, id", (program_id,))
    ]


def get_cohort(db: Database, cohort_id: int) -> Cohort:
    row = db.execute(f"SELECT {_COLS} FROM cohorts WHERE id = ?", (cohort_id,)).fetchone()
    if row is None:
        raise NotFound(f"Cohort {cohort_id} does not exist.")
    return _cohort(row)


def validate_cohort(db: Database, c: Cohort) -> Cohort:
    name = " ".join(c.name.split())
    if not name:
        raise ValidationError("A cohort needs a name, such as 'Spring 2027'.", "name")
    if not db.execute("SELECT 1 FROM programs WHERE id = ?", (c.program_id,)).fetchone():
        raise NotFound(f"Program {c.program_id} does not exist.")
    if c.end_date < c.start_date:
        raise ValidationError("The cohort ends before it starts.", "end_date")
    clash = db.execute(
        "SELECT id FROM cohorts WHERE program_id = ? AND name = ? COLLATE NOCASE", (c.program_id, name)
    ).fetchone()
    if clash and clash[0] != c.id:
        raise ValidationError(f"The program already has a cohort called '{name}'.", "name")
    return replace(c, name=name)


def add_cohort(db: Database, c: Cohort) -> Cohort:
    c = validate_cohort(db, replace(c, id=None, closed_on=None))
    cur = db.execute(
        "INSERT INTO cohorts(program_id, name, start_date, end_date, created_at) VALUES (?, ?, ?, ?, ?)",
        (c.program_id, c.name, c.start_date.isoformat(), c.end_date.isoformat(), clock.stamp()),
    )
    return replace(c, id=int(cur.lastrowid or 0))


def update_cohort(db: Database, c: Cohort) -> Cohort:
    """Rename or move a cohort (its members and completions stay)."""
    if c.id is None:
        raise NotFound("Cannot update a cohort that was never saved.")
    old = get_cohort(db, c.id)
    c = validate_cohort(db, replace(c, program_id=old.program_id, closed_on=old.closed_on))
    db.execute(
        "UPDATE cohorts SET name = ?, start_date = ?, end_date = ? WHERE id = ?",
        (c.name, c.start_date.isoformat(), c.end_date.isoformat(), c.id),
    )
    return c


def delete_cohort(db: Database, cohort_id: int) -> None:
    """Delete a cohort and its enrolment (program enrolment and completions stay)."""
    if db.execute("DELETE FROM cohorts WHERE id = ?", (cohort_id,)).rowcount == 0:
        raise NotFound(f"Cohort {cohort_id} does not exist.")


def cohort_members(db: Database, cohort_id: int) -> list[CohortMember]:
    """Who is enrolled in a cohort, by name."""
    return [
        CohortMember(cohort_id, pid, name, email, dept or "", dt.date.fromisoformat(enrolled), _date(done))
        for pid, name, email, dept, enrolled, done in db.execute(
            "SELECT p.id, p.name, p.email, p.department, m.enrolled_on, m.completed_on FROM cohort_members m "
            "JOIN participants p ON p.id = m.participant_id WHERE m.cohort_id = ? ORDER BY p.name COLLATE NOCASE, p.id",
            (cohort_id,),
        )
    ]


def cohort_member_ids(db: Database, cohort_id: int) -> set[int]:
    return {r[0] for r in db.execute("SELECT participant_id FROM cohort_members WHERE cohort_id = ?", (cohort_id,))}


def enrol_in_cohort(db: Database, cohort_id: int, participant_ids: Iterable[int], on: dt.date | None = None) -> int:
    """Enrol people in an open cohort, on `on` (default today), and in its program from the later
    of that day and the cohort's start (those already in the program keep their date); return
    how many were added to the cohort."""
    c = get_cohort(db, cohort_id)
    if c.is_closed:
        raise ValidationError(f"{c.name} is closed: enrol people in a cohort that is still open.", "cohort")
    ids = sorted(set(participant_ids))
    day = on if on is not None else clock.today()
    n = 0
    with db.atomic():
        for pid in ids:
            n += db.execute(
                "INSERT OR IGNORE INTO cohort_members(cohort_id, participant_id, enrolled_on) VALUES (?, ?, ?)",
                (cohort_id, pid, day.isoformat()),
            ).rowcount
        enrol(db, c.program_id, ids, max(c.start_date, day))  # a member of the program from the cohort's start
    return n


def unenrol_from_cohort(db: Database, cohort_id: int, participant_ids: Iterable[int]) -> int:
    """Take people out of a cohort (their program enrolment stays)."""
    n = 0
    with db.atomic():
        for pid in participant_ids:
            n += db.execute(
                "DELETE FROM cohort_members WHERE cohort_id = ? AND participant_id = ?", (cohort_id, pid)
            ).rowcount
    return n


def record_closing(db: Database, cohort_id: int, completed: Iterable[int], on: dt.date) -> int:
    """Close a cohort on a day: these members completed it (the others did not); those who had
    not completed the program yet complete it that day. Returns how many completed."""
    c = get_cohort(db, cohort_id)
    if c.is_closed:
        raise ValidationError(f"{c.name} was already closed on {c.closed_on:%d %b %Y}.", "cohort")
    if on > clock.today():
        raise ValidationError("A cohort cannot be closed on a day still to come.", "closed_on")
    done = set(completed) & cohort_member_ids(db, cohort_id)
    with db.atomic():
        db.execute("UPDATE cohorts SET closed_on = ? WHERE id = ?", (on.isoformat(), cohort_id))
        for pid in sorted(done):
            db.execute(
                "UPDATE cohort_members SET completed_on = ? WHERE cohort_id = ? AND participant_id = ?",
                (on.isoformat(), cohort_id, pid),
            )
            db.execute(
                "UPDATE program_members SET completed_on = ? WHERE program_id = ? AND participant_id = ? "
                "AND completed_on IS NULL",
                (on.isoformat(), c.program_id, pid),
            )
    return len(done)


def cohorts_of(db: Database, participant_id: int) -> list[tuple[Cohort, CohortMember]]:
    """The cohorts someone was enrolled in, earliest first."""
    out = []
    for row in db.execute(
        f"SELECT {', '.join('c.' + c for c in _COLS.split(', '))}, m.enrolled_on, m.completed_on, p.name, p.email, "
        "p.department FROM cohort_members m JOIN cohorts c ON c.id = m.cohort_id "
        "JOIN participants p ON p.id = m.participant_id WHERE m.participant_id = ? ORDER BY c.start_date, c.id",
        (participant_id,),
    ):
        c = _cohort(row[:6])
        assert c.id is not None
        member = CohortMember(
            c.id, participant_id, row[8], row[9], row[10] or "", dt.date.fromisoformat(row[6]), _date(row[7])
        )
        out.append((c, member))
    return out
