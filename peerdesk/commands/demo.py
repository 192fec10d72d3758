"""`peerdesk demo PATH [--participants N] [--seed S]`."""

from __future__ import annotations

import argparse
import time

from peerdesk.commands import UsageError
from peerdesk.demo import MAX_PARTICIPANTS, build_demo


def run(args: argparse.Namespace) -> int:
    if not 2 <= args.participants <= MAX_PARTICIPANTS:
        raise UsageError(f"--participants must be between 2 and {MAX_PARTICIPANTS}")
    started = time.perf_counter()
    build_demo(args.path, participants=args.participants, seed=args.seed)
    print(f"wrote a demo program with {args.participants} participants to {args.path} "
          f"in {time.perf_counter() - started:.1f} s")  # fmt: skip
    return 0
