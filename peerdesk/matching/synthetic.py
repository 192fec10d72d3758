"""A realistic synthetic organisation for tests and benchmarks (no database needed).

12 departments, 60 skills of uneven popularity, 6 time zones, managers, mentors with
capacities, weekly windows in local office hours; about half of all pairs are ruled out
by the rules or by having no common hour.
"""

from __future__ import annotations

import datetime as dt
import random

from peerdesk.matching.model import (
    DEFAULT_REFERENCE_MONDAY,
    DEFAULT_WEIGHTS,
    History,
    Mode,
    Options,
    Pair,
    Person,
    Problem,
    pair_key,
)
from peerdesk.store.records import SkillLevel, Window, merge_windows

DEPARTMENTS = (
    "Engineering",
    "Sales",
    "Marketing",
    "Finance",
    "People",
    "Legal",
    "Support",
    "Product",
    "Design",
    "Operations",
    "Data",
    "Security",
)
ZONES = (
    ("America/Los_Angeles", 0.14),
    ("America/New_York", 0.22),
    ("Europe/London", 0.2),
    ("Europe/Berlin", 0.24),
    ("Asia/Kolkata", 0.12),
    ("Asia/Tokyo", 0.08),
)
SKILLS = tuple(
    "Python SQL Kubernetes Negotiation Public-speaking Excel Go Rust TypeScript React Figma Accessibility "
    "Statistics Forecasting Contract-law GDPR Hiring Coaching Storytelling Copywriting SEO Pricing "
    "Budgeting Tax Payroll Onboarding Incident-response Threat-modelling Cryptography Networking Linux "
    "Terraform AWS Azure Observability Testing Code-review System-design Product-discovery Roadmapping "
    "User-research Prototyping Illustration Brand Customer-success Account-planning Demo-skills "
    "Objection-handling Procurement Logistics Six-Sigma Lean Data-viz Machine-learning Spark dbt "
    "Leadership Feedback Facilitation Time-management".split()
)
TITLES = ("Junior {}", "{}", "{}", "Senior {}", "Staff {}", "Lead {}", "Principal {}", "{} Manager")
FIRST = "Ada Max Zoë Li Sam Noor Ana Ivan Mei Omar Lea Raj Kim Eva Tom Aiko Lars Sofia Yusuf Nia".split()
LAST = "Silva Ødegård Chen Novak Haddad Müller Okafor Sato Kaur Rossi Dubois Kowalski Berg Park".split()


