"""The one way off the UI thread: JobRunner (latest outcome wins) and run_modal (the window waits)."""

from __future__ import annotations

import threading
import time

import pytest

from peerdesk.jobs import Cancelled, Work
from peerdesk.store.errors import StoreError
from peerdesk.store.participants import add_participant, list_participants
from peerdesk.store.records import Participant
from peerdesk.ui.jobs import JobRunner, run_modal


def test_run_modal_runs_on_a_worker_and_returns_or_raises(qapp):
    here = threading.get_ident()
    assert run_modal(None, "Working", lambda work: threading.get_ident()) != here

    def broken(work: Work) -> None:
        raise ValueError("bug in a job")

    with pytest.raises(ValueError, match="bug in a job"):
        run_modal(None, "Working", broken)


def test_a_job_reads_the_program_file_through_its_own_connection(ctx, qapp):
    ctx.run("Add Ada", add_participant, Participant(name="Ada", email="ada@example.com"))
    names = run_modal(None, "Reading", lambda work: [p.name for p in list_participants(work.reader())], path=ctx.path)
    assert names == ["Ada"]
    with pytest.raises(StoreError):
        run_modal(None, "Reading", lambda work: work.reader())  # no program file given


def test_only_the_latest_job_of_a_runner_is_delivered(qtbot):
    runner = JobRunner(None)
    seen: list[object] = []
    runner.finished.connect(seen.append)
    release = threading.Event()

    def slow(work: Work) -> str:
        release.wait(5)
        return "old"

    runner.run(slow)
    runner.run(lambda work: "new")
    assert runner.wait(10)
    release.set()
    time.sleep(0.05)
    qtbot.wait(50)
    assert seen == ["new"]


def test_cancel_reaches_the_job_as_its_cancel_check(qtbot):
    runner = JobRunner(None)
    errors: list[BaseException] = []
    runner.failed.connect(errors.append)
    started = threading.Event()

    def loop(work: Work) -> None:
        started.set()
        while True:
            work.check("Stopped.")
            time.sleep(0.005)

    runner.run(loop)
    started.wait(5)
    runner.cancel()
    assert runner.wait(10)
    assert isinstance(errors[0], Cancelled) and str(errors[0]) == "Stopped."


def test_a_bulk_write_and_its_undo_run_while_the_event_loop_turns(ctx, qtbot):
    """The window's writer connection is used on a worker while the UI thread waits (no stall)."""
    from PySide6.QtCore import QTimer

    from peerdesk.store.workspace import bulk

    beats: list[float] = []
    timer = QTimer()
    timer.timeout.connect(lambda: beats.append(time.perf_counter()))
    timer.start(5)

    @bulk("import")
    def slow_add(db, person):
        time.sleep(0.3)
        return add_participant(db, person)

    ctx.run("Import Ada", slow_add, Participant(name="Ada", email="ada@example.com"))
    timer.stop()
    assert [p.name for p in list_participants(ctx.db)] == ["Ada"]
    assert len(beats) > 5  # the timer kept beating while the write ran
