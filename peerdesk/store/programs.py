"""Programs, who is enrolled in them, and their SMART goals."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from peerdesk import clock
from peerdesk.store.cadence import Cadence, cadence_of, check_cadence
from peerdesk.store.db import Database
from peerdesk.store.errors import NotFound, ValidationError
from peerdesk.store.records import OBJECTIVES

PROGRAM_STATUSES = ("planned", "active", "closed")
COMPARISONS = (">=", "<=")
# How long the program's meetings last (config key "meeting_minutes"): first meetings are
# booked for this long, and matching asks pairs to share at least this much time a week.
DEFAULT_MEETING_MINUTES = 60
MEETING_MINUTES = (15, 480)


@dataclass(frozen=True)
class Program:
    """A peer-learning program with an objective and dates."""

    name: str
    objective: str = "custom"
    description: str = ""
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    status: str = "active"
    config: Mapping[str, Any] = field(default_factory=dict)
    id: int | None = None

    @property
    def objective_label(self) -> str:
        return OBJECTIVES.get(self.objective, self.objective)

    @property
    def meeting_minutes(self) -> int:
        """How long the program's meetings last, in minutes (60 unless set)."""
        return meeting_minutes_of(self.config)

    @property
    def cadence(self) -> Cadence | None:
        """How often its pairs are expected to meet (None: not set)."""
        return cadence_of(self.config)


def meeting_minutes_of(config: Mapping[str, Any]) -> int:
    """The meeting length stored in a program's config, or the default when unset or unusable."""
    raw = config.get("meeting_minutes")
    low, high = MEETING_MINUTES
    if isinstance(raw, int) and not isinstance(raw, bool) and low <= raw <= high:
        return raw
    return DEFAULT_MEETING_MINUTES


@dataclass(frozen=True)
class Membership:
    """A participant enrolled in a program."""

    program_id: int
    participant_id: int
    enrolled_on: dt.date
    completed_on: dt.date | None = None


@dataclass(frozen=True)
class Goal:
    """A measurable target over a metric of the catalogue (peerdesk.metrics), with a deadline."""

    program_id: int
    title: str
    metric: str
    target: float
    deadline: dt.date
    comparison: str = ">="
    params: Mapping[str, Any] = field(default_factory=dict)
    start_date: dt.date | None = None
    position: int = 0
    id: int | None = None


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def _iso(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


# --- programs ------------------------------------------------------------------------------

_PROGRAM_COLUMNS = "id, name, objective, description, start_date, end_date, status, config"


def _program(row: tuple[Any, ...]) -> Program:
    try:
        config = json.loads(row[7] or "{}")
    except ValueError:
        config = {}
    return Program(
        id=row[0],
        name=row[1],
        objective=row[2],
        description=row[3],
        start_date=_date(row[4]),
        end_date=_date(row[5]),
        status=row[6],
        config=config if isinstance(config, dict) else {},
    )


def validate_program(db: Database, p: Program) -> Program:
    """Return the program tidied up, or raise ValidationError naming the bad field."""
    name = " ".join(p.name.split())
    if not name:
        raise ValidationError("A program needs a name.", "name")
    clash = db.execute("SELECT id FROM programs WHERE name = ?", (name,)).fetchone()
    if clash and clash[0] != p.id:
        raise ValidationError(f"There is already a program called '{name}'.", "name")
    if p.objective not in OBJECTIVES:
        raise ValidationError(f"Objective must be one of {', '.join(OBJECTIVES)}.", "objective")
    if p.status not in PROGRAM_STATUSES:
        raise ValidationError(f"Status must be one of {', '.join(PROGRAM_STATUSES)}.", "status")
    if p.start_date and p.end_date and p.end_date < p.start_date:
        raise ValidationError("The program ends before it starts.", "end_date")
    minutes = p.config.get("meeting_minutes")
    low, high = MEETING_MINUTES
    if minutes is not None and not (
        isinstance(minutes, int) and not isinstance(minutes, bool) and low <= minutes <= high
    ):
        raise ValidationError(f"Meetings last {low} to {high} minutes.", "meeting_minutes")
    check_cadence(p.config)
    return replace(p, name=name, description=p.description.strip(), config=dict(p.config))


def add_program(db: Database, p: Program) -> Program:
    p = validate_program(db, replace(p, id=None))
    cur = db.execute(
        "INSERT INTO programs(name, objective, description, start_date, end_date, status, config, created_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (
            p.name,
            p.objective,
            p.description,
            _iso(p.start_date),
            _iso(p.end_date),
            p.status,
            json.dumps(dict(p.config)),
            clock.stamp(),
        ),
    )
    return replace(p, id=int(cur.lastrowid or 0))


