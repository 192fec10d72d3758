"""Crash soak: SIGKILL PeerDesk's biggest writes at many random moments and check every file left.

    .venv/bin/python benchmarks/crash_soak.py [--points N] [--seed S] [--only import,match]

For each operation (a participant CSV import, accepting a matching round, a bulk
schedule, creating the schema on an empty file, a simulated next migration) it
runs the operation to the end once to time it, then N times in a child process that
is killed with SIGKILL at a random moment (half anywhere in the transaction,
half within 0.8-1.2x of its duration, around the commit). After each kill
the file must pass PRAGMA integrity_check and foreign_key_check, open in PeerDesk,
and hold the operation wholly or not at all. Prints one line per operation and the
totals; exits 1 if any kill point left a damaged or partial file.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "safety"))

import crashkit  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=100, help="kill points per operation (default 100)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--only", default="", help="comma-separated operations: " + ", ".join(crashkit.OPERATIONS))
    args = parser.parse_args()
    names = [n for n in args.only.split(",") if n] or list(crashkit.OPERATIONS)
    print(
        f"{'operation':<12} {'rows':>6} {'txn s':>6} {'kills':>6} {'nothing':>8} {'all':>5} {'damaged':>8} {'wall s':>7}"
    )
    failures = []
    total = 0
    with tempfile.TemporaryDirectory(prefix="peerdesk-crash-") as tmp:
        for name in names:
            t0 = time.perf_counter()
            tally = crashkit.run_kills(name, Path(tmp), args.points, args.seed)
            rows = {
                "import": crashkit.IMPORT_ROWS,
                "match": crashkit.MATCH_PAIRS,
                "schedule": crashkit.SCHEDULE_SESSIONS,
                "migrate-next": crashkit.MIGRATION_ROWS,
            }.get(name, 0)
            print(
                f"{name:<12} {rows:>6} {tally.seconds:>6.2f} {tally.tried:>6} {tally.absent:>8} {tally.present:>5} "
                f"{len(tally.failures):>8} {time.perf_counter() - t0:>7.1f}",
                flush=True,
            )
            failures += tally.failures
            total += tally.tried
    print(f"total: {total} kill points, {len(failures)} left a damaged or partial file")
    for failure in failures[:20]:
        print(f"  {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
