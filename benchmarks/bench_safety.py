"""Cost of the data-safety work on a large program: backups, restore, check, erase and export of a person.

    .venv/bin/python benchmarks/bench_safety.py [--participants 5000] [--runs 5]

Writes a demo program (`peerdesk demo` with N participants) and measures, median of
several runs each, with the peak Python memory of one run (tracemalloc):

  backup     one rolling backup (SQLite online backup API, temp file, fsync, rename)
  restore    restoring a backup into the open file (the current state backed up first)
  check      `peerdesk check`: identity, full integrity_check, foreign_key_check
  open+lock  opening the file for the window: identity, writer lock, daily-backup check
  erase      erasing the participant named in the most records, text scrub included
  export     everything held about one participant, as JSON
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

from peerdesk.commands.check import check_file
from peerdesk.demo import build_demo
from peerdesk.store import backups
from peerdesk.store.lock import WriterLock
from peerdesk.store.privacy import erase_participant, export_participant_data
from peerdesk.store.workspace import Workspace


def measure(label: str, runs: int, setup: Callable[[], object], action: Callable[[object], object]) -> None:
    times = []
    peak = 0
    for i in range(runs):
        arg = setup()
        if i == 0:
            tracemalloc.start()
        t0 = time.perf_counter()
        action(arg)
        times.append(time.perf_counter() - t0)
        if i == 0:
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
    print(
        f"{label:<10} median {statistics.median(times) * 1000:8.1f} ms   "
        f"min {min(times) * 1000:8.1f} ms   peak {peak / 1e6:6.1f} MB   ({runs} runs)",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="peerdesk-bench-") as tmp:
        folder = Path(tmp)
        os.environ[backups.ENV_DIR] = str(folder / "backups")
        base = folder / "base.peerdesk.db"
        t0 = time.perf_counter()
        build_demo(base, participants=args.participants, seed=5)
        ws = Workspace.open(base)
        counts = {
            t: ws.db.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("participants", "sessions", "session_people", "feedback")
        }
        ws.close()
        print(
            f"demo: {base.stat().st_size / 1e6:.1f} MB, "
            + ", ".join(f"{n} {t}" for t, n in counts.items())
            + f" (built in {time.perf_counter() - t0:.1f} s)"
        )
        work = folder / "work.peerdesk.db"

        def fresh() -> Path:
            for leftover in folder.glob("work.peerdesk.db*"):
                leftover.unlink()
            shutil.copyfile(base, work)
            return work

        measure("backup", args.runs, fresh, lambda p: backups.make_backup(p, "bench", kept=100))
        good = backups.make_backup(base, "bench restore", kept=100)

        def open_ws() -> Workspace:
            return Workspace.open(fresh())

        def restore(w: object) -> None:
            assert isinstance(w, Workspace)
            backups.restore_backup(good, w.path)
            w.close()

        measure("restore", args.runs, open_ws, restore)
        measure("check", args.runs, fresh, lambda p: check_file(p))  # type: ignore[arg-type]

        def open_locked(p: object) -> None:
            lock = WriterLock.acquire(p)  # type: ignore[arg-type]
            w = Workspace.open(p, before_migrate=backups.before_migrate)  # type: ignore[arg-type]
            backups.daily_backup(p, db=w.db)  # type: ignore[arg-type]
            w.close()
            lock.release()

        measure("open+lock", args.runs, fresh, open_locked)

        def busiest() -> tuple[Workspace, int]:
            w = Workspace.open(fresh())
            pid = w.db.execute(
                "SELECT participant_id FROM session_people GROUP BY participant_id ORDER BY count(*) DESC LIMIT 1"
            ).fetchone()[0]
            return w, pid

        def erase(arg: object) -> None:
            w, pid = arg  # type: ignore[misc]
            w.run("Erase participant", erase_participant, pid)
            w.close()

        measure("erase", args.runs, busiest, erase)

        def export(arg: object) -> None:
            w, pid = arg  # type: ignore[misc]
            export_participant_data(w.db, pid)
            w.close()

        measure("export", args.runs, busiest, export)


if __name__ == "__main__":
    main()
