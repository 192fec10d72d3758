"""The main window: sidebar of pages, menus, undo/redo, and opening program files."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QSettings, QSize, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QFrame,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from peerdesk.jobs import Cancelled, Work
from peerdesk.store.errors import StoreError
from peerdesk.store.lookups import participant_counts
from peerdesk.store.workspace import Changes
from peerdesk.ui.common import icons, widgets
from peerdesk.ui.common.context import AppContext
from peerdesk.ui.common.jobs import JobRunner
from peerdesk.ui.window.pages import PAGES

LAST_FILE_KEY = "files/last"


def load_page_class(spec: str) -> Callable[..., QWidget]:
    """Import 'package.module:Class' on first use."""
    module_name, _, class_name = spec.partition(":")
    return getattr(importlib.import_module(module_name), class_name)  # type: ignore[no-any-return]


@dataclass(frozen=True)
class PreparedPage:
    """A page's class and the data it reads first, both got on a worker."""

    page_class: Callable[..., QWidget]
    data: object = None


def prepare_page(spec: str, work: Work) -> PreparedPage:
    """On a worker: import the page's module (a large one takes a moment) and read its first data."""
    page_class = load_page_class(spec)
    load = getattr(page_class, "load", None)
    if load is None or work.path is None:
        return PreparedPage(page_class)
    return PreparedPage(page_class, load(work.reader()))


