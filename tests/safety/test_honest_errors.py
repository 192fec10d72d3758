"""Known failures end as one clear line (exit 1), never a traceback, and never call a sound file damaged."""

from __future__ import annotations

import errno
import os
import shutil
import sqlite3
import subprocess
import threading

import pytest

from peerdesk import demo as demo_module
from peerdesk.cli import main
from peerdesk.store import db as dbmod
from peerdesk.store import safefile
from peerdesk.store.db import expected_tables, open_db
from peerdesk.store.errors import DiskFull
from peerdesk.store.migrations import LATEST


def _one_line(capsys, *words):
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err, err
    assert err.startswith("peerdesk: ") and "unexpected" not in err, err
    for word in words:
        assert word in err, err
    return err


@pytest.fixture
def people_csv(tmp_path):
    path = tmp_path / "in.csv"
    rows = "".join(f"Person {i},p{i}@example.org,{'x' * 300}\n" for i in range(300))
    path.write_text("name,email,notes\n" + rows, encoding="utf-8")
    return path


def test_every_command_on_a_file_with_a_table_dropped(demo_file, tmp_path, capsys):
    conn = sqlite3.connect(demo_file)
    conn.execute("DROP TABLE awards")
    conn.commit()
    conn.close()
    db = ["--db", str(demo_file)]
    commands = [
        ["list", "participants"], ["list", "programs"], ["list", "pairings"], ["list", "sessions"],
        ["export", "participants", str(tmp_path / "e.csv")], ["match", "--mode", "buddies"],
        ["ics", "--out", str(tmp_path / "ics")], ["certificates", "--out", str(tmp_path / "c.pdf")],
        ["report", "participant", "x@example.org", "--out", str(tmp_path / "r.pdf")],
        ["import", "participants", str(demo_file)], ["backup", "--out", str(tmp_path / "b.db")],
    ]  # fmt: skip
    for command in commands:
        assert main(db + command) == 1, command
        _one_line(capsys, "missing", "awards")
    assert main([*db, "check"]) == 1
    out, err = capsys.readouterr()
    assert "FAIL" in out and "awards" in err
    assert expected_tables(LATEST) >= {"awards", "participants", "serial_counters"}


def test_import_and_match_on_a_read_only_file(demo_file, people_csv, monkeypatch, capsys):
    os.chmod(demo_file, 0o400)
    real_access = os.access
    # root may write a 0400 file: make access() answer as it does for everyone else
    monkeypatch.setattr(os, "access", lambda p, mode, **k: False if str(p) == str(demo_file) and mode & os.W_OK
                        else real_access(p, mode, **k))  # fmt: skip
    before = demo_file.read_bytes()
    assert main(["--db", str(demo_file), "import", "participants", str(people_csv)]) == 1
    _one_line(capsys, "read-only")
    assert main(["--db", str(demo_file), "match", "--mode", "buddies", "--accept"]) == 1
    _one_line(capsys, "read-only")
    assert main(["--db", str(demo_file), "list", "participants"]) == 0  # reading is fine
    assert demo_file.read_bytes() == before


def _pages_capped(extra: int):
    """configure() that leaves the file `extra` pages to grow: SQLite's own 'database or disk is full'."""
    real = dbmod.configure

    def configure(db):
        real(db)
        if not db.memory:
            pages = db.execute("PRAGMA page_count").fetchone()[0]
            db.execute(f"PRAGMA max_page_count = {max(pages, 1) + extra}")

    return configure


def test_import_on_a_full_disk(demo_file, people_csv, monkeypatch, capsys):
    monkeypatch.setattr(dbmod, "configure", _pages_capped(2))
    assert main(["--db", str(demo_file), "import", "participants", str(people_csv)]) == 1
    _one_line(capsys, "disk is full")
    monkeypatch.undo()
    assert main(["--db", str(demo_file), "check"]) == 0


def test_demo_on_a_full_disk_leaves_nothing_under_the_final_name(tmp_path, monkeypatch, capsys):
    real_open = demo_module.open_db

    def open_capped(path):
        db = real_open(path)
        db.execute(f"PRAGMA max_page_count = {db.execute('PRAGMA page_count').fetchone()[0] + 5}")
        return db

    monkeypatch.setattr(demo_module, "open_db", open_capped)
    target = tmp_path / "demo.db"
    assert main(["demo", str(target), "--participants", "40"]) == 1
    _one_line(capsys, "disk is full")
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def _full_after(monkeypatch, good: int):
    """The disk fills after `good` files were written."""
    real = safefile._commit
    done = []

    def commit(tmp, target, private):
        if len(done) >= good:
            raise OSError(errno.ENOSPC, "No space left on device", str(tmp))
        real(tmp, target, private)
        done.append(target)

    monkeypatch.setattr(safefile, "_commit", commit)


