"""What a report prints, gathered from peerdesk.metrics into plain dataclasses (no layout here)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from peerdesk import clock
from peerdesk.metrics import dashboard, feedback, people, rhythm, summary
from peerdesk.metrics import printing_support as ps
from peerdesk.metrics.goals import GoalProgress, evaluate_goals
from peerdesk.metrics.scope import Period, Scope
from peerdesk.printing.register import Issued
from peerdesk.printing.register import register as certificate_register
from peerdesk.store.cadence import allowed_gap
from peerdesk.store.db import Database
from peerdesk.store.plans import plan_progress, steps_of_sessions
from peerdesk.store.programs import Program, get_program, list_goals, programs_of
from peerdesk.store.recognition import Award, list_awards
from peerdesk.store.settings import load_settings

# --- data ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProgramReport:
    """Everything the program report prints, gathered from peerdesk.metrics."""

    organisation: str
    paper_size: str
    figures: summary.ProgramFigures
    departments: list[ps.DepartmentParticipation]
    by_kind: dict[str, tuple[int, float]]
    by_kind_month: dict[tuple[str, str], int]
    months: tuple[dashboard.MonthPoint, ...]
    skills: list[ps.SkillLearned]
    quiet: dashboard.ActionList
    contributors: list[people.LeaderboardEntry]
    feedback: feedback.FeedbackSummary
    generated: dt.datetime
    cohorts: tuple[rhythm.CohortFigures, ...] = ()

    @property
    def quiet_days(self) -> int:
        """After how many days without a meeting a pair counts as not meeting (its cadence)."""
        return allowed_gap(self.program.cadence)

    @property
    def program(self) -> Program:
        return self.figures.program

    @property
    def period(self) -> Period:
        return self.figures.period


def gather_program(db: Database, program_id: int, period: Period | None = None) -> ProgramReport:
    """Read every figure of the program report."""
    program = get_program(db, program_id)
    period = period or summary.program_period(program)
    figures = summary.program_figures(db, program_id, period)
    scope = Scope(period=period, program_id=program_id)
    settings = load_settings(db)
    held = ps.held_by_month_and_kind(db, scope)
    return ProgramReport(
        organisation=settings.organisation,
        paper_size=settings.paper_size,
        figures=figures,
        departments=ps.participation_by_department(db, scope),
        by_kind=ps.by_kind(held),
        by_kind_month=ps.by_kind_and_month(held),
        months=dashboard.months_of(db, scope),
        skills=ps.skills_learned(db, scope),
        quiet=dashboard.stale_pairings(db, Scope(program_id=program_id), limit=2000, as_of=scope.as_of),
        contributors=people.leaderboard(db, scope, limit=10),
        feedback=feedback.feedback_summary(db, scope, comments_limit=400, hosts=False),
        generated=clock.now(),
        cohorts=tuple(rhythm.cohort_figures(db, program_id, as_of=scope.as_of)),
    )


@dataclass(frozen=True)
class ParticipantReport:
    """Everything the participant report prints."""

    organisation: str
    paper_size: str
    name: str
    email: str
    department: str
    title: str
    role: str
    teaches: tuple[tuple[str, int], ...]
    learns: tuple[tuple[str, int], ...]
    period: Period
    figures: people.PersonFigures
    pairings: list[ps.PairingLine]
    sessions: list[ps.SessionLine]
    feedback: list[ps.FeedbackItem]
    goals: list[tuple[str, GoalProgress]]
    awards: list[Award]
    certificates: list[Issued]
    programs: dict[int, str] = field(default_factory=dict)
    generated: dt.datetime = field(default_factory=clock.now)
    steps: dict[int, str] = field(default_factory=dict)  # session id -> "meeting 2 of 6: Skills plan"
    plans: dict[int, str] = field(default_factory=dict)  # pairing id -> where it is in its plan


def gather_participant(db: Database, participant_id: int, period: Period | None = None) -> ParticipantReport:
    """Read every figure of one participant's report."""
    from peerdesk.store.participants import get_participant

    person = get_participant(db, participant_id)
    period = period or Period.all()
    scope = Scope(period=period)
    settings = load_settings(db)
    memberships = programs_of(db, participant_id)
    names = {m.program_id: get_program(db, m.program_id).name for m in memberships}
    goals: list[tuple[str, GoalProgress]] = []
    for m in memberships:
        for progress in evaluate_goals(db, list_goals(db, m.program_id)):
            goals.append((names[m.program_id], progress))
    as_of = scope.as_of  # nothing dated after the period (or today) counts
    pairings = ps.pairings_of(db, participant_id, scope)
    sessions = ps.sessions_of(db, participant_id, scope)
    steps = steps_of_sessions(db, [s.session_id for s in sessions])
    awards = [
        a
        for a in list_awards(db, participant_id=participant_id)
        if a.awarded_on is None or (period.contains(a.awarded_on) and a.awarded_on <= as_of)
    ]
    return ParticipantReport(
        organisation=settings.organisation,
        paper_size=settings.paper_size,
        name=person.name,
        email=person.email,
        department=person.department,
        title=person.title,
        role=person.role,
        teaches=tuple((s.skill, s.level) for s in person.teaches),
        learns=tuple((s.skill, s.level) for s in person.learns),
        period=period,
        figures=people.person_figures(db, participant_id, scope),
        pairings=pairings,
        sessions=sessions,
        feedback=ps.feedback_received(db, participant_id, scope),
        goals=goals,
        awards=awards,
        certificates=certificate_register(db, participant_id=participant_id),
        programs=names,
        steps={sid: f"meeting {x.step.position} of {x.total}: {x.step.title}" for sid, x in steps.items()},
        plans={pid: p.text for pid, p in plan_progress(db, [p.pairing_id for p in pairings]).items()},
    )
