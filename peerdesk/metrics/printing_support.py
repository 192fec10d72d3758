"""Breakdowns the printed reports and certificates need, on the catalogue's own definitions.

Every function here is built from the shared fragments of peerdesk.metrics.scope (which
sessions count, who was present, which people are active) so that a figure broken down by
person, department, month or kind adds up to the catalogue figure for the same scope;
tests/printing/test_printing_support.py checks that they agree.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from peerdesk.metrics.scope import ACTIVE_PERSON, PRESENT, Scope, Sql, pairing_filter, person_filter, session_filter
from peerdesk.store.db import Database


@dataclass(frozen=True)
class PersonFigures:
    """What one person did in a scope: as a host (mentor) and as an attendee (learner)."""

    participant_id: int
    sessions_led: int = 0  # held sessions they hosted and ran (as catalogue.mentoring_hours)
    hours_mentored: float = 0.0
    people_helped: int = 0  # distinct attendees present at sessions they hosted
    rating_avg: float | None = None  # average feedback on sessions they hosted
    ratings: int = 0
    sessions_attended: int = 0  # as an attendee, present
    learning_hours: float = 0.0
    attendance_recorded: int = 0  # attendee rows with attendance recorded (present or absent)
    program_completed: bool = False  # program_members.completed_on set (program scopes only)

    @property
    def attendance_rate(self) -> float | None:
        """Percent of recorded attendances where they were present (as catalogue.attendance_rate)."""
        if not self.attendance_recorded:
            return None
        return 100.0 * self.sessions_attended / self.attendance_recorded

    @property
    def contributed(self) -> bool:
        return self.sessions_led > 0


def person_figures(
    db: Database, scope: Scope, participant_ids: Iterable[int] | None = None
) -> dict[int, PersonFigures]:
    """Figures of everyone who hosted or attended a held session in scope (and, with
    participant_ids, of those people even if they did nothing)."""
    s = session_filter(scope, Sql().add("s.status = 'held'"), department=False)
    rows: dict[int, dict[str, Any]] = defaultdict(dict)
    for pid, led, minutes_led, attended, minutes_learned, recorded in db.execute(
        "SELECT sp.participant_id, "
        f"sum(sp.role = 'host' AND {PRESENT}), "
        f"coalesce(sum(CASE WHEN sp.role = 'host' AND {PRESENT} THEN s.duration_min END), 0), "
        "sum(sp.role = 'attendee' AND sp.attended = 1), "
        "coalesce(sum(CASE WHEN sp.role = 'attendee' AND sp.attended = 1 THEN s.duration_min END), 0), "
        "sum(sp.role = 'attendee' AND sp.attended IS NOT NULL) "
        f"FROM sessions s JOIN session_people sp ON sp.session_id = s.id{s.where()} GROUP BY sp.participant_id",
        s.params,
    ):
        rows[pid].update(
            sessions_led=int(led or 0),
            hours_mentored=minutes_led / 60.0,
            sessions_attended=int(attended or 0),
            learning_hours=minutes_learned / 60.0,
            attendance_recorded=int(recorded or 0),
        )
    host = "sp.role = 'host' AND (sp.attended = 1 OR sp.attended IS NULL)"
    for pid, helped in db.execute(
        "SELECT sp.participant_id, count(DISTINCT a.participant_id) FROM sessions s "
        f"JOIN session_people sp ON sp.session_id = s.id AND {host} "
        "JOIN session_people a ON a.session_id = s.id AND a.role = 'attendee' AND a.attended = 1 "
        f"AND a.participant_id != sp.participant_id{s.where()} GROUP BY sp.participant_id",
        s.params,
    ):
        rows[pid]["people_helped"] = int(helped)
    for pid, avg, n in db.execute(
        "SELECT sp.participant_id, avg(f.rating), count(f.id) FROM sessions s "
        f"JOIN session_people sp ON sp.session_id = s.id AND {host} "
        f"JOIN feedback f ON f.session_id = s.id AND (f.participant_id IS NULL OR f.participant_id != sp.participant_id)"
        f"{s.where()} GROUP BY sp.participant_id",
        s.params,
    ):
        rows[pid].update(rating_avg=float(avg), ratings=int(n))
    if scope.program_id is not None:
        for (pid,) in db.execute(
            "SELECT participant_id FROM program_members WHERE program_id = ? AND completed_on IS NOT NULL",
            (scope.program_id,),
        ):
            if pid in rows or participant_ids is not None:
                rows[pid]["program_completed"] = True
    if participant_ids is not None:
        wanted = set(participant_ids)
        for pid in wanted:
            rows.setdefault(pid, {})
        return {pid: PersonFigures(pid, **values) for pid, values in rows.items() if pid in wanted}
    return {pid: PersonFigures(pid, **values) for pid, values in rows.items()}


def top_contributors(db: Database, scope: Scope, limit: int = 10) -> list[PersonFigures]:
    """Hosts ranked by hours mentored, then sessions led, then people helped."""
    figures = [f for f in person_figures(db, scope).values() if f.contributed]
    figures.sort(key=lambda f: (-f.hours_mentored, -f.sessions_led, -f.people_helped, f.participant_id))
    return figures[:limit]


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


def months_of(scope: Scope, first: dt.date | None = None) -> list[str]:
    """'YYYY-MM' of every month the scope's period covers (open ends: from `first` to today)."""
    from peerdesk import clock

    start = scope.period.start or first or clock.today()
    end = scope.period.end or clock.today()
    months: list[str] = []
    y, m = start.year, start.month
    while (y, m) <= (end.year, end.month):
        months.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return months


