"""Import session feedback from a survey export (Microsoft Forms, Google Forms) with a preview.

The file has a timestamp, the respondent's e-mail, the session (its id like '#42', its
title with a date, or its title alone), a rating 1-5 and a comment; header names are
matched loosely. plan_feedback_import() reads and matches every row without writing;
bad rows are reported by line number. apply_feedback_import() writes a plan in one
transaction, and by default refuses a plan with bad rows unless told to import the good ones.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from peerdesk import clock
from peerdesk.importing import RowError, normalise_header, read_table
from peerdesk.store.db import Database
from peerdesk.store.errors import ValidationError
from peerdesk.store.messages import feedback_requests, requested_sessions
from peerdesk.store.participants import normalise_email
from peerdesk.store.sessions import from_utc_text, set_feedback
from peerdesk.store.settings import load_settings
from peerdesk.store.workspace import bulk
from peerdesk.wording import have, plural

FIELDS = ("timestamp", "email", "rating", "comment", "session")
_EXACT = {
    "timestamp": {"timestamp", "completiontime", "submittedat", "submitted", "submissiontime", "endtime", "date"},
    "email": {"email", "emailaddress", "youremail", "youremailaddress", "respondentemail", "respondent", "mail"},
    "rating": {"rating", "score", "stars", "grade"},
    "comment": {"comment", "comments", "feedback", "remarks", "suggestions"},
    "session": {"session", "sessionid", "sessiontitle", "event", "title", "meeting"},
}
_CONTAINS = {
    "timestamp": ("timestamp", "completiontime"),
    "email": ("email",),
    "rating": ("rating", "rate", "score", "stars", "satisf"),
    "comment": ("comment", "feedback", "suggest", "anythingelse", "remark", "improve"),
    "session": ("session", "event", "workshop", "meeting"),
}
_LIKERT = {
    "very poor": 1, "terrible": 1, "very bad": 1, "very dissatisfied": 1,
    "poor": 2, "bad": 2, "dissatisfied": 2,
    "fair": 3, "ok": 3, "okay": 3, "average": 3, "neutral": 3,
    "good": 4, "satisfied": 4,
    "very good": 5, "excellent": 5, "great": 5, "very satisfied": 5,
}  # fmt: skip
_ANONYMOUS = {"", "anonymous", "anonym", "n/a", "-"}
_MONTHS = {
    m: i + 1 for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"))
}


@dataclass(frozen=True)
class FeedbackRow:
    """One answer matched to a session and (unless anonymous) a person."""

    line: int
    session_id: int
    session_title: str
    session_start: dt.datetime
    participant_id: int | None
    email: str
    rating: int
    comment: str
    submitted_at: str
    action: str  # 'add', 'update' or 'same'
    requested: str = ""  # when a feedback request about this session was drafted for this person ('' if never)


@dataclass
class FeedbackPlan:
    """What importing would write; nothing is written until apply_feedback_import()."""

    rows: list[FeedbackRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)  # field -> header as in the file

    @property
    def changes(self) -> int:
        return sum(1 for r in self.rows if r.action != "same")

    @property
    def answering_requests(self) -> int:
        """How many answers match a feedback request that was drafted (same session, same person)."""
        return sum(1 for r in self.rows if r.requested)


def match_columns(header: list[str]) -> dict[str, int]:
    """Which column holds which field: exact names first, then telling words in a question."""
    found: dict[str, int] = {}
    norm = [normalise_header(h) for h in header]
    for f in FIELDS:
        for i, h in enumerate(norm):
            if h in _EXACT[f] and i not in found.values():
                found[f] = i
                break
    for i, h in enumerate(norm):
        if i in found.values() or not h:
            continue
        for f in FIELDS:  # order matters: "How would you rate the session?" is a rating
            if f not in found and any(word in h for word in _CONTAINS[f]):
                found[f] = i
                break
    return found


def parse_rating(text: str) -> int:
    """'4', '4/5', '4 - Good', '★★★★', 'Very good' -> 1..5; ValueError otherwise."""
    t = text.strip()
    if not t:
        raise ValueError("the rating is empty")
    stars = t.count("★") + t.count("⭐")
    if stars:
        value = stars
    elif m := re.match(r"^(\d+(?:[.,]\d+)?)\s*(?:/\s*(\d+))?", t):
        number = float(m[1].replace(",", "."))
        scale = int(m[2]) if m[2] else 5
        if scale not in (5, 10) or number != int(number):
            raise ValueError(f"rating '{t}' is not a whole number from 1 to 5")
        value = int(number) if scale == 5 else round(number / 2)
    elif t.casefold() in _LIKERT:
        value = _LIKERT[t.casefold()]
    else:
        raise ValueError(f"rating '{t}' is not a number from 1 to 5")
    if not 1 <= value <= 5:
        raise ValueError(f"rating {value} is outside 1 to 5")
    return value


def parse_timestamp(text: str, tz: zoneinfo.ZoneInfo) -> dt.datetime:
    """A survey timestamp (ISO, US m/d/y as both tools write by default, or d.m.y) as UTC."""
    t = " ".join(text.strip().split())
    zone: dt.tzinfo = tz
    m = re.search(r"\s*(?:GMT|UTC)(?:([+-])(\d{1,2})(?::?(\d{2}))?)?$", t)
    if m:  # Google Sheets may append "GMT+1": that offset wins over the coordinator's zone
        sign = -1 if m[1] == "-" else 1
        zone = dt.timezone(sign * dt.timedelta(hours=int(m[2] or 0), minutes=int(m[3] or 0)))
        t = t[: m.start()]
    moment: dt.datetime | None
    try:
        moment = dt.datetime.fromisoformat(t)
    except ValueError:
        moment = None
        for fmt in (
            "%m/%d/%Y %H:%M:%S", "%m/%d/%Y %H:%M", "%m/%d/%y %H:%M:%S", "%m/%d/%y %H:%M",
            "%d/%m/%Y %H:%M:%S", "%d/%m/%Y %H:%M", "%d.%m.%Y %H:%M:%S", "%d.%m.%Y %H:%M",
            "%Y/%m/%d %H:%M:%S", "%m/%d/%Y %I:%M:%S %p", "%m/%d/%Y %I:%M %p", "%Y/%m/%d %I:%M:%S %p",
            "%m/%d/%Y", "%Y/%m/%d",
        ):  # fmt: skip
            try:
                moment = dt.datetime.strptime(t, fmt)
                break
            except ValueError:
                continue
        if moment is None:
            raise ValueError(f"timestamp '{text.strip()}' is not a date and time") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return moment.astimezone(dt.UTC)


def _find_date(text: str) -> tuple[dt.date | None, str]:
    """A date written in a session cell, and the cell without it."""
    patterns: list[tuple[str, Callable[[re.Match[str]], dt.date]]] = [
        (r"(\d{4})-(\d{2})-(\d{2})", lambda m: dt.date(int(m[1]), int(m[2]), int(m[3]))),
        (r"(\d{1,2})\.(\d{1,2})\.(\d{4})", lambda m: dt.date(int(m[3]), int(m[2]), int(m[1]))),
        (
            r"(\d{1,2})\s+([A-Za-z]{3})[a-z]*\.?\s+(\d{4})",
            lambda m: dt.date(int(m[3]), _MONTHS[m[2].lower()], int(m[1])),
        ),
        (
            r"([A-Za-z]{3})[a-z]*\.?\s+(\d{1,2}),?\s+(\d{4})",
            lambda m: dt.date(int(m[3]), _MONTHS[m[1].lower()], int(m[2])),
        ),
    ]
    for pattern, build in patterns:
        m = re.search(pattern, text)
        if m:
            try:
                day = build(m)
            except (KeyError, ValueError):
                continue
            rest = (text[: m.start()] + " " + text[m.end() :]).strip()
            return day, rest
    return None, text


def norm_title(text: str) -> str:
    t = re.sub(r"\s+", " ", text.casefold()).strip()
    t = re.sub(r"^(on|at)\s+|\s+(on|at)$", "", t)
    return t.strip(" -–—,:;()[]")


class _Sessions:
    """Lazily built lookups over the sessions table for matching cells."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._by_title: dict[str, list[tuple[int, str, dt.datetime, str]]] | None = None

    def by_id(self, sid: int) -> tuple[int, str, dt.datetime, str] | None:
        r = self.db.execute("SELECT id, title, start_utc, timezone FROM sessions WHERE id=?", (sid,)).fetchone()
        return (r[0], r[1], from_utc_text(r[2]), r[3]) if r else None

    def by_title(self, title: str) -> list[tuple[int, str, dt.datetime, str]]:
        if self._by_title is None:
            self._by_title = defaultdict(list)
            for sid, t, start, tz in self.db.execute(
                "SELECT id, title, start_utc, timezone FROM sessions WHERE status != 'cancelled'"
            ):
                self._by_title[norm_title(t)].append((sid, t, from_utc_text(start), tz))
        return self._by_title.get(norm_title(title), [])


