"""Where PeerDesk keeps the coordinator's files unless told otherwise."""

from __future__ import annotations

from pathlib import Path

from peerdesk.store.paths import user_data_dir


def default_db_path() -> Path:
    """Where the coordinator's program file lives unless --db or PEERDESK_DB says otherwise."""
    return user_data_dir() / "program.peerdesk.db"
