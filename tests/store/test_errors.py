"""SQLite errors are classified by their result code, one message per class; the log file and the data folder."""

from __future__ import annotations

import ast
import sqlite3
from pathlib import Path

import pytest

import peerdesk
from peerdesk import logfile
from peerdesk.store.db import error_class, translate
from peerdesk.store.errors import (
    CannotOpen,
    CorruptDatabase,
    DatabaseLocked,
    DiskFull,
    DiskIOError,
    NotPeerDeskFile,
    ReadOnlyDatabase,
)
from peerdesk.store.paths import log_file, user_data_dir


def _raised(fn) -> sqlite3.Error:
    with pytest.raises(sqlite3.Error) as info:
        fn()
    return info.value


def test_busy(tmp_path):
    path = tmp_path / "a.db"
    one = sqlite3.connect(path, isolation_level=None)
    one.execute("CREATE TABLE t(x)")
    one.execute("BEGIN IMMEDIATE")
    two = sqlite3.connect(path, timeout=0)
    exc = _raised(lambda: two.execute("INSERT INTO t VALUES (1)"))
    assert isinstance(translate(exc), DatabaseLocked)
    one.rollback()


def test_read_only(tmp_path):
    path = tmp_path / "a.db"
    sqlite3.connect(path).execute("CREATE TABLE t(x)")
    ro = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    exc = _raised(lambda: ro.execute("INSERT INTO t VALUES (1)"))
    assert isinstance(translate(exc, "a.db"), ReadOnlyDatabase)
    assert "read-only" in str(translate(exc, "a.db"))


def test_disk_full_by_page_limit(tmp_path):
    conn = sqlite3.connect(tmp_path / "a.db")
    conn.execute("CREATE TABLE t(x)")
    conn.execute("PRAGMA max_page_count = 3")
    exc = _raised(lambda: conn.executemany("INSERT INTO t VALUES (?)", [("x" * 4000,)] * 10))
    assert error_class(exc) == "full" and isinstance(translate(exc), DiskFull)


def test_corrupt_and_not_a_database(tmp_path):
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not sqlite" * 300)
    exc = _raised(lambda: sqlite3.connect(junk).execute("SELECT * FROM sqlite_master").fetchall())
    assert isinstance(translate(exc), NotPeerDeskFile)
    path = tmp_path / "c.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE t(x)")
    conn.executemany("INSERT INTO t VALUES (?)", [("y" * 500,)] * 200)
    conn.commit()
    conn.close()
    data = bytearray(path.read_bytes())
    data[4096 * 2 : 4096 * 2 + 200] = b"\xff" * 200
    path.write_bytes(bytes(data))
    exc = _raised(lambda: sqlite3.connect(path).execute("SELECT count(*), max(x) FROM t").fetchall())
    assert isinstance(translate(exc), CorruptDatabase)


def test_cannot_open(tmp_path):
    exc = _raised(lambda: sqlite3.connect(tmp_path / "missing" / "a.db"))
    assert isinstance(translate(exc), CannotOpen)


def test_io_error_by_extended_code_not_by_wording():
    exc = sqlite3.OperationalError("database disk image is malformed")  # wording of another class
    exc.sqlite_errorcode = sqlite3.SQLITE_IOERR_SHORT_READ
    assert isinstance(translate(exc), DiskIOError)
    words = sqlite3.OperationalError("database or disk is full; locked; read-only")
    words.sqlite_errorcode = sqlite3.SQLITE_ERROR
    assert translate(words) is None  # a bug, whatever its text says
    assert translate(sqlite3.ProgrammingError("closed")) is None


def test_one_user_data_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert user_data_dir() == tmp_path / "PeerDesk"
    from peerdesk.paths import default_db_path
    from peerdesk.store import backups

    monkeypatch.delenv(backups.ENV_DIR)
    assert default_db_path().parent == user_data_dir()
    assert backups.backups_root().parent == user_data_dir()
    root = Path(peerdesk.__file__).parent
    callers = [
        str(f.relative_to(root))
        for f in root.rglob("*.py")
        if "user_data_dir" in {getattr(n, "attr", "") for n in ast.walk(ast.parse(f.read_text(encoding="utf-8")))}
    ]
    assert callers == ["store/paths.py"]  # platformdirs.user_data_dir is called in one place


def test_log_file_rotates_in_the_data_folder(tmp_path, monkeypatch):
    monkeypatch.setattr(logfile, "MAX_BYTES", 20_000)
    target = tmp_path / "logs" / "peerdesk.log"
    for handler in list(logfile.log.handlers):
        logfile.log.removeHandler(handler)
    assert logfile.setup(target) == target and logfile.current() == target
    assert logfile.setup(tmp_path / "other.log") == target  # once per process
    for n in range(300):
        logfile.log.warning("line %d %s", n, "x" * 400)
    files = sorted(p.name for p in target.parent.iterdir())
    assert files == ["peerdesk.log", "peerdesk.log.1", "peerdesk.log.2", "peerdesk.log.3"]
    assert all(p.stat().st_size <= logfile.MAX_BYTES for p in target.parent.iterdir())
    assert {p.stat().st_mode & 0o777 for p in target.parent.iterdir()} == {0o600}
    assert log_file().name == "peerdesk.log" and log_file().parent.parent == user_data_dir()
    for handler in list(logfile.log.handlers):
        logfile.log.removeHandler(handler)
        handler.close()
