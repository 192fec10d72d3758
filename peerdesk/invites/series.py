"""Laying a recurring series out as calendars expect it: one rule, exceptions and overrides.

A series is stored as one sessions row per occurrence. In a calendar file it becomes a
master event with the series' RRULE, an EXDATE for every occurrence that was cancelled
(or deleted), and an override event (same UID, RECURRENCE-ID = the start the rule gave
it) for every occurrence that was moved or changed. Rows the rule does not produce are
exported as events of their own.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterator
from dataclasses import dataclass, field

from dateutil.rrule import rrule, rrulestr
from icalendar import vRecur

from peerdesk.invites.model import SeriesInfo, SessionItem
from peerdesk.invites.timezones import zone

UTC = dt.UTC
MAX_EXPANSION = 5000


@dataclass(frozen=True)
class SeriesPlan:
    """How a series is written: the master's look, its rule, and what deviates from it."""

    series: SeriesInfo
    uid: str
    tz: dt.tzinfo
    first_start: dt.datetime  # aware, in tz
    rule: vRecur
    master: SessionItem
    sequence: int
    exdates: tuple[dt.datetime, ...] = ()  # aware, in tz
    overrides: tuple[SessionItem, ...] = ()
    strays: tuple[SessionItem, ...] = ()
    cancelled: bool = False
    occurrences: tuple[SessionItem, ...] = field(default=())


def parse_rule(text: str, first_start: dt.datetime) -> vRecur:
    """The stored RRULE as a vRecur whose UNTIL is in UTC, as RFC 5545 asks when DTSTART has a TZID."""
    body = text.strip()
    if body.upper().startswith("RRULE:"):
        body = body[6:]
    rule: vRecur = vRecur.from_ical(body)
    if "FREQ" not in rule:
        raise ValueError("a rule needs FREQ")
    until = rule.get("UNTIL")
    if until:
        value = until[0]
        if not isinstance(value, dt.datetime):
            value = dt.datetime.combine(value, dt.time(23, 59, 59))
        if value.tzinfo is None:
            value = value.replace(tzinfo=first_start.tzinfo)
        rule["UNTIL"] = [value.astimezone(UTC)]
    return rule


def rule_starts(rule: vRecur, first_start: dt.datetime, horizon: dt.datetime | None) -> Iterator[dt.datetime]:
    """The starts the rule gives, in UTC, up to horizon when the rule itself has no end.

    Expansion runs on wall-clock time in the series' zone (so 10:00 stays 10:00 across a
    DST change), like every calendar program does.
    """
    text = bytes(rule.to_ical()).decode()  # type: ignore[no-untyped-call]
    expanded = rrulestr(text, dtstart=first_start)
    assert isinstance(expanded, rrule)
    bounded = "COUNT" in rule or "UNTIL" in rule
    for i, start in enumerate(expanded):
        if i >= MAX_EXPANSION:
            return
        # A wall-clock time inside a DST gap takes the offset from before the gap (RFC 5545
        # 3.3.5), which is what zoneinfo gives for fold=0.
        start_utc = start.astimezone(UTC)
        if not bounded and horizon is not None and start_utc > horizon:
            return
        yield start_utc


def _same_look(a: SessionItem, b: SessionItem) -> bool:
    return (
        a.title == b.title
        and a.description == b.description
        and a.location == b.location
        and a.online_url == b.online_url
        and a.duration_min == b.duration_min
        and a.skills == b.skills
        and {(p.id, p.role) for p in a.people} == {(p.id, p.role) for p in b.people}
    )


def plan_series(series: SeriesInfo, rows: list[SessionItem]) -> SeriesPlan | None:
    """Lay out a series; None when its rule cannot be read (its rows are then exported one by one)."""
    if not rows:
        return None
    tz: dt.tzinfo = zone(series.timezone) or UTC
    first_start = series.first_start_local.replace(tzinfo=tz)
    try:
        rule = parse_rule(series.rrule, first_start)
        horizon = max(r.rule_start for r in rows)
        starts = list(rule_starts(rule, first_start, horizon))
    except (ValueError, TypeError, KeyError, zoneinfo.ZoneInfoNotFoundError):
        return None
    if not starts:
        return None
    if "COUNT" not in rule and "UNTIL" not in rule:
        # The store holds occurrences up to a horizon: end the rule there, so calendars
        # show exactly the occurrences PeerDesk knows about.
        rule["UNTIL"] = [starts[-1]]
    by_start: dict[dt.datetime, SessionItem] = {}
    strays: list[SessionItem] = []
    wanted = set(starts)
    for row in sorted(rows, key=lambda r: (r.rule_start, r.id)):
        key = row.rule_start
        if key in wanted and key not in by_start:
            by_start[key] = row
        else:
            strays.append(row)
    if not by_start:
        return None
    in_rule = [by_start[s] for s in starts if s in by_start]
    live = [r for r in in_rule if not r.cancelled]
    unmoved = [r for r in live if r.start == r.rule_start]
    master = (unmoved or live or in_rule)[0]
    exdates = tuple(s.astimezone(tz) for s in starts if s not in by_start or by_start[s].cancelled)
    overrides = tuple(r for r in live if r.start != r.rule_start or not _same_look(r, master))
    return SeriesPlan(
        series=series,
        uid=series_uid(in_rule),
        tz=tz,
        first_start=first_start,
        rule=rule,
        master=master,
        sequence=max(r.sequence for r in rows),
        exdates=exdates if live else (),
        overrides=overrides,
        strays=tuple(strays),
        cancelled=not live,
        occurrences=tuple(in_rule),
    )


def series_uid(rows: list[SessionItem]) -> str:
    """The UID every event of a series shares: that of its first occurrence in rule order.

    A session that is made recurring becomes that first occurrence, so calendars that
    already hold it as a single event update it into the series instead of adding one.
    """
    first = min(rows, key=lambda r: (r.rule_start, r.id))
    return first.uid
