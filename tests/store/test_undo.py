from peerdesk.store.participants import add_participant, delete_participants, list_participants, update_participant
from peerdesk.store.records import Participant, parse_skills


def test_undo_redo_add_edit_delete(workspace):
    p, changes = workspace.run(
        "Add", add_participant, Participant(name="Ada", email="ada@x.org", teaches=parse_skills("Python:5"))
    )
    assert changes.touches("participants")
    edited = Participant(**{**p.__dict__, "name": "Ada L."})
    workspace.run("Edit", update_participant, edited)
    workspace.run("Delete", delete_participants, [p.id])
    assert list_participants(workspace.db) == []
    workspace.undo()
    assert list_participants(workspace.db) == [edited]
    workspace.undo()
    assert list_participants(workspace.db) == [p]
    workspace.undo()
    assert list_participants(workspace.db) == []
    workspace.redo()
    workspace.redo()
    assert list_participants(workspace.db) == [edited]


def test_failed_write_leaves_no_undo_entry(workspace):
    workspace.run("Add", add_participant, Participant(name="Ada", email="ada@x.org"))
    try:
        workspace.run("Dup", add_participant, Participant(name="B", email="ada@x.org"))
    except Exception:
        pass
    assert workspace.undo_log.undo_label == "Add"
