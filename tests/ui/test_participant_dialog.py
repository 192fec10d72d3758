"""The participant dialog: every field, the small tables, and validation shown inline."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QDate, Qt, QTime

from peerdesk.store.participants import find_by_email, list_participants
from peerdesk.store.records import Window
from peerdesk.ui.participants.dialog import ParticipantDialog


@pytest.fixture
def dialog_for(ctx, people, qtbot):
    def make(email: str | None = None) -> ParticipantDialog:
        existing = find_by_email(ctx.db, email) if email else None
        dialog = ParticipantDialog(ctx, existing)
        qtbot.addWidget(dialog)
        dialog.show()
        return dialog

    return make


def ok(qtbot, dialog) -> None:
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)


def test_every_field_is_saved(ctx, dialog_for, qtbot):
    dialog = dialog_for()
    assert dialog.windowTitle() == "Add participant"
    assert [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())] == [
        "Details",
        "Skills && availability",
        "Preferences",
    ]
    qtbot.keyClicks(dialog.name_edit, "  Ngozi   Okafor ")
    qtbot.keyClicks(dialog.email_edit, "ngozi@example.com")
    assert dialog.department_combo.findText("Platform Engineering") >= 0  # existing departments offered
    dialog.department_combo.setCurrentText("Finance")
    qtbot.keyClicks(dialog.title_edit, "Controller")
    qtbot.keyClicks(dialog.location_edit, "Lagos")
    dialog.zone_combo.setCurrentText("")
    qtbot.keyClicks(dialog.zone_combo.lineEdit(), "Africa/Lagos")
    dialog.hire_edit.setDate(QDate(2024, 5, 6))
    dialog.role_combo.setCurrentIndex(dialog.role_combo.findData("both"))
    dialog.capacity_spin.setValue(4)
    qtbot.keyClicks(dialog.manager_edit, "Ana.Silva@example.com")
    assert dialog.manager_name.text() == "Ana Silva"
    dialog.status_combo.setCurrentIndex(dialog.status_combo.findData("paused"))
    qtbot.keyClicks(dialog.notes_edit, "Prefers mornings")
    learns = dialog.learns.model
    for skill, level in (("Kubernetes", 2), ("Public speaking", 3)):
        row = learns.add_row()
        learns.setData(learns.index(row, 0), skill)
        learns.setData(learns.index(row, 1), level)
    windows = dialog.availability.model
    row = windows.add_row()
    windows.setData(windows.index(row, 0), 2)
    windows.setData(windows.index(row, 1), QTime(14, 0))
    windows.setData(windows.index(row, 2), QTime(17, 30))
    assert windows.index(row, 0).data() == "Wednesday"
    ok(qtbot, dialog)
    assert dialog.result() == dialog.DialogCode.Accepted
    p = find_by_email(ctx.db, "ngozi@example.com")
    assert (p.name, p.department, p.title, p.location, p.timezone) == (
        "Ngozi Okafor",
        "Finance",
        "Controller",
        "Lagos",
        "Africa/Lagos",
    )
    assert p.hire_date == dt.date(2024, 5, 6)
    assert (p.role, p.capacity, p.manager_email, p.status, p.notes) == (
        "both",
        4,
        "ana.silva@example.com",
        "paused",
        "Prefers mornings",
    )
    assert [(s.skill, s.level) for s in p.learns] == [("Kubernetes", 2), ("Public speaking", 3)]
    assert p.availability == (Window(2, 14 * 60, 17 * 60 + 30),)


def test_editing_shows_current_values_and_can_clear_the_hire_date(ctx, dialog_for, qtbot):
    dialog = dialog_for("zoe.odegard@example.com")
    assert dialog.windowTitle() == "Edit Zoë Ødegård"
    assert dialog.email_edit.text() == "zoe.odegard@example.com"
    assert dialog.zone_combo.currentText() == "Europe/Oslo"
    assert dialog.hire_edit.date() == QDate(2021, 3, 1)
    assert dialog.teaches.model.rows == [["Python", 5], ["SQL", 4]]
    assert dialog.availability.model.index(0, 1).data() == "09:00"
    dialog.hire_edit.setDate(dialog.hire_edit.minimumDate())
    assert dialog.hire_edit.text() == "Not set"
    dialog.teaches.view.setCurrentIndex(dialog.teaches.model.index(1, 0))
    qtbot.mouseClick(dialog.teaches.remove_button, Qt.MouseButton.LeftButton)
    ok(qtbot, dialog)
    p = find_by_email(ctx.db, "zoe.odegard@example.com")
    assert p.hire_date is None
    assert [s.skill for s in p.teaches] == ["Python"]


def test_unchanged_edit_writes_nothing(ctx, dialog_for, qtbot):
    dialog = dialog_for("ana.silva@example.com")
    ok(qtbot, dialog)
    assert dialog.result() == dialog.DialogCode.Accepted
    assert not ctx.workspace.undo_log.can_undo


@pytest.mark.parametrize(
    ("setup", "message", "tab", "field"),
    [
        (lambda d: d.email_edit.setText("x@example.com"), "A name is required.", 0, "name_edit"),
        (
            lambda d: (
                d.name_edit.setText("X"),
                d.email_edit.setText("x@example.com"),
                d.zone_combo.setCurrentText("Mars/Olympus"),
            ),
            "'Mars/Olympus' is not a time zone (use a name like Europe/Berlin).",
            0,
            "zone_combo",
        ),
        (
            lambda d: (
                d.name_edit.setText("X"),
                d.email_edit.setText("x@example.com"),
                d.manager_edit.setText("x@example.com"),
            ),
            "A participant cannot be their own manager.",
            0,
            "manager_edit",
        ),
        (
            lambda d: (
                d.name_edit.setText("X"),
                d.email_edit.setText("x@example.com"),
                d.teaches.model.add_row("Python", 3),
                d.teaches.model.add_row("python", 4),
            ),
            "python is listed twice under Teaches.",
            1,
            "teaches",
        ),
        (
            lambda d: (
                d.name_edit.setText("X"),
                d.email_edit.setText("x@example.com"),
                d.availability.model.add_row(),
                d.availability.model.setData(d.availability.model.index(0, 2), QTime(8, 0)),
            ),
            "The window Mon 09:00-08:00 ends before it starts.",
            1,
            "availability",
        ),
    ],
)
def test_validation_message_inline_and_focus(ctx, dialog_for, qtbot, setup, message, tab, field):
    dialog = dialog_for()
    setup(dialog)
    ok(qtbot, dialog)
    assert dialog.isVisible()
    assert dialog.message.isVisible() and dialog.message.text() == message
    assert dialog.tabs.currentIndex() == tab
    target = getattr(dialog, field)
    if field in ("teaches", "availability"):
        target = target.view
    assert dialog.focusWidget() is target or target.isAncestorOf(dialog.focusWidget())
    assert len(list_participants(ctx.db)) == 6


def test_blank_skill_rows_are_ignored_and_midnight_is_end_of_day(ctx, dialog_for, qtbot):
    dialog = dialog_for()
    dialog.name_edit.setText("Night Owl")
    dialog.email_edit.setText("owl@example.com")
    dialog.teaches.model.add_row("", 3)
    windows = dialog.availability.model
    windows.add_row()
    windows.setData(windows.index(0, 1), QTime(20, 0))
    windows.setData(windows.index(0, 2), QTime(0, 0))
    ok(qtbot, dialog)
    p = find_by_email(ctx.db, "owl@example.com")
    assert p.teaches == ()
    assert p.availability == (Window(0, 20 * 60, 1440),)


def _pick(qtbot, people_list, text: str) -> None:
    people_list.picker.clear()
    if text.isascii():
        qtbot.keyClicks(people_list.picker, text)
    else:  # QTest types ASCII only
        people_list.picker.insert(text)
    qtbot.mouseClick(people_list.add_button, Qt.MouseButton.LeftButton)


def test_preferences_are_picked_ranked_and_saved(ctx, dialog_for, qtbot):
    dialog = dialog_for("zoe.odegard@example.com")
    dialog.tabs.setCurrentIndex(2)
    prefers = dialog.choices.prefers
    _pick(qtbot, prefers, "Ana Silva <ana.silva@example.com>")  # as the completer offers it
    _pick(qtbot, prefers, "emile.durand@example.com")  # an e-mail
    _pick(qtbot, prefers, "Łukasz Nowak")  # a name only one person has
    assert [prefers.list.item(i).text() for i in range(prefers.list.count())] == [
        "1st choice: Ana Silva <ana.silva@example.com>",
        "2nd choice: Émile Durand <emile.durand@example.com>",
        "3rd choice: Łukasz Nowak <lukasz.nowak@example.com>",
    ]
    prefers.list.setCurrentRow(2)
    qtbot.mouseClick(prefers.up_button, Qt.MouseButton.LeftButton)  # Łukasz before Émile
    _pick(qtbot, prefers, "Nobody Known")
    assert prefers.problem.isVisible() and "is not a participant" in prefers.problem.text()
    _pick(qtbot, prefers, "ana.silva@example.com")
    assert "listed already" in prefers.problem.text()
    dialog.choices.keep_check.setChecked(True)
    _pick(qtbot, dialog.choices.avoids, "Émile")  # not a whole name: refused
    assert dialog.choices.avoids.emails() == ()
    ok(qtbot, dialog)
    assert dialog.result() == dialog.DialogCode.Accepted
    p = find_by_email(ctx.db, "zoe.odegard@example.com")
    assert p.prefers == ("ana.silva@example.com", "lukasz.nowak@example.com", "emile.durand@example.com")
    assert p.keep_mentor and p.avoids == ()


def test_someone_both_preferred_and_avoided_is_refused_on_the_preferences_tab(ctx, dialog_for, qtbot):
    dialog = dialog_for("zoe.odegard@example.com")
    _pick(qtbot, dialog.choices.prefers, "ana.silva@example.com")
    _pick(qtbot, dialog.choices.avoids, "Ana Silva <ana.silva@example.com>")
    _pick(qtbot, dialog.choices.avoids, "lukasz.nowak@example.com")
    ok(qtbot, dialog)
    assert dialog.message.text() == "ana.silva@example.com is both a preferred partner and someone to avoid."
    assert dialog.tabs.currentIndex() == 2
    dialog.choices.avoids.list.setCurrentRow(0)
    qtbot.mouseClick(dialog.choices.avoids.remove_button, Qt.MouseButton.LeftButton)
    ok(qtbot, dialog)
    assert dialog.result() == dialog.DialogCode.Accepted
    p = find_by_email(ctx.db, "zoe.odegard@example.com")
    assert p.prefers == ("ana.silva@example.com",) and p.avoids == ("lukasz.nowak@example.com",)


def test_at_most_five_preferred_partners_can_be_added(ctx, dialog_for, qtbot):
    from peerdesk.store.participants import add_participant
    from peerdesk.store.records import Participant

    for k in range(6):
        add_participant(ctx.db, Participant(name=f"Extra Person{k}", email=f"extra{k}@example.com"))
    dialog = dialog_for("zoe.odegard@example.com")
    prefers = dialog.choices.prefers
    for k in range(5):
        _pick(qtbot, prefers, f"extra{k}@example.com")
    assert len(prefers.emails()) == 5
    assert not prefers.add_button.isEnabled() and "At most 5" in prefers.picker.placeholderText()
    assert not prefers.add("extra5@example.com")
