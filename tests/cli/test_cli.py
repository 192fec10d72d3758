"""The command line through the installed `peerdesk` entry point, as outside tools use it."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PEERDESK = shutil.which("peerdesk", path=str(Path(sys.executable).parent)) or "peerdesk"


def peerdesk(*args: str, db: Path | None = None, check: bool = False) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "PEERDESK_DB"}
    env.pop("DISPLAY", None)
    cmd = [PEERDESK, *(["--db", str(db)] if db else []), *args]
    result = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120)
    if check and result.returncode != 0:
        raise AssertionError(result.stderr)
    return result


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("cli") / "demo.db"
    peerdesk("demo", str(path), check=True)
    return path


def test_demo_then_list_participants_json(demo_db):
    result = peerdesk("list", "participants", "--json", db=demo_db, check=True)
    people = json.loads(result.stdout)
    assert 55 <= len(people) <= 65
    assert {"name", "email", "department", "role", "status"} <= set(people[0])
    names = {p["name"] for p in people}
    assert {"Zoë Ødegård", "Łukasz Wójcik", "Иван Петров", "王小明"} <= names
    assert len({p["department"] for p in people}) >= 5


def test_list_text_table(demo_db):
    result = peerdesk("list", "participants", db=demo_db, check=True)
    assert result.stdout.splitlines()[0].split() == ["name", "email", "department", "role", "status"]


def test_export_import_round_trip_changes_nothing(demo_db, tmp_path):
    out = tmp_path / "people.csv"
    peerdesk("export", "participants", str(out), db=demo_db, check=True)
    before = hashlib.sha256(demo_db.read_bytes()).hexdigest()
    result = peerdesk("import", "participants", str(out), "--dry-run", db=demo_db, check=True)
    assert "0 to add, 0 to update" in result.stdout
    assert hashlib.sha256(demo_db.read_bytes()).hexdigest() == before


def test_import_creates_the_database_on_first_write(tmp_path):
    csv_file = tmp_path / "in.csv"
    csv_file.write_text("Full name;E-mail\nZoë;zoe@example.com\n", encoding="utf-8-sig")
    db = tmp_path / "new.db"
    peerdesk("import", "participants", str(csv_file), db=db, check=True)
    listed = json.loads(peerdesk("list", "participants", "--json", db=db, check=True).stdout)
    assert [p["email"] for p in listed] == ["zoe@example.com"]


def test_import_warns_of_a_name_too_long_for_a_certificate(tmp_path):
    long_name = ("Wolfeschlegelsteinhausen " * 20).strip()
    csv_file = tmp_path / "in.csv"
    csv_file.write_text(f"name,email\n{long_name},long@example.com\nZoë,zoe@example.com\n", encoding="utf-8")
    result = peerdesk("import", "participants", str(csv_file), db=tmp_path / "new.db", check=True)
    (warning,) = [line for line in result.stderr.splitlines() if "warning" in line]
    assert "too small to read" in warning and "499 characters" in warning and "Zoë" not in result.stderr


def test_import_with_bad_rows_fails_and_writes_nothing(tmp_path):
    csv_file = tmp_path / "in.csv"
    csv_file.write_text("name,email\nAda,ada@example.com\nBad,not-an-email\n", encoding="utf-8")
    db = tmp_path / "new.db"
    result = peerdesk("import", "participants", str(csv_file), db=db)
    assert result.returncode == 1
    assert "line 3" in result.stderr
    assert "Traceback" not in result.stderr
    result = peerdesk("import", "participants", str(csv_file), "--good-rows", db=db, check=True)
    assert "imported 1" in result.stdout


def test_usage_error_exits_2_with_one_line(tmp_path):
    result = peerdesk("list", "nonsense")
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1


def test_reading_a_missing_database_fails_cleanly(tmp_path):
    result = peerdesk("list", "participants", db=tmp_path / "missing.db")
    assert result.returncode == 1
    assert result.stderr.startswith("peerdesk: no program database")
    assert not (tmp_path / "missing.db").exists()


def test_a_file_that_is_not_peerdesk_is_never_written(tmp_path):
    other = tmp_path / "notes.db"
    other.write_text("just some notes\n")
    before = other.read_bytes()
    csv_file = tmp_path / "in.csv"
    csv_file.write_text("name,email\nAda,ada@example.com\n")
    result = peerdesk("import", "participants", str(csv_file), db=other)
    assert result.returncode == 1
    assert "not a PeerDesk" in result.stderr
    assert other.read_bytes() == before


def test_demo_refuses_an_existing_file(demo_db):
    result = peerdesk("demo", str(demo_db))
    assert result.returncode == 1
    assert "already exists" in result.stderr


def test_reading_an_older_format_upgrades_it_once(tmp_path):
    import sqlite3

    from peerdesk.store.migrations import LATEST

    path = tmp_path / "old.db"
    peerdesk("demo", str(path), check=True)
    conn = sqlite3.connect(path)
    for table in ("preferred_partners", "avoided_partners", "column_mappings"):  # what the latest migration adds
        conn.execute(f"DROP TABLE {table}")
    conn.execute("ALTER TABLE participants DROP COLUMN keep_mentor")
    conn.execute(f"PRAGMA user_version = {LATEST - 1}")
    conn.commit()
    conn.close()
    result = peerdesk("list", "participants", "--json", db=path, check=True)
    assert len(json.loads(result.stdout)) >= 55
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST
    conn.close()


def test_writing_commands_respect_the_window_lock(tmp_path):
    from peerdesk.store.lock import WriterLock

    path = tmp_path / "shared.db"
    peerdesk("demo", str(path), check=True)
    csv_file = tmp_path / "in.csv"
    csv_file.write_text("name,email\nAda,ada@example.com\n")
    lock = WriterLock.acquire(path)  # as an open PeerDesk window holds it
    try:
        result = peerdesk("import", "participants", str(csv_file), db=path)
        assert result.returncode == 1 and "in use by" in result.stderr
        assert peerdesk("list", "participants", db=path).returncode == 0  # reading is fine
    finally:
        lock.release()
    peerdesk("import", "participants", str(csv_file), db=path, check=True)
