"""What a figure is computed over: a period of days plus department, program and kind filters.

Every metric takes a Scope. The SQL fragments built here are the single definition of
"which sessions / which people / who was present" that all figures share.

Conventions (documented once, used everywhere):
- Session times are stored as ISO 8601 UTC text (``sessions.start_utc``); a period is a
  range of UTC calendar days, compared by date prefix so the ``sessions_start`` and
  ``sessions_status`` indexes serve every period query. A session's *date*, wherever it
  is printed or shown, is its day in its own time zone (session_day()).
- Nothing dated after the as-of day (the period's end, or today) counts: sessions,
  completions, awards, enrolments, hire dates and pairing ends after it are in the future.
  A pairing whose end is dated later is still running; a program completion dated later
  is not done yet (completed_by()).
- A session belongs to a program when its program_id says so, or, having none, when its
  pairing belongs to the program (pair meetings are usually filed under their pairing).
- A person was *present* at a session when ``attended = 1``. On a held session, a host
  whose attendance was not recorded (``attended IS NULL``) counts as present: the session
  took place, so its host ran it. A host marked absent (``attended = 0``) did not lead it:
  the session, its hours and its ratings are not theirs (led()). An attendee with ``NULL``
  does not count (not recorded yet), and neither counts towards the attendance rate, which
  is attended / (attended + absent) over recorded rows of held sessions.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
import zoneinfo
from dataclasses import dataclass, field, replace
from typing import Any

from peerdesk import clock


def present(alias: str = "sp") -> str:
    """SQL condition: the session_people row `alias` counts as present (see the module docstring)."""
    return f"({alias}.attended = 1 OR ({alias}.role = 'host' AND {alias}.attended IS NULL))"


def led(alias: str = "sp") -> str:
    """SQL condition: the session_people row `alias` is a host who led the session (not marked absent)."""
    return f"({alias}.role = 'host' AND ({alias}.attended IS NULL OR {alias}.attended = 1))"


def completed_by(column: str, as_of: dt.date) -> tuple[str, str]:
    """SQL expression (and its parameter): the completion date in `column` if it is on or
    before `as_of`, else NULL (a completion dated later is not done yet)."""
    return f"(CASE WHEN {column} <= ? THEN {column} END)", as_of.isoformat()


def done_on(day: dt.date | None, as_of: dt.date) -> dt.date | None:
    """A completion date as of a day: None when it is dated later (not done yet)."""
    return day if day is not None and day <= as_of else None


def session_day(start_utc: str, zone: str) -> dt.date:
    """The calendar day a session is on in its own time zone (a 00:30 Berlin session is on
    that day, not the UTC day before)."""
    moment = dt.datetime.fromisoformat(start_utc)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    try:
        return moment.astimezone(_zone(zone)).date()
    except (ValueError, KeyError):
        return moment.astimezone(dt.UTC).date()


@functools.lru_cache(maxsize=256)
def _zone(name: str) -> dt.tzinfo:
    return zoneinfo.ZoneInfo(name) if name and name != "UTC" else dt.UTC


PRESENT = present("sp")
ACTIVE_PERSON = "(p.status = 'active' AND p.archived = 0)"


@dataclass(frozen=True)
class Period:
    """A range of UTC calendar days, both ends inclusive; None means open on that side."""

    start: dt.date | None = None
    end: dt.date | None = None
    label: str = ""

    def __post_init__(self) -> None:
        if self.start and self.end and self.end < self.start:
            raise ValueError(f"period ends ({self.end}) before it starts ({self.start})")

    # --- constructors -------------------------------------------------------------------

    @classmethod
    def all(cls) -> Period:
        return cls(None, None, "All time")

    @classmethod
    def month(cls, day: dt.date) -> Period:
        last = calendar.monthrange(day.year, day.month)[1]
        return cls(day.replace(day=1), day.replace(day=last), day.strftime("%B %Y"))

    @classmethod
    def quarter(cls, day: dt.date) -> Period:
        q = (day.month - 1) // 3
        start = dt.date(day.year, 3 * q + 1, 1)
        end_month = 3 * q + 3
        end = dt.date(day.year, end_month, calendar.monthrange(day.year, end_month)[1])
        return cls(start, end, f"Q{q + 1} {day.year}")

    @classmethod
    def half(cls, day: dt.date) -> Period:
        if day.month <= 6:
            return cls(dt.date(day.year, 1, 1), dt.date(day.year, 6, 30), f"H1 {day.year}")
        return cls(dt.date(day.year, 7, 1), dt.date(day.year, 12, 31), f"H2 {day.year}")

    @classmethod
    def year(cls, day: dt.date) -> Period:
        return cls(dt.date(day.year, 1, 1), dt.date(day.year, 12, 31), str(day.year))

    @classmethod
    def last_days(cls, days: int, ending: dt.date | None = None) -> Period:
        """The `days` days up to and including `ending` (default today)."""
        end = ending or clock.today()
        return cls(end - dt.timedelta(days=days - 1), end, f"Last {days} days")

    # --- use ----------------------------------------------------------------------------

    def bounds(self) -> tuple[str | None, str | None]:
        """(first day, day after the last) as ISO text, for `x >= lo AND x < hi` comparisons."""
        lo = self.start.isoformat() if self.start else None
        hi = (self.end + dt.timedelta(days=1)).isoformat() if self.end else None
        return lo, hi

    def contains(self, day: dt.date) -> bool:
        return (self.start is None or day >= self.start) and (self.end is None or day <= self.end)

    def until(self, end: dt.date) -> Period:
        """The same period cut (or extended) to end on `end` (never before its start)."""
        if self.start and end < self.start:
            end = self.start
        return replace(self, end=end)

    def so_far(self, today: dt.date | None = None) -> Period:
        """The part of a running period up to today ("so far"); a period that is over, or has
        not begun, as it is."""
        day = today or clock.today()
        if self.start is None or self.end is None or not self.start <= day < self.end:
            return self
        return Period(self.start, day, _days_label(self.start, day) + " (so far)")

    def previous(self) -> Period:
        """The period of the same length just before this one: a month gives the month before,
        the first days of a month (a month so far) the same days of the month before."""
        if self.start is None or self.end is None:
            raise ValueError("an open period has no previous period")
        if self.start.day == 1 and (self.end.year, self.end.month) == (self.start.year, self.start.month):
            month = Period.month(self.start - dt.timedelta(days=1))
            if self.end == Period.month(self.start).end:
                return month
            assert month.start is not None and month.end is not None
            end = month.start.replace(day=min(self.end.day, month.end.day))
            return Period(month.start, end, _days_label(month.start, end))
        length = (self.end - self.start).days + 1
        end = self.start - dt.timedelta(days=1)
        return Period(end - dt.timedelta(days=length - 1), end, "Previous period")

    @property
    def days(self) -> int | None:
        if self.start is None or self.end is None:
            return None
        return (self.end - self.start).days + 1

    def __str__(self) -> str:
        if self.label:
            return self.label
        lo = self.start.isoformat() if self.start else "…"
        hi = self.end.isoformat() if self.end else "…"
        return f"{lo} – {hi}"


def _days_label(start: dt.date, end: dt.date) -> str:
    """'1–2 November 2026', '1 November 2026'."""
    if start == end:
        return f"{start.day} {start:%B %Y}"
    return f"{start.day}–{end.day} {end:%B %Y}"


NAMED_PERIODS = {
    "this_month": "This month",
    "last_month": "Last month",
    "this_quarter": "This quarter",
    "this_half": "This half-year",
    "this_year": "This year",
    "last_30_days": "Last 30 days",
    "last_90_days": "Last 90 days",
    "all": "All time",
}


def named_period(name: str, today: dt.date | None = None) -> Period:
    """Resolve one of NAMED_PERIODS relative to today."""
    day = today or clock.today()
    if name == "this_month":
        return Period.month(day)
    if name == "last_month":
        return Period.month(day.replace(day=1) - dt.timedelta(days=1))
    if name == "this_quarter":
        return Period.quarter(day)
    if name == "this_half":
        return Period.half(day)
    if name == "this_year":
        return Period.year(day)
    if name == "last_30_days":
        return Period.last_days(30, day)
    if name == "last_90_days":
        return Period.last_days(90, day)
    if name == "all":
        return Period.all()
    raise ValueError(f"unknown period '{name}' (use one of {', '.join(NAMED_PERIODS)})")


@dataclass(frozen=True)
class Scope:
    """Filters shared by every metric. Empty filters mean "everything"."""

    period: Period = field(default_factory=Period.all)
    department: str | None = None
    program_id: int | None = None
    # sessions.kind, e.g. 'pair_meeting', 'lunch_and_learn' (peerdesk.store.records.SESSION_KINDS)
    session_kind: str | None = None
    # pairings.kind of the pairing a session belongs to: mentoring, buddy, cross_functional, circle
    pairing_kind: str | None = None

    def with_period(self, period: Period) -> Scope:
        return replace(self, period=period)

    @property
    def as_of(self) -> dt.date:
        """The day snapshot metrics are taken on: the period's end, or today if open or later."""
        today = clock.today()
        if self.period.end is None or self.period.end > today:
            return today
        return self.period.end


