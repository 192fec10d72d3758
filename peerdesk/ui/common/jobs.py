"""The window's one way to run work off the UI thread.

A job is a plain `fn(work)` (peerdesk.jobs.Work: progress, cancel check, and a read-only
connection of the worker's own to the program file) run on Qt's shared thread pool.

- `JobRunner` runs a page's jobs in the background: `finished(result)` or `failed(exception)`
  follow on the UI thread, and only the latest job's outcome is delivered (a newer request
  makes older figures moot);
- `run_modal` runs one job while the window waits with a progress dialog (shown after a
  moment) and Cancel; it returns the job's result or raises its exception on the UI thread,
  so the caller reads top to bottom. User input to the window is held back meanwhile.
"""

from __future__ import annotations

import contextlib
import itertools
import time
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol, TypeVar

from PySide6.QtCore import QEvent, QEventLoop, QObject, QRunnable, Qt, QThreadPool, Signal
from PySide6.QtWidgets import QApplication, QProgressDialog, QWidget

from peerdesk.jobs import Cancelled, Work

T = TypeVar("T")
SHOW_AFTER_MS = 300
_INPUT = {
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseButtonRelease,
    QEvent.Type.MouseButtonDblClick,
    QEvent.Type.KeyPress,
    QEvent.Type.KeyRelease,
    QEvent.Type.Wheel,
    QEvent.Type.Shortcut,
    QEvent.Type.ShortcutOverride,
}


class _Failure:
    def __init__(self, error: BaseException) -> None:
        self.error = error


class _Relay(QObject):
    """Carries a job's progress and outcome from its worker to the UI thread.

    One relay lives as long as the program, so a worker never signals through an object that the
    UI thread may be deleting (a page closed while its job ran); the outcome then finds no runner.
    """

    progressed = Signal(int, int, int, int, str)  # runner key, generation, done, total, message
    done = Signal(int, int, object)  # runner key, generation, result | _Failure

    def __init__(self) -> None:
        super().__init__()
        self.runners: weakref.WeakValueDictionary[int, JobRunner] = weakref.WeakValueDictionary()  # alive, by key
        self.done.connect(self._done)
        self.progressed.connect(self._progressed)

    def _done(self, key: int, generation: int, outcome: object) -> None:
        runner = self.runners.get(key)
        if runner is not None:
            with contextlib.suppress(RuntimeError):  # its C++ side went with its page meanwhile
                runner._done(generation, outcome)

    def _progressed(self, key: int, generation: int, done: int, total: int, message: str) -> None:
        runner = self.runners.get(key)
        if runner is not None:
            with contextlib.suppress(RuntimeError):
                runner._progressed(generation, done, total, message)


_RELAY: _Relay | None = None
_KEYS = itertools.count(1)


def _relay() -> _Relay:
    global _RELAY
    if _RELAY is None:
        _RELAY = _Relay()
    return _RELAY


class _Task(QRunnable):
    def __init__(self, fn: Callable[[Work], Any], work: Work, key: int, generation: int) -> None:
        super().__init__()
        self.fn, self.work, self.key, self.generation = fn, work, key, generation

    def run(self) -> None:
        outcome: object
        try:
            outcome = self.work.perform(self.fn)
        except BaseException as exc:  # handed to the UI thread, which shows or re-raises it
            outcome = _Failure(exc)
        _relay().done.emit(self.key, self.generation, outcome)


