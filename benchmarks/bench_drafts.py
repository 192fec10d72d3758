"""Drafting e-mails for 5,000 people: plan, compose (.eml), write atomically and log, on the demo.

    .venv/bin/python benchmarks/bench_drafts.py [--participants 5000] [--people 5000] [--runs 3]

Builds the demo with that many participants (or reuses --db), then measures, median of several
runs each, in the same run:

  5,000 people   feedback requests to the first --people people present at sessions held in the
                 last 30 days (the drafting log's past requests ignored, so the same set every run):
                 planning, composing every message, writing every file whole, logging them all in
                 one undoable write; the target is under 10 s;
  compose only   composing the same messages, nothing written (what the files and the log add);
  per kind       each kind as the dashboard drafts it (everyone the log does not leave out).

Each run writes into a fresh folder and its log is undone afterwards, so runs do not influence
each other. Prints the load average before and after: the machine is shared.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from peerdesk.demo import build_demo
from peerdesk.invites.messages import plan_drafts
from peerdesk.invites.outbox import compose, logged, record_drafts, write_drafts
from peerdesk.invites.templates import KINDS
from peerdesk.store.workspace import Workspace


def timed(fn: Callable[[], object], runs: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--participants", type=int, default=5000)
    parser.add_argument("--people", type=int, default=5000, help="messages in the main measure")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--db", type=Path, help="an existing demo database (each run's log is undone)")
    args = parser.parse_args()
    print(f"load before: {os.getloadavg()}")
    work = Path(tempfile.mkdtemp(prefix="bench-drafts-"))
    path = args.db or work / "demo.db"
    if args.db is None:
        start = time.perf_counter()
        build_demo(path, args.participants)
        print(f"demo with {args.participants:,} participants built in {time.perf_counter() - start:.1f} s")
    ws = Workspace.open(path)
    folders = iter(range(10_000))

    def five_thousand() -> int:
        plan = plan_drafts(ws.db, "feedback", include_recent=True)
        plan.drafts = plan.drafts[: args.people]
        result = write_drafts(plan, work / f"out{next(folders)}")
        ws.run("Draft feedback requests", record_drafts, logged(result.drafts))
        ws.undo()
        return len(result.written)

    def compose_only() -> int:
        plan = plan_drafts(ws.db, "feedback", include_recent=True)
        return sum(1 for d in plan.drafts[: args.people] if compose(plan, d))

    seconds, written = timed(five_thousand, args.runs)
    print(
        f"{written:,} feedback requests planned, composed, written and logged: median {seconds:.2f} s ({args.runs} runs)"
    )
    seconds, composed = timed(compose_only, args.runs)
    print(f"{composed:,} composed only (nothing written): median {seconds:.2f} s")
    for kind in KINDS:

        def one_kind(kind: str = kind) -> int:
            plan = plan_drafts(ws.db, kind)
            result = write_drafts(plan, work / f"out{next(folders)}")
            if result.drafts:
                ws.run(f"Draft {kind}", record_drafts, logged(result.drafts))
                ws.undo()
            return len(result.written)

        seconds, n = timed(one_kind, args.runs)
        print(f"{KINDS[kind]:<22} {n:>6,} messages: median {seconds:.2f} s")
    print(f"load after: {os.getloadavg()}")
    ws.close()


if __name__ == "__main__":
    main()