class Sql:
    """A WHERE clause under construction, with its parameters."""

    def __init__(self) -> None:
        self.clauses: list[str] = []
        self.params: list[Any] = []

    def add(self, clause: str, *params: Any) -> Sql:
        self.clauses.append(clause)
        self.params.extend(params)
        return self

    def where(self, keyword: str = "WHERE") -> str:
        return f" {keyword} " + " AND ".join(self.clauses) if self.clauses else ""

    def and_(self) -> str:
        return "".join(f" AND {c}" for c in self.clauses)


def session_filter(scope: Scope, sql: Sql, alias: str = "s", *, department: bool = True, future: bool = False) -> Sql:
    """Sessions in the scope's period, program and kinds; with `department`, those that had
    someone (host or attendee) from that department. Sessions after the as-of day are left
    out (nothing in the future counts) unless `future` is set (upcoming sessions)."""
    lo, hi = scope.period.bounds()
    if not future:
        cap = (scope.as_of + dt.timedelta(days=1)).isoformat()
        hi = min(hi, cap) if hi else cap
    if lo:
        sql.add(f"{alias}.start_utc >= ?", lo)
    if hi:
        sql.add(f"{alias}.start_utc < ?", hi)
    if scope.program_id is not None:
        # A pair meeting often has no program of its own: it belongs to its pairing's program.
        sql.add(
            f"({alias}.program_id = ? OR ({alias}.program_id IS NULL AND {alias}.pairing_id IN "
            "(SELECT id FROM pairings WHERE program_id = ?)))",
            scope.program_id,
            scope.program_id,
        )
    if scope.session_kind:
        sql.add(f"{alias}.kind = ?", scope.session_kind)
    if scope.pairing_kind:
        sql.add(f"{alias}.pairing_id IN (SELECT id FROM pairings WHERE kind = ?)", scope.pairing_kind)
    if department and scope.department is not None:
        sql.add(
            f"EXISTS (SELECT 1 FROM session_people dx JOIN participants px ON px.id = dx.participant_id "
            f"WHERE dx.session_id = {alias}.id AND px.department = ?)",
            scope.department,
        )
    return sql


