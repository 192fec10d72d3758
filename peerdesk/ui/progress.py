"""Long work off the UI thread, with a progress dialog and Cancel.

A job is a plain fn(progress, cancelled) run by a QThread: rendering PDFs needs no database;
reading jobs open their own read-only connection (SQLite connections belong to their thread)
and hand their result back, for the UI thread to write through ctx.run.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEventLoop, QThread, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from peerdesk.store import open_db

Job = Callable[[Callable[[int, int], None], Callable[[], bool]], Any]


class _Thread(QThread):
    progressed = Signal(int, int)

    def __init__(self, fn: Job) -> None:
        super().__init__()
        self.fn = fn
        self.result: Any = None
        self.error: BaseException | None = None
        self._stop = False

    def stop(self) -> None:
        self._stop = True

    def run(self) -> None:
        try:
            self.result = self.fn(self.progressed.emit, lambda: self._stop)
        except BaseException as exc:  # handed to the UI thread, re-raised there
            self.error = exc


def run_with_progress(parent: QWidget | None, title: str, fn: Job, total: int = 0) -> Any:
    """Run fn(progress, cancelled) on a worker thread while a progress dialog with Cancel shows.

    Returns fn's result, or re-raises its exception (a cancellation too) on the UI thread.
    """
    dialog = QProgressDialog(title, "Cancel", 0, total, parent)
    dialog.setObjectName("jobProgress")
    dialog.setWindowTitle(title)
    dialog.setMinimumDuration(300)
    thread = _Thread(fn)

    def show(done: int, of: int) -> None:
        dialog.setMaximum(of)
        dialog.setValue(done)
        dialog.setLabelText(f"{title} ({done} of {of})")

    thread.progressed.connect(show)
    dialog.canceled.connect(thread.stop)
    loop = QEventLoop()
    thread.finished.connect(loop.quit)
    thread.start()
    if not thread.isFinished():
        loop.exec()
    thread.wait()
    dialog.reset()
    dialog.deleteLater()
    if thread.error is not None:
        raise thread.error
    return thread.result


def run_read_job(parent: QWidget | None, ctx: Any, title: str, fn: Callable[..., Any], **kwargs: Any) -> Any:
    """Run fn(db, progress=, cancelled=, **kwargs) on its own read-only connection, with progress.

    An in-memory program (tests) has no file to share between threads, so the work runs inline.
    """
    path = ctx.workspace.path
    if path is None:
        return fn(ctx.db, progress=lambda n, total: None, cancelled=lambda: False, **kwargs)

    def job(progress: Callable[[int, int], None], cancelled: Callable[[], bool]) -> Any:
        db = open_db(Path(path), create=False, readonly=True)
        try:
            return fn(db, progress=progress, cancelled=cancelled, **kwargs)
        finally:
            db.close()

    return run_with_progress(parent, title, job)
