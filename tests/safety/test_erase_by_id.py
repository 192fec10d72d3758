"""Erase works by record id: names that are punctuation, common words or someone else's name touch nobody else."""

from __future__ import annotations

import sqlite3

import pytest

from peerdesk import clock
from peerdesk.commands import list_sessions
from peerdesk.store.participants import add_participant
from peerdesk.store.privacy import ERASED, erase_participant, forget_freed_pages, other_mentions
from peerdesk.store.records import Participant
from peerdesk.store.workspace import Workspace


def _snapshot(db):
    """Every row of every data table, by table and rowid."""
    out = {}
    for (table,) in db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%' AND name NOT LIKE 'undo%'"
    ):
        cols = [r[1] for r in db.execute(f"PRAGMA table_info([{table}])")]
        out[table] = {r[0]: dict(zip(cols, r[1:], strict=True)) for r in db.execute(f"SELECT rowid, * FROM [{table}]")}
    return out


def _changed_elsewhere(before, after, own):
    """(table, column) -> rows changed that are not the person's own records (own: {(table, rowid)})."""
    changed: dict[tuple[str, str], int] = {}
    for table, rows in before.items():
        for rowid, row in rows.items():
            new = after[table].get(rowid)
            if new is None or new == row:
                continue
            if (table, rowid) in own:
                continue
            for col, value in row.items():
                if new[col] != value and col != "updated_at":
                    changed[(table, col)] = changed.get((table, col), 0) + 1
    return changed


def _with_victim(ws, name):
    """Add `name`, give them a pair with a generated 1:1 title, a group session and a feedback they gave."""
    db = ws.db
    victim, _ = ws.run("Add", add_participant, Participant(name=name, email="victim@example.org"))
    partner = db.execute("SELECT id, name FROM participants WHERE id != ? ORDER BY id LIMIT 1", (victim.id,)).fetchone()
    now = clock.stamp()
    pairing = db.execute(
        "INSERT INTO pairings(kind, started_on, created_at) VALUES ('buddy', '2026-01-05', ?)", (now,)
    ).lastrowid
    db.execute(
        "INSERT INTO pairing_members VALUES (?, ?, 'peer'), (?, ?, 'peer')", (pairing, victim.id, pairing, partner[0])
    )
    title = f"{name.split()[0] if name.split() else name} & {partner[1].split()[0]}: 1:1 #1"
    own = db.execute(
        "INSERT INTO sessions(uid, pairing_id, kind, title, start_utc, timezone, duration_min, created_at, updated_at) "
        "VALUES ('victim-1', ?, 'pair_meeting', ?, '2026-01-10T09:00:00+00:00', 'UTC', 45, ?, ?)",
        (pairing, title, now, now),
    ).lastrowid
    group = db.execute("SELECT id FROM sessions WHERE pairing_id IS NULL ORDER BY id LIMIT 1").fetchone()[0]
    db.execute(
        "INSERT INTO session_people(session_id, participant_id) VALUES (?, ?), (?, ?)",
        (own, victim.id, group, victim.id),
    )
    feedback = db.execute(
        "INSERT INTO feedback(session_id, participant_id, rating, comment, submitted_at) VALUES (?, ?, 5, ?, ?)",
        (group, victim.id, f"I, {name}, liked it", now),
    ).lastrowid
    return victim.id, {("sessions", own), ("feedback", feedback)}, partner


ATTACKS = ["-", ":", "_", "%", "Python", "Sales", "O'Brien", "2026", "a"]


