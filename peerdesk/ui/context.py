"""The window's handle on the open program file: runs writes, undo/redo, and announces changes."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Signal

from peerdesk.store import backups
from peerdesk.store.db import Database
from peerdesk.store.workspace import Changes, Workspace

T = TypeVar("T")


class AppContext(QObject):
    """Shared by every page: the workspace, and a `changed` signal carrying Changes."""

    changed = Signal(object)  # Changes
    undo_state_changed = Signal()

    def __init__(self, workspace: Workspace, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace

    @property
    def db(self) -> Database:
        return self.workspace.db

    @property
    def readonly(self) -> bool:
        return self.workspace.readonly

    def run(self, label: str, fn: Callable[..., T], *args: Any, backup_first: bool = False, **kwargs: Any) -> T:
        """Run one undoable write; raises StoreError on a known failure.

        backup_first: a bulk change (import, matching round, bulk scheduling) is preceded by a backup.
        """
        if backup_first:
            backups.backup_before(self.workspace.path, label)
        result, changes = self.workspace.run(label, fn, *args, **kwargs)
        self._announce(changes)
        return result

    def undo(self) -> Changes | None:
        log = self.workspace.undo_log
        if log is None or not log.can_undo:
            return None
        changes = self.workspace.undo()
        self._announce(changes)
        return changes

    def redo(self) -> Changes | None:
        log = self.workspace.undo_log
        if log is None or not log.can_redo:
            return None
        changes = self.workspace.redo()
        self._announce(changes)
        return changes

    def _announce(self, changes: Changes) -> None:
        if changes.tables:
            self.changed.emit(changes)
        self.undo_state_changed.emit()
