"""The window's single write path: undoable runs, change announcements, backups before bulk changes."""

from __future__ import annotations

from peerdesk.store.backups import list_backups
from peerdesk.store.participants import add_participant, list_participants
from peerdesk.store.records import Participant
from peerdesk.store.workspace import Workspace, bulk
from peerdesk.ui.common.context import AppContext


def test_run_announces_and_undoes(qtbot, tmp_path):
    ctx = AppContext(Workspace.open(tmp_path / "p.db"))
    with qtbot.waitSignal(ctx.changed) as blocker:
        ctx.run("Add Ada", add_participant, Participant(name="Ada", email="ada@example.com"))
    assert blocker.args[0].touches("participants")
    assert ctx.undo() is not None
    assert list_participants(ctx.db) == []
    ctx.workspace.close()


def test_bulk_change_is_backed_up_first(tmp_path):
    path = tmp_path / "program.db"
    ctx = AppContext(Workspace.open(path))
    ctx.run("Add Ada", add_participant, Participant(name="Ada", email="ada@example.com"))
    before = len(list_backups(path))
    ctx.run(
        "Import participants",
        bulk("import people")(lambda db, p: add_participant(db, p)),
        Participant(name="Bo", email="bo@example.com"),
    )
    assert len(list_backups(path)) == before + 1
    ctx.workspace.close()
