"""Safety tests: backups go to a temporary folder, never the real user data folder."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import pytest

from peerdesk.store import backups


@pytest.fixture(autouse=True)
def backup_root(tmp_path, monkeypatch):
    root = tmp_path / "backups"
    monkeypatch.setenv(backups.ENV_DIR, str(root))
    return root


@pytest.fixture
def demo_file(tmp_path) -> Path:
    """A small demo program file (every table filled), closed."""
    from peerdesk.demo import build_demo

    path = tmp_path / "program.peerdesk.db"
    build_demo(path, participants=24, seed=3)
    return path


HOLDER = """
import sys, time
from peerdesk.store.lock import WriterLock
lock = WriterLock.acquire(sys.argv[1])
print("ready", flush=True)
time.sleep(60)
"""


@pytest.fixture
def holder(demo_file):
    """Another PeerDesk process holding the demo file's lock."""
    child = subprocess.Popen([sys.executable, "-c", HOLDER, str(demo_file)], stdout=subprocess.PIPE, text=True)
    assert child.stdout.readline().strip() == "ready"
    yield child
    if child.poll() is None:
        child.kill()
    child.wait()


@pytest.fixture(autouse=True)
def _release_cli_locks():
    """Commands run in-process keep their writer locks for later commands (as a process would): drop them."""
    yield
    from peerdesk.commands import _HELD

    for lock in _HELD.values():
        lock.release()
    _HELD.clear()


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def digest():
    """sha256 of a file's bytes, to prove a file was not written."""
    return sha256