def _config(text: str | None) -> dict[str, Any]:
    try:
        config = json.loads(text or "{}")
    except ValueError:
        return {}
    return config if isinstance(config, dict) else {}


def program_config(db: Database, program_id: int) -> dict[str, Any]:
    """A program's settings (matching, certificate rules, meeting length), as stored."""
    row = db.execute("SELECT config FROM programs WHERE id = ?", (program_id,)).fetchone()
    if row is None:
        raise NotFound(f"Program {program_id} does not exist.")
    return _config(row[0])


def update_program_config(db: Database, program_id: int, changes: Mapping[str, Any]) -> dict[str, Any]:
    """Set these keys of a program's settings, keeping every other key: the one writer of programs.config."""
    with db.atomic():
        config = program_config(db, program_id)
        config.update(changes)
        db.execute("UPDATE programs SET config = ? WHERE id = ?", (json.dumps(config, sort_keys=True), program_id))
    return config


def update_program(db: Database, p: Program) -> Program:
    if p.id is None:
        raise NotFound("Cannot update a program that was never saved.")
    program_id = p.id
    get_program(db, program_id)
    p = validate_program(db, p)
    with db.atomic():
        update_program_config(db, program_id, p.config)
        db.execute(
            "UPDATE programs SET name=?, objective=?, description=?, start_date=?, end_date=?, status=? WHERE id=?",
            (p.name, p.objective, p.description, _iso(p.start_date), _iso(p.end_date), p.status, program_id),
        )
    return p


def delete_program(db: Database, program_id: int) -> None:
    """Delete a program with its goals and enrolments (sessions and pairings stay, unassigned)."""
    if db.execute("DELETE FROM programs WHERE id = ?", (program_id,)).rowcount == 0:
        raise NotFound(f"Program {program_id} does not exist.")


def get_program(db: Database, program_id: int) -> Program:
    row = db.execute(f"SELECT {_PROGRAM_COLUMNS} FROM programs WHERE id = ?", (program_id,)).fetchone()
    if row is None:
        raise NotFound(f"Program {program_id} does not exist.")
    return _program(row)


def find_program(db: Database, name: str) -> Program | None:
    """A program by name (case-insensitive), or None."""
    row = db.execute(f"SELECT {_PROGRAM_COLUMNS} FROM programs WHERE name = ?", (" ".join(name.split()),)).fetchone()
    return _program(row) if row else None


def list_programs(db: Database) -> list[Program]:
    """All programs: active first, then planned, then closed; newest start first within each."""
    return [
        _program(r)
        for r in db.execute(
            f"SELECT {_PROGRAM_COLUMNS} FROM programs ORDER BY "
            "CASE status WHEN 'active' THEN 0 WHEN 'planned' THEN 1 ELSE 2 END, "
            "coalesce(start_date, '') DESC, name COLLATE NOCASE"
        )
    ]


# --- enrolment -----------------------------------------------------------------------------


def members(db: Database, program_id: int) -> list[Membership]:
    return [
        Membership(program_id, pid, dt.date.fromisoformat(enrolled), _date(done))
        for pid, enrolled, done in db.execute(
            "SELECT pm.participant_id, pm.enrolled_on, pm.completed_on FROM program_members pm "
            "JOIN participants p ON p.id = pm.participant_id WHERE pm.program_id = ? "
            "ORDER BY p.name COLLATE NOCASE",
            (program_id,),
        )
    ]


