"""The metric catalogue: every measurable figure a goal, the dashboard or a report can use.

Each metric is one SQL aggregate over a Scope (period, department, program, kinds) and
returns a float, or None when there is nothing to measure (no ratings yet, nobody in
the cohort). Units: 'count', 'hours', 'percent' (0-100) and 'rating' (1-5).

A *cumulative* metric can only grow as its period grows (sessions held, hours);
a *level* metric is a rate, an average or a snapshot and can go either way.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from peerdesk.metrics.scope import (
    ACTIVE_PERSON,
    PRESENT,
    Scope,
    Sql,
    pairing_filter,
    person_filter,
    session_filter,
)
from peerdesk.store.db import Database
from peerdesk.store.training import TRAINED_IDS_SQL

Compute = Callable[[Database, Scope, Mapping[str, Any]], float | None]

GROUPS = (
    "Participation",
    "Sessions",
    "Attendance",
    "Hours",
    "Ratings",
    "Training",
    "Pairings",
    "Cross-functional reach",
)


@dataclass(frozen=True)
class Param:
    """A number a metric takes besides the scope (e.g. the minimum number of sessions)."""

    key: str
    label: str
    default: float
    minimum: float = 0
    maximum: float = 10_000
    integer: bool = True


@dataclass(frozen=True)
class Metric:
    """One entry of the catalogue."""

    key: str
    label: str
    group: str
    unit: str  # count | hours | percent | rating
    cumulative: bool
    description: str
    compute: Compute
    params: tuple[Param, ...] = ()
    # Which Scope filters change the figure (the goal dialog offers only these).
    filters: frozenset[str] = field(default_factory=lambda: frozenset({"department", "session_kind", "pairing_kind"}))

    def param(self, params: Mapping[str, Any], key: str) -> float:
        spec = next(p for p in self.params if p.key == key)
        try:
            value = float(params.get(key, spec.default))
        except (TypeError, ValueError):
            value = spec.default
        value = min(max(value, spec.minimum), spec.maximum)
        return int(value) if spec.integer else value


def _pct(part: float | None, whole: float | None) -> float | None:
    if not whole:
        return None
    return 100.0 * (part or 0) / whole


def _one(db: Database, sql: str, params: list[Any] | dict[str, Any]) -> tuple:
    return tuple(db.execute(sql, params).fetchone())


# --- participation -------------------------------------------------------------------------


def active_participants(db: Database, scope: Scope, params: Mapping[str, Any]) -> float | None:
    w = person_filter(scope, Sql().add(ACTIVE_PERSON))
    return float(_one(db, f"SELECT count(*) FROM participants p{w.where()}", w.params)[0])


def _present_counts_sql(scope: Scope) -> tuple[str, list[Any]]:
    """(participant_id, n) for everyone present at held sessions of the scope (no department filter)."""
    s = session_filter(scope, Sql().add("s.status = 'held'"), department=False)
    return (
        f"SELECT sp.participant_id AS pid, count(*) AS n FROM sessions s "
        f"JOIN session_people sp ON sp.session_id = s.id{s.where()} AND {PRESENT} GROUP BY sp.participant_id",
        s.params,
    )


def _engaged(db: Database, scope: Scope, params: Mapping[str, Any]) -> tuple[int, int]:
    minimum = METRICS["participation_rate"].param(params, "min_sessions")
    inner, inner_params = _present_counts_sql(scope)
    w = person_filter(scope, Sql().add(ACTIVE_PERSON))
    total, engaged = _one(
        db,
        f"SELECT count(*), coalesce(sum(CASE WHEN c.n >= ? THEN 1 ELSE 0 END), 0) FROM participants p "
        f"LEFT JOIN ({inner}) c ON c.pid = p.id{w.where()}",
        [minimum, *inner_params, *w.params],
    )
    return int(total), int(engaged)


def participation_rate(db: Database, scope: Scope, params: Mapping[str, Any]) -> float | None:
    total, engaged = _engaged(db, scope, params)
    return _pct(engaged, total)


def engaged_participants(db: Database, scope: Scope, params: Mapping[str, Any]) -> float | None:
    return float(_engaged(db, scope, params)[1])


def new_hire_onboarding(db: Database, scope: Scope, params: Mapping[str, Any]) -> float | None:
    m = METRICS["new_hire_onboarding"]
    minimum, days = m.param(params, "min_sessions"), m.param(params, "within_days")
    s = session_filter(scope.with_period(type(scope.period)()), Sql(), department=False)
    w = person_filter(scope, Sql().add("p.archived = 0").add("p.hire_date IS NOT NULL"))
    lo, hi = scope.period.bounds()
    if lo:
        w.add("p.hire_date >= ?", lo)
    if hi:
        w.add("p.hire_date < ?", hi)
    total, ok = _one(
        db,
        "SELECT count(*), coalesce(sum(n >= ?), 0) FROM (SELECT p.id, ("
        "SELECT count(*) FROM session_people sp JOIN sessions s ON s.id = sp.session_id "
        f"WHERE sp.participant_id = p.id AND s.status = 'held' AND {PRESENT} "
        "AND s.start_utc >= p.hire_date AND s.start_utc < date(p.hire_date, '+' || ? || ' days')"
        f"{s.and_()}) AS n FROM participants p{w.where()})",
        [minimum, days, *s.params, *w.params],
    )
    return _pct(ok, total)


# --- sessions and attendance ---------------------------------------------------------------


def sessions_held(db: Database, scope: Scope, params: Mapping[str, Any]) -> float | None:
    s = session_filter(scope, Sql().add("s.status = 'held'"))
    return float(_one(db, f"SELECT count(*) FROM sessions s{s.where()}", s.params)[0])


def cancellation_rate(db: Database, scope: Scope, params: Mapping[str, Any]) -> float | None:
    s = session_filter(scope, Sql().add("s.status IN ('held', 'cancelled')"))
    held, cancelled = _one(
        db,
        f"SELECT sum(s.status = 'held'), sum(s.status = 'cancelled') FROM sessions s{s.where()}",
        s.params,
    )
    return _pct(cancelled, (held or 0) + (cancelled or 0))


def _people_rows(scope: Scope, extra: str = "") -> tuple[str, list[Any]]:
    """FROM ... WHERE over session_people of held sessions in scope, department on the person."""
    s = session_filter(scope, Sql().add("s.status = 'held'"), department=False)
    w = person_filter(scope, Sql(), program=False)
    return (
        "FROM sessions s JOIN session_people sp ON sp.session_id = s.id "
        f"JOIN participants p ON p.id = sp.participant_id{s.where()}{w.and_()}{extra}",
        [*s.params, *w.params],
    )


def attendance_rate(db: Database, scope: Scope, params: Mapping[str, Any]) -> float | None:
    frm, args = _people_rows(scope, " AND sp.attended IS NOT NULL")
    attended, recorded = _one(db, f"SELECT sum(sp.attended), count(*) {frm}", args)
    return _pct(attended, recorded)


def attendances(db: Database, scope: Scope, params: Mapping[str, Any]) -> float | None:
    frm, args = _people_rows(scope, " AND sp.role = 'attendee' AND sp.attended = 1")
    return float(_one(db, f"SELECT count(*) {frm}", args)[0])


# --- hours ---------------------------------------------------------------------------------


def learning_hours(db: Database, scope: Scope, params: Mapping[str, Any]) -> float | None:
    frm, args = _people_rows(scope, " AND sp.role = 'attendee' AND sp.attended = 1")
    return (_one(db, f"SELECT coalesce(sum(s.duration_min), 0) {frm}", args)[0]) / 60.0


def mentoring_hours(db: Database, scope: Scope, params: Mapping[str, Any]) -> float | None:
    frm, args = _people_rows(scope, f" AND sp.role = 'host' AND {PRESENT}")
    return (_one(db, f"SELECT coalesce(sum(s.duration_min), 0) {frm}", args)[0]) / 60.0


_OTHER_DEPARTMENT_PRESENT = (
    "EXISTS (SELECT 1 FROM session_people o JOIN participants op ON op.id = o.participant_id "
    "WHERE o.session_id = s.id AND o.participant_id != sp.participant_id "
    "AND (o.attended = 1 OR (o.role = 'host' AND o.attended IS NULL)) "
    "AND op.department != '' AND op.department != p.department)"
)


def cross_department_hours(db: Database, scope: Scope, params: Mapping[str, Any]) -> float | None:
    frm, args = _people_rows(
        scope, f" AND sp.role = 'attendee' AND sp.attended = 1 AND p.department != '' AND {_OTHER_DEPARTMENT_PRESENT}"
    )
    return (_one(db, f"SELECT coalesce(sum(s.duration_min), 0) {frm}", args)[0]) / 60.0


def departments_met(db: Database, scope: Scope, params: Mapping[str, Any]) -> float | None:
    """Average number of other departments each person present in the period learned with."""
    frm, args = _people_rows(scope, f" AND {PRESENT} AND p.department != ''")
    row = _one(
        db,
        "SELECT avg(k) FROM (SELECT me.pid, count(DISTINCT op.department) - "
        "max(CASE WHEN op.department = me.dept THEN 1 ELSE 0 END) AS k FROM "
        f"(SELECT DISTINCT sp.participant_id AS pid, p.department AS dept, s.id AS sid {frm}) me "
        "JOIN session_people o ON o.session_id = me.sid AND o.participant_id != me.pid "
        "AND (o.attended = 1 OR (o.role = 'host' AND o.attended IS NULL)) "
        "JOIN participants op ON op.id = o.participant_id AND op.department != '' GROUP BY me.pid)",
        args,
    )
    return None if row[0] is None else float(row[0])


# --- ratings -------------------------------------------------------------------------------


def _feedback_rows(scope: Scope) -> tuple[str, list[Any]]:
    s = session_filter(scope, Sql().add("s.status = 'held'"))
    return f"FROM sessions s JOIN feedback f ON f.session_id = s.id{s.where()}", s.params


def average_rating(db: Database, scope: Scope, params: Mapping[str, Any]) -> float | None:
    frm, args = _feedback_rows(scope)
    value = _one(db, f"SELECT avg(f.rating) {frm}", args)[0]
    return None if value is None else float(value)


def good_rating_share(db: Database, scope: Scope, params: Mapping[str, Any]) -> float | None:
    threshold = METRICS["good_rating_share"].param(params, "threshold")
    frm, args = _feedback_rows(scope)
    good, total = _one(db, f"SELECT sum(f.rating >= ?), count(*) {frm}", [threshold, *args])
    return _pct(good, total)


def feedback_response_rate(db: Database, scope: Scope, params: Mapping[str, Any]) -> float | None:
    frm, args = _people_rows(scope, " AND sp.role = 'attendee' AND sp.attended = 1")
    present, answered = _one(
        db,
        "SELECT count(*), sum(EXISTS (SELECT 1 FROM feedback f WHERE f.session_id = s.id "
        f"AND f.participant_id = sp.participant_id)) {frm}",
        args,
    )
    return _pct(answered, present)


# --- training ------------------------------------------------------------------------------


def _mentors_sql(scope: Scope) -> tuple[str, list[Any]]:
    """Active people who mentor: role mentor/both, or mentor in a pairing running on the as-of day."""
    pr = pairing_filter(Scope(program_id=scope.program_id), Sql(), scope.as_of)
    w = person_filter(scope, Sql().add(ACTIVE_PERSON))
    return (
        f"SELECT p.id FROM participants p{w.where()} AND (p.role IN ('mentor', 'both') OR p.id IN ("
        f"SELECT pm.participant_id FROM pairing_members pm JOIN pairings pr ON pr.id = pm.pairing_id "
        f"WHERE pm.role = 'mentor'{pr.and_()}))",
        [*w.params, *pr.params],
    )


def mentors_trained_rate(db: Database, scope: Scope, params: Mapping[str, Any]) -> float | None:
    mentors, args = _mentors_sql(scope)
    total, trained = _one(
        db,
        f"SELECT count(*), coalesce(sum(m.id IN ({TRAINED_IDS_SQL.replace(':as_of', '?')})), 0) FROM ({mentors}) m",
        [scope.as_of.isoformat(), *args],
    )
    return _pct(trained, total)


def trained_mentors(db: Database, scope: Scope, params: Mapping[str, Any]) -> float | None:
    mentors, args = _mentors_sql(scope)
    trained = TRAINED_IDS_SQL.replace(":as_of", "?")
    return float(
        _one(db, f"SELECT count(*) FROM ({mentors}) m WHERE m.id IN ({trained})", [*args, scope.as_of.isoformat()])[0]
    )


# --- pairings ------------------------------------------------------------------------------


def active_pairings(db: Database, scope: Scope, params: Mapping[str, Any]) -> float | None:
    pr = pairing_filter(scope, Sql(), scope.as_of)
    return float(_one(db, f"SELECT count(*) FROM pairings pr{pr.where()}", pr.params)[0])


def paired_rate(db: Database, scope: Scope, params: Mapping[str, Any]) -> float | None:
    pr = pairing_filter(Scope(program_id=scope.program_id, pairing_kind=scope.pairing_kind), Sql(), scope.as_of)
    w = person_filter(scope, Sql().add(ACTIVE_PERSON))
    total, paired = _one(
        db,
        f"SELECT count(*), coalesce(sum(p.id IN (SELECT pm.participant_id FROM pairing_members pm "
        f"JOIN pairings pr ON pr.id = pm.pairing_id{pr.where()})), 0) FROM participants p{w.where()}",
        [*pr.params, *w.params],
    )
    return _pct(paired, total)


def pairings_meeting_rate(db: Database, scope: Scope, params: Mapping[str, Any]) -> float | None:
    days = METRICS["pairings_meeting_rate"].param(params, "days")
    pr = pairing_filter(scope, Sql(), scope.as_of)
    total, met = _one(
        db,
        "SELECT count(*), coalesce(sum(EXISTS (SELECT 1 FROM sessions s WHERE s.pairing_id = pr.id "
        "AND s.status = 'held' AND s.start_utc >= date(?, '-' || ? || ' days') AND s.start_utc < date(?, '+1 day'))), 0) "
        f"FROM pairings pr{pr.where()}",
        [scope.as_of.isoformat(), days - 1, scope.as_of.isoformat(), *pr.params],
    )
    return _pct(met, total)


def cross_functional_pairing_share(db: Database, scope: Scope, params: Mapping[str, Any]) -> float | None:
    pr = pairing_filter(scope, Sql(), scope.as_of)
    total, crossing = _one(
        db,
        "SELECT count(*), coalesce(sum((SELECT count(DISTINCT p.department) FROM pairing_members pm "
        "JOIN participants p ON p.id = pm.participant_id WHERE pm.pairing_id = pr.id AND p.department != '') >= 2), 0) "
        f"FROM pairings pr{pr.where()}",
        pr.params,
    )
    return _pct(crossing, total)


# --- the catalogue -------------------------------------------------------------------------

_NO_KINDS = frozenset({"department"})
_PAIRING_FILTERS = frozenset({"department", "pairing_kind"})

CATALOGUE: tuple[Metric, ...] = (
    Metric(
        "active_participants",
        "Active participants",
        "Participation",
        "count",
        False,
        "People with status active (not archived) today; in a program: its enrolled members.",
        active_participants,
        filters=_NO_KINDS,
    ),
    Metric(
        "participation_rate",
        "Participation rate",
        "Participation",
        "percent",
        False,
        "Share of active participants present at a held session at least N times in the period.",
        participation_rate,
        (Param("min_sessions", "At least this many sessions", 1, 1, 1000),),
    ),
    Metric(
        "engaged_participants",
        "Engaged participants",
        "Participation",
        "count",
        True,
        "Active participants present at a held session at least N times in the period.",
        engaged_participants,
        (Param("min_sessions", "At least this many sessions", 1, 1, 1000),),
    ),
    Metric(
        "new_hire_onboarding",
        "New hires onboarded",
        "Participation",
        "percent",
        False,
        "Share of people hired in the period who attended at least N held sessions within D days of starting.",
        new_hire_onboarding,
        (
            Param("min_sessions", "At least this many sessions", 4, 1, 1000),
            Param("within_days", "Within this many days of starting", 60, 1, 3650),
        ),
    ),
    Metric(
        "sessions_held",
        "Sessions held",
        "Sessions",
        "count",
        True,
        "Sessions marked held in the period.",
        sessions_held,
    ),
    Metric(
        "cancellation_rate",
        "Cancellation rate",
        "Sessions",
        "percent",
        False,
        "Cancelled sessions as a share of held and cancelled sessions in the period.",
        cancellation_rate,
    ),
    Metric(
        "attendance_rate",
        "Attendance rate",
        "Attendance",
        "percent",
        False,
        "Attended / (attended + absent) over held sessions whose attendance was recorded.",
        attendance_rate,
    ),
    Metric(
        "attendances",
        "Attendances",
        "Attendance",
        "count",
        True,
        "Times an attendee was present at a held session in the period.",
        attendances,
    ),
    Metric(
        "learning_hours",
        "Hours of learning",
        "Hours",
        "hours",
        True,
        "Person-hours of attendees present at held sessions in the period.",
        learning_hours,
    ),
    Metric(
        "mentoring_hours",
        "Hours mentored",
        "Hours",
        "hours",
        True,
        "Hours of held sessions led by hosts (hosts count as present unless marked absent).",
        mentoring_hours,
    ),
    Metric(
        "average_rating",
        "Average session rating",
        "Ratings",
        "rating",
        False,
        "Average feedback rating (1-5) of held sessions in the period.",
        average_rating,
    ),
    Metric(
        "good_rating_share",
        "Good ratings",
        "Ratings",
        "percent",
        False,
        "Share of feedback ratings at or above a threshold.",
        good_rating_share,
        (Param("threshold", "Rating of at least", 4, 1, 5),),
    ),
    Metric(
        "feedback_response_rate",
        "Feedback response rate",
        "Ratings",
        "percent",
        False,
        "Share of attendances at held sessions that were followed by feedback.",
        feedback_response_rate,
    ),
    Metric(
        "mentors_trained_rate",
        "Mentors trained",
        "Training",
        "percent",
        False,
        "Share of active mentors (role mentor/both, or mentoring in a pairing) who completed every required module.",
        mentors_trained_rate,
        filters=_NO_KINDS,
    ),
    Metric(
        "trained_mentors",
        "Trained mentors",
        "Training",
        "count",
        False,
        "Active mentors who completed every required training module.",
        trained_mentors,
        filters=_NO_KINDS,
    ),
    Metric(
        "active_pairings",
        "Active pairings",
        "Pairings",
        "count",
        False,
        "Pairings running at the end of the period.",
        active_pairings,
        filters=_PAIRING_FILTERS,
    ),
    Metric(
        "paired_rate",
        "People paired",
        "Pairings",
        "percent",
        False,
        "Share of active participants in at least one running pairing.",
        paired_rate,
        filters=_PAIRING_FILTERS,
    ),
    Metric(
        "pairings_meeting_rate",
        "Pairings meeting",
        "Pairings",
        "percent",
        False,
        "Share of running pairings that held a session in the last N days of the period.",
        pairings_meeting_rate,
        (Param("days", "Met within the last days", 30, 1, 365),),
        filters=_PAIRING_FILTERS,
    ),
    Metric(
        "cross_functional_pairing_share",
        "Cross-functional pairings",
        "Cross-functional reach",
        "percent",
        False,
        "Share of running pairings whose members come from two or more departments.",
        cross_functional_pairing_share,
        filters=_PAIRING_FILTERS,
    ),
    Metric(
        "cross_department_hours",
        "Cross-department hours",
        "Cross-functional reach",
        "hours",
        True,
        "Person-hours of attendees at held sessions with someone present from another department.",
        cross_department_hours,
    ),
    Metric(
        "departments_met",
        "Departments met",
        "Cross-functional reach",
        "count",
        False,
        "Average number of other departments each person present in the period learned with.",
        departments_met,
    ),
)

METRICS: dict[str, Metric] = {m.key: m for m in CATALOGUE}

UNIT_SUFFIX = {"count": "", "hours": " h", "percent": "%", "rating": " / 5"}


def metric(key: str) -> Metric:
    """The catalogue entry for a key; KeyError with a readable message if unknown."""
    try:
        return METRICS[key]
    except KeyError:
        raise KeyError(f"unknown metric '{key}'") from None


def compute(db: Database, key: str, scope: Scope, params: Mapping[str, Any] | None = None) -> float | None:
    """The value of one metric over a scope."""
    return metric(key).compute(db, scope, params or {})


def format_value(value: float | None, unit: str) -> str:
    """A figure as a coordinator reads it: '12', '7.5 h', '83%', '4.3 / 5', or '–' when unknown."""
    if value is None:
        return "–"
    if unit == "percent":
        return f"{value:.0f}%"
    if unit == "rating":
        return f"{value:.1f} / 5"
    if unit == "hours":
        return f"{value:,.1f} h" if value < 100 else f"{value:,.0f} h"
    return f"{value:,.1f}" if value != int(value) else f"{int(value):,}"
