"""Frozen records the store hands out, with typed ids and the parsing of their text forms."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import NewType

ParticipantId = NewType("ParticipantId", int)
ProgramId = NewType("ProgramId", int)
PairingId = NewType("PairingId", int)
SessionId = NewType("SessionId", int)

ROLES = ("mentor", "mentee", "both", "peer")
STATUSES = ("active", "paused", "alumni")
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
DEFAULT_LEVEL = 3
MAX_PREFERRED = 5  # ranked preferred partners a participant may name

_WEEKDAY_NAMES = {
    **{d.lower(): i for i, d in enumerate(WEEKDAYS)},
    **{
        name: i for i, name in enumerate(("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"))
    },
    "tues": 1,
    "wednes": 2,
    "thur": 3,
    "thurs": 3,
}


@dataclass(frozen=True, order=True)
class SkillLevel:
    """A skill someone teaches or wants to learn, at a level 1 (novice) to 5 (expert)."""

    skill: str
    level: int = DEFAULT_LEVEL

    def __str__(self) -> str:
        return f"{self.skill}:{self.level}"


@dataclass(frozen=True, order=True)
class Window:
    """A weekly availability window in the participant's own time zone."""

    weekday: int  # 0 = Monday
    start_min: int
    end_min: int

    def __str__(self) -> str:
        return f"{WEEKDAYS[self.weekday]} {_hhmm(self.start_min)}-{_hhmm(self.end_min)}"

    @property
    def minutes(self) -> int:
        return self.end_min - self.start_min


@dataclass(frozen=True)
class Participant:
    """A person taking part in the program."""

    name: str
    email: str
    department: str = ""
    title: str = ""
    location: str = ""
    timezone: str = "UTC"
    hire_date: dt.date | None = None
    role: str = "peer"
    capacity: int = 1
    manager_email: str = ""
    status: str = "active"
    archived: bool = False
    notes: str = ""
    teaches: tuple[SkillLevel, ...] = field(default=())
    learns: tuple[SkillLevel, ...] = field(default=())
    availability: tuple[Window, ...] = field(default=())
    # What they asked for (validated against the other participants when saved):
    prefers: tuple[str, ...] = field(default=())  # e-mails of up to five preferred partners, 1st choice first
    keep_mentor: bool = False  # asks to keep their current or previous mentor
    avoids: tuple[str, ...] = field(default=())  # e-mails of people never to be paired with (private)
    id: ParticipantId | None = None

    @property
    def is_matchable(self) -> bool:
        """Active and not archived: may be proposed in a matching round."""
        return self.status == "active" and not self.archived

    @property
    def weekly_hours(self) -> float:
        return sum(w.minutes for w in self.availability) / 60


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def format_skills(skills: tuple[SkillLevel, ...] | list[SkillLevel]) -> str:
    """'Python:5; SQL:4' — the CSV and dialog form."""
    return "; ".join(str(s) for s in skills)


def parse_skills(text: str) -> tuple[SkillLevel, ...]:
    """Parse 'Python:5; SQL:4; Code review' (a missing level means 3).

    Raises ValueError with a readable reason on a bad level.
    """
    result: list[SkillLevel] = []
    seen: set[str] = set()
    for part in re.split(r"[;\n]", text or ""):
        part = part.strip()
        if not part:
            continue
        name, sep, level_text = part.rpartition(":")
        if not sep:
            name, level_text = part, ""
        name = " ".join(name.split())
        if not name:
            raise ValueError(f"skill without a name in '{part}'")
        level = DEFAULT_LEVEL
        if level_text.strip():
            try:
                level = int(level_text.strip())
            except ValueError:
                raise ValueError(f"level of {name} must be a number 1-5, not '{level_text.strip()}'") from None
            if not 1 <= level <= 5:
                raise ValueError(f"level of {name} must be 1-5, not {level}")
        key = name.casefold()
        if key in seen:
            continue
        seen.add(key)
        result.append(SkillLevel(name, level))
    return tuple(result)


def parse_email_list(text: str) -> tuple[str, ...]:
    """'ana@example.com; bo@example.com' (or comma, space or line separated) in order, lower case,
    each once. Whether each is a well-formed address is checked when the participant is validated."""
    out: list[str] = []
    for part in re.split(r"[;,\s]+", text or ""):
        email = part.strip().strip("<>").lower()
        if email and email not in out:
            out.append(email)
    return tuple(out)


def format_email_list(emails: tuple[str, ...] | list[str]) -> str:
    """'ana@example.com; bo@example.com' — the CSV form of preferred or avoided partners."""
    return "; ".join(emails)


def format_availability(windows: tuple[Window, ...] | list[Window]) -> str:
    """'Mon 09:00-12:00; Wed 14:00-17:30' — the CSV and dialog form."""
    return "; ".join(str(w) for w in sorted(windows))


_WINDOW = re.compile(
    r"^(?P<day>[A-Za-z]+)\.?\s+(?P<h1>\d{1,2})(?::(?P<m1>\d{2}))?\s*[-–]\s*(?P<h2>\d{1,2})(?::(?P<m2>\d{2}))?$"
)


def parse_availability(text: str) -> tuple[Window, ...]:
    """Parse 'Mon 09:00-12:00; Wed 14:00-17:30'; overlapping windows are merged."""
    windows: list[Window] = []
    for part in re.split(r"[;,\n]", text or ""):
        part = part.strip()
        if not part:
            continue
        m = _WINDOW.match(part)
        if not m:
            raise ValueError(f"'{part}' is not a window like 'Mon 09:00-12:00'")
        day = _WEEKDAY_NAMES.get(m["day"].lower())
        if day is None:
            raise ValueError(f"'{m['day']}' is not a weekday")
        start = int(m["h1"]) * 60 + int(m["m1"] or 0)
        end = int(m["h2"]) * 60 + int(m["m2"] or 0)
        if int(m["m1"] or 0) > 59 or int(m["m2"] or 0) > 59 or start > 1439 or end > 1440:
            raise ValueError(f"'{part}' has an impossible time")
        if end <= start:
            raise ValueError(f"'{part}' ends before it starts")
        windows.append(Window(day, start, end))
    return merge_windows(windows)


def merge_windows(windows: list[Window] | tuple[Window, ...]) -> tuple[Window, ...]:
    """Sort windows and merge those that overlap or touch on the same day."""
    merged: list[Window] = []
    for w in sorted(windows):
        if merged and merged[-1].weekday == w.weekday and w.start_min <= merged[-1].end_min:
            last = merged[-1]
            merged[-1] = Window(last.weekday, last.start_min, max(last.end_min, w.end_min))
        else:
            merged.append(w)
    return tuple(merged)


# Session kinds: code -> label. Any other code is a custom kind, shown as typed.
SESSION_KINDS: dict[str, str] = {
    "pair_meeting": "Pair meeting",
    "lunch_and_learn": "Lunch & learn",
    "workshop": "Workshop",
    "brown_bag": "Brown-bag",
    "show_and_tell": "Show & tell",
    "coaching_circle": "Peer coaching circle",
}

# Program objectives: code -> label. "custom" uses the program's own description.
OBJECTIVES: dict[str, str] = {
    "onboarding": "Faster onboarding",
    "upskilling": "Upskilling",
    "collaboration": "Collaboration",
    "leadership": "Leadership development",
    "custom": "Custom",
}

# Pairing kinds (pairings.kind) and the matching modes that produce them.
PAIRING_KINDS: dict[str, str] = {
    "mentoring": "Mentoring",
    "buddy": "Buddies",
    "cross_functional": "Cross-functional pair",
    "circle": "Learning circle",
}
