"""Writing export files whole or not at all (through peerdesk.store.safefile), reporting what got written."""

from __future__ import annotations

from pathlib import Path

from peerdesk.store import safefile
from peerdesk.store.errors import StoreError


class ExportError(StoreError):
    """An export that could not be completed; `written` lists the files finished before it stopped."""

    def __init__(self, message: str, written: list[Path] | None = None) -> None:
        super().__init__(message)
        self.written = list(written or [])


def prepare_folder(folder: Path) -> Path:
    """Create the output folder if needed, make sure files can be written into it, and remove the
    temporaries an interrupted earlier export left there (once, not before each file)."""
    try:
        checked = safefile.check_folder(folder, create=True)
    except StoreError as exc:
        raise ExportError(str(exc)) from exc
    safefile.remove_stale_parts(checked)
    return checked


def write_atomic(target: Path, data: bytes) -> Path:
    """Write data to target (in a folder made ready by prepare_folder) through a temporary file
    in the same folder, then rename.

    Either the complete new file is in place or the previous one (if any) is untouched;
    the temporary file never outlives a failure (disk full, read-only folder, Ctrl+C).
    """
    try:
        safefile.write_bytes(target, data, sweep=False)
    except StoreError as exc:
        raise ExportError(str(exc)) from exc
    return target
