"""A program's figures at a glance, for its report and the programs page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peerdesk import clock
from peerdesk.metrics import catalogue as cat
from peerdesk.metrics.goals import GoalProgress, evaluate_goals
from peerdesk.metrics.scope import Period, Scope, completed_by
from peerdesk.store.db import Database
from peerdesk.store.programs import Program, get_program, list_goals


@dataclass(frozen=True)
class ProgramFigures:
    """One program's figures over its dates (up to today); members enrolled and completions
    dated after the period are not counted."""

    program: Program
    period: Period
    members: int
    completed: int
    active_members: int
    participation_rate: float | None
    sessions_held: int
    learning_hours: float
    mentoring_hours: float
    attendance_rate: float | None
    average_rating: float | None
    active_pairings: int
    goals: tuple[GoalProgress, ...]

    @property
    def completion_rate(self) -> float | None:
        return 100.0 * self.completed / self.members if self.members else None


def program_period(program: Program, today: dt.date | None = None) -> Period:
    """The program's dates, cut at today (an open end means up to today)."""
    day = today or clock.today()
    end = program.end_date if program.end_date and program.end_date < day else day
    start = program.start_date if program.start_date and program.start_date <= end else None
    return Period(start, end, program.name)


def program_figures(db: Database, program_id: int, period: Period | None = None) -> ProgramFigures:
    """Members, completion, sessions, hours, attendance, rating, pairings and goals of a program."""
    program = get_program(db, program_id)
    period = period or program_period(program)
    scope = Scope(period=period, program_id=program_id)
    done, as_of = completed_by("pm.completed_on", scope.as_of)
    members, completed, active = db.execute(
        f"SELECT count(*), count({done}), coalesce(sum(p.status = 'active' AND p.archived = 0), 0) "
        "FROM program_members pm JOIN participants p ON p.id = pm.participant_id "
        "WHERE pm.program_id = ? AND pm.enrolled_on <= ?",
        (as_of, program_id, as_of),
    ).fetchone()
    attendance_rate, learning_hours, mentoring_hours = cat.attendance_and_hours(db, scope)
    return ProgramFigures(
        program=program,
        period=period,
        members=int(members),
        completed=int(completed),
        active_members=int(active),
        participation_rate=cat.compute(db, "participation_rate", scope),
        sessions_held=int(cat.compute(db, "sessions_held", scope) or 0),
        learning_hours=learning_hours,
        mentoring_hours=mentoring_hours,
        attendance_rate=attendance_rate,
        average_rating=cat.compute(db, "average_rating", scope),
        active_pairings=int(cat.compute(db, "active_pairings", scope) or 0),
        goals=tuple(evaluate_goals(db, list_goals(db, program_id))),
    )
