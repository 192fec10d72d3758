"""VTIMEZONE components that every calendar program reads: yearly rules where the zone has them.

icalendar's own Timezone.from_tzinfo lists each transition as an RDATE. That is valid,
but Outlook only understands one STANDARD and one DAYLIGHT rule per zone, so where a
zone's transitions follow a yearly pattern (the usual case) we write that pattern as an
RRULE, as Outlook, Google and Apple do themselves; irregular transitions stay RDATEs.
"""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from icalendar import Timezone, TimezoneDaylight, TimezoneStandard, vRecur

UTC = dt.UTC
_STEP = dt.timedelta(hours=12)
_WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@lru_cache(maxsize=512)
def zone(tzid: str) -> zoneinfo.ZoneInfo | None:
    """The IANA zone of that name, or None when it is unknown (the export then uses UTC)."""
    if not tzid or tzid.upper() == "UTC":
        return None
    try:
        return zoneinfo.ZoneInfo(tzid)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


@dataclass(frozen=True)
class _Transition:
    at: dt.datetime  # UTC instant of the change
    offset_from: dt.timedelta
    offset_to: dt.timedelta
    name: str
    is_dst: bool

    @property
    def local_start(self) -> dt.datetime:
        """The wall-clock time of the change, in the offset in force before it (RFC 5545)."""
        return (self.at + self.offset_from).replace(tzinfo=None)


def _state(tz: dt.tzinfo, at: dt.datetime) -> tuple[dt.timedelta, bool, str]:
    local = at.astimezone(tz)
    return local.utcoffset() or dt.timedelta(), bool(local.dst()), local.tzname() or ""


def _transitions(tz: dt.tzinfo, start: dt.datetime, end: dt.datetime) -> list[_Transition]:
    found: list[_Transition] = []
    t = start
    state = _state(tz, t)
    while t < end:
        nxt = t + _STEP
        nstate = _state(tz, nxt)
        if nstate != state:
            lo, hi = t, nxt  # the change lies in (lo, hi]
            while hi - lo > dt.timedelta(seconds=1):
                mid = lo + (hi - lo) / 2
                mid = mid.replace(microsecond=0)
                if mid <= lo:
                    break
                if _state(tz, mid) == state:
                    lo = mid
                else:
                    hi = mid
            found.append(_Transition(hi, state[0], nstate[0], nstate[2], nstate[1]))
            state = nstate
        t = nxt
    return found


def _by_day(day: dt.date) -> tuple[str, str] | None:
    """The 'nth weekday' and 'last weekday' forms of a date, e.g. ('2SU', '-1SU')."""
    weekday = _WEEKDAYS[day.weekday()]
    nth = f"{(day.day - 1) // 7 + 1}{weekday}"
    last = f"-1{weekday}" if day.day + 7 > _calendar.monthrange(day.year, day.month)[1] else ""
    return nth, last


def _yearly_rule(starts: list[dt.datetime]) -> dict[str, object] | None:
    """A FREQ=YEARLY rule that produces exactly these local starts, if there is one."""
    if len(starts) < 2:
        return None
    first = starts[0]
    if any(s.year != first.year + i for i, s in enumerate(starts)):
        return None
    if any((s.month, s.time()) != (first.month, first.time()) for s in starts):
        return None
    forms = [_by_day(s.date()) for s in starts]
    for pick in (0, 1):
        day = forms[0][pick] if forms[0] else ""
        if day and all(f and f[pick] == day for f in forms):
            return {"FREQ": "YEARLY", "BYMONTH": first.month, "BYDAY": day}
    if all(s.day == first.day for s in starts):
        return {"FREQ": "YEARLY", "BYMONTH": first.month, "BYMONTHDAY": first.day}
    return None


@lru_cache(maxsize=256)
def vtimezone(tzid: str, first_year: int, last_year: int) -> Timezone:
    """A VTIMEZONE for tzid that is exact from 1 January first_year to the end of last_year.

    Cached: do not modify the returned component; copy it into each calendar with
    `calendar.add_component(vtimezone(...))` (serialising does not change it).
    """
    tz = zone(tzid)
    if tz is None:
        raise ValueError(f"unknown time zone {tzid!r}")
    start = dt.datetime(first_year, 1, 1, tzinfo=UTC) - dt.timedelta(days=1)
    end = dt.datetime(last_year + 1, 1, 1, tzinfo=UTC) + dt.timedelta(days=1)
    changes = _transitions(tz, start, end)
    comp = Timezone()
    comp.add("TZID", tzid)
    initial = _state(tz, start)
    first_change = changes[0].at if changes else None
    # The observance in force when the range opens (or the only one, for zones without changes).
    if first_change is None or first_change > start + dt.timedelta(days=1):
        comp.add_component(
            _observance(
                initial[1],
                initial[0],
                initial[0],
                initial[2],
                dt.datetime(first_year, 1, 1),
            )
        )
    groups: dict[tuple[dt.timedelta, dt.timedelta, str, bool], list[_Transition]] = defaultdict(list)
    for ch in changes:
        groups[(ch.offset_from, ch.offset_to, ch.name, ch.is_dst)].append(ch)
    for (offset_from, offset_to, name, is_dst), items in groups.items():
        starts = [c.local_start for c in items]
        sub = _observance(is_dst, offset_from, offset_to, name, starts[0])
        rule = _yearly_rule(starts)
        if rule is not None:
            if items[-1].at.year < last_year:
                # The pattern stopped inside the range (the zone changed its rules).
                rule["UNTIL"] = items[-1].at
            sub.add("RRULE", vRecur(rule))
        elif len(starts) > 1:
            for s in starts[1:]:
                sub.add("RDATE", s)
        comp.add_component(sub)
    return comp


def _observance(
    is_dst: bool, offset_from: dt.timedelta, offset_to: dt.timedelta, name: str, start: dt.datetime
) -> TimezoneStandard | TimezoneDaylight:
    sub = TimezoneDaylight() if is_dst else TimezoneStandard()
    sub.add("DTSTART", start)
    sub.add("TZOFFSETFROM", offset_from)
    sub.add("TZOFFSETTO", offset_to)
    if name:
        sub.add("TZNAME", name)
    return sub
