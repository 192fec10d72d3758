"""Crash injection: run PeerDesk's biggest writes in a child process, SIGKILL it, check the file.

Used by tests/safety/test_crash.py (a bounded number of kill points) and by
benchmarks/crash_soak.py (hundreds). Each operation runs in one transaction in the
child; after the kill the file must pass `PRAGMA integrity_check`, have no broken
foreign keys, and hold the operation either wholly or not at all.
"""

from __future__ import annotations

import csv
import dataclasses
import functools
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

# Sizes: big enough that the transaction takes a noticeable time on a slow machine.
IMPORT_ROWS = 2000
MATCH_PAIRS = 5000
SCHEDULE_SESSIONS = 2000
MIGRATION_ROWS = 60000

CHILD = r"""
import datetime as dt, os, sys, time
from pathlib import Path
op, path, arg = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
from peerdesk import clock
clock.freeze(dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.timezone.utc))
from peerdesk.store import backups
from peerdesk.store import db as dbmod
from peerdesk.store.db import open_db

def go():
    sys.stdout.write("go\n"); sys.stdout.flush()
    return time.perf_counter()

def done(t0):
    sys.stdout.write(f"done {time.perf_counter() - t0:.4f}\n"); sys.stdout.flush()

if op == "import":
    from peerdesk.importing import apply_import, plan_import
    db = open_db(path)
    plan = plan_import(db, arg)
    assert not plan.errors and len(plan.added) > 0, plan.errors[:3]
    t0 = go()
    apply_import(db, plan)
    done(t0)
elif op == "match":
    db = open_db(path)
    people = [r[0] for r in db.execute("SELECT id FROM participants ORDER BY id")]
    n = int(arg)
    t0 = go()
    with db.atomic():
        rid = db.execute(
            "INSERT INTO match_rounds(mode, created_at, params, total_score) VALUES ('buddies', ?, '{\"crash\": 1}', ?)",
            (clock.stamp(), float(n)),
        ).lastrowid
        for i in range(n):
            a, b = people[i % len(people)], people[(i * 7 + 1) % len(people)]
            if a == b:
                b = people[(i + 1) % len(people)]
            pid = db.execute(
                "INSERT INTO pairings(round_id, kind, started_on, score, breakdown, created_at) "
                "VALUES (?, 'buddy', '2026-11-02', 0.5, '{\"crash\": 1}', ?)",
                (rid, clock.stamp()),
            ).lastrowid
            db.execute("INSERT INTO pairing_members(pairing_id, participant_id, role) VALUES (?, ?, 'peer')", (pid, a))
            db.execute("INSERT INTO pairing_members(pairing_id, participant_id, role) VALUES (?, ?, 'peer')", (pid, b))
    done(t0)
elif op == "schedule":
    from peerdesk.store.sessions import Session, create_session
    db = open_db(path)
    people = [r[0] for r in db.execute("SELECT id FROM participants ORDER BY id")]
    n = int(arg)
    start = dt.datetime(2027, 1, 4, 9, 0, tzinfo=dt.timezone.utc)
    t0 = go()
    with db.atomic():
        for i in range(n):
            who = tuple(people[(i * 5 + k) % len(people)] for k in range(4))
            create_session(db, Session(
                title=f"Crash lunch & learn {i}", start_utc=start + dt.timedelta(hours=i), kind="lunch_and_learn",
                duration_min=45, hosts=who[:1], attendees=who[1:], uid=f"crash-{i}@peerdesk",
            ))
    done(t0)
elif op == "create":
    t0 = go()
    open_db(path).close()
    done(t0)
elif op == "migrate-next":
    n = int(arg)
    def next_step(db):
        db.execute("ALTER TABLE participants ADD COLUMN pronouns TEXT NOT NULL DEFAULT ''")
        db.execute("UPDATE participants SET pronouns = 'they/them'")
        db.execute("CREATE TABLE crash_next (id INTEGER PRIMARY KEY, participant_id INTEGER REFERENCES participants(id), text TEXT)")
        ids = [r[0] for r in db.execute("SELECT id FROM participants")]
        db.conn.executemany(
            "INSERT INTO crash_next(participant_id, text) VALUES (?, ?)",
            ((ids[i % len(ids)], f"row {i} " + "x" * 40) for i in range(n)),
        )
    dbmod.MIGRATIONS = [*dbmod.MIGRATIONS, next_step]
    dbmod.LATEST = len(dbmod.MIGRATIONS)
    t0 = go()
    open_db(path, before_migrate=backups.before_migrate).close()
    done(t0)
else:
    raise SystemExit(f"unknown op {op}")
"""


