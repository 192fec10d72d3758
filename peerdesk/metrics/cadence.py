"""Pairs behind their program's cadence (peerdesk.store.cadence), as rows and as a rate.

One definition serves the dashboard's "Pairs not meeting" list, the program report's
pairings health, the reminders drafted to pairs, and the goal metric "pairings on cadence":
a pairing running on the as-of day is *behind* when it started more than its allowed gap ago
and held no session in the allowed gap up to that day (the as-of day and the gap - 1 days
before it). Every other running pairing is *on cadence*, including new ones still inside
their first gap.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from peerdesk.metrics.scope import Scope, Sql, pairing_filter
from peerdesk.store.cadence import gap_sql
from peerdesk.store.db import Database


@dataclass(frozen=True)
class BehindSql:
    """Running pairings with their last held meeting, gap and whether they are behind."""

    sql: str  # columns: id, kind, program_id, started_on, last (UTC text or NULL), gap, behind (0/1)
    params: list[Any]


def pairing_rows(scope: Scope, as_of: dt.date, days: int | None = None) -> BehindSql:
    """Every pairing running on `as_of` in the scope; `days` fixes one gap for all (None: each
    program's cadence)."""
    day = as_of.isoformat()
    tomorrow = (as_of + dt.timedelta(days=1)).isoformat()
    gap = str(int(days)) if days is not None else gap_sql("pr.program_id")
    pr = pairing_filter(scope, Sql(), as_of)
    # `+s.status` keeps the planner on sessions_pairing (pairing, start) rather than the status index.
    inner = (
        "SELECT pr.id, pr.kind, pr.program_id, pr.started_on, (SELECT max(s.start_utc) FROM sessions s "
        "WHERE s.pairing_id = pr.id AND +s.status = 'held' AND s.start_utc < ?) AS last, "
        f"{gap} AS gap FROM pairings pr{pr.where()}"
    )
    since = "date(?, '-' || (gap - 1) || ' days')"
    sql = (
        "SELECT id, kind, program_id, started_on, last, gap, "
        f"(started_on < {since} AND (last IS NULL OR last < {since})) AS behind FROM ({inner})"
    )
    return BehindSql(sql, [day, day, tomorrow, *pr.params])


def on_cadence_counts(db: Database, scope: Scope, as_of: dt.date | None = None) -> tuple[int, int]:
    """(running pairings, how many of them are on cadence) on the as-of day."""
    rows = pairing_rows(scope, as_of or scope.as_of)
    total, behind = db.execute(f"SELECT count(*), coalesce(sum(behind), 0) FROM ({rows.sql})", rows.params).fetchone()
    return int(total), int(total) - int(behind)


def pairings_on_cadence(db: Database, scope: Scope, params: Mapping[str, Any]) -> float | None:
    """Share (percent) of the pairings running at the end of the period that are on cadence."""
    total, on = on_cadence_counts(db, scope)
    return 100.0 * on / total if total else None


@dataclass(frozen=True)
class Behind:
    """A pairing behind its cadence on a day."""

    pairing_id: int
    program_id: int | None
    started_on: dt.date
    last_met: dt.date | None  # the UTC day of its last held meeting
    gap: int  # its allowed gap in days


def behind_pairings(db: Database, scope: Scope, as_of: dt.date | None = None) -> list[Behind]:
    """Every pairing behind its cadence on the as-of day (default: the scope's), longest quiet first."""
    rows = pairing_rows(scope, as_of or scope.as_of)
    return [
        Behind(
            int(pid),
            program_id,
            dt.date.fromisoformat(started),
            dt.date.fromisoformat(last[:10]) if last else None,
            int(gap),
        )
        for pid, program_id, started, last, gap in db.execute(
            f"SELECT id, program_id, started_on, last, gap FROM ({rows.sql}) WHERE behind "
            "ORDER BY coalesce(last, started_on), id",
            rows.params,
        )
    ]
