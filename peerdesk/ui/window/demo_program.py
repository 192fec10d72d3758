"""The demo program file in the user data folder: opened as the coordinator left it, built on
first use, and started over only when they ask (or when the file is damaged)."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication

from peerdesk.store.db import inspect_file
from peerdesk.store.errors import CorruptDatabase, NotPeerDeskFile, StoreError
from peerdesk.store.lock import is_stale, read_lock
from peerdesk.store.paths import user_data_dir
from peerdesk.ui.common import widgets

DEMO_FILE = "demo.peerdesk.db"
KEPT_MESSAGE = (
    "This is the demo program as you left it, with your changes. "
    "To begin again from a fresh copy: File > Start the demo over."
)
REPAIRED_MESSAGE = "The demo program file was damaged; PeerDesk made a fresh copy."
NEW_MESSAGE = "Welcome to the demo program. New to PeerDesk? Help > User guide (F1) walks you through it."


def data_dir() -> Path:
    return user_data_dir()


def demo_path() -> Path:
    return data_dir() / DEMO_FILE


def _remove(path: Path) -> None:
    for stale in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        with contextlib.suppress(FileNotFoundError):
            stale.unlink()


def _build(target: Path) -> Path:
    from peerdesk.demo import build_demo

    target.parent.mkdir(parents=True, exist_ok=True)
    _remove(target)
    QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        build_demo(target, participants=60, seed=7)
    finally:
        QGuiApplication.restoreOverrideCursor()
    return target


def _refuse_if_open_elsewhere(target: Path) -> None:
    holder = read_lock(target)
    if holder is not None and not is_stale(holder):  # never replace a demo another PeerDesk has open
        raise StoreError(f"The demo program is open in another PeerDesk ({holder.describe()}); close it there first.")


def prepare_demo() -> tuple[Path, str | None]:
    """The demo file to open and what to tell the coordinator about it.

    An existing demo is kept; a damaged or empty one is replaced (there is nothing in it to
    keep) and they are told so."""
    target = demo_path()
    if target.is_file():
        try:
            if inspect_file(target) > 0:
                return target, KEPT_MESSAGE
        except (NotPeerDeskFile, CorruptDatabase):
            _refuse_if_open_elsewhere(target)
            return _build(target), REPAIRED_MESSAGE
    _refuse_if_open_elsewhere(target)
    return _build(target), NEW_MESSAGE


def open_demo(window: Any) -> bool:
    """Open the demo program in the window: as the coordinator left it, or new on first use."""
    try:
        path, message = prepare_demo()
    except (StoreError, OSError) as exc:
        widgets.warn(window, "Demo program", f"The demo program could not be written: {exc}")
        return False
    if not window.open_program(path):
        return False
    window.statusBar().showMessage(message, 20000)
    return True


def start_over(window: Any) -> bool:
    """Replace the demo program with a fresh copy and open it (the window may have it open)."""
    target = demo_path()
    ours = window.ctx is not None and window.ctx.workspace.path == target and not window.ctx.readonly
    fresh = target.with_name(target.name + ".fresh")
    try:
        if not ours:
            _refuse_if_open_elsewhere(target)
        _build(fresh)  # the demo in use stays as it is until the fresh one is complete
        if ours:
            window.close_program()  # releases its lock
        _remove(target)
        os.replace(fresh, target)
    except (StoreError, OSError) as exc:
        _remove(fresh)
        widgets.warn(window, "Start the demo over", f"The demo program could not be written: {exc}")
        return False
    if not window.open_program(target):
        return False
    window.statusBar().showMessage("A fresh copy of the demo program.", 8000)
    return True
