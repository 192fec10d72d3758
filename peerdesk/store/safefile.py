"""Atomic file writing for every export: a file is either complete or not there at all.

Write to a temporary file in the target's own folder, flush it to the disk (fsync),
then rename it over the target. On any failure (disk full, permission, an exception
in the caller's code, Ctrl+C) the temporary file is removed, so a half-written file is
never left looking complete. Folder problems raise WriteFailed (or DiskFull) with a
message a coordinator understands.

Use:

    with atomic_write(path, "w", newline="") as fh:      # text (CSV: newline="")
        csv.writer(fh).writerows(rows)

    with atomic_write(path, "wb") as fh:                  # bytes
        fh.write(data)

    with atomic_path(path) as tmp:                        # a library that wants a file name
        canvas = Canvas(str(tmp)); ...; canvas.save()

    write_bytes(path, data) / write_text(path, text)     # one-shot forms

Every file is readable by its owner only (0600), like the program file itself: exports hold
names and e-mail addresses. `private=False` lets the umask decide, for files that hold none.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from peerdesk.store.errors import DiskFull, StoreError

_NO_SPACE = {errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)}
# A temporary file untouched this long was left by a crash (a write in progress keeps touching it).
STALE_PART = 3600.0
_DENIED = {errno.EACCES, errno.EPERM, errno.EROFS}


class WriteFailed(StoreError):
    """A file could not be written (missing or read-only folder, bad name); nothing was left behind."""


def explain(exc: OSError, target: str | os.PathLike[str]) -> StoreError:
    """Turn an OSError met while writing target into a message a coordinator understands."""
    path = Path(target)
    folder = path.parent
    if exc.errno in _NO_SPACE:
        return DiskFull(f"The disk is full: {path.name} was not written. Free some space and try again.")
    if exc.errno == errno.EROFS:
        return WriteFailed(f"The folder {folder} is on a read-only disk: {path.name} was not written.")
    if exc.errno in _DENIED:
        return WriteFailed(f"PeerDesk may not write in the folder {folder} (read-only or no permission).")
    if exc.errno == errno.ENOENT:
        return WriteFailed(f"The folder {folder} does not exist.")
    if exc.errno == errno.ENOTDIR:
        return WriteFailed(f"{folder} is not a folder.")
    if exc.errno == errno.EISDIR:
        return WriteFailed(f"{path} is a folder, not a file name.")
    if exc.errno == errno.ENAMETOOLONG:
        return WriteFailed(f"The file name {path.name} is too long for this disk.")
    reason = exc.strerror or str(exc)
    return WriteFailed(f"{path.name} could not be written: {reason}.")


def check_folder(folder: str | os.PathLike[str], *, create: bool = False) -> Path:
    """Make sure files can be written in folder (creating it if asked); raise WriteFailed if not."""
    where = Path(folder)
    if create:
        try:
            where.mkdir(parents=True, exist_ok=True)
        except FileExistsError:
            raise WriteFailed(f"{where} is a file, not a folder.") from None
        except OSError as exc:
            raise explain(exc, where / "-") from exc
    if not where.exists():
        raise WriteFailed(f"The folder {where} does not exist.")
    if not where.is_dir():
        raise WriteFailed(f"{where} is not a folder.")
    if not os.access(where, os.W_OK | os.X_OK):
        raise WriteFailed(f"PeerDesk may not write in the folder {where} (read-only or no permission).")
    return where


def _fsync_folder(folder: Path) -> None:
    """Make a rename in folder durable (POSIX); harmless where folders cannot be opened."""
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _final_mode(private: bool) -> int:
    if private:
        return 0o600
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def remove_stale_parts(
    folder: str | os.PathLike[str], prefix: str = ".", *, older_than: float = STALE_PART
) -> list[Path]:
    """Delete the hidden `<prefix>*.part` temporaries a crash left in folder; return what was deleted.

    Only files matching PeerDesk's temporary pattern and untouched for older_than seconds go:
    a temporary another PeerDesk is writing right now stays.
    """
    import time

    removed = []
    now = time.time()
    try:
        entries = list(Path(folder).glob(f"{glob_escape(prefix)}*.part"))
    except OSError:
        return []
    for entry in entries:
        try:
            if not entry.name.startswith(".") or not entry.is_file() or now - entry.stat().st_mtime < older_than:
                continue
            entry.unlink()
        except OSError:
            continue
        removed.append(entry)
    return removed


def glob_escape(text: str) -> str:
    """text as a literal glob pattern ([, *, ? matched as themselves)."""
    return "".join(f"[{c}]" if c in "[]*?" else c for c in text)


def _new_temp(target: Path, sweep: bool = True) -> tuple[int, Path]:
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.exists():
        raise WriteFailed(f"The folder {folder} does not exist.")
    if not folder.is_dir():
        raise WriteFailed(f"{folder} is not a folder.")
    if target.is_dir():
        raise WriteFailed(f"{target} is a folder, not a file name.")
    if sweep:  # (a writer of many files into one folder sweeps it once, with remove_stale_parts)
        remove_stale_parts(folder, f".{target.name[:80]}.")  # what a crashed earlier write of this file left
    try:
        fd, name = tempfile.mkstemp(prefix=f".{target.name[:80]}.", suffix=".part", dir=folder)
    except OSError as exc:
        raise explain(exc, target) from exc
    return fd, Path(name)


def _commit(tmp: Path, target: Path, private: bool) -> None:
    """fsync the finished temporary file, give it its mode and rename it over target."""
    fd = os.open(tmp, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    os.chmod(tmp, _final_mode(private))
    os.replace(tmp, target)
    _fsync_folder(target.parent)


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike[str], *, private: bool = True) -> Iterator[Path]:
    """Yield a temporary path beside target; on success it replaces target, on failure it is removed.

    For code that writes by file name (sqlite backups, reportlab canvases).
    """
    final = Path(target)
    fd, tmp = _new_temp(final)
    os.close(fd)
    try:
        yield tmp
        _commit(tmp, final, private)
    except OSError as exc:
        _remove(tmp)
        if not _about(exc, tmp, final):
            raise  # e.g. a missing font the caller read: not a problem of the target
        raise explain(exc, final) from exc
    except BaseException:
        _remove(tmp)
        raise


@contextlib.contextmanager
def atomic_write(
    target: str | os.PathLike[str],
    mode: str = "w",
    *,
    encoding: str | None = "utf-8",
    newline: str | None = None,
    private: bool = True,
    sweep: bool = True,
) -> Iterator[IO[Any]]:
    """Open a temporary file for writing; it becomes target only when the block ends without error.

    mode is "w" (text; pass newline="" for CSV) or "wb" (bytes).
    """
    if mode not in ("w", "wb"):
        raise ValueError(f"atomic_write mode must be 'w' or 'wb', not {mode!r}")
    final = Path(target)
    fd, tmp = _new_temp(final, sweep)
    try:
        try:
            if mode == "wb":
                fh: IO[Any] = os.fdopen(fd, "wb")
            else:
                fh = os.fdopen(fd, "w", encoding=encoding, newline=newline)
        except BaseException:
            os.close(fd)
            raise
        with fh:
            yield fh
            fh.flush()
        _commit(tmp, final, private)
    except OSError as exc:
        _remove(tmp)
        if not _about(exc, tmp, final):
            raise
        raise explain(exc, final) from exc
    except BaseException:
        _remove(tmp)
        raise


def _about(exc: OSError, tmp: Path, final: Path) -> bool:
    """Is this error about writing the target (or a write without a file name), not some other file?"""
    names = {exc.filename, exc.filename2} - {None}
    return not names or bool(names & {str(tmp), str(final), os.fspath(tmp), os.fspath(final)})


def write_bytes(target: str | os.PathLike[str], data: bytes, *, private: bool = True, sweep: bool = True) -> Path:
    """Write data to target atomically (sweep=False: the caller removed stale temporaries of the folder)."""
    with atomic_write(target, "wb", private=private, sweep=sweep) as fh:
        fh.write(data)
    return Path(target)


def write_text(
    target: str | os.PathLike[str],
    text: str,
    *,
    encoding: str = "utf-8",
    newline: str | None = None,
    private: bool = True,
) -> Path:
    """Write text to target atomically."""
    with atomic_write(target, "w", encoding=encoding, newline=newline, private=private) as fh:
        fh.write(text)
    return Path(target)


def unfinished(exc: StoreError, written: int, not_written: list[str], shown: int = 5) -> StoreError:
    """The same failure, saying which files of a set were not written (and how many were)."""
    names = ", ".join(not_written[:shown]) + (
        f" and {len(not_written) - shown} more" if len(not_written) > shown else ""
    )
    total = written + len(not_written)
    text = f"{str(exc).rstrip('.')}. {written} of {total} files were written; not written: {names}."
    try:
        return type(exc)(text)
    except TypeError:  # an exception class with other arguments
        return StoreError(text)


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()
