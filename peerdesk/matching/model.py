"""Plain data the matching core works on: people, weights, options, history, and proposals.

Nothing here touches the database: the loader (peerdesk.matching.load) builds a Problem
from the store, and tests and benchmarks build one directly.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Literal

from peerdesk.store.records import SkillLevel, Window

Mode = Literal["mentoring", "buddies", "cross_functional", "circles"]
MODES: tuple[Mode, ...] = ("mentoring", "buddies", "cross_functional", "circles")
PAIR_MODES: tuple[Mode, ...] = ("buddies", "cross_functional")
OddPolicy = Literal["trio", "sitout"]
# What a round is chosen for (matching/objectives.py); circles are always "best".
Objective = Literal["best", "fairest", "stable"]
OBJECTIVES: tuple[Objective, ...] = ("best", "fairest", "stable")
OBJECTIVE_MODES: tuple[Mode, ...] = ("mentoring", "buddies", "cross_functional")
PARTS = ("skills", "availability", "timezone", "cross_functional", "seniority", "novelty", "preferences")
PART_LABELS = {
    "skills": "Skill fit",
    "availability": "Common hours",
    "timezone": "Time zones",
    "cross_functional": "Cross-functional",
    "seniority": "Seniority",
    "novelty": "New contact",
    "preferences": "Stated choice",
}
MIN_GROUP, MAX_GROUP = 3, 6
# A Monday used to turn local weekly windows into UTC when no date is given.
DEFAULT_REFERENCE_MONDAY = dt.date(2026, 11, 2)

Pair = tuple[int, int]


def pair_key(a: int, b: int) -> Pair:
    """The canonical (smaller id, larger id) key of an unordered pair."""
    return (a, b) if a < b else (b, a)


@dataclass(frozen=True)
class Person:
    """One participant as the matcher sees them."""

    id: int
    name: str
    email: str
    department: str = ""
    title: str = ""
    timezone: str = "UTC"
    hire_date: dt.date | None = None
    role: str = "peer"  # mentor, mentee, both, peer
    capacity: int = 1  # mentees they can still take (free slots)
    manager_email: str = ""
    status: str = "active"
    archived: bool = False
    trained: bool = False  # completed every required training module
    teaches: tuple[SkillLevel, ...] = ()
    learns: tuple[SkillLevel, ...] = ()  # in order of priority, first = most wanted
    availability: tuple[Window, ...] = ()  # in their own time zone
    prefers: tuple[int, ...] = ()  # ids of up to five preferred partners, 1st choice first
    keep_mentor: int | None = None  # mentoring: the id of the current or previous mentor they ask to keep
    avoids: tuple[int, ...] = ()  # ids of people they asked not to be paired with (a hard rule)

    @property
    def matchable(self) -> bool:
        return self.status == "active" and not self.archived

    @property
    def can_mentor(self) -> bool:
        return self.role in ("mentor", "both")

    @property
    def can_be_mentee(self) -> bool:
        return self.role in ("mentee", "both")


@dataclass(frozen=True)
class Weights:
    """How much each part of a pair's score counts; the score is their weighted mean."""

    skills: float = 0.35
    availability: float = 0.2
    timezone: float = 0.1
    cross_functional: float = 0.15
    seniority: float = 0.1
    novelty: float = 0.1
    preferences: float = 0.0  # a granted stated choice (matching/choices.py)

    def as_dict(self) -> dict[str, float]:
        return {f.name: float(getattr(self, f.name)) for f in fields(self)}

    @property
    def total(self) -> float:
        return sum(self.as_dict().values())

    @classmethod
    def from_dict(cls, data: Mapping[str, object], base: Weights | None = None) -> Weights:
        """Weights from stored JSON; unknown keys and bad values are ignored."""
        values = (base or cls()).as_dict()
        for name in values:
            raw = data.get(name)
            if isinstance(raw, int | float) and not isinstance(raw, bool) and 0 <= raw <= 100:
                values[name] = float(raw)
        w = cls(**values)
        return w if w.total > 0 else (base or cls())


