"""Running a long read-only computation off the UI thread, with a progress dialog and Cancel.

The worker opens its own read-only connection to the program file (SQLite connections
belong to their thread); the caller then writes the result on the UI thread through ctx.run.
An in-memory program (tests) has no file to share, so the work runs inline instead.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QEventLoop, QThread, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

from peerdesk.store import open_db


class _Job(QThread):
    progressed = Signal(int, int)

    def __init__(self, path: Path, fn: Callable[..., Any], kwargs: dict[str, Any]) -> None:
        super().__init__()
        self.path = path
        self.fn = fn
        self.kwargs = kwargs
        self.result: Any = None
        self.error: BaseException | None = None
        self._stop = False

    def stop(self) -> None:
        self._stop = True

    def run(self) -> None:
        try:
            db = open_db(self.path, create=False, readonly=True)
            try:
                self.result = self.fn(db, progress=self.progressed.emit, cancelled=lambda: self._stop, **self.kwargs)
            finally:
                db.close()
        except BaseException as exc:  # handed to the UI thread, re-raised there
            self.error = exc


def run_read_job(parent: QWidget | None, ctx: Any, title: str, fn: Callable[..., Any], **kwargs: Any) -> Any:
    """Run fn(db, progress=, cancelled=, **kwargs) on a worker thread while a progress dialog shows.

    Returns fn's result; re-raises its exception (including a cancellation) on the UI thread.
    """
    path = ctx.workspace.path
    if path is None:
        return fn(ctx.db, progress=lambda n, total: None, cancelled=lambda: False, **kwargs)
    dialog = QProgressDialog(title, "Cancel", 0, 0, parent)
    dialog.setWindowTitle(title)
    dialog.setMinimumDuration(300)
    job = _Job(Path(path), fn, kwargs)

    def show_progress(n: int, total: int) -> None:
        dialog.setMaximum(total)
        dialog.setValue(n)
        dialog.setLabelText(f"{title} ({n} of {total})")

    job.progressed.connect(show_progress)
    dialog.canceled.connect(job.stop)
    loop = QEventLoop()
    job.finished.connect(loop.quit)
    job.start()
    if not job.isFinished():
        loop.exec()
    job.wait()
    dialog.reset()
    dialog.deleteLater()
    if job.error is not None:
        raise job.error
    return job.result
