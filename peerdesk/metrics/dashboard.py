"""The dashboard's figures: key figures with last month's for comparison, monthly series,
upcoming sessions and the lists that ask the coordinator to act."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from peerdesk import clock
from peerdesk.metrics import cadence
from peerdesk.metrics import catalogue as cat
from peerdesk.metrics.goals import GoalProgress, evaluate_goals
from peerdesk.metrics.scope import (
    ACTIVE_PERSON,
    PRESENT,
    Period,
    Scope,
    Sql,
    now_text,
    pairing_filter,
    person_filter,
    session_day,
    session_filter,
)
from peerdesk.store.cadence import Cadence
from peerdesk.store.db import Database
from peerdesk.store.programs import get_program, list_goals
from peerdesk.store.training import TRAINED_IDS_SQL
from peerdesk.wording import plural

STALE_DAYS = 30
FEEDBACK_WINDOW_DAYS = 30
ATTENDANCE_WINDOW_DAYS = 90


@dataclass(frozen=True)
class Figure:
    """A key figure now and in the previous period."""

    key: str
    label: str
    unit: str
    value: float | None
    previous: float | None = None

    @property
    def text(self) -> str:
        return cat.format_value(self.value, self.unit)

    @property
    def change(self) -> float | None:
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous


@dataclass(frozen=True)
class MonthPoint:
    """Figures of one calendar month, or of the part of it inside a period (`period`)."""

    month: dt.date  # first day
    sessions_held: int
    attendance_rate: float | None
    average_rating: float | None
    learning_hours: float
    period: Period | None = None  # the days counted, when not the whole month

    @property
    def label(self) -> str:
        """'October 2026', or '15–31 October 2026' for the part of a month in a period."""
        whole = Period.month(self.month)
        if self.period is None or self.period == whole:
            return str(whole)
        return str(self.period)


@dataclass(frozen=True)
class ActionItem:
    """Something that needs the coordinator; `target` says what clicking it opens."""

    target: str  # 'pairing' | 'participant' | 'session'
    target_id: int
    title: str
    detail: str


@dataclass(frozen=True)
class ActionList:
    key: str
    title: str
    total: int
    items: tuple[ActionItem, ...]


@dataclass(frozen=True)
class UpcomingSession:
    session_id: int
    title: str
    kind: str
    start_utc: str
    duration_min: int
    hosts: str
    people: int


@dataclass(frozen=True)
class Dashboard:
    """Everything the dashboard page shows, computed in one call: `period` is the month of the
    series, `current` the part of it the key figures cover and `compared` what they are
    compared with (see comparison())."""

    period: Period
    current: Period
    compared: Period
    figures: tuple[Figure, ...]
    months: tuple[MonthPoint, ...]
    goals: tuple[GoalProgress, ...]
    upcoming: tuple[UpcomingSession, ...]
    actions: tuple[ActionList, ...]
    goal_counts: dict[str, int] = field(default_factory=dict)

    def figure(self, key: str) -> Figure:
        return next(f for f in self.figures if f.key == key)

    def action(self, key: str) -> ActionList:
        return next(a for a in self.actions if a.key == key)


def key_figures(db: Database, scope: Scope, months: tuple[MonthPoint, ...] = ()) -> tuple[Figure, ...]:
    """Active participants, participation, sessions, attendance, rating and hours over the
    scope's period so far, each with the figure of the period it is compared with (like with
    like: the first days of a month against the same days of the month before; see
    comparison()).

    When the period is a whole calendar month already in `months`, its figures (and the month
    before's) are taken from there rather than computed again.
    """
    current, previous = comparison(scope.period)
    now, prev = scope.with_period(current), scope.with_period(previous)
    by_month = {m.month: m for m in months}
    this_m, prev_m = by_month.get(current.start or dt.date.min), by_month.get(previous.start or dt.date.min)
    monthly_ok = (
        this_m is not None
        and prev_m is not None
        and current == Period.month(current.start or dt.date.min)
        and previous == Period.month(previous.start or dt.date.min)
    )

    def pair(key: str, attr: str) -> Figure:
        m = cat.METRICS[key]
        if monthly_ok:
            return Figure(key, m.label, m.unit, getattr(this_m, attr), getattr(prev_m, attr))
        return Figure(key, m.label, m.unit, m.compute(db, now, {}), m.compute(db, prev, {}))

    participation = cat.METRICS["participation_rate"]
    return (
        Figure("active_participants", "Active participants", "count", cat.active_participants(db, now, {})),
        Figure(
            "participation_rate",
            participation.label,
            "percent",
            participation.compute(db, now, {}),
            participation.compute(db, prev, {}),
        ),
        Figure("sessions", "Sessions", "count", _sessions_scheduled(db, now), _sessions_scheduled(db, prev)),
        pair("attendance_rate", "attendance_rate"),
        pair("average_rating", "average_rating"),
        pair("learning_hours", "learning_hours"),
    )


def comparison(period: Period, today: dt.date | None = None) -> tuple[Period, Period]:
    """(the period so far, the period it is compared with): on 2 December, 1-2 December and
    1-2 November; a month that is over, and the whole month before."""
    current = period.so_far(today)
    return current, current.previous()


def _sessions_scheduled(db: Database, scope: Scope) -> float:
    """Sessions held or planned (not cancelled) in the period."""
    s = session_filter(scope, Sql().add("s.status != 'cancelled'"))
    return float(db.execute(f"SELECT count(*) FROM sessions s{s.where()}", s.params).fetchone()[0])


def monthly(db: Database, scope: Scope, months: int = 12) -> tuple[MonthPoint, ...]:
    """The last `months` calendar months up to the scope's as-of day, oldest first."""
    first = Period.month(scope.as_of)
    periods = [first]
    for _ in range(months - 1):
        assert periods[-1].start is not None
        periods.append(Period.month(periods[-1].start - dt.timedelta(days=1)))
    return tuple(month_point(db, scope.with_period(p)) for p in reversed(periods))


def months_of(db: Database, scope: Scope) -> tuple[MonthPoint, ...]:
    """One point per calendar month of the scope's period up to its as-of day, each counting
    only the days inside the period: the points add up to the figures of the whole period."""
    end = scope.as_of
    start = scope.period.start or _first_session_day(db, scope) or end
    if start > end:
        return ()
    out = []
    month = Period.month(start)
    while month.start is not None and month.start <= end:
        assert month.end is not None
        days = Period(max(start, month.start), min(end, month.end), "")
        days = replace(days, label=_period_label(days, month))
        out.append(month_point(db, scope.with_period(days)))
        month = Period.month(month.end + dt.timedelta(days=1))
    return tuple(out)


def _period_label(days: Period, month: Period) -> str:
    if days == replace(month, label=""):
        return month.label
    assert days.start is not None and days.end is not None
    if days.start == days.end:
        return f"{days.start.day} {days.start:%B %Y}"
    return f"{days.start.day}–{days.end.day} {days.end:%B %Y}"


def _first_session_day(db: Database, scope: Scope) -> dt.date | None:
    s = session_filter(scope, Sql().add("s.status = 'held'"))
    first = db.execute(f"SELECT min(s.start_utc) FROM sessions s{s.where()}", s.params).fetchone()[0]
    return dt.date.fromisoformat(first[:10]) if first else None


def month_point(db: Database, scope: Scope) -> MonthPoint:
    """The figures of a scope whose period lies within one calendar month.

    One small query per figure: each reads one month of the covering indexes, which is faster
    than one grouped query over a year (no temporary sort).
    """
    period = scope.period
    assert period.start is not None
    # Attendance and hours read the same rows: one pass, with the catalogue's definitions.
    rows = cat.people_rows(
        scope,
        "sp.attended AS rec, sp.role = 'attendee' AND sp.attended = 1 AS came, s.duration_min AS minutes",
    )
    attended, recorded, minutes = db.execute(
        f"SELECT sum(rec), count(rec), sum(CASE WHEN came THEN minutes ELSE 0 END) FROM ({rows.sql})", rows.args
    ).fetchone()
    whole = Period.month(period.start)
    return MonthPoint(
        whole.start or period.start,
        int(cat.compute(db, "sessions_held", scope) or 0),
        cat.attendance_rows(scope, {}).value(attended, recorded),
        cat.compute(db, "average_rating", scope),
        cat.learning_hours_rows(scope, {}).value(minutes, None) or 0.0,
        None if period == whole else period,
    )


def upcoming_sessions(db: Database, scope: Scope, limit: int = 8) -> tuple[UpcomingSession, ...]:
    """The next planned sessions from now."""
    s = session_filter(
        scope.with_period(Period.all()),
        Sql().add("s.status = 'planned'").add("s.start_utc >= ?", now_text()),
        future=True,
    )
    rows = db.execute(
        "SELECT s.id, s.title, s.kind, s.start_utc, s.duration_min, "
        "(SELECT group_concat(p.name, ', ') FROM session_people h JOIN participants p ON p.id = h.participant_id "
        "WHERE h.session_id = s.id AND h.role = 'host'), "
        "(SELECT count(*) FROM session_people x WHERE x.session_id = s.id) "
        f"FROM sessions s{s.where()} ORDER BY s.start_utc LIMIT ?",
        [*s.params, limit],
    )
    return tuple(UpcomingSession(i, t, k, st, d, h or "", n) for i, t, k, st, d, h, n in rows)


# --- action lists --------------------------------------------------------------------------


def stale_pairings(
    db: Database, scope: Scope, days: int | None = None, limit: int = 50, as_of: dt.date | None = None
) -> ActionList:
    """Pairings running on `as_of` (default today) that are behind their program's cadence
    (peerdesk.metrics.cadence); `days` sets one fixed gap for all instead."""
    today = as_of or clock.today()
    rows = cadence.pairing_rows(scope, today, days)
    behind = f"SELECT * FROM ({rows.sql}) WHERE behind"
    total = db.execute(f"SELECT count(*) FROM ({behind})", rows.params).fetchone()[0]
    items = []
    cadences: dict[int | None, Cadence | None] = {}
    for pid, kind, program_id, started, last, _gap, names in db.execute(
        "SELECT b.id, b.kind, b.program_id, b.started_on, b.last, b.gap, (SELECT group_concat(p.name, ' & ') "
        "FROM pairing_members m JOIN participants p ON p.id = m.participant_id WHERE m.pairing_id = b.id) "
        f"FROM ({behind}) b ORDER BY coalesce(b.last, b.started_on) LIMIT ?",
        [*rows.params, limit],
    ):
        if last:
            ago = (today - dt.date.fromisoformat(last[:10])).days
            detail = f"{kind.replace('_', ' ')} · last met {plural(ago, 'day')} ago"
        else:
            ago = (today - dt.date.fromisoformat(started)).days
            detail = f"{kind.replace('_', ' ')} · never met (paired {plural(ago, 'day')} ago)"
        if program_id not in cadences:
            cadences[program_id] = get_program(db, program_id).cadence if program_id is not None else None
        rhythm = cadences[program_id]
        if days is None and rhythm is not None:
            detail += f" · meets {rhythm.words}"
        items.append(ActionItem("pairing", pid, names or f"Pairing {pid}", detail))
    title = f"Pairs with no meeting for {days} days" if days is not None else "Pairs behind their cadence"
    return ActionList("stale_pairings", title, int(total), tuple(items))


def untrained_mentors(db: Database, scope: Scope, limit: int = 50) -> ActionList:
    """Active people mentoring in a running pairing who have not completed the required training."""
    today = clock.today()
    pr = pairing_filter(scope, Sql(), today)
    w = person_filter(scope, Sql().add(ACTIVE_PERSON), program=False)
    base = (
        "SELECT p.id, p.name, p.department, count(DISTINCT e.participant_id) AS mentees "
        "FROM participants p JOIN pairing_members m ON m.participant_id = p.id AND m.role = 'mentor' "
        "JOIN pairings pr ON pr.id = m.pairing_id "
        "JOIN pairing_members e ON e.pairing_id = pr.id AND e.role = 'mentee' "
        f"WHERE p.id NOT IN ({TRAINED_IDS_SQL.replace(':as_of', '?')}){w.and_()}{pr.and_()} GROUP BY p.id"
    )
    args = [today.isoformat(), *w.params, *pr.params]
    total = db.execute(f"SELECT count(*) FROM ({base})", args).fetchone()[0]
    items = tuple(
        ActionItem(
            "participant",
            pid,
            name,
            f"{dept + ' · ' if dept else ''}{n} mentee{'s' if n != 1 else ''}, training not complete",
        )
        for pid, name, dept, n in db.execute(
            f"{base} ORDER BY mentees DESC, p.name COLLATE NOCASE LIMIT ?", [*args, limit]
        )
    )
    return ActionList("untrained_mentors", "Mentors not yet trained who have mentees", int(total), items)


def unpaired_people(db: Database, scope: Scope, limit: int = 50) -> ActionList:
    """Active participants (of the program, if one is chosen) in no running pairing."""
    today = clock.today()
    pr = pairing_filter(Scope(program_id=scope.program_id), Sql(), today)
    w = person_filter(scope, Sql().add(ACTIVE_PERSON))
    base = (
        f"FROM participants p{w.where()} AND p.id NOT IN (SELECT m.participant_id FROM pairing_members m "
        f"JOIN pairings pr ON pr.id = m.pairing_id{pr.where()})"
    )
    args = [*w.params, *pr.params]
    total = db.execute(f"SELECT count(*) {base}", args).fetchone()[0]
    items = tuple(
        ActionItem("participant", pid, name, " · ".join(x for x in (dept, role) if x))
        for pid, name, dept, role in db.execute(
            f"SELECT p.id, p.name, p.department, p.role {base} ORDER BY p.name COLLATE NOCASE LIMIT ?", [*args, limit]
        )
    )
    return ActionList("unpaired", "People with no pairing", int(total), items)


def sessions_awaiting_attendance(
    db: Database, scope: Scope, days: int = ATTENDANCE_WINDOW_DAYS, limit: int = 50
) -> ActionList:
    """Sessions of the last `days` days that are over but not marked held, or held with attendance missing."""
    since = (clock.today() - dt.timedelta(days=days - 1)).isoformat()
    s = session_filter(
        scope.with_period(Period.all()), Sql().add("s.start_utc >= ?", since).add("s.start_utc < ?", now_text())
    )
    base = (
        f"FROM sessions s{s.where()} AND (s.status = 'planned' OR (s.status = 'held' AND EXISTS ("
        "SELECT 1 FROM session_people sp WHERE sp.session_id = s.id AND sp.role = 'attendee' AND sp.attended IS NULL)))"
    )
    total = db.execute(f"SELECT count(*) {base}", s.params).fetchone()[0]
    items = tuple(
        ActionItem(
            "session",
            sid,
            title,
            f"{session_day(start, zone)} · "
            + ("not marked held yet" if status == "planned" else "attendance not recorded"),
        )
        for sid, title, start, zone, status in db.execute(
            f"SELECT s.id, s.title, s.start_utc, s.timezone, s.status {base} ORDER BY s.start_utc DESC LIMIT ?",
            [*s.params, limit],
        )
    )
    return ActionList("awaiting_attendance", "Sessions awaiting attendance", int(total), items)


def sessions_awaiting_feedback(
    db: Database, scope: Scope, days: int = FEEDBACK_WINDOW_DAYS, limit: int = 50
) -> ActionList:
    """Held sessions of the last `days` days with people present but no feedback yet."""
    since = (clock.today() - dt.timedelta(days=days - 1)).isoformat()
    s = session_filter(scope.with_period(Period.all()), Sql().add("s.status = 'held'").add("s.start_utc >= ?", since))
    base = (
        f"FROM sessions s{s.where()} AND NOT EXISTS (SELECT 1 FROM feedback f WHERE f.session_id = s.id) "
        f"AND EXISTS (SELECT 1 FROM session_people sp WHERE sp.session_id = s.id AND sp.role = 'attendee' AND {PRESENT})"
    )
    total = db.execute(f"SELECT count(*) {base}", s.params).fetchone()[0]
    items = tuple(
        ActionItem("session", sid, title, f"{session_day(start, zone)} · {n} present, no feedback")
        for sid, title, start, zone, n in db.execute(
            "SELECT s.id, s.title, s.start_utc, s.timezone, (SELECT count(*) FROM session_people sp WHERE sp.session_id = s.id "
            f"AND {PRESENT}) {base} ORDER BY s.start_utc DESC LIMIT ?",
            [*s.params, limit],
        )
    )
    return ActionList("awaiting_feedback", "Sessions awaiting feedback", int(total), items)


def action_lists(db: Database, scope: Scope, limit: int = 50) -> tuple[ActionList, ...]:
    return (
        stale_pairings(db, scope, limit=limit),
        untrained_mentors(db, scope, limit=limit),
        unpaired_people(db, scope, limit=limit),
        sessions_awaiting_attendance(db, scope, limit=limit),
        sessions_awaiting_feedback(db, scope, limit=limit),
    )


def goal_counts(progress: tuple[GoalProgress, ...]) -> dict[str, int]:
    """How many goals are in each status."""
    counts = {status: 0 for status in ("on_track", "at_risk", "met", "missed")}
    for g in progress:
        counts[g.status] += 1
    return counts


def dashboard_goals(
    db: Database, program_id: int | None = None, trend_points: int = 6
) -> tuple[tuple[GoalProgress, ...], dict[str, int]]:
    """The goals of a program (or of all programs) evaluated with their trend, and the status counts."""
    progress = tuple(evaluate_goals(db, list_goals(db, program_id), trend_points=trend_points))
    return progress, goal_counts(progress)


def dashboard(
    db: Database,
    program_id: int | None = None,
    department: str | None = None,
    *,
    period: Period | None = None,
    trend_points: int = 6,
    limit: int = 50,
    goals: bool = True,
) -> Dashboard:
    """All the dashboard's figures for a program (or all), this month by default.

    With goals=False the goals are left out (see dashboard_goals(), which a window may
    compute at the same time on another connection).
    """
    scope = Scope(period=period or Period.month(clock.today()), department=department, program_id=program_id)
    progress, counts = dashboard_goals(db, program_id, trend_points) if goals else ((), goal_counts(()))
    months = monthly(db, scope)
    current, compared = comparison(scope.period)
    return Dashboard(
        period=scope.period,
        current=current,
        compared=compared,
        figures=key_figures(db, scope, months),
        months=months,
        goals=progress,
        upcoming=upcoming_sessions(db, scope),
        actions=action_lists(db, scope, limit),
        goal_counts=counts,
    )
