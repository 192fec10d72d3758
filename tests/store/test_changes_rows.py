"""Changes.rows: which rows a write, an undo or a redo touched, and who they concern."""

from __future__ import annotations

from dataclasses import replace

import pytest

from peerdesk.importing import apply_import, plan_import
from peerdesk.store.participants import (
    add_participant,
    delete_participants,
    find_by_email,
    list_participants,
    participants_by_ids,
    participants_concerned,
    set_archived,
    update_participant,
)
from peerdesk.store.privacy import erase_participant
from peerdesk.store.records import Participant, SkillLevel, Window
from peerdesk.store.workspace import Changes

ADA = Participant(
    name="Ada",
    email="ada@example.org",
    manager_email="grace@example.org",
    teaches=(SkillLevel("Python", 5), SkillLevel("SQL", 3)),
    availability=(Window(0, 540, 600), Window(2, 600, 660)),
)
GRACE = Participant(name="Grace", email="grace@example.org", learns=(SkillLevel("Python", 2),))


def child_rowids(db, table: str, pid: int) -> frozenset[int]:
    return frozenset(r[0] for r in db.execute(f"SELECT rowid FROM {table} WHERE participant_id = ?", (pid,)))


@pytest.fixture
def two(workspace):
    """Ada and Grace, added outside the undo history."""
    return add_participant(workspace.db, ADA), add_participant(workspace.db, GRACE)


def test_add_reports_the_new_rows_and_undo_redo_the_same(workspace):
    ada, changes = workspace.run("Add", add_participant, ADA)
    skills = child_rowids(workspace.db, "participant_skills", ada.id)
    windows = child_rowids(workspace.db, "availability", ada.id)
    assert changes.ids("participants") == {ada.id}
    assert changes.ids("participant_skills") == skills and len(skills) == 2
    assert changes.ids("availability") == windows and len(windows) == 2
    assert changes.ids("skills") == {r[0] for r in workspace.db.execute("SELECT id FROM skills")}
    assert changes.ids("sessions") == frozenset()
    assert set(changes.rows) == set(changes.tables)

    undone = workspace.undo()
    assert list_participants(workspace.db) == []
    assert undone.tables == changes.tables and dict(undone.rows) == dict(changes.rows)
    redone = workspace.redo()
    assert list_participants(workspace.db) == [ada]
    assert dict(redone.rows) == dict(changes.rows)


def test_edit_reports_old_and_new_child_rows(workspace, two):
    ada, _ = two
    old_windows = child_rowids(workspace.db, "availability", ada.id)
    edited = replace(ada, name="Ada L.", availability=(Window(4, 60, 120),))
    _, changes = workspace.run("Edit", update_participant, edited)
    new_windows = child_rowids(workspace.db, "availability", ada.id)
    assert changes.ids("participants") == {ada.id}
    assert changes.ids("availability") == old_windows | new_windows
    assert participants_concerned(workspace.db, changes, 200) == {ada.id}

    undone = workspace.undo()
    assert undone.ids("participants") == {ada.id}
    assert undone.ids("availability") == old_windows | new_windows
    assert participants_concerned(workspace.db, undone, 200) == {ada.id}
    assert participants_by_ids(workspace.db, [ada.id]) == [ada]
    redone = workspace.redo()
    assert participants_concerned(workspace.db, redone, 200) == {ada.id}
    assert participants_by_ids(workspace.db, [ada.id]) == [edited]


def test_delete_and_archive_concern_exactly_who_changed(workspace, two):
    ada, grace = two
    _, archived = workspace.run("Archive", set_archived, [ada.id], True)
    assert dict(archived.rows) == {"participants": {ada.id}}
    _, deleted = workspace.run("Delete", delete_participants, [grace.id])
    assert deleted.ids("participants") == {grace.id}
    assert deleted.ids("participant_skills")  # cascaded, and logged
    assert participants_concerned(workspace.db, deleted, 200) == {grace.id}
    undone = workspace.undo()
    assert participants_concerned(workspace.db, undone, 200) == {grace.id}
    assert participants_by_ids(workspace.db, [grace.id]) == [grace]
    undone = workspace.undo()
    assert participants_concerned(workspace.db, undone, 200) == {ada.id}


