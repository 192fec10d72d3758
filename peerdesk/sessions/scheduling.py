"""The scheduling assistant: earliest times when everyone is available and free.

Each person's weekly windows are in their own zone. Over the search range they are turned
into exact UTC intervals (the range is cut where the person's UTC offset changes, so a DST
change moves nothing and a repeated or skipped hour is handled minute for minute), their
other sessions are taken out, and the people's free time is intersected. A proposal is the
earliest start, on the step grid, of each common free stretch long enough for the meeting.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

from peerdesk import clock
from peerdesk.jobs import CancelCheck, Cancelled, Progress
from peerdesk.store.db import Database
from peerdesk.store.programs import stored_meeting_minutes
from peerdesk.store.records import PairingId, ParticipantId, ProgramId, Window
from peerdesk.store.sessions import (
    Session,
    busy_intervals,
    create_session,
    members_of_pairing,
)
from peerdesk.store.workspace import bulk

Interval = tuple[dt.datetime, dt.datetime]
EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_PROBE = dt.timedelta(hours=6)


@dataclass(frozen=True)
class PersonCalendar:
    """What the assistant knows of one person: their zone, weekly windows and busy times."""

    participant_id: int
    name: str
    timezone: str
    windows: tuple[Window, ...]
    busy: tuple[Interval, ...] = ()


@dataclass(frozen=True)
class Slot:
    start_utc: dt.datetime
    end_utc: dt.datetime


@dataclass(frozen=True)
class SlotSearch:
    """Proposals in time order; when there are none, who is the bottleneck and why."""

    slots: tuple[Slot, ...]
    bottleneck: tuple[int, ...] = ()
    message: str = ""


def _offset(tz: zoneinfo.ZoneInfo, t: dt.datetime) -> dt.timedelta:
    off = t.astimezone(tz).utcoffset()
    assert off is not None
    return off


@lru_cache(maxsize=512)
def offset_segments(
    timezone: str, start: dt.datetime, end: dt.datetime
) -> tuple[tuple[dt.datetime, dt.datetime, dt.timedelta], ...]:
    """Cut [start, end) where the zone's UTC offset changes; each piece has one offset (cached)."""
    tz = zoneinfo.ZoneInfo(timezone)
    segments = []
    seg_start = start
    current = _offset(tz, start)
    probe = start
    while probe < end:
        nxt = min(probe + _PROBE, end)
        if _offset(tz, nxt) == current:
            probe = nxt
            continue
        # offset(lo) == current != offset(hi): bisect to the second of the change
        lo, hi = int(probe.timestamp()), int(nxt.timestamp())
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if _offset(tz, dt.datetime.fromtimestamp(mid, dt.UTC)) == current:
                lo = mid
            else:
                hi = mid
        change = dt.datetime.fromtimestamp(hi, dt.UTC)
        segments.append((seg_start, change, current))
        seg_start, current, probe = change, _offset(tz, change), change
    segments.append((seg_start, end, current))
    return tuple(s for s in segments if s[0] < s[1])


def merge(intervals: list[Interval]) -> list[Interval]:
    """Sort and merge intervals that overlap or touch."""
    out: list[Interval] = []
    for a, b in sorted(intervals):
        if a >= b:
            continue
        if out and a <= out[-1][1]:
            if b > out[-1][1]:
                out[-1] = (out[-1][0], b)
        else:
            out.append((a, b))
    return out


def available(person: PersonCalendar, start: dt.datetime, end: dt.datetime) -> list[Interval]:
    """The UTC intervals inside [start, end) where the person's local wall time is in a window."""
    by_day: dict[int, list[Window]] = {}
    for w in person.windows:
        by_day.setdefault(w.weekday, []).append(w)
    found: list[Interval] = []
    for seg_start, seg_end, off in offset_segments(person.timezone, start, end):
        wall_lo = (seg_start + off).replace(tzinfo=None)
        wall_hi = (seg_end + off).replace(tzinfo=None)
        day = wall_lo.date()
        while day <= wall_hi.date():
            midnight = dt.datetime.combine(day, dt.time())
            for w in by_day.get(day.weekday(), ()):
                a = max(midnight + dt.timedelta(minutes=w.start_min), wall_lo)
                b = min(midnight + dt.timedelta(minutes=w.end_min), wall_hi)
                if a < b:
                    found.append(((a - off).replace(tzinfo=dt.UTC), (b - off).replace(tzinfo=dt.UTC)))
            day += dt.timedelta(days=1)
    return merge(found)


