"""Feedback summarised by session kind, host and month, with the comments, to see what to change."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peerdesk.metrics.scope import Scope, Sql, led, session_day, session_filter
from peerdesk.store.db import Database
from peerdesk.store.records import SESSION_KINDS

GOOD = 4


@dataclass(frozen=True)
class RatingGroup:
    """Ratings of one group of sessions (a kind, a host or a month)."""

    key: str
    label: str
    sessions: int
    ratings: int
    average: float | None
    good_share: float | None  # percent of ratings >= 4
    low: int  # ratings of 1 or 2


@dataclass(frozen=True)
class Comment:
    session_id: int
    session_title: str
    kind: str
    day: dt.date  # in the session's time zone
    rating: int
    comment: str
    author: str  # "Anonymous" when anonymous or erased


@dataclass(frozen=True)
class FeedbackSummary:
    ratings: int
    average: float | None
    distribution: tuple[int, int, int, int, int]  # how many 1s ... 5s
    by_kind: tuple[RatingGroup, ...]
    by_host: tuple[RatingGroup, ...]  # empty when not asked for (hosts=False)
    by_month: tuple[RatingGroup, ...]
    comments: tuple[Comment, ...]


def _group(key: object, label: str, sessions: int, n: int, avg: float | None, good: int, low: int) -> RatingGroup:
    return RatingGroup(
        str(key),
        label,
        int(sessions),
        int(n),
        float(avg) if avg is not None else None,
        100.0 * good / n if n else None,
        int(low or 0),
    )


def feedback_summary(
    db: Database, scope: Scope | None = None, comments_limit: int = 200, *, hosts: bool = True
) -> FeedbackSummary:
    """Ratings of held sessions in the scope, grouped three ways, and the latest comments.

    The total, the distribution, and the groups by kind and by month all come from one query
    grouped by (month, kind): a session has one month and one kind, so its groups add up.
    The breakdown by host is a join of its own; with hosts=False it is left out (empty).
    """
    scope = scope or Scope()
    s = session_filter(scope, Sql().add("s.status = 'held'"))
    frm = f"FROM sessions s JOIN feedback f ON f.session_id = s.id{s.where()}"
    agg = f"count(DISTINCT s.id), count(*), avg(f.rating), sum(f.rating >= {GOOD}), sum(f.rating <= 2)"
    cells = db.execute(
        "SELECT substr(s.start_utc, 1, 7), s.kind, count(DISTINCT s.id), count(*), sum(f.rating), "
        f"sum(f.rating >= {GOOD}), sum(f.rating <= 2), "
        f"{', '.join(f'sum(f.rating = {r})' for r in range(1, 6))} {frm} GROUP BY 1, 2",
        s.params,
    ).fetchall()
    kinds: dict[str, list[int]] = {}
    months: dict[str, list[int]] = {}
    dist = [0] * 5
    for month, kind, *counts in cells:
        for key, groups in ((kind, kinds), (month, months)):
            acc = groups.setdefault(key, [0] * 5)
            for i in range(5):  # sessions, ratings, sum of ratings, good, low
                acc[i] += counts[i]
        for i in range(5):
            dist[i] += counts[5 + i]
    n = sum(g[1] for g in kinds.values())
    total = sum(g[2] for g in kinds.values())

    def group(key: str, label: str, acc: list[int]) -> RatingGroup:
        sessions, ratings, rating_sum, good, low = acc
        return _group(key, label, sessions, ratings, rating_sum / ratings, good, low)

    by_kind = tuple(
        group(k, SESSION_KINDS.get(k, k.replace("_", " ").capitalize()), acc)
        for k, acc in sorted(kinds.items(), key=lambda item: (-item[1][1], item[0]))
    )
    by_month = tuple(
        group(m, dt.date.fromisoformat(m + "-01").strftime("%b %Y"), acc) for m, acc in sorted(months.items())
    )
    by_host = (
        tuple(
            _group(pid, name, *rest)
            for pid, name, *rest in db.execute(
                f"SELECT h.participant_id, p.name, {agg} FROM sessions s JOIN feedback f ON f.session_id = s.id "
                f"JOIN session_people h ON h.session_id = s.id AND {led('h')} "
                "AND (f.participant_id IS NULL OR f.participant_id != h.participant_id) "
                f"JOIN participants p ON p.id = h.participant_id{s.where()} "
                "GROUP BY h.participant_id ORDER BY count(*) DESC, p.name COLLATE NOCASE",
                s.params,
            )
        )
        if hosts
        else ()
    )
    comments = tuple(
        Comment(sid, title, kind, session_day(start, zone), rating, text, author or "Anonymous")
        for sid, title, kind, start, zone, rating, text, author in db.execute(
            "SELECT s.id, s.title, s.kind, s.start_utc, s.timezone, f.rating, f.comment, "
            "CASE WHEN f.anonymous = 0 THEN p.name END "
            "FROM sessions s JOIN feedback f ON f.session_id = s.id LEFT JOIN participants p ON p.id = f.participant_id"
            f"{s.where()} AND trim(f.comment) != '' ORDER BY s.start_utc DESC, f.id DESC LIMIT ?",
            [*s.params, comments_limit],
        )
    )
    return FeedbackSummary(
        ratings=n,
        average=total / n if n else None,
        distribution=(dist[0], dist[1], dist[2], dist[3], dist[4]),
        by_kind=by_kind,
        by_host=by_host,
        by_month=by_month,
        comments=comments,
    )
