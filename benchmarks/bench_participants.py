"""The Participants page at scale: reload and per-keystroke filtering with 5,000 people.

    .venv/bin/python benchmarks/bench_participants.py [--participants 5000] [--runs 7] [--db PATH]

Builds a demo program (`peerdesk demo PATH --participants N`) unless --db names one, opens the
Participants page offscreen (a real QTableView over the proxy, 1280x800) and measures, median
of several runs each:

  reload     list_participants() + model.set_rows() (search keys reused from the previous load)
  cold load  the same with no cached search keys (the first load of a file)
  keystroke  one typed character: the proxy's query changes, the accepted set is computed in one
             pass, the proxy remaps its rows, the count label updates (the work done on the UI
             thread before painting); over several typed words, including backspacing to empty
  + paint    the same keystroke including the table's repaint (offscreen raster; a real display
             driver is usually faster)
  edit       save one participant (renamed, so that its row moves) through the workspace, then
             the page's refresh on the Changes it reports; the write and the refresh separately
  undo       undo that edit, then the refresh; likewise
Edit and undo are measured twice in the same run: the page's incremental refresh (only the rows
concerned) and, for comparison, the full reload it falls back to (as every write did before).

The target is a keystroke under 30 ms. Peak Python memory of a cold load via tracemalloc.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QCoreApplication  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

# What a user types: words letter by letter, then backspaces back to an empty box.
WORDS = ("zoe", "lukasz", "engineering", "python", "ana silva", "mentor", "xyz")


def keystrokes() -> list[str]:
    sequence: list[str] = []
    for word in WORDS:
        sequence += [word[:i] for i in range(1, len(word) + 1)]
        sequence += [word[:i] for i in range(len(word) - 1, -1, -1)]
    return sequence


def build(path: Path, participants: int) -> None:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "peerdesk.cli", "demo", str(path), "--participants", str(participants)],
        check=True,
    )
    print(f"built {participants} participants in {time.perf_counter() - started:.1f} s: {path}")


def ms(values: list[float]) -> str:
    ordered = sorted(values)
    p90 = ordered[int(0.9 * (len(ordered) - 1))]
    return f"median {statistics.median(ordered) * 1000:7.2f} ms   p90 {p90 * 1000:7.2f} ms   max {ordered[-1] * 1000:7.2f} ms"


def load() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def edit_and_undo(ctx, page, runs: int) -> dict[str, list[float]]:
    """Rename a participant (its row moves), refresh; undo, refresh: timings of each half."""
    from peerdesk.store.participants import update_participant

    times: dict[str, list[float]] = {"edit write": [], "edit refresh": [], "undo write": [], "undo refresh": []}
    target = page.model.participant(page.model.rowCount() // 2)
    page.select_ids([int(target.id or 0)], target.id)
    for i in range(runs):
        edited = dataclasses.replace(target, name=f"Aaron Bench {i}", title="Bench")
        started = time.perf_counter()
        _, changes = ctx.workspace.run("Edit", update_participant, edited)
        times["edit write"].append(time.perf_counter() - started)
        started = time.perf_counter()
        page._on_changed(changes)
        times["edit refresh"].append(time.perf_counter() - started)
        QApplication.processEvents()
        started = time.perf_counter()
        changes = ctx.workspace.undo()
        times["undo write"].append(time.perf_counter() - started)
        started = time.perf_counter()
        page._on_changed(changes)
        times["undo refresh"].append(time.perf_counter() - started)
        QApplication.processEvents()
    assert page.selected_ids() == [target.id], "the selection should survive edits and undos"
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--db", type=Path)
    args = parser.parse_args()

    app = QApplication.instance() or QApplication(sys.argv)
    QCoreApplication.setOrganizationName("PeerDeskBench")
    QCoreApplication.setApplicationName("PeerDeskBench")

    from peerdesk.store.participants import list_participants
    from peerdesk.store.workspace import Workspace
    from peerdesk.ui.common.context import AppContext
    from peerdesk.ui.participants.page import ParticipantsPage

    with tempfile.TemporaryDirectory() as tmp:
        path = args.db or Path(tmp) / "bench.peerdesk.db"
        if args.db is None:
            build(path, args.participants)
        ctx = AppContext(Workspace.open(path))
        page = ParticipantsPage(ctx)
        page.resize(1280, 800)
        page.show()
        app.processEvents()
        people = list_participants(ctx.db)
        print(f"{len(people)} participants; {len(keystrokes())} keystrokes per run; {args.runs} runs")

        cold: list[float] = []
        reload: list[float] = []
        for _ in range(args.runs):
            page.model.clear_cache()
            started = time.perf_counter()
            page.model.set_rows(list_participants(ctx.db))
            cold.append(time.perf_counter() - started)
            started = time.perf_counter()
            page.reload()
            reload.append(time.perf_counter() - started)

        tracemalloc.start()
        page.model.clear_cache()
        page.model.set_rows(list_participants(ctx.db))
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()

        typed: list[float] = []
        painted: list[float] = []
        for _ in range(args.runs):
            for text in keystrokes():
                started = time.perf_counter()
                page.search.setText(text)  # what a keystroke does: textChanged -> proxy
                page.proxy.rowCount()
                typed.append(time.perf_counter() - started)
                page.table.viewport().repaint()
                painted.append(time.perf_counter() - started)
                app.processEvents()

        from peerdesk.ui.participants import page as participants_page

        print(f"load before edits: {load()}")
        incremental = edit_and_undo(ctx, page, args.runs)
        most = participants_page.INCREMENTAL_MOST
        participants_page.INCREMENTAL_MOST = 0  # every change is "too large": the full reload
        full = edit_and_undo(ctx, page, args.runs)
        participants_page.INCREMENTAL_MOST = most
        print(f"load after edits:  {load()}")

        print(f"cold load      {ms(cold)}")
        print(f"reload         {ms(reload)}")
        print(f"keystroke      {ms(typed)}")
        print(f"+ paint        {ms(painted)}")
        for name in incremental:
            print(f"{name:<13}  incremental {ms(incremental[name])}")
            print(f"{'':<13}  full reload {ms(full[name])}")
        print(f"peak Python memory of a cold load: {peak / 1e6:.1f} MB")
        ctx.workspace.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
