"""Erase participant and export participant data; owner-only files; no network code anywhere."""

from __future__ import annotations

import ast
import json
import sqlite3
from pathlib import Path

import pytest

import peerdesk
from peerdesk.importing import export_participants
from peerdesk.store.backups import backup_before
from peerdesk.store.errors import NotFound
from peerdesk.store.privacy import (
    ERASED,
    erase_participant,
    erasure_preview,
    export_participant_data,
    forget_freed_pages,
    other_mentions,
    write_participant_export,
)
from peerdesk.store.workspace import Workspace

EMAIL = "ana.silva@northwind.example"


@pytest.fixture
def ws(demo_file):
    """The demo program, with extra records that name Ana in other people's text."""
    ws = Workspace.open(demo_file)
    db = ws.db
    pid, name = db.execute("SELECT id, name FROM participants WHERE email = ?", (EMAIL,)).fetchone()
    other = db.execute("SELECT id FROM participants WHERE id != ? ORDER BY id LIMIT 1", (pid,)).fetchone()[0]
    award = db.execute(
        "INSERT INTO awards(participant_id, title, reason, awarded_on) VALUES (?, 'Mentor of the quarter', ?, "
        "'2026-10-01')",
        (pid, f"{name} ran six lunch & learns"),
    ).lastrowid
    db.execute(
        "INSERT INTO certificates(serial, participant_id, award_id, kind, issued_on, content) "
        "VALUES ('PD-0001', ?, ?, 'recognition', '2026-10-02', ?)",
        (pid, award, json.dumps({"name": name, "email": EMAIL})),  # ensure_ascii: escaped letters
    )
    db.execute("UPDATE participants SET notes = ? WHERE id = ?", (f"Ask {name.upper()} ({EMAIL}) first", other))
    session = db.execute("SELECT session_id FROM session_people WHERE participant_id = ? LIMIT 1", (pid,)).fetchone()[0]
    db.execute(
        "INSERT INTO feedback(session_id, participant_id, rating, comment, submitted_at) VALUES (?, ?, 4, ?, "
        "'2026-10-03T10:00:00+00:00')",
        (session, other, f"Great session, thanks {name}!"),
    )
    yield ws, pid, name
    ws.close()


def _every_text(db):
    for table in [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]:
        cols = [r[1] for r in db.execute(f"PRAGMA table_info([{table}])")]
        for row in db.execute(f"SELECT * FROM [{table}]"):
            for col, value in zip(cols, row, strict=True):
                if isinstance(value, str):
                    yield table, col, value


def _traces(db, name, email):
    needles = {name.casefold(), email.casefold(), json.dumps(name)[1:-1].casefold()}
    return [(t, c, v) for t, c, v in _every_text(db) if any(n in v.casefold() for n in needles)]


def test_erase_leaves_no_trace_but_the_texts_listed_for_review(ws):
    workspace, pid, name = ws
    db = workspace.db
    assert len(_traces(db, name, EMAIL)) >= 5
    preview = erasure_preview(db, pid)
    assert preview["reports"] == 5 and preview["feedback"] > 0 and preview["mentions"] >= 3
    listed = other_mentions(db, pid)
    assert {(t, c) for t, c, _r, _x in listed} >= {("participants", "notes"), ("feedback", "comment")}
    gave = db.execute("SELECT id FROM feedback WHERE participant_id = ?", (pid,)).fetchall()
    pairings = [r[0] for r in db.execute("SELECT pairing_id FROM pairing_members WHERE participant_id = ?", (pid,))]
    feedback_total = db.execute("SELECT count(*) FROM feedback").fetchone()[0]
    awards = db.execute("SELECT count(*) FROM awards WHERE participant_id = ?", (pid,)).fetchone()[0]

    result, changes = workspace.run("Erase participant", erase_participant, pid)
    workspace.undo_log.clear()

    # what remains is exactly what the confirmation listed (other people's words), unchanged
    assert sorted(_traces(db, name, EMAIL)) == sorted((t, c, x) for t, c, _r, x in listed)
    assert result.name == name and result.manager_references_cleared == 5
    assert result.certificates_removed == 1 and result.awards_removed == awards >= 1
    assert result.feedback_anonymised == len(gave) and result.texts_scrubbed >= 1
    assert changes.touches("participants", "feedback", "pairings")
    # feedback they gave stays, anonymous
    assert db.execute("SELECT count(*) FROM feedback").fetchone()[0] == feedback_total
    for (fid,) in gave:
        assert db.execute("SELECT participant_id, anonymous FROM feedback WHERE id = ?", (fid,)).fetchone() == (None, 1)
    # pairings stay as history without them
    for pairing in pairings:
        status, members = db.execute(
            "SELECT status, (SELECT count(*) FROM pairing_members WHERE pairing_id = p.id) FROM pairings p "
            "WHERE id = ?",
            (pairing,),
        ).fetchone()
        assert members >= 1 and (members >= 2 or status == "ended")
    for table in ("session_people", "pairing_members", "program_members", "training_completions", "availability"):
        assert db.execute(f"SELECT count(*) FROM {table} WHERE participant_id = ?", (pid,)).fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM participants WHERE manager_email = ?", (EMAIL,)).fetchone()[0] == 0
    assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    assert not workspace.undo_log.can_undo


