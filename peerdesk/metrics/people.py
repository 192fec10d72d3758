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
from collections.abc import Iterable
from dataclasses import dataclass, field

from peerdesk.metrics import numbers
from peerdesk.metrics.scope import ACTIVE_PERSON, Scope, Sql, done_on, led, person_filter, session_filter
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
        return numbers.whole(raw)  # halves round up

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


# Up to this many people asked for by id, their figures are read person by person (see _Queries).
_PERSON_FIRST = 1000


class _Queries:
    """The grouped per-person queries behind people_figures, over one scope (and optional ids)."""

    def __init__(self, scope: Scope, wanted: list[int] | None) -> None:
        held = session_filter(scope, Sql().add("s.status = 'held'"), department=False)
        dept = person_filter(scope, Sql(), "p", program=False)
        people = _ids_clause(wanted, "sp.participant_id", Sql())
        # FROM sessions s JOIN session_people sp [JOIN participants p]; `more` joins go after it.
        self.dept_join = " JOIN participants p ON p.id = sp.participant_id" if dept.clauses else ""
        self.common = [*held.clauses, *dept.clauses, *people.clauses]
        self.args = [*held.params, *dept.params, *people.params]
        self.scope = scope
        self.wanted = wanted
        # For a few people, start from their own rows (session_people_person_cover) and look
        # their sessions up; CROSS JOIN keeps SQLite to that order. Otherwise the planner reads
        # every session of the period, which for ten people is a hundred times slower.
        if wanted is not None and len(wanted) <= _PERSON_FIRST:
            self.people = "FROM session_people sp CROSS JOIN sessions s ON s.id = sp.session_id"
        else:
            self.people = "FROM sessions s JOIN session_people sp ON sp.session_id = s.id"

    def query(self, select: str, role: str, more: str = "") -> str:
        cond = [led()] if role == "host" else ["sp.role = 'attendee'", "sp.attended = 1"]
        return f"SELECT {select} {self.people}{self.dept_join}{more} WHERE {' AND '.join([*cond, *self.common])}"

    def sessions(self, db: Database, role: str) -> dict[int, tuple[int, int]]:
        """person -> (sessions, minutes) as host (led) or attendee (attended)."""
        return {
            pid: (n, minutes)
            for pid, n, minutes in db.execute(
                self.query("sp.participant_id, count(*), sum(s.duration_min)", role) + " GROUP BY sp.participant_id",
                self.args,
            )
        }

    def ratings(self, db: Database) -> dict[int, tuple[int, float, int]]:
        """host -> (ratings received, average, good ratings), their own feedback left out."""
        join = " JOIN feedback f ON f.session_id = s.id AND (f.participant_id IS NULL OR f.participant_id != sp.participant_id)"
        return {
            pid: (n, avg, good)
            for pid, n, avg, good in db.execute(
                self.query(f"sp.participant_id, count(*), avg(f.rating), sum(f.rating >= {GOOD_RATING})", "host", join)
                + " GROUP BY sp.participant_id",
                self.args,
            )
        }

    def helped(self, db: Database) -> dict[int, int]:
        """helper -> distinct people helped (attendees present at their sessions, mentees of their pairings)."""
        overlap = _overlap(self.scope)
        mentors = _ids_clause(self.wanted, "m.participant_id", Sql())
        attendee_join = (
            " JOIN session_people a ON a.session_id = s.id AND a.role = 'attendee' AND a.attended = 1"
            " AND a.participant_id != sp.participant_id"
        )
        # UNION ALL: count(DISTINCT) removes the duplicates once, without a second temporary b-tree.
        return {
            pid: n
            for pid, n in db.execute(
                "SELECT helper, count(DISTINCT helped) FROM ("
                + self.query("sp.participant_id AS helper, a.participant_id AS helped", "host", attendee_join)
                + " UNION ALL SELECT m.participant_id, e.participant_id FROM pairing_members m "
                "JOIN pairings pr ON pr.id = m.pairing_id "
                "JOIN pairing_members e ON e.pairing_id = pr.id AND e.role = 'mentee' "
                f"WHERE m.role = 'mentor'{overlap.and_()}{mentors.and_()}) GROUP BY helper",
                [*self.args, *overlap.params, *mentors.params],
            )
        }


