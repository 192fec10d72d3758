"""Figures of a program's rhythm: cohort completion and the response to feedback requests.

- A cohort's completion rate is the share of its members (enrolled by the as-of day) whose
  cohort completion is dated on or before that day; cohorts starting later are left out.
- A feedback request is a person asked (a 'feedback' draft in the drafting log) about a held
  session; it is *answered* when feedback from that person for that session exists, however
  it came in (survey import or typed in). Asking the same person twice about the same session
  is one request. The response rate is answered / requested, per session kind and per host
  (the hosts who led the session, not counting a host's own answer).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peerdesk import clock
from peerdesk.metrics.scope import Scope, Sql, led, session_filter
from peerdesk.store.cohorts import Cohort, get_cohort
from peerdesk.store.db import Database
from peerdesk.store.records import SESSION_KINDS


@dataclass(frozen=True)
class CohortFigures:
    """One cohort's enrolment and completion."""

    cohort: Cohort
    members: int
    completed: int

    @property
    def completion_rate(self) -> float | None:
        """Percent of members who completed (None for a cohort without members)."""
        return 100.0 * self.completed / self.members if self.members else None


def cohort_figures(db: Database, program_id: int, as_of: dt.date | None = None) -> list[CohortFigures]:
    """The program's cohorts that started by the as-of day (default today), earliest first."""
    day = (as_of or clock.today()).isoformat()
    return [
        CohortFigures(get_cohort(db, cid), int(members), int(done))
        for cid, members, done in db.execute(
            "SELECT c.id, count(m.participant_id), count(CASE WHEN m.completed_on <= ? THEN 1 END) FROM cohorts c "
            "LEFT JOIN cohort_members m ON m.cohort_id = c.id AND m.enrolled_on <= ? "
            "WHERE c.program_id = ? AND c.start_date <= ? GROUP BY c.id ORDER BY c.start_date, c.id",
            (day, day, program_id, day),
        )
    ]


@dataclass(frozen=True)
class ResponseGroup:
    """Feedback requests of one group of sessions and how many were answered."""

    key: str
    label: str
    requested: int
    answered: int

    @property
    def rate(self) -> float | None:
        return 100.0 * self.answered / self.requested if self.requested else None


@dataclass(frozen=True)
class ResponseRates:
    total: ResponseGroup
    by_kind: tuple[ResponseGroup, ...]
    by_host: tuple[ResponseGroup, ...]


def _requests(scope: Scope) -> tuple[str, list[object]]:
    """One row per (held session in scope, person asked about it), with answered 0/1."""
    s = session_filter(scope, Sql().add("s.status = 'held'"))
    return (
        "SELECT r.session_id, r.participant_id, s.kind, EXISTS (SELECT 1 FROM feedback f "
        "WHERE f.session_id = r.session_id AND f.participant_id = r.participant_id) AS answered "
        "FROM (SELECT DISTINCT session_id, participant_id FROM draft_log WHERE kind = 'feedback' "
        "AND session_id IS NOT NULL) r JOIN sessions s ON s.id = r.session_id"
        f"{s.where()}",
        s.params,
    )


def response_rates(db: Database, scope: Scope | None = None) -> ResponseRates:
    """Feedback requests drafted about held sessions in the scope, answered or not, in total,
    by session kind (most requested first) and by host."""
    scope = scope or Scope()
    rows, params = _requests(scope)
    kinds = [
        ResponseGroup(kind, SESSION_KINDS.get(kind, kind.replace("_", " ").capitalize()), int(n), int(yes))
        for kind, n, yes in db.execute(
            f"SELECT kind, count(*), sum(answered) FROM ({rows}) GROUP BY kind ORDER BY count(*) DESC, kind", params
        )
    ]
    hosts = tuple(
        ResponseGroup(str(pid), name, int(n), int(yes))
        for pid, name, n, yes in db.execute(
            f"SELECT h.participant_id, p.name, count(*), sum(r.answered) FROM ({rows}) r "
            f"JOIN session_people h ON h.session_id = r.session_id AND {led('h')} "
            "AND h.participant_id != r.participant_id JOIN participants p ON p.id = h.participant_id "
            "GROUP BY h.participant_id ORDER BY count(*) DESC, p.name COLLATE NOCASE",
            params,
        )
    )
    total = ResponseGroup("all", "All sessions", sum(k.requested for k in kinds), sum(k.answered for k in kinds))
    return ResponseRates(total, tuple(kinds), hosts)
