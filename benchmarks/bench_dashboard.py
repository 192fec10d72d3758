"""Dashboard at scale: a 5,000-person, 100,000-session program.

    .venv/bin/python benchmarks/bench_dashboard.py [--db PATH] [--participants 5000] [--sessions 100000] [--runs 5]

Builds the demo program (`peerdesk demo PATH --participants 5000`, about 90,000 sessions)
and tops it up to the wanted number of sessions by copying held group sessions a year
back (with their people and feedback), then measures, median of several runs each:

  figures      key figures (this month vs last), 12 monthly points, upcoming sessions and
               the five action lists: what the dashboard shows before its goals;
  goals        every goal of every program evaluated with its trend (6 points);
  dashboard    peerdesk.metrics.dashboard.dashboard(): all of the above in one call;
  page shown   opening the Dashboard page (Qt, offscreen) until it is on screen: the
               figures are computed on pool threads, so the window stays responsive;
  page filled  until the page shows every figure: figures and goals computed side by side
               on two pool threads (own read-only connections), then the cards, charts,
               tables and lists filled;
  leaderboard  contribution points of everyone for the quarter;
  feedback     the feedback summary of the last 90 days;
  per-goal     each goal's evaluation on its own.

Peak Python memory of one dashboard() call via tracemalloc. The clock is frozen on the
demo's "today", so runs are comparable.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

from peerdesk import clock
from peerdesk.metrics import Period, Scope, evaluate_goal, leaderboard
from peerdesk.metrics.dashboard import action_lists, dashboard, key_figures, monthly, upcoming_sessions
from peerdesk.metrics.feedback import feedback_summary
from peerdesk.store import open_db
from peerdesk.store.programs import list_goals


def build(path: Path, participants: int, sessions: int) -> None:
    exe = Path(sys.executable).parent / "peerdesk"
    subprocess.run([str(exe), "demo", str(path), "--participants", str(participants)], check=True)
    db = open_db(path)
    have = db.execute("SELECT count(*) FROM sessions").fetchone()[0]
    missing = sessions - have
    if missing > 0:
        with db.atomic():
            source = [
                r[0]
                for r in db.execute(
                    "SELECT id FROM sessions WHERE status = 'held' AND pairing_id IS NULL ORDER BY id LIMIT ?",
                    (missing,),
                )
            ]
            while len(source) < missing:
                source += source[: missing - len(source)]
            top = db.execute("SELECT max(id) FROM sessions").fetchone()[0]
            for k, sid in enumerate(source, start=1):
                new = top + k
                db.execute(
                    "INSERT INTO sessions(id, uid, program_id, pairing_id, series_id, kind, title, description, location, "
                    "online_url, start_utc, timezone, duration_min, status, sequence, created_at, updated_at) "
                    "SELECT ?, uid || '-copy-' || ?, program_id, NULL, NULL, kind, title, description, location, "
                    "online_url, strftime('%Y-%m-%dT%H:%M:%S+00:00', start_utc, '-364 days'), timezone, duration_min, "
                    "status, 0, created_at, updated_at FROM sessions WHERE id = ?",
                    (new, new, sid),
                )
                db.execute(
                    "INSERT INTO session_people(session_id, participant_id, role, attended) "
                    "SELECT ?, participant_id, role, attended FROM session_people WHERE session_id = ?",
                    (new, sid),
                )
                db.execute(
                    "INSERT INTO feedback(session_id, participant_id, rating, comment, anonymous, submitted_at, source) "
                    "SELECT ?, participant_id, rating, comment, anonymous, submitted_at, source FROM feedback "
                    "WHERE session_id = ?",
                    (new, sid),
                )
    db.close()


def median_time(fn: Callable[[], Any], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="reuse (or create) this database")
    parser.add_argument("--participants", type=int, default=5000)
    parser.add_argument("--sessions", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    path = args.db or Path(tempfile.mkdtemp(prefix="peerdesk-bench-")) / "dashboard.db"
    if not path.exists():
        started = time.perf_counter()
        build(path, args.participants, args.sessions)
        print(f"built {path} in {time.perf_counter() - started:.1f} s")
    db = open_db(path)
    counts = {
        t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
        for t in ("participants", "sessions", "session_people", "feedback", "pairings", "goals")
    }
    print("database:", ", ".join(f"{k} {v:,}" for k, v in counts.items()), f"({path.stat().st_size / 1e6:.0f} MB)")
    latest = db.execute("SELECT max(created_at) FROM programs").fetchone()[0]
    import datetime as dt

    clock.freeze(dt.datetime.fromisoformat(latest))
    print("today:", clock.today())

    scope = Scope(period=Period.month(clock.today()))
    goals = list_goals(db)
    dashboard(db)  # warm the page cache once, as an open window would be

    def figures() -> None:
        months = monthly(db, scope)
        key_figures(db, scope, months)
        upcoming_sessions(db, scope)
        action_lists(db, scope)

    def goals_only() -> None:
        for g in goals:
            evaluate_goal(db, g, trend_points=6)

    results = {
        "figures": median_time(figures, args.runs),
        "goals": median_time(goals_only, args.runs),
        "dashboard": median_time(lambda: dashboard(db), args.runs),
        "leaderboard": median_time(lambda: leaderboard(db, Scope(period=Period.quarter(clock.today()))), args.runs),
        "feedback": median_time(lambda: feedback_summary(db, Scope(period=Period.last_days(90))), args.runs),
    }

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from peerdesk.store.workspace import Workspace
    from peerdesk.ui.common.context import AppContext
    from peerdesk.ui.dashboard.page import DashboardPage

    app = QApplication.instance() or QApplication([])
    ctx = AppContext(Workspace.open(path, readonly=True))

    from PySide6.QtCore import QEventLoop

    shown: list[float] = []

    def open_page() -> None:
        started = time.perf_counter()
        page = DashboardPage(ctx)
        page.resize(1400, 1000)
        loop = QEventLoop()
        page.refreshed.connect(loop.quit)
        page.show()
        app.processEvents()
        shown.append(time.perf_counter() - started)
        if page.busy:
            loop.exec()
        page.close()
        page.deleteLater()
        app.processEvents()

    results["page filled"] = median_time(open_page, args.runs)
    results["page shown"] = statistics.median(shown)
    for name, seconds in results.items():
        print(f"{name:12s} {seconds * 1000:8.0f} ms  (median of {args.runs})")
    for g in goals:
        seconds = median_time(lambda g=g: evaluate_goal(db, g, trend_points=6), args.runs)
        print(f"  goal {g.metric:24s} {seconds * 1000:6.0f} ms  {g.title}")

    tracemalloc.start()
    dashboard(db)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"peak Python memory of dashboard(): {peak / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
