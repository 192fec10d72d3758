"""The Export invites dialog: choose a scope and a folder, export, see what was written."""

from __future__ import annotations

import email
import email.policy
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "invites"))
from invites_fixtures import build_program, set_coordinator  # noqa: E402

from peerdesk.ui.common import (
    folder_writing,
    widgets,  # noqa: E402
)
from peerdesk.ui.sessions import invites_dialog
from peerdesk.ui.sessions.invites_dialog import InvitesDialog  # noqa: E402


@pytest.fixture
def program(ctx):
    return build_program(ctx.db)


def open_dialog(ctx, qtbot, **kw) -> InvitesDialog:
    dialog = InvitesDialog(ctx, **kw)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def choose_folder(qtbot, dialog, folder: Path) -> None:
    dialog.folder_edit.clear()
    qtbot.keyClicks(dialog.folder_edit, str(folder))


def export(qtbot, dialog) -> None:
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.running, timeout=60_000)


def test_selected_sessions_one_file_per_participant_with_drafts(ctx, qtbot, program, tmp_path, monkeypatch):
    opened = []
    monkeypatch.setattr(folder_writing, "open_folder", opened.append)
    dialog = open_dialog(ctx, qtbot, session_ids=[program.dst_session, program.evil_session])
    assert dialog.scope_combo.currentText() == "Selected sessions (2)"
    assert dialog.layout_combo.isEnabled()
    choose_folder(qtbot, dialog, tmp_path / "out")
    qtbot.mouseClick(dialog.eml_check, Qt.MouseButton.LeftButton)
    assert dialog.eml_check.isChecked()
    export(qtbot, dialog)
    written = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert "Zoë Ødegård.ics" in written and "Zoë Ødegård.eml" in written
    assert len([n for n in written if n.endswith(".ics")]) == 7  # everyone in the two sessions
    assert dialog.status.text().startswith("Wrote 7 invitation files, 7 e-mail drafts for 2 sessions")
    msg = email.message_from_bytes((tmp_path / "out" / "李小龍.eml").read_bytes(), policy=email.policy.default)
    assert msg["To"].addresses[0].addr_spec == "li@example.com"
    assert dialog.open_button.isVisible()
    qtbot.mouseClick(dialog.open_button, Qt.MouseButton.LeftButton)
    assert opened == [tmp_path / "out"]


def test_the_sessions_chosen_are_named_as_the_caller_says(qtbot, ctx, program):
    dialog = open_dialog(
        ctx, qtbot, session_ids=[program.dst_session, program.evil_session], sessions_named="Meetings of round 3"
    )
    assert dialog.scope_combo.currentText() == "Meetings of round 3 (2)"


def test_one_file_per_session_and_browse(ctx, qtbot, program, tmp_path, monkeypatch):
    monkeypatch.setattr(widgets, "ask_folder", lambda parent, title, start="": tmp_path / "picked")
    dialog = open_dialog(ctx, qtbot, session_ids=[program.series_moved])
    qtbot.mouseClick(dialog.browse_button, Qt.MouseButton.LeftButton)
    assert dialog.folder_edit.text() == str(tmp_path / "picked")
    dialog.layout_combo.setCurrentIndex(dialog.layout_combo.findData("session"))
    export(qtbot, dialog)
    assert [p.name for p in (tmp_path / "picked").iterdir()] == ["Mentoring - Zoë × Олена - weekly from 2027-03-10.ics"]


def test_participants_scope_and_remembered_folder(ctx, qtbot, program, tmp_path):
    olena = program.people["olena@example.com"]
    dialog = open_dialog(ctx, qtbot, participant_ids=[olena])
    assert dialog.scope_combo.currentText() == "Schedule of the selected participant (1)"
    assert not dialog.layout_combo.isEnabled()
    choose_folder(qtbot, dialog, tmp_path / "olena")
    export(qtbot, dialog)
    assert sorted(p.name for p in (tmp_path / "olena").iterdir()) == [
        "Олена Коваленко - cancelled.ics",
        "Олена Коваленко.ics",
    ]
    again = open_dialog(ctx, qtbot)
    assert again.folder_edit.text() == str(tmp_path / "olena")


def test_program_and_upcoming_scopes(ctx, qtbot, program, tmp_path):
    dialog = open_dialog(ctx, qtbot)
    assert dialog.scope_combo.currentData() == ("upcoming", None)
    dialog.select_scope("program", program.program_id)
    assert dialog.scope_combo.currentText() == "Program: Onboarding 2027"
    choose_folder(qtbot, dialog, tmp_path / "prog")
    export(qtbot, dialog)
    assert [p.name for p in (tmp_path / "prog").iterdir()] == ["Program - Onboarding 2027.ics"]
    dialog.select_scope("upcoming")
    choose_folder(qtbot, dialog, tmp_path / "all")
    export(qtbot, dialog)
    assert len(list((tmp_path / "all").glob("*.ics"))) == 10
    assert dialog.result_value is not None and dialog.result_value.cancellations == 2