@dataclasses.dataclass
class Tally:
    """Outcomes of the kill points of one operation."""

    op: str
    tried: int = 0
    absent: int = 0  # killed before the commit: nothing of the operation there
    present: int = 0  # killed after the commit (or it finished): all of it there
    seconds: float = 0.0  # how long the operation's transaction takes when left alone
    failures: list[str] = dataclasses.field(default_factory=list)


def _q(conn: sqlite3.Connection, sql: str, *args: object) -> int:
    return int(conn.execute(sql, args).fetchone()[0])


def _sound(conn: sqlite3.Connection) -> list[str]:
    problems = []
    check = [r[0] for r in conn.execute("PRAGMA integrity_check")]
    if check != ["ok"]:
        problems.append(f"integrity_check: {check[:3]}")
    broken = conn.execute("PRAGMA foreign_key_check").fetchall()
    if broken:
        problems.append(f"foreign_key_check: {broken[:3]}")
    return problems


def _verify_import(conn: sqlite3.Connection, base: int) -> tuple[bool, list[str]]:
    n = _q(conn, "SELECT count(*) FROM participants WHERE email LIKE 'crash.%'")
    skills = _q(
        conn,
        "SELECT count(*) FROM participant_skills WHERE participant_id IN "
        "(SELECT id FROM participants WHERE email LIKE 'crash.%')",
    )
    windows = _q(
        conn,
        "SELECT count(*) FROM availability WHERE participant_id IN "
        "(SELECT id FROM participants WHERE email LIKE 'crash.%')",
    )
    total = _q(conn, "SELECT count(*) FROM participants")
    if (n, skills, windows, total) == (0, 0, 0, base):
        return False, []
    if (n, skills, windows, total) == (IMPORT_ROWS, IMPORT_ROWS * 3, IMPORT_ROWS * 2, base + IMPORT_ROWS):
        return True, []
    return False, [f"partial import: {n} people, {skills} skills, {windows} windows, {total} total"]


def _verify_match(conn: sqlite3.Connection, base: int) -> tuple[bool, list[str]]:
    rounds = _q(conn, "SELECT count(*) FROM match_rounds WHERE params LIKE '%crash%'")
    pairings = _q(conn, "SELECT count(*) FROM pairings WHERE breakdown LIKE '%crash%'")
    members = _q(
        conn,
        "SELECT count(*) FROM pairing_members WHERE pairing_id IN (SELECT id FROM pairings WHERE breakdown LIKE '%crash%')",
    )
    if (rounds, pairings, members) == (0, 0, 0):
        return False, []
    if (rounds, pairings, members) == (1, MATCH_PAIRS, 2 * MATCH_PAIRS):
        return True, []
    return False, [f"partial round: {rounds} rounds, {pairings} pairings, {members} members"]


def _verify_schedule(conn: sqlite3.Connection, base: int) -> tuple[bool, list[str]]:
    sessions = _q(conn, "SELECT count(*) FROM sessions WHERE uid LIKE 'crash-%'")
    people = _q(
        conn,
        "SELECT count(*) FROM session_people WHERE session_id IN (SELECT id FROM sessions WHERE uid LIKE 'crash-%')",
    )
    if (sessions, people) == (0, 0):
        return False, []
    if (sessions, people) == (SCHEDULE_SESSIONS, 4 * SCHEDULE_SESSIONS):
        return True, []
    return False, [f"partial schedule: {sessions} sessions, {people} people"]