DEFAULT_WEIGHTS: dict[str, Weights] = {
    "mentoring": Weights(
        skills=0.45,
        availability=0.2,
        timezone=0.1,
        cross_functional=0.05,
        seniority=0.15,
        novelty=0.05,
        preferences=0.25,
    ),
    "buddies": Weights(
        skills=0.15, availability=0.25, timezone=0.1, cross_functional=0.2, seniority=0.1, novelty=0.2, preferences=0.2
    ),
    "cross_functional": Weights(
        skills=0.2, availability=0.25, timezone=0.1, cross_functional=0.15, seniority=0.1, novelty=0.2, preferences=0.2
    ),
    "circles": Weights(
        skills=0.4, availability=0.2, timezone=0.1, cross_functional=0.15, seniority=0.1, novelty=0.05, preferences=0.1
    ),
}


@dataclass(frozen=True)
class Options:
    """The coordinator's choices for one run."""

    only_trained_mentors: bool = False
    # Weekly hours two people must share; None: the program's meeting length (Problem.meeting_minutes).
    # A pair always needs at least some common time.
    min_overlap_hours: float | None = None
    odd_person: OddPolicy = "trio"
    objective: Objective = "best"
    group_size: int = 4
    seed: int = 0
    require_skill: bool = True  # mentoring: the mentor teaches something the mentee wants


@dataclass(frozen=True)
class LockedGroup:
    """A pair or group the coordinator locked: it stays exactly as it is."""

    members: tuple[tuple[int, str], ...]  # (participant id, role)

    @property
    def ids(self) -> tuple[int, ...]:
        return tuple(i for i, _ in self.members)


@dataclass(frozen=True)
class History:
    """What the store remembers that the score and the rules depend on."""

    recent: frozenset[Pair] = frozenset()  # met within the no-repeat window (or paired now)
    met: Mapping[Pair, int] = field(default_factory=dict)  # times each pair met, any format
    last_sat_out: Mapping[int, int] = field(default_factory=dict)  # id -> round number they last sat out


@dataclass(frozen=True)
class Problem:
    """Everything one matching run needs, as plain values."""

    mode: Mode
    people: tuple[Person, ...]
    weights: Weights = Weights()
    options: Options = Options()
    exclusions: frozenset[Pair] = frozenset()
    history: History = History()
    locked: tuple[LockedGroup, ...] = ()
    previous: frozenset[Pair] = frozenset()  # pairs of the previous proposal: kept on near-ties
    reference_monday: dt.date = DEFAULT_REFERENCE_MONDAY
    no_repeat_rounds: int = 6
    meeting_minutes: int = 60  # how long the program's meetings last

    @property
    def min_overlap_minutes(self) -> float:
        """The weekly minutes two people must share: the coordinator's minimum, else the meeting length."""
        hours = self.options.min_overlap_hours
        return float(self.meeting_minutes) if hours is None else hours * 60.0

    def with_people(self, people: tuple[Person, ...]) -> Problem:
        return replace(self, people=people)


@dataclass(frozen=True)
class Member:
    """Someone in a proposed group, with their role in it."""

    id: int
    email: str
    name: str
    role: str  # mentor, mentee, peer, host
    department: str = ""


@dataclass(frozen=True)
class Group:
    """A proposed pair (or trio, or circle) with its score and the reasons for it."""

    members: tuple[Member, ...]
    score: float  # 0..1: the mean score of its pairs
    breakdown: Mapping[str, float]  # weighted part contributions; they add up to score
    facts: tuple[str, ...] = ()
    skill: str | None = None
    locked: bool = False
    cannot_meet: str = ""  # why no first meeting fits in the weeks after the start ("" when one does)

    @property
    def ids(self) -> tuple[int, ...]:
        return tuple(m.id for m in self.members)

    @property
    def host(self) -> Member | None:
        """The member who teaches a circle's skill, if any."""
        return next((m for m in self.members if m.role == "host"), None)

    @property
    def pair_count(self) -> int:
        n = len(self.members)
        if any(m.role == "mentor" for m in self.members):
            return n - 1
        return n * (n - 1) // 2

    @property
    def objective(self) -> float:
        """What this group adds to the round's total score (sum over its pairs)."""
        return self.score * self.pair_count


