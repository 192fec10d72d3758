"""Pages that are not on screen refresh when they are shown, not on every change.

A coordinator who visited every page has them all alive; a change (a round accepted, an
undo) used to make each of them reload at once on the UI thread. A page inside the window
that is not visible while the window is keeps the changes it missed, merged, and handles them
when shown.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget

from peerdesk.store.workspace import Changes

Handler = Callable[[Changes], None]


class _WhenShown(QObject):
    def __init__(self, page: QWidget, handler: Handler) -> None:
        super().__init__(page)
        self.page = page
        self.handler = handler
        self.missed: Changes | None = None
        page.installEventFilter(self)

    def changed(self, changes: Changes) -> None:
        page = self.page
        if page.isVisible() or not page.window().isVisible():  # on screen, or no window on screen to wait for
            self.handler(changes)
        else:
            self.missed = changes if self.missed is None else self.missed.merge(changes)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt API
        if watched is self.page and event.type() == QEvent.Type.Show and self.missed is not None:
            missed, self.missed = self.missed, None
            QTimer.singleShot(0, lambda: self.handler(missed))  # once the page has painted
        return False


def when_shown(page: QWidget, handler: Handler) -> Handler:
    """A slot for ctx.changed that calls handler at once while page is visible, else when it is next shown."""
    return _WhenShown(page, handler).changed