class _Loading(QWidget):
    """Stands in for a page while it is prepared."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        label = QLabel(f"Loading {title}…", self)
        label.setObjectName("loadingLabel")
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label.setEnabled(False)  # drawn in the palette's quiet colour
        layout = QVBoxLayout(self)
        layout.addWidget(label)


class _PageError(QWidget):
    """Stands in for a page that failed to load, saying why (a bug, reported with detail)."""

    def __init__(self, title: str, detail: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        label = QLabel(f"<h3>The {title} page could not be opened</h3><pre>{detail}</pre>", self)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        label.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addStretch(1)


class MainWindow(QMainWindow):
    """The PeerDesk window over one open program file (replaceable with File > Open)."""

    context_replaced = Signal(object)  # AppContext

    def __init__(self, ctx: AppContext | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx: AppContext | None = None
        self.pages: dict[int, QWidget] = {}
        self._loading: dict[int, AppContext] = {}  # pages being prepared on a worker, for this context
        self._loaders: dict[int, JobRunner] = {}
        self.setMinimumSize(760, 480)

        self.sidebar = QListWidget(self)
        self.sidebar.setObjectName("sidebar")
        self.sidebar.setIconSize(QSize(22, 22))
        self.sidebar.setMinimumWidth(180)
        self.sidebar.setUniformItemSizes(True)
        self.sidebar.setFrameShape(QFrame.Shape.NoFrame)
        self.sidebar.setStyleSheet(
            "QListWidget#sidebar { background: palette(window); padding-top: 8px; outline: none; }"
            "QListWidget#sidebar::item { padding: 6px 8px; margin: 1px 6px; border-radius: 5px; color: palette(text); }"
            "QListWidget#sidebar::item:hover { background: palette(midlight); }"
            "QListWidget#sidebar::item:selected { background: palette(highlight); color: palette(highlighted-text); }"
        )
        font = self.sidebar.font()
        font.setPointSizeF(font.pointSizeF() * 1.1)
        self.sidebar.setFont(font)
        for title, _spec in PAGES:
            QListWidgetItem(icons.icon(icons.PAGE_ICONS.get(title, "layout-dashboard")), title, self.sidebar)
        self.stack = QStackedWidget(self)
        for _ in PAGES:
            self.stack.addWidget(QWidget(self.stack))
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(self.sidebar)
        self.splitter.addWidget(self.stack)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setCollapsible(1, False)
        self.splitter.setSizes([190, 1000])
        self.setCentralWidget(self.splitter)
        self.sidebar.currentRowChanged.connect(self.show_page)

        self.counts_label = QLabel(self)
        self.statusBar().addPermanentWidget(self.counts_label)
        self._build_menus()
        self.restore_layout()
        if ctx is not None:
            self.set_context(ctx)
        else:
            self._update_title()
            self._update_undo()

    # --- menus -------------------------------------------------------------------------

    def _act(self, menu: Any, text: str, slot: Any, shortcut: Any = None, icon: str | None = None) -> QAction:
        action = QAction(text, self)
        if icon is not None:
            action.setIcon(icons.icon(icon))
        if shortcut is not None:
            action.setShortcuts(shortcut if isinstance(shortcut, list) else [QKeySequence(shortcut)])
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        self.file_menu = file = bar.addMenu("&File")
        self.new_action = self._act(file, "&New program…", self.new_program, icon="file-plus")
        self.open_action = self._act(file, "&Open…", self.open_dialog, QKeySequence.StandardKey.Open, "folder-open")
        self.demo_action = self._act(file, "Open the &demo program", self.open_demo)
        self.demo_over_action = self._act(file, "Start the demo &over…", self.start_demo_over)
        file.addSeparator()
        self.import_action = self._act(file, "&Import participants…", self.import_participants, "Ctrl+I", "file-input")
        self.export_action = self._act(file, "&Export participants…", self.export_participants, "Ctrl+E", "file-output")
        self.invites_action = self._act(file, "Export calendar &invites…", self.export_invites, icon="calendar-plus")
        file.addSeparator()
        self.backup_action = self._act(file, "&Back up now…", self.back_up_now, icon="save")
        self.restore_action = self._act(file, "&Restore…", self.restore_backup, icon="history")
        file.addSeparator()
        self.settings_action = self._act(file, "&Settings…", self.open_settings, "Ctrl+,", "settings")
        self.settings_action.setMenuRole(QAction.MenuRole.PreferencesRole)
        file.addSeparator()
        self.quit_action = self._act(file, "&Quit", self.close, QKeySequence.StandardKey.Quit, "log-out")
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)

        self.edit_menu = edit = bar.addMenu("&Edit")
        self.undo_action = self._act(edit, "&Undo", self.undo, [QKeySequence("Ctrl+Z")], "undo-2")
        self.redo_action = self._act(
            edit, "&Redo", self.redo, [QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")], "redo-2"
        )

        self.help_menu = help_menu = bar.addMenu("&Help")
        self.guide_action = self._act(help_menu, "&User guide", self.show_guide, QKeySequence.StandardKey.HelpContents)
        self.guide_action.setIcon(icons.icon("book-open"))
        self.about_action = self._act(help_menu, "&About PeerDesk", self.show_about, icon="info")
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)

    # --- the open program --------------------------------------------------------------

    def set_context(self, ctx: AppContext) -> None:
        """Show another program file: pages are rebuilt on the new context; the old one is closed."""
        old = self.ctx
        if old is not None:
            old.changed.disconnect(self._on_changed)
            old.undo_state_changed.disconnect(self._update_undo)
        for index, page in list(self.pages.items()):
            placeholder = QWidget(self.stack)
            self.stack.insertWidget(index, placeholder)
            self.stack.removeWidget(page)
            page.deleteLater()
        self.pages.clear()
        self._drop_loading()
        self.ctx = ctx
        ctx.setParent(self)
        ctx.changed.connect(self._on_changed)
        ctx.undo_state_changed.connect(self._update_undo)
        if old is not None:
            old.workspace.close()
            old.deleteLater()
        path = ctx.workspace.path
        if path is not None:
            QSettings().setValue(LAST_FILE_KEY, str(path))
        self._update_title()
        self._update_undo()
        self._update_counts()
        row = self.sidebar.currentRow()
        if row < 0 or row >= len(PAGES):
            self.sidebar.setCurrentRow(0)
        else:
            self.show_page(row)
        self.context_replaced.emit(ctx)

    def open_program(self, path: Path, *, create: bool = False) -> bool:
        """Open a program file in this window; a known failure is shown and returns False."""
        from peerdesk.ui.window import safe_open  # writer lock, damaged file -> backup, daily backup

        try:
            workspace = safe_open.open_workspace(self, path, create=create)
            if workspace is None:
                return False
        except StoreError as exc:
            widgets.warn(self, "Open program", str(exc))
            return False
        except OSError as exc:
            widgets.warn(self, "Open program", f"{Path(path).name} cannot be opened: {exc.strerror or exc}.")
            return False
        self.set_context(AppContext(workspace))
        return True

    def open_dialog(self) -> None:
        path = widgets.ask_open_file(self, "Open a program file", widgets.PROGRAM_FILTER, self._folder())
        if path is not None:
            self.open_program(path)

    def new_program(self) -> bool:
        """Start an empty program in a file the user names."""
        suggested = str(Path(self._folder()) / "program.peerdesk.db")
        path = widgets.ask_save_file(self, "Start a new program", widgets.PROGRAM_FILTER, suggested)
        if path is None:
            return False
        if not path.name.endswith((".db", ".sqlite")):
            path = path.with_name(path.name + ".peerdesk.db")
        if path.exists() and path.stat().st_size > 0:
            widgets.warn(
                self,
                "Start a new program",
                f"{path.name} already exists. Choose another name, or use File > Open to open it.",
            )
            return False
        return self.open_program(path, create=True)

    def _folder(self) -> str:
        path = self.ctx.workspace.path if self.ctx is not None else None
        return str(path.parent) if path is not None else ""  # "": the last folder, or Documents

    # --- pages ---------------------------------------------------------------------------

    def show_page(self, row: int) -> None:
        """Show a page; on its first visit it is built once its module and data are read on a worker."""
        if not 0 <= row < len(PAGES) or self.ctx is None:
            return
        if row not in self.pages and row not in self._loading:
            self._load_page(row)
        self.stack.setCurrentIndex(row)
        if self.sidebar.currentRow() != row:  # opened from elsewhere (a dashboard item, a link)
            self.sidebar.setCurrentRow(row)
        QSettings().setValue("window/page", row)

    def _load_page(self, row: int) -> None:
        """Put "Loading…" in the page's place and prepare the page on a worker (see pages.py)."""
        ctx = self.ctx
        assert ctx is not None
        title, spec = PAGES[row]
        runner = self._loaders.get(row)
        if runner is None:  # one per page for the window's life: its outcome may arrive while a file closes
            runner = self._loaders[row] = JobRunner(None, self)
            runner.finished.connect(lambda prepared: self._page_ready(row, prepared))
            runner.failed.connect(lambda error: self._page_ready(row, error))
        runner.path = ctx.path
        self._loading[row] = ctx
        self._place(row, _Loading(title, self.stack))
        runner.run(lambda work: prepare_page(spec, work))

    def _page_ready(self, row: int, prepared: object) -> None:
        ctx = self._loading.pop(row, None)
        if ctx is None or ctx is not self.ctx:
            return  # another file was opened, or the window closed, meanwhile
        page = self._create_page(row, prepared)
        self._place(row, page)
        self.pages[row] = page
        if self.sidebar.currentRow() == row:
            self.stack.setCurrentIndex(row)

    def _place(self, row: int, widget: QWidget) -> None:
        old = self.stack.widget(row)
        self.stack.insertWidget(row, widget)
        if old is not None:
            self.stack.removeWidget(old)
            old.deleteLater()

    def _drop_loading(self) -> None:
        for row in self._loading:
            self._loaders[row].drop()
        self._loading.clear()

    def wait_for_pages(self, timeout_s: float = 30.0) -> bool:
        """Let the event loop run until every page being prepared is built (tests); False on timeout."""
        return all(self._loaders[row].wait(timeout_s) for row in list(self._loading)) and not self._loading

    def _create_page(self, row: int, prepared: object) -> QWidget:
        title, spec = PAGES[row]
        try:
            if isinstance(prepared, Cancelled):  # its reader was cut (a restore): the page reads for itself
                prepared = PreparedPage(load_page_class(spec))
            if isinstance(prepared, BaseException):
                raise prepared
            assert isinstance(prepared, PreparedPage)
            data = {} if prepared.data is None else {"data": prepared.data}
            page = prepared.page_class(self.ctx, self.stack, **data)
        except StoreError as exc:
            return _PageError(title, str(exc), self.stack)
        except Exception as exc:  # a bug in a page must not take the whole window down
            detail = widgets.describe_exception(type(exc), exc, exc.__traceback__)
            widgets.report_bug(self, "PeerDesk", f"The {title} page could not be opened.", detail)
            return _PageError(title, f"{type(exc).__name__}: {exc}", self.stack)
        message = getattr(page, "status_message", None)
        if message is not None:
            message.connect(lambda text: self.statusBar().showMessage(text, 6000))
        return page

    def current_page(self) -> QWidget | None:
        return self.pages.get(self.stack.currentIndex())

    # --- undo --------------------------------------------------------------------------

    def undo(self) -> None:
        self._undo_redo(True)

    def redo(self) -> None:
        self._undo_redo(False)

    def _undo_redo(self, undo: bool) -> None:
        if self.ctx is None:
            return
        try:
            changes = self.ctx.undo() if undo else self.ctx.redo()
        except StoreError as exc:
            widgets.warn(self, "Undo" if undo else "Redo", str(exc))
            return
        if changes is not None:
            self.statusBar().showMessage(f"{'Undid' if undo else 'Redid'}: {changes.label}", 5000)

    def _update_undo(self) -> None:
        log = self.ctx.workspace.undo_log if self.ctx is not None else None
        can_undo = log is not None and log.can_undo
        can_redo = log is not None and log.can_redo
        self.undo_action.setEnabled(can_undo)
        self.redo_action.setEnabled(can_redo)
        self.undo_action.setText(f"&Undo {log.undo_label}" if can_undo and log else "&Undo")
        self.redo_action.setText(f"&Redo {log.redo_label}" if can_redo and log else "&Redo")

    # --- other commands ------------------------------------------------------------------

    def import_participants(self) -> None:
        if self.ctx is not None:
            from peerdesk.ui.participants.import_dialog import import_participants

            import_participants(self.ctx, self)

    def export_participants(self) -> None:
        if self.ctx is not None:
            from peerdesk.ui.participants.import_dialog import export_participants_to_file

            export_participants_to_file(self.ctx, self)

    def export_invites(self) -> None:
        if self.ctx is not None:
            from peerdesk.ui.sessions.invites_dialog import selection_of, show_invites_dialog

            show_invites_dialog(self.ctx, self, **selection_of(self.current_page()))

    def back_up_now(self) -> None:
        if self.ctx is not None:
            from peerdesk.ui.window.restore_dialog import back_up_now

            back_up_now(self.ctx, self)

    def restore_backup(self) -> None:
        if self.ctx is not None:
            from peerdesk.ui.window.restore_dialog import restore_backup_dialog

            restore_backup_dialog(self.ctx, self)

    def open_settings(self) -> None:
        if self.ctx is not None:
            from peerdesk.ui.window.settings_dialog import SettingsDialog

            dialog = SettingsDialog(self.ctx, self)
            if widgets.exec_dialog(dialog) and dialog.saved is not None:
                self.statusBar().showMessage("Settings saved", 5000)

    def show_about(self) -> None:
        from peerdesk.ui.window.about_dialog import AboutDialog

        widgets.exec_dialog(AboutDialog(self))

    def show_guide(self) -> None:
        from peerdesk.ui.window.guide import show_guide

        show_guide(self)

    def open_demo(self) -> bool:
        """Open the demo program as it was left (built on first use)."""
        from peerdesk.ui.window.demo_program import open_demo

        return open_demo(self)

    def start_demo_over(self) -> bool:
        """Replace the demo program, and every change made to it, with a fresh copy."""
        from peerdesk.ui.window.demo_program import start_over

        return widgets.confirm(
            self,
            "Start the demo over",
            "Replace the demo program, and every change you made to it, with a fresh copy?",
            "Start over",
        ) and start_over(self)

    # --- state -------------------------------------------------------------------------

    def _on_changed(self, changes: Changes) -> None:
        if changes.touches("participants"):
            self._update_counts()

    def _update_counts(self) -> None:
        if self.ctx is None:
            self.counts_label.setText("")
            return
        counts = participant_counts(self.ctx.db)
        total, active, archived = counts.total, counts.active, counts.archived
        text = f"{total} participant{'s' if total != 1 else ''} · {active} active"
        if archived:
            text += f" · {archived} archived"
        self.counts_label.setText(text)

    def _update_title(self) -> None:
        path = self.ctx.workspace.path if self.ctx is not None else None
        name = path.name if path is not None else ("Unsaved program" if self.ctx is not None else "")
        readonly = " (read-only)" if self.ctx is not None and self.ctx.readonly else ""
        self.setWindowTitle(f"{name}{readonly} — PeerDesk" if name else "PeerDesk")
        if path is not None:
            self.setWindowFilePath(str(path))
        writable = self.ctx is not None and not self.ctx.readonly
        for action in (self.import_action, self.settings_action):
            action.setEnabled(writable)
        self.export_action.setEnabled(self.ctx is not None)
        self.invites_action.setEnabled(self.ctx is not None)

    def restore_layout(self) -> None:
        settings = QSettings()
        geometry = settings.value("window/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:  # first run: most of the screen, centred, at most 1440 x 900
            screen = self.screen().availableGeometry()
            self.resize(min(1440, int(screen.width() * 0.9)), min(900, int(screen.height() * 0.9)))
            self.move(screen.center() - self.rect().center())
        state = settings.value("window/state")
        if isinstance(state, QByteArray) and not state.isEmpty():
            self.restoreState(state)
        splitter = settings.value("window/splitter")
        if isinstance(splitter, QByteArray) and not splitter.isEmpty():
            self.splitter.restoreState(splitter)
        page = settings.value("window/page", 0)
        try:
            row = int(str(page))
        except (TypeError, ValueError):
            row = 0
        self.sidebar.blockSignals(True)
        self.sidebar.setCurrentRow(row if 0 <= row < len(PAGES) else 0)
        self.sidebar.blockSignals(False)

    def save_layout(self) -> None:
        settings = QSettings()
        settings.setValue("window/geometry", self.saveGeometry())
        settings.setValue("window/state", self.saveState())
        settings.setValue("window/splitter", self.splitter.saveState())
        settings.setValue("window/page", max(0, self.sidebar.currentRow()))

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_layout()
        self._drop_loading()  # a page prepared for a closed window is not built
        super().closeEvent(event)

    def close_program(self) -> None:
        """Close the open file (when the window goes away); pages still being prepared are not built."""
        self._drop_loading()
        if self.ctx is not None:
            self.ctx.workspace.close()
