"""Feedback summarised by session kind, host and month, with the comments, to see what to change."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from peerdesk.metrics.scope import Scope, Sql, session_filter
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
    day: dt.date
    rating: int
    comment: str
    author: str  # "Anonymous" when anonymous or erased


@dataclass(frozen=True)
class FeedbackSummary:
    ratings: int
    average: float | None
    distribution: tuple[int, int, int, int, int]  # how many 1s ... 5s
    by_kind: tuple[RatingGroup, ...]
    by_host: tuple[RatingGroup, ...]
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


def feedback_summary(db: Database, scope: Scope | None = None, comments_limit: int = 200) -> FeedbackSummary:
    """Ratings of held sessions in the scope, grouped three ways, and the latest comments."""
    scope = scope or Scope()
    s = session_filter(scope, Sql().add("s.status = 'held'"))
    frm = f"FROM sessions s JOIN feedback f ON f.session_id = s.id{s.where()}"
    agg = f"count(DISTINCT s.id), count(*), avg(f.rating), sum(f.rating >= {GOOD}), sum(f.rating <= 2)"
    n, avg = db.execute(f"SELECT count(*), avg(f.rating) {frm}", s.params).fetchone()
    dist = dict(db.execute(f"SELECT f.rating, count(*) {frm} GROUP BY f.rating", s.params).fetchall())
    by_kind = tuple(
        _group(k, SESSION_KINDS.get(k, k.replace("_", " ").capitalize()), *rest)
        for k, *rest in db.execute(f"SELECT s.kind, {agg} {frm} GROUP BY s.kind ORDER BY count(*) DESC", s.params)
    )
    by_host = tuple(
        _group(pid, name, *rest)
        for pid, name, *rest in db.execute(
            f"SELECT h.participant_id, p.name, {agg} FROM sessions s JOIN feedback f ON f.session_id = s.id "
            "JOIN session_people h ON h.session_id = s.id AND h.role = 'host' "
            "AND (f.participant_id IS NULL OR f.participant_id != h.participant_id) "
            f"JOIN participants p ON p.id = h.participant_id{s.where()} "
            "GROUP BY h.participant_id ORDER BY count(*) DESC, p.name COLLATE NOCASE",
            s.params,
        )
    )
    by_month = tuple(
        _group(m, dt.date.fromisoformat(m + "-01").strftime("%b %Y"), *rest)
        for m, *rest in db.execute(f"SELECT substr(s.start_utc, 1, 7), {agg} {frm} GROUP BY 1 ORDER BY 1", s.params)
    )
    comments = tuple(
        Comment(sid, title, kind, dt.date.fromisoformat(start[:10]), rating, text, author or "Anonymous")
        for sid, title, kind, start, rating, text, author in db.execute(
            "SELECT s.id, s.title, s.kind, s.start_utc, f.rating, f.comment, "
            "CASE WHEN f.anonymous = 0 THEN p.name END "
            "FROM sessions s JOIN feedback f ON f.session_id = s.id LEFT JOIN participants p ON p.id = f.participant_id"
            f"{s.where()} AND trim(f.comment) != '' ORDER BY s.start_utc DESC, f.id DESC LIMIT ?",
            [*s.params, comments_limit],
        )
    )
    return FeedbackSummary(
        ratings=int(n),
        average=float(avg) if avg is not None else None,
        distribution=tuple(int(dist.get(r, 0)) for r in range(1, 6)),  # type: ignore[arg-type]
        by_kind=by_kind,
        by_host=by_host,
        by_month=by_month,
        comments=comments,
    )
