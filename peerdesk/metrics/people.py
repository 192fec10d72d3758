"""Per-person figures, contribution points and the leaderboard.

Figures of one person, over a Scope (its period, program and kinds; its department
filters the people counted):
- sessions led / hours mentored: held sessions where they were host and present
  (a host with unrecorded attendance counts as present, see peerdesk.metrics.scope);
- people helped: distinct attendees present at the sessions they led, together with
  the mentees of their mentoring pairings that ran during the period;
- ratings received: feedback on the sessions they led (not their own feedback);
- good feedback: those ratings of 4 or 5;
- sessions attended / hours of learning: held sessions where they were an attendee and present.

Contribution points reward giving, not receiving:
10 per session led, 3 per hour mentored, 5 per person helped, 1 per good rating,
rounded to a whole number (halves up).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass, field

from peerdesk.metrics.scope import ACTIVE_PERSON, PRESENT, Scope, Sql, person_filter, session_filter
from peerdesk.store.db import Database
from peerdesk.store.training import TRAINED_IDS_SQL

POINTS_PER_SESSION_LED = 10
POINTS_PER_HOUR_MENTORED = 3
POINTS_PER_PERSON_HELPED = 5
POINTS_PER_GOOD_RATING = 1
GOOD_RATING = 4


@dataclass(frozen=True)
class ProgramCompletion:
    """A program a person is enrolled in, and whether they completed it."""

    program_id: int
    name: str
    enrolled_on: dt.date
    completed_on: dt.date | None


@dataclass(frozen=True)
class PersonFigures:
    """What one person gave and received over a scope."""

    participant_id: int
    sessions_led: int = 0
    hours_mentored: float = 0.0
    people_helped: int = 0
    ratings_received: int = 0
    average_rating_received: float | None = None
    good_ratings: int = 0
    sessions_attended: int = 0
    hours_learning: float = 0.0
    trained: bool = False
    programs: tuple[ProgramCompletion, ...] = field(default=())

    @property
    def points(self) -> int:
        """Contribution points (see the module docstring)."""
        raw = (
            self.sessions_led * POINTS_PER_SESSION_LED
            + self.hours_mentored * POINTS_PER_HOUR_MENTORED
            + self.people_helped * POINTS_PER_PERSON_HELPED
            + self.good_ratings * POINTS_PER_GOOD_RATING
        )
        return math.floor(raw + 0.5)  # halves round up

    def program(self, program_id: int) -> ProgramCompletion | None:
        return next((p for p in self.programs if p.program_id == program_id), None)


@dataclass(frozen=True)
class LeaderboardEntry:
    """One line of the leaderboard."""

    rank: int
    participant_id: int
    name: str
    email: str
    department: str
    figures: PersonFigures

    @property
    def points(self) -> int:
        return self.figures.points


def _ids_clause(ids: list[int] | None, column: str, sql: Sql) -> Sql:
    if ids is not None:
        sql.add(f"{column} IN ({','.join('?' * len(ids))})", *ids)
    return sql


def _overlap(scope: Scope, alias: str = "pr") -> Sql:
    """Pairings that ran at some point in the scope's period."""
    sql = Sql()
    lo, hi = scope.period.bounds()
    if hi:
        sql.add(f"{alias}.started_on < ?", hi)
    if lo:
        sql.add(f"({alias}.ended_on IS NULL OR {alias}.ended_on >= ?)", lo)
    if scope.program_id is not None:
        sql.add(f"{alias}.program_id = ?", scope.program_id)
    if scope.pairing_kind:
        sql.add(f"{alias}.kind = ?", scope.pairing_kind)
    return sql


