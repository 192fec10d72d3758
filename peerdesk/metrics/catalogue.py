"""The metric catalogue: every measurable figure a goal, the dashboard or a report can use.

Each metric is one SQL aggregate over a Scope (period, department, program, kinds) and
returns a float, or None when there is nothing to measure (no ratings yet, nobody in
the cohort). Units: 'count', 'hours', 'percent' (0-100) and 'rating' (1-5).

A *cumulative* metric can only grow as its period grows (sessions held, hours);
a *level* metric is a rate, an average or a snapshot and can go either way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from peerdesk import clock
from peerdesk.metrics import numbers
from peerdesk.metrics.cadence import pairings_on_cadence
from peerdesk.metrics.scope import (
    ACTIVE_PERSON,
    PRESENT,
    Period,
    Scope,
    Sql,
    led,
    pairing_filter,
    person_filter,
    present,
    session_filter,
)
from peerdesk.store.db import Database
from peerdesk.store.training import TRAINED_IDS_SQL

Compute = Callable[[Database, Scope, Mapping[str, Any]], float | None]
TrendOf = Callable[[Database, Scope, Sequence[dt.date], Mapping[str, Any]], list[float | None]]

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
    # Session-row metrics also expose their rows, so a trend costs one query.
    rows: RowsOf | None = None
    # Or a function computing the whole trend at once.
    trend: TrendOf | None = None

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


def _one(db: Database, sql: str, params: list[Any] | dict[str, Any]) -> tuple[Any, ...]:
    return tuple(db.execute(sql, params).fetchone())


# --- participation -------------------------------------------------------------------------


def active_participants(db: Database, scope: Scope, params: Mapping[str, Any]) -> float | None:
    w = person_filter(scope, Sql().add(ACTIVE_PERSON))
    return float(_one(db, f"SELECT count(*) FROM participants p{w.where()}", w.params)[0])


def _reached_at(db: Database, scope: Scope, minimum: int) -> tuple[int, list[str]]:
    """(active people in scope, the start of the session at which each of them reached
    `minimum` presences at held sessions of the scope's period)."""
    s = session_filter(scope, Sql().add("s.status = 'held'"), department=False)
    w = person_filter(scope, Sql().add(ACTIVE_PERSON))
    total = _one(db, f"SELECT count(*) FROM participants p{w.where()}", w.params)[0]
    reached = [
        r[0]
        for r in db.execute(
            "SELECT r.t FROM (SELECT sp.participant_id AS pid, s.start_utc AS t, "
            "row_number() OVER (PARTITION BY sp.participant_id ORDER BY s.start_utc) AS n "
            f"FROM sessions s JOIN session_people sp ON sp.session_id = s.id{s.where()} AND {PRESENT}) r "
            f"JOIN participants p ON p.id = r.pid{w.where()} AND r.n = ?",
            [*s.params, *w.params, minimum],
        )
    ]
    return int(total), reached


def _count_by(days: Sequence[dt.date], stamps: list[str]) -> list[int]:
    """How many stamps fall on or before each day."""
    ends = [(d + dt.timedelta(days=1)).isoformat() for d in days]
    return [sum(1 for t in stamps if t < end) for end in ends]


def _participation_trend(
    db: Database, scope: Scope, days: Sequence[dt.date], params: Mapping[str, Any], rate: bool
) -> list[float | None]:
    minimum = int(METRICS["participation_rate"].param(params, "min_sessions"))
    total, reached = _reached_at(db, scope.with_period(scope.period.until(days[-1])), minimum)
    counts = _count_by(days, reached)
    return [_pct(n, total) if rate else float(n) for n in counts]


def participation_trend(
    db: Database, scope: Scope, days: Sequence[dt.date], params: Mapping[str, Any]
) -> list[float | None]:
    return _participation_trend(db, scope, days, params, True)


def engaged_trend(db: Database, scope: Scope, days: Sequence[dt.date], params: Mapping[str, Any]) -> list[float | None]:
    return _participation_trend(db, scope, days, params, False)


def _at_end(trend: TrendOf) -> Compute:
    def compute(db: Database, scope: Scope, params: Mapping[str, Any]) -> float | None:
        end = scope.period.end or max(clock.today(), dt.date(2100, 1, 1))
        return trend(db, scope, [end], params)[0]

    return compute


def _engaged(db: Database, scope: Scope, params: Mapping[str, Any]) -> tuple[int, int]:
    """(active people in scope, those present at least N times at held sessions of the period)."""
    minimum = int(METRICS["participation_rate"].param(params, "min_sessions"))
    s = session_filter(scope, Sql().add("s.status = 'held'"), department=False)
    w = person_filter(scope, Sql().add(ACTIVE_PERSON))
    total, engaged = _one(
        db,
        "SELECT count(*), coalesce(sum(p.id IN (SELECT sp.participant_id FROM sessions s "
        f"JOIN session_people sp ON sp.session_id = s.id{s.where()} AND {PRESENT} "
        f"GROUP BY sp.participant_id HAVING count(*) >= ?)), 0) FROM participants p{w.where()}",
        [*s.params, minimum, *w.params],
    )
    return int(total), int(engaged)


def participation_rate(db: Database, scope: Scope, params: Mapping[str, Any]) -> float | None:
    total, engaged = _engaged(db, scope, params)
    return _pct(engaged, total)


def engaged_participants(db: Database, scope: Scope, params: Mapping[str, Any]) -> float | None:
    return float(_engaged(db, scope, params)[1])


def new_hire_trend(
    db: Database, scope: Scope, days: Sequence[dt.date], params: Mapping[str, Any]
) -> list[float | None]:
    """Cohort: people hired in the period; each counts as onboarded from the session at which
    they reached N presences within D days of their hire date."""
    m = METRICS["new_hire_onboarding"]
    minimum, within = int(m.param(params, "min_sessions")), int(m.param(params, "within_days"))
    s = session_filter(scope.with_period(Period.all()), Sql(), department=False)
    # Nobody hired after the as-of day is in the cohort yet.
    w = person_filter(scope, Sql().add("p.archived = 0").add("p.hire_date IS NOT NULL"))
    w.add("p.hire_date <= ?", scope.with_period(scope.period.until(days[-1])).as_of.isoformat())
    lo, hi = scope.period.until(days[-1]).bounds()
    if lo:
        w.add("p.hire_date >= ?", lo)
    if hi:
        w.add("p.hire_date < ?", hi)
    rows = db.execute(
        "SELECT p.hire_date, (SELECT s.start_utc FROM session_people sp JOIN sessions s ON s.id = sp.session_id "
        f"WHERE sp.participant_id = p.id AND +s.status = 'held' AND {PRESENT} "
        # unary + keeps the planner on the person's own sessions (few) rather than a date range (many)
        "AND +s.start_utc >= p.hire_date AND +s.start_utc < date(p.hire_date, '+' || ? || ' days')"
        f"{s.and_()} ORDER BY s.start_utc LIMIT 1 OFFSET ?) FROM participants p{w.where()}",
        [within, *s.params, minimum - 1, *w.params],
    ).fetchall()
    hired = _count_by(days, [h for h, _ in rows])
    done = _count_by(days, [t for _, t in rows if t is not None])
    return [_pct(ok, n) for ok, n in zip(done, hired, strict=True)]


# --- sessions and attendance ---------------------------------------------------------------


@dataclass(frozen=True)
class Rows:
    """A metric as rows (t = start_utc, num, den): value = scale * sum(num) [/ sum(den)].

    The same rows give the total over a period and, bucketed by day, the whole trend in
    one query (see series()).
    """

    sql: str
    args: list[Any]
    scale: float = 1.0
    ratio: bool = False

    def value(self, num: float | None, den: float | None) -> float | None:
        if self.ratio:
            return None if not den else self.scale * (num or 0) / den
        return self.scale * float(num or 0)


RowsOf = Callable[[Scope, Mapping[str, Any]], Rows]


def _total(rows_of: RowsOf) -> Compute:
    def compute(db: Database, scope: Scope, params: Mapping[str, Any]) -> float | None:
        rows = rows_of(scope, params)
        num, den = _one(db, f"SELECT sum(num), sum(den) FROM ({rows.sql})", rows.args)
        return rows.value(num, den)

    compute.__doc__ = rows_of.__doc__
    return compute


def _held(scope: Scope, *extra: str) -> Sql:
    sql = Sql().add("s.status = 'held'")
    for clause in extra:
        sql.add(clause)
    return session_filter(scope, sql)


def sessions_held_rows(scope: Scope, params: Mapping[str, Any]) -> Rows:
    s = _held(scope)
    return Rows(f"SELECT s.start_utc AS t, 1 AS num, 1 AS den FROM sessions s{s.where()}", s.params)


def cancellation_rows(scope: Scope, params: Mapping[str, Any]) -> Rows:
    s = session_filter(scope, Sql().add("s.status IN ('held', 'cancelled')"))
    return Rows(
        f"SELECT s.start_utc AS t, s.status = 'cancelled' AS num, 1 AS den FROM sessions s{s.where()}",
        s.params,
        100.0,
        ratio=True,
    )


def people_rows(scope: Scope, select: str, *conditions: str) -> Rows:
    """Rows of session_people on held sessions in scope; the department filters the person."""
    s = session_filter(scope, Sql().add("s.status = 'held'"), department=False)
    for c in conditions:
        s.add(c)
    join = ""
    if scope.department is not None:
        join = " JOIN participants p ON p.id = sp.participant_id"
        s.add("p.department = ?", scope.department)
    return Rows(
        f"SELECT s.start_utc AS t, {select} FROM sessions s JOIN session_people sp ON sp.session_id = s.id{join}"
        f"{s.where()}",
        s.params,
    )


def attendance_rows(scope: Scope, params: Mapping[str, Any]) -> Rows:
    r = people_rows(scope, "sp.attended AS num, 1 AS den", "sp.attended IS NOT NULL")
    return Rows(r.sql, r.args, 100.0, ratio=True)


def attendances_rows(scope: Scope, params: Mapping[str, Any]) -> Rows:
    return people_rows(scope, "1 AS num, 1 AS den", "sp.role = 'attendee'", "sp.attended = 1")


def learning_hours_rows(scope: Scope, params: Mapping[str, Any]) -> Rows:
    r = people_rows(scope, "s.duration_min AS num, 1 AS den", "sp.role = 'attendee'", "sp.attended = 1")
    return Rows(r.sql, r.args, 1 / 60)


def mentoring_hours_rows(scope: Scope, params: Mapping[str, Any]) -> Rows:
    r = people_rows(scope, "s.duration_min AS num, 1 AS den", led())
    return Rows(r.sql, r.args, 1 / 60)


def attendance_and_hours(db: Database, scope: Scope) -> tuple[float | None, float, float]:
    """(attendance_rate, learning_hours, mentoring_hours) in one pass over the session_people
    rows all three read, each with its own metric's definition and arithmetic."""
    rows = people_rows(
        scope,
        "sp.attended AS rec, sp.role = 'attendee' AND sp.attended = 1 AS came, "
        f"{led()} AS led, s.duration_min AS minutes",
    )
    attended, recorded, learned, mentored = _one(
        db,
        "SELECT sum(rec), count(rec), sum(CASE WHEN came THEN minutes END), sum(CASE WHEN led THEN minutes END) "
        f"FROM ({rows.sql})",
        rows.args,
    )
    rate = attendance_rows(scope, {}).value(attended, recorded)
    learning = learning_hours_rows(scope, {}).value(learned, None)
    mentoring = mentoring_hours_rows(scope, {}).value(mentored, None)
    assert learning is not None and mentoring is not None  # totals are never None
    return rate, learning, mentoring


def cross_department_rows(scope: Scope, params: Mapping[str, Any]) -> Rows:
    """An attendee present with someone of another department present: a held session whose present
    people come from two or more (named) departments gives each present attendee its hours."""
    s = session_filter(scope, Sql().add("s.status = 'held'"), department=False)
    mine = "p.department != ''" + (" AND p.department = ?" if scope.department is not None else "")
    return Rows(
        "SELECT s.start_utc AS t, s.duration_min * x.n AS num, 1 AS den FROM ("
        "SELECT sp.session_id AS sid, count(DISTINCT nullif(p.department, '')) AS depts, "
        f"sum(sp.role = 'attendee' AND sp.attended = 1 AND {mine}) AS n "
        "FROM sessions s JOIN session_people sp ON sp.session_id = s.id "
        f"JOIN participants p ON p.id = sp.participant_id{s.where()} AND {PRESENT} GROUP BY sp.session_id"
        ") x JOIN sessions s ON s.id = x.sid WHERE x.depts >= 2 AND x.n > 0",
        [*([scope.department] if scope.department is not None else []), *s.params],
        1 / 60,
    )


def departments_met(db: Database, scope: Scope, params: Mapping[str, Any]) -> float | None:
    """Average number of other departments each person present in the period learned with."""
    s = session_filter(scope, Sql().add("s.status = 'held'"), department=False)
    s.add(PRESENT).add("p.department != ''")
    if scope.department is not None:
        s.add("p.department = ?", scope.department)
    row = _one(
        db,
        "SELECT avg(k) FROM (SELECT me.pid, count(DISTINCT op.department) "
        "- max(CASE WHEN op.department = me.dept THEN 1 ELSE 0 END) AS k FROM ("
        "SELECT DISTINCT sp.participant_id AS pid, p.department AS dept, s.id AS sid FROM sessions s "
        f"JOIN session_people sp ON sp.session_id = s.id JOIN participants p ON p.id = sp.participant_id{s.where()}"
        ") me LEFT JOIN session_people o ON o.session_id = me.sid AND o.participant_id != me.pid "
        f"AND {present('o')} "
        "LEFT JOIN participants op ON op.id = o.participant_id AND op.department != '' GROUP BY me.pid)",
        s.params,
    )
    return None if row[0] is None else float(row[0])


# --- ratings -------------------------------------------------------------------------------


def _feedback_rows(scope: Scope, num: str) -> Rows:
    s = _held(scope)
    return Rows(
        f"SELECT s.start_utc AS t, {num} AS num, 1 AS den FROM sessions s JOIN feedback f ON f.session_id = s.id"
        f"{s.where()}",
        s.params,
        ratio=True,
    )


def rating_rows(scope: Scope, params: Mapping[str, Any]) -> Rows:
    return _feedback_rows(scope, "f.rating")


def good_rating_rows(scope: Scope, params: Mapping[str, Any]) -> Rows:
    threshold = METRICS["good_rating_share"].param(params, "threshold")
    r = _feedback_rows(scope, f"f.rating >= {int(threshold)}")
    return Rows(r.sql, r.args, 100.0, ratio=True)


def feedback_response_rows(scope: Scope, params: Mapping[str, Any]) -> Rows:
    r = people_rows(
        scope,
        "EXISTS (SELECT 1 FROM feedback f WHERE f.session_id = s.id AND f.participant_id = sp.participant_id) AS num, "
        "1 AS den",
        "sp.role = 'attendee'",
        "sp.attended = 1",
    )
    return Rows(r.sql, r.args, 100.0, ratio=True)


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
    lo = (scope.as_of - dt.timedelta(days=days - 1)).isoformat()
    hi = (scope.as_of + dt.timedelta(days=1)).isoformat()
    # `+s.status` keeps the planner on sessions_pairing (pairing, start) rather than the status index.
    total, met = _one(
        db,
        "SELECT count(*), coalesce(sum(EXISTS (SELECT 1 FROM sessions s WHERE s.pairing_id = pr.id "
        "AND s.start_utc >= ? AND s.start_utc < ? AND +s.status = 'held')), 0) "
        f"FROM pairings pr{pr.where()}",
        [lo, hi, *pr.params],
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
        trend=participation_trend,
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
        trend=engaged_trend,
    ),
    Metric(
        "new_hire_onboarding",
        "New hires onboarded",
        "Participation",
        "percent",
        False,
        "Share of people hired in the period who, by its end, attended N held sessions within D days of starting.",
        _at_end(new_hire_trend),
        (
            Param("min_sessions", "At least this many sessions", 4, 1, 1000),
            Param("within_days", "Within this many days of starting", 60, 1, 3650),
        ),
        trend=new_hire_trend,
    ),
    Metric(
        "sessions_held",
        "Sessions held",
        "Sessions",
        "count",
        True,
        "Sessions marked held in the period.",
        _total(sessions_held_rows),
        rows=sessions_held_rows,
    ),
    Metric(
        "cancellation_rate",
        "Cancellation rate",
        "Sessions",
        "percent",
        False,
        "Cancelled sessions as a share of held and cancelled sessions in the period.",
        _total(cancellation_rows),
        rows=cancellation_rows,
    ),
    Metric(
        "attendance_rate",
        "Attendance rate",
        "Attendance",
        "percent",
        False,
        "Attended / (attended + absent) over held sessions whose attendance was recorded.",
        _total(attendance_rows),
        rows=attendance_rows,
    ),
    Metric(
        "attendances",
        "Attendances",
        "Attendance",
        "count",
        True,
        "Times an attendee was present at a held session in the period.",
        _total(attendances_rows),
        rows=attendances_rows,
    ),
    Metric(
        "learning_hours",
        "Hours of learning",
        "Hours",
        "hours",
        True,
        "Person-hours of attendees present at held sessions in the period.",
        _total(learning_hours_rows),
        rows=learning_hours_rows,
    ),
    Metric(
        "mentoring_hours",
        "Hours mentored",
        "Hours",
        "hours",
        True,
        "Hours of held sessions led by hosts (hosts count as present unless marked absent).",
        _total(mentoring_hours_rows),
        rows=mentoring_hours_rows,
    ),
    Metric(
        "average_rating",
        "Average session rating",
        "Ratings",
        "rating",
        False,
        "Average feedback rating (1-5) of held sessions in the period.",
        _total(rating_rows),
        rows=rating_rows,
    ),
    Metric(
        "good_rating_share",
        "Good ratings",
        "Ratings",
        "percent",
        False,
        "Share of feedback ratings at or above a threshold.",
        _total(good_rating_rows),
        (Param("threshold", "Rating of at least", 4, 1, 5),),
        rows=good_rating_rows,
    ),
    Metric(
        "feedback_response_rate",
        "Feedback response rate",
        "Ratings",
        "percent",
        False,
        "Share of attendances at held sessions that were followed by feedback.",
        _total(feedback_response_rows),
        rows=feedback_response_rows,
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
        "pairings_on_cadence",
        "Pairings on cadence",
        "Pairings",
        "percent",
        False,
        "Share of running pairings that met within their program's cadence (plus 3 days' slack) at the end of "
        "the period; a program without a cadence counts 30 days.",
        pairings_on_cadence,
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
        _total(cross_department_rows),
        rows=cross_department_rows,
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
    """A figure as a coordinator reads it: '12', '7.5 h', '83%', '4.3 / 5', or '–' when unknown
    (rounded by peerdesk.metrics.numbers: halves up, never a false 0% or 100%)."""
    if value is None:
        return "–"
    if unit == "percent":
        return numbers.percent(value)
    if unit == "rating":
        return f"{numbers.rating(value)} / 5"
    if unit == "hours":
        return numbers.hours(value)
    return numbers.count(value)


def series(
    db: Database, key: str, scope: Scope, days: Sequence[dt.date], params: Mapping[str, Any] | None = None
) -> list[float | None]:
    """The metric over the scope's period cut at each of `days` (ascending): a trend.

    Session-row metrics take one bucketed query; the others one query per day.
    """
    m = metric(key)
    params = params or {}
    if not days:
        return []
    if m.trend is not None:
        return m.trend(db, scope, days, params)
    if m.rows is None:
        return [m.compute(db, scope.with_period(scope.period.until(d)), params) for d in days]
    rows = m.rows(scope.with_period(scope.period.until(days[-1])), params)
    bounds = [(d + dt.timedelta(days=1)).isoformat() for d in days]
    cases = " ".join(f"WHEN t < ? THEN {i}" for i in range(len(days)))
    per_bucket = {
        b: (num or 0, den or 0)
        for b, num, den in db.execute(
            f"SELECT CASE {cases} END AS b, sum(num), sum(den) FROM ({rows.sql}) GROUP BY b",
            [*bounds, *rows.args],
        )
    }
    out: list[float | None] = []
    num = den = 0.0
    for i in range(len(days)):
        n, d = per_bucket.get(i, (0, 0))
        num, den = num + n, den + d
        out.append(rows.value(num, den))
    return out
