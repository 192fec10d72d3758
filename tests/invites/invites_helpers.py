"""Reading exported calendars back, with icalendar and with two independent parsers."""

from __future__ import annotations

import datetime as dt
import io

import icalendar
import recurring_ical_events
import vobject
from ical.calendar_stream import IcsCalendarStream

UTC = dt.UTC


def parse(data: bytes) -> icalendar.Calendar:
    """Parse with icalendar, vobject (strict about UID/DTSTAMP, bare line feeds) and ical; return icalendar's."""
    assert b"\n" not in data.replace(b"\r\n", b""), "bare line feed"
    assert b"\r" not in data.replace(b"\r\n", b""), "bare carriage return"
    for line in data.split(b"\r\n"):
        assert len(line) <= 75, f"unfolded line: {line[:80]!r}"
    cal = icalendar.Calendar.from_ical(data)
    assert not cal.errors
    for comp in cal.walk():
        assert not comp.errors, (comp.name, comp.errors)
    text = data.decode("utf-8")
    vcal = vobject.readOne(io.StringIO(text), validate=True)
    assert vcal.name == "VCALENDAR"
    IcsCalendarStream.calendar_from_ics(text)
    return cal


def vobject_events(data: bytes) -> list:
    return list(vobject.readOne(io.StringIO(data.decode("utf-8"))).vevent_list)


def events(cal: icalendar.Calendar) -> list[icalendar.Event]:
    return list(cal.walk("VEVENT"))


def occurrences(cal: icalendar.Calendar, uid: str | None = None) -> list[tuple[dt.datetime, dt.datetime]]:
    """(start, end) in UTC of every occurrence, recurrences expanded, sorted."""
    out = []
    for ev in recurring_ical_events.of(cal).between(dt.datetime(2000, 1, 1), dt.datetime(2100, 1, 1)):
        if uid is None or str(ev["UID"]) == uid:
            out.append((ev.start.astimezone(UTC), ev.end.astimezone(UTC)))
    return sorted(out)


def structure(cal: icalendar.Calendar) -> list[tuple[str, tuple[str, ...]]]:
    """Each component's name with the sorted names of its properties, in file order."""
    return [(c.name, tuple(sorted(c.keys()))) for c in cal.walk()]
