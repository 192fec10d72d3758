"""Atomicity under SIGKILL: the biggest writes are wholly there or wholly absent, the file stays sound.

The normal suite tries a bounded number of kill points (20, about 20 s on an idle machine).
For a longer run set PEERDESK_CRASH_POINTS (kill points per operation), e.g.

    PEERDESK_CRASH_POINTS=100 .venv/bin/pytest tests/safety/test_crash.py

or run benchmarks/crash_soak.py, which prints a table of outcomes.
"""

from __future__ import annotations

import os

import crashkit
import pytest

DEFAULT_POINTS = {"import": 3, "match": 5, "schedule": 4, "create": 4, "migrate-next": 4}


def _points(op: str) -> int:
    override = os.environ.get("PEERDESK_CRASH_POINTS")
    return int(override) if override else DEFAULT_POINTS[op]


@pytest.fixture(scope="module")
def crash_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("crash")


@pytest.mark.parametrize("op", list(crashkit.OPERATIONS))
def test_killed_operation_is_all_or_nothing(op, crash_dir, record_property):
    seed = int(os.environ.get("PEERDESK_CRASH_SEED", "20261102"))
    tally = crashkit.run_kills(op, crash_dir, _points(op), seed)
    record_property("kill_points", tally.tried)
    print(
        f"\n{op}: {tally.tried} kill points, {tally.absent} left nothing, {tally.present} left all "
        f"(transaction {tally.seconds:.2f} s)"
    )
    assert tally.failures == []
    assert tally.tried == _points(op) == tally.absent + tally.present


def test_the_verifier_catches_a_partial_operation(crash_dir):
    """A file holding half an import must fail the check: the test can fail."""
    import shutil
    import sqlite3

    base = crashkit.make_base(crash_dir)
    half = crash_dir / "half.peerdesk.db"
    shutil.copyfile(base, half)
    conn = sqlite3.connect(half)
    count = conn.execute("SELECT count(*) FROM participants").fetchone()[0]
    conn.execute(
        "INSERT INTO participants(name, email, created_at, updated_at) VALUES ('Crash Person 0', "
        "'crash.0@example.org', '2026-11-02', '2026-11-02')"
    )
    conn.commit()
    present, problems = crashkit._verify_import(conn, count)
    conn.close()
    assert not present and problems and "partial import" in problems[0]
