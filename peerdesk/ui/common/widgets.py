"""Small pieces shared by the window and its dialogs.

File dialogs, message boxes and `exec_dialog` are module-level functions so that tests
replace them (monkeypatch `peerdesk.ui.common.widgets.confirm`, ...) and no modal window ever blocks.
Callers must use them as `widgets.confirm(...)`, never `from widgets import confirm`.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSettings,
    QSize,
    QSortFilterProxyModel,
    QStandardPaths,
    Qt,
)
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QCompleter,
    QDialog,
    QFileDialog,
    QHeaderView,
    QLabel,
    QMessageBox,
    QSizePolicy,
    QTableView,
    QWidget,
)

from peerdesk.store.errors import StoreError
from peerdesk.store.participants import time_zones
from peerdesk.ui.common.context import AppContext
from peerdesk.ui.common.table_models import SORT_ROLE, SortingProxy

T = TypeVar("T")

CSV_FILTER = "CSV files (*.csv *.txt);;All files (*)"
PROGRAM_FILTER = "PeerDesk programs (*.peerdesk.db *.db *.sqlite);;All files (*)"
IMAGE_FILTER = "Images (*.png *.jpg *.jpeg *.bmp *.gif *.svg);;All files (*)"


# --- replaceable modal interactions -------------------------------------------------------


LAST_FOLDER_KEY = "files/last_folder"


def start_folder() -> Path:
    """Where a file dialog opens: the folder last chosen in one, else the documents folder."""
    last = QSettings().value(LAST_FOLDER_KEY)
    if last and Path(str(last)).is_dir():
        return Path(str(last))
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(documents) if documents and Path(documents).is_dir() else Path.home()


def dialog_start(suggested: str = "") -> str:
    """The start of a file dialog: a suggested name goes in the start folder; a full path stays."""
    if suggested and Path(suggested).is_absolute():
        return suggested
    return str(start_folder() / suggested) if suggested else str(start_folder())


def remember_folder(chosen: Path) -> None:
    QSettings().setValue(LAST_FOLDER_KEY, str(chosen if chosen.is_dir() else chosen.parent))


def ask_open_file(parent: QWidget | None, title: str, filters: str, directory: str = "") -> Path | None:
    """Ask for an existing file (starting in `directory`, else the last or documents folder); None on cancel."""
    name, _ = QFileDialog.getOpenFileName(parent, title, dialog_start(directory), filters)
    if not name:
        return None
    remember_folder(Path(name))
    return Path(name)


def ask_save_file(parent: QWidget | None, title: str, filters: str, suggested: str = "") -> Path | None:
    """Ask where to write a file (a suggested bare name starts in the last or documents folder); None on cancel."""
    name, _ = QFileDialog.getSaveFileName(parent, title, dialog_start(suggested), filters)
    if not name:
        return None
    remember_folder(Path(name))
    return Path(name)


def ask_folder(parent: QWidget | None, title: str, start: str = "") -> Path | None:
    """Ask for a folder (starting in `start`, else the last or documents folder); None on cancel."""
    name = QFileDialog.getExistingDirectory(parent, title, dialog_start(start))
    if not name:
        return None
    remember_folder(Path(name))
    return Path(name)


def confirm(parent: QWidget | None, title: str, text: str, action: str = "OK", *, default_yes: bool = False) -> bool:
    """Ask a yes/no question whose yes button says what will happen (e.g. "Delete").

    Enter presses Cancel unless `default_yes` (for a step the coordinator asked for and can
    undo, such as accepting a round); Escape always cancels.
    """
    box = QMessageBox(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.NoButton, parent)
    yes = box.addButton(action, QMessageBox.ButtonRole.AcceptRole)
    no = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(yes if default_yes else no)
    box.setEscapeButton(no)
    box.exec()
    return box.clickedButton() is yes


def inform(parent: QWidget | None, title: str, text: str) -> None:
    QMessageBox.information(parent, title, text)


def warn(parent: QWidget | None, title: str, text: str) -> None:
    QMessageBox.warning(parent, title, text)


def about(parent: QWidget | None, title: str, text: str) -> None:
    QMessageBox.about(parent, title, text)


def report_bug(parent: QWidget | None, title: str, text: str, detail: str) -> None:
    """Show an unexpected failure with its technical detail (expandable), instead of crashing; log it too."""
    box = QMessageBox(QMessageBox.Icon.Critical, title, text, QMessageBox.StandardButton.Close, parent)
    box.setDetailedText(detail)
    box.setInformativeText(bug_log_note(title, detail))
    box.exec()


def bug_log_note(title: str, detail: str) -> str:
    """Write a bug's detail to the log file and say where it is, for the bug report."""
    from peerdesk import logfile

    logfile.log.error("%s\n%s", title, detail)
    where = logfile.current()
    if where is None:
        return "No log file could be written."
    return f"The details are also in the log file {where}; attach it to a bug report."


def exec_dialog(dialog: QDialog) -> int:
    """Run a dialog modally and return its result code (tests replace this to drive the dialog)."""
    return dialog.exec()


# --- running writes -----------------------------------------------------------------------


