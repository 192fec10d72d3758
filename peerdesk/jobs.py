"""Long work outside Qt: one progress type, one cancel check, one Cancelled.

Every long computation (matching, scheduling, printing, exporting, reading a CSV file, the
figures of a page) takes a `progress(done, total, message)` callback and a `cancelled()`
check, and raises `Cancelled` when the check turns true. The window runs such work on a
worker thread (peerdesk.ui.jobs); tests and the command line call it directly.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from peerdesk.store.db import Database
from peerdesk.store.errors import StoreError
from peerdesk.store.readers import thread_reader


class Progress(Protocol):
    """Told how far the work is: `done` of `total` steps, with what it is doing now."""

    def __call__(self, done: int, total: int, message: str = "", /) -> None: ...


CancelCheck = Callable[[], bool]


class Cancelled(Exception):
    """The coordinator stopped the work; `written` lists the files completed before it stopped."""

    def __init__(self, message: str = "The work was cancelled.", written: Sequence[Path] = ()) -> None:
        super().__init__(message)
        self.written = list(written)


def no_progress(done: int, total: int, message: str = "", /) -> None:
    """A progress callback that tells nobody."""


def never() -> bool:
    """A cancel check for work that nobody can stop."""
    return False


def check(cancelled: CancelCheck | None, message: str = "The work was cancelled.") -> None:
    """Raise Cancelled when the cancel check says so."""
    if cancelled is not None and cancelled():
        raise Cancelled(message)


@dataclass(frozen=True)
class Work:
    """What a job running on a worker thread is handed: how to report, when to stop, what to read."""

    path: Path | None = None  # the program file; None for work that reads no program
    progress: Progress = no_progress
    cancelled: CancelCheck = never

    def reader(self) -> Database:
        """This thread's read-only connection to the program file."""
        if self.path is None:
            raise StoreError("This work has no program file to read.")
        return thread_reader(self.path)

    def check(self, message: str = "The work was cancelled.") -> None:
        check(self.cancelled, message)