def subtract(free: list[Interval], busy: Sequence[Interval]) -> list[Interval]:
    """free minus busy (both lists of intervals; free merged and sorted)."""
    out: list[Interval] = []
    blocks = merge(list(busy))
    for a, b in free:
        cur = a
        for ba, bb in blocks:
            if bb <= cur or ba >= b:
                continue
            if ba > cur:
                out.append((cur, ba))
            cur = max(cur, bb)
            if cur >= b:
                break
        if cur < b:
            out.append((cur, b))
    return out


def intersect(a: list[Interval], b: list[Interval]) -> list[Interval]:
    out: list[Interval] = []
    i = j = 0
    while i < len(a) and j < len(b):
        lo = max(a[i][0], b[j][0])
        hi = min(a[i][1], b[j][1])
        if lo < hi:
            out.append((lo, hi))
        if a[i][1] < b[j][1]:
            i += 1
        else:
            j += 1
    return out


def free_time(person: PersonCalendar, start: dt.datetime, end: dt.datetime) -> list[Interval]:
    return subtract(available(person, start, end), person.busy)


def ceil_to_step(t: dt.datetime, step_min: int) -> dt.datetime:
    """The first instant >= t on the grid of step_min minutes counted from the Unix epoch (UTC)."""
    step = dt.timedelta(minutes=step_min)
    k = -((EPOCH - t) // step)  # ceil((t - EPOCH) / step)
    return EPOCH + k * step


def _earliest(free_lists: Sequence[list[Interval]], duration_min: int, step_min: int, count: int) -> list[Slot]:
    """The earliest grid start of each common free stretch that fits, given each person's free time."""
    if not free_lists:
        return []
    common = free_lists[0]
    for free in free_lists[1:]:
        if not common:
            break
        common = intersect(common, free)
    need = dt.timedelta(minutes=duration_min)
    slots: list[Slot] = []
    for a, b in merge(common):
        first = ceil_to_step(a, step_min)
        if first + need <= b:
            slots.append(Slot(first, first + need))
            if len(slots) >= count:
                break
    return slots


def common_slots(
    people: Sequence[PersonCalendar],
    duration_min: int,
    start: dt.datetime,
    end: dt.datetime,
    *,
    step_min: int = 15,
    count: int = 5,
) -> list[Slot]:
    """The earliest grid start in each common free stretch that fits the meeting, within [start, end)."""
    return _earliest([free_time(p, start, end) for p in people], duration_min, step_min, count)


def _minutes(intervals: list[Interval]) -> int:
    return int(sum((b - a).total_seconds() for a, b in intervals) // 60)


def find_slots(
    people: Sequence[PersonCalendar],
    duration_min: int,
    start: dt.datetime,
    end: dt.datetime,
    *,
    step_min: int = 15,
    count: int = 5,
    display_tz: str = "UTC",
    span: str | None = None,
) -> SlotSearch:
    """Proposals for a meeting of everyone; with none, name the bottleneck person or people.

    `span` names the search range in messages ("the next 4 weeks" unless given).
    """
    start = ceil_to_step(start, step_min)
    free = [free_time(p, start, end) for p in people]
    slots = _earliest(free, duration_min, step_min, count)
    if slots:
        return SlotSearch(tuple(slots))
    if not people:
        return SlotSearch((), (), "Add attendees first.")
    if span is None:
        weeks = max(1, round((end - start).total_seconds() / (7 * 86400)))
        span = f"the next {weeks} week{'s' if weeks != 1 else ''}"
    empty = [p for p in people if not p.windows]
    if empty:
        names = ", ".join(p.name for p in empty)
        verb = "has" if len(empty) == 1 else "have"
        return SlotSearch((), tuple(p.participant_id for p in empty), f"{names} {verb} no weekly availability set.")
    if len(people) == 1:
        p = people[0]
        return SlotSearch(
            (),
            (p.participant_id,),
            f"{p.name} has no free {duration_min} minutes within their availability in {span}.",
        )
    if len(people) == 2:
        # "without one of them the other could meet" says nothing about a pair: say what they lack.
        a, b = people
        return SlotSearch(
            (),
            (a.participant_id, b.participant_id),
            f"{a.name} and {b.name} share no free {length_words(duration_min)} in {span}"
            f"{_pair_cause(a, b, duration_min, start, end)}.",
        )
    blockers: list[tuple[PersonCalendar, Slot]] = []
    for i, p in enumerate(people):
        found = _earliest([f for j, f in enumerate(free) if j != i], duration_min, step_min, 1)
        if found:
            blockers.append((p, found[0]))
    if blockers:
        tz = zoneinfo.ZoneInfo(display_tz)
        p, alt = blockers[0]
        when = alt.start_utc.astimezone(tz).strftime("%a %d %b %H:%M")
        if len(blockers) == 1:
            text = (
                f"No time in {span} suits everyone. {p.name} is the bottleneck: "
                f"without them the others could meet on {when}."
            )
        else:
            names = ", ".join(b[0].name for b in blockers)
            text = (
                f"No time in {span} suits everyone. Bottleneck: any one of {names}; "
                f"without {p.name} the others could meet on {when}."
            )
        return SlotSearch((), tuple(b[0].participant_id for b in blockers), text)
    removed = _fewest_to_leave_out(free, duration_min, step_min)
    if removed:
        gone, alt = removed
        tz = zoneinfo.ZoneInfo(display_tz)
        when = alt.start_utc.astimezone(tz).strftime("%a %d %b %H:%M")
        names = _and([people[i].name for i in gone])
        rest = len(people) - len(gone)
        return SlotSearch(
            (),
            tuple(people[i].participant_id for i in gone),
            f"No time in {span} suits everyone, and leaving out any one person does not help. "
            f"The bottleneck is {names}: without them the other {rest} could meet on {when}.",
        )
    least_index = min(range(len(people)), key=lambda i: _minutes(free[i]))
    least = people[least_index]
    hours = _minutes(free[least_index]) / 60
    return SlotSearch(
        (),
        (least.participant_id,),
        f"No time in {span} suits any two of them. {least.name} has the least free time ({hours:.1f} h).",
    )


def length_words(minutes: int, *, article: bool = False) -> str:
    """A meeting length in words: "hour" (or "an hour"), "90 minutes", "2 hours"."""
    if minutes == 60:
        return "an hour" if article else "hour"
    if minutes % 60 == 0:
        return f"{minutes // 60} hours"
    return f"{minutes} minutes"


def _pair_cause(a: PersonCalendar, b: PersonCalendar, duration_min: int, start: dt.datetime, end: dt.datetime) -> str:
    """Why two people with weekly hours still cannot meet: no overlap, too short, or booked."""
    common = intersect(available(a, start, end), available(b, start, end))
    if not common:
        return " (their weekly hours do not overlap)"
    need = dt.timedelta(minutes=duration_min)
    if not any(hi - lo >= need for lo, hi in common):
        return f" (their common hours come in stretches shorter than {length_words(duration_min, article=True)})"
    return " (their common hours are taken by other sessions)"


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _fewest_to_leave_out(free: list[list[Interval]], duration_min: int, step_min: int) -> tuple[list[int], Slot] | None:
    """Greedily leave out the person whose absence leaves the most common free time, until the rest can meet.

    Returns who was left out (at least two people, in order) and the first slot of the others;
    None when not even two people share a slot. Prefix/suffix intersections keep each round linear.
    """
    remaining = list(range(len(free)))
    # how much each person's free time overlaps everyone else's: ties go to the most isolated
    overlap = [sum(_minutes(intersect(free[i], free[j])) for j in range(len(free)) if j != i) for i in range(len(free))]
    gone: list[int] = []
    while len(remaining) > 2:
        lists = [free[i] for i in remaining]
        prefix: list[list[Interval] | None] = [None]
        for f in lists:
            prev = prefix[-1]
            prefix.append(f if prev is None else intersect(prev, f))
        suffix: list[list[Interval] | None] = [None]
        for f in reversed(lists):
            prev = suffix[-1]
            suffix.append(f if prev is None else intersect(prev, f))
        suffix.reverse()
        scores = []
        for k in range(len(remaining)):
            before, after = prefix[k], suffix[k + 1]
            common = before if after is None else after if before is None else intersect(before, after)
            scores.append((_minutes(common or []), -overlap[remaining[k]], -k))
        best = max(range(len(remaining)), key=lambda k: scores[k])
        gone.append(remaining.pop(best))
        found = _earliest([free[i] for i in remaining], duration_min, step_min, 1)
        if found:
            return gone, found[0]
    return None


# --- against the store -------------------------------------------------------------------


def load_calendars(
    db: Database,
    participant_ids: Sequence[int],
    start: dt.datetime,
    end: dt.datetime,
    *,
    exclude_sessions: Sequence[int] = (),
) -> list[PersonCalendar]:
    """Each person's zone, windows and busy times over [start, end), in the order given."""
    ids = list(dict.fromkeys(participant_ids))
    if not ids:
        return []
    marks = ",".join("?" * len(ids))
    info = {
        r[0]: (r[1], r[2])
        for r in db.execute(f"SELECT id, name, timezone FROM participants WHERE id IN ({marks})", ids)
    }
    windows: dict[int, list[Window]] = {}
    for pid, day, a, b in db.execute(
        f"SELECT participant_id, weekday, start_min, end_min FROM availability WHERE participant_id IN ({marks})", ids
    ):
        windows.setdefault(pid, []).append(Window(day, a, b))
    busy = busy_intervals(db, ids, start, end, exclude=exclude_sessions)
    return [
        PersonCalendar(
            pid,
            info[pid][0],
            info[pid][1],
            tuple(sorted(windows.get(pid, ()))),
            tuple((b, e) for b, e, _sid, _t in busy.get(ParticipantId(pid), [])),
        )
        for pid in ids
        if pid in info
    ]


def suggest_slots(
    db: Database,
    participant_ids: Sequence[int],
    duration_min: int,
    *,
    weeks: int = 4,
    start: dt.datetime | None = None,
    step_min: int = 15,
    count: int = 5,
    exclude_session_id: int | None = None,
    display_tz: str = "UTC",
    pairing_id: int | None = None,
) -> SlotSearch:
    """The next good slots for these people within `weeks` weeks from now (or from `start`).

    A pairing's meeting, like its first one, is never before the pairing's start date in any
    member's zone: the search then runs for `weeks` weeks from that day.
    """
    begin = max(start or clock.now(), clock.now())
    starts_on = pairing_start(db, pairing_id) if pairing_id is not None else None
    lo, hi = (
        (begin, begin + dt.timedelta(weeks=weeks)) if starts_on is None else _calendar_range(starts_on, weeks, begin)
    )
    exclude = [exclude_session_id] if exclude_session_id else []
    people = load_calendars(db, participant_ids, lo, hi, exclude_sessions=exclude)
    if starts_on is None:
        return find_slots(people, duration_min, lo, hi, step_min=step_min, count=count, display_tz=display_tz)
    begin, end = search_window(starts_on, people, weeks, begin)
    return find_slots(
        people,
        duration_min,
        begin,
        end,
        step_min=step_min,
        count=count,
        display_tz=display_tz,
        span=_span(starts_on, weeks),
    )


def pairing_start(db: Database, pairing_id: int) -> dt.date | None:
    """The day a pairing starts (None: no such pairing)."""
    row = db.execute("SELECT started_on FROM pairings WHERE id = ?", (pairing_id,)).fetchone()
    return None if row is None or not row[0] else dt.date.fromisoformat(str(row[0])[:10])


@dataclass(frozen=True)
class FirstMeeting:
    """The outcome for one pairing: the session made, or why none could be."""

    pairing_id: int
    names: str
    session: Session | None
    message: str


@dataclass(frozen=True)
class Unscheduled:
    """An active pairing with no session yet, and what its first meeting needs."""

    pairing_id: int
    kind: str
    program_id: int | None
    started_on: dt.date
    duration_min: int  # the program's meeting length


def pairings_without_sessions(
    db: Database, program_id: int | None = None, *, round_id: int | None = None
) -> list[Unscheduled]:
    """Active pairings (of a program, or of a round) that have no session at all, with their
    start and their program's meeting length."""
    where, params = "", list[int]()
    if program_id is not None:
        where, params = where + " AND pg.program_id = ?", [*params, program_id]
    if round_id is not None:
        where, params = where + " AND pg.round_id = ?", [*params, round_id]
    out = []
    for pid, kind, prog, started, config in db.execute(
        "SELECT pg.id, pg.kind, pg.program_id, pg.started_on, pr.config FROM pairings pg "
        "LEFT JOIN programs pr ON pr.id = pg.program_id WHERE pg.status = 'active' "
        f"AND NOT EXISTS (SELECT 1 FROM sessions s WHERE s.pairing_id = pg.id) {where} ORDER BY pg.id",
        params,
    ):
        out.append(Unscheduled(pid, kind, prog, dt.date.fromisoformat(started[:10]), stored_meeting_minutes(config)))
    return out


def day_begins(day: dt.date, zones: Iterable[str]) -> dt.datetime:
    """The first instant (UTC) at which `day` has begun for everyone in these zones."""
    moments = []
    for zone in zones:
        try:
            tz: dt.tzinfo = zoneinfo.ZoneInfo(zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            tz = dt.UTC
        moments.append(dt.datetime.combine(day, dt.time(), tzinfo=tz).astimezone(dt.UTC))
    return max(moments, default=dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC))


def _span(starts_on: dt.date, weeks: int) -> str | None:
    """How messages name a search range that starts after today ("the 4 weeks from Mon 07 Dec")."""
    if starts_on <= clock.today():
        return None
    return f"the {weeks} week{'s' if weeks != 1 else ''} from {starts_on.strftime('%a %d %b')}"


class _Planner:
    """Finds meetings one group after another; each sees the times given to the groups before it."""

    def __init__(self, weeks: int, display_tz: str) -> None:
        self.weeks = weeks
        self.display_tz = display_tz
        self.planned: dict[int, list[Interval]] = {}

    def plan(self, people: Sequence[PersonCalendar], duration_min: int, starts_on: dt.date) -> SlotSearch:
        begin, end = search_window(starts_on, people, self.weeks)
        people = [replace(p, busy=p.busy + tuple(self.planned.get(p.participant_id, ()))) for p in people]
        search = find_slots(
            people,
            duration_min,
            begin,
            end,
            display_tz=self.display_tz,
            span=_span(starts_on, self.weeks),
        )
        if search.slots:
            slot = search.slots[0]
            for p in people:
                self.planned.setdefault(p.participant_id, []).append((slot.start_utc, slot.end_utc))
        return search


def search_window(
    starts_on: dt.date, people: Sequence[PersonCalendar], weeks: int, earliest: dt.datetime | None = None
) -> tuple[dt.datetime, dt.datetime]:
    """From now (or `earliest`) or the start date, whichever is later in every member's zone, for `weeks` weeks."""
    begin = max(earliest or clock.now(), day_begins(starts_on, [p.timezone for p in people]))
    return begin, begin + dt.timedelta(weeks=weeks)


def _calendar_range(
    starts_on: dt.date, weeks: int, earliest: dt.datetime | None = None
) -> tuple[dt.datetime, dt.datetime]:
    """A UTC range that holds the search window of a start date in any zone (busy times are read over it)."""
    day = dt.datetime.combine(starts_on, dt.time(), tzinfo=dt.UTC) - dt.timedelta(hours=14)
    begin = max(earliest or clock.now(), day)
    return begin, begin + dt.timedelta(weeks=weeks, days=2)


def plan_first_meetings(
    db: Database,
    *,
    weeks: int = 4,
    duration_min: int | None = None,
    program_id: int | None = None,
    round_id: int | None = None,
    display_tz: str = "UTC",
    progress: Progress | None = None,
    cancelled: CancelCheck | None = None,
) -> list[FirstMeeting]:
    """Work out (without writing) the first meeting of every active pairing that has none yet.

    A meeting lasts the program's meeting length (or `duration_min`) and is never before the
    pairing's start date, in any member's zone. Reads only, so it can run on a worker thread
    with its own connection. Each proposal sees the ones planned before it, so nobody is
    double-booked. Raises Cancelled when asked to stop.
    """
    todo = pairings_without_sessions(db, program_id, round_id=round_id)
    planner = _Planner(weeks, display_tz)
    results: list[FirstMeeting] = []
    for n, item in enumerate(todo):
        if cancelled is not None and cancelled():
            raise Cancelled("Scheduling was stopped; nothing was booked.")
        members = members_of_pairing(db, item.pairing_id)
        people = load_calendars(db, members, *_calendar_range(item.started_on, weeks))
        names = " & ".join(p.name for p in people) if len(people) <= 2 else ", ".join(p.name for p in people)
        length = duration_min or item.duration_min
        search = planner.plan(people, length, item.started_on)
        if not search.slots or not people:
            results.append(FirstMeeting(item.pairing_id, names, None, search.message or "The pairing has no members."))
        else:
            circle = item.kind == "circle"
            slot = search.slots[0]
            session = Session(
                title=f"{'Learning circle' if circle else 'First meeting'}: {names}",
                kind="coaching_circle" if circle else "pair_meeting",
                start_utc=slot.start_utc,
                timezone=people[0].timezone,
                duration_min=length,
                program_id=None if item.program_id is None else ProgramId(item.program_id),
                pairing_id=PairingId(item.pairing_id),
                hosts=(members[0],) if circle else (),
                attendees=tuple(members[1:] if circle else members),
            )
            results.append(FirstMeeting(item.pairing_id, names, session, ""))
        if progress is not None:
            progress(n + 1, len(todo))
    return results


def first_meeting_problems(
    db: Database,
    groups: Sequence[Sequence[int]],
    starts_on: dt.date,
    duration_min: int,
    *,
    weeks: int = 4,
    display_tz: str = "UTC",
) -> list[str]:
    """For groups not yet recorded (a proposal), why each one's first meeting could not be booked ("" if it could).

    The same search as plan_first_meetings, over everyone's stated hours and booked sessions,
    one group after another so that a mentor's few hours are not promised twice.
    """
    ids = sorted({i for g in groups for i in g})
    calendars = {p.participant_id: p for p in load_calendars(db, ids, *_calendar_range(starts_on, weeks))}
    planner = _Planner(weeks, display_tz)
    out = []
    for g in groups:
        people = [calendars[i] for i in g if i in calendars]
        search = planner.plan(people, duration_min, starts_on)
        out.append("" if search.slots else search.message)
    return out


@bulk("scheduling first meetings")
def book_first_meetings(db: Database, plan: Sequence[FirstMeeting]) -> list[FirstMeeting]:
    """Write a plan in one transaction; a pairing that got a session meanwhile is skipped."""
    booked: list[FirstMeeting] = []
    with db.atomic():
        for item in plan:
            if item.session is None:
                booked.append(item)
                continue
            if db.execute("SELECT 1 FROM sessions WHERE pairing_id = ? LIMIT 1", (item.pairing_id,)).fetchone():
                booked.append(replace(item, session=None, message="It got a session in the meantime."))
                continue
            booked.append(replace(item, session=create_session(db, item.session)))
    return booked


def schedule_first_meetings(
    db: Database,
    *,
    weeks: int = 4,
    duration_min: int | None = None,
    program_id: int | None = None,
    display_tz: str = "UTC",
    progress: Progress | None = None,
) -> list[FirstMeeting]:
    """Plan and book the first meeting of every active pairing that has none yet, in one transaction."""
    plan = plan_first_meetings(
        db, weeks=weeks, duration_min=duration_min, program_id=program_id, display_tz=display_tz, progress=progress
    )
    return book_first_meetings(db, plan)
