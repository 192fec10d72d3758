"""Dialogs that write files into a folder on a worker (invitations, e-mail drafts).

The folder row (remembered per kind of file, Browse…), the writing job with its progress and
Stop, "Open folder" afterwards, and Close that never leaves a writing thread behind.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import platformdirs
from PySide6.QtCore import QSettings, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QHBoxLayout, QLineEdit, QPushButton, QWidget

from peerdesk.jobs import Work
from peerdesk.ui.common import widgets
from peerdesk.ui.common.jobs import JobRunner


def open_folder(path: Path) -> None:
    """Show the folder in the system's file manager (replaced in tests)."""
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


class FolderWriting:
    """Mixin for a QDialog with `progress` and `status` widgets: the folder row and the writing job.

    A dialog names its settings key, the folder's default name in Documents, the chooser's title
    and the progress text; it implements _finished(result), _failed(error) and _set_running(running, total).
    """

    FOLDER_KEY: str
    DEFAULT_FOLDER: str  # under the user's documents folder
    FOLDER_TITLE: str
    WRITING: str = "Writing {}…"  # the status while a file is written, with its name

    _writer: JobRunner | None = None

    def folder_row(self, parent: QWidget, tip: str = "") -> QHBoxLayout:
        """The folder's field (the last one used, or the default in Documents) and Browse…"""
        stored = QSettings().value(self.FOLDER_KEY, "")
        if not (isinstance(stored, str) and stored):
            stored = str(Path(platformdirs.user_documents_dir()) / self.DEFAULT_FOLDER)
        self.folder_edit = QLineEdit(stored, parent)
        self.folder_edit.setClearButtonEnabled(True)
        self.browse_button = QPushButton("Browse…", parent)
        if tip:
            self.browse_button.setToolTip(tip)
        self.browse_button.clicked.connect(self._browse)
        row = QHBoxLayout()
        row.addWidget(self.folder_edit, 1)
        row.addWidget(self.browse_button)
        return row

    def chosen_folder(self) -> Path | None:
        """The folder typed or chosen, remembered for next time; None when the field is empty."""
        text = self.folder_edit.text().strip()
        if not text:
            return None
        folder = Path(os.path.expanduser(text))
        QSettings().setValue(self.FOLDER_KEY, str(folder))
        return folder

    def open_chosen_folder(self) -> None:
        open_folder(Path(self.folder_edit.text().strip()))

    def _browse(self) -> None:
        chosen = widgets.ask_folder(self, self.FOLDER_TITLE, self.folder_edit.text().strip())  # type: ignore[arg-type]
        if chosen is not None:
            self.folder_edit.setText(str(chosen))

    @property
    def running(self) -> bool:
        return self._writer is not None

    def start_writing(self, write: Callable[[Work], Any], total: int) -> None:
        """Run write(work) on a worker, with the progress bar at total steps and Stop offered."""
        self._set_running(True, total)
        writer = JobRunner(None, self)  # type: ignore[arg-type]
        writer.progressed.connect(self._progressed)
        writer.finished.connect(self._finished)
        writer.failed.connect(self._failed)
        self._writer = writer
        writer.run(write)

    def _progressed(self, done: int, total: int, name: str) -> None:
        self.progress.setMaximum(total)
        self.progress.setValue(done)
        if name:
            self.status.setText(self.WRITING.format(name))

    def _done(self) -> None:
        if self._writer is not None:
            self._writer.deleteLater()
        self._writer = None
        self._set_running(False, 0)

    def reject(self) -> None:
        if self._writer is not None:  # finish or stop first: never leave a thread behind
            self._writer.cancel()
            return
        super().reject()  # type: ignore[misc]

    def wait_until_done(self, timeout_s: float = 60.0) -> None:
        """Let a running job finish and report (tests, closing the window)."""
        if self._writer is not None:
            self._writer.wait(timeout_s)