def test_erase_leaves_no_trace_in_exported_csv_or_in_the_file_bytes(ws, tmp_path):
    workspace, pid, name = ws
    for table, col, rowid, _text in other_mentions(workspace.db, pid):  # reviewed and edited by the coordinator
        workspace.db.execute(f"UPDATE [{table}] SET [{col}] = '\"edited\"' WHERE rowid = ?", (rowid,))
    workspace.run("Erase participant", erase_participant, pid)
    workspace.undo_log.clear()
    forget_freed_pages(workspace.db)
    out = tmp_path / "people.csv"
    export_participants(workspace.db, out)
    text = out.read_text(encoding="utf-8-sig")
    assert name not in text and EMAIL not in text and len(text.splitlines()) == 24
    raw = workspace.path.read_bytes()
    assert EMAIL.encode() not in raw and name.encode() not in raw
    wal = workspace.path.with_name(workspace.path.name + "-wal")
    assert not wal.exists() or EMAIL.encode() not in wal.read_bytes()


def test_erase_unknown_participant(ws):
    workspace, _pid, _name = ws
    with pytest.raises(NotFound):
        workspace.run("Erase participant", erase_participant, 99999)


def test_erase_in_a_session_title_keeps_the_others(ws):
    workspace, pid, name = ws
    db = workspace.db
    sid, title = db.execute(
        "SELECT s.id, s.title FROM sessions s JOIN session_people sp ON sp.session_id = s.id "
        "WHERE sp.participant_id = ? AND s.title LIKE '%&%' LIMIT 1",
        (pid,),
    ).fetchone()
    first = name.split()[0]
    assert first in title
    workspace.run("Erase participant", erase_participant, pid)
    new_title = db.execute("SELECT title FROM sessions WHERE id = ?", (sid,)).fetchone()[0]
    assert first not in new_title and ERASED in new_title
    assert new_title.replace(ERASED, first) == title


def _tables_naming(db, pid):
    found = set()
    for table in [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]:
        for fk in db.execute(f"PRAGMA foreign_key_list([{table}])"):
            if fk[2] == "participants":
                n = db.execute(f"SELECT count(*) FROM [{table}] WHERE [{fk[3]}] = ?", (pid,)).fetchone()[0]
                if n:
                    found.add(table if fk[3] == "participant_id" else f"{table}.{fk[3]}")
    return found


def test_export_has_everything(ws, tmp_path):
    workspace, pid, name = ws
    db = workspace.db
    data = export_participant_data(db, pid)
    assert data["participant"]["email"] == EMAIL and data["participant"]["name"] == name
    assert set(data["records"]) == _tables_naming(db, pid)
    assert {"feedback", "session_people", "pairing_members", "awards", "certificates"} <= set(data["records"])
    for table, rows in data["records"].items():
        column = table.split(".")[1] if "." in table else "participant_id"
        n = db.execute(f"SELECT count(*) FROM [{table.split('.')[0]}] WHERE [{column}] = ?", (pid,)).fetchone()[0]
        assert len(rows) == n
    session_row = data["records"]["session_people"][0]
    assert session_row["session_details"]["title"]
    pairing = data["records"]["pairing_members"][0]["pairing_details"]
    assert EMAIL in [m["email"] for m in pairing["members"]]
    assert len(data["manager_of"]) == 5
    assert any(m["table"] == "feedback" for m in data["named_in"])
    path = write_participant_export(db, pid, tmp_path / "ana.json")
    assert path.stat().st_mode & 0o777 == 0o600
    assert json.loads(path.read_text(encoding="utf-8")) == json.loads(json.dumps(data, default=str))