def test_erase_concerns_the_erased_and_those_they_managed(workspace, two):
    ada, grace = two
    _, changes = workspace.run("Erase", erase_participant, grace.id)
    assert participants_concerned(workspace.db, changes, 200) == {ada.id, grace.id}
    assert participants_by_ids(workspace.db, [ada.id, grace.id]) == [replace(ada, manager_email="")]
    undone = workspace.undo()
    assert participants_concerned(workspace.db, undone, 200) == {ada.id, grace.id}


def test_unknown_or_too_many_rows_ask_for_a_reload(workspace, two):
    ada, grace = two
    assert participants_concerned(workspace.db, Changes("Restore", frozenset({"participants"})), 200) is None
    _, changes = workspace.run("Archive both", set_archived, [ada.id, grace.id], True)
    assert participants_concerned(workspace.db, changes, 1) is None
    assert participants_concerned(workspace.db, changes, 2) == {ada.id, grace.id}


def test_children_gone_without_their_owner_ask_for_a_reload(workspace, two):
    ada, _ = two

    def drop_windows(db, pid):
        db.execute("DELETE FROM availability WHERE participant_id = ?", (pid,))

    def add_window(db, pid):
        db.execute("INSERT INTO availability(participant_id, weekday, start_min, end_min) VALUES (?, 1, 0, 60)", (pid,))

    _, dropped = workspace.run("Drop", drop_windows, ada.id)
    assert participants_concerned(workspace.db, dropped, 200) is None
    _, added = workspace.run("Add a window", add_window, ada.id)
    assert participants_concerned(workspace.db, added, 200) == {ada.id}


def test_a_renamed_skill_concerns_everyone_who_has_it(workspace, two):
    ada, grace = two

    def rename(db, old, new):
        db.execute("UPDATE skills SET name = ? WHERE name = ?", (new, old))

    _, changes = workspace.run("Rename", rename, "Python", "Python 3")
    assert participants_concerned(workspace.db, changes, 200) == {ada.id, grace.id}
    _, changes = workspace.run("Rename", rename, "SQL", "Databases")
    assert participants_concerned(workspace.db, changes, 200) == {ada.id}


def test_participants_by_ids_chunks_and_sorts_like_a_full_load(workspace):
    with workspace.db.atomic():
        for i in range(1203):
            add_participant(workspace.db, Participant(name=f"{'ab'[i % 2]}{'Zz'[i % 3 % 2]}{i}", email=f"p{i}@x.org"))
    everyone = list_participants(workspace.db)
    chosen = [p.id for p in everyone][::-1]
    assert participants_by_ids(workspace.db, chosen + [999_999]) == everyone
    assert participants_by_ids(workspace.db, []) == []


def test_an_import_concerns_who_it_added_or_updated(workspace, two, tmp_path):
    ada, grace = two
    csv = tmp_path / "people.csv"
    csv.write_text(
        "name,email,teaches,title\n"
        "Ada,ada@example.org,Python:5;SQL:3,\n"  # Ada's skills and windows stay; her title stays empty
        "Grace,grace@example.org,,Admiral\n"
        "Hedy,hedy@example.org,Radio:4,\n",
        encoding="utf-8",
    )
    plan = plan_import(workspace.db, csv)
    _, changes = workspace.run("Import", apply_import, plan)
    hedy = find_by_email(workspace.db, "hedy@example.org")
    assert hedy is not None
    concerned = participants_concerned(workspace.db, changes, 200)
    assert concerned is not None and {grace.id, hedy.id} <= concerned <= {ada.id, grace.id, hedy.id}
    undone = workspace.undo()
    assert participants_concerned(workspace.db, undone, 200) == concerned
    assert participants_by_ids(workspace.db, concerned) == [p for p in (ada, grace) if p.id in concerned]