def _schema(conn: sqlite3.Connection) -> list[tuple[str, ...]]:
    return sorted(conn.execute("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'"))


@functools.cache
def reference_schemas() -> dict[int, list[tuple[str, ...]]]:
    """The exact schema after each migration, built in memory: version -> sqlite_master rows."""
    import sqlite_utils

    from peerdesk.store.migrations import MIGRATIONS

    db = sqlite_utils.Database(memory=True)
    schemas = {0: _schema(db.conn)}
    for version, step in enumerate(MIGRATIONS, 1):
        step(db)
        schemas[version] = _schema(db.conn)
    return schemas


def _verify_create(conn: sqlite3.Connection, base: int) -> tuple[bool, list[str]]:
    """Creating the schema on an empty file: each migration step wholly there or wholly absent."""
    from peerdesk.store.migrations import APPLICATION_ID, LATEST

    version = _q(conn, "PRAGMA user_version")
    app_id = _q(conn, "PRAGMA application_id")
    expected = reference_schemas().get(version)
    if expected is None or _schema(conn) != expected:
        return False, [f"schema does not match format {version}"]
    if app_id != (APPLICATION_ID if version else 0):
        return False, [f"format {version} with application_id {app_id}"]
    return version == LATEST, []  # an earlier format is complete up to its step; opening finishes it


def _verify_next(conn: sqlite3.Connection, base: int) -> tuple[bool, list[str]]:
    """A simulated next migration (new column, new table, 60 000 rows) on a current file."""
    from peerdesk.store.migrations import LATEST

    version = _q(conn, "PRAGMA user_version")
    table = _q(conn, "SELECT count(*) FROM sqlite_master WHERE name = 'crash_next'")
    column = _q(conn, "SELECT count(*) FROM pragma_table_info('participants') WHERE name = 'pronouns'")
    if version == LATEST and _schema(conn) == reference_schemas()[LATEST]:
        return False, []
    if (version, table, column) == (LATEST + 1, 1, 1):
        rows = _q(conn, "SELECT count(*) FROM crash_next")
        tagged = _q(conn, "SELECT count(*) FROM participants WHERE pronouns = 'they/them'")
        if rows == MIGRATION_ROWS and tagged == base:
            return True, []
        return False, [f"partial migration data: {rows} rows, {tagged} of {base} updated"]
    return False, [f"half-migrated: format {version}, table {table}, column {column}"]


@dataclasses.dataclass(frozen=True)
class Operation:
    name: str
    arg: Callable[[Path], str]  # builds the child's argument (e.g. writes the CSV) in a work folder
    verify: Callable[[sqlite3.Connection, int], tuple[bool, list[str]]]
    empty_base: bool = False


def _write_csv(folder: Path) -> str:
    """IMPORT_ROWS new people, each with 3 skills (2 taught, 1 learnt) and 2 availability windows."""
    path = folder / "crash-import.csv"
    if not path.exists():
        with path.open("w", encoding="utf-8", newline="") as fh:
            out = csv.writer(fh)
            out.writerow(["Full name", "E-mail address", "Team", "role", "teaches", "learns", "availability"])
            for i in range(IMPORT_ROWS):
                out.writerow(
                    [
                        f"Crash Person {i}",
                        f"crash.{i}@example.org",
                        f"Dept {i % 40}",
                        "mentor",
                        f"Python:{i % 5 + 1}; Go",
                        "Rust:2",
                        "Mon 09:00-12:00; Wed 14:00-17:30",
                    ]
                )
    return str(path)


OPERATIONS = {
    "import": Operation("import", _write_csv, _verify_import),
    "match": Operation("match", lambda _f: str(MATCH_PAIRS), _verify_match),
    "schedule": Operation("schedule", lambda _f: str(SCHEDULE_SESSIONS), _verify_schedule),
    "create": Operation("create", lambda _f: "", _verify_create, empty_base=True),
    "migrate-next": Operation("migrate-next", lambda _f: str(MIGRATION_ROWS), _verify_next),
}


