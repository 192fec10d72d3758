"""The window at scale: the longest event-loop stall of each operation a coordinator runs.

    .venv/bin/python benchmarks/bench_stalls.py [--participants 5000] [--runs 3] [--db PATH]

Builds a demo program (`peerdesk demo PATH --participants N`) unless --db names one, copies it
for each run, opens it in a real (offscreen) main window and drives the window as a user would:
open the program, visit every page, accept a mentoring round on Pairings, undo and redo it, add a person and
undo that, schedule the first meetings on Sessions, type a title search, change program on
Reports, save a report (until the file dialog would open), and erase one participant (open the
confirmation, then erase: backup, erase, VACUUM, checkpoint). A 5 ms QTimer heartbeat runs
throughout; an operation's stall is the longest gap between two beats while it runs and
until every worker it started has finished. Prints the median over the runs, per operation.
Confirmations are answered yes and message boxes closed, as a user would.
"""

from __future__ import annotations

import argparse
import compileall
import datetime as dt
import gc
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QCoreApplication, QDate, QEventLoop, QSettings, QThreadPool, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

import peerdesk  # noqa: E402
from peerdesk.store.participants import add_participant  # noqa: E402
from peerdesk.store.records import Participant  # noqa: E402
from peerdesk.ui.common import widgets  # noqa: E402
from peerdesk.ui.window.main_window import MainWindow  # noqa: E402

BEAT_MS = 5
SETTLE_S = 0.4


class Heartbeat:
    """A timer beating every BEAT_MS; `worst` is the longest gap between two beats since reset()."""

    def __init__(self) -> None:
        self.timer = QTimer()
        self.timer.setInterval(BEAT_MS)
        self.timer.timeout.connect(self._beat)
        self.last = time.perf_counter()
        self.worst = 0.0
        self.timer.start()

    def _beat(self) -> None:
        now = time.perf_counter()
        self.worst = max(self.worst, now - self.last)
        self.last = now

    def reset(self) -> None:
        self.last = time.perf_counter()
        self.worst = 0.0


class GcWatch:
    """The longest garbage collection since reset() (a collection holds the GIL, whichever thread runs it)."""

    def __init__(self) -> None:
        self.started = 0.0
        self.worst = 0.0
        gc.callbacks.append(self._callback)

    def _callback(self, phase: str, _info: dict[str, int]) -> None:
        if phase == "start":
            self.started = time.perf_counter()
        else:
            self.worst = max(self.worst, time.perf_counter() - self.started)


def spin(seconds: float) -> None:
    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()


def workers_idle(window: MainWindow) -> bool:
    if QThreadPool.globalInstance().activeThreadCount():
        return False
    for page in window.pages.values():
        job = getattr(page, "job", None)
        if job is not None and getattr(job, "isRunning", lambda: True)():
            return False
    return True


GC = GcWatch()


def measure(
    heart: Heartbeat, window: MainWindow, start: Callable[[], Any], done: Callable[[], bool] = lambda: True
) -> tuple[float, float]:
    """Run start() from the event loop; the longest stall and garbage collection (ms) until done() and every
    worker is idle."""
    spin(0.2)
    while not workers_idle(window):
        spin(0.05)
    heart.reset()
    GC.worst = 0.0
    finished = {"at": 0.0}

    def go() -> None:
        start()
        finished["at"] = time.perf_counter()

    QTimer.singleShot(0, go)
    deadline = time.perf_counter() + 300
    while time.perf_counter() < deadline:
        spin(0.02)
        if finished["at"] and done() and workers_idle(window):
            break
    spin(SETTLE_S)
    return 1000 * (heart.worst - BEAT_MS / 1000), 1000 * GC.worst


def row_of(title: str) -> int:
    from peerdesk.ui.window.pages import PAGES

    return [t for t, _ in PAGES].index(title)


def page(window: MainWindow, title: str) -> Any:
    """Show a page and return it once it is built (its module and data may load on a worker)."""
    row = row_of(title)
    window.show_page(row)
    while row not in window.pages:
        spin(0.02)
    return window.pages[row]


def page_stalls_first(runs: list[dict[str, float]]) -> list[str]:
    names = list(runs[0])
    return [n for n in names if not n.startswith("open page")] + [n for n in names if n.startswith("open page")]