def person_filter(scope: Scope, sql: Sql, alias: str = "p", *, program: bool = True) -> Sql:
    """People of the scope's department and (with `program`) enrolled in its program."""
    if scope.department is not None:
        sql.add(f"{alias}.department = ?", scope.department)
    if program and scope.program_id is not None:
        sql.add(
            f"{alias}.id IN (SELECT participant_id FROM program_members WHERE program_id = ? AND enrolled_on <= ?)",
            scope.program_id,
            scope.as_of.isoformat(),
        )
    return sql


def pairing_filter(scope: Scope, sql: Sql, as_of: dt.date, alias: str = "pr") -> Sql:
    """Pairings running on `as_of`, of the scope's program, pairing kind and department."""
    day = as_of.isoformat()
    sql.add(f"{alias}.started_on <= ?", day)
    sql.add(
        f"(({alias}.ended_on IS NULL AND {alias}.status = 'active') OR ({alias}.ended_on IS NOT NULL AND {alias}.ended_on > ?))",
        day,
    )
    if scope.program_id is not None:
        sql.add(f"{alias}.program_id = ?", scope.program_id)
    if scope.pairing_kind:
        sql.add(f"{alias}.kind = ?", scope.pairing_kind)
    if scope.department is not None:
        sql.add(
            f"EXISTS (SELECT 1 FROM pairing_members mx JOIN participants px ON px.id = mx.participant_id "
            f"WHERE mx.pairing_id = {alias}.id AND px.department = ?)",
            scope.department,
        )
    return sql


def now_text() -> str:
    """The current moment as comparable UTC text 'YYYY-MM-DDTHH:MM:SS'."""
    return clock.now().astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S")
