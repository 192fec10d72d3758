"""The parts every page is built from, so that pages look and behave alike: the toolbar at
the top, the search field, and what a list shows when it has nothing to show."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from html import escape
from typing import Any

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from peerdesk.ui.common import icons


class EmptyState(QWidget):
    """What a list shows when it has nothing to list: a heading, a sentence, and buttons for the
    next step (Participants, Sessions, Training, Recognition, Feedback and Reports all use it)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = QLabel(self)
        self.label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.label.setWordWrap(True)
        self.label.setObjectName("emptyLabel")
        self._buttons = QHBoxLayout()
        self._buttons.addStretch(1)
        self._buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addWidget(self.label)
        layout.addLayout(self._buttons)
        layout.addStretch(2)

    def add_button(self, text: str, slot: Callable[[], Any]) -> QPushButton:
        """A button under the message (hide it when it does not apply)."""
        button = QPushButton(text, self)
        button.clicked.connect(lambda _checked=False: slot())
        self._buttons.insertWidget(self._buttons.count() - 1, button)
        return button

    def set_message(self, title: str, text: str) -> None:
        self.label.setText(f"<h3>{escape(title)}</h3><p>{escape(text)}</p>")
        self.setAccessibleName(title)

    @property
    def title(self) -> str:
        return self.accessibleName()


class EmptyView(QStackedWidget):
    """A view, or in its place an EmptyState when it has nothing to show."""

    def __init__(self, content: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.content = content
        self.empty = EmptyState(self)
        self.addWidget(content)
        self.addWidget(self.empty)

    def show_empty(self, title: str, text: str) -> None:
        self.empty.set_message(title, text)
        self.setCurrentWidget(self.empty)

    def show_content(self) -> None:
        self.setCurrentWidget(self.content)

    @property
    def is_empty(self) -> bool:
        return self.currentWidget() is self.empty


TOOLBAR_ICON = 16  # device-independent pixels: the size of the page's text


_KEEP = object()


def refill(
    combo: QComboBox, items: Iterable[tuple[str, Any]], *, everything: str | None = None, select: Any = _KEEP
) -> None:
    """Fill a choice list with (label, data) items, first an "everything" item (data None) when named,
    and keep what was chosen (or choose select; the first item when it is gone), without signalling."""
    current = combo.currentData() if select is _KEEP else select
    combo.blockSignals(True)
    combo.clear()
    if everything is not None:
        combo.addItem(everything, None)
    for label, data in items:
        combo.addItem(label, data)
    combo.setCurrentIndex(max(0, combo.findData(current)))
    combo.blockSignals(False)


def toolbar(parent: QWidget, *groups: Sequence[QAction]) -> QToolBar:
    """The row of actions at the top of a page, alike on every page: a line icon beside each
    action's text, groups split by a separator."""
    bar = QToolBar(parent)
    bar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    bar.setIconSize(QSize(TOOLBAR_ICON, TOOLBAR_ICON))
    bar.setMovable(False)
    for i, group in enumerate(groups):
        if i:
            bar.addSeparator()
        for action in group:
            bar.addAction(action)
    return bar


def action(parent: QWidget, text: str, slot: Callable[[], Any], tip: str = "", *, icon: str) -> QAction:
    """An action of a page's toolbar, with its line icon (a name from icons.names())."""
    act = QAction(icons.icon(icon), text, parent)
    act.triggered.connect(lambda _checked=False: slot())
    if tip:
        act.setToolTip(tip)
    return act


def icon_after(button: QPushButton) -> QPushButton:
    """Put a button's icon after its text ("Next >")."""
    button.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
    return button


def search_box(parent: QWidget, placeholder: str, name: str) -> QLineEdit:
    """A search field whose hint always shows whole (never clipped to "Search na…")."""
    edit = QLineEdit(parent)
    edit.setPlaceholderText(placeholder)
    edit.setClearButtonEnabled(True)
    edit.setAccessibleName(name)
    fits_hint(edit)
    return edit


def fits_hint(edit: QLineEdit) -> None:
    """Make a line edit at least as wide as its placeholder, its frame and its clear button."""
    edit.setMinimumWidth(edit.fontMetrics().horizontalAdvance(edit.placeholderText()) + 48)