def test_database_and_backups_are_owner_only(demo_file):
    assert demo_file.stat().st_mode & 0o777 == 0o600
    b = backup_before(demo_file, "privacy")
    assert b.path.stat().st_mode & 0o777 == 0o600


NETWORK_MODULES = {"socket", "ssl", "urllib", "http", "requests", "httpx", "aiohttp", "ftplib", "smtplib",
                   "poplib", "imaplib", "telnetlib", "xmlrpc", "websocket", "websockets", "asyncio"}  # fmt: skip


def _imports(tree):
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module
        elif isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) in (
            "import_module",
            "__import__",
        ):
            if node.args and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str):
                yield node.args[0].value


def test_no_module_can_reach_the_network():
    root = Path(peerdesk.__file__).parent
    offenders = []
    for file in sorted(root.rglob("*.py")):
        tree = ast.parse(file.read_text(encoding="utf-8"), filename=str(file))
        for name in _imports(tree):
            top = name.split(".")[0]
            if top in NETWORK_MODULES or name.startswith(("PySide6.QtNetwork", "PySide6.QtWebEngine")):
                offenders.append(f"{file.relative_to(root.parent)}: {name}")
    assert offenders == []


def test_the_network_scan_catches_an_import(tmp_path):
    tree = ast.parse("import socket\nfrom urllib.request import urlopen\nimportlib.import_module('http.client')\n")
    assert [n.split(".")[0] for n in _imports(tree)] == ["socket", "urllib", "http"]


def test_erased_person_is_gone_from_a_fresh_connection(ws):
    workspace, pid, name = ws
    workspace.run("Erase participant", erase_participant, pid)
    conn = sqlite3.connect(workspace.path)
    assert conn.execute("SELECT count(*) FROM participants WHERE email = ?", (EMAIL,)).fetchone()[0] == 0
    conn.close()


def test_a_name_that_is_also_a_word_does_not_blank_shared_vocabulary(workspace):
    from peerdesk.store.participants import add_participant, list_participants
    from peerdesk.store.records import Participant

    sales, _ = workspace.run("Add", add_participant, Participant(name="Sales", email="s@example.org"))
    workspace.run(
        "Add",
        add_participant,
        Participant(name="Bo", email="bo@example.org", department="Sales", notes="Sales said hi"),
    )
    assert [c for _t, c, _r, _x in other_mentions(workspace.db, sales.id)] == ["notes"]
    workspace.run("Erase", erase_participant, sales.id)
    (bo,) = list_participants(workspace.db)
    assert bo.department == "Sales" and bo.notes == "Sales said hi"  # other people's words: listed, never rewritten


@pytest.mark.parametrize(
    "name",
    ["Łukasz Wójcik", "Jürgen Strauß", "李娜", "Zoë Ødegård", "Ана Петрова", "Seán O'Brien-Smith", "محمد علي"],
)
def test_erase_finds_names_in_every_script(workspace, name):
    from peerdesk.store.participants import add_participant, list_participants
    from peerdesk.store.records import Participant

    person, _ = workspace.run("Add", add_participant, Participant(name=name, email="p@example.org"))
    notes = f"Met {name} and {name.upper()} ({json.dumps(name)}) about p@EXAMPLE.org; {name}."
    bo, _ = workspace.run("Add", add_participant, Participant(name="Bo", email="bo@example.org", notes=notes))
    db = workspace.db
    pairing = db.execute(
        "INSERT INTO pairings(kind, started_on, created_at) VALUES ('buddy', '2026-01-05', 'x')"
    ).lastrowid
    db.execute(
        "INSERT INTO pairing_members VALUES (?, ?, 'peer'), (?, ?, 'peer')", (pairing, person.id, pairing, bo.id)
    )
    sid = db.execute(
        "INSERT INTO sessions(uid, pairing_id, kind, title, start_utc, timezone, duration_min, created_at, updated_at) "
        "VALUES ('u1', ?, 'pair_meeting', ?, '2026-01-10T09:00:00+00:00', 'UTC', 45, 'x', 'x')",
        (pairing, f"First meeting: {name} & Bo"),
    ).lastrowid
    assert [(t, c) for t, c, _r, _x in other_mentions(db, person.id)] == [("participants", "notes")]
    workspace.run("Erase", erase_participant, person.id)
    (bo,) = list_participants(db)
    assert bo.notes == notes
    assert (
        db.execute("SELECT title FROM sessions WHERE id = ?", (sid,)).fetchone()[0] == f"First meeting: {ERASED} & Bo"
    )
