"""Solving a matching problem on a worker thread, so the window never freezes.

The problem is plain data (loaded on the UI thread), so the worker touches no database.
"""

from __future__ import annotations

from PySide6.QtCore import QThread, Signal

from peerdesk.matching import Cancelled, Problem, propose


class MatchJob(QThread):
    """Runs propose(problem); reports progress, then `solved` or `failed` (or `cancelled`)."""

    progressed = Signal(float, str)
    solved = Signal(object)  # Proposal
    failed = Signal(str)
    cancelled = Signal()

    def __init__(self, problem: Problem, parent=None) -> None:  # noqa: ANN001
        super().__init__(parent)
        self.problem = problem
        self._stop = False

    def stop(self) -> None:
        self._stop = True

    def run(self) -> None:
        try:
            proposal = propose(self.problem, progress=self.progressed.emit, cancel=lambda: self._stop)
        except Cancelled:
            self.cancelled.emit()
        except Exception as exc:  # shown to the user on the UI thread
            self.failed.emit(f"{type(exc).__name__}: {exc}")
        else:
            self.solved.emit(proposal)