def sessions_by_kind_and_month(db: Database, scope: Scope) -> dict[tuple[str, str], int]:
    """(month 'YYYY-MM', kind) -> held sessions (as catalogue.sessions_held)."""
    s = session_filter(scope, Sql().add("s.status = 'held'"))
    return {
        (month, kind): int(n)
        for month, kind, n in db.execute(
            f"SELECT substr(s.start_utc, 1, 7), s.kind, count(*) FROM sessions s{s.where()} GROUP BY 1, 2", s.params
        )
    }


def sessions_by_kind(db: Database, scope: Scope) -> dict[str, tuple[int, float]]:
    """kind -> (held sessions, hours they lasted)."""
    s = session_filter(scope, Sql().add("s.status = 'held'"))
    return {
        kind: (int(n), minutes / 60.0)
        for kind, n, minutes in db.execute(
            f"SELECT s.kind, count(*), coalesce(sum(s.duration_min), 0) FROM sessions s{s.where()} GROUP BY s.kind",
            s.params,
        )
    }


@dataclass(frozen=True)
class MonthFigures:
    """One month of a trend: ratings (as catalogue.average_rating) and attendance."""

    month: str
    sessions: int
    rating_avg: float | None
    ratings: int
    attended: int
    recorded: int
    learning_hours: float

    @property
    def attendance_rate(self) -> float | None:
        return 100.0 * self.attended / self.recorded if self.recorded else None


def monthly_trend(db: Database, scope: Scope, months: list[str]) -> list[MonthFigures]:
    """Per month of `months`: sessions held, average rating, attendance and learning hours."""
    s = session_filter(scope, Sql().add("s.status = 'held'"))
    sessions = {
        m: int(n)
        for m, n in db.execute(
            f"SELECT substr(s.start_utc, 1, 7), count(*) FROM sessions s{s.where()} GROUP BY 1", s.params
        )
    }
    ratings = {
        m: (float(avg), int(n))
        for m, avg, n in db.execute(
            "SELECT substr(s.start_utc, 1, 7), avg(f.rating), count(*) FROM sessions s "
            f"JOIN feedback f ON f.session_id = s.id{s.where()} GROUP BY 1",
            s.params,
        )
    }
    s2 = session_filter(scope, Sql().add("s.status = 'held'"), department=False)
    w = person_filter(scope, Sql(), program=False)
    attendance = {
        m: (int(a or 0), int(r or 0), float(minutes or 0) / 60.0)
        for m, a, r, minutes in db.execute(
            "SELECT substr(s.start_utc, 1, 7), sum(sp.attended), "
            "sum(sp.attended IS NOT NULL), "
            "sum(CASE WHEN sp.role = 'attendee' AND sp.attended = 1 THEN s.duration_min END) "
            "FROM sessions s JOIN session_people sp ON sp.session_id = s.id "
            f"JOIN participants p ON p.id = sp.participant_id{s2.where()}{w.and_()} GROUP BY 1",
            [*s2.params, *w.params],
        )
    }
    out = []
    for m in months:
        avg, n = ratings.get(m, (None, 0))
        a, r, h = attendance.get(m, (0, 0, 0.0))
        out.append(MonthFigures(m, sessions.get(m, 0), avg, n, a, r, h))
    return out


@dataclass(frozen=True)
class SkillLearned:
    skill: str
    sessions: int  # held sessions covering the skill
    learners: int  # distinct attendees present at them


def skills_learned(db: Database, scope: Scope, limit: int = 15) -> list[SkillLearned]:
    """Skills covered by held sessions in scope, by number of distinct learners."""
    s = session_filter(scope, Sql().add("s.status = 'held'"))
    rows = db.execute(
        "SELECT k.name, count(DISTINCT s.id), count(DISTINCT CASE WHEN sp.role = 'attendee' AND sp.attended = 1 "
        "THEN sp.participant_id END) FROM sessions s JOIN session_skills ss ON ss.session_id = s.id "
        "JOIN skills k ON k.id = ss.skill_id LEFT JOIN session_people sp ON sp.session_id = s.id"
        f"{s.where()} GROUP BY k.id ORDER BY 3 DESC, 2 DESC, k.name LIMIT ?",
        [*s.params, limit],
    )
    return [SkillLearned(name, int(n), int(learners)) for name, n, learners in rows]


