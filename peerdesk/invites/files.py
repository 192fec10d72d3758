"""Writing export files whole or not at all, with failures a coordinator can act on."""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from pathlib import Path

from peerdesk.store.errors import StoreError


class ExportError(StoreError):
    """An export that could not be completed; `written` lists the files finished before it stopped."""

    def __init__(self, message: str, written: list[Path] | None = None) -> None:
        super().__init__(message)
        self.written = list(written or [])


def prepare_folder(folder: Path) -> Path:
    """Create the output folder if needed and make sure files can be written into it."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise ExportError(f"{folder} exists and is not a folder.") from None
    except OSError as exc:
        raise ExportError(explain(exc, folder, folder)) from exc
    if not folder.is_dir():
        raise ExportError(f"{folder} exists and is not a folder.")
    return folder


def explain(exc: OSError, target: Path, folder: Path) -> str:
    """A one-line reason for a failed write."""
    if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
        return f"The disk is full: {target.name} was not written. Free some space and export again."
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"Cannot write to {folder}: the folder is read-only or you lack permission. Choose another folder."
    if exc.errno == errno.ENAMETOOLONG:
        return f"The path {target} is too long for this system. Choose a shorter folder."
    reason = exc.strerror or str(exc)
    return f"Could not write {target.name}: {reason}."


def write_atomic(target: Path, data: bytes) -> Path:
    """Write data to target through a temporary file in the same folder, then rename.

    Either the complete new file is in place or the previous one (if any) is untouched;
    the temporary file never outlives a failure.
    """
    folder = target.parent
    tmp: str | None = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=".peerdesk-", suffix=".part", dir=folder)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)  # mkstemp makes it private; invitations are meant to be shared
        os.replace(tmp, target)
        tmp = None
    except OSError as exc:
        raise ExportError(explain(exc, target, folder)) from exc
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
    return target