def people_figures(
    db: Database, scope: Scope | None = None, ids: Iterable[int] | None = None
) -> dict[int, PersonFigures]:
    """Figures of everyone who took part in the scope (or of the given ids, even with zero figures)."""
    scope = scope or Scope()
    wanted = sorted(set(ids)) if ids is not None else None
    held = session_filter(scope, Sql().add("s.status = 'held'"), department=False)
    dept = person_filter(scope, Sql(), "p", program=False)
    people = _ids_clause(wanted, "sp.participant_id", Sql())
    # FROM sessions s JOIN session_people sp [JOIN participants p]; `more` joins go after it.
    dept_join = " JOIN participants p ON p.id = sp.participant_id" if dept.clauses else ""
    common = [*held.clauses, *dept.clauses, *people.clauses]
    args = [*held.params, *dept.params, *people.params]

    def query(select: str, role: str, more: str = "") -> str:
        cond = ["sp.role = 'host'", PRESENT] if role == "host" else ["sp.role = 'attendee'", "sp.attended = 1"]
        return (
            f"SELECT {select} FROM sessions s JOIN session_people sp ON sp.session_id = s.id{dept_join}{more} "
            f"WHERE {' AND '.join([*cond, *common])}"
        )

    led: dict[int, tuple[int, int]] = {
        pid: (n, minutes)
        for pid, n, minutes in db.execute(
            query("sp.participant_id, count(*), sum(s.duration_min)", "host") + " GROUP BY sp.participant_id", args
        )
    }
    attended: dict[int, tuple[int, int]] = {
        pid: (n, minutes)
        for pid, n, minutes in db.execute(
            query("sp.participant_id, count(*), sum(s.duration_min)", "attendee") + " GROUP BY sp.participant_id",
            args,
        )
    }
    feedback_join = " JOIN feedback f ON f.session_id = s.id AND (f.participant_id IS NULL OR f.participant_id != sp.participant_id)"
    ratings: dict[int, tuple[int, float, int]] = {
        pid: (n, avg, good)
        for pid, n, avg, good in db.execute(
            query(f"sp.participant_id, count(*), avg(f.rating), sum(f.rating >= {GOOD_RATING})", "host", feedback_join)
            + " GROUP BY sp.participant_id",
            args,
        )
    }
    overlap = _overlap(scope)
    mentors = _ids_clause(wanted, "m.participant_id", Sql())
    attendee_join = (
        " JOIN session_people a ON a.session_id = s.id AND a.role = 'attendee' AND a.attended = 1"
        " AND a.participant_id != sp.participant_id"
    )
    helped: dict[int, int] = {
        pid: n
        for pid, n in db.execute(
            "SELECT helper, count(DISTINCT helped) FROM ("
            + query("sp.participant_id AS helper, a.participant_id AS helped", "host", attendee_join)
            + " UNION SELECT m.participant_id, e.participant_id FROM pairing_members m "
            "JOIN pairings pr ON pr.id = m.pairing_id "
            "JOIN pairing_members e ON e.pairing_id = pr.id AND e.role = 'mentee' "
            f"WHERE m.role = 'mentor'{overlap.and_()}{mentors.and_()}) GROUP BY helper",
            [*args, *overlap.params, *mentors.params],
        )
    }
    found = set(led) | set(attended) | set(ratings) | set(helped)
    keys = wanted if wanted is not None else sorted(found)
    trained = {r[0] for r in db.execute(TRAINED_IDS_SQL, {"as_of": scope.as_of.isoformat()})}
    programs = _programs(db, keys if wanted is not None else None)
    out = {}
    for pid in keys:
        n_led, led_min = led.get(pid, (0, 0))
        n_att, att_min = attended.get(pid, (0, 0))
        n_rat, avg, good = ratings.get(pid, (0, None, 0))
        out[pid] = PersonFigures(
            participant_id=pid,
            sessions_led=n_led,
            hours_mentored=(led_min or 0) / 60,
            people_helped=helped.get(pid, 0),
            ratings_received=n_rat,
            average_rating_received=float(avg) if avg is not None else None,
            good_ratings=good or 0,
            sessions_attended=n_att,
            hours_learning=(att_min or 0) / 60,
            trained=pid in trained,
            programs=tuple(programs.get(pid, ())),
        )
    return out


def _programs(db: Database, ids: list[int] | None) -> dict[int, list[ProgramCompletion]]:
    where = _ids_clause(ids, "pm.participant_id", Sql())
    out: dict[int, list[ProgramCompletion]] = {}
    for pid, prog, name, enrolled, done in db.execute(
        "SELECT pm.participant_id, pm.program_id, pr.name, pm.enrolled_on, pm.completed_on FROM program_members pm "
        f"JOIN programs pr ON pr.id = pm.program_id{where.where()} ORDER BY pm.enrolled_on, pr.name",
        where.params,
    ):
        out.setdefault(pid, []).append(
            ProgramCompletion(
                prog, name, dt.date.fromisoformat(enrolled), dt.date.fromisoformat(done) if done else None
            )
        )
    return out


def person_figures(db: Database, participant_id: int, scope: Scope | None = None) -> PersonFigures:
    """Figures of one person over a scope (default: all time, all programs)."""
    return people_figures(db, scope, [participant_id])[participant_id]


def leaderboard(db: Database, scope: Scope | None = None, limit: int | None = 10) -> list[LeaderboardEntry]:
    """Active contributors ranked by points (ties share a rank), best first; only people with points."""
    scope = scope or Scope()
    figures = people_figures(db, scope)
    if not figures:
        return []
    w = person_filter(scope, Sql().add(ACTIVE_PERSON), program=False)
    info = {
        pid: (name, email, dept)
        for pid, name, email, dept in db.execute(
            f"SELECT p.id, p.name, p.email, p.department FROM participants p{w.where()}", w.params
        )
    }
    ranked = sorted(
        ((f, info[pid]) for pid, f in figures.items() if pid in info and f.points > 0),
        key=lambda x: (-x[0].points, -x[0].hours_mentored, x[1][0].casefold()),
    )
    out: list[LeaderboardEntry] = []
    for i, (f, (name, email, dept)) in enumerate(ranked):
        rank = out[-1].rank if out and out[-1].points == f.points else i + 1
        if limit is not None and rank > limit:
            break
        out.append(LeaderboardEntry(rank, f.participant_id, name, email, dept, f))
    return out