def program_meeting_minutes(db: Database, program_id: int | None) -> int:
    """How long the program's meetings last (the default for no program or an unknown one)."""
    if program_id is None:
        return DEFAULT_MEETING_MINUTES
    row = db.execute("SELECT config FROM programs WHERE id = ?", (program_id,)).fetchone()
    return stored_meeting_minutes(row[0] if row else None)


def stored_meeting_minutes(config: str | None) -> int:
    """The meeting length in a program's stored config (JSON text), or the default."""
    try:
        parsed = json.loads(config or "{}")
    except ValueError:
        return DEFAULT_MEETING_MINUTES
    return meeting_minutes_of(parsed) if isinstance(parsed, dict) else DEFAULT_MEETING_MINUTES


def member_ids(db: Database, program_id: int) -> set[int]:
    return {r[0] for r in db.execute("SELECT participant_id FROM program_members WHERE program_id = ?", (program_id,))}


def programs_of(db: Database, participant_id: int) -> list[Membership]:
    """The programs a participant is enrolled in."""
    return [
        Membership(prog, participant_id, dt.date.fromisoformat(enrolled), _date(done))
        for prog, enrolled, done in db.execute(
            "SELECT program_id, enrolled_on, completed_on FROM program_members WHERE participant_id = ? "
            "ORDER BY enrolled_on",
            (participant_id,),
        )
    ]


def enrol(db: Database, program_id: int, participant_ids: Iterable[int], on: dt.date | None = None) -> int:
    """Enrol participants (those already enrolled are left as they are); return how many were added."""
    get_program(db, program_id)
    day = (on or clock.today()).isoformat()
    n = 0
    with db.atomic():
        for pid in participant_ids:
            cur = db.execute(
                "INSERT OR IGNORE INTO program_members(program_id, participant_id, enrolled_on) VALUES (?, ?, ?)",
                (program_id, pid, day),
            )
            n += cur.rowcount
    return n


def unenrol(db: Database, program_id: int, participant_ids: Iterable[int]) -> int:
    n = 0
    with db.atomic():
        for pid in participant_ids:
            n += db.execute(
                "DELETE FROM program_members WHERE program_id = ? AND participant_id = ?", (program_id, pid)
            ).rowcount
    return n


def set_members(db: Database, program_id: int, participant_ids: Iterable[int], on: dt.date | None = None) -> None:
    """Make the enrolment exactly these people, keeping the dates of those who stay."""
    wanted = set(participant_ids)
    with db.atomic():
        current = member_ids(db, program_id)
        unenrol(db, program_id, sorted(current - wanted))
        enrol(db, program_id, sorted(wanted - current), on)


def save_program(db: Database, program: Program, people: Iterable[int]) -> Program:
    """Create or update a program and make its enrolment exactly these people (one transaction)."""
    with db.atomic():
        saved = update_program(db, program) if program.id is not None else add_program(db, program)
        assert saved.id is not None
        set_members(db, saved.id, people)
    return saved


def set_completed(db: Database, program_id: int, participant_id: int, on: dt.date | None) -> None:
    """Record that a member completed the program on a day (None: not completed)."""
    cur = db.execute(
        "UPDATE program_members SET completed_on = ? WHERE program_id = ? AND participant_id = ?",
        (_iso(on), program_id, participant_id),
    )
    if cur.rowcount == 0:
        raise NotFound("That participant is not enrolled in the program.")


def set_completed_many(db: Database, program_id: int, participant_ids: Iterable[int], on: dt.date | None) -> int:
    """Record (or clear, with None) the completion of several members at once; return how many."""
    if on is not None and on > clock.today():
        raise ValidationError("A completion cannot be in the future.", "completed_on")
    n = 0
    with db.atomic():
        for pid in participant_ids:
            set_completed(db, program_id, pid, on)
            n += 1
    return n


# --- goals ---------------------------------------------------------------------------------

_GOAL_COLUMNS = "id, program_id, title, metric, params, comparison, target, start_date, deadline, position"


