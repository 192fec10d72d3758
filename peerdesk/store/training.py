"""Mentor training: a catalogue of modules and who completed which, when.

A person is a *trained mentor* once they completed every required module (and at
least one required module exists). The same rule, as SQL, feeds the metrics.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from peerdesk import clock
from peerdesk.store.db import Database
from peerdesk.store.errors import NotFound, ValidationError


@dataclass(frozen=True)
class Module:
    """One training module of the catalogue."""

    name: str
    description: str = ""
    required: bool = True
    position: int = 0
    id: int | None = None


@dataclass(frozen=True)
class Completion:
    """A participant completed a module on a day."""

    participant_id: int
    module_id: int
    completed_on: dt.date


DEFAULT_MODULES: tuple[Module, ...] = (
    Module("Mentoring basics", "Role of a peer mentor, setting goals and boundaries with a mentee.", True, 0),
    Module("Active listening and feedback", "Asking open questions, giving feedback that helps.", True, 1),
    Module("Inclusive mentoring", "Working across teams, cultures and time zones; avoiding bias.", True, 2),
    Module("Running a lunch & learn", "Planning a short talk or workshop and keeping it interactive.", False, 3),
)

# Ids of the people who completed every required module on or before :as_of.
TRAINED_IDS_SQL = """
SELECT tc.participant_id FROM training_completions tc
JOIN training_modules tm ON tm.id = tc.module_id
WHERE tm.required = 1 AND tc.completed_on <= :as_of
GROUP BY tc.participant_id
HAVING count(*) = (SELECT count(*) FROM training_modules WHERE required = 1)
"""


def _module(row: tuple[Any, ...]) -> Module:
    return Module(id=row[0], name=row[1], description=row[2], required=bool(row[3]), position=row[4])


def list_modules(db: Database) -> list[Module]:
    """The catalogue, in its order."""
    return [
        _module(r)
        for r in db.execute(
            "SELECT id, name, description, required, position FROM training_modules ORDER BY position, id"
        )
    ]


def get_module(db: Database, module_id: int) -> Module:
    row = db.execute(
        "SELECT id, name, description, required, position FROM training_modules WHERE id = ?", (module_id,)
    ).fetchone()
    if row is None:
        raise NotFound(f"Training module {module_id} does not exist.")
    return _module(row)


def _validate(db: Database, m: Module) -> Module:
    name = " ".join(m.name.split())
    if not name:
        raise ValidationError("A module needs a name.", "name")
    clash = db.execute("SELECT id FROM training_modules WHERE name = ?", (name,)).fetchone()
    if clash and clash[0] != m.id:
        raise ValidationError(f"There is already a module called '{name}'.", "name")
    return replace(m, name=name, description=m.description.strip())


def add_module(db: Database, m: Module) -> Module:
    """Add a module at the end of the catalogue."""
    with db.atomic():
        m = _validate(db, replace(m, id=None))
        pos = db.execute("SELECT coalesce(max(position) + 1, 0) FROM training_modules").fetchone()[0]
        cur = db.execute(
            "INSERT INTO training_modules(name, description, required, position) VALUES (?, ?, ?, ?)",
            (m.name, m.description, int(m.required), pos),
        )
    return replace(m, id=int(cur.lastrowid or 0), position=pos)


def update_module(db: Database, m: Module) -> Module:
    if m.id is None:
        raise NotFound("Cannot update a module that was never saved.")
    get_module(db, m.id)
    m = _validate(db, m)
    db.execute(
        "UPDATE training_modules SET name = ?, description = ?, required = ? WHERE id = ?",
        (m.name, m.description, int(m.required), m.id),
    )
    return m


def delete_module(db: Database, module_id: int) -> None:
    """Remove a module and its completions."""
    if db.execute("DELETE FROM training_modules WHERE id = ?", (module_id,)).rowcount == 0:
        raise NotFound(f"Training module {module_id} does not exist.")


def add_default_modules(db: Database) -> list[Module]:
    """Add the standard modules that are not in the catalogue yet; return those added."""
    added = []
    with db.atomic():
        for m in DEFAULT_MODULES:
            if db.execute("SELECT 1 FROM training_modules WHERE name = ?", (m.name,)).fetchone() is None:
                added.append(add_module(db, m))
    return added


def record_completion(db: Database, participant_id: int, module_id: int, on: dt.date | None = None) -> Completion:
    """Mark a module completed by a participant (on a day, default today); re-recording moves the date."""
    day = on or clock.today()
    if day > clock.today():
        raise ValidationError("A completion cannot be in the future.", "completed_on")
    get_module(db, module_id)
    if db.execute("SELECT 1 FROM participants WHERE id = ?", (participant_id,)).fetchone() is None:
        raise NotFound(f"Participant {participant_id} does not exist.")
    db.execute(
        "INSERT INTO training_completions(participant_id, module_id, completed_on) VALUES (?, ?, ?) "
        "ON CONFLICT(participant_id, module_id) DO UPDATE SET completed_on = excluded.completed_on",
        (participant_id, module_id, day.isoformat()),
    )
    return Completion(participant_id, module_id, day)


def record_completions(db: Database, participant_ids: Iterable[int], module_id: int, on: dt.date | None = None) -> int:
    """Mark one module completed by several people at once (a training session); return how many."""
    n = 0
    with db.atomic():
        for pid in participant_ids:
            record_completion(db, pid, module_id, on)
            n += 1
    return n


def remove_completion(db: Database, participant_id: int, module_id: int) -> bool:
    cur = db.execute(
        "DELETE FROM training_completions WHERE participant_id = ? AND module_id = ?", (participant_id, module_id)
    )
    return cur.rowcount > 0


def completions(db: Database, participant_id: int | None = None) -> list[Completion]:
    """Completions, of one participant or of everyone."""
    where, args = ("WHERE participant_id = ?", (participant_id,)) if participant_id is not None else ("", ())
    return [
        Completion(pid, mid, dt.date.fromisoformat(day))
        for pid, mid, day in db.execute(
            f"SELECT participant_id, module_id, completed_on FROM training_completions {where} "
            "ORDER BY participant_id, module_id",
            args,
        )
    ]


def trained_ids(db: Database, as_of: dt.date | None = None) -> set[int]:
    """Everyone who completed all required modules (by `as_of`, default today)."""
    day = (as_of or clock.today()).isoformat()
    return {r[0] for r in db.execute(TRAINED_IDS_SQL, {"as_of": day})}


def is_trained(db: Database, participant_id: int, as_of: dt.date | None = None) -> bool:
    """True when the participant completed every required module (there must be at least one)."""
    day = (as_of or clock.today()).isoformat()
    row = db.execute(
        "SELECT count(*), (SELECT count(*) FROM training_modules WHERE required = 1) FROM training_completions tc "
        "JOIN training_modules tm ON tm.id = tc.module_id "
        "WHERE tm.required = 1 AND tc.participant_id = ? AND tc.completed_on <= ?",
        (participant_id, day),
    ).fetchone()
    return bool(row[1]) and row[0] == row[1]


def trained_on(db: Database, participant_id: int) -> dt.date | None:
    """The day the participant became a trained mentor (their last required completion), or None."""
    if not is_trained(db, participant_id, dt.date.max):
        return None
    row = db.execute(
        "SELECT max(tc.completed_on) FROM training_completions tc JOIN training_modules tm ON tm.id = tc.module_id "
        "WHERE tm.required = 1 AND tc.participant_id = ?",
        (participant_id,),
    ).fetchone()
    return dt.date.fromisoformat(row[0]) if row and row[0] else None
