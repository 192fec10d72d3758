"""Known store failures, each with a message a coordinator understands."""

from __future__ import annotations


class StoreError(Exception):
    """A known, explainable failure of the store (not a bug)."""


class NotPeerDeskFile(StoreError):
    """The file exists but is not a PeerDesk database."""


class NewerVersionError(StoreError):
    """The file was written by a newer PeerDesk than this one."""


class CorruptDatabase(StoreError):
    """The file is damaged (truncated, corrupted)."""


class DatabaseLocked(StoreError):
    """Another PeerDesk (or program) is writing to the file."""


class DiskFull(StoreError):
    """The disk holding the database is full."""


class ValidationError(StoreError):
    """Input that breaks a rule of the domain; nothing was written."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


class NotFound(StoreError):
    """A record that was asked for does not exist."""


class NeedsUpgrade(StoreError):
    """The file is in an older PeerDesk format, which only a writable opening can upgrade."""


class ReadOnlyDatabase(StoreError):
    """The file, its folder or its disk cannot be written (permissions, a read-only disk)."""


class CannotOpen(StoreError):
    """The file cannot be opened at all (missing or inaccessible folder, a folder in its place)."""


class DiskIOError(StoreError):
    """The disk reported an error while reading or writing (removed drive, lost network share)."""
