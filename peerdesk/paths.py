"""Where PeerDesk keeps the coordinator's files unless told otherwise."""

from __future__ import annotations

from pathlib import Path

import platformdirs


def default_db_path() -> Path:
    """Where the coordinator's program file lives unless --db or PEERDESK_DB says otherwise."""
    return Path(platformdirs.user_data_dir("PeerDesk", appauthor=False)) / "program.peerdesk.db"
