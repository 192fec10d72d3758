"""Erase participant… and Export participant data…, driven like a user would."""

from __future__ import annotations

import json

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from peerdesk.store.participants import list_participants
from peerdesk.ui.common import widgets
from peerdesk.ui.participants.privacy_actions import (
    EraseDialog,
    erase_participant_dialog,
    export_participant_data_dialog,
)


def test_erase_needs_the_email_typed(ctx, people, qtbot):
    ana = next(p for p in people if p.email == "ana.silva@example.com")
    ctx.db.execute("UPDATE participants SET manager_email = ? WHERE id = ?", (ana.email, people[0].id))
    dialog = EraseDialog(ctx, ana.id)
    qtbot.addWidget(dialog)
    assert "Erase Ana Silva" in dialog.windowTitle()
    assert not dialog.erase_button.isEnabled()
    qtbot.keyClicks(dialog.confirm_edit, "ana.silva@example")
    assert not dialog.erase_button.isEnabled()
    qtbot.keyClicks(dialog.confirm_edit, ".COM")
    assert dialog.erase_button.isEnabled()
    qtbot.mouseClick(dialog.erase_button, Qt.MouseButton.LeftButton)
    assert dialog.result_ is not None and dialog.result_.manager_references_cleared == 1
    assert ana.email not in [p.email for p in list_participants(ctx.db)]
    assert [p.manager_email for p in list_participants(ctx.db) if p.id == people[0].id] == [""]
    assert not ctx.workspace.undo_log.can_undo  # the erased data is not kept for undo


def test_erase_dialog_cancel_keeps_everyone(ctx, people, qtbot, prompts, monkeypatch):
    monkeypatch.setattr(widgets, "exec_dialog", lambda dialog: dialog.reject() or 0)
    assert erase_participant_dialog(ctx, people[1].id) is None
    assert len(list_participants(ctx.db)) == len(people)
    assert prompts.infos == []


def test_erase_dialog_flow_reports_what_was_done(ctx, people, qtbot, prompts, monkeypatch):
    def drive(dialog):
        qtbot.addWidget(dialog)
        qtbot.keyClicks(dialog.confirm_edit, people[4].email)
        qtbot.mouseClick(dialog.erase_button, Qt.MouseButton.LeftButton)
        return dialog.result()

    monkeypatch.setattr(widgets, "exec_dialog", drive)
    done = erase_participant_dialog(ctx, people[4].id)
    assert done is not None and done.name == "李娜"
    assert "李娜 was erased" in prompts.infos[0][1]
    assert len(list_participants(ctx.db)) == len(people) - 1


def test_erase_refused_when_read_only(ctx, people, prompts):
    ctx.workspace.readonly = True
    assert erase_participant_dialog(ctx, people[0].id) is None
    assert "read-only" in prompts.warnings[0][1]


def test_export_participant_data(ctx, people, prompts, tmp_path):
    out = tmp_path / "zoe.json"
    prompts.save_paths.append(out)
    assert export_participant_data_dialog(ctx, people[0].id) == out
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["participant"]["name"] == "Zoë Ødegård"
    assert {"participant_skills", "availability"} <= set(data["records"])
    assert out.stat().st_mode & 0o777 == 0o600
    assert "readable by you only" in prompts.infos[0][1]


def test_export_into_a_missing_folder_warns(ctx, people, prompts, tmp_path):
    prompts.save_paths.append(tmp_path / "nope" / "zoe.json")
    assert export_participant_data_dialog(ctx, people[0].id) is None
    assert "does not exist" in prompts.warnings[0][1]
    assert not (tmp_path / "nope").exists()


def test_export_cancelled(ctx, people, prompts):
    assert export_participant_data_dialog(ctx, people[0].id) is None
    assert prompts.infos == [] and prompts.warnings == []


def test_erase_backs_up_first_says_where_and_lists_other_peoples_texts(tmp_path, qtbot, prompts, monkeypatch):
    from peerdesk.store import backups
    from peerdesk.store.participants import add_participant
    from peerdesk.store.records import Participant
    from peerdesk.store.workspace import Workspace
    from peerdesk.ui.common.context import AppContext

    ws = Workspace.open(tmp_path / "p.peerdesk.db")
    ana = add_participant(ws.db, Participant(name="Ana Silva", email="ana@example.org"))
    add_participant(ws.db, Participant(name="Bo Berg", email="bo@example.org", notes="Ask Ana Silva first"))
    file_ctx = AppContext(ws)
    shown = {}

    def drive(dialog):
        qtbot.addWidget(dialog)
        shown["labels"] = " ".join(label.text() for label in dialog.findChildren(QLabel))
        qtbot.keyClicks(dialog.confirm_edit, "ana@example.org")
        qtbot.mouseClick(dialog.erase_button, Qt.MouseButton.LeftButton)
        return dialog.result()

    monkeypatch.setattr(widgets, "exec_dialog", drive)
    assert erase_participant_dialog(file_ctx, ana.id) is not None
    folder = str(backups.backup_dir(ws.path))
    assert folder in shown["labels"] and "backed up first" in shown["labels"]
    assert "notes of Bo Berg" in shown["labels"] and "left as written" in shown["labels"]
    (made,) = backups.list_backups(ws.path)
    assert made.reason == "before-erase" and str(made.path) in prompts.infos[0][1]
    ws.close()


def test_erase_searches_and_vacuums_off_the_ui_thread(ctx, people, qtbot, prompts, monkeypatch):
    """At 5,000 people the search for the name and the VACUUM take seconds: never on the UI thread."""
    import threading

    from peerdesk.ui.participants import privacy_actions

    threads = {}

    def recording(name, fn):
        def call(*args, **kwargs):
            threads[name] = threading.current_thread()
            return fn(*args, **kwargs)

        return call

    monkeypatch.setattr(privacy_actions, "other_mentions", recording("search", privacy_actions.other_mentions))
    monkeypatch.setattr(privacy_actions, "forget_freed_pages", recording("vacuum", privacy_actions.forget_freed_pages))
    dialog = EraseDialog(ctx, people[2].id)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.confirm_edit, people[2].email)
    qtbot.mouseClick(dialog.erase_button, Qt.MouseButton.LeftButton)
    assert dialog.result_ is not None and dialog.forgotten is not None and dialog.forgotten.vacuumed
    assert set(threads) == {"search", "vacuum"}
    assert threading.main_thread() not in threads.values()