def people_figures(
    db: Database, scope: Scope | None = None, ids: Iterable[int] | None = None
) -> dict[int, PersonFigures]:
    """Figures of everyone who took part in the scope (or of the given ids, even with zero figures)."""
    scope = scope or Scope()
    wanted = sorted(set(ids)) if ids is not None else None
    q = _Queries(scope, wanted)
    led = q.sessions(db, "host")
    attended = q.sessions(db, "attendee")
    ratings = q.ratings(db)
    helped = q.helped(db)
    found = set(led) | set(attended) | set(ratings) | set(helped)
    keys = wanted if wanted is not None else sorted(found)
    trained = {r[0] for r in db.execute(TRAINED_IDS_SQL, {"as_of": scope.as_of.isoformat()})}
    programs = _programs(db, keys if wanted is not None else None, scope.as_of)
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


def _contributions(db: Database, scope: Scope) -> dict[int, PersonFigures]:
    """Everyone's figures that earn points (sessions led, hours mentored, people helped, good
    ratings), from the same queries as people_figures; the other fields are left at zero."""
    q = _Queries(scope, None)
    led = q.sessions(db, "host")
    ratings = q.ratings(db)
    helped = q.helped(db)
    out = {}
    for pid in set(led) | set(ratings) | set(helped):
        n_led, led_min = led.get(pid, (0, 0))
        out[pid] = PersonFigures(
            participant_id=pid,
            sessions_led=n_led,
            hours_mentored=(led_min or 0) / 60,
            people_helped=helped.get(pid, 0),
            good_ratings=ratings.get(pid, (0, None, 0))[2] or 0,
        )
    return out


def _programs(db: Database, ids: list[int] | None, as_of: dt.date) -> dict[int, list[ProgramCompletion]]:
    """Each person's programs enrolled in by `as_of`, completed only when dated by then."""
    where = _ids_clause(ids, "pm.participant_id", Sql().add("pm.enrolled_on <= ?", as_of.isoformat()))
    out: dict[int, list[ProgramCompletion]] = {}
    for pid, prog, name, enrolled, done in db.execute(
        "SELECT pm.participant_id, pm.program_id, pr.name, pm.enrolled_on, pm.completed_on FROM program_members pm "
        f"JOIN programs pr ON pr.id = pm.program_id{where.where()} ORDER BY pm.enrolled_on, pr.name",
        where.params,
    ):
        out.setdefault(pid, []).append(
            ProgramCompletion(
                prog,
                name,
                dt.date.fromisoformat(enrolled),
                done_on(dt.date.fromisoformat(done) if done else None, as_of),
            )
        )
    return out


def person_figures(db: Database, participant_id: int, scope: Scope | None = None) -> PersonFigures:
    """Figures of one person over a scope (default: all time, all programs)."""
    return people_figures(db, scope, [participant_id])[participant_id]


# Beyond this many people listed, their full figures come from one pass over everyone
# rather than an IN list of their ids.
_FULL_FIGURES_BY_ID = 200


def leaderboard(db: Database, scope: Scope | None = None, limit: int | None = 10) -> list[LeaderboardEntry]:
    """Active contributors ranked by points (ties share a rank), best first; only people with points.

    Everyone is ranked on the figures that earn points; the full figures (sessions attended,
    ratings received...) are then read only for the people listed.
    """
    scope = scope or Scope()
    contributions = _contributions(db, scope)
    if not contributions:
        return []
    w = person_filter(scope, Sql().add(ACTIVE_PERSON), program=False)
    info = {
        pid: (name, email, dept)
        for pid, name, email, dept in db.execute(
            f"SELECT p.id, p.name, p.email, p.department FROM participants p{w.where()}", w.params
        )
    }
    ranked = sorted(
        ((f, info[pid]) for pid, f in contributions.items() if pid in info and f.points > 0),
        key=lambda x: (-x[0].points, -x[0].hours_mentored, x[1][0].casefold()),
    )
    listed: list[tuple[int, PersonFigures, tuple[str, str, str]]] = []
    for i, (f, person) in enumerate(ranked):
        rank = listed[-1][0] if listed and listed[-1][1].points == f.points else i + 1
        if limit is not None and rank > limit:
            break
        listed.append((rank, f, person))
    ids = [f.participant_id for _, f, _ in listed]
    full = people_figures(db, scope, ids) if len(ids) <= _FULL_FIGURES_BY_ID else people_figures(db, scope)
    return [
        LeaderboardEntry(rank, f.participant_id, name, email, dept, full[f.participant_id])
        for rank, f, (name, email, dept) in listed
    ]
