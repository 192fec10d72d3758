"""Closing a cohort: who met the program's completion rule over the cohort's dates, and re-enrolment.

The completion rule is the program's completion certificate rule (peerdesk.printing.eligibility)
without its "program completed" condition, which is what closing records: for example "at
least 4 sessions attended", counted over the cohort's dates in the program. A rule with no
other condition is met by every member.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from peerdesk import clock
from peerdesk.metrics.people import PersonFigures, people_figures
from peerdesk.metrics.scope import Period, Scope
from peerdesk.printing.eligibility import FIGURES, Condition, figure_value, format_figure, rules_for
from peerdesk.store.cohorts import cohort_member_ids, cohort_members, enrol_in_cohort, get_cohort, record_closing
from peerdesk.store.db import Database
from peerdesk.store.errors import ValidationError


@dataclass(frozen=True)
class Verdict:
    """Whether one member met the completion rule, with what they have against each condition."""

    participant_id: int
    name: str
    completed: bool
    reasons: tuple[str, ...]
    missing: tuple[str, ...]


@dataclass(frozen=True)
class Closing:
    """What closing a cohort recorded."""

    cohort: str
    on: dt.date
    completed: int
    not_completed: int


def completion_conditions(db: Database, program_id: int) -> tuple[Condition, ...]:
    """The conditions of the program's completion rule that closing a cohort checks."""
    rule = rules_for(db, program_id)["completion"]
    return tuple(c for c in rule.conditions if c.figure != "program_completed")


def rule_text(conditions: Iterable[Condition]) -> str:
    """'at least 4 sessions attended and at least 3 hours of learning', or 'no condition'."""
    words = [c.describe() for c in conditions]
    return " and ".join(words) if words else "no condition (every member completes)"


def closing_day(cohort_end: dt.date, today: dt.date | None = None) -> dt.date:
    """A cohort closes on its end date, or today when it is closed before it ends."""
    return min(cohort_end, today or clock.today())


def verdicts(db: Database, cohort_id: int, on: dt.date | None = None) -> list[Verdict]:
    """Each member's verdict against the completion rule, over the cohort's dates up to `on`."""
    c = get_cohort(db, cohort_id)
    day = on or closing_day(c.end_date)
    if day < c.start_date:
        raise ValidationError(f"{c.name} starts on {c.start_date:%d %b %Y}: it cannot close before then.", "closed_on")
    conditions = completion_conditions(db, c.program_id)
    members = cohort_members(db, cohort_id)
    scope = Scope(period=Period(c.start_date, day), program_id=c.program_id)
    figures = people_figures(db, scope, [m.participant_id for m in members]) if conditions else {}
    out = []
    for m in members:
        f = figures.get(m.participant_id) or PersonFigures(m.participant_id)
        reasons: list[str] = []
        missing: list[str] = []
        for cond in conditions:
            spec = FIGURES[cond.figure]
            value = figure_value(f, cond.figure, c.program_id)
            shown = format_figure(value, spec.unit)
            reasons.append(f"{shown} {spec.label}")
            if value is None or round(value, 6) < cond.at_least:
                missing.append(f"{spec.label}: {shown} of {format_figure(cond.at_least, spec.unit)}")
        out.append(Verdict(m.participant_id, m.name, not missing, tuple(reasons), tuple(missing)))
    return out


def close_cohort(db: Database, cohort_id: int, on: dt.date | None = None) -> Closing:
    """Close a cohort: members who met the completion rule complete it (and the program)."""
    c = get_cohort(db, cohort_id)
    day = on or closing_day(c.end_date)
    found = verdicts(db, cohort_id, day)
    done = [v.participant_id for v in found if v.completed]
    record_closing(db, cohort_id, done, day)
    return Closing(c.name, day, len(done), len(found) - len(done))


def reenrol(db: Database, from_cohort: int, to_cohort: int, participant_ids: Iterable[int] | None = None) -> int:
    """Enrol members of one cohort in another (by default those who did not complete it)."""
    source = get_cohort(db, from_cohort)
    target = get_cohort(db, to_cohort)
    if source.program_id != target.program_id:
        raise ValidationError("People are re-enrolled in a cohort of the same program.", "cohort")
    if participant_ids is None:
        chosen = [m.participant_id for m in cohort_members(db, from_cohort) if m.completed_on is None]
    else:
        chosen = sorted(set(participant_ids) & cohort_member_ids(db, from_cohort))
    return enrol_in_cohort(db, to_cohort, chosen)
