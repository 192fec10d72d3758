"""The demo program fills every screen and is reproducible."""

from __future__ import annotations

import sqlite3

import pytest

from peerdesk.demo import build_demo
from peerdesk.store import StoreError

EMPTY_ALLOWED = {"round_sitouts", "certificates", "serial_counters"}


def counts(path) -> dict[str, int]:
    conn = sqlite3.connect(path)
    try:
        tables = [
            r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")
        ]
        return {t: conn.execute(f"SELECT count(*) FROM [{t}]").fetchone()[0] for t in tables}
    finally:
        conn.close()


def test_demo_fills_every_table(tmp_path):
    path = tmp_path / "demo.db"
    build_demo(path)
    c = counts(path)
    assert 55 <= c["participants"] <= 65
    empty = {t for t, n in c.items() if n == 0} - EMPTY_ALLOWED
    assert not empty, f"demo leaves tables empty: {sorted(empty)}"
    conn = sqlite3.connect(path)
    kinds = {r[0] for r in conn.execute("SELECT DISTINCT kind FROM sessions")}
    assert {"pair_meeting", "lunch_and_learn", "workshop", "brown_bag", "show_and_tell", "coaching_circle"} <= kinds
    statuses = {r[0] for r in conn.execute("SELECT DISTINCT status FROM sessions")}
    assert statuses == {"planned", "held", "cancelled"}
    assert (
        conn.execute("SELECT count(*) FROM sessions WHERE series_id IS NOT NULL AND status='cancelled'").fetchone()[0]
        >= 1
    )
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    assert conn.execute("SELECT count(DISTINCT timezone) FROM participants").fetchone()[0] >= 5


def test_same_seed_same_program(tmp_path):
    a, b = tmp_path / "a.db", tmp_path / "b.db"
    build_demo(a, participants=120, seed=3)
    build_demo(b, participants=120, seed=3)
    dump = lambda p: list(sqlite3.connect(p).iterdump())  # noqa: E731
    assert dump(a) == dump(b)


def test_refuses_bad_sizes_and_existing_files(tmp_path):
    with pytest.raises(StoreError):
        build_demo(tmp_path / "x.db", participants=1)
    existing = tmp_path / "there.db"
    existing.write_text("keep")
    with pytest.raises(StoreError, match="already exists"):
        build_demo(existing)
    assert existing.read_text() == "keep"
