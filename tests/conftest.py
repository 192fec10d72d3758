"""Shared fixtures: headless Qt, an in-memory store, a fixed clock."""

from __future__ import annotations

import datetime as dt
import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("PEERDESK_NO_NETWORK", "1")

import tempfile  # noqa: E402

# Backups, QSettings and the user data folder of a test run never touch the real ones.
_SANDBOX = tempfile.mkdtemp(prefix="peerdesk-tests-")
os.environ["PEERDESK_BACKUP_DIR"] = os.path.join(_SANDBOX, "backups")
os.environ["XDG_DATA_HOME"] = os.path.join(_SANDBOX, "data")
os.environ["XDG_CONFIG_HOME"] = os.path.join(_SANDBOX, "config")

import pytest  # noqa: E402

from peerdesk import clock  # noqa: E402
from peerdesk.store import open_db  # noqa: E402
from peerdesk.store.workspace import Workspace  # noqa: E402

FIXED_NOW = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def fixed_clock():
    """Every test runs at 2026-11-02 09:00 UTC unless it moves the clock itself."""
    clock.freeze(FIXED_NOW)
    yield FIXED_NOW
    clock.freeze(None)


@pytest.fixture
def db():
    database = open_db(":memory:")
    yield database
    database.close()


@pytest.fixture
def workspace():
    ws = Workspace.open(":memory:")
    yield ws
    ws.close()