def _goal(row: tuple[Any, ...]) -> Goal:
    try:
        params = json.loads(row[4] or "{}")
    except ValueError:
        params = {}
    return Goal(
        id=row[0],
        program_id=row[1],
        title=row[2],
        metric=row[3],
        params=params if isinstance(params, dict) else {},
        comparison=row[5],
        target=float(row[6]),
        start_date=_date(row[7]),
        deadline=dt.date.fromisoformat(row[8]),
        position=row[9],
    )


def validate_goal(g: Goal) -> Goal:
    """Check the parts of a goal the store knows; the metric itself is checked by peerdesk.metrics."""
    title = " ".join(g.title.split())
    if not title:
        raise ValidationError("A goal needs a title.", "title")
    if not g.metric:
        raise ValidationError("A goal needs a metric.", "metric")
    if g.comparison not in COMPARISONS:
        raise ValidationError("A goal compares with '>=' (at least) or '<=' (at most).", "comparison")
    try:
        target = float(g.target)
    except (TypeError, ValueError):
        raise ValidationError("The target must be a number.", "target") from None
    if target != target or target < 0:
        raise ValidationError("The target must be a number of zero or more.", "target")
    if not isinstance(g.deadline, dt.date):
        raise ValidationError("A goal needs a deadline.", "deadline")
    if g.start_date and g.deadline < g.start_date:
        raise ValidationError("The deadline is before the goal starts.", "deadline")
    return replace(g, title=title, target=target, params=dict(g.params))


def _goal_values(g: Goal) -> tuple[Any, ...]:
    return (
        g.program_id,
        g.title,
        g.metric,
        json.dumps(dict(g.params), sort_keys=True),
        g.comparison,
        g.target,
        _iso(g.start_date),
        g.deadline.isoformat(),
    )


def add_goal(db: Database, g: Goal) -> Goal:
    g = validate_goal(replace(g, id=None))
    get_program(db, g.program_id)
    pos = db.execute(
        "SELECT coalesce(max(position) + 1, 0) FROM goals WHERE program_id = ?", (g.program_id,)
    ).fetchone()[0]
    cur = db.execute(
        "INSERT INTO goals(program_id, title, metric, params, comparison, target, start_date, deadline, position) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (*_goal_values(g), pos),
    )
    return replace(g, id=int(cur.lastrowid or 0), position=pos)


def update_goal(db: Database, g: Goal) -> Goal:
    if g.id is None:
        raise NotFound("Cannot update a goal that was never saved.")
    get_goal(db, g.id)
    g = validate_goal(g)
    db.execute(
        "UPDATE goals SET program_id=?, title=?, metric=?, params=?, comparison=?, target=?, start_date=?, "
        "deadline=? WHERE id=?",
        (*_goal_values(g), g.id),
    )
    return g


def delete_goal(db: Database, goal_id: int) -> None:
    if db.execute("DELETE FROM goals WHERE id = ?", (goal_id,)).rowcount == 0:
        raise NotFound(f"Goal {goal_id} does not exist.")


def get_goal(db: Database, goal_id: int) -> Goal:
    row = db.execute(f"SELECT {_GOAL_COLUMNS} FROM goals WHERE id = ?", (goal_id,)).fetchone()
    if row is None:
        raise NotFound(f"Goal {goal_id} does not exist.")
    return _goal(row)


def list_goals(db: Database, program_id: int | None = None) -> list[Goal]:
    """Goals of one program (or all), in their order."""
    where, args = ("WHERE program_id = ?", (program_id,)) if program_id is not None else ("", ())
    return [
        _goal(r)
        for r in db.execute(f"SELECT {_GOAL_COLUMNS} FROM goals {where} ORDER BY program_id, position, id", args)
    ]


def move_goal(db: Database, goal_id: int, offset: int) -> None:
    """Move a goal up (-1) or down (+1) among its program's goals."""
    g = get_goal(db, goal_id)
    goals = list_goals(db, g.program_id)
    i = next(k for k, x in enumerate(goals) if x.id == goal_id)
    j = max(0, min(len(goals) - 1, i + offset))
    if i == j:
        return
    goals.insert(j, goals.pop(i))
    with db.atomic():
        for pos, x in enumerate(goals):
            db.execute("UPDATE goals SET position = ? WHERE id = ?", (pos, x.id))
