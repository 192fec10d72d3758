"""Rendering PDFs off the UI thread with a progress dialog and Cancel.

Rendering needs no database (the figures were gathered and the certificates issued on the
UI thread), so the job is a plain fn(progress, cancelled) run by a QThread.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEventLoop, QThread, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

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


def run_render_job(parent: QWidget | None, title: str, fn: Job, total: int = 0) -> Any:
    """Run fn(progress, cancelled) on a worker thread while a progress dialog with Cancel shows.

    Returns fn's result, or re-raises its exception (a cancellation too) on the UI thread.
    """
    dialog = QProgressDialog(title, "Cancel", 0, total, parent)
    dialog.setObjectName("renderProgress")
    dialog.setWindowTitle(title)
    dialog.setMinimumDuration(400)
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
