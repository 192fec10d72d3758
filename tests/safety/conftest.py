"""Safety tests: backups go to a temporary folder, never the real user data folder."""

from __future__ import annotations

import hashlib
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


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def digest():
    """sha256 of a file's bytes, to prove a file was not written."""
    return sha256