@pytest.mark.parametrize("name", ATTACKS)
def test_erasing_a_punctuation_or_word_name_touches_only_their_records(demo_file, name):
    ws = Workspace.open(demo_file)
    db = ws.db
    pid, own, partner = _with_victim(ws, name)
    own_session = next(rowid for table, rowid in own if table == "sessions")
    own_feedback = next(rowid for table, rowid in own if table == "feedback")
    python = "SELECT count(*) FROM sessions WHERE title LIKE '%Python%' AND id != ?"
    python_titles = db.execute(python, (own_session,)).fetchone()[0]
    before = _snapshot(db)

    result, _ = ws.run("Erase participant", erase_participant, pid)

    after = _snapshot(db)
    # nothing but their pairing (ended, fewer than two left) changes outside their own records
    assert _changed_elsewhere(before, after, own) == {("pairings", "status"): 1, ("pairings", "ended_on"): 1}
    assert db.execute(python, (own_session,)).fetchone()[0] == python_titles
    assert len(after["participants"]) == len(before["participants"]) - 1
    rows = list_sessions.rows(db)  # every date still parses
    assert len(rows) == len(before["sessions"])
    title = db.execute("SELECT title FROM sessions WHERE id = ?", (own_session,)).fetchone()[0]
    if any(ch.isalnum() for ch in name):
        assert title.startswith(ERASED) and partner[1].split()[0] in title
    rater, anonymous, comment = db.execute(
        "SELECT participant_id, anonymous, comment FROM feedback WHERE id = ?", (own_feedback,)
    ).fetchone()
    assert (rater, anonymous) == (None, 1)
    assert comment == (f"I, {ERASED}, liked it" if any(ch.isalnum() for ch in name) else f"I, {name}, liked it")
    assert result.attendance_dropped == 2 and result.pairings_ended == 1
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    ws.close()


def test_erasing_one_of_two_people_with_the_same_name_keeps_the_other(demo_file):
    ws = Workspace.open(demo_file)
    db = ws.db
    pid, name = db.execute(
        "SELECT id, name FROM participants WHERE id IN (SELECT participant_id FROM pairing_members) LIMIT 1"
    ).fetchone()
    twin, _ = ws.run("Add", add_participant, Participant(name=name, email="twin@example.org", notes=f"I am {name}"))
    before = _snapshot(db)
    ws.run("Erase participant", erase_participant, pid)
    after = _snapshot(db)
    assert after["participants"][twin.id] == before["participants"][twin.id]
    assert db.execute("SELECT name FROM participants WHERE id = ?", (twin.id,)).fetchone()[0] == name
    # the twin's own words are theirs: listed as a mention before, unchanged after
    ws.close()


def test_other_peoples_texts_are_listed_for_review_not_rewritten(workspace):
    ana, _ = workspace.run("Add", add_participant, Participant(name="Ana Silva", email="ana@example.org"))
    bo, _ = workspace.run(
        "Add", add_participant, Participant(name="Bo", email="bo@example.org", notes="Ask ANA SILVA (ana@EXAMPLE.org)")
    )
    found = other_mentions(workspace.db, ana.id)
    assert [(t, c, r) for t, c, r, _ in found] == [("participants", "notes", bo.id)]
    workspace.run("Erase", erase_participant, ana.id)
    assert workspace.db.execute("SELECT notes FROM participants WHERE id = ?", (bo.id,)).fetchone()[0] == (
        "Ask ANA SILVA (ana@EXAMPLE.org)"
    )


def test_a_name_without_letters_is_never_searched_for(workspace):
    dash, _ = workspace.run("Add", add_participant, Participant(name="-", email="dash@example.org"))
    workspace.run("Add", add_participant, Participant(name="Bo", email="bo@example.org", notes="2026-06-09 - call"))
    assert other_mentions(workspace.db, dash.id) == []


def test_forget_freed_pages_vacuums_and_reports_a_busy_reader(demo_file):
    ws = Workspace.open(demo_file)
    db = ws.db
    pid, email = db.execute("SELECT id, email FROM participants ORDER BY id LIMIT 1").fetchone()
    for table, col, rowid, _text in other_mentions(db, pid):  # the coordinator edits what the dialog listed
        db.execute(f"UPDATE [{table}] SET [{col}] = 'edited' WHERE rowid = ?", (rowid,))
    reader = sqlite3.connect(demo_file)
    reader.execute("BEGIN")
    reader.execute("SELECT count(*) FROM sessions").fetchone()  # holds a read snapshot
    ws.run("Erase", erase_participant, pid)
    ws.undo_log.clear()
    busy = forget_freed_pages(db, tries=2, pause=0)
    assert busy.vacuumed and not busy.checkpointed  # the reader keeps the log: said, not ignored
    reader.rollback()
    reader.close()
    done = forget_freed_pages(db)
    assert done.checkpointed
    assert db.execute("PRAGMA freelist_count").fetchone()[0] == 0
    assert email.encode() not in demo_file.read_bytes()
    wal = demo_file.with_name(demo_file.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0
    ws.close()
