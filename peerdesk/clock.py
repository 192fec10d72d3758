"""The one clock of the application, replaceable in tests."""

from __future__ import annotations

import datetime as dt

_fixed: dt.datetime | None = None


def now() -> dt.datetime:
    """The current time, timezone-aware in UTC."""
    return _fixed if _fixed is not None else dt.datetime.now(dt.UTC)


def today() -> dt.date:
    """Today's date in UTC."""
    return now().date()


def stamp() -> str:
    """The current time as an ISO 8601 UTC string for the store."""
    return now().replace(microsecond=0).isoformat()


def freeze(at: dt.datetime | None) -> None:
    """Fix the clock at a moment (tests, reproducible demos); None releases it."""
    global _fixed
    if at is not None and at.tzinfo is None:
        raise ValueError("freeze() needs an aware datetime")
    _fixed = at
