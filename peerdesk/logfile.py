"""A rotating log file in the user data folder: what went wrong, for a bug report.

The command line and the window call setup() once; everything logs through
logging.getLogger("peerdesk"). The file never grows past MAX_BYTES x (BACKUPS + 1).
"""

from __future__ import annotations

import logging
import logging.handlers
import os
from pathlib import Path

from peerdesk.store.paths import log_file

MAX_BYTES = 1_000_000
BACKUPS = 3
LOGGER = "peerdesk"

log = logging.getLogger(LOGGER)


class _PrivateRotatingHandler(logging.handlers.RotatingFileHandler):
    """A rotating file whose every generation is readable by its owner only (it may hold names)."""

    def _open(self):  # type: ignore[no-untyped-def]
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        return os.fdopen(fd, "a", encoding=self.encoding, errors=self.errors)


def setup(path: Path | None = None) -> Path | None:
    """Send peerdesk's log records to the rotating file (once per process); its path, or None if unwritable."""
    target = path or log_file()
    for handler in log.handlers:
        if isinstance(handler, logging.handlers.RotatingFileHandler):
            return Path(handler.baseFilename)
    try:
        target.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        handler = _PrivateRotatingHandler(target, maxBytes=MAX_BYTES, backupCount=BACKUPS, encoding="utf-8", delay=True)
    except OSError:
        return None  # a read-only home folder must not stop PeerDesk
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(process)d] %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False
    return target


def current() -> Path | None:
    """The log file in use, if setup() ran."""
    for handler in log.handlers:
        if isinstance(handler, logging.handlers.RotatingFileHandler):
            return Path(handler.baseFilename)
    return None