def test_ics_on_a_full_disk_says_which_files_were_not_written(demo_file, tmp_path, monkeypatch, capsys):
    _full_after(monkeypatch, 2)
    out = tmp_path / "ics"
    assert main(["--db", str(demo_file), "ics", "--out", str(out)]) == 1
    err = _one_line(capsys, "disk is full", "2 of", "not written:")
    written = sorted(p.name for p in out.iterdir())
    assert len(written) == 2 and not any(name in err.split("not written:")[1] for name in written)


def test_certificates_on_a_full_disk_say_which_were_not_written(demo_file, tmp_path, monkeypatch, capsys):
    _full_after(monkeypatch, 1)
    out = tmp_path / "certs"
    assert main(["--db", str(demo_file), "certificates", "--out", str(out)]) == 1
    err = _one_line(capsys, "disk is full", "1 of", "not written:")
    assert len(list(out.iterdir())) == 1 and ".pdf" in err.split("not written:")[1]


def _fail_plain_readonly(monkeypatch):
    """SQLite cannot create the -shm file (read-only folder or disk): the plain read-only open fails."""
    real = sqlite3.connect

    def connect(target, *args, **kwargs):
        if str(target).endswith("?mode=ro"):
            exc = sqlite3.OperationalError("unable to open database file")
            exc.sqlite_errorcode = sqlite3.SQLITE_CANTOPEN
            raise exc
        return real(target, *args, **kwargs)

    monkeypatch.setattr(sqlite3, "connect", connect)


def _with_pending_log(path):
    """Leave changes in the -wal file, as a PeerDesk that was killed would."""
    keep = path.with_name("keep.db")
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_autocheckpoint = 0")
    conn.execute("UPDATE participants SET notes = 'latest'")
    conn.commit()
    shutil.copyfile(path, keep)
    shutil.copyfile(path.with_name(path.name + "-wal"), keep.with_name("keep.db-wal"))
    conn.close()
    os.replace(keep, path)
    os.replace(keep.with_name("keep.db-wal"), path.with_name(path.name + "-wal"))
    path.with_name(path.name + "-shm").unlink(missing_ok=True)


def test_a_sound_wal_file_in_a_read_only_folder_is_read_not_called_damaged(demo_file, monkeypatch, capsys):
    _with_pending_log(demo_file)
    _fail_plain_readonly(monkeypatch)
    monkeypatch.setattr(dbmod, "folder_writable", lambda folder: False)
    db = open_db(demo_file, readonly=True)
    assert {r[0] for r in db.execute("SELECT notes FROM participants")} == {"latest"}  # the log's changes too
    db.close()
    assert main(["--db", str(demo_file), "check"]) == 0
    assert "damaged" not in capsys.readouterr().out
    demo_file.with_name(demo_file.name + "-wal").unlink()
    db = open_db(demo_file, readonly=True)  # no pending log: opened immutable
    assert db.execute("SELECT count(*) FROM participants").fetchone()[0] > 0
    db.close()


def test_a_wal_file_on_a_full_disk_says_disk_full(demo_file, monkeypatch):
    _with_pending_log(demo_file)
    _fail_plain_readonly(monkeypatch)
    monkeypatch.setattr(dbmod, "free_bytes", lambda folder: 0)
    with pytest.raises(DiskFull, match="full"):
        open_db(demo_file, readonly=True)


def test_a_real_read_only_mount(demo_file, tmp_path, capsys):
    """Where this machine lets the test mount a small disk (root on Linux), the real thing."""
    mnt = tmp_path / "mnt"
    mnt.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mnt)], capture_output=True).returncode:
        pytest.skip("cannot mount a test disk here")
    try:
        _with_pending_log(demo_file)
        shutil.copyfile(demo_file, mnt / "p.db")
        shutil.copyfile(demo_file.with_name(demo_file.name + "-wal"), mnt / "p.db-wal")
        subprocess.run(["mount", "-o", "remount,ro", str(mnt)], check=True)
        assert main(["--db", str(mnt / "p.db"), "list", "participants", "--json"]) == 0
        assert main(["--db", str(mnt / "p.db"), "import", "participants", str(demo_file)]) == 1
        _one_line(capsys, "read-only")
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)


def test_two_writers_creating_one_new_file_both_succeed(tmp_path):
    for n in range(6):
        path = tmp_path / f"new{n}.db"
        barrier = threading.Barrier(2)
        errors: list[BaseException] = []

        def create(path=path, barrier=barrier, errors=errors):
            barrier.wait()
            try:
                open_db(path).close()
            except BaseException as exc:  # collected for the assertion
                errors.append(exc)

        threads = [threading.Thread(target=create) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        conn = sqlite3.connect(path)
        assert conn.execute("PRAGMA user_version").fetchone()[0] == LATEST
        conn.close()