def organisation(n: int, seed: int = 0, *, forbidden_share: float = 0.55) -> list[Person]:
    """n people of a synthetic organisation, the same for the same n and seed."""
    rng = random.Random(seed)
    weights = [1.0 / (k + 1) ** 0.8 for k in range(len(SKILLS))]
    zones = [z for z, _ in ZONES]
    zone_w = [w for _, w in ZONES]
    people: list[Person] = []
    by_dept: dict[str, list[int]] = {}
    # Office hours are narrower when more pairs must be ruled out by time.
    span = 7 if forbidden_share >= 0.5 else 9
    for k in range(n):
        dept = DEPARTMENTS[rng.randrange(len(DEPARTMENTS))]
        tz = rng.choices(zones, zone_w)[0]
        roll = rng.random()
        role = "mentor" if roll < 0.3 else "mentee" if roll < 0.65 else "both" if roll < 0.8 else "peer"
        years = rng.random() ** 1.5 * 14
        hire = DEFAULT_REFERENCE_MONDAY - dt.timedelta(days=int(years * 365))
        title = rng.choice(TITLES[3:] if role == "mentor" else TITLES[:5]).format(dept.rstrip("s") + " specialist")
        teaches = _skills(rng, weights, rng.randint(1, 4), 3 if role in ("mentor", "both") else 2, 5)
        learns = _skills(rng, weights, rng.randint(1, 3), 1, 3)
        taught = {s.skill for s in teaches}
        learns = tuple(s for s in learns if s.skill not in taught)
        windows = _windows(rng, span)
        people.append(
            Person(
                id=k + 1,
                name=f"{rng.choice(FIRST)} {rng.choice(LAST)} {k + 1}",
                email=f"p{k + 1}@example.com",
                department=dept,
                title=title,
                timezone=tz,
                hire_date=hire,
                role=role,
                capacity=rng.choice((1, 1, 2, 2, 3)) if role in ("mentor", "both") else 1,
                trained=rng.random() < 0.75,
                teaches=teaches,
                learns=learns,
                availability=windows,
            )
        )
        by_dept.setdefault(dept, []).append(k)
    # Managers: within each department, every eighth person manages the next seven.
    for members in by_dept.values():
        for pos, k in enumerate(members):
            boss = members[(pos // 8) * 8]
            if boss != k:
                p = people[k]
                people[k] = Person(**{**p.__dict__, "manager_email": people[boss].email})
    return people


def _skills(rng: random.Random, weights: list[float], count: int, low: int, high: int) -> tuple[SkillLevel, ...]:
    chosen: list[str] = []
    while len(chosen) < count:
        s = rng.choices(SKILLS, weights)[0]
        if s not in chosen:
            chosen.append(s)
    return tuple(SkillLevel(s, rng.randint(low, high)) for s in chosen)


def _windows(rng: random.Random, span: int) -> tuple[Window, ...]:
    if rng.random() < 0.03:
        return ()  # never told us
    windows = []
    for day in rng.sample(range(5), rng.randint(3, 5)):
        start = rng.randrange(8 * 60, (8 + span) * 60, 30)
        length = rng.choice((90, 120, 180, 240))
        windows.append(Window(day, start, min(1440, start + length)))
    return merge_windows(windows)


def with_choices(people: list[Person], seed: int = 0, *, share: float = 0.4) -> list[Person]:
    """The people with stated choices, as a sign-up form collects them: `share` of them name 1-5
    preferred partners (mostly in their department or time zone), one in thirty someone to avoid."""
    rng = random.Random(seed + 3)
    by_group: dict[str, list[int]] = {}
    for p in people:
        by_group.setdefault(p.department, []).append(p.id)
        by_group.setdefault(p.timezone, []).append(p.id)
    ids = [p.id for p in people]
    out = []
    for p in people:
        prefers: tuple[int, ...] = ()
        avoids: tuple[int, ...] = ()
        if rng.random() < share:
            near = by_group[p.department] if rng.random() < 0.6 else by_group[p.timezone]
            picks = rng.sample(near, min(len(near), rng.randint(1, 5)))
            prefers = tuple(dict.fromkeys(i for i in picks if i != p.id))
        if rng.random() < 1 / 30:
            other = rng.choice(ids)
            avoids = (other,) if other != p.id and other not in prefers else ()
        out.append(Person(**{**p.__dict__, "prefers": prefers, "avoids": avoids}))
    return out


def history(people: list[Person], seed: int = 0, *, met_share: float = 0.002) -> History:
    """Random earlier contacts: some recent (not to repeat), some older."""
    rng = random.Random(seed + 1)
    n = len(people)
    met: dict[Pair, int] = {}
    recent: set[Pair] = set()
    for _ in range(int(n * n * met_share / 2)):
        a, b = rng.sample(range(n), 2)
        key = pair_key(people[a].id, people[b].id)
        met[key] = met.get(key, 0) + 1
        if rng.random() < 0.5:
            recent.add(key)
    return History(recent=frozenset(recent), met=met)


def exclusions(people: list[Person], seed: int = 0) -> frozenset[Pair]:
    rng = random.Random(seed + 2)
    n = len(people)
    out = set()
    for _ in range(max(1, n // 50)):
        a, b = rng.sample(range(n), 2)
        out.add(pair_key(people[a].id, people[b].id))
    return frozenset(out)


def problem(n: int, mode: Mode, seed: int = 0, *, options: Options | None = None) -> Problem:
    """A full synthetic problem: organisation, history and exclusions."""
    people = organisation(n, seed)
    return Problem(
        mode=mode,
        people=tuple(people),
        weights=DEFAULT_WEIGHTS[mode],
        options=options or Options(seed=seed),
        exclusions=exclusions(people, seed),
        history=history(people, seed),
    )