def run_write(
    ctx: AppContext, parent: QWidget | None, label: str, fn: Callable[..., T], *args: Any, **kwargs: Any
) -> T | None:
    """Run one undoable write through the context; show a known failure and return None."""
    try:
        return ctx.run(label, fn, *args, **kwargs)
    except StoreError as exc:
        warn(parent, label, str(exc))
        return None


def describe_exception(exc_type: type[BaseException], exc: BaseException, tb: Any) -> str:
    return "".join(traceback.format_exception(exc_type, exc, tb))


# --- small widgets ------------------------------------------------------------------------


class InlineMessage(QLabel):
    """A message shown inside a form (validation errors), hidden when there is nothing to say."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("inlineMessage")
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Minimum)
        self.setStyleSheet(
            "QLabel#inlineMessage { background: #fdecea; color: #8a1c12; border: 1px solid #f0b4ab;"
            " border-radius: 4px; padding: 6px 8px; }"
        )
        self.hide()

    def show_error(self, text: str) -> None:
        self.setText(text)
        self.setAccessibleDescription(text)
        self.show()

    def clear_message(self) -> None:
        self.clear()
        self.hide()


class RowsModel(QAbstractTableModel):
    """A read-only table of strings (previews, summaries)."""

    def __init__(self, headers: Sequence[str], rows: Sequence[Sequence[str]] = (), parent: Any = None) -> None:
        super().__init__(parent)
        self._headers = list(headers)
        self._rows = [list(r) for r in rows]

    def set_rows(self, rows: Sequence[Sequence[str]]) -> None:
        self.beginResetModel()
        self._rows = [list(r) for r in rows]
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._headers)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return self._rows[index.row()][index.column()]
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self._headers[section]
        return None


def sorted_table(
    parent: QWidget,
    model: QAbstractItemModel,
    name: str,
    *,
    stretch: int | None = None,
    proxy: QSortFilterProxyModel | None = None,
    sortable: bool = True,
) -> tuple[QTableView, QSortFilterProxyModel]:
    """A read-only table of whole rows behind a proxy that sorts by SORT_ROLE and filters text
    on every column, case-insensitively (or behind the given proxy, as it is set up);
    column `stretch` takes the spare width."""
    if proxy is None:
        proxy = SortingProxy(parent)  # a SelfSortingModel sorts itself
        proxy.setSortRole(SORT_ROLE)
        proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        proxy.setFilterKeyColumn(-1)
    proxy.setSourceModel(model)
    view = QTableView(parent)
    view.setModel(proxy)
    view.setSortingEnabled(sortable)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.verticalHeader().hide()
    fit_on_sample(view)
    if stretch is not None:
        view.horizontalHeader().setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    view.setAccessibleName(name)
    return view, proxy


FIT_ROWS = 60  # rows measured when a column is fitted to its content


def fit_on_sample(view: QTableView) -> None:
    """Fit columns to their content by measuring the rows on screen and FIT_ROWS more, not every row
    (measuring 5,000 people's rows took a second on the UI thread at each refresh)."""
    view.horizontalHeader().setResizeContentsPrecision(FIT_ROWS)


def list_table(
    parent: QWidget, model: QAbstractItemModel, context_menu: Callable[[Any], None], activate: Callable[[], None]
) -> QTableView:
    """The main list of a page: whole rows selected (several at once), read-only, compact rows,
    a context menu, and double-click to open."""
    table = QTableView(parent)
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setWordWrap(False)
    table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
    table.customContextMenuRequested.connect(context_menu)
    table.doubleClicked.connect(lambda _index: activate())
    rows = table.verticalHeader()
    rows.hide()
    rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    rows.setDefaultSectionSize(table.fontMetrics().height() + 10)
    table.horizontalHeader().setHighlightSections(False)
    fit_on_sample(table)
    return table


def preview_table(parent: QWidget, model: QAbstractTableModel) -> QTableView:
    """A read-only table for an import preview: columns fitted to their content, at most 260 px."""
    view = QTableView(parent)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.verticalHeader().hide()
    header = view.horizontalHeader()
    header.setStretchLastSection(True)
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    view.resizeColumnsToContents()
    for col in range(model.columnCount() - 1):
        view.setColumnWidth(col, min(view.columnWidth(col) + 16, 260))
    return view


def zone_combo(parent: QWidget | None = None) -> QComboBox:
    """An editable combo over every IANA time zone, completing on any part of the name."""
    combo = QComboBox(parent)
    combo.setEditable(True)
    combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    combo.addItems(sorted(time_zones() | {"UTC"}))
    combo.setMaxVisibleItems(15)
    completer = QCompleter(combo.model(), combo)
    completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    completer.setFilterMode(Qt.MatchFlag.MatchContains)
    completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
    combo.setCompleter(completer)
    return combo


def word_completer(words: Sequence[str], parent: Any) -> QCompleter:
    completer = QCompleter(list(words), parent)
    completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    completer.setFilterMode(Qt.MatchFlag.MatchContains)
    return completer


def image_preview(path: str, max_size: QSize) -> QPixmap | None:
    """The image at path scaled to fit, or None when it cannot be read."""
    if not path:
        return None
    px = QPixmap(path)
    if px.isNull():
        return None
    return px.scaled(max_size, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation)
