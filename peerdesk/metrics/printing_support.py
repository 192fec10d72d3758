"""Breakdowns the printed reports need that the rest of peerdesk.metrics does not offer.

Per-person figures, the leaderboard, monthly series, quiet pairings and feedback summaries
come from people.py, dashboard.py and feedback.py; what is here (participation per
department, sessions per kind and month, skills learned, one person's sessions and the
feedback they received) is built from the shared fragments of peerdesk.metrics.scope, so
a breakdown adds up to the catalogue figure for the same scope;
tests/printing/test_printing_support.py checks that they agree.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from peerdesk.metrics.scope import (
    ACTIVE_PERSON,
    PRESENT,
    Scope,
    Sql,
    led,
    person_filter,
    session_day,
    session_filter,
)
from peerdesk.store.db import Database


@dataclass(frozen=True)
class DepartmentParticipation:
    department: str
    active: int
    engaged: int

    @property
    def rate(self) -> float | None:
        return 100.0 * self.engaged / self.active if self.active else None


def participation_by_department(db: Database, scope: Scope, min_sessions: int = 1) -> list[DepartmentParticipation]:
    """catalogue.participation_rate per department, in one query (departments A-Z, '' last)."""
    s = session_filter(scope, Sql().add("s.status = 'held'"), department=False)
    w = person_filter(scope, Sql().add(ACTIVE_PERSON))
    result = [
        DepartmentParticipation(dept, int(total), int(engaged))
        for dept, total, engaged in db.execute(
            "SELECT p.department, count(*), coalesce(sum(CASE WHEN c.n >= ? THEN 1 ELSE 0 END), 0) FROM participants p "
            "LEFT JOIN (SELECT sp.participant_id AS pid, count(*) AS n FROM sessions s "
            f"JOIN session_people sp ON sp.session_id = s.id{s.where()} AND {PRESENT} GROUP BY sp.participant_id) c "
            f"ON c.pid = p.id{w.where()} GROUP BY p.department",
            [min_sessions, *s.params, *w.params],
        )
    ]
    return sorted(result, key=lambda d: (d.department == "", d.department.casefold()))


def held_by_month_and_kind(db: Database, scope: Scope) -> dict[tuple[str, str], tuple[int, int]]:
    """(month 'YYYY-MM', kind) -> (held sessions, their minutes), as catalogue.sessions_held;
    sessions_by_kind and sessions_by_kind_and_month are both sums of it."""
    s = session_filter(scope, Sql().add("s.status = 'held'"))
    return {
        (month, kind): (int(n), int(minutes))
        for month, kind, n, minutes in db.execute(
            "SELECT substr(s.start_utc, 1, 7), s.kind, count(*), coalesce(sum(s.duration_min), 0) "
            f"FROM sessions s{s.where()} GROUP BY 1, 2",
            s.params,
        )
    }


def by_kind_and_month(cells: dict[tuple[str, str], tuple[int, int]]) -> dict[tuple[str, str], int]:
    """(month, kind) -> held sessions, from held_by_month_and_kind."""
    return {key: n for key, (n, _) in cells.items()}


def by_kind(cells: dict[tuple[str, str], tuple[int, int]]) -> dict[str, tuple[int, float]]:
    """kind -> (held sessions, hours they lasted), from held_by_month_and_kind."""
    totals: dict[str, tuple[int, int]] = {}
    for (_, kind), (n, minutes) in cells.items():
        was_n, was_minutes = totals.get(kind, (0, 0))
        totals[kind] = (was_n + n, was_minutes + minutes)
    return {kind: (totals[kind][0], totals[kind][1] / 60.0) for kind in sorted(totals)}  # kinds A-Z


def sessions_by_kind_and_month(db: Database, scope: Scope) -> dict[tuple[str, str], int]:
    """(month 'YYYY-MM', kind) -> held sessions (as catalogue.sessions_held)."""
    return by_kind_and_month(held_by_month_and_kind(db, scope))


def sessions_by_kind(db: Database, scope: Scope) -> dict[str, tuple[int, float]]:
    """kind -> (held sessions, hours they lasted)."""
    return by_kind(held_by_month_and_kind(db, scope))


@dataclass(frozen=True)
class SkillLearned:
    skill: str
    sessions: int  # held sessions covering the skill
    learners: int  # distinct attendees present at them


def skills_learned(db: Database, scope: Scope, limit: int = 15) -> list[SkillLearned]:
    """Skills covered by held sessions in scope, by number of distinct learners present."""
    s = session_filter(scope, Sql().add("s.status = 'held'"))
    # One pass: each skill's sessions, and the attendees present at them (none: NULL, not counted).
    counts = db.execute(
        "SELECT ss.skill_id, count(DISTINCT s.id), count(DISTINCT sp.participant_id) "
        "FROM session_skills ss JOIN sessions s ON s.id = ss.session_id LEFT JOIN session_people sp "
        f"ON sp.session_id = s.id AND sp.role = 'attendee' AND sp.attended = 1{s.where()} GROUP BY ss.skill_id",
        s.params,
    ).fetchall()
    names = dict(db.execute("SELECT id, name FROM skills").fetchall()) if counts else {}
    rows = [SkillLearned(names[k], int(n), int(learners)) for k, n, learners in counts if k in names]
    rows.sort(key=lambda r: (-r.learners, -r.sessions, r.skill.casefold()))
    return rows[:limit]


@dataclass(frozen=True)
class FeedbackItem:
    """One comment, with the rater shown only when they did not ask to stay anonymous."""

    session_id: int
    session_title: str
    day: dt.date  # in the session's time zone
    rating: int
    comment: str
    rater: str  # '' when anonymous or erased


def feedback_received(db: Database, participant_id: int, scope: Scope) -> list[FeedbackItem]:
    """Feedback on held sessions the participant hosted, newest first."""
    s = session_filter(scope, Sql().add("s.status = 'held'"))
    # The sessions they led (a host marked absent did not: see peerdesk.metrics.scope.led).
    s.add(
        f"s.id IN (SELECT session_id FROM session_people h WHERE h.participant_id = ? AND {led('h')})", participant_id
    )
    s.add("(f.participant_id IS NULL OR f.participant_id != ?)", participant_id)
    return _feedback(db, s, "ORDER BY s.start_utc DESC, f.id DESC LIMIT ?", 10_000)


def _feedback(db: Database, s: Sql, tail: str, limit: int) -> list[FeedbackItem]:
    rows = db.execute(
        "SELECT s.id, s.title, s.start_utc, s.timezone, f.rating, f.comment, "
        "CASE WHEN f.anonymous = 1 THEN '' ELSE coalesce(p.name, '') END FROM sessions s "
        "JOIN feedback f ON f.session_id = s.id LEFT JOIN participants p ON p.id = f.participant_id"
        f"{s.where()} {tail}",
        [*s.params, limit],
    )
    return [
        FeedbackItem(sid, title, session_day(start, zone), int(r), c, rater)
        for sid, title, start, zone, r, c, rater in rows
    ]


@dataclass(frozen=True)
class SessionLine:
    """A session someone took part in."""

    session_id: int
    title: str
    kind: str
    start_utc: str
    duration_min: int
    role: str  # host | attendee
    attended: bool | None
    timezone: str = "UTC"

    @property
    def day(self) -> dt.date:
        """The session's date in its own time zone."""
        return session_day(self.start_utc, self.timezone)

    @property
    def led(self) -> bool:
        """They hosted it and were not marked absent (the rule of peerdesk.metrics.scope.led)."""
        return self.role == "host" and self.attended is not False

    @property
    def took_part(self) -> str:
        """'led', 'attended', 'absent' or 'not recorded', as the report prints it."""
        if self.attended is False:
            return "absent (host)" if self.role == "host" else "absent"
        if self.role == "host":
            return "led"
        return "attended" if self.attended else "not recorded"