@dataclass(frozen=True)
class Unmatched:
    """Someone the round leaves out, and why, in words a coordinator understands."""

    id: int
    email: str
    name: str
    reason: str
    sat_out: bool = False


@dataclass(frozen=True)
class ChoicesGranted:
    """How many of the people who stated choices got their 1st, one of their top 3, or none."""

    stated: int = 0  # people in the round with a preferred partner (or a mentor to keep) in the pool
    first: int = 0  # got their 1st choice (or kept their mentor, as asked)
    top3: int = 0  # got one of their first three choices (the 1st included)
    none: int = 0  # got none of their choices

    def to_json(self) -> dict[str, int]:
        return {"stated": self.stated, "first": self.first, "top3": self.top3, "none": self.none}

    def summary(self) -> str:
        """'Of the 14 people who stated a choice, 9 got their 1st choice, 3 their 2nd or 3rd and 2 none.'

        Each person is counted once, by the best choice they got."""
        if not self.stated:
            return "Nobody in this round stated a choice of partner."
        who = (
            "the 1 person who stated a choice"
            if self.stated == 1
            else f"the {self.stated:,} people who stated a choice"
        )
        parts = [f"{self.first:,} got their 1st choice", f"{self.top3 - self.first:,} their 2nd or 3rd"]
        later = self.stated - self.top3 - self.none
        if later:
            parts.append(f"{later:,} their 4th or 5th")
        parts.append(f"{self.none:,} none of them")
        return f"Of {who}, {', '.join(parts[:-1])} and {parts[-1]}."


@dataclass(frozen=True)
class Proposal:
    """The result of one matching run."""

    mode: Mode
    groups: tuple[Group, ...]
    unmatched: tuple[Unmatched, ...]
    total_score: float
    upper_bound: float | None = None  # certified: no valid round scores more
    optimal: bool = False  # proved optimal (exact solver or bound reached)
    eligible: int = 0  # people in the pool
    could_match: int = 0  # of them, people with at least one allowed partner
    choices: ChoicesGranted = ChoicesGranted()
    objective: Objective = "best"
    # Two people who would both score higher together than with their partners; None for
    # circles, and after a manual edit until the round is solved again.
    blocking_pairs: int | None = None

    @property
    def lowest_score(self) -> float | None:
        """The lowest group score of the round (None without groups)."""
        return min((g.score for g in self.groups), default=None)

    @property
    def matched_ids(self) -> set[int]:
        return {i for g in self.groups for i in g.ids}

    def pairs(self) -> set[Pair]:
        """Every unordered pair of people who share a group."""
        out: set[Pair] = set()
        for g in self.groups:
            ids = g.ids
            for a in range(len(ids)):
                for b in range(a + 1, len(ids)):
                    out.add(pair_key(ids[a], ids[b]))
        return out

    def to_json(self) -> dict[str, object]:
        """The shape DESIGN.md promises for `peerdesk match --json`."""
        return {
            "mode": self.mode,
            "groups": [
                {
                    # DESIGN.md's roles are mentor, mentee and peer: a circle's host is a peer
                    # in the list and named separately.
                    "members": [{"email": m.email, "role": "peer" if m.role == "host" else m.role} for m in g.members],
                    "score": round(g.score, 4),
                    "breakdown": {k: round(v, 4) for k, v in g.breakdown.items()},
                    "facts": list(g.facts),
                    **({"skill": g.skill} if g.skill else {}),
                    **({"host": g.host.email} if g.host is not None else {}),
                    **({"locked": True} if g.locked else {}),
                    **({"cannot_meet": g.cannot_meet} if g.cannot_meet else {}),
                }
                for g in self.groups
            ],
            "unmatched": [{"email": u.email, "reason": u.reason} for u in self.unmatched],
            "total_score": round(self.total_score, 4),
            "objective": self.objective,
            "lowest_score": None if self.lowest_score is None else round(self.lowest_score, 4),
            "blocking_pairs": self.blocking_pairs,
            "preferences_granted": self.choices.to_json(),
        }
