"""Sessions at scale: agenda and week queries on 100,000 sessions, and the scheduling assistant.

    .venv/bin/python benchmarks/bench_sessions.py [--participants 5000] [--sessions 100000] [--runs 5]

Writes a demo program (`peerdesk demo`), tops it up to the wanted number of sessions, and
prints the median time of each operation over several runs, plus peak Python memory.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from peerdesk import clock
from peerdesk.sessions.scheduling import pairings_without_sessions, schedule_first_meetings, suggest_slots
from peerdesk.store import open_db
from peerdesk.store.sessions import (
    SessionFilter,
    agenda_page,
    count_sessions,
    find_clashes,
    get_session,
    page_key,
    sessions_between,
    sessions_of_participant,
)


def measure(label: str, fn: Callable[[], Any], runs: int) -> Any:
    times = []
    result = None
    for _ in range(runs):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    print(f"  {label:<58} {statistics.median(times) * 1000:9.2f} ms  (min {min(times) * 1000:.2f})")
    return result


def top_up(db: Any, wanted: int) -> int:
    """Copy existing sessions (with their people) to other dates until there are `wanted`."""
    have = db.execute("SELECT count(*) FROM sessions").fetchone()[0]
    if have >= wanted:
        return have
    rng = random.Random(7)
    source = db.execute(
        "SELECT id, program_id, kind, title, start_utc, timezone, duration_min FROM sessions ORDER BY id"
    ).fetchall()
    people: dict[int, list[tuple[int, str]]] = {}
    for sid, pid, role in db.execute("SELECT session_id, participant_id, role FROM session_people"):
        people.setdefault(sid, []).append((pid, role))
    next_id = db.execute("SELECT max(id) FROM sessions").fetchone()[0] + 1
    stamp = clock.stamp()
    rows, links = [], []
    while have + len(rows) < wanted:
        sid, prog, kind, title, start, tz, dur = rng.choice(source)
        shifted = dt.datetime.fromisoformat(start) + dt.timedelta(days=rng.randint(-400, 400))
        status = "held" if shifted < clock.now() else "planned"
        rows.append(
            (next_id, f"{uuid.uuid4()}@peerdesk", prog, kind, title, shifted.isoformat(), tz, dur, status, stamp, stamp)
        )
        links.extend((next_id, p, r) for p, r in people.get(sid, []))
        next_id += 1
    with db.atomic():
        db.conn.executemany(
            "INSERT INTO sessions(id, uid, program_id, kind, title, start_utc, timezone, duration_min, status, "
            "created_at, updated_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            rows,
        )
        db.conn.executemany("INSERT INTO session_people(session_id, participant_id, role) VALUES (?,?,?)", links)
    return have + len(rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=5000)
    parser.add_argument("--sessions", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--db", help="reuse this demo database (copied first) instead of writing a new one")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.db"
        t0 = time.perf_counter()
        if args.db:
            src = open_db(args.db, create=False)
            src.conn.backup(__import__("sqlite3").connect(path))
            src.close()
        else:
            subprocess.run(
                [sys.executable, "-m", "peerdesk.cli", "demo", str(path), "--participants", str(args.participants)],
                check=True,
                stdout=subprocess.DEVNULL,
            )
        db = open_db(path)
        total = top_up(db, args.sessions)
        people = db.execute("SELECT count(*) FROM session_people").fetchone()[0]
        print(
            f"database: {total:,} sessions, {people:,} session_people rows (set up in {time.perf_counter() - t0:.1f} s)"
        )
        runs = args.runs
        tracemalloc.start()

        print("agenda (keyset pages of 200, as the lazy model asks)")
        measure("first page, upcoming", lambda: agenda_page(db, SessionFilter(start_from=clock.now())), runs)
        deep = agenda_page(db, SessionFilter(), limit=1, after=None)
        rows = db.execute(
            "SELECT start_utc, id FROM sessions ORDER BY start_utc, id LIMIT 1 OFFSET ?", (total // 2,)
        ).fetchone()
        measure("page after the 50,000th session", lambda: agenda_page(db, SessionFilter(), after=tuple(rows)), runs)
        measure(
            "past, latest first",
            lambda: agenda_page(db, SessionFilter(start_before=clock.now()), descending=True),
            runs,
        )
        measure("count (total for the status line)", lambda: count_sessions(db, SessionFilter()), runs)
        measure(
            "kind = workshop, upcoming",
            lambda: agenda_page(db, SessionFilter(kind="workshop", start_from=clock.now())),
            runs,
        )
        prog = db.execute("SELECT id FROM programs LIMIT 1").fetchone()[0]
        measure("program filter", lambda: agenda_page(db, SessionFilter(program_id=prog)), runs)
        busy = db.execute(
            "SELECT participant_id FROM session_people GROUP BY participant_id ORDER BY count(*) DESC LIMIT 1"
        ).fetchone()[0]
        measure("busiest participant's sessions", lambda: sessions_of_participant(db, busy), runs)
        measure("status = cancelled", lambda: agenda_page(db, SessionFilter(status="cancelled")), runs)
        measure("title search 'Workshop'", lambda: agenda_page(db, SessionFilter(text="Workshop")), runs)

        def scroll_all() -> int:
            n, after = 0, None
            while page := agenda_page(db, SessionFilter(), after=after, limit=200):
                n += len(page)
                after = page_key(page[-1])
            return n

        measure(f"scroll through all {total:,} (every page)", scroll_all, 1)

        print("week view")
        monday = clock.now() - dt.timedelta(days=clock.now().weekday())
        week = measure("this week", lambda: sessions_between(db, monday, monday + dt.timedelta(days=7)), runs)
        print(f"    ({len(week)} sessions in the week)")
        measure(
            "this week, busiest participant",
            lambda: sessions_between(db, monday, monday + dt.timedelta(days=7), SessionFilter(participant_id=busy)),
            runs,
        )

        print("clashes and scheduling")
        big = db.execute(
            "SELECT session_id FROM session_people GROUP BY session_id ORDER BY count(*) DESC LIMIT 1"
        ).fetchone()[0]
        s = get_session(db, big)
        measure(f"clash check, {len(s.people)} people", lambda: find_clashes(db, s), runs)
        pair = [
            r[0]
            for r in db.execute(
                "SELECT participant_id FROM pairing_members WHERE pairing_id = (SELECT min(id) FROM pairings)"
            )
        ]
        measure("slots for a pairing, 4 weeks", lambda: suggest_slots(db, pair, 60, weeks=4), runs)
        group = [r[0] for r in db.execute("SELECT id FROM participants WHERE status='active' ORDER BY id LIMIT 12")]
        result = measure(
            "slots for 12 people, 4 weeks (with bottleneck)", lambda: suggest_slots(db, group, 60, weeks=4), runs
        )
        print(f"    ({len(result.slots)} slots; {result.message[:90]})")
        active = [r[0] for r in db.execute("SELECT id FROM participants WHERE status='active' ORDER BY id")]
        with db.atomic():
            for i in range(0, min(1000, len(active) - 1), 2):
                cur = db.execute(
                    "INSERT INTO pairings(kind, started_on, created_at) VALUES ('buddy', '2026-11-01', ?)",
                    (clock.stamp(),),
                )
                for member in (active[i], active[i + 1]):
                    db.execute(
                        "INSERT INTO pairing_members(pairing_id, participant_id, role) VALUES (?, ?, 'peer')",
                        (cur.lastrowid, member),
                    )
        todo = len(pairings_without_sessions(db))
        t0 = time.perf_counter()
        made = schedule_first_meetings(db)
        elapsed = time.perf_counter() - t0
        booked = sum(1 for m in made if m.session is not None)
        print(
            f"  schedule first meetings of {todo} pairings (one transaction) {elapsed * 1000:9.0f} ms  ({booked} booked)"
        )
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"peak Python memory during the queries: {peak / 1e6:.1f} MB")
        del deep
        db.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