def _people_on(db: Database, session_ids: list[int], pid: int) -> set[int]:
    marks = ",".join("?" * len(session_ids))
    return {
        r[0]
        for r in db.execute(
            f"SELECT session_id FROM session_people WHERE participant_id=? AND session_id IN ({marks})",
            [pid, *session_ids],
        )
    }


def match_session(
    db: Database, lookup: _Sessions, cell: str, pid: int | None, when: dt.datetime
) -> tuple[int, str, dt.datetime]:
    """The session a cell names; ValueError with a reason when none or several fit."""
    text = cell.strip()
    if not text:
        raise ValueError("the session is empty")
    m = re.fullmatch(r"(?:#|session\s*#?|id\s*)?\s*(\d+)", text, flags=re.IGNORECASE)
    if m:
        found = lookup.by_id(int(m[1]))
        if found is None:
            raise ValueError(f"there is no session #{m[1]}")
        return found[0], found[1], found[2]
    day, title = _find_date(text)
    candidates = lookup.by_title(title)
    if not candidates and day is None:
        raise ValueError(f"no session is called '{text}'")
    if day is not None:
        candidates = [c for c in candidates if c[2].astimezone(zoneinfo.ZoneInfo(c[3])).date() == day]
        if not candidates:
            raise ValueError(f"no session called '{title}' on {day.isoformat()}")
    if len(candidates) > 1 and pid is not None:
        asked = requested_sessions(db, pid)  # the session they were asked about, when one of them was
        if any(c[0] in asked for c in candidates):
            candidates = [c for c in candidates if c[0] in asked]
    if len(candidates) > 1 and pid is not None:
        theirs = _people_on(db, [c[0] for c in candidates], pid)
        if theirs:
            candidates = [c for c in candidates if c[0] in theirs]
    if len(candidates) > 1:
        before = [c for c in candidates if c[2] <= when]
        if not before:
            raise ValueError(f"'{title}' had not started yet when this answer was given")
        candidates = [max(before, key=lambda c: c[2])]
    c = candidates[0]
    return c[0], c[1], c[2]


