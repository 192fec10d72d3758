"""Recurring sessions in the store: the series rows and how occurrences belong to them.

The rules themselves (RRULE text, expanding them in a zone) live in peerdesk.sessions.recurrence;
this module only reads and writes the tables.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from peerdesk import clock
from peerdesk.store.db import Database
from peerdesk.store.errors import NotFound
from peerdesk.store.sessions import SeriesId, to_utc_text


@dataclass(frozen=True)
class Series:
    """A stored recurrence: the RRULE text, its zone and first local start."""

    id: SeriesId
    rrule: str
    timezone: str
    first_start_local: dt.datetime


def get_series(db: Database, series_id: int) -> Series:
    row = db.execute("SELECT id, rrule, timezone, first_start_local FROM series WHERE id = ?", (series_id,)).fetchone()
    if row is None:
        raise NotFound(f"Series {series_id} does not exist.")
    return Series(SeriesId(row[0]), row[1], row[2], dt.datetime.fromisoformat(row[3]))


def insert_series(db: Database, rrule_text: str, timezone: str, first_local: dt.datetime) -> SeriesId:
    cur = db.execute(
        "INSERT INTO series(rrule, timezone, first_start_local, created_at) VALUES (?, ?, ?, ?)",
        (rrule_text, timezone, first_local.replace(tzinfo=None, microsecond=0).isoformat(), clock.stamp()),
    )
    return SeriesId(int(cur.lastrowid or 0))


def set_rule(db: Database, series_id: int, rrule_text: str) -> None:
    db.execute("UPDATE series SET rrule = ? WHERE id = ?", (rrule_text, series_id))


def occurrence_ids(db: Database, series_id: int) -> list[int]:
    """The sessions of a series, in rule order."""
    return [
        r[0]
        for r in db.execute(
            "SELECT id FROM sessions WHERE series_id = ? ORDER BY coalesce(original_start_utc, start_utc), id",
            (series_id,),
        )
    ]


def place_in_series(db: Database, session_id: int, series_id: int, original_start: dt.datetime) -> None:
    """Make a session the occurrence of a series that the rule puts at original_start."""
    db.execute(
        "UPDATE sessions SET series_id = ?, original_start_utc = ?, updated_at = ? WHERE id = ?",
        (series_id, to_utc_text(original_start), clock.stamp(), session_id),
    )


def bump_sequences(db: Database, session_ids: Iterable[int]) -> None:
    """Calendars take a changed event only with a higher sequence."""
    db.conn.executemany(
        "UPDATE sessions SET sequence = sequence + 1, updated_at = ? WHERE id = ?",
        [(clock.stamp(), i) for i in session_ids],
    )


def delete_occurrence(db: Database, session_id: int) -> None:
    db.execute("DELETE FROM sessions WHERE id = ?", (session_id,))


def delete_if_empty(db: Database, series_id: int) -> None:
    """Remove a series that no session belongs to any more."""
    if not db.execute("SELECT 1 FROM sessions WHERE series_id = ? LIMIT 1", (series_id,)).fetchone():
        db.execute("DELETE FROM series WHERE id = ?", (series_id,))


def cancel_from(db: Database, series_id: int, pivot: dt.datetime) -> int:
    """Cancel every planned occurrence of a series from pivot on; return how many."""
    cur = db.execute(
        "UPDATE sessions SET status = 'cancelled', sequence = sequence + 1, updated_at = ? "
        "WHERE series_id = ? AND status = 'planned' AND coalesce(original_start_utc, start_utc) >= ?",
        (clock.stamp(), series_id, to_utc_text(pivot)),
    )
    return int(cur.rowcount)
