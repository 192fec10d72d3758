"""The SQLite store: one file per program database. Never imports Qt."""

from peerdesk.store.db import Database, backup_to, open_db
from peerdesk.store.errors import (
    CorruptDatabase,
    DatabaseLocked,
    DiskFull,
    NewerVersionError,
    NotFound,
    NotPeerDeskFile,
    StoreError,
    ValidationError,
)

__all__ = [
    "CorruptDatabase",
    "Database",
    "DatabaseLocked",
    "DiskFull",
    "NewerVersionError",
    "NotFound",
    "NotPeerDeskFile",
    "StoreError",
    "ValidationError",
    "backup_to",
    "open_db",
]
