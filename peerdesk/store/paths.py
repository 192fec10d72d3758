"""Where PeerDesk keeps its own files: the one definition of the user data folder."""

from __future__ import annotations

from pathlib import Path

import platformdirs

APP_NAME = "PeerDesk"


def user_data_dir() -> Path:
    """The platform's user data folder for PeerDesk (Linux ~/.local/share/PeerDesk, macOS
    ~/Library/Application Support/PeerDesk, Windows %LOCALAPPDATA%\\PeerDesk); not created here."""
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def log_file() -> Path:
    """The rotating log that the bug-report dialog names."""
    return user_data_dir() / "logs" / "peerdesk.log"
