"""The window's handle on the open program file: runs writes, undo/redo, and announces changes."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QApplication

from peerdesk.store import backups
from peerdesk.store.db import Database
from peerdesk.store.workspace import Changes, Workspace, is_bulk
from peerdesk.ui.common.jobs import run_modal

T = TypeVar("T")


class AppContext(QObject):
    """Shared by every page: the workspace, and a `changed` signal carrying Changes.

    Every write goes through run() (the store's Workspace.run: one transaction, undo, the
    backup before a bulk change). A bulk write, an undo and a redo run on a worker thread
    while the window waits (a progress dialog shows if it takes a moment), so the event loop
    never stalls; the caller still reads top to bottom. Views refresh from `changed`.
    """

    changed = Signal(object)  # Changes
    undo_state_changed = Signal()

    def __init__(self, workspace: Workspace, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.last_changes: Changes | None = None  # of the latest write, undo or redo (its backup, if any)

    @property
    def db(self) -> Database:
        return self.workspace.db

    @property
    def path(self) -> Path | None:
        return self.workspace.path

    @property
    def readonly(self) -> bool:
        return self.workspace.readonly

    def run(self, label: str, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """Run one undoable write; raises StoreError on a known failure."""
        if is_bulk(fn):
            result, changes = self._wait(label, lambda: self.workspace.run(label, fn, *args, **kwargs))
        else:
            result, changes = self.workspace.run(label, fn, *args, **kwargs)
        self._announce(changes)
        return result

    def undo(self) -> Changes | None:
        log = self.workspace.undo_log
        if log is None or not log.can_undo:
            return None
        changes = self._wait(f"Undoing {log.undo_label}", self.workspace.undo)
        self._announce(changes)
        return changes

    def redo(self) -> Changes | None:
        log = self.workspace.undo_log
        if log is None or not log.can_redo:
            return None
        changes = self._wait(f"Redoing {log.redo_label}", self.workspace.redo)
        self._announce(changes)
        return changes

    def restore(self, backup: backups.Backup) -> backups.Backup | None:
        """Put a backup in place of the open file; every page reloads. Returns the backup made first."""
        made, changes = self._wait("Restoring the backup", lambda: self.workspace.restore(backup))
        self._announce(changes)
        return made

    def _wait(self, title: str, call: Callable[[], T]) -> T:
        return run_modal(QApplication.activeWindow(), title, lambda _work: call(), cancellable=False)

    def _announce(self, changes: Changes) -> None:
        self.last_changes = changes
        if changes.tables:
            self.changed.emit(changes)
        self.undo_state_changed.emit()
