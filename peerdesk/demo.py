"""The demo program: a realistic organisation built from resources/demo, scalable for benchmarks.

Deterministic for the same seed and day. Fills every table so every screen has content:
participants with skills, availability and managers; programs with goals; pairings and
rounds; sessions of every kind (held with attendance and feedback, planned ahead, a
recurring series with a cancelled occurrence); training; awards; the partners people would
like (or not) to be paired with.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import uuid
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from anyascii import anyascii

from peerdesk import clock, intake, shipped
from peerdesk.demo_rhythm import add_rhythm
from peerdesk.store import open_db
from peerdesk.store.db import Database, known_errors
from peerdesk.store.errors import StoreError
from peerdesk.store.mappings import remember_mapping
from peerdesk.store.safefile import atomic_path
from peerdesk.store.settings import Settings, save_settings

MAX_PARTICIPANTS = 5000
# The headers of the demo program's Microsoft Forms sign-up form.
SIGN_UP_FORM = [
    "ID", "Start time", "Completion time", "Email", "Name", "Which team are you in?",
    "How would you like to take part?", "Which skills can you teach others?", "Which skills would you like to learn?",
    "When are you usually available?", "Who would you like as a mentor? (their e-mail)",
    "Would you like to keep your current mentor?",
]  # fmt: skip


# A pairing that meets: (pairing id, member ids, started, days between meetings, days it lasted or None).
Meeting = tuple[int, list[int], dt.date, int, int | None]


@dataclass
class _Person:
    id: int
    name: str
    email: str
    department: str
    zone: str
    role: str
    hire: dt.date
    seniority: int  # 0 junior, 1 mid, 2 senior
    teaches: list[str] = field(default_factory=list)
    learns: list[str] = field(default_factory=list)
    windows: list[tuple[int, int, int]] = field(default_factory=list)
    status: str = "active"


# What the learning circles program's members want to learn, by how far east they are: circles
# gather people who want the same skill and are free at the same time.
CIRCLE_FOCUS = ((-3 * 60, "Public speaking"), (4 * 60, "Storytelling"), (24 * 60, "Giving feedback"))


def _circle_focus(zone: str) -> str:
    offset = dt.datetime(2026, 1, 15, 12, tzinfo=zoneinfo.ZoneInfo(zone)).utcoffset()
    minutes = int(offset.total_seconds() // 60) if offset is not None else 0
    return next(skill for limit, skill in CIRCLE_FOCUS if minutes < limit)


def _with_window(windows: list[tuple[int, int, int]], extra: tuple[int, int, int]) -> list[tuple[int, int, int]]:
    """The weekly windows with one more, merged with any it overlaps on its day."""
    day, start, end = extra
    kept = []
    for w in windows:
        if w[0] == day and w[1] <= end and w[2] >= start:
            start, end = min(start, w[1]), max(end, w[2])
        else:
            kept.append(w)
    return sorted([*kept, (day, start, end)])


def _load(name: str) -> dict[str, Any]:
    return cast(dict[str, Any], json.loads(shipped.read_text("demo", name)))


def _email(name: str, domain: str, taken: set[str]) -> str:
    base = (
        ".".join(w for w in anyascii(name).lower().replace("'", "").replace("-", " ").split() if w.isalnum())
        or "person"
    )
    email, n = f"{base}@{domain}", 2
    while email in taken:
        email, n = f"{base}{n}@{domain}", n + 1
    taken.add(email)
    return email


class _Builder:
    def __init__(self, db: Database, n: int, seed: int) -> None:
        self.db = db
        self.n = n
        self.rng = random.Random(seed)
        self.org = _load("organisation.json")
        self.pool = _load("people.json")
        self.today = clock.today()
        self.now = clock.now().replace(minute=0, second=0, microsecond=0)
        self.stamp = clock.stamp()
        self.people: list[_Person] = []
        self.skill_ids: dict[str, int] = {}
        self.departments = self.org["departments"][: 6 if n <= 200 else 12]
        self.history_days = 180 if n <= 200 else 540
        self.session_rows: list[tuple[Any, ...]] = []
        self.people_rows: list[tuple[Any, ...]] = []
        self.skill_rows: list[tuple[Any, ...]] = []
        self.feedback_rows: list[tuple[Any, ...]] = []
        self.next_session = 1
        self.titles: dict[int, tuple[str, str]] = {}
        self.hired: dict[int, dt.date] = {}

    # -- helpers ---------------------------------------------------------------------------
    def uid(self) -> str:
        return f"{uuid.UUID(int=self.rng.getrandbits(128), version=4)}@peerdesk"

    def skill(self, name: str) -> int:
        if name not in self.skill_ids:
            self.skill_ids[name] = len(self.skill_ids) + 1
        return self.skill_ids[name]

    def dept_skills(self, dept: str) -> list[str]:
        return list(dict.fromkeys(self.org["skills"][dept] + self.org["skills"]["common"][:8]))

    # -- people ----------------------------------------------------------------------------
    def build_people(self) -> None:
        rng, taken, names = self.rng, set[str](), set[str]()
        domain = self.org["domain"]
        regions = self.pool["regions"]
        weights = [r["weight"] for r in regions]
        featured = self.pool["featured"][: self.n]
        heads: dict[str, int] = {}
        for i in range(self.n):
            if i < len(featured):
                f = featured[i]
                name, dept, zone, role = f["name"], f["department"], f["zone"], f["role"]
                if dept not in self.departments:
                    dept = self.departments[i % len(self.departments)]
                seniority = 2 if role == "mentor" else 0 if f.get("new") else 1
                title, location = f["title"], f["location"]
            else:
                region = rng.choices(regions, weights)[0]
                culture = rng.choice(region["culture"])
                for _ in range(20):  # homonyms happen in big organisations, rarely in small ones
                    name = f"{rng.choice(self.pool['first_names'][culture])} {rng.choice(self.pool['last_names'][culture])}"
                    if name not in names:
                        break
                dept = rng.choice(self.departments)
                zone, location = region["zone"], region["location"]
                seniority = rng.choices([0, 1, 2], [35, 40, 25])[0]
                role = {0: rng.choices(["mentee", "peer"], [75, 25])[0],
                        1: rng.choices(["peer", "both", "mentee", "mentor"], [45, 20, 15, 20])[0],
                        2: rng.choices(["mentor", "both", "peer"], [70, 15, 15])[0]}[seniority]  # fmt: skip
                template = rng.choice(self.org["titles"][("junior", "mid", "senior")[seniority]])
                title = template.format(role=self.org["department_roles"][dept])
            years = {0: rng.uniform(0.02, 0.9), 1: rng.uniform(1, 5), 2: rng.uniform(4, 15)}[seniority]
            hire = self.today - dt.timedelta(days=int(years * 365))
            names.add(name)
            p = _Person(i + 1, name, _email(name, domain, taken), dept, zone, role, hire, seniority)
            skills = self.dept_skills(dept)
            if role in ("mentor", "both") or seniority == 2:
                p.teaches = rng.sample(skills, rng.randint(2, 4))
            elif seniority == 1:
                p.teaches = rng.sample(skills, rng.randint(1, 2))
            wants = [s for s in dict.fromkeys(skills + self.org["skills"]["common"]) if s not in p.teaches]
            if role in ("mentee", "both", "peer"):
                p.learns = rng.sample(wants, rng.randint(1, 3))
            days = rng.sample(range(5), rng.randint(2, 4))
            for d in sorted(days):
                start = rng.choice([8, 9, 10, 13, 14, 15]) * 60 + rng.choice([0, 30])
                p.windows.append((d, start, min(start + rng.choice([90, 120, 180, 240]), 1140)))
            if i >= len(featured):
                p.status = rng.choices(["active", "paused", "alumni"], [90, 6, 4])[0]
            self.people.append(p)
            self.hired[p.id] = hire
            if (i < len(featured) and featured[i].get("head")) and dept not in heads:
                heads[dept] = i
            self.titles[p.id] = (title, location)
        for dept in self.departments:
            if dept not in heads:
                members = [i for i, p in enumerate(self.people) if p.department == dept]
                if members:
                    heads[dept] = max(members, key=lambda i: (self.people[i].seniority, -i))
        rows: list[tuple[Any, ...]] = []
        skill_rows: list[tuple[Any, ...]] = []
        windows: list[tuple[int, ...]] = []
        for i, p in enumerate(self.people):
            head = heads.get(p.department)
            manager = self.people[head].email if head is not None and head != i else ""
            title, location = self.titles[p.id]
            capacity = rng.randint(1, 3) if p.role in ("mentor", "both") else 1
            notes = ""
            if p.hire > self.today - dt.timedelta(days=120):
                notes = "New hire: pair with a buddy in the first weeks."
            rows.append((p.id, p.name, p.email, p.department, title, location, p.zone, p.hire.isoformat(),
                         p.role, capacity, manager, p.status, notes, self.stamp, self.stamp))  # fmt: skip
            for direction, skills in (("teach", p.teaches), ("learn", p.learns)):
                for pos, s in enumerate(skills):
                    level = rng.randint(4, 5) if direction == "teach" else rng.randint(1, 3)
                    skill_rows.append((p.id, self.skill(s), direction, level, pos))
            windows.extend((p.id, *w) for w in p.windows)
        archived = self.people[-1].id if self.n > len(featured) else None
        self.db.conn.executemany(
            "INSERT INTO skills(id, name) VALUES (?, ?)", [(i, n) for n, i in self.skill_ids.items()]
        )
        self.db.conn.executemany(
            "INSERT INTO participants(id, name, email, department, title, location, timezone, hire_date, role, "
            "capacity, manager_email, status, notes, created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            rows,
        )
        if archived:
            self.db.execute("UPDATE participants SET archived = 1, status = 'alumni' WHERE id = ?", (archived,))
            self.people[-1].status = "archived"
        self.db.conn.executemany(
            "INSERT INTO participant_skills(participant_id, skill_id, direction, level, position) VALUES (?,?,?,?,?)",
            skill_rows,
        )
        self.db.conn.executemany(
            "INSERT INTO availability(participant_id, weekday, start_min, end_min) VALUES (?,?,?,?)", windows
        )

    # -- programs, training ----------------------------------------------------------------
    def build_programs(self) -> dict[str, int]:
        year = self.today.year
        programs = {
            "onboarding": ("New-Hire Buddies", "onboarding",
                           "Every new hire gets a buddy in their first week and meets them regularly.",
                           self.today - dt.timedelta(days=self.history_days), dt.date(year + 1, 3, 31)),
            "mentoring": ("Engineering & Data Mentoring", "upskilling",
                          "Experienced staff mentor colleagues in the skills they want to grow.",
                          self.today - dt.timedelta(days=self.history_days), dt.date(year + 1, 6, 30)),
            "circles": ("Cross-Functional Learning Circles", "collaboration",
                        "Small circles across departments learn a shared skill together.",
                        self.today - dt.timedelta(days=self.history_days // 2), dt.date(year + 1, 6, 30)),
        }  # fmt: skip
        ids = {}
        for pid, (key, (name, objective, description, start, end)) in enumerate(programs.items(), start=1):
            self.db.execute(
                "INSERT INTO programs(id, name, objective, description, start_date, end_date, status, config, created_at) "
                "VALUES (?, ?, ?, ?, ?, ?, 'active', '{}', ?)",
                (pid, name, objective, description, start.isoformat(), end.isoformat(), self.stamp),
            )
            ids[key] = pid
        members = []
        for p in self.people:
            if p.status == "archived":
                continue
            enrolled = max(p.hire, self.today - dt.timedelta(days=self.history_days)).isoformat()
            if p.seniority == 0 or p.role == "mentee" or (p.seniority == 2 and p.id % 3 == 0):
                members.append((ids["onboarding"], p.id, enrolled))
            if p.role in ("mentor", "mentee", "both"):
                members.append((ids["mentoring"], p.id, enrolled))
            if p.id % 4 == 0 or (p.learns and p.id % 5 == 0):
                members.append((ids["circles"], p.id, enrolled))
        self.db.conn.executemany(
            "INSERT OR IGNORE INTO program_members(program_id, participant_id, enrolled_on) VALUES (?,?,?)", members
        )
        # Onboarding takes about three months: most who enrolled before that have completed it.
        for program, pid, enrolled in members:
            began = dt.date.fromisoformat(enrolled)
            if program == ids["onboarding"] and began < self.today - dt.timedelta(days=100) and pid % 4:
                done = began + dt.timedelta(days=90 + pid % 30)
                self.db.execute(
                    "UPDATE program_members SET completed_on = ? WHERE program_id = ? AND participant_id = ?",
                    (done.isoformat(), program, pid),
                )
        return ids

    def build_training(self) -> None:
        modules = self.org["training_modules"]
        for pos, m in enumerate(modules, start=1):
            self.db.execute(
                "INSERT INTO training_modules(id, name, description, required, position) VALUES (?,?,?,?,?)",
                (pos, m["name"], m["description"], m["required"], pos),
            )
        rows = []
        for p in self.people:
            if p.role not in ("mentor", "both"):
                continue
            done = len(modules) if p.id % 5 else self.rng.randint(0, 2)  # some mentors not yet trained
            for module_id in range(1, done + 1):
                when = self.today - dt.timedelta(days=self.rng.randint(5, self.history_days))
                rows.append((p.id, module_id, when.isoformat()))
        self.db.conn.executemany(
            "INSERT INTO training_completions(participant_id, module_id, completed_on) VALUES (?,?,?)", rows
        )

    # -- pairings --------------------------------------------------------------------------
    def _pairing(self, program: int, round_id: int | None, kind: str, members: list[tuple[int, str]],
                 started: dt.date, status: str = "active", skill: str | None = None) -> int:  # fmt: skip
        started = max(started, *(self.hired[m] for m, _ in members))  # nobody is paired before they join
        cur = self.db.execute(
            "INSERT INTO pairings(program_id, round_id, kind, status, skill_id, started_on, ended_on, score, "
            "breakdown, locked, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, '{}', 0, ?)",
            (program, round_id, kind, status, self.skill(skill) if skill else None, started.isoformat(),
             None if status == "active" else (started + dt.timedelta(days=90)).isoformat(),
             round(self.rng.uniform(0.45, 0.92), 3), self.stamp),
        )  # fmt: skip
        pid = int(cur.lastrowid or 0)
        self.db.conn.executemany(
            "INSERT INTO pairing_members(pairing_id, participant_id, role) VALUES (?,?,?)",
            [(pid, m, role) for m, role in members],
        )
        return pid

    def _round(self, program: int, mode: str, when: dt.date) -> int:
        cur = self.db.execute(
            "INSERT INTO match_rounds(program_id, mode, created_at, params, total_score) VALUES (?, ?, ?, '{}', 0)",
            (program, mode, dt.datetime.combine(when, dt.time(9), dt.UTC).isoformat()),
        )
        return int(cur.lastrowid or 0)

    def build_pairings(self, programs: dict[str, int]) -> list[Meeting]:
        """Return (pairing id, member ids, started, days between meetings, ended) of every pairing that meets."""
        rng = self.rng
        active = [p for p in self.people if p.status == "active"]
        by_manager_free = {p.id: p for p in active}
        mentors = [p for p in active if p.role in ("mentor", "both") and p.teaches]
        mentees = [p for p in active if p.role in ("mentee", "both") and p.learns]
        meet: list[Meeting] = []
        start = self.today - dt.timedelta(days=self.history_days)
        # Mentoring: each mentee with a mentor from another team or a senior one, capacity 1-2.
        r = self._round(programs["mentoring"], "mentoring", start)
        used: dict[int, int] = {}
        for mentee in mentees[: max(2, len(mentees) * 2 // 3)]:
            options = [m for m in mentors if m.id != mentee.id and used.get(m.id, 0) < 2
                       and not set(mentee.learns).isdisjoint(m.teaches)] or \
                      [m for m in mentors if m.id != mentee.id and used.get(m.id, 0) < 1]  # fmt: skip
            if not options:
                continue
            mentor = rng.choice(options)
            used[mentor.id] = used.get(mentor.id, 0) + 1
            started = start + dt.timedelta(days=rng.randint(0, self.history_days - 20))
            pid = self._pairing(
                programs["mentoring"], r, "mentoring", [(mentor.id, "mentor"), (mentee.id, "mentee")], started
            )
            meet.append((pid, [mentor.id, mentee.id], started, 14, None))
        # Buddies: new hires with a more senior colleague; an older ended round as history.
        newbies = [p for p in active if p.seniority == 0]
        seniors = [p for p in active if p.seniority >= 1 and p.id in by_manager_free]
        for round_no, when in enumerate((start, self.today - dt.timedelta(days=45))):
            r = self._round(programs["onboarding"], "buddies", when)
            rng.shuffle(seniors)
            for a, b in zip(newbies, seniors, strict=False):
                status = "ended" if round_no == 0 else "active"
                started = when + dt.timedelta(days=rng.randint(0, 10))
                pid = self._pairing(
                    programs["onboarding"], r, "buddy", [(a.id, "peer"), (b.id, "peer")], started, status
                )
                # Buddies meet weekly; the first round ended after three months.
                meet.append((pid, [a.id, b.id], started, 7, None if status == "active" else 90))
        # A few new pairings that have not met yet (something for the dashboard to flag).
        for a, b in zip(newbies[-3:], seniors[-3:], strict=False):
            self._pairing(programs["onboarding"], None, "buddy", [(a.id, "peer"), (b.id, "peer")],
                          self.today - dt.timedelta(days=rng.randint(1, 6)))  # fmt: skip
        # Cross-functional pairs.
        r = self._round(programs["circles"], "cross_functional", self.today - dt.timedelta(days=70))
        pool = [p for p in active if p.seniority >= 1]
        rng.shuffle(pool)
        for a, b in zip(pool[0::2][: len(pool) // 6], pool[1::2][: len(pool) // 6], strict=False):
            if a.department != b.department:
                started = self.today - dt.timedelta(days=70)
                pid = self._pairing(
                    programs["circles"], r, "cross_functional", [(a.id, "peer"), (b.id, "peer")], started
                )
                meet.append((pid, [a.id, b.id], started, 14, None))
        # Learning circles around a shared skill, hosted by someone who teaches it.
        r = self._round(programs["circles"], "circles", self.today - dt.timedelta(days=60))
        learners: dict[str, list[_Person]] = {}
        for p in active:
            for s in p.learns:
                learners.setdefault(s, []).append(p)
        for skill_name, group in sorted(learners.items(), key=lambda kv: -len(kv[1]))[: max(2, self.n // 25)]:
            hosts = [m for m in mentors if skill_name in m.teaches]
            members = [(m.id, "peer") for m in group[:4]]
            if hosts and hosts[0].id not in {m for m, _ in members}:
                members = [(hosts[0].id, "host"), *members[:3]]
            if len(members) >= 3:
                started = self.today - dt.timedelta(days=60)
                pid = self._pairing(programs["circles"], r, "circle", members, started, skill=skill_name)
                meet.append((pid, [m for m, _ in members], started, 21, None))
        self.db.execute(
            "UPDATE match_rounds SET total_score = "
            "(SELECT round(coalesce(sum(score), 0), 3) FROM pairings WHERE round_id = match_rounds.id)"
        )
        # Never-pair exclusions, as a coordinator would have recorded them.
        if len(active) > 10:
            low, high = sorted((active[3].id, active[7].id))
            self.db.execute(
                "INSERT INTO pairing_exclusions(participant_a, participant_b, reason, created_at) VALUES (?,?,?,?)",
                (low, high, "Same project team; asked for a fresh perspective", self.stamp),
            )
        return meet

    # -- sessions --------------------------------------------------------------------------
    def _local_start(self, person: _Person, day: dt.date) -> dt.datetime:
        windows = [w for w in person.windows if w[0] == day.weekday()] or person.windows or [(day.weekday(), 600, 660)]
        _, start, _ = windows[0]
        local = dt.datetime.combine(day, dt.time(start // 60, start % 60), zoneinfo.ZoneInfo(person.zone))
        return local

    def _add_session(self, *, kind: str, title: str, start_local: dt.datetime, duration: int, program: int | None,
                     pairing: int | None, hosts: list[int], attendees: list[int], skills: list[str],
                     description: str = "", location: str = "", url: str = "", series: int | None = None,
                     status: str | None = None, original: dt.datetime | None = None) -> int:  # fmt: skip
        sid = self.next_session
        self.next_session += 1
        start_utc = start_local.astimezone(dt.UTC)
        if status is None:
            status = "held" if start_utc + dt.timedelta(minutes=duration) < self.now else "planned"
            if status == "held" and self.rng.random() < 0.04:
                status = "cancelled"
            if status == "held" and start_utc > self.now - dt.timedelta(days=4) and self.rng.random() < 0.5:
                status = "planned"  # awaiting attendance
        zone = str(start_local.tzinfo)
        self.session_rows.append((
            sid, self.uid(), program, pairing, series, kind, title, description, location, url,
            start_utc.isoformat(), zone, duration, status,
            original.astimezone(dt.UTC).isoformat() if original else None, self.stamp, self.stamp,
        ))  # fmt: skip
        rated = status == "held"
        attendees = [a for a in attendees if self.hired[a] <= start_utc.date()]
        for pid in hosts:
            self.people_rows.append((sid, pid, "host", 1 if rated else None))
        for pid in attendees:
            if pid in hosts:
                continue
            attended = None
            if rated:
                attended = 1 if self.rng.random() < 0.86 else 0
            self.people_rows.append((sid, pid, "attendee", attended))
            if attended and self.rng.random() < 0.6:
                good = self.rng.random() < 0.8
                rating = self.rng.choice([4, 5, 5]) if good else self.rng.choice([2, 3, 3, 4])
                comments = self.org["comments_good"] if good else self.org["comments_mixed"]
                comment = self.rng.choice(comments) if self.rng.random() < 0.5 else ""
                submitted = start_utc + dt.timedelta(hours=self.rng.randint(2, 72))
                self.feedback_rows.append((sid, pid, rating, comment, int(self.rng.random() < 0.15),
                                           min(submitted, self.now).isoformat(), "manual"))  # fmt: skip
        for s in skills:
            self.skill_rows.append((sid, self.skill(s)))
        return sid

    def build_sessions(self, programs: dict[str, int], meet: list[Meeting]) -> None:
        rng = self.rng
        person = {p.id: p for p in self.people}
        horizon = self.today + dt.timedelta(days=28)
        for pairing, members, started, every, lasted in meet:
            started = max(started, *(person[m].hire for m in members))
            until = min(horizon, started + dt.timedelta(days=lasted)) if lasted else horizon
            first = person[members[0]]
            common = (
                sorted(set(first.teaches) & set().union(*(person[m].learns for m in members[1:]))) or first.teaches[:1]
            )
            day = started + dt.timedelta(days=rng.randint(2, 9))
            k = 0
            while day <= until:
                k += 1
                kind = "pair_meeting" if len(members) == 2 else "coaching_circle"
                title = f"{first.name.split()[0]} & {person[members[1]].name.split()[0]}: 1:1 #{k}" if len(members) == 2 \
                    else f"Learning circle: {common[0] if common else 'peer learning'} #{k}"  # fmt: skip
                self._add_session(kind=kind, title=title, start_local=self._local_start(first, day), duration=45 if len(members) == 2 else 60,
                                  program=None, pairing=pairing, hosts=[members[0]], attendees=members[1:], skills=common[:2],
                                  url="https://meet.example.com/" + uuid.UUID(int=rng.getrandbits(128)).hex[:10])  # fmt: skip
                day += dt.timedelta(days=every + rng.randint(-2, 3))
        # Group sessions of every kind, across the history and a month ahead.
        active = [p for p in self.people if p.status == "active"]
        hosts = [p for p in active if p.teaches and p.seniority >= 1]
        group_count = max(12, self.n // 2) if self.n <= 200 else self.n * 10
        span = self.history_days + 28
        for i in range(group_count):
            template = self.org["group_sessions"][i % len(self.org["group_sessions"])]
            host = rng.choice(hosts)
            skill = rng.choice(host.teaches)
            day = (
                self.today
                - dt.timedelta(days=self.history_days)
                + dt.timedelta(days=int(span * (i + rng.random()) / group_count))
            )
            while day.weekday() >= 5:
                day += dt.timedelta(days=1)
            start = dt.datetime.combine(day, dt.time(rng.choice([11, 12, 15, 16])), zoneinfo.ZoneInfo(host.zone))
            audience = rng.sample(active, min(len(active), rng.randint(4, 14)))
            program = (
                programs["circles"]
                if template["kind"] == "coaching_circle"
                else programs[rng.choice(["onboarding", "mentoring"])]
            )
            self._add_session(kind=template["kind"], title=template["title"].format(skill=skill), start_local=start,
                              duration=template["duration"], program=program, pairing=None, hosts=[host.id],
                              attendees=[a.id for a in audience], skills=[skill],
                              description=f"Agenda:\n1. Why {skill} matters\n2. A worked example\n3. Questions",
                              location=template["place"], url="" if template["place"] else "https://meet.example.com/learn")  # fmt: skip
        self.build_series(programs)
        self.flush()

    def build_series(self, programs: dict[str, int]) -> None:
        """A weekly Show & Tell on Thursdays at 16:00 Berlin time, across DST, one occurrence cancelled, one moved."""
        zone = zoneinfo.ZoneInfo("Europe/Berlin")
        first = self.today - dt.timedelta(days=35)
        while first.weekday() != 3:
            first += dt.timedelta(days=1)
        first_local = dt.datetime.combine(first, dt.time(16), zone)
        count = 12
        cur = self.db.execute(
            "INSERT INTO series(rrule, timezone, first_start_local, created_at) VALUES (?, ?, ?, ?)",
            (f"FREQ=WEEKLY;COUNT={count}", "Europe/Berlin", first_local.replace(tzinfo=None).isoformat(), self.stamp),
        )
        series = int(cur.lastrowid or 0)
        host = next((p for p in self.people if p.status == "active" and p.teaches), self.people[0])
        audience = [p.id for p in self.people if p.status == "active"][:12]
        for k in range(count):
            local = dt.datetime.combine(first + dt.timedelta(weeks=k), dt.time(16), zone)
            start, status = local, None
            if k == 6:
                status = "cancelled"
            if k == 8:
                start = local + dt.timedelta(days=1, hours=-2)  # moved to Friday 14:00
            self._add_session(kind="show_and_tell", title="Weekly Show & Tell", start_local=start, duration=30,
                              program=programs["circles"], pairing=None, hosts=[host.id],
                              attendees=[a for a in audience if a != host.id], skills=host.teaches[:1],
                              description="Ten minutes each: something you built or learned this week.",
                              location="Berlin office, Lounge", url="https://meet.example.com/show-and-tell",
                              series=series, status=status, original=local)  # fmt: skip

    def flush(self) -> None:
        db = self.db.conn
        db.executemany(
            "INSERT INTO sessions(id, uid, program_id, pairing_id, series_id, kind, title, description, location, "
            "online_url, start_utc, timezone, duration_min, status, original_start_utc, created_at, updated_at) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            self.session_rows,
        )
        db.executemany(
            "INSERT OR IGNORE INTO session_people(session_id, participant_id, role, attended) VALUES (?,?,?,?)",
            self.people_rows,
        )
        db.executemany("INSERT OR IGNORE INTO session_skills(session_id, skill_id) VALUES (?,?)", self.skill_rows)
        db.executemany(
            "INSERT OR IGNORE INTO feedback(session_id, participant_id, rating, comment, anonymous, submitted_at, source) "
            "VALUES (?,?,?,?,?,?,?)",
            self.feedback_rows,
        )
        self.db.conn.executemany(
            "INSERT OR IGNORE INTO skills(id, name) VALUES (?, ?)", [(i, n) for n, i in self.skill_ids.items()]
        )

    # -- goals, awards ---------------------------------------------------------------------
    def focus_circles(self, programs: dict[str, int]) -> None:
        """Give the learning circles' members what a real circle program has: a skill that colleagues
        in nearby zones want to learn too (first in their list) and Thursday 10:00-15:00 kept free.

        Done last, over what is stored, so that the history built before stays as it is.
        """
        members = {
            r[0]
            for r in self.db.execute(
                "SELECT participant_id FROM program_members WHERE program_id = ?", (programs["circles"],)
            )
        }
        for p in self.people:
            if p.id not in members or p.id % 4 or not p.learns or p.status != "active":
                continue
            focus = _circle_focus(p.zone)
            if focus in p.teaches:
                continue
            skill_id = self.skill(focus)
            self.db.execute("INSERT OR IGNORE INTO skills(id, name) VALUES (?, ?)", (skill_id, focus))
            self.db.execute(
                "INSERT INTO participant_skills(participant_id, skill_id, direction, level, position) "
                "VALUES (?, ?, 'learn', 2, -1) ON CONFLICT(participant_id, skill_id, direction) DO UPDATE SET "
                "position = -1",
                (p.id, skill_id),
            )
            self.db.execute("DELETE FROM availability WHERE participant_id = ?", (p.id,))
            self.db.conn.executemany(
                "INSERT INTO availability(participant_id, weekday, start_min, end_min) VALUES (?,?,?,?)",
                [(p.id, *w) for w in _with_window(p.windows, (3, 600, 900))],
            )

    def build_choices(self, programs: dict[str, int]) -> None:
        """What people asked for, as a sign-up form collects it: mentees name the mentors they would
        like (about half of those still without one), new hires a buddy or two, a few ask to keep
        their mentor, and a handful ask not to be paired with someone. Done last, like focus_circles."""
        rng = self.rng
        active = [p for p in self.people if p.status == "active"]
        mentored = {
            r[0]
            for r in self.db.execute(
                "SELECT m.participant_id FROM pairing_members m JOIN pairings p ON p.id = m.pairing_id "
                "WHERE p.kind = 'mentoring' AND p.status = 'active' AND m.role = 'mentee'"
            )
        }
        mentors = [p for p in active if p.role in ("mentor", "both") and p.teaches]
        managers = dict(self.db.execute("SELECT id, manager_email FROM participants").fetchall())
        emails = {p.id: p.email for p in self.people}

        def likely(p: _Person, others: list[_Person]) -> list[_Person]:
            """Whom p would name: mostly colleagues they could meet (same zone, an hour in common, not
            their manager), now and then someone they could not."""
            fits = [
                q
                for q in others
                if q.zone == p.zone
                and managers.get(p.id) != emails[q.id]
                and managers.get(q.id) != emails[p.id]
                and any(a[0] == b[0] and min(a[2], b[2]) - max(a[1], b[1]) >= 60 for a in p.windows for b in q.windows)
            ]
            return fits if fits and rng.random() < 0.9 else others

        prefer: list[tuple[int, int, int]] = []
        keep: list[int] = []
        for p in active:
            if p.role not in ("mentee", "both") or not p.learns:
                continue
            if p.id in mentored:
                if rng.random() < 0.15:
                    keep.append(p.id)
                continue
            if rng.random() < 0.5:
                fits = likely(p, [m for m in mentors if m.id != p.id and set(m.teaches) & set(p.learns)])
                rng.shuffle(fits)
                fits.sort(key=lambda m: -len(set(m.teaches) & set(p.learns[:1])))  # their first wish first
                prefer += [(p.id, m.id, rank) for rank, m in enumerate(fits[: rng.randint(1, 3)], start=1)]
        named = {a for a, _, _ in prefer}
        buddies = {
            r[0]
            for r in self.db.execute(
                "SELECT participant_id FROM program_members WHERE program_id = ?", (programs["onboarding"],)
            )
        }
        for p in active:
            if p.id not in buddies or p.id in named or rng.random() >= 0.4:
                continue
            near = likely(p, [q for q in active if q.id in buddies and q.id != p.id])
            picks = rng.sample(near, min(len(near), rng.randint(1, 2)))
            prefer += [(p.id, q.id, rank) for rank, q in enumerate(picks, start=1)]
        avoid = []
        for p in rng.sample(active, max(1, len(active) // 30)):
            other = rng.choice([q for q in active if q.id != p.id and q.department == p.department] or active)
            if other.id != p.id and not any(a == p.id and b == other.id for a, b, _ in prefer):
                avoid.append((p.id, other.id))
        self.db.conn.executemany(
            "INSERT OR IGNORE INTO preferred_partners(participant_id, partner_id, rank) VALUES (?,?,?)", prefer
        )
        self.db.conn.executemany(
            "INSERT OR IGNORE INTO avoided_partners(participant_id, other_id) VALUES (?,?)", sorted(set(avoid))
        )
        self.db.conn.executemany("UPDATE participants SET keep_mentor = 1 WHERE id = ?", [(i,) for i in keep])
        # The sign-up form they came through: its column mapping, remembered for the next export.
        answers = [["", "", "", "", "", "", "", "", "", "Mornings;Thursday afternoons;", "", ""]]
        mapping = intake.suggest_mapping(SIGN_UP_FORM, answers)
        remember_mapping(self.db, intake.headers_key(SIGN_UP_FORM), SIGN_UP_FORM, mapping.to_json())

    def build_goals_and_awards(self, programs: dict[str, int]) -> None:
        for program_key, goals in _demo_goals(self.today).items():
            for pos, (title, metric, params, comparison, target, start, deadline) in enumerate(goals):
                self.db.execute(
                    "INSERT INTO goals(program_id, title, metric, params, comparison, target, start_date, deadline, position) "
                    "VALUES (?,?,?,?,?,?,?,?,?)",
                    (programs[program_key], title, metric, json.dumps(params), comparison, target,
                     start.isoformat() if start else None, deadline.isoformat(), pos),
                )  # fmt: skip
        mentors = [p for p in self.people if p.role == "mentor" and p.status == "active"][:3]
        for p in mentors:
            self.db.execute(
                "INSERT INTO awards(participant_id, program_id, title, reason, awarded_on) VALUES (?,?,?,?,?)",
                (p.id, programs["mentoring"], "Mentor of the Quarter",
                 "Consistently thoughtful mentoring and excellent feedback from mentees.",
                 (self.today - dt.timedelta(days=20)).isoformat()),
            )  # fmt: skip


def _demo_goals(today: dt.date) -> dict[str, list[tuple[Any, ...]]]:
    """SMART goals of the demo programs over metrics of peerdesk.metrics, in different states.

    Each goal: (title, metric, params, comparison, target, start date, deadline).
    """
    quarter_start = dt.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    quarter_end = (quarter_start + dt.timedelta(days=92)).replace(day=1) - dt.timedelta(days=1)
    last_quarter_end = quarter_start - dt.timedelta(days=1)
    last_quarter_start = dt.date(last_quarter_end.year, 3 * ((last_quarter_end.month - 1) // 3) + 1, 1)
    half_start = dt.date(today.year, 1 if today.month <= 6 else 7, 1)
    half_end = dt.date(today.year, 6, 30) if today.month <= 6 else dt.date(today.year, 12, 31)
    march_31 = dt.date(today.year + (today.month > 3), 3, 31)
    return {
        "onboarding": [
            ("80% of new hires have at least 4 sessions within 60 days of starting", "new_hire_onboarding",
             {"min_sessions": 4, "within_days": 60}, ">=", 80.0, None, dt.date(today.year + 1, 3, 31)),
            ("Average session rating at least 4.2 this quarter", "average_rating", {}, ">=", 4.2,
             quarter_start, quarter_end),
            ("Attendance rate of at least 95% last quarter", "attendance_rate", {}, ">=", 95.0,
             last_quarter_start, last_quarter_end),
        ],
        "mentoring": [
            ("Every active mentor has completed mentor training by 31 March", "mentors_trained_rate", {}, ">=",
             100.0, None, march_31),
            ("60 hours of cross-department mentoring this half", "cross_department_hours", {}, ">=", 60.0,
             half_start, half_end),
        ],
        "circles": [
            ("At least 10 sessions held last quarter", "sessions_held", {}, ">=", 10.0,
             last_quarter_start, last_quarter_end),
        ],
    }  # fmt: skip


def build_demo(
    path: str | Path, participants: int = 60, seed: int = 7, *, progress: Callable[[str], None] | None = None
) -> None:
    """Write a demo program database at path (which must not exist yet, or be empty).

    It is built in a temporary file beside path and renamed when complete: a failure (a full
    disk) leaves nothing under the final name.
    """
    if not 2 <= participants <= MAX_PARTICIPANTS:
        raise StoreError(f"The demo has between 2 and {MAX_PARTICIPANTS} participants, not {participants}.")
    target = Path(path)
    if target.exists() and target.stat().st_size > 0:
        raise StoreError(f"{target} already exists; choose a new file for the demo.")
    with atomic_path(target, private=True) as tmp:
        try:
            with known_errors(target.name):
                _build_into(tmp, participants, seed, progress)
        finally:
            for journal in ("-wal", "-shm", "-journal"):
                tmp.with_name(tmp.name + journal).unlink(missing_ok=True)
        for journal in ("-wal", "-shm", "-journal"):  # an old log must never be replayed onto the new file
            target.with_name(target.name + journal).unlink(missing_ok=True)


def _build_into(target: Path, participants: int, seed: int, progress: Callable[[str], None] | None) -> None:
    db = open_db(target)
    try:
        org = _load("organisation.json")
        with db.atomic():
            save_settings(db, Settings(
                organisation=org["organisation"], coordinator_name=org["coordinator_name"],
                coordinator_email=org["coordinator_email"], timezone="Europe/Berlin", paper_size="A4",
                signer_name="Chloé Lefèvre", signer_title="Head of People & Culture",
            ))  # fmt: skip
            b = _Builder(db, participants, seed)
            if progress:
                progress("people")
            b.build_people()
            programs = b.build_programs()
            b.build_training()
            meet = b.build_pairings(programs)
            if progress:
                progress("sessions")
            b.build_sessions(programs, meet)
            b.build_goals_and_awards(programs)
            b.focus_circles(programs)
            b.build_choices(programs)
            add_rhythm(db, programs, b.today)
        db.execute("PRAGMA optimize")
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        db.close()