def make_base(folder: Path) -> Path:
    """A closed demo program file to copy before each run."""
    from peerdesk.demo import build_demo

    base = folder / "base.peerdesk.db"
    if not base.exists():
        build_demo(base, participants=60, seed=11)
        conn = sqlite3.connect(base)
        conn.execute("PRAGMA journal_mode = DELETE")
        conn.close()
    return base


def _fresh(folder: Path, base: Path, op: Operation, n: int) -> Path:
    target = folder / f"run-{op.name}-{n}.peerdesk.db"
    for leftover in folder.glob(f"{target.name}*"):
        leftover.unlink()
    if op.empty_base:
        target.write_bytes(b"")
    else:
        shutil.copyfile(base, target)
    return target


def _spawn(op: Operation, target: Path, arg: str, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", CHILD, op.name, str(target), arg],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def _child_env(folder: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PEERDESK_BACKUP_DIR"] = str(folder / "backups")
    return env


def _check(op: Operation, target: Path, base_count: int, tally: Tally, label: str) -> None:
    conn = sqlite3.connect(target)
    try:
        problems = _sound(conn)
        present, partial = op.verify(conn, base_count)
    finally:
        conn.close()
    problems += partial
    if not problems and op.name != "migrate-next":
        from peerdesk.store.db import open_db  # PeerDesk itself must open what is left

        open_db(target).close()
    if problems:
        tally.failures.append(f"{label}: {'; '.join(problems)}")
    elif present:
        tally.present += 1
    else:
        tally.absent += 1


def calibrate(op: Operation, folder: Path, base: Path) -> float:
    """Run the operation to the end once; return its duration (and check the finished result)."""
    target = _fresh(folder, base, op, 0)
    child = _spawn(op, target, op.arg(folder), _child_env(folder))
    out, err = child.communicate(timeout=300)
    if child.returncode != 0 or "done" not in out:
        raise RuntimeError(f"{op.name} failed without a kill: {err.strip()[-2000:]}")
    tally = Tally(op.name)
    _check(op, target, _base_count(base, op), tally, "calibration")
    if tally.failures or tally.present != 1:
        raise RuntimeError(f"{op.name} finished but its result is wrong: {tally.failures}")
    return float(out.split("done")[1].split()[0])


def _base_count(base: Path, op: Operation) -> int:
    if op.empty_base:
        return 0
    conn = sqlite3.connect(base)
    try:
        return _q(conn, "SELECT count(*) FROM participants")
    finally:
        conn.close()


def run_kills(name: str, folder: Path, points: int, seed: int) -> Tally:
    """Kill the operation at `points` random moments; check the file after each."""
    op = OPERATIONS[name]
    folder.mkdir(parents=True, exist_ok=True)
    base = make_base(folder)
    base_count = _base_count(base, op)
    arg = op.arg(folder)
    seconds = calibrate(op, folder, base)
    tally = Tally(name, seconds=seconds)
    rng = random.Random(f"{seed}-{name}")
    env = _child_env(folder)
    for n in range(1, points + 1):
        target = _fresh(folder, base, op, n)
        child = _spawn(op, target, arg, env)
        assert child.stdout is not None
        line = child.stdout.readline()
        if line.strip() != "go":
            child.kill()
            _out, err = child.communicate()
            raise RuntimeError(f"{name} child did not start: {err.strip()[-2000:]}")
        # Half the kills anywhere in the transaction, half around its end (the commit itself).
        time.sleep(rng.uniform(0, seconds) if n % 2 else rng.uniform(seconds * 0.8, seconds * 1.2))
        with_kill = child.poll() is None
        if with_kill:
            os.kill(child.pid, signal.SIGKILL)
        child.communicate()
        tally.tried += 1
        _check(op, target, base_count, tally, f"kill point {n} ({'killed' if with_kill else 'finished'})")
        for leftover in folder.glob(f"{target.name}*"):
            leftover.unlink()
    return tally
