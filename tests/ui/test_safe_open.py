"""Opening a program file in the window: lock prompt, damaged file, daily backup."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys

import pytest

from peerdesk.store import backups
from peerdesk.store import db as dbmod
from peerdesk.store.lock import lock_path, read_lock
from peerdesk.store.participants import add_participant, list_participants
from peerdesk.store.records import Participant
from peerdesk.store.workspace import Workspace
from peerdesk.ui.window.safe_open import LockedWorkspace, open_workspace


@pytest.fixture
def program(tmp_path, monkeypatch):
    monkeypatch.setenv(backups.ENV_DIR, str(tmp_path / "backups"))
    path = tmp_path / "program.peerdesk.db"
    ws = Workspace.open(path)
    ws.run("Add", add_participant, Participant(name="Ada", email="ada@example.org"))
    ws.close()
    return path


def test_open_locks_backs_up_daily_and_releases(program, qapp, prompts):
    ws = open_workspace(None, program)
    assert isinstance(ws, LockedWorkspace) and not ws.readonly
    assert read_lock(program).pid == ws.lock.info.pid
    ws.wait_for_backup()
    assert [b.reason for b in backups.list_backups(program)] == ["daily"]
    ws.close()
    assert not lock_path(program).exists()
    again = open_workspace(None, program)
    again.wait_for_backup()
    assert len(backups.list_backups(program)) == 1  # once a day
    again.close()


HOLDER = """
import sys, time
from peerdesk.store.lock import WriterLock
lock = WriterLock.acquire(sys.argv[1])
print("ready", flush=True)
time.sleep(60)
"""


def test_second_peerdesk_is_offered_read_only(program, qapp, prompts):
    other = subprocess.Popen([sys.executable, "-c", HOLDER, str(program)], stdout=subprocess.PIPE, text=True)
    try:
        assert other.stdout.readline().strip() == "ready"
        second = open_workspace(None, program)
        title, text = prompts.confirms[0]
        assert title == "Program file in use" and f"process {other.pid}" in text and "since" in text
        assert second.readonly and [p.name for p in list_participants(second.db)] == ["Ada"]
        second.close()
        prompts.confirm_answer = False
        assert open_workspace(None, program) is None
    finally:
        other.kill()
        other.wait()


def test_lock_left_by_a_crash_is_cleared(program, qapp, prompts):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    info = {"user": "x", "host": __import__("platform").node(), "pid": dead.pid, "since": "2026-11-01T10:00:00+00:00",
            "heartbeat": "2026-11-01T10:00:00+00:00"}  # fmt: skip
    lock_path(program).write_text(json.dumps(info))
    ws = open_workspace(None, program)
    assert not ws.readonly and ws.lock.stale_cleared.pid == dead.pid and prompts.confirms == []
    ws.close()


def test_damaged_file_offers_the_latest_good_backup(program, qapp, prompts):
    backups.make_backup(program, "daily")
    data = bytearray(program.read_bytes())
    data[100:4096] = b"\x00" * 3996
    data[4096:8192] = b"\xee" * 4096
    program.write_bytes(bytes(data))
    ws = open_workspace(None, program)
    assert "Restore it?" in prompts.confirms[0][1]
    assert [p.name for p in list_participants(ws.db)] == ["Ada"]
    ws.close()
    assert list(backups.backup_dir(program).glob("*.damaged"))


def test_damaged_file_without_backup_is_left_alone(program, qapp, prompts):
    program.write_bytes(program.read_bytes()[:150])
    before = hashlib.sha256(program.read_bytes()).hexdigest()
    assert open_workspace(None, program) is None
    assert "no backup" in prompts.warnings[0][1]
    assert hashlib.sha256(program.read_bytes()).hexdigest() == before


def test_declining_the_backup_opens_nothing(program, qapp, prompts):
    backups.make_backup(program, "daily")
    program.write_bytes(program.read_bytes()[:150])
    prompts.confirm_answer = False
    assert open_workspace(None, program) is None


def test_upgrade_is_preceded_by_a_backup(program, qapp, prompts, monkeypatch):
    migrations = [*dbmod.MIGRATIONS, lambda db: db.execute("CREATE TABLE later (id INTEGER PRIMARY KEY)")]
    monkeypatch.setattr(dbmod, "MIGRATIONS", migrations)
    monkeypatch.setattr(dbmod, "LATEST", len(migrations))
    ws = open_workspace(None, program)
    ws.close()  # waits for the daily backup
    assert {b.reason for b in backups.list_backups(program)} == {"before-upgrade", "daily"}


def test_missing_file(tmp_path, qapp, prompts, monkeypatch):
    from peerdesk.store.errors import StoreError

    monkeypatch.setenv(backups.ENV_DIR, str(tmp_path / "backups"))
    with pytest.raises(StoreError, match="does not exist"):
        open_workspace(None, tmp_path / "none.db")
    ws = open_workspace(None, tmp_path / "sub" / "new.peerdesk.db", create=True)
    assert ws is not None and not ws.readonly
    ws.close()


def test_failed_daily_backup_is_shown_not_fatal(program, qapp, prompts, qtbot, monkeypatch):
    def full(*a, **k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(backups, "make_backup", full)
    ws = open_workspace(None, program)
    ws.wait_for_backup()
    qtbot.waitUntil(lambda: bool(prompts.warnings))
    assert "could not be made" in prompts.warnings[0][1] and not ws.readonly
    ws.close()


def test_opening_the_file_already_open_here(program, qapp, prompts):
    from peerdesk.store.errors import StoreError

    ws = open_workspace(None, program)
    try:
        with pytest.raises(StoreError, match="already open in this window"):
            open_workspace(None, program)
        assert prompts.confirms == []
    finally:
        ws.close()


def test_opening_in_the_window_cleans_what_a_crashed_backup_left(program, qapp, prompts):
    import os
    import time

    from peerdesk.store.safefile import STALE_PART

    part = program.with_name(f".{program.name}.part")
    part.write_bytes(b"half a copy")
    os.utime(part, (time.time() - STALE_PART - 5,) * 2)
    ws = open_workspace(None, program)
    ws.wait_for_backup()
    ws.close()
    assert not part.exists()
