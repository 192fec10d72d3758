"""Starting the window: the application object, which program file to open, and error reporting."""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QSettings, QSocketNotifier, QTimer
from PySide6.QtWidgets import QApplication

from peerdesk.store.errors import StoreError
from peerdesk.ui.common import icons, widgets
from peerdesk.ui.window import demo_program, first_launch, screen_fonts
from peerdesk.ui.window.main_window import LAST_FILE_KEY, MainWindow

EXIT_INTERRUPTED = 1  # as the command line's subcommands exit on Ctrl+C


def _last_file() -> Path | None:
    value = QSettings().value(LAST_FILE_KEY)
    if value:
        path = Path(str(value))
        if path.is_file():
            return path
    from peerdesk import paths

    default = paths.default_db_path()
    return default if default.is_file() and default.stat().st_size > 0 else None


def start(window: MainWindow, path: Path | None, demo: bool = False) -> bool:
    """Open what the command line asked for, or the last file, or what the welcome dialog chooses.

    Returns False when the user closes the welcome dialog (quit).
    """
    if demo and demo_program.open_demo(window):
        return True
    if not demo:
        target = path if path is not None else _last_file()
        if target is not None and window.open_program(target, create=path is not None):
            return True
    while True:
        choice = first_launch.ask_first_launch(window)
        if choice is None:
            return False
        if choice == "demo" and demo_program.open_demo(window):
            return True
        if choice == "new" and window.new_program():
            return True
        if choice == "open":
            chosen = widgets.ask_open_file(window, "Open a program file", widgets.PROGRAM_FILTER)
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


class _Interrupts:
    """Ctrl+C (SIGINT) and SIGTERM close the windows and quit, as in any terminal program.

    Qt's event loop runs no Python while it waits, so Python's signal handler would only run
    at the next Python callback (up to a minute later). On POSIX the signal's wake-up byte on a
    pipe makes Qt call back at once; elsewhere a light timer gives Python the chance."""

    def __init__(self, app: QApplication) -> None:
        self.app = app
        self.interrupted = False
        self._fds: tuple[int, int] | None = None
        self._waker: QSocketNotifier | QTimer
        if os.name == "posix":
            self._fds = os.pipe()
            for fd in self._fds:
                os.set_blocking(fd, False)
            signal.set_wakeup_fd(self._fds[1])
            self._waker = QSocketNotifier(self._fds[0], QSocketNotifier.Type.Read, app)
            self._waker.activated.connect(self._drain)
        else:
            self._waker = QTimer(app)
            self._waker.timeout.connect(lambda: None)
            self._waker.start(250)
        for name in ("SIGINT", "SIGTERM"):
            if hasattr(signal, name):
                signal.signal(getattr(signal, name), self._handle)

    def _drain(self) -> None:
        if self._fds is not None:
            with contextlib.suppress(OSError):
                os.read(self._fds[0], 64)

    def _handle(self, signum: int, frame: object) -> None:
        self.interrupted = True
        QTimer.singleShot(0, self._quit)

    def _quit(self) -> None:
        self.app.closeAllWindows()  # the window saves its layout; a dialog open in start() is closed
        self.app.exit(EXIT_INTERRUPTED)

    def close(self) -> None:
        signal.signal(signal.SIGINT, signal.default_int_handler)
        if hasattr(signal, "SIGTERM"):
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
        if isinstance(self._waker, QTimer):
            self._waker.stop()
        else:
            self._waker.setEnabled(False)
        if self._fds is not None:
            signal.set_wakeup_fd(-1)
            for fd in self._fds:
                os.close(fd)
            self._fds = None


def run_app(path: Path | None, demo: bool = False) -> int:
    """Start Qt, open a program file, and run the window until it closes."""
    from peerdesk import logfile

    logfile.setup()
    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    app.setApplicationName("PeerDesk")
    app.setOrganizationName("PeerDesk")
    app.setDesktopFileName(icons.APP_ID)
    app.setWindowIcon(icons.app_icon())
    screen_fonts.use_shipped_fallbacks(app)
    install_excepthook(app)
    interrupts = _Interrupts(app)
    try:
        window = MainWindow()
        started = start(window, Path(path) if path is not None else None, demo)
        if started and not interrupts.interrupted:
            window.show()
            code = app.exec()
        else:
            window.deleteLater()
            code = 0
        window.close_program()
    finally:
        interrupts.close()
    if interrupts.interrupted:
        print("peerdesk: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    return int(code)
