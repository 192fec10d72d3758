"""One writer: a second PeerDesk learns who holds the file and since when; stale locks are cleared."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys

import pytest

from peerdesk import clock
from peerdesk.store import lock as lockmod
from peerdesk.store.db import open_db
from peerdesk.store.lock import FileInUse, LockInfo, LockLost, WriterLock, is_stale, lock_path, read_lock


def _write_lock(db_path, **fields):
    info = {
        "user": "ana",
        "host": lockmod._host(),
        "pid": 0,
        "since": "2026-11-02T08:00:00+00:00",
        "heartbeat": "2026-11-02T08:59:00+00:00",
        "boot_id": lockmod._boot_id(),
    }
    info.update(fields)
    lock_path(db_path).write_text(json.dumps(info))


def _dead_pid():
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_second_opener_is_told_who_and_since_when(demo_file, holder):
    with pytest.raises(FileInUse) as info:
        WriterLock.acquire(demo_file)
    who = info.value.holder
    assert who.pid == holder.pid and who.host == lockmod._host()
    assert who.since_time.year >= 2026
    message = str(info.value)
    assert f"process {holder.pid}" in message and "since" in message and "read-only" in message
    assert read_lock(demo_file) == who


def test_read_only_opening_works_while_another_writes(demo_file, holder):
    db = open_db(demo_file, readonly=True)
    assert db.execute("SELECT count(*) FROM participants").fetchone()[0] == 24
    with pytest.raises(Exception, match="readonly|read-only"):
        db.execute("DELETE FROM participants")
    db.close()


def test_lock_of_a_killed_process_is_cleared(demo_file, holder):
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()
    with WriterLock.acquire(demo_file) as lock:
        assert lock.stale_cleared is not None and lock.stale_cleared.pid == holder.pid
        assert read_lock(demo_file).pid == os.getpid()
    assert not lock_path(demo_file).exists()


def test_stale_lock_of_a_dead_process_on_this_host(demo_file):
    _write_lock(demo_file, pid=_dead_pid())
    lock = WriterLock.acquire(demo_file)
    assert lock.stale_cleared.user == "ana"
    lock.release()


def test_lock_from_before_a_reboot_is_stale(demo_file):
    _write_lock(demo_file, pid=os.getppid(), boot_id="another-boot")
    assert is_stale(read_lock(demo_file))


def test_other_host_fresh_heartbeat_is_respected(demo_file):
    _write_lock(demo_file, host="laptop-of-ana", pid=4242, heartbeat="2026-11-02T08:55:00+00:00")
    with pytest.raises(FileInUse, match="ana on laptop-of-ana"):
        WriterLock.acquire(demo_file)


def test_other_host_very_old_heartbeat_is_stale(demo_file):
    _write_lock(demo_file, host="laptop-of-ana", pid=4242, heartbeat="2026-11-01T18:00:00+00:00")
    with WriterLock.acquire(demo_file) as lock:
        assert lock.stale_cleared.host == "laptop-of-ana"


def test_garbage_lock_file_is_replaced(demo_file):
    lock_path(demo_file).write_bytes(b"\x00\xffnot json")
    with WriterLock.acquire(demo_file) as lock:
        assert lock.held and lock.stale_cleared is None
        assert read_lock(demo_file).pid == os.getpid()


def test_heartbeat_and_taking_over(demo_file, fixed_clock):
    lock = WriterLock.acquire(demo_file)
    assert lock_path(demo_file).stat().st_mode & 0o777 == 0o600
    clock.freeze(fixed_clock + dt.timedelta(minutes=3))
    lock.refresh()
    assert read_lock(demo_file).heartbeat_time == fixed_clock + dt.timedelta(minutes=3)
    assert read_lock(demo_file).since_time == fixed_clock
    # someone on another machine judged the lock stale and took it
    _write_lock(demo_file, host="desktop-2", pid=77, user="ben")
    with pytest.raises(LockLost, match="ben on desktop-2"):
        lock.refresh()
    lock.release()
    assert read_lock(demo_file).user == "ben"  # their lock is left alone


def test_describe_is_readable():
    info = LockInfo("ana", "laptop", 42, "2026-11-02T09:00:00+00:00", "2026-11-02T09:00:00+00:00")
    assert info.describe() == "ana on laptop (process 42) since 2 Nov 2026 09:00 UTC"


def test_release_is_idempotent(demo_file):
    lock = WriterLock.acquire(demo_file)
    lock.release()
    lock.release()
    assert not lock.held
    WriterLock.acquire(demo_file).release()
