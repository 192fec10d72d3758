"""File > Restore…: the automatic backups of the open program file, and restoring one.

Also File > Back up now… (a copy where the user chooses).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from peerdesk import clock
from peerdesk.store import backups
from peerdesk.store.backups import Backup
from peerdesk.store.errors import StoreError
from peerdesk.ui.common import widgets
from peerdesk.ui.common.context import AppContext


def human_size(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def when(moment: dt.datetime) -> str:
    """A backup's time in the computer's local time, with a relative day for recent ones."""
    local = moment.astimezone()
    today = clock.now().astimezone().date()
    day = {today: "Today", today - dt.timedelta(days=1): "Yesterday"}.get(local.date(), f"{local:%a %d %b %Y}")
    return f"{day} {local:%H:%M:%S}"


class BackupsModel(QAbstractTableModel):
    """The backups of one file, newest first: when, why, size."""

    HEADERS = ("Made", "Why", "Size")

    def __init__(self, rows: list[Backup] | None = None, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[Backup] = list(rows or [])

    def set_rows(self, rows: list[Backup]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def backup(self, row: int) -> Backup:
        return self._rows[row]

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        b = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return (when(b.created), b.label.capitalize(), human_size(b.size))[index.column()]
        if role == Qt.ItemDataRole.ToolTipRole:
            return str(b.path)
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == 2:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class RestoreDialog(QDialog):
    """Lists the automatic backups of the open file with dates and sizes; restores one after confirmation."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.restored: Backup | None = None
        self.setWindowTitle("Restore a backup")
        self.resize(560, 380)
        path: Path | None = ctx.workspace.path
        layout = QVBoxLayout(self)
        self.intro = QLabel(self)
        self.intro.setWordWrap(True)
        layout.addWidget(self.intro)
        self.model = BackupsModel(parent=self)
        self.table = QTableView(self)
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.table.doubleClicked.connect(lambda _index: self.restore_selected())
        layout.addWidget(self.table)
        self.folder = QLabel(self)
        self.folder.setWordWrap(True)
        self.folder.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.folder)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.restore_button = QPushButton("&Restore…", self)
        buttons.addButton(self.restore_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.restore_button.clicked.connect(self.restore_selected)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update())
        if path is None:
            self.intro.setText("This program is not stored in a file, so it has no backups.")
        else:
            self.reload()
        self._update()

    def reload(self) -> None:
        path = self.ctx.workspace.path
        rows = backups.list_backups(path)
        self.model.set_rows(rows)
        kept = f"PeerDesk keeps the newest {self._kept()} backups of {path.name}"
        if rows:
            self.intro.setText(
                f"{kept}: one a day when you open it, and one before every import, upgrade and restore. "
                "Choose the state to go back to."
            )
            self.table.selectRow(0)
        else:
            self.intro.setText(f"{kept}. There are none yet: the first is made the next time the file is opened.")
        self.folder.setText(f"Backups folder: {backups.backup_dir(path)}")

    def _kept(self) -> int:
        from peerdesk.store.settings import load_settings

        try:
            return load_settings(self.ctx.db).backups_kept
        except Exception:  # noqa: BLE001 - only a number in a sentence
            return backups.DEFAULT_KEPT

    def selected_backup(self) -> Backup | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.backup(rows[0].row()) if rows else None

    def _update(self) -> None:
        writable = self.ctx.workspace.path is not None and not self.ctx.readonly
        self.restore_button.setEnabled(writable and self.selected_backup() is not None)
        if self.ctx.readonly:
            self.restore_button.setToolTip("The file is open read-only.")

    def restore_selected(self) -> None:
        backup = self.selected_backup()
        if backup is None or not self.restore_button.isEnabled():
            return
        text = (
            f"Go back to the backup of {when(backup.created)} ({backup.label})?\n\n"
            "Everything changed since then is replaced. The current state is backed up first, so this "
            "restore can itself be undone from this list. Undo history is cleared."
        )
        if not widgets.confirm(self, "Restore a backup", text, "Restore"):
            return
        error = ""
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            self.ctx.restore(backup)
        except StoreError as exc:
            error = str(exc)
        finally:
            QGuiApplication.restoreOverrideCursor()
        if error:
            widgets.warn(self, "Restore a backup", error)
            self.reload()
            return
        self.restored = backup
        widgets.inform(self, "Restore a backup", f"Restored the backup of {when(backup.created)}.")
        self.accept()


def restore_backup_dialog(ctx: AppContext, parent: QWidget | None = None) -> Backup | None:
    """File > Restore…: show the dialog; return the backup restored, if any."""
    dialog = RestoreDialog(ctx, parent)
    widgets.exec_dialog(dialog)
    return dialog.restored


def back_up_now(ctx: AppContext, parent: QWidget | None = None) -> Path | None:
    """File > Back up now…: a consistent copy of the program file where the user chooses."""
    path: Path | None = ctx.workspace.path
    if path is None:
        widgets.warn(parent, "Back up", "This program is not stored in a file.")
        return None
    suggested = f"{path.name.split('.')[0]}-{clock.now():%Y-%m-%d}.peerdesk.db"  # in the last or documents folder
    out = widgets.ask_save_file(parent, "Back up the program file", widgets.PROGRAM_FILTER, suggested)
    if out is None:
        return None
    error, size = "", 0
    QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        size = backups.copy_to(path, out)
    except StoreError as exc:
        error = str(exc)
    finally:
        QGuiApplication.restoreOverrideCursor()
    if error:
        widgets.warn(parent, "Back up", error)
        return None
    widgets.inform(parent, "Back up", f"Saved a copy of {path.name} to {out} ({human_size(size)}).")
    return out
