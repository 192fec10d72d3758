"""Migrations: from an empty file and from every earlier version; refusal of foreign files."""

from __future__ import annotations

import hashlib
import sqlite3

import pytest
import sqlite_utils

from peerdesk.store import NewerVersionError, NotPeerDeskFile, open_db
from peerdesk.store.migrations import APPLICATION_ID, LATEST, MIGRATIONS


def schema(path) -> list[tuple[str, str]]:
    conn = sqlite3.connect(path)
    try:
        return sorted(conn.execute("SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL"))
    finally:
        conn.close()


def test_empty_file_gets_the_latest_schema(tmp_path):
    path = tmp_path / "new.db"
    db = open_db(path)
    assert db.execute("PRAGMA user_version").fetchone()[0] == LATEST
    assert db.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    db.close()
    assert (path.stat().st_mode & 0o777) == 0o600


@pytest.mark.parametrize("version", range(LATEST))
def test_every_earlier_version_upgrades_to_the_same_schema(tmp_path, version):
    fresh = tmp_path / "fresh.db"
    open_db(fresh).close()
    old = tmp_path / "old.db"
    db = sqlite_utils.Database(old)
    for migration in MIGRATIONS[:version]:
        migration(db)
    if version:
        db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    db.execute(f"PRAGMA user_version = {version}")
    db.close()
    seen = []
    open_db(old, before_migrate=seen.append).close()
    assert schema(old) == schema(fresh)
    assert seen == ([old] if version else [])


def test_newer_file_is_refused_and_left_untouched(tmp_path):
    path = tmp_path / "future.db"
    open_db(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {LATEST + 1}")
    conn.close()
    before = hashlib.sha256(path.read_bytes()).hexdigest()
    with pytest.raises(NewerVersionError, match="newer PeerDesk"):
        open_db(path)
    assert hashlib.sha256(path.read_bytes()).hexdigest() == before


def test_other_sqlite_database_is_refused(tmp_path):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t (x)")
    conn.commit()
    conn.close()
    with pytest.raises(NotPeerDeskFile):
        open_db(path)
