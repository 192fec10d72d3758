"""Every button, check box and choice on the busiest pages says what it does when hovered."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QAbstractButton, QCheckBox, QComboBox, QPushButton

from peerdesk.ui.pairings.page import PairingsPage
from peerdesk.ui.participants.page import ParticipantsPage
from peerdesk.ui.programs.page import ProgramsPage
from peerdesk.ui.sessions.page import SessionsPage

# Their text says all there is to say.
OBVIOUS = {"OK", "Cancel", "Close", "Clear the filters", "Edit…", "Delete", "Delete…", "Remove", "Add a participant…",
           "Import a CSV file…", "Plan a session…", "Add goal…", "Edit goal…", "Delete goal"}  # fmt: skip


@pytest.mark.parametrize("page_class", [PairingsPage, ParticipantsPage, SessionsPage, ProgramsPage])
def test_controls_have_tooltips(ctx, people, qtbot, page_class):
    page = page_class(ctx)
    qtbot.addWidget(page)
    missing = []
    for widget in page.findChildren(QPushButton) + page.findChildren(QCheckBox) + page.findChildren(QComboBox):
        text = widget.text().replace("&", "") if isinstance(widget, QAbstractButton) else ""
        if not widget.toolTip() and text not in OBVIOUS:
            missing.append(text or f"{type(widget).__name__} {widget.accessibleName() or widget.currentText()!r}")
    assert missing == [], missing
