"""The one write path: Workspace.run backs up before bulk changes, the command line uses it too,
restore and trigger management are store functions."""

from __future__ import annotations

from peerdesk.cli import main
from peerdesk.demo import build_demo
from peerdesk.importing import apply_import
from peerdesk.sessions.scheduling import book_first_meetings
from peerdesk.store.backups import backup_before, list_backups
from peerdesk.store.pairings import list_rounds, record_round
from peerdesk.store.participants import add_participant, list_participants
from peerdesk.store.privacy import erase_participant
from peerdesk.store.records import Participant
from peerdesk.store.workspace import Workspace, bulk, is_bulk


def test_the_bulk_operations_are_declared_bulk():
    for fn in (apply_import, record_round, book_first_meetings, erase_participant):
        assert is_bulk(fn), fn.__name__
    assert not is_bulk(add_participant)


def test_run_backs_up_before_a_bulk_change_only(tmp_path):
    path = tmp_path / "program.peerdesk.db"
    ws = Workspace.open(path)
    ws.run("Add Ada", add_participant, Participant(name="Ada", email="ada@example.com"))
    assert list_backups(path) == []
    ws.run(
        "Import people",
        bulk("import people")(lambda db, p: add_participant(db, p)),
        Participant(name="Bo", email="bo@example.com"),
    )
    (made,) = list_backups(path)
    assert made.reason == "before-import-people"
    ws.close()


def test_match_accept_on_the_command_line_backs_up_first(tmp_path):
    path = tmp_path / "demo.peerdesk.db"
    build_demo(path)
    before = len(list_backups(path))
    assert main(["--db", str(path), "match", "--mode", "buddies", "--accept"]) == 0
    backups = list_backups(path)
    assert len(backups) == before + 1 and "accept" in backups[-1].reason
    ws = Workspace.open(path)
    assert list_rounds(ws.db)  # the round was recorded after the backup
    ws.close()


def test_restore_is_a_store_operation_that_drops_and_reinstalls_the_undo_triggers(tmp_path):
    path = tmp_path / "program.peerdesk.db"
    ws = Workspace.open(path)
    ws.run("Add Ada", add_participant, Participant(name="Ada", email="ada@example.com"))
    good = backup_before(path, "edit")
    assert good is not None
    ws.run("Add Bo", add_participant, Participant(name="Bo", email="bo@example.com"))
    made, changes = ws.restore(good)
    assert made is not None and made.reason == "before-restore"
    assert [p.name for p in list_participants(ws.db)] == ["Ada"]
    assert "participants" in changes.tables and not changes.knows_rows("participants")
    assert ws.undo_log is not None and not ws.undo_log.can_undo
    ws.run("Add Cy", add_participant, Participant(name="Cy", email="cy@example.com"))
    ws.undo()  # the triggers are back
    assert [p.name for p in list_participants(ws.db)] == ["Ada"]
    ws.close()


def test_uninstall_drops_every_undo_trigger(workspace):
    log = workspace.undo_log
    assert workspace.db.execute("SELECT count(*) FROM temp.sqlite_master WHERE type = 'trigger'").fetchone()[0] > 0
    log.uninstall()
    assert workspace.db.execute("SELECT count(*) FROM temp.sqlite_master WHERE type = 'trigger'").fetchone()[0] == 0
    assert not log.can_undo


def test_a_write_runs_on_another_thread_than_the_one_that_opened_the_file(tmp_path):
    """The window runs bulk writes and undo on a worker thread while the UI thread waits."""
    import threading

    path = tmp_path / "program.peerdesk.db"
    ws = Workspace.open(path)
    outcome: list[object] = []

    def write() -> None:
        try:
            outcome.append(ws.run("Add Ada", add_participant, Participant(name="Ada", email="ada@example.com")))
            outcome.append(ws.undo())
        except Exception as exc:  # pragma: no cover - reported by the assertion below
            outcome.append(exc)

    worker = threading.Thread(target=write)
    worker.start()
    worker.join()
    assert not any(isinstance(o, Exception) for o in outcome), outcome
    assert list_participants(ws.db) == []
    ws.close()
