"""Building iCalendar objects (RFC 5545, with iTIP methods of RFC 5546) from loaded sessions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from icalendar import Alarm, Calendar, Event, vCalAddress, vText

from peerdesk import __version__
from peerdesk.invites.model import Person, Selection, SessionItem
from peerdesk.invites.series import SeriesPlan, plan_series
from peerdesk.invites.text import clean_line, clean_param, clean_text, safe_uri
from peerdesk.invites.timezones import vtimezone, zone
from peerdesk.store.records import SESSION_KINDS


class Text(vText):
    """A TEXT value escaped exactly as RFC 5545 section 3.3.11 says.

    icalendar's own escaping first turns a typed backslash-N into a line break ("C:\\New folder"
    would arrive on two lines); here a backslash is always a backslash. Line breaks are LF already
    (clean_text)."""

    def to_ical(self) -> bytes:
        escaped = str(self).replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")
        return escaped.encode("utf-8")


UTC = dt.UTC
PRODID = f"-//PeerDesk//PeerDesk {__version__}//EN"
REQUEST, CANCEL = "REQUEST", "CANCEL"


@dataclass(frozen=True)
class Organizer:
    """Who sends the invitations and receives the replies: the coordinator."""

    name: str
    email: str


@dataclass(frozen=True)
class Options:
    """What every calendar of one export shares."""

    organizer: Organizer
    stamp: dt.datetime  # DTSTAMP: when the export ran
    reminder_minutes: int = 15


Entry = SessionItem | SeriesPlan


def entries(selection: Selection) -> list[Entry]:
    """The sessions as calendar entries: single sessions, and series laid out with their rule."""
    out: list[Entry] = []
    by_series: dict[int, list[SessionItem]] = {}
    for s in selection.sessions:
        if s.series_id is not None and s.series_id in selection.series:
            by_series.setdefault(s.series_id, []).append(s)
        else:
            out.append(s)
    for series_id, rows in by_series.items():
        plan = plan_series(selection.series[series_id], rows)
        if plan is None:
            out.extend(rows)
        else:
            out.append(plan)
            out.extend(plan.strays)
    out.sort(key=lambda e: (entry_start(e), entry_id(e)))
    return out


def entry_start(e: Entry) -> dt.datetime:
    return e.first_start.astimezone(UTC) if isinstance(e, SeriesPlan) else e.start


def entry_id(e: Entry) -> int:
    return e.master.id if isinstance(e, SeriesPlan) else e.id


def entry_cancelled(e: Entry) -> bool:
    return e.cancelled


def entry_sessions(e: Entry) -> tuple[SessionItem, ...]:
    return e.occurrences if isinstance(e, SeriesPlan) else (e,)


def entry_people(e: Entry) -> dict[int, Person]:
    """Everyone in the entry (any occurrence of a series), by participant id."""
    people: dict[int, Person] = {}
    for s in entry_sessions(e):
        for p in s.people:
            people.setdefault(p.id, p)
    return people


def split_by_method(items: Iterable[Entry]) -> tuple[list[Entry], list[Entry]]:
    """(invitations, cancellations): a file carries one iTIP method, so they go apart."""
    live: list[Entry] = []
    gone: list[Entry] = []
    for e in items:
        (gone if entry_cancelled(e) else live).append(e)
    return live, gone


def _header(method: str) -> Calendar:
    cal = Calendar()
    cal.add("PRODID", PRODID)
    cal.add("VERSION", "2.0")
    cal.add("CALSCALE", "GREGORIAN")
    cal.add("METHOD", method)
    return cal


def _zones_used(items: Sequence[Entry]) -> list[str]:
    zones: dict[str, None] = {}
    for e in items:
        tzid = _tzid(e.series.timezone if isinstance(e, SeriesPlan) else e.timezone)
        if tzid:
            zones[tzid] = None
    return list(zones)


def entry_events(e: Entry, method: str, options: Options) -> list[Event]:
    """The VEVENTs of one entry: a session's one, or a series' master and overrides."""
    if isinstance(e, SeriesPlan):
        return _series_events(e, method, options)
    return [_session_event(e, method, options)]


def build_calendar(items: Sequence[Entry], method: str, options: Options) -> Calendar:
    """One VCALENDAR with the given method holding these entries and the zones they use."""
    cal = _header(method)
    years = _year_span(items)
    for tzid in _zones_used(items):
        cal.add_component(vtimezone(tzid, *years))
    for e in items:
        for ev in entry_events(e, method, options):
            cal.add_component(ev)
    return cal


class CalendarWriter:
    """Serialises calendars for one export, each entry's events only once.

    The same session goes into the files of all its people and of its program; its
    VEVENT text is the same in each, so it is built and serialised (by icalendar) once
    and spliced. The bytes equal build_calendar(...).to_ical().
    """

    _END = b"END:VCALENDAR\r\n"

    def __init__(self, options: Options) -> None:
        self.options = options
        self._events: dict[tuple[int, str], bytes] = {}
        self._keep: list[Entry] = []  # ids stay valid while the entries live
        self._zones: dict[tuple[str, int, int], bytes] = {}
        self._headers = {m: bytes(_header(m).to_ical())[: -len(self._END)] for m in (REQUEST, CANCEL)}

    def to_ical(self, items: Sequence[Entry], method: str) -> bytes:
        years = _year_span(items)
        parts = [self._headers[method]]
        for tzid in _zones_used(items):
            key = (tzid, *years)
            if key not in self._zones:
                self._zones[key] = bytes(vtimezone(tzid, *years).to_ical())
            parts.append(self._zones[key])
        for e in items:
            ekey = (id(e), method)
            data = self._events.get(ekey)
            if data is None:
                data = b"".join(bytes(ev.to_ical()) for ev in entry_events(e, method, self.options))
                self._events[ekey] = data
                self._keep.append(e)
            parts.append(data)
        parts.append(self._END)
        return b"".join(parts)


def _tzid(name: str) -> str | None:
    return name if zone(name) is not None else None


def _year_span(items: Sequence[Entry]) -> tuple[int, int]:
    """Years the zone definitions must cover: a year either side of every start."""
    years = [entry_start(e).year for e in items]
    for e in items:
        if isinstance(e, SeriesPlan):
            years.extend(s.start.year for s in e.occurrences)
            until = e.rule.get("UNTIL")
            if until:
                years.append(until[0].year)
    if not years:
        return (2000, 2001)
    return min(years) - 1, max(years) + 1


def _local(moment: dt.datetime, tzname: str) -> dt.datetime:
    """The instant as wall time in its zone, or in UTC where wall time cannot say it.

    In the hour repeated when clocks go back, a TZID time means its first pass (RFC 5545
    3.3.5); an instant in the second pass is therefore written in UTC, which is exact.
    """
    tz = zone(tzname)
    if tz is None:
        return moment.astimezone(UTC)
    local = moment.astimezone(tz)
    if local.fold and local.replace(fold=0).utcoffset() != local.utcoffset():
        return moment.astimezone(UTC)
    return local


def _base_event(s: SessionItem, uid: str, sequence: int, method: str, options: Options) -> Event:
    ev = Event()
    ev.add("UID", uid)
    ev.add("DTSTAMP", options.stamp)
    if s.created:
        ev.add("CREATED", s.created)
    if s.modified:
        ev.add("LAST-MODIFIED", s.modified)
    ev.add("SEQUENCE", sequence)
    ev.add("SUMMARY", Text(clean_text(s.title)))
    ev.add("DESCRIPTION", Text(description(s)))
    ev.add("LOCATION", Text(location(s)))
    url = safe_uri(s.online_url)
    if url:
        ev.add("URL", url)
    ev.add("CATEGORIES", [clean_line(SESSION_KINDS.get(s.kind, s.kind)) or "Session"])
    cancelled = method == CANCEL or s.cancelled
    ev.add("STATUS", "CANCELLED" if cancelled else "CONFIRMED")
    ev.add("TRANSP", "TRANSPARENT" if cancelled else "OPAQUE")
    ev.add("ORGANIZER", _organizer(options.organizer))
    past = s.end <= options.stamp
    for p in s.people:
        address = _attendee(p, rsvp=not cancelled and not past)
        if address is not None:
            ev.add("ATTENDEE", address)
    return ev


def _add_times(ev: Event, start: dt.datetime, end: dt.datetime, tzname: str) -> None:
    first, last = _local(start, tzname), _local(end, tzname)
    if (first.tzinfo is UTC) != (last.tzinfo is UTC):
        # One end in the repeated hour: say both in UTC, so no reader mixes the two forms.
        first, last = start.astimezone(UTC), end.astimezone(UTC)
    ev.add("DTSTART", first)
    ev.add("DTEND", last)


def _add_alarm(ev: Event, s: SessionItem, method: str, options: Options) -> None:
    if method == CANCEL or options.reminder_minutes <= 0:
        return
    alarm = Alarm()
    alarm.add("ACTION", "DISPLAY")
    alarm.add("DESCRIPTION", Text(clean_text(s.title)))
    alarm.add("TRIGGER", dt.timedelta(minutes=-options.reminder_minutes))
    ev.add_component(alarm)


def _session_event(s: SessionItem, method: str, options: Options) -> Event:
    ev = _base_event(s, s.uid, s.sequence, method, options)
    _add_times(ev, s.start, s.end, s.timezone)
    _add_alarm(ev, s, method, options)
    return ev


def _series_events(plan: SeriesPlan, method: str, options: Options) -> list[Event]:
    m = plan.master
    tzname = plan.series.timezone
    master = _base_event(m, plan.uid, plan.sequence, method, options)
    master.add("DTSTART", plan.first_start)
    length = dt.timedelta(minutes=m.duration_min)
    end = (plan.first_start.astimezone(UTC) + length).astimezone(plan.tz)
    if end.fold and end.replace(fold=0).utcoffset() != end.utcoffset():
        master.add("DURATION", length)  # the end falls in the repeated hour: say how long instead
    else:
        master.add("DTEND", end)
    master.add("RRULE", plan.rule)
    if plan.exdates and method != CANCEL:
        master.add("EXDATE", list(plan.exdates))
    _add_alarm(master, m, method, options)
    out = [master]
    if method == CANCEL:
        return out
    for o in plan.overrides:
        ev = _base_event(o, plan.uid, plan.sequence, method, options)
        ev.add("RECURRENCE-ID", _local(o.rule_start, tzname))
        _add_times(ev, o.start, o.end, o.timezone)
        _add_alarm(ev, o, method, options)
        out.append(ev)
    return out


def description(s: SessionItem) -> str:
    """The agenda as typed, the session guide of its meeting plan, then what else helps to prepare:
    skills, program, hosts, link."""
    parts = [clean_text(s.description).strip("\n"), clean_text(s.guide).strip("\n")]
    facts: list[str] = []
    if s.skills:
        facts.append("Skills: " + ", ".join(clean_line(k) for k in s.skills))
    if s.program:
        facts.append("Program: " + clean_line(s.program))
    hosts = [clean_line(p.name) for p in s.people if p.role == "host"]
    if hosts:
        facts.append(("Hosts: " if len(hosts) > 1 else "Host: ") + ", ".join(hosts))
    if s.online_url.strip():
        facts.append("Join online: " + clean_line(s.online_url))
    if facts:
        parts.append("\n".join(facts))
    return "\n\n".join(p for p in parts if p)


def location(s: SessionItem) -> str:
    typed = clean_text(s.location)
    if typed.strip():
        return typed
    return "Online" if s.online_url.strip() else ""


def mailto(email: str) -> str | None:
    """A mailto: URI for an address, or None when nothing usable is left of it."""
    address = "".join(clean_line(email).split())
    return f"mailto:{address}" if "@" in address else None


def _organizer(org: Organizer) -> vCalAddress:
    address = vCalAddress(mailto(org.email) or "mailto:coordinator@invalid")
    name = clean_param(org.name)
    if name:
        address.params["CN"] = name
    return address


def _attendee(p: Person, *, rsvp: bool) -> vCalAddress | None:
    uri = mailto(p.email)
    if uri is None:
        return None
    address = vCalAddress(uri)
    name = clean_param(p.name)
    if name:
        address.params["CN"] = name
    address.params["CUTYPE"] = "INDIVIDUAL"
    address.params["ROLE"] = "CHAIR" if p.role == "host" else "REQ-PARTICIPANT"
    address.params["PARTSTAT"] = "ACCEPTED" if p.attended else "NEEDS-ACTION"
    address.params["RSVP"] = "TRUE" if rsvp and not p.attended else "FALSE"
    return address
