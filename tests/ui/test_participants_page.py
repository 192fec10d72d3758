"""The Participants page, driven as a user would: filter, add, edit, archive, delete, undo, redo."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from peerdesk.store.participants import find_by_email, list_participants
from peerdesk.ui.common import widgets
from peerdesk.ui.participants.model import NAME
from peerdesk.ui.participants.page import ParticipantsPage


@pytest.fixture
def page(ctx, people, qtbot, prompts):
    widget = ParticipantsPage(ctx)
    qtbot.addWidget(widget)
    widget.resize(1200, 600)
    widget.show()
    return widget


def shown(page) -> list[str]:
    return [page.proxy.index(r, NAME).data() for r in range(page.proxy.rowCount())]


def select(page, *emails: str) -> None:
    ids = [p.id for p in page.model.participants() if p.email in emails]
    page.select_ids(ids, ids[0])


def drive_with(monkeypatch, fn):
    """Replace the modal exec of dialogs by fn(dialog) -> result code."""
    monkeypatch.setattr(widgets, "exec_dialog", fn)


def test_typing_filters_as_you_type(page, qtbot):
    assert len(shown(page)) == 6
    assert page.count_label.text() == "6 participants"
    qtbot.keyClicks(page.search, "zoe")
    assert shown(page) == ["Zoë Ødegård"]
    assert page.count_label.text() == "1 of 6 shown"
    page.search.clear()
    qtbot.keyClicks(page.search, "lukasz")
    assert shown(page) == ["Łukasz Nowak"]


@pytest.mark.parametrize("text", ["'", '"', "--", "'; DROP TABLE participants; --", "Robert'); DELETE", "%_*"])
def test_any_typed_text_is_safe(page, ctx, qtbot, text):
    qtbot.keyClicks(page.search, text)
    assert page.proxy.rowCount() == 0 or all("'" in n for n in shown(page))
    assert page.stack.currentWidget() in (page.empty, page.table)
    assert len(list_participants(ctx.db)) == 6


def test_no_match_shows_an_empty_state_and_clear(page, qtbot):
    qtbot.keyClicks(page.search, "nobody here")
    assert page.stack.currentWidget() is page.empty
    assert "No one matches" in page.empty_label.text()
    qtbot.mouseClick(page.empty_clear, Qt.MouseButton.LeftButton)
    assert page.search.text() == ""
    assert page.stack.currentWidget() is page.table


def test_empty_program_invites_to_add_or_import(ctx, qtbot, prompts):
    widget = ParticipantsPage(ctx)
    qtbot.addWidget(widget)
    widget.show()
    assert widget.stack.currentWidget() is widget.empty
    assert "No participants yet" in widget.empty_label.text()
    assert widget.empty_add.isVisible() and widget.empty_import.isVisible()


def test_combo_filters(page, qtbot):
    page.department_filter.setCurrentIndex(page.department_filter.findData("Data"))
    assert set(shown(page)) == {"Łukasz Nowak", "李娜"}
    page.role_filter.setCurrentIndex(page.role_filter.findData("mentee"))
    assert set(shown(page)) == {"Łukasz Nowak", "李娜"}
    page.department_filter.setCurrentIndex(0)
    page.role_filter.setCurrentIndex(0)
    page.status_filter.setCurrentIndex(page.status_filter.findData("paused"))
    assert shown(page) == ["Émile Durand"]


def test_add_through_the_dialog(page, ctx, qtbot, monkeypatch):
    def drive(dialog):
        qtbot.keyClicks(dialog.name_edit, "Ngozi Okafor")
        qtbot.keyClicks(dialog.email_edit, "Ngozi.Okafor@Example.com")
        dialog.department_combo.setCurrentText("")
        qtbot.keyClicks(dialog.department_combo.lineEdit(), "Data")
        dialog.role_combo.setCurrentIndex(dialog.role_combo.findData("mentor"))
        dialog.capacity_spin.setValue(2)
        row = dialog.teaches.model.add_row()
        dialog.teaches.model.setData(dialog.teaches.model.index(row, 0), "Statistics")
        dialog.teaches.model.setData(dialog.teaches.model.index(row, 1), 4)
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
        return dialog.result()

    drive_with(monkeypatch, drive)
    page.add_action.trigger()
    saved = find_by_email(ctx.db, "ngozi.okafor@example.com")
    assert saved is not None and saved.name == "Ngozi Okafor" and saved.department == "Data"
    assert saved.role == "mentor" and saved.capacity == 2
    assert [(s.skill, s.level) for s in saved.teaches] == [("Statistics", 4)]
    assert "Ngozi Okafor" in shown(page)
    assert page.selected_ids() == [saved.id]
    assert ctx.workspace.undo_log.undo_label == "Add Ngozi Okafor"


def test_bad_email_and_duplicate_are_refused_inline(page, ctx, qtbot, monkeypatch):
    seen = []

    def drive(dialog):
        dialog.show()
        qtbot.keyClicks(dialog.name_edit, "Someone New")
        qtbot.keyClicks(dialog.email_edit, "not-an-email")
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
        seen.append((dialog.message.isVisible(), dialog.message.text(), dialog.focusWidget() is dialog.email_edit))
        dialog.email_edit.clear()
        qtbot.keyClicks(dialog.email_edit, "ZOE.odegard@example.com")
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
        seen.append((dialog.message.isVisible(), dialog.message.text(), dialog.focusWidget() is dialog.email_edit))
        assert dialog.isVisible()
        dialog.reject()
        return dialog.result()

    drive_with(monkeypatch, drive)
    page.add_action.trigger()
    assert seen[0] == (True, "'not-an-email' is not a well-formed e-mail address.", True)
    assert seen[1] == (True, "zoe.odegard@example.com is already used by Zoë Ødegård.", True)
    assert len(list_participants(ctx.db)) == 6
    assert not ctx.workspace.undo_log.can_undo


def test_edit_keeps_selection_and_undo_redo(page, ctx, qtbot, monkeypatch):
    select(page, "ana.silva@example.com")

    def drive(dialog):
        assert dialog.name_edit.text() == "Ana Silva"
        dialog.title_edit.clear()
        qtbot.keyClicks(dialog.title_edit, "CTO")
        qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
        return dialog.result()

    drive_with(monkeypatch, drive)
    page.edit_action.trigger()
    assert find_by_email(ctx.db, "ana.silva@example.com").title == "CTO"
    assert [p.name for p in page.selected()] == ["Ana Silva"]
    assert page.selected()[0].title == "CTO"
    ctx.undo()
    assert find_by_email(ctx.db, "ana.silva@example.com").title == "VP Engineering"
    assert page.selected()[0].title == "VP Engineering"
    ctx.redo()
    assert page.selected()[0].title == "CTO"


def test_double_click_opens_the_editor(page, qtbot, monkeypatch):
    opened = []
    drive_with(monkeypatch, lambda dialog: opened.append(dialog.windowTitle()) or 0)
    index = page.proxy.index(0, NAME)
    rect = page.table.visualRect(index)
    qtbot.mouseClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(page.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert opened == [f"Edit {index.data()}"]


def test_archive_then_unarchive(page, ctx):
    select(page, "zoe.odegard@example.com")
    assert page.archive_action.text() == "Archive"
    page.archive_action.trigger()
    assert find_by_email(ctx.db, "zoe.odegard@example.com").archived
    assert "Zoë Ødegård" not in shown(page)
    page.archived_check.setChecked(True)
    select(page, "zoe.odegard@example.com")
    assert page.archive_action.text() == "Unarchive"
    page.archive_action.trigger()
    assert not find_by_email(ctx.db, "zoe.odegard@example.com").archived
    ctx.undo()
    assert find_by_email(ctx.db, "zoe.odegard@example.com").archived


def test_delete_asks_naming_who_and_can_be_undone(page, ctx, prompts):
    select(page, "lukasz.nowak@example.com", "li.na@example.com")
    prompts.confirm_answer = False
    page.delete_action.trigger()
    assert len(prompts.confirms) == 1
    assert "Łukasz Nowak" in prompts.confirms[0][1] and "李娜" in prompts.confirms[0][1]
    assert len(list_participants(ctx.db)) == 6
    prompts.confirm_answer = True
    page.delete_action.trigger()
    assert find_by_email(ctx.db, "lukasz.nowak@example.com") is None
    assert len(list_participants(ctx.db)) == 4
    assert len(shown(page)) == 4
    assert ctx.workspace.undo_log.undo_label == "Delete 2 participants"
    ctx.undo()
    restored = find_by_email(ctx.db, "lukasz.nowak@example.com")
    assert restored is not None and [s.skill for s in restored.learns] == ["Python"]
    assert len(shown(page)) == 6


def test_actions_follow_the_selection(page):
    page.table.clearSelection()
    assert not page.edit_action.isEnabled() and not page.delete_action.isEnabled()
    select(page, "ana.silva@example.com", "zoe.odegard@example.com")
    assert not page.edit_action.isEnabled()
    assert page.delete_action.isEnabled() and page.archive_action.isEnabled()


def test_a_failed_write_is_shown_not_raised(page, ctx, prompts):
    select(page, "ana.silva@example.com")
    ctx.workspace.readonly = True
    page.archive_action.trigger()
    assert prompts.warnings and "read-only" in prompts.warnings[0][1]
    ctx.workspace.readonly = False


def test_keyboard_return_edits_and_delete_deletes(page, ctx, qtbot, monkeypatch, prompts):
    opened = []
    drive_with(monkeypatch, lambda dialog: opened.append(dialog.windowTitle()) or 0)
    select(page, "ana.silva@example.com")
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert opened == ["Edit Ana Silva"]
    prompts.confirm_answer = False
    qtbot.keyClick(page.table, Qt.Key.Key_Delete)
    assert len(prompts.confirms) == 1 and "Ana Silva" in prompts.confirms[0][1]
    qtbot.keyClicks(page.search, "ana")
    qtbot.keyClick(page.search, Qt.Key.Key_Delete)  # editing the search text deletes nobody
    assert len(prompts.confirms) == 1


def test_clicking_a_header_sorts_and_keeps_the_selection(page, qtbot):
    from peerdesk.ui.participants.model import CAPACITY

    select(page, "zoe.odegard@example.com")
    header = page.table.horizontalHeader()
    x = header.sectionViewportPosition(CAPACITY) + header.sectionSize(CAPACITY) // 2
    from PySide6.QtCore import QPoint

    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))
    capacities = [int(page.proxy.index(r, CAPACITY).data()) for r in range(page.proxy.rowCount())]
    assert capacities == sorted(capacities) or capacities == sorted(capacities, reverse=True)
    assert [p.name for p in page.selected()] == ["Zoë Ødegård"]


def test_count_mentions_hidden_archived_people(page, ctx):
    select(page, "zoe.odegard@example.com")
    page.archive_action.trigger()
    assert page.count_label.text() == "5 participants · 1 archived hidden"
    page.archived_check.setChecked(True)
    assert page.count_label.text() == "6 participants"