@dataclass(frozen=True)
class QuietPairing:
    """A running pairing that has not met (held session) for `days` days or more."""

    pairing_id: int
    kind: str
    started_on: dt.date
    last_met: dt.date | None
    days_since: int
    members: tuple[tuple[int, str, str], ...]  # (participant id, name, role)


def quiet_pairings(db: Database, scope: Scope, days: int = 30) -> list[QuietPairing]:
    """Pairings running at the scope's as-of day with no held session in the last `days` days
    (the complement of catalogue.pairings_meeting_rate), longest silence first."""
    as_of = scope.as_of
    pr = pairing_filter(scope, Sql(), as_of)
    rows = db.execute(
        "SELECT pr.id, pr.kind, pr.started_on, (SELECT max(substr(s.start_utc, 1, 10)) FROM sessions s "
        "WHERE s.pairing_id = pr.id AND s.status = 'held' AND s.start_utc < date(?, '+1 day')) AS last "
        f"FROM pairings pr{pr.where()}",
        [as_of.isoformat(), *pr.params],
    ).fetchall()
    cutoff = as_of - dt.timedelta(days=days - 1)
    quiet = []
    for pid, kind, started, last in rows:
        last_day = dt.date.fromisoformat(last) if last else None
        if last_day is not None and last_day >= cutoff:
            continue
        since = (as_of - (last_day or dt.date.fromisoformat(started))).days
        quiet.append((pid, kind, dt.date.fromisoformat(started), last_day, since))
    members: dict[int, list[tuple[int, str, str]]] = defaultdict(list)
    ids = [q[0] for q in quiet]
    for chunk in range(0, len(ids), 500):
        part = ids[chunk : chunk + 500]
        for pairing_id, pid, name, role in db.execute(
            "SELECT pm.pairing_id, p.id, p.name, pm.role FROM pairing_members pm JOIN participants p "
            f"ON p.id = pm.participant_id WHERE pm.pairing_id IN ({','.join('?' * len(part))}) "
            "ORDER BY pm.pairing_id, CASE pm.role WHEN 'mentor' THEN 0 WHEN 'host' THEN 1 ELSE 2 END, p.name",
            part,
        ):
            members[pairing_id].append((pid, name, role))
    result = [QuietPairing(p, k, st, last, since, tuple(members[p])) for p, k, st, last, since in quiet]
    result.sort(key=lambda q: (-q.days_since, q.pairing_id))
    return result


@dataclass(frozen=True)
class FeedbackItem:
    """One comment, with the rater shown only when they did not ask to stay anonymous."""

    session_id: int
    session_title: str
    day: dt.date
    rating: int
    comment: str
    rater: str  # '' when anonymous or erased


def feedback_highlights(db: Database, scope: Scope, limit: int = 8) -> list[FeedbackItem]:
    """The best-rated, most recent comments of held sessions in scope."""
    s = session_filter(scope, Sql().add("s.status = 'held'").add("trim(f.comment) != ''"))
    return _feedback(db, s, "ORDER BY f.rating DESC, s.start_utc DESC, f.id DESC LIMIT ?", limit)


def feedback_received(db: Database, participant_id: int, scope: Scope) -> list[FeedbackItem]:
    """Feedback on held sessions the participant hosted, newest first."""
    s = session_filter(scope, Sql().add("s.status = 'held'"))
    s.add("s.id IN (SELECT session_id FROM session_people WHERE participant_id = ? AND role = 'host')", participant_id)
    s.add("(f.participant_id IS NULL OR f.participant_id != ?)", participant_id)
    return _feedback(db, s, "ORDER BY s.start_utc DESC, f.id DESC LIMIT ?", 10_000)


def _feedback(db: Database, s: Sql, tail: str, limit: int) -> list[FeedbackItem]:
    rows = db.execute(
        "SELECT s.id, s.title, substr(s.start_utc, 1, 10), f.rating, f.comment, "
        "CASE WHEN f.anonymous = 1 THEN '' ELSE coalesce(p.name, '') END FROM sessions s "
        "JOIN feedback f ON f.session_id = s.id LEFT JOIN participants p ON p.id = f.participant_id"
        f"{s.where()} {tail}",
        [*s.params, limit],
    )
    return [
        FeedbackItem(sid, title, dt.date.fromisoformat(day), int(r), c, rater) for sid, title, day, r, c, rater in rows
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


def sessions_of(db: Database, participant_id: int, scope: Scope) -> list[SessionLine]:
    """Held sessions in scope the participant hosted or was invited to, oldest first."""
    s = session_filter(scope, Sql().add("s.status = 'held'"), department=False)
    rows = db.execute(
        "SELECT s.id, s.title, s.kind, s.start_utc, s.duration_min, sp.role, sp.attended FROM sessions s "
        f"JOIN session_people sp ON sp.session_id = s.id AND sp.participant_id = ?{s.where()} ORDER BY s.start_utc",
        [participant_id, *s.params],
    )
    return [
        SessionLine(sid, title, kind, start, int(d), role, None if att is None else bool(att))
        for sid, title, kind, start, d, role, att in rows
    ]
