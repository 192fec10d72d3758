"""Goal evaluation: a goal's actual value against its target, its trend, and its status.

Status, using the time left until the deadline:
- met:      the deadline has passed and the target is reached, or a cumulative figure
            (sessions, hours...) has already reached an "at least" target (it cannot fall);
- missed:   the deadline has passed and the target is not reached, or a cumulative
            figure has already gone past an "at most" target;
- on_track: the projection at the deadline reaches the target;
- at_risk:  it does not.
The projection of a cumulative figure extrapolates its pace so far (value / time
elapsed) to the whole goal period; a level figure (rate, average, snapshot) is
projected along the slope of its trend, and with too little history is taken as it is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from peerdesk import clock
from peerdesk.metrics.catalogue import METRICS, Metric, format_value, series
from peerdesk.metrics.scope import Period, Scope
from peerdesk.store.db import Database
from peerdesk.store.errors import ValidationError
from peerdesk.store.programs import Goal, Program, get_program

STATUSES = ("on_track", "at_risk", "met", "missed")
STATUS_LABELS = {"on_track": "On track", "at_risk": "At risk", "met": "Met", "missed": "Missed"}
TREND_POINTS = 8

# Keys of Goal.params that are filters rather than metric parameters.
FILTER_KEYS = ("department", "session_kind", "pairing_kind")
# Goal.params flag: measure over the whole organisation, not only this program.
WHOLE_ORGANISATION = "whole_organisation"


@dataclass(frozen=True)
class GoalProgress:
    """Where a goal stands today."""

    goal: Goal
    metric: Metric
    actual: float | None
    status: str
    projected: float | None
    trend: tuple[tuple[dt.date, float | None], ...]
    period: Period
    days_left: int
    progress: float  # 0..1: how far the actual is towards the target (1 = reached)

    @property
    def title(self) -> str:
        return self.goal.title

    @property
    def target(self) -> float:
        return self.goal.target

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def actual_text(self) -> str:
        return format_value(self.actual, self.metric.unit)

    @property
    def target_text(self) -> str:
        word = "at least" if self.goal.comparison == ">=" else "at most"
        return f"{word} {format_value(self.goal.target, self.metric.unit)}"

    def as_dict(self) -> dict[str, Any]:
        """The JSON form used by `peerdesk list programs --json` and reports."""
        return {
            "title": self.goal.title,
            "metric": self.goal.metric,
            "comparison": self.goal.comparison,
            "target": self.goal.target,
            "actual": None if self.actual is None else round(self.actual, 2),
            "unit": self.metric.unit,
            "status": self.status,
            "deadline": self.goal.deadline.isoformat(),
            "days_left": self.days_left,
            "projected": None if self.projected is None else round(self.projected, 2),
        }


def check_goal(goal: Goal) -> Goal:
    """Validate the metric and its parameters of a goal (the store checks the rest)."""
    m = METRICS.get(goal.metric)
    if m is None:
        raise ValidationError(f"'{goal.metric}' is not a metric PeerDesk computes.", "metric")
    known = {p.key for p in m.params} | set(FILTER_KEYS) | {WHOLE_ORGANISATION}
    unknown = set(goal.params) - known
    if unknown:
        raise ValidationError(f"{m.label} does not take {', '.join(sorted(unknown))}.", "params")
    for p in m.params:
        if p.key in goal.params:
            try:
                value = float(goal.params[p.key])
            except (TypeError, ValueError):
                raise ValidationError(f"{p.label} must be a number.", "params") from None
            if not p.minimum <= value <= p.maximum:
                raise ValidationError(f"{p.label} must be between {p.minimum:g} and {p.maximum:g}.", "params")
    if m.unit == "percent" and goal.target > 100:
        raise ValidationError("A percentage target cannot exceed 100.", "target")
    if m.unit == "rating" and not 1 <= goal.target <= 5:
        raise ValidationError("A rating target must be between 1 and 5.", "target")
    return goal


def goal_period(goal: Goal, program: Program | None) -> Period:
    """From the goal's start (or its program's, or open) to its deadline."""
    start = goal.start_date or (program.start_date if program else None)
    if start and start > goal.deadline:
        start = goal.deadline
    return Period(start, goal.deadline)


def goal_scope(goal: Goal, period: Period) -> Scope:
    p: Mapping[str, Any] = goal.params
    return Scope(
        period=period,
        department=p.get("department") or None,
        program_id=None if p.get(WHOLE_ORGANISATION) else goal.program_id,
        session_kind=p.get("session_kind") or None,
        pairing_kind=p.get("pairing_kind") or None,
    )


def _reached(value: float | None, goal: Goal) -> bool:
    if value is None:
        return False
    # Compare at the precision figures are shown with, so 79.999% does not miss an 80% target.
    v = round(value, 6)
    return v >= goal.target if goal.comparison == ">=" else v <= goal.target


def _trend_days(start: dt.date, end: dt.date, points: int) -> list[dt.date]:
    span = (end - start).days
    if span <= 0:
        return [end]
    n = min(points, span + 1)
    days = sorted({start + dt.timedelta(days=round(span * i / (n - 1))) for i in range(n)}) if n > 1 else [end]
    return days


def _slope_per_day(trend: list[tuple[dt.date, float | None]]) -> float | None:
    pts = [((d - trend[0][0]).days, v) for d, v in trend if v is not None]
    if len(pts) < 3:
        return None
    pts = pts[len(pts) // 2 :] if len(pts) >= 6 else pts  # recent half: where it is heading now
    n = len(pts)
    mx = sum(x for x, _ in pts) / n
    my = sum(y for _, y in pts) / n
    var = sum((x - mx) ** 2 for x, _ in pts)
    if var == 0:
        return None
    return sum((x - mx) * (y - my) for x, y in pts) / var


def evaluate_goal(
    db: Database, goal: Goal, program: Program | None = None, *, trend_points: int = TREND_POINTS
) -> GoalProgress:
    """Actual, trend, projection and status of a goal as of today."""
    if program is None:
        program = get_program(db, goal.program_id)
    m = METRICS.get(goal.metric)
    if m is None:
        raise ValidationError(f"'{goal.metric}' is not a metric PeerDesk computes.", "metric")
    today = clock.today()
    period = goal_period(goal, program)
    start = period.start
    scope = goal_scope(goal, period)
    upto = min(today, goal.deadline)
    begun = start is None or start <= today

    trend: list[tuple[dt.date, float | None]] = []
    if begun:
        first = min(start or _first_activity(db) or upto, upto)
        days = _trend_days(first, upto, trend_points) if trend_points > 1 else [upto]
        values = series(db, goal.metric, scope.with_period(period.until(upto)), days, goal.params)
        trend = list(zip(days, values, strict=True))
    actual = trend[-1][1] if trend else None

    days_left = max(0, (goal.deadline - today).days)
    projected = _project(m, goal, actual, trend, start, today)
    status = _status(m, goal, actual, projected, today, begun)
    return GoalProgress(
        goal=goal,
        metric=m,
        actual=actual,
        status=status,
        projected=projected,
        trend=tuple(trend),
        period=period,
        days_left=days_left,
        progress=_progress(actual, goal),
    )


def _first_activity(db: Database) -> dt.date | None:
    row = db.execute("SELECT min(start_utc) FROM sessions").fetchone()
    return dt.date.fromisoformat(row[0][:10]) if row and row[0] else None


def _project(
    m: Metric,
    goal: Goal,
    actual: float | None,
    trend: list[tuple[dt.date, float | None]],
    start: dt.date | None,
    today: dt.date,
) -> float | None:
    if actual is None:
        return None
    if today >= goal.deadline:
        return actual
    if m.cumulative:
        if start is None:
            return actual
        elapsed = (today - start).days + 1
        total = (goal.deadline - start).days + 1
        return actual * total / elapsed if elapsed > 0 else actual
    slope = _slope_per_day(trend)
    if slope is None:
        return actual
    value = actual + slope * (goal.deadline - today).days
    if m.unit == "percent":
        value = min(100.0, max(0.0, value))
    elif m.unit == "rating":
        value = min(5.0, max(1.0, value))
    return max(0.0, value)


def _status(m: Metric, goal: Goal, actual: float | None, projected: float | None, today: dt.date, begun: bool) -> str:
    if today > goal.deadline:
        return "met" if _reached(actual, goal) else "missed"
    if not begun:
        return "on_track"
    if m.cumulative and actual is not None:
        if goal.comparison == ">=" and _reached(actual, goal):
            return "met"
        if goal.comparison == "<=" and not _reached(actual, goal):
            return "missed"
    if today == goal.deadline:
        return "on_track" if _reached(actual, goal) else "at_risk"
    return "on_track" if _reached(projected, goal) else "at_risk"


def _progress(actual: float | None, goal: Goal) -> float:
    if actual is None:
        return 0.0
    if goal.comparison == ">=":
        return 1.0 if goal.target <= 0 else max(0.0, min(1.0, actual / goal.target))
    if actual <= goal.target:
        return 1.0
    return max(0.0, min(1.0, goal.target / actual)) if actual else 1.0


def evaluate_goals(db: Database, goals: list[Goal], *, trend_points: int = TREND_POINTS) -> list[GoalProgress]:
    """Evaluate several goals, reading each program once."""
    programs: dict[int, Program] = {}
    out = []
    for g in goals:
        if g.program_id not in programs:
            programs[g.program_id] = get_program(db, g.program_id)
        out.append(evaluate_goal(db, g, programs[g.program_id], trend_points=trend_points))
    return out
