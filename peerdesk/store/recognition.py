"""Awards given to contributors, each with a reason; they feed recognition certificates."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any

from peerdesk import clock
from peerdesk.store.db import Database
from peerdesk.store.errors import NotFound, ValidationError

AWARD_TITLES = (
    "Mentor of the Quarter",
    "Outstanding Contributor",
    "Knowledge Sharer",
    "Rising Star",
    "Community Builder",
)


@dataclass(frozen=True)
class Award:
    """Recognition given to a participant, with the reason it was given."""

    participant_id: int
    title: str
    reason: str = ""
    awarded_on: dt.date | None = None
    program_id: int | None = None
    id: int | None = None


_COLUMNS = "id, participant_id, program_id, title, reason, awarded_on"


def _award(row: tuple[Any, ...]) -> Award:
    return Award(
        id=row[0],
        participant_id=row[1],
        program_id=row[2],
        title=row[3],
        reason=row[4],
        awarded_on=dt.date.fromisoformat(row[5]),
    )


def validate_award(db: Database, a: Award) -> Award:
    title = " ".join(a.title.split())
    if not title:
        raise ValidationError("An award needs a title.", "title")
    reason = a.reason.strip()
    if not reason:
        raise ValidationError("Say why the award is given: the reason is printed on the certificate.", "reason")
    if db.execute("SELECT 1 FROM participants WHERE id = ?", (a.participant_id,)).fetchone() is None:
        raise ValidationError("Choose who receives the award.", "participant_id")
    if (
        a.program_id is not None
        and db.execute("SELECT 1 FROM programs WHERE id = ?", (a.program_id,)).fetchone() is None
    ):
        raise ValidationError("That program does not exist.", "program_id")
    day = a.awarded_on or clock.today()
    if day > clock.today():
        raise ValidationError("An award cannot be dated in the future.", "awarded_on")
    return replace(a, title=title, reason=reason, awarded_on=day)


def give_award(db: Database, a: Award) -> Award:
    """Record an award (dated today unless given a date)."""
    a = validate_award(db, replace(a, id=None))
    assert a.awarded_on is not None
    cur = db.execute(
        "INSERT INTO awards(participant_id, program_id, title, reason, awarded_on) VALUES (?, ?, ?, ?, ?)",
        (a.participant_id, a.program_id, a.title, a.reason, a.awarded_on.isoformat()),
    )
    return replace(a, id=int(cur.lastrowid or 0))


def update_award(db: Database, a: Award) -> Award:
    if a.id is None:
        raise NotFound("Cannot update an award that was never saved.")
    get_award(db, a.id)
    a = validate_award(db, a)
    assert a.awarded_on is not None
    db.execute(
        "UPDATE awards SET participant_id=?, program_id=?, title=?, reason=?, awarded_on=? WHERE id=?",
        (a.participant_id, a.program_id, a.title, a.reason, a.awarded_on.isoformat(), a.id),
    )
    return a


def revoke_award(db: Database, award_id: int) -> None:
    if db.execute("DELETE FROM awards WHERE id = ?", (award_id,)).rowcount == 0:
        raise NotFound(f"Award {award_id} does not exist.")


def get_award(db: Database, award_id: int) -> Award:
    row = db.execute(f"SELECT {_COLUMNS} FROM awards WHERE id = ?", (award_id,)).fetchone()
    if row is None:
        raise NotFound(f"Award {award_id} does not exist.")
    return _award(row)


def list_awards(db: Database, participant_id: int | None = None, program_id: int | None = None) -> list[Award]:
    """Awards, newest first, of one participant and/or program, or all."""
    clauses, args = [], []
    if participant_id is not None:
        clauses.append("participant_id = ?")
        args.append(participant_id)
    if program_id is not None:
        clauses.append("program_id = ?")
        args.append(program_id)
    where = " WHERE " + " AND ".join(clauses) if clauses else ""
    return [
        _award(r) for r in db.execute(f"SELECT {_COLUMNS} FROM awards{where} ORDER BY awarded_on DESC, id DESC", args)
    ]
