"""Weekly availability in UTC: each person's local windows become quarter-hour slots of one week.

Windows are stated in the person's own time zone. They are placed on a reference week
(so daylight saving time is that of the week being planned) and converted to UTC minutes
since that Monday 00:00 UTC, wrapping around the end of the week.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
from threadpoolctl import ThreadpoolController

from peerdesk.store.records import Window

SLOT_MIN = 15
WEEK_MIN = 7 * 24 * 60
SLOTS = WEEK_MIN // SLOT_MIN  # 672


@lru_cache(maxsize=512)
def _zone(name: str) -> dt.tzinfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return dt.UTC


def utc_offset_minutes(tz: str, monday: dt.date) -> int:
    """The zone's offset from UTC at noon on the reference Wednesday, in minutes."""
    local = dt.datetime.combine(monday + dt.timedelta(days=2), dt.time(12), tzinfo=_zone(tz))
    off = local.utcoffset()
    return int(off.total_seconds() // 60) if off is not None else 0


@lru_cache(maxsize=4096)
def day_offsets(tz: str, monday: dt.date) -> tuple[int, ...]:
    """The zone's UTC offset in minutes at local noon of each day of the reference week.

    A window is converted with its own day's offset, so a week that crosses a daylight
    saving change is right on both sides of it (only the night of the change is approximate).
    """
    zone = _zone(tz)
    out = []
    for d in range(7):
        local = dt.datetime.combine(monday + dt.timedelta(days=d), dt.time(12), tzinfo=zone)
        off = local.utcoffset()
        out.append(int(off.total_seconds() // 60) if off is not None else 0)
    return tuple(out)


def utc_intervals(windows: Sequence[Window], tz: str, monday: dt.date) -> list[tuple[int, int]]:
    """The windows as [start, end) minutes since the reference Monday 00:00 UTC (wrapped, merged)."""
    offsets = day_offsets(tz, monday)
    out: list[tuple[int, int]] = []
    for w in windows:
        a = (w.weekday * 1440 + w.start_min - offsets[w.weekday]) % WEEK_MIN
        b = a + (w.end_min - w.start_min)
        if b <= WEEK_MIN:
            out.append((a, b))
        else:
            out.append((a, WEEK_MIN))
            out.append((0, b - WEEK_MIN))
    out.sort()
    merged: list[tuple[int, int]] = []
    for a, b in out:
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        elif b > a:
            merged.append((a, b))
    return merged


def slot_row(windows: Sequence[Window], tz: str, monday: dt.date) -> np.ndarray:
    """A boolean row of SLOTS quarter-hours: True where the person is free (rounded to the quarter)."""
    row = np.zeros(SLOTS, dtype=bool)
    for a, b in utc_intervals(windows, tz, monday):
        s, e = round(a / SLOT_MIN), round(b / SLOT_MIN)
        row[s:e] = True
    return row


_SMALL_PRODUCT = 40_000_000  # multiply-adds below which one BLAS thread is fastest


@lru_cache(maxsize=1)
def _blas_controller() -> ThreadpoolController:
    return ThreadpoolController()


def _product(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """a @ b.T; small products on one BLAS thread (threads waiting on a busy machine cost 100x)."""
    if a.shape[0] * b.shape[0] * a.shape[1] < _SMALL_PRODUCT:
        with _blas_controller().limit(limits=1, user_api="blas"):
            small: np.ndarray = a @ b.T
            return small
    product: np.ndarray = a @ b.T
    return product


class SlotTable:
    """Everyone's free quarter-hours in UTC, stored once per distinct pattern."""

    def __init__(self, patterns: list[tuple[str, tuple[Window, ...]]], monday: dt.date) -> None:
        n = len(patterns)
        person, start, length = [], [], []
        for k, (tz, windows) in enumerate(patterns):
            if not windows:
                continue
            offsets = day_offsets(tz, monday)
            for w in windows:
                person.append(k)
                start.append(w.weekday * 1440 + w.start_min - offsets[w.weekday])
                length.append(w.end_min - w.start_min)
        free: np.ndarray = np.zeros(n * SLOTS, dtype=bool)
        if person:
            who = np.array(person, dtype=np.int64)
            a = np.array(start, dtype=np.int64) % WEEK_MIN
            b = a + np.array(length, dtype=np.int64)
            # Quarter-hours, rounded to the nearest; a window past Sunday midnight wraps to Monday.
            sa = np.rint(a / SLOT_MIN).astype(np.int64)
            sb = np.rint(b / SLOT_MIN).astype(np.int64)
            wraps = sb > SLOTS
            who = np.concatenate([who, who[wraps]])
            starts = np.concatenate([sa, np.zeros(int(wraps.sum()), dtype=np.int64)])
            ends = np.concatenate([np.minimum(sb, SLOTS), sb[wraps] - SLOTS])
            lengths = np.maximum(ends - starts, 0)
            # Every quarter-hour of every window at once: each window's first flat index,
            # repeated over its length, plus a running count within it.
            begin = np.repeat(who * SLOTS + starts - (np.cumsum(lengths) - lengths), lengths)
            free[begin + np.arange(len(begin))] = True
        free = free.reshape(n, SLOTS)
        packed = np.packbits(free, axis=1)
        keys = np.ascontiguousarray(packed).view(np.dtype((np.void, packed.shape[1]))).ravel()
        _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
        # Only the quarter-hours someone is free in matter: nights and weekends drop out.
        used = free.any(axis=0)
        self.columns = np.flatnonzero(used)  # the quarter-hour of the week of each column
        self.unique = free[first][:, used].astype(np.float32)
        self.inverse = inverse.reshape(-1).astype(np.int64)
        self.has_windows: np.ndarray = np.asarray(free.any(axis=1))

    def overlap_minutes(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """Weekly minutes both are free, for every (row person, column person)."""
        r, c = self.inverse[rows], self.inverse[cols]
        ur, r_at = np.unique(r, return_inverse=True)
        uc, c_at = np.unique(c, return_inverse=True)
        if len(ur) * len(uc) * 3 < len(r) * len(c):
            # Many people share a pattern: multiply the patterns, then spread.
            g = _product(self.unique[ur], self.unique[uc])[r_at][:, c_at]
        else:
            g = _product(self.unique[r], self.unique[c])
        g *= np.float32(SLOT_MIN)
        return g

    def pair_minutes(self, a: int, b: int) -> int:
        """Weekly minutes two people (by position) are both free."""
        return int(self.unique[self.inverse[a]] @ self.unique[self.inverse[b]]) * SLOT_MIN
