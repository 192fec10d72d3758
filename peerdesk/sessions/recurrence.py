"""Recurring sessions: RFC 5545 rules, their expansion in local wall time, and series in the store.

A series row keeps the RRULE text (e.g. "FREQ=WEEKLY;INTERVAL=2;COUNT=10"), the IANA zone
and the first start in local wall time. The rule is expanded over local wall time with
dateutil, and each local start is converted to UTC with zoneinfo, so a 10:00 Berlin meeting
stays at 10:00 Berlin across daylight-saving changes. Every occurrence is its own sessions
row with series_id and original_start_utc (its RECURRENCE-ID); moving or cancelling one
occurrence touches that row only.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from dataclasses import dataclass, replace

from dateutil import rrule as du

from peerdesk.store import series
from peerdesk.store.db import Database
from peerdesk.store.errors import ValidationError
from peerdesk.store.series import get_series
from peerdesk.store.sessions import (
    SeriesId,
    Session,
    create_session,
    get_session,
    update_session,
    validate_session,
)

FREQUENCIES = ("weekly", "monthly_weekday", "monthly_date")
MAX_OCCURRENCES = 520
DEFAULT_HORIZON_DAYS = 366
_RRULE_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth", -1: "last"}


@dataclass(frozen=True)
class Recurrence:
    """How a session repeats: weekly every `interval` weeks, or monthly on a weekday or a date.

    Exactly one of `count` (N times, the first included) and `until` (last local date) ends it.
    """

    freq: str = "weekly"
    interval: int = 1
    count: int | None = None
    until: dt.date | None = None

    def validate(self) -> Recurrence:
        if self.freq not in FREQUENCIES:
            raise ValidationError(f"Unknown repetition '{self.freq}'.", "recurrence")
        if not 1 <= self.interval <= 52:
            raise ValidationError("Repeat every 1 to 52 weeks or months.", "recurrence")
        if (self.count is None) == (self.until is None):
            raise ValidationError("End the repetition either after N times or on a date.", "recurrence")
        if self.count is not None and not 2 <= self.count <= MAX_OCCURRENCES:
            raise ValidationError(f"Repeat 2 to {MAX_OCCURRENCES} times.", "recurrence")
        return self

    def describe(self, first_local: dt.datetime) -> str:
        """'Every 2 weeks on Tuesday, 10 times' — for people."""
        unit = "week" if self.freq == "weekly" else "month"
        every = f"Every {unit}" if self.interval == 1 else f"Every {self.interval} {unit}s"
        if self.freq == "weekly":
            on = f"on {first_local.strftime('%A')}"
        elif self.freq == "monthly_weekday":
            n = _nth_weekday(first_local.date())
            on = f"on the {_ORDINALS[n]} {first_local.strftime('%A')}"
        else:
            on = f"on day {first_local.day}"
        end = f"{self.count} times" if self.count else f"until {self.until.isoformat() if self.until else ''}"
        return f"{every} {on}, {end}"


def _nth_weekday(day: dt.date) -> int:
    """1-4 for the nth weekday of its month, -1 when it is the fifth (i.e. the last)."""
    n = (day.day - 1) // 7 + 1
    return -1 if n == 5 else n


def _until_utc_text(until: dt.date, tz: zoneinfo.ZoneInfo) -> str:
    """RFC 5545: with a TZID start, UNTIL is in UTC; the end of the local day."""
    end_local = dt.datetime.combine(until, dt.time(23, 59, 59), tz)
    return end_local.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def to_rrule(rec: Recurrence, first_local: dt.datetime, timezone: str) -> str:
    """The RFC 5545 RRULE value (without the 'RRULE:' prefix) for a rule starting at first_local."""
    rec.validate()
    tz = zoneinfo.ZoneInfo(timezone)
    parts = ["FREQ=WEEKLY" if rec.freq == "weekly" else "FREQ=MONTHLY"]
    if rec.interval != 1:
        parts.append(f"INTERVAL={rec.interval}")
    if rec.freq == "weekly":
        parts.append(f"BYDAY={_RRULE_DAYS[first_local.weekday()]}")
    elif rec.freq == "monthly_weekday":
        parts.append(f"BYDAY={_nth_weekday(first_local.date())}{_RRULE_DAYS[first_local.weekday()]}")
    else:
        parts.append(f"BYMONTHDAY={first_local.day}")
    if rec.count is not None:
        parts.append(f"COUNT={rec.count}")
    elif rec.until is not None:
        parts.append(f"UNTIL={_until_utc_text(rec.until, tz)}")
    return ";".join(parts)


def _parse_parts(text: str) -> dict[str, str]:
    body = text.strip()
    if body.upper().startswith("RRULE:"):
        body = body[6:]
    parts: dict[str, str] = {}
    for item in body.split(";"):
        if not item.strip():
            continue
        key, sep, value = item.partition("=")
        if not sep:
            raise ValidationError(f"'{item}' is not a rule part like FREQ=WEEKLY.", "recurrence")
        parts[key.strip().upper()] = value.strip().upper()
    return parts


def _parse_until(value: str, tz: zoneinfo.ZoneInfo) -> dt.datetime:
    """UNTIL as local wall time (naive), from its UTC or floating or date form."""
    if re.fullmatch(r"\d{8}", value):
        return dt.datetime.combine(dt.date(int(value[:4]), int(value[4:6]), int(value[6:])), dt.time(23, 59, 59))
    m = re.fullmatch(r"(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(Z?)", value)
    if not m:
        raise ValidationError(f"UNTIL={value} is not a date-time.", "recurrence")
    year, month, day, hour, minute, second = (int(g) for g in m.groups()[:6])
    moment = dt.datetime(year, month, day, hour, minute, second)
    if m[7]:
        return moment.replace(tzinfo=dt.UTC).astimezone(tz).replace(tzinfo=None)
    return moment


def from_rrule(text: str, first_local: dt.datetime, timezone: str) -> Recurrence:
    """Read back a rule this module wrote (for editing); raises ValidationError on other forms."""
    parts = _parse_parts(text)
    interval = int(parts.get("INTERVAL", "1"))
    if parts.get("FREQ") == "WEEKLY":
        freq = "weekly"
    elif parts.get("FREQ") == "MONTHLY":
        freq = "monthly_date" if "BYMONTHDAY" in parts else "monthly_weekday"
    else:
        raise ValidationError(f"Repetition {parts.get('FREQ')} is not supported.", "recurrence")
    count = int(parts["COUNT"]) if "COUNT" in parts else None
    until = _parse_until(parts["UNTIL"], zoneinfo.ZoneInfo(timezone)).date() if "UNTIL" in parts else None
    return Recurrence(freq, interval, count, until)


def expand_local(
    text: str, first_local: dt.datetime, timezone: str, *, limit: int = MAX_OCCURRENCES
) -> list[dt.datetime]:
    """The local wall-clock starts (naive) of a rule, first_local included, at most `limit`."""
    tz = zoneinfo.ZoneInfo(timezone)
    parts = _parse_parts(text)
    until = _parse_until(parts.pop("UNTIL"), tz) if "UNTIL" in parts else None
    if until is None and "COUNT" not in parts:
        until = first_local + dt.timedelta(days=DEFAULT_HORIZON_DAYS)
    body = ";".join(f"{k}={v}" for k, v in parts.items())
    try:
        rule = du.rrulestr(body, dtstart=first_local.replace(tzinfo=None))
    except (ValueError, TypeError) as exc:
        raise ValidationError(f"The repetition rule is not valid ({exc}).", "recurrence") from exc
    assert isinstance(rule, du.rrule)
    if until is not None:
        rule = rule.replace(until=until)
    out: list[dt.datetime] = []
    for start in rule:
        out.append(start)
        if len(out) >= limit:
            break
    return out


def local_to_utc(local: dt.datetime, timezone: str) -> dt.datetime:
    """Local wall time -> UTC. A time skipped by a DST gap uses the offset before the gap (RFC 5545)."""
    return local.replace(tzinfo=zoneinfo.ZoneInfo(timezone), fold=0).astimezone(dt.UTC)


def expand_utc(
    text: str, first_local: dt.datetime, timezone: str, *, limit: int = MAX_OCCURRENCES
) -> list[dt.datetime]:
    """The UTC starts of a rule (see expand_local)."""
    return [local_to_utc(t, timezone) for t in expand_local(text, first_local, timezone, limit=limit)]


# --- series in the store ---------------------------------------------------------------


def _copy_to(db: Database, template: Session, starts: list[dt.datetime], series_id: SeriesId) -> list[Session]:
    made = []
    for start in starts:
        made.append(
            create_session(
                db,
                replace(
                    template,
                    id=None,
                    uid="",
                    sequence=0,
                    status="planned",
                    start_utc=start,
                    original_start_utc=start,
                    series_id=series_id,
                ),
            )
        )
    return made


def _at_least_two(starts: list[dt.datetime]) -> list[dt.datetime]:
    if len(starts) < 2:
        raise ValidationError("The repetition ends before a second occurrence; choose a later end date.", "recurrence")
    return starts


def create_series(db: Database, template: Session, rec: Recurrence) -> list[Session]:
    """Create a recurring session: the series row and one sessions row per occurrence."""
    template = validate_session(template)
    first_local = template.local_start
    text = to_rrule(rec, first_local, template.timezone)
    starts = _at_least_two(expand_utc(text, first_local, template.timezone))
    with db.atomic():
        sid = series.insert_series(db, text, template.timezone, first_local)
        return _copy_to(db, template, starts, sid)


def make_recurring(db: Database, session_id: int, rec: Recurrence) -> list[Session]:
    """Turn a single session into the first occurrence of a new series; return all occurrences."""
    first = get_session(db, session_id)
    if first.series_id is not None:
        raise ValidationError("This session already repeats.", "recurrence")
    first_local = first.local_start
    text = to_rrule(rec, first_local, first.timezone)
    starts = _at_least_two(expand_utc(text, first_local, first.timezone))
    with db.atomic():
        sid = series.insert_series(db, text, first.timezone, first_local)
        assert first.id is not None
        series.place_in_series(db, first.id, sid, first.start_utc)
        rest = _copy_to(db, replace(first, series_id=sid), starts[1:], sid)
    return [get_session(db, session_id), *rest]


def occurrences(db: Database, series_id: int) -> list[Session]:
    """Every occurrence of a series, in rule order."""
    return [get_session(db, i) for i in series.occurrence_ids(db, series_id)]


def edit_following(db: Database, session_id: int, edited: Session, rec: Recurrence | None = None) -> list[Session]:
    """'This and following': split the series at this occurrence and apply `edited` to the new part.

    Earlier occurrences keep the old rule (now ending before this one); this and later ones
    form a new series starting at edited's local start with rule `rec` (default: the old
    rule's shape with the remaining count). Held occurrences later than this one are kept
    as they were. Occurrences that carry over keep their uid and get a higher sequence.
    """
    current = get_session(db, session_id)
    if current.series_id is None:
        raise ValidationError("This session does not repeat.", "recurrence")
    edited = validate_session(edited)
    old = get_series(db, current.series_id)
    pivot = current.original_start_utc or current.start_utc
    with db.atomic():
        following = [
            s
            for s in occurrences(db, old.id)
            if (s.original_start_utc or s.start_utc) >= pivot and (s.status != "held" or s.id == current.id)
        ]
        earlier = [s for s in occurrences(db, old.id) if (s.original_start_utc or s.start_utc) < pivot]
        old_rec = from_rrule(old.rrule, old.first_start_local, old.timezone)
        if rec is None:
            if old_rec.count is not None:
                rec = replace(old_rec, count=max(2, old_rec.count - len(earlier)))
            else:
                rec = old_rec
        # End the old rule just before the pivot (its last earlier occurrence's local day).
        if earlier:
            last_local = (earlier[-1].original_start_utc or earlier[-1].start_utc).astimezone(
                zoneinfo.ZoneInfo(old.timezone)
            )
            ended = replace(old_rec, count=None, until=last_local.date())
            series.set_rule(db, old.id, to_rrule(ended, old.first_start_local, old.timezone))
            # The shortened rule is an update of the old series: calendars take it only with a higher sequence.
            series.bump_sequences(db, [e.id for e in earlier if e.id is not None])
        first_local = edited.local_start
        text = to_rrule(rec, first_local, edited.timezone)
        new_id = series.insert_series(db, text, edited.timezone, first_local)
        starts = expand_utc(text, first_local, edited.timezone)
        # Existing occurrences are updated in place, pairwise, so they keep their uid (calendars
        # see an update with a higher sequence); extra old ones are deleted, missing ones created.
        made: list[Session] = []
        for row, start in zip(following, starts, strict=False):
            assert row.id is not None
            update_session(db, replace(edited, id=row.id, start_utc=start))
            series.place_in_series(db, row.id, new_id, start)
            made.append(get_session(db, row.id))
        for row in following[len(starts) :]:
            assert row.id is not None
            series.delete_occurrence(db, row.id)
        made.extend(_copy_to(db, replace(edited, series_id=new_id), starts[len(following) :], new_id))
        if not earlier:
            series.delete_if_empty(db, old.id)
    return made


def cancel_following(db: Database, session_id: int) -> int:
    """Cancel this occurrence and every later planned one of its series; return how many."""
    current = get_session(db, session_id)
    if current.series_id is None:
        raise ValidationError("This session does not repeat.", "recurrence")
    with db.atomic():
        return series.cancel_from(db, current.series_id, current.original_start_utc or current.start_utc)
