"""The Pairings page at scale: how long the UI thread is busy when a round is proposed.

    .venv/bin/python benchmarks/bench_pairings_page.py [--participants 5000] [--runs 5] [--db PATH]

Builds a demo program (`peerdesk demo PATH --participants N`) unless --db names one, opens the
Pairings page offscreen and, for buddies and mentoring, prints the median of several runs of:

  load_problem  loading the matching problem from the store (what the UI thread used to do)
  UI thread     the time propose() holds the UI thread (the problem is now loaded on the worker)
  load + solve  until the proposal is shown (worker: its own read-only connection, load, solve)
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import QApplication  # noqa: E402

from peerdesk.matching.load import load_problem  # noqa: E402
from peerdesk.store.workspace import Workspace  # noqa: E402
from peerdesk.ui.common.context import AppContext  # noqa: E402
from peerdesk.ui.pairings.page import PairingsPage  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--db", type=Path)
    args = parser.parse_args()
    path = args.db
    if path is None:
        path = Path(tempfile.mkdtemp()) / "bench.peerdesk.db"
        subprocess.run(
            [sys.executable, "-m", "peerdesk.cli", "demo", str(path), "--participants", str(args.participants)],
            check=True,
        )
    app = QApplication.instance() or QApplication(sys.argv)
    ws = Workspace.open(path)
    ctx = AppContext(ws)
    page = PairingsPage(ctx)
    print(f"{path}, load average {os.getloadavg()[0]:.2f}")
    for mode in ("buddies", "mentoring"):
        page.mode_combo.setCurrentIndex(page.mode_combo.findData(mode))
        loads, ui, total = [], [], []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            load_problem(ctx.db, mode)
            loads.append(time.perf_counter() - t0)
            page.proposal = None
            t0 = time.perf_counter()
            page.propose()
            ui.append(time.perf_counter() - t0)
            page.wait()
            app.processEvents()
            total.append(time.perf_counter() - t0)
        people = len(page.problem.people) if page.problem else 0
        print(
            f"{mode:<10} {people:>5} people  load_problem {1000 * statistics.median(loads):7.1f} ms  "
            f"UI thread {1000 * statistics.median(ui):6.1f} ms  load + solve {statistics.median(total):6.2f} s"
        )
    ws.close()


if __name__ == "__main__":
    main()
