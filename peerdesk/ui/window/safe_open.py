"""Opening a program file in the window safely.

- a file another PeerDesk is writing: say who and since when, offer to open it read-only;
- a damaged file: offer the latest good backup (the damaged file is kept beside the backups);
- the file is backed up before a schema upgrade, and once a day when opened (in a background
  thread with its own read-only connection: a large file never freezes the window);
- while open, the writer lock's heartbeat is renewed; the lock is released on close.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QWidget

from peerdesk.jobs import Work
from peerdesk.store import backups
from peerdesk.store.db import folder_writable, inspect_file
from peerdesk.store.errors import CorruptDatabase, StoreError
from peerdesk.store.lock import HEARTBEAT_EVERY, FileInUse, LockLost, WriterLock
from peerdesk.store.lock import this_host as lock_host
from peerdesk.store.workspace import Workspace
from peerdesk.ui.common import widgets
from peerdesk.ui.common.jobs import JobRunner, run_modal

T = TypeVar("T")


class LockedWorkspace(Workspace):
    """A workspace that holds the writer lock of its file while open, and releases it on close."""

    lock: WriterLock | None = None
    timer: QTimer | None = None
    backup_job: JobRunner | None = None
    backup_done: threading.Event | None = None

    def start_daily_backup(self, parent: QWidget | None) -> None:
        """Make the day's automatic backup on a worker (it reads the file through its own connection)."""
        assert self.path is not None
        path, done = self.path, threading.Event()

        def back_up(_work: Work) -> str:
            try:
                backups.daily_backup(path)
            except (StoreError, OSError, sqlite3.Error) as exc:
                return f"Today's automatic backup of {path.name} could not be made: {exc}"
            finally:
                done.set()
            return ""

        self.backup_done = done
        self.backup_job = JobRunner(None, parent)
        self.backup_job.finished.connect(lambda text: text and widgets.warn(parent, "Backup", text))
        self.backup_job.run(back_up)

    def wait_for_backup(self) -> None:
        """Block until the day's backup is written (closing waits for it too)."""
        if self.backup_done is not None:
            self.backup_done.wait()

    def hold(self, lock: WriterLock, parent: QWidget | None) -> None:
        self.lock = lock
        self.timer = QTimer(parent)
        self.timer.setInterval(int(HEARTBEAT_EVERY.total_seconds() * 1000))
        self.timer.timeout.connect(lambda: self._beat(parent))
        self.timer.start()

    def _beat(self, parent: QWidget | None) -> None:
        if self.lock is None or self.readonly:
            return
        try:
            self.lock.refresh()
        except LockLost as exc:
            self.readonly = True
            if self.timer is not None:
                self.timer.stop()
            widgets.warn(parent, "Program file taken over", f"{exc} This window is now read-only.")
        except OSError:
            pass  # a folder that is briefly unreachable (network drive): try again at the next beat

    def close(self) -> None:
        self.wait_for_backup()
        if self.timer is not None:
            self.timer.stop()
            self.timer.deleteLater()
            self.timer = None
        try:
            super().close()
        finally:
            if self.lock is not None:
                self.lock.release()
                self.lock = None


def _offer_backup(parent: QWidget | None, path: Path, problem: StoreError) -> bool:
    """The file is damaged: offer the latest good backup. True when it was restored."""
    good = backups.latest_good_backup(path)
    if good is None:
        widgets.warn(
            parent,
            "Damaged program file",
            f"{problem}\n\nThere is no backup of it to go back to. Run 'peerdesk check' for the details; "
            "the file has not been changed.",
        )
        return False
    from peerdesk.ui.window.restore_dialog import human_size, when

    text = (
        f"{problem}\n\nThe latest good backup is from {when(good.created)} ({good.label}, {human_size(good.size)}). "
        "Restore it? The damaged file is kept in the backups folder; nothing is deleted."
    )
    if not widgets.confirm(parent, "Damaged program file", text, "Restore backup"):
        return False
    backups.restore_backup(good, path)
    return True


def _off_thread(parent: QWidget | None, path: Path, call: Callable[[], T]) -> T:
    """Checking and opening a large file (its integrity check, a pending upgrade) takes a while:
    do it on a worker while the window waits."""
    return run_modal(parent, f"Opening {path.name}", lambda _work: call(), cancellable=False)


def open_workspace(parent: QWidget | None, path: Path, *, create: bool = False) -> Workspace | None:
    """Open a program file for the window; None when the user declined. Known failures raise StoreError."""
    path = Path(path)
    if not path.exists():
        if not create:
            raise StoreError(f"{path} does not exist.")
    else:
        backups.clean_temporaries(path)  # what crashed backups and copies left
        try:
            _off_thread(parent, path, lambda: inspect_file(path))
        except CorruptDatabase as exc:
            if not _offer_backup(parent, path, exc):
                return None
    if path.exists() and not (os.access(path, os.W_OK) and folder_writable(path.parent)):
        return _off_thread(parent, path, lambda: Workspace.open(path, readonly=True))
    if create:
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        lock = WriterLock.acquire(path)
    except FileInUse as exc:
        if exc.holder.pid == os.getpid() and exc.holder.host == lock_host():
            raise StoreError(f"{path.name} is already open in this window.") from None
        text = f"{exc}\n\nOpen it read-only? You can look at everything but change nothing."
        if not widgets.confirm(parent, "Program file in use", text, "Open read-only"):
            return None
        return _off_thread(parent, path, lambda: Workspace.open(path, readonly=True))
    try:
        workspace = _off_thread(parent, path, lambda: LockedWorkspace.open(path, before_migrate=backups.before_migrate))
    except BaseException:
        lock.release()
        raise
    workspace.hold(lock, parent)
    workspace.start_daily_backup(parent)
    return workspace
