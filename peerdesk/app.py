"""Starting the window: the application object, which program file to open, and error reporting."""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from peerdesk.store.errors import StoreError
from peerdesk.ui import first_launch, widgets
from peerdesk.ui.main_window import LAST_FILE_KEY, MainWindow

DEMO_FILE = "demo.peerdesk.db"


def data_dir() -> Path:
    from peerdesk.store.paths import user_data_dir

    return user_data_dir()


def make_demo(folder: Path | None = None) -> Path:
    """Write a fresh copy of the demo program (replacing an earlier one) and return its path."""
    from peerdesk.demo import build_demo
    from peerdesk.store.lock import is_stale, read_lock

    target = (folder or data_dir()) / DEMO_FILE
    holder = read_lock(target)
    if holder is not None and not is_stale(holder):  # never delete a demo another PeerDesk has open
        raise StoreError(f"The demo program is open in another PeerDesk ({holder.describe()}); close it there first.")
    target.parent.mkdir(parents=True, exist_ok=True)
    for stale in (target, target.with_name(target.name + "-wal"), target.with_name(target.name + "-shm")):
        with contextlib.suppress(FileNotFoundError):
            stale.unlink()
    QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        build_demo(target, participants=60, seed=7)
    finally:
        QGuiApplication.restoreOverrideCursor()
    return target


def _open_demo(window: MainWindow) -> bool:
    try:
        path = make_demo()
    except (StoreError, OSError) as exc:
        widgets.warn(window, "Demo program", f"The demo program could not be written: {exc}")
        return False
    return window.open_program(path)


def _last_file() -> Path | None:
    value = QSettings().value(LAST_FILE_KEY)
    if value:
        path = Path(str(value))
        if path.is_file():
            return path
    from peerdesk.cli import default_db_path

    default = default_db_path()
    return default if default.is_file() and default.stat().st_size > 0 else None


def start(window: MainWindow, path: Path | None, demo: bool = False) -> bool:
    """Open what the command line asked for, or the last file, or what the welcome dialog chooses.

    Returns False when the user closes the welcome dialog (quit).
    """
    if demo and _open_demo(window):
        return True
    if not demo:
        target = path if path is not None else _last_file()
        if target is not None and window.open_program(target, create=path is not None):
            return True
    while True:
        choice = first_launch.ask_first_launch(window)
        if choice is None:
            return False
        if choice == "demo" and _open_demo(window):
            return True
        if choice == "new" and window.new_program():
            return True
        if choice == "open":
            chosen = widgets.ask_open_file(window, "Open a program file", widgets.PROGRAM_FILTER, str(Path.home()))
            if chosen is not None and window.open_program(chosen):
                return True
        if choice == "import" and window.new_program():
            window.import_participants()
            return True


def install_excepthook(app: QApplication) -> None:
    """Report an unexpected error in a dialog with its detail, instead of crashing."""
    showing = False

    def hook(exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        nonlocal showing
        if issubclass(exc_type, KeyboardInterrupt):
            app.quit()
            return
        detail = widgets.describe_exception(exc_type, exc, tb)
        sys.stderr.write(detail)
        if showing:
            return
        showing = True
        try:
            parent = app.activeWindow()
            if isinstance(exc, StoreError):
                widgets.warn(parent, "PeerDesk", str(exc))
            else:
                widgets.report_bug(
                    parent,
                    "PeerDesk: unexpected error",
                    "Something went wrong that PeerDesk did not expect. What was saved before is safe; "
                    "the action you were doing may not have finished.\n\nThe details help to fix it.",
                    detail,
                )
        finally:
            showing = False

    sys.excepthook = hook


def run_app(path: Path | None, demo: bool = False) -> int:
    """Start Qt, open a program file, and run the window until it closes."""
    from peerdesk import logfile

    logfile.setup()
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    app.setApplicationName("PeerDesk")
    app.setOrganizationName("PeerDesk")
    app.setWindowIcon(widgets.badge_icon("PeerDesk", 64))
    install_excepthook(app)
    window = MainWindow()
    if not start(window, Path(path) if path is not None else None, demo):
        window.deleteLater()
        return 0
    window.show()
    code = app.exec()
    window.close_program()
    return int(code)
