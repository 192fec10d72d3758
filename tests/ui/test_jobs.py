"""The one way off the UI thread: JobRunner (latest outcome wins) and run_modal (the window waits)."""

from __future__ import annotations

import gc
import threading
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QObject, QThreadPool

from peerdesk.jobs import Cancelled, Work
from peerdesk.store.errors import StoreError
from peerdesk.store.participants import add_participant, list_participants
from peerdesk.store.readers import open_readers
from peerdesk.store.records import Participant
from peerdesk.ui.common.jobs import JobRunner, run_modal


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


def _wal(ctx) -> Path:
    return ctx.path.with_name(ctx.path.name + "-wal")


def test_a_finished_job_leaves_no_reader_open_and_closing_the_file_leaves_no_wal(ctx, qtbot):
    ctx.run("Add Ada", add_participant, Participant(name="Ada", email="ada@example.com"))
    runner = JobRunner(ctx.path)
    names: list[object] = []
    runner.finished.connect(names.append)
    runner.read(lambda db: [p.name for p in list_participants(db)])
    assert runner.wait(10)
    assert names == [["Ada"]]
    QThreadPool.globalInstance().waitForDone()
    assert open_readers(ctx.path) == 0  # the job's connection closed with the job, not 30 s later
    ctx.workspace.close()
    assert not _wal(ctx).exists()  # the writer was the last connection: SQLite folded the log in


LONG_QUERY = (
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300000000) SELECT count(*) FROM n"
)


def _reading_for_ever(ctx, qtbot) -> tuple[JobRunner, list[BaseException], threading.Event]:
    runner = JobRunner(ctx.path)
    errors: list[BaseException] = []
    runner.failed.connect(errors.append)
    started = threading.Event()

    def read(work: Work) -> object:
        db = work.reader()
        started.set()
        return db.execute(LONG_QUERY).fetchone()

    runner.run(read)
    assert started.wait(10)
    return runner, errors, started


def test_closing_the_file_cuts_off_a_job_still_reading_it(ctx, qtbot):
    runner, errors, _ = _reading_for_ever(ctx, qtbot)
    assert open_readers(ctx.path) == 1
    ctx.workspace.close()
    assert open_readers(ctx.path) == 0
    assert not _wal(ctx).exists()
    assert runner.wait(10)
    assert len(errors) == 1 and isinstance(errors[0], Cancelled)  # moot work, not a bug to report


def test_a_job_that_only_checks_in_python_stops_when_its_file_closes(ctx, qtbot):
    runner = JobRunner(ctx.path)
    errors: list[BaseException] = []
    runner.failed.connect(errors.append)
    started = threading.Event()

    def think(work: Work) -> None:
        work.reader().execute("SELECT 1").fetchone()
        started.set()
        while True:
            work.check()
            time.sleep(0.005)

    runner.run(think)
    assert started.wait(10)
    ctx.workspace.close()
    assert open_readers(ctx.path) == 0
    assert runner.wait(10) and isinstance(errors[0], Cancelled)


def test_restoring_a_backup_first_ends_the_jobs_reading_the_file(ctx, qtbot):
    from peerdesk.store import backups

    ctx.run("Add Ada", add_participant, Participant(name="Ada", email="ada@example.com"))
    backup = backups.make_backup(ctx.path, "test")
    ctx.run("Add Bo", add_participant, Participant(name="Bo", email="bo@example.com"))
    runner, errors, _ = _reading_for_ever(ctx, qtbot)
    ctx.restore(backup)
    assert open_readers(ctx.path) == 0
    assert [p.name for p in list_participants(ctx.db)] == ["Ada"]
    assert runner.wait(10) and isinstance(errors[0], Cancelled)


def test_a_runner_kept_only_by_its_parent_still_gets_its_outcome(qtbot):
    parent = QObject()
    seen: list[object] = []
    runner = JobRunner(None, parent)
    runner.finished.connect(seen.append)
    runner.run(lambda work: "done")
    del runner
    gc.collect()
    qtbot.waitUntil(lambda: seen == ["done"], timeout=10_000)


def test_a_runner_deleted_while_its_job_runs_is_not_signalled(qtbot):
    parent = QObject()  # a page, closed while its job runs
    seen: list[object] = []
    runner = JobRunner(None, parent)
    runner.finished.connect(seen.append)
    release = threading.Event()
    runner.run(lambda work: release.wait(5))
    del runner
    parent.deleteLater()
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    release.set()
    QThreadPool.globalInstance().waitForDone()
    qtbot.wait(50)  # the outcome reaches the one relay, which finds no runner
    assert seen == []