def sessions_of(db: Database, participant_id: int, scope: Scope) -> list[SessionLine]:
    """Held sessions in scope the participant hosted or was invited to, oldest first."""
    s = session_filter(scope, Sql().add("s.status = 'held'"), department=False)
    rows = db.execute(
        "SELECT s.id, s.title, s.kind, s.start_utc, s.duration_min, sp.role, sp.attended, s.timezone FROM sessions s "
        f"JOIN session_people sp ON sp.session_id = s.id AND sp.participant_id = ?{s.where()} ORDER BY s.start_utc",
        [participant_id, *s.params],
    )
    return [
        SessionLine(sid, title, kind, start, int(d), role, None if att is None else bool(att), zone)
        for sid, title, kind, start, d, role, att, zone in rows
    ]


@dataclass(frozen=True)
class PairingLine:
    """A pairing someone is or was in, with the other members."""

    pairing_id: int
    kind: str
    program: str
    role: str
    status: str
    started_on: dt.date
    ended_on: dt.date | None
    others: tuple[tuple[str, str], ...]  # (name, role)
    sessions_held: int


def pairings_of(db: Database, participant_id: int, scope: Scope) -> list[PairingLine]:
    """Pairings of the participant that overlap the scope's period, newest first, with the
    held sessions of each pairing in the period."""
    lo, hi = scope.period.bounds()
    where = Sql().add("m.participant_id = ?", participant_id)
    if hi:
        where.add("pr.started_on < ?", hi)
    if lo:
        where.add("(pr.ended_on IS NULL OR pr.ended_on >= ?)", lo)
    if scope.program_id is not None:
        where.add("pr.program_id = ?", scope.program_id)
    s = session_filter(scope.with_period(scope.period), Sql().add("s.status = 'held'"), department=False)
    rows = db.execute(
        "SELECT pr.id, pr.kind, coalesce(g.name, ''), m.role, pr.status, pr.started_on, pr.ended_on, "
        f"(SELECT count(*) FROM sessions s WHERE s.pairing_id = pr.id{s.and_()}) "
        "FROM pairing_members m JOIN pairings pr ON pr.id = m.pairing_id LEFT JOIN programs g ON g.id = pr.program_id"
        f"{where.where()} ORDER BY pr.started_on DESC, pr.id DESC",
        [*s.params, *where.params],
    ).fetchall()
    others: dict[int, list[tuple[str, str]]] = defaultdict(list)
    ids = [r[0] for r in rows]
    if ids:
        for pairing_id, name, role in db.execute(
            "SELECT pm.pairing_id, p.name, pm.role FROM pairing_members pm JOIN participants p ON p.id = pm.participant_id "
            f"WHERE pm.pairing_id IN ({','.join('?' * len(ids))}) AND pm.participant_id != ? ORDER BY p.name",
            [*ids, participant_id],
        ):
            others[pairing_id].append((name, role))
    return [
        PairingLine(
            pid, kind, program, role, status, dt.date.fromisoformat(start),
            dt.date.fromisoformat(end) if end else None, tuple(others[pid]), int(n),
        )
        for pid, kind, program, role, status, start, end, n in rows
    ]  # fmt: skip