def test_missing_coordinator_address_is_explained(ctx, qtbot, program, tmp_path):
    set_coordinator(ctx.db, email="")
    dialog = open_dialog(ctx, qtbot)
    choose_folder(qtbot, dialog, tmp_path / "x")
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert not dialog.running
    assert dialog.message.isVisible()
    assert "coordinator's e-mail address in Settings" in dialog.message.text()
    assert not (tmp_path / "x").exists()


def test_empty_folder_and_unwritable_target(ctx, qtbot, program, tmp_path):
    dialog = open_dialog(ctx, qtbot, session_ids=[program.dst_session])
    dialog.folder_edit.clear()
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    assert dialog.message.text() == "Choose a folder for the invitations."
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    choose_folder(qtbot, dialog, blocker)
    export(qtbot, dialog)
    assert "not a folder" in dialog.message.text()
    assert dialog.export_button.text() == "Export" and dialog.close_button.isEnabled()


def test_stop_leaves_only_whole_files(ctx, qtbot, program, tmp_path, monkeypatch):
    dialog = open_dialog(ctx, qtbot)
    choose_folder(qtbot, dialog, tmp_path / "stopped")
    real = invites_dialog.write_export

    def slow_start(plan, folder, progress=None, cancelled=None):
        dialog._writer.cancel()  # as if Stop was pressed right away
        return real(plan, folder, progress=progress, cancelled=cancelled)

    monkeypatch.setattr(invites_dialog, "write_export", slow_start)
    export(qtbot, dialog)
    assert dialog.result_value is not None and dialog.result_value.cancelled
    assert "Stopped before anything was written." == dialog.status.text()
    assert not [p for p in (tmp_path / "stopped").iterdir()]


def test_entry_points_start_from_the_page_selection(ctx, qtbot, program, monkeypatch):
    from peerdesk.ui.common import widgets
    from peerdesk.ui.sessions.invites_dialog import selection_of, show_invites_dialog

    shown = []

    def fake_exec(dialog):
        qtbot.addWidget(dialog)
        shown.append(dialog)
        return 0

    monkeypatch.setattr(widgets, "exec_dialog", fake_exec)

    class SessionsLike(QWidget):
        def selected_session_ids(self):
            return [program.dst_session]

    class ParticipantsPage(QWidget):  # the participants page's class name
        def selected_ids(self):
            return [program.people["zoe@example.com"], program.people["li@example.com"]]

    assert selection_of(None) == {} and selection_of(QWidget()) == {}
    show_invites_dialog(ctx, None, **selection_of(SessionsLike()))
    assert shown[-1].scope_combo.currentText() == "Selected sessions (1)"
    show_invites_dialog(ctx, None, **selection_of(ParticipantsPage()))
    assert shown[-1].scope_combo.currentText() == "Schedule of the selected participants (2)"
    assert shown[-1].request().participant_ids == (program.people["zoe@example.com"], program.people["li@example.com"])


@pytest.fixture
def captured(monkeypatch, qtbot):
    """Dialogs the code opened, instead of running them modally."""
    from peerdesk.ui.common import widgets

    shown: list = []

    def fake_exec(dialog):
        qtbot.addWidget(dialog)
        shown.append(dialog)
        return 0

    monkeypatch.setattr(widgets, "exec_dialog", fake_exec)
    return shown


def test_sessions_page_toolbar_and_context_menu(ctx, qtbot, program, captured):
    from peerdesk.ui.sessions.page import SessionsPage

    page = SessionsPage(ctx)
    qtbot.addWidget(page)
    assert page.invites_action in page.toolbar.actions()
    page.select_ids([program.dst_session])
    page.invites_action.trigger()
    (dialog,) = captured
    assert dialog.session_ids == (program.dst_session,)
    assert dialog.scope_combo.currentText() == "Selected sessions (1)"


def test_participants_page_toolbar(ctx, qtbot, program, captured):
    from peerdesk.ui.participants.page import ParticipantsPage

    page = ParticipantsPage(ctx)
    qtbot.addWidget(page)
    assert page.invites_action in page.toolbar.actions()
    zoe = program.people["zoe@example.com"]
    page.select_ids([zoe])
    page.invites_action.trigger()
    (dialog,) = captured
    assert dialog.participant_ids == (zoe,)


def test_file_menu_export_calendar_invites(ctx, qtbot, program, captured):
    from peerdesk.ui.window.main_window import MainWindow
    from peerdesk.ui.window.pages import PAGES

    win = MainWindow(ctx)
    qtbot.addWidget(win)
    file_menu = win.menuBar().actions()[0].menu()
    assert win.invites_action in file_menu.actions()
    assert win.invites_action.text() == "Export calendar &invites…"
    win.sidebar.setCurrentRow([t for t, _ in PAGES].index("Participants"))
    assert win.wait_for_pages()
    win.current_page().select_ids([program.people["li@example.com"]])
    win.invites_action.trigger()
    (dialog,) = captured
    assert dialog.participant_ids == (program.people["li@example.com"],)