class JobRunner(QObject):
    """Runs one kind of work for a page on the thread pool; `finished` or `failed` follow."""

    progressed = Signal(int, int, str)
    finished = Signal(object)
    failed = Signal(object)  # the exception (a Cancelled too)

    def __init__(self, path: Path | None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.path = path
        self.generation = 0
        self.started = 0.0
        self.seconds = 0.0
        self._stop = False
        self.key = key = next(_KEYS)
        relay = _relay()
        relay.runners[key] = self
        self.destroyed.connect(lambda *_: relay.runners.pop(key, None))

    @property
    def busy(self) -> bool:
        return self.started > 0

    @property
    def background(self) -> bool:
        """True when there is a program file for the work to read on its worker thread."""
        return self.path is not None

    def run(self, fn: Callable[[Work], Any]) -> None:
        """Start fn(work) on a pool thread; an outcome of an earlier run still under way is dropped."""
        self.generation += 1
        generation = self.generation
        self.started = time.perf_counter()
        self._stop = False
        relay, key = _relay(), self.key

        def progress(done: int, total: int, message: str = "", /) -> None:
            relay.progressed.emit(key, generation, done, total, message)

        work = Work(self.path, progress, lambda: self._stop or generation != self.generation)
        QThreadPool.globalInstance().start(_Task(fn, work, key, generation))

    def read(self, fn: Callable[..., Any], *args: Any) -> None:
        """Start fn(db, *args) over the worker's own read-only connection to the program file."""
        self.run(lambda work: fn(work.reader(), *args))

    def cancel(self) -> None:
        self._stop = True

    def drop(self) -> None:
        """Forget the job under way: it is asked to stop and its outcome will not be delivered."""
        self.generation += 1
        self.started = 0.0

    @property
    def cancelled(self) -> bool:
        """True when the user asked the latest job to stop."""
        return self._stop

    def wait(self, timeout_s: float = 60.0) -> bool:
        """Let the event loop run until the latest job has reported (tests, closing); False on timeout."""
        deadline = time.perf_counter() + timeout_s
        while self.busy and time.perf_counter() < deadline:
            QApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)
            if self.busy:
                time.sleep(0.002)
        return not self.busy

    def _progressed(self, generation: int, done: int, total: int, message: str) -> None:
        if generation == self.generation:
            self.progressed.emit(done, total, message)

    def _done(self, generation: int, outcome: object) -> None:
        if generation != self.generation:
            return
        self.seconds = time.perf_counter() - self.started
        self.started = 0.0
        if isinstance(outcome, _Failure):
            self.failed.emit(outcome.error)
        else:
            self.finished.emit(outcome)


class _HoldInput(QObject):
    """Swallows the user's clicks and keys outside the progress dialog while a modal job runs."""

    def __init__(self, dialog: QWidget) -> None:
        super().__init__()
        self.dialog = dialog

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if event.type() not in _INPUT:
            return False
        node: QObject | None = watched
        while node is not None:
            if node is self.dialog:
                return False
            node = node.parent()
        return True


def run_modal(
    parent: QWidget | None,
    title: str,
    fn: Callable[[Work], T],
    *,
    path: Path | None = None,
    total: int = 0,
    cancellable: bool = True,
) -> T:
    """Run fn(work) on a pool thread while the window waits; return its result or raise its exception.

    A progress dialog appears when the work takes longer than a moment; Cancel asks the work to
    stop (it raises peerdesk.jobs.Cancelled). The event loop keeps running, so the window
    repaints, but the user's input goes only to the dialog until the work is done.
    """
    dialog = QProgressDialog(title, "Cancel" if cancellable else "", 0, total, parent)
    dialog.setObjectName("jobProgress")
    dialog.setWindowTitle(title)
    dialog.setMinimumWidth(380)  # room for the bar and a label such as "Finding first meetings (120 of 441)"
    dialog.setWindowModality(Qt.WindowModality.ApplicationModal)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    if not cancellable:
        dialog.setCancelButton(None)
    dialog.setMinimumDuration(SHOW_AFTER_MS)
    dialog.setValue(0)
    runner = JobRunner(path)
    outcome: dict[str, Any] = {}
    loop = QEventLoop()

    def show(done: int, of: int, message: str) -> None:
        dialog.setMaximum(of)
        dialog.setValue(min(done, of) if of else 0)
        dialog.setLabelText(f"{message or title} ({done} of {of})" if of else (message or title))

    def finished(key: str, value: Any) -> None:
        outcome[key] = value
        loop.quit()

    runner.progressed.connect(show)
    runner.finished.connect(lambda result: finished("result", result))
    runner.failed.connect(lambda error: finished("error", error))
    dialog.canceled.connect(runner.cancel)
    hold = _HoldInput(dialog)
    app = QApplication.instance()
    assert app is not None
    app.installEventFilter(hold)
    try:
        runner.run(fn)  # the dialog's own timer shows it after SHOW_AFTER_MS
        if not outcome:
            loop.exec()
    finally:
        app.removeEventFilter(hold)
        dialog.reset()
        dialog.hide()
        dialog.deleteLater()
        runner.deleteLater()
    if "error" in outcome:
        raise outcome["error"]
    if runner.cancelled:  # work that does not check: it ran to its end, but the user no longer wants it
        raise Cancelled()
    return outcome["result"]  # type: ignore[no-any-return]


class _Program(Protocol):
    """What run_read_job needs of the window's context: the open program file."""

    @property
    def path(self) -> Path | None: ...


def run_read_job(parent: QWidget | None, ctx: _Program, title: str, fn: Callable[..., T], **kwargs: Any) -> T:
    """Run fn(db, progress=, cancelled=, **kwargs) over a reader of the open program, with progress."""

    def job(work: Work) -> T:
        return fn(work.reader(), progress=work.progress, cancelled=work.cancelled, **kwargs)

    return run_modal(parent, title, job, path=ctx.path)
