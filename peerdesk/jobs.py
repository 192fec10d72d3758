"""Long work outside Qt: one progress type, one cancel check, one Cancelled.

Every long computation (matching, scheduling, printing, exporting, reading a CSV file, the
figures of a page) takes a `progress(done, total, message)` callback and a `cancelled()`
check, and raises `Cancelled` when the check turns true. The window runs such work on a
worker thread (peerdesk.ui.common.jobs); tests and the command line call it directly.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, TypeVar

from peerdesk.store.db import Database
from peerdesk.store.errors import StoreError
from peerdesk.store.readers import close_reader, open_reader, was_cut

T = TypeVar("T")


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
    """What a job running on a worker thread is handed: how to report, when to stop, what to read.

    Its reader is opened on first use and closed when the job ends (`perform`). When the program
    file is closed or replaced meanwhile (peerdesk.store.readers.close_readers), `cancelled()`
    turns true and the job ends as Cancelled.
    """

    path: Path | None = None  # the program file; None for work that reads no program
    progress: Progress = no_progress
    cancelled: CancelCheck = never
    _held: list[Database] = field(default_factory=list, repr=False, compare=False)

    def __post_init__(self) -> None:
        asked = self.cancelled
        object.__setattr__(self, "cancelled", lambda: self._cut() or asked())

    def reader(self) -> Database:
        """This job's read-only connection to the program file."""
        if self.path is None:
            raise StoreError("This work has no program file to read.")
        if self._cut():
            raise Cancelled("The program file was closed.")
        if not self._held:
            self._held.append(open_reader(self.path))
        return self._held[0]

    def check(self, message: str = "The work was cancelled.") -> None:
        check(self.cancelled, message)

    def perform(self, fn: Callable[[Work], T]) -> T:
        """Run fn(self) on this thread, then close the reader it opened.

        Work cut off because its program file was closed or replaced raises Cancelled.
        """
        try:
            return fn(self)
        except Exception:  # a statement interrupted, or whatever follows from it
            if self._cut():
                raise Cancelled("The program file was closed.") from None
            raise
        finally:
            self.close()

    def close(self) -> None:
        """Close this job's reader (on the thread that opened it)."""
        while self._held:
            close_reader(self._held.pop())

    def _cut(self) -> bool:
        return bool(self._held) and was_cut(self._held[0])
