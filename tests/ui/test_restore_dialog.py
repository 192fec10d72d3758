"""File > Restore… and File > Back up now…, driven like a user would."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt

from peerdesk import clock
from peerdesk.store import backups
from peerdesk.store.participants import add_participant, list_participants
from peerdesk.store.records import Participant
from peerdesk.store.workspace import Workspace
from peerdesk.ui.common.context import AppContext
from peerdesk.ui.window.restore_dialog import BackupsModel, RestoreDialog, back_up_now, human_size


@pytest.fixture
def file_ctx(tmp_path, monkeypatch, qapp, fixed_clock):
    """A context over a program file with three backups: after 1, 2 and 3 participants."""
    monkeypatch.setenv(backups.ENV_DIR, str(tmp_path / "backups"))
    ws = Workspace.open(tmp_path / "program.peerdesk.db")
    for i, name in enumerate(["Ada", "Bo", "Cy"]):
        ws.run("Add", add_participant, Participant(name=name, email=f"{name.lower()}@example.org"))
        clock.freeze(fixed_clock + dt.timedelta(hours=i))
        backups.make_backup(ws.path, f"step {i + 1}", db=ws.db)
    ws.run("Add", add_participant, Participant(name="Dee", email="dee@example.org"))
    ctx = AppContext(ws)
    yield ctx
    ws.close()


def test_lists_backups_with_dates_and_sizes(file_ctx, qtbot, qtmodeltester):
    dialog = RestoreDialog(file_ctx)
    qtbot.addWidget(dialog)
    model = dialog.model
    qtmodeltester.check(model)
    assert model.rowCount() == 3
    assert [model.index(r, 1).data() for r in range(3)] == ["Step 3", "Step 2", "Step 1"]
    assert model.index(0, 0).data().startswith(("Today", "Yesterday", "Mon", "Sun"))
    assert model.index(0, 2).data().endswith("KB")
    assert str(backups.backup_dir(file_ctx.workspace.path)) in dialog.folder.text()
    assert dialog.restore_button.isEnabled()


def test_restore_after_confirmation(file_ctx, qtbot, prompts):
    changed = []
    file_ctx.changed.connect(changed.append)
    dialog = RestoreDialog(file_ctx)
    qtbot.addWidget(dialog)
    dialog.table.selectRow(2)  # "step 1": only Ada
    qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    assert "Everything changed since then is replaced" in prompts.confirms[0][1]
    assert [p.name for p in list_participants(file_ctx.db)] == ["Ada"]
    assert dialog.restored is not None and dialog.result() == dialog.DialogCode.Accepted
    assert changed and changed[-1].touches("participants", "sessions")
    assert not file_ctx.workspace.undo_log.can_undo
    # the state before the restore was itself backed up, and can be restored in turn
    newest = backups.list_backups(file_ctx.workspace.path)[0]
    assert newest.reason == "before-restore"
    again = RestoreDialog(file_ctx)
    qtbot.addWidget(again)
    again.table.selectRow(0)
    qtbot.mouseClick(again.restore_button, Qt.MouseButton.LeftButton)
    assert [p.name for p in list_participants(file_ctx.db)] == ["Ada", "Bo", "Cy", "Dee"]
    # writes keep working and are undoable after a restore
    file_ctx.run("Add", add_participant, Participant(name="Eve", email="eve@example.org"))
    file_ctx.undo()
    assert len(list_participants(file_ctx.db)) == 4


def test_cancelled_confirmation_changes_nothing(file_ctx, qtbot, prompts):
    prompts.confirm_answer = False
    dialog = RestoreDialog(file_ctx)
    qtbot.addWidget(dialog)
    dialog.table.selectRow(2)
    qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    assert len(list_participants(file_ctx.db)) == 4 and dialog.restored is None
    assert file_ctx.workspace.undo_log.can_undo


def test_damaged_backup_is_refused_with_a_message(file_ctx, qtbot, prompts):
    dialog = RestoreDialog(file_ctx)
    qtbot.addWidget(dialog)
    bad = dialog.model.backup(0).path
    bad.write_bytes(b"not a database any more")
    dialog.table.selectRow(0)
    qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
    assert prompts.warnings and "not a PeerDesk program file" in prompts.warnings[0][1]
    assert len(list_participants(file_ctx.db)) == 4


def test_read_only_and_in_memory(qtbot, file_ctx):
    memory = RestoreDialog(AppContext(Workspace.open(":memory:")))
    qtbot.addWidget(memory)
    assert not memory.restore_button.isEnabled() and "not stored in a file" in memory.intro.text()
    file_ctx.workspace.readonly = True
    ro = RestoreDialog(file_ctx)
    qtbot.addWidget(ro)
    assert ro.model.rowCount() == 3 and not ro.restore_button.isEnabled()


def test_back_up_now(file_ctx, prompts, tmp_path):
    out = tmp_path / "copy.peerdesk.db"
    prompts.save_paths.append(out)
    assert back_up_now(file_ctx) == out
    assert out.stat().st_mode & 0o777 == 0o600 and "Saved a copy" in prompts.infos[0][1]
    assert len(list_participants(Workspace.open(out, readonly=True).db)) == 4
    prompts.save_paths.append(tmp_path / "missing" / "x.db")
    assert back_up_now(file_ctx) is None
    assert "does not exist" in prompts.warnings[0][1]


def test_human_sizes():
    assert human_size(10) == "10 bytes" and human_size(4096) == "4 KB" and human_size(3 * 1024 * 1024) == "3.0 MB"
    assert BackupsModel().rowCount() == 0


def test_restoring_an_older_format_upgrades_it(tmp_path, monkeypatch, qapp, prompts, qtbot):
    from peerdesk.store import db as dbmod

    monkeypatch.setenv(backups.ENV_DIR, str(tmp_path / "backups"))
    path = tmp_path / "program.peerdesk.db"
    old = Workspace.open(path)
    old.run("Add", add_participant, Participant(name="Ada", email="ada@example.org"))
    old.close()
    migrations = [*dbmod.MIGRATIONS, lambda db: db.execute("CREATE TABLE later (id INTEGER PRIMARY KEY, x TEXT)")]
    monkeypatch.setattr(dbmod, "MIGRATIONS", migrations)
    monkeypatch.setattr(dbmod, "LATEST", len(migrations))
    ws = Workspace.open(path, before_migrate=backups.before_migrate)
    ws.run("Add", add_participant, Participant(name="Bo", email="bo@example.org"))
    ctx = AppContext(ws)
    (before_upgrade,) = backups.list_backups(path)
    ctx.restore(before_upgrade)
    assert ws.db.execute("PRAGMA user_version").fetchone()[0] == len(migrations)
    assert [p.name for p in list_participants(ws.db)] == ["Ada"]
    ctx.run("Later", lambda db: db.execute("INSERT INTO later(x) VALUES ('y')"))
    ctx.undo()  # the undo triggers cover the table the upgrade added
    assert ws.db.execute("SELECT count(*) FROM later").fetchone()[0] == 0
    ws.close()


def test_backups_live_in_the_user_data_folder(monkeypatch, tmp_path):
    monkeypatch.delenv(backups.ENV_DIR, raising=False)
    root = backups.backups_root()
    assert root.name == "backups" and root.parent.name == "PeerDesk"
    folder = backups.backup_dir(tmp_path / "program.peerdesk.db")
    assert folder.parent == root and folder.name.startswith("program-")