def one_run(path: Path) -> dict[str, tuple[float, float]]:
    heart = Heartbeat()
    window = MainWindow()
    window.resize(1440, 900)
    window.show()
    out: dict[str, tuple[float, float]] = {}
    out["open program"] = measure(heart, window, lambda: window.open_program(path), lambda: 0 in window.pages)
    ctx = window.ctx
    assert ctx is not None
    from peerdesk.ui.window.pages import PAGES

    for title, _spec in PAGES[1:]:  # a coordinator has been on every page: each refreshes on changes
        out[f"open page {title}"] = measure(
            heart,
            window,
            lambda title=title: window.show_page(row_of(title)),
            lambda t=title: row_of(t) in window.pages,
        )

    pairings = page(window, "Pairings")
    spin(0.5)
    program = pairings.program_combo.findText("Engineering & Data Mentoring")
    pairings.program_combo.setCurrentIndex(max(0, program))
    pairings.mode_combo.setCurrentIndex(pairings.mode_combo.findData("mentoring"))
    measure(heart, window, pairings.propose, lambda: pairings.proposal is not None)
    pairings.start_edit.setDate(QDate(2026, 12, 7))
    out["accept round"] = measure(heart, window, pairings.accept)
    out["undo accept"] = measure(heart, window, window.undo)
    out["redo accept"] = measure(heart, window, window.redo)

    page(window, "Participants")
    person = Participant(name="Bench Person", email="bench.person@example.com", department="Bench")
    out["add one person"] = measure(
        heart, window, lambda: widgets.run_write(ctx, window, "Add", add_participant, person)
    )
    out["undo add person"] = measure(heart, window, window.undo)

    sessions = page(window, "Sessions")
    spin(0.5)
    out["schedule first meetings"] = measure(heart, window, sessions.schedule_first_meetings)

    def type_search() -> None:
        for ch in "week":
            sessions.search.setText(sessions.search.text() + ch)
            spin(0.06)

    out["title search (4 keys)"] = measure(heart, window, type_search)
    sessions.search.clear()

    reports = page(window, "Reports")
    spin(0.5)
    other = 1 if reports.program.currentIndex() != 1 else 0
    out["change program (Reports)"] = measure(heart, window, lambda: reports.program.setCurrentIndex(other))
    out["save report (to dialog)"] = measure(heart, window, reports.save_report)

    from peerdesk.ui.participants.privacy_actions import EraseDialog

    page(window, "Participants")
    pid = ctx.db.execute("SELECT id FROM participants ORDER BY id LIMIT 1 OFFSET 100").fetchone()[0]
    erase: dict[str, EraseDialog] = {}
    out["open erase dialog"] = measure(heart, window, lambda: erase.setdefault("dialog", EraseDialog(ctx, pid, window)))
    dialog = erase["dialog"]
    dialog.confirm_edit.setText(dialog.email)
    out["erase one person"] = measure(heart, window, dialog.erase)
    dialog.deleteLater()
    window.close()
    window.close_program()
    window.deleteLater()
    heart.timer.stop()
    spin(0.2)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--participants", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--db", type=Path)
    parser.add_argument("--one", type=Path, help=argparse.SUPPRESS)  # a run in this process, on this copy
    args = parser.parse_args()
    if args.one is not None:
        print(json.dumps(measured_run(args.one)))
        return
    work = Path(tempfile.mkdtemp())
    source = args.db
    if source is None:
        source = work / "bench.peerdesk.db"
        subprocess.run(
            [sys.executable, "-m", "peerdesk.cli", "demo", str(source), "--participants", str(args.participants)],
            check=True,
        )
    compileall.compile_dir(Path(peerdesk.__file__).parent, quiet=1, legacy=False)  # as a wheel installs it
    runs: list[dict[str, tuple[float, float]]] = []
    for k in range(args.runs):
        path = work / f"run{k}.peerdesk.db"
        shutil.copyfile(source, path)
        done = subprocess.run(
            [sys.executable, __file__, "--one", str(path)], check=True, capture_output=True, text=True
        )
        runs.append({name: (ms[0], ms[1]) for name, ms in json.loads(done.stdout.splitlines()[-1]).items()})
        print(f"run {k + 1}: " + ", ".join(f"{name} {ms[0]:.0f}" for name, ms in runs[-1].items()), flush=True)
    print(f"\n{source} ({args.participants} people), load average {os.getloadavg()[0]:.2f}, {dt.date.today()}")
    print(f"longest event-loop stall and longest garbage collection in it, median of {args.runs} runs (ms):")
    for name in page_stalls_first(runs):
        stall = statistics.median(r[name][0] for r in runs)
        collection = statistics.median(r[name][1] for r in runs)
        print(f"  {name:<28} {stall:8.0f}   gc {collection:4.0f}")
    shutil.rmtree(work, ignore_errors=True)


def measured_run(path: Path) -> dict[str, tuple[float, float]]:
    """One run in this process (a fresh one, started by main)."""
    sys.dont_write_bytecode = True
    app = QApplication.instance() or QApplication(sys.argv)
    QCoreApplication.setOrganizationName("PeerDeskBench")
    settings = path.with_name(path.name + ".settings")
    QSettings.setPath(QSettings.Format.NativeFormat, QSettings.Scope.UserScope, str(settings))
    QSettings().clear()
    widgets.confirm = lambda *a, **k: True  # type: ignore[assignment]
    widgets.inform = lambda *a, **k: None  # type: ignore[assignment]
    widgets.warn = lambda parent, title, text, *a, **k: print(f"  warning: {title}: {text}", file=sys.stderr)  # type: ignore[assignment]
    widgets.ask_save_file = lambda *a, **k: None  # type: ignore[assignment]
    os.environ.setdefault("PEERDESK_BACKUP_DIR", str(path.parent / "backups"))
    out = one_run(path)
    app.processEvents()
    return out


if __name__ == "__main__":
    main()