def plan_feedback_import(db: Database, path: str | Path) -> FeedbackPlan:
    """Read a survey export and match each answer; write nothing."""
    header, rows, _encoding, _delimiter = read_table(path)
    cols = match_columns(header)
    missing = [f for f in ("session", "rating") if f not in cols]
    if missing:
        raise ValidationError(
            f"The file has no {' or '.join(missing)} column. Found: {', '.join(h.strip() for h in header if h.strip())}."
        )
    plan = FeedbackPlan(columns={f: header[i].strip() for f, i in cols.items()})
    tz = zoneinfo.ZoneInfo(load_settings(db).timezone)
    emails = {e.lower(): pid for pid, e in db.execute("SELECT id, email FROM participants")}
    lookup = _Sessions(db)
    existing = {
        (r[0], r[1]): (r[2], r[3])
        for r in db.execute(
            "SELECT session_id, participant_id, rating, comment FROM feedback WHERE participant_id IS NOT NULL"
        )
    }
    anonymous = {
        (r[0], r[1], r[2])
        for r in db.execute("SELECT session_id, rating, comment FROM feedback WHERE participant_id IS NULL")
    }
    seen: dict[tuple[int, int], int] = {}
    for line, raw in rows:
        cells = {f: raw[i].strip() if i < len(raw) else "" for f, i in cols.items()}
        email = normalise_email(cells.get("email", ""))
        try:
            if email in _ANONYMOUS:
                pid = None
                email = ""
            else:
                pid = emails.get(email)
                if pid is None:
                    raise ValueError(f"no participant has the e-mail {email}")
            when = parse_timestamp(cells["timestamp"], tz) if cells.get("timestamp") else clock.now()
            rating = parse_rating(cells.get("rating", ""))
            sid, title, start = match_session(db, lookup, cells.get("session", ""), pid, when)
        except ValueError as exc:
            text = str(exc)
            plan.errors.append(RowError(line, text[:1].upper() + text[1:], email))
            continue
        comment = cells.get("comment", "")
        stamp = when.replace(microsecond=0).isoformat()
        if pid is None:
            action = "same" if (sid, rating, comment) in anonymous else "add"
        else:
            old = existing.get((sid, pid))
            action = "add" if old is None else ("same" if old == (rating, comment) else "update")
            key = (sid, pid)
            if key in seen:
                earlier = seen[key]
                plan.notes.append(f"Line {line} replaces line {plan.rows[earlier].line} (same person and session).")
                plan.rows[earlier] = FeedbackRow(line, sid, title, start, pid, email, rating, comment, stamp, action)
                continue
            seen[key] = len(plan.rows)
        plan.rows.append(FeedbackRow(line, sid, title, start, pid, email, rating, comment, stamp, action))
    asked = feedback_requests(db, [(r.session_id, r.participant_id) for r in plan.rows if r.participant_id is not None])
    plan.rows = [
        replace(r, requested=asked.get((r.session_id, r.participant_id), "")) if r.participant_id is not None else r
        for r in plan.rows
    ]
    if plan.answering_requests:
        n = plan.answering_requests
        plan.notes.append(f"{plural(n, 'answer')} match{'es' if n == 1 else ''} a feedback request you drafted.")
    return plan


@bulk("feedback import")
def apply_feedback_import(db: Database, plan: FeedbackPlan, *, good_rows: bool = False) -> int:
    """Write a plan in one transaction; return how many answers were added or changed."""
    if plan.errors and not good_rows:
        raise ValidationError(
            f"{plural(len(plan.errors), 'row')} {have(len(plan.errors))} problems; nothing was imported. Fix them or import the good rows only."
        )
    n = 0
    with db.atomic():
        for r in plan.rows:
            if r.action == "same":
                continue
            set_feedback(
                db, r.session_id, r.participant_id, r.rating, r.comment, source="import", submitted_at=r.submitted_at
            )
            n += 1
    return n
