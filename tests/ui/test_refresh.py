"""Pages off screen refresh when shown: a change does not make every page of the window reload at once."""

from __future__ import annotations

from PySide6.QtWidgets import QStackedWidget, QWidget

from peerdesk.store.workspace import Changes
from peerdesk.ui.common.refresh import when_shown


def test_a_page_off_screen_handles_the_changes_it_missed_when_shown(qtbot):
    stack = QStackedWidget()
    qtbot.addWidget(stack)
    front, back = QWidget(stack), QWidget(stack)
    stack.addWidget(front)
    stack.addWidget(back)
    stack.show()
    seen: list[Changes] = []
    slot = when_shown(back, seen.append)
    slot(Changes("Add", frozenset({"participants"}), {"participants": frozenset({1})}))
    slot(Changes("Edit", frozenset({"participants", "programs"}), {"participants": frozenset({2})}))
    assert seen == []  # nothing reloads behind the coordinator's back
    stack.setCurrentWidget(back)
    qtbot.waitUntil(lambda: len(seen) == 1)
    merged = seen[0]
    assert merged.tables == {"participants", "programs"}
    assert merged.ids("participants") == {1, 2} and not merged.knows_rows("programs")
    slot(Changes("Again", frozenset({"sessions"})))
    assert len(seen) == 2  # on screen: at once


def test_a_page_of_a_window_not_on_screen_refreshes_at_once(qtbot):
    page = QWidget()
    qtbot.addWidget(page)
    seen: list[Changes] = []
    when_shown(page, seen.append)(Changes("Add", frozenset({"participants"})))
    assert len(seen) == 1
