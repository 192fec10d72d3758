"""One writer per program file: a lock file beside the database says who has it open.

`program.peerdesk.db.lock` holds JSON naming the holder (user, host, process id) and
since when, plus a heartbeat the holder refreshes. On POSIX an fcntl lock on that file
is the real mutual exclusion on this machine (the kernel drops it when the holder dies);
the JSON tells a second PeerDesk whom to ask, and covers folders shared between
machines, where a holder on another host counts until its heartbeat is very old.

A lock left by a crash (its process gone from this machine, this machine rebooted
since, or a heartbeat older than STALE_AFTER from another machine) is stale: it is
cleared and reported, never obeyed.

The lock follows the file, not the path string: the path is resolved (a symlink locks
its target), the lock records the file's device and inode, and a lock file beside the
same file under another spelling (a case-insensitive disk) counts too. A database file
with more than one name (a hard link) is refused: two names would mean two locks.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import getpass
import json
import os
import platform
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from peerdesk import clock
from peerdesk.store.errors import DatabaseLocked, DiskFull, ReadOnlyDatabase, StoreError

try:  # POSIX
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

STALE_AFTER = dt.timedelta(minutes=15)
HEARTBEAT_EVERY = dt.timedelta(minutes=1)


@dataclass(frozen=True)
class LockInfo:
    """Who holds a program file open for writing, and since when."""

    user: str
    host: str
    pid: int
    since: str  # ISO 8601 UTC
    heartbeat: str  # ISO 8601 UTC
    boot_id: str = ""
    device: int = 0  # the locked file's st_dev and st_ino (0: unknown, an older lock)
    inode: int = 0

    @property
    def since_time(self) -> dt.datetime:
        return _parse(self.since)

    @property
    def heartbeat_time(self) -> dt.datetime:
        return _parse(self.heartbeat)

    def describe(self) -> str:
        """'ana on laptop-7 (process 4242) since 2 Nov 2026 09:00 UTC'."""
        when = self.since_time.strftime("%-d %b %Y %H:%M UTC") if self.since else "an unknown time"
        return f"{self.user} on {self.host} (process {self.pid}) since {when}"


class FileInUse(DatabaseLocked):
    """The program file is open for writing in another PeerDesk."""

    def __init__(self, db_path: Path, holder: LockInfo) -> None:
        super().__init__(
            f"{db_path.name} is in use by {holder.describe()}. You can open it read-only, or close it there first."
        )
        self.holder = holder


class LockLost(StoreError):
    """Another PeerDesk took over a lock this one held (after it looked stale)."""


class HardLinked(StoreError):
    """The program file has several names (hard links): one lock could not cover them all."""


def real_path(db_path: str | os.PathLike[str]) -> Path:
    """The file a path names, symlinks followed."""
    return Path(db_path).expanduser().resolve()


def lock_path(db_path: str | os.PathLike[str]) -> Path:
    """The lock file of a program file: beside the real file, whatever path led to it."""
    path = real_path(db_path)
    return path.with_name(path.name + ".lock")


def file_key(db_path: str | os.PathLike[str]) -> tuple[int, int] | None:
    """(device, inode) of an existing program file; None when it does not exist yet."""
    try:
        st = os.stat(db_path)
    except FileNotFoundError:
        return None
    return st.st_dev, st.st_ino


def refuse_hard_links(db_path: str | os.PathLike[str]) -> None:
    """Raise HardLinked when the file has more than one name."""
    try:
        links = os.stat(db_path).st_nlink
    except FileNotFoundError:
        return
    if links > 1:
        name = Path(db_path).name
        raise HardLinked(
            f"{name} has {links} names on this disk (hard links), so another name could be written behind "
            f"PeerDesk's back. Make a copy of its own ('peerdesk backup --out FILE') and open that instead."
        )


def _parse(text: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        return dt.datetime.min.replace(tzinfo=dt.UTC)
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no user name in this environment
        return f"uid {os.getuid()}" if hasattr(os, "getuid") else "unknown"


def this_host() -> str:
    """This computer's name (no network involved)."""
    return platform.node() or "this computer"


_host = this_host


def _boot_id() -> str:
    """Changes at every reboot (Linux); '' where unknown."""
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    except OSError:
        return ""


def me(key: tuple[int, int] | None = None) -> LockInfo:
    now = clock.now().replace(microsecond=0).isoformat()
    device, inode = key or (0, 0)
    return LockInfo(_user(), _host(), os.getpid(), now, now, _boot_id(), device, inode)


def _alive(pid: int) -> bool:
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, belongs to someone else
        return True
    except OSError:
        return True
    return True


def is_stale(info: LockInfo) -> bool:
    """True when the holder can no longer be running (crash, reboot) or stopped beating long ago."""
    if info.host == _host():
        if info.boot_id and _boot_id() and info.boot_id != _boot_id():
            return True
        return not _alive(info.pid)
    return clock.now() - info.heartbeat_time > STALE_AFTER


def read_lock(db_path: str | os.PathLike[str]) -> LockInfo | None:
    """The holder named in the lock file, or None when there is no (readable) lock."""
    try:
        text = lock_path(db_path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    return _decode(text)


def _decode(text: str) -> LockInfo | None:
    try:
        data = json.loads(text)
        return LockInfo(
            user=str(data["user"]),
            host=str(data["host"]),
            pid=int(data["pid"]),
            since=str(data["since"]),
            heartbeat=str(data.get("heartbeat", data["since"])),
            boot_id=str(data.get("boot_id", "")),
            device=int(data.get("device", 0)),
            inode=int(data.get("inode", 0)),
        )
    except (ValueError, KeyError, TypeError):
        return None


class WriterLock:
    """The right to write one program file, held from acquire() until release()."""

    def __init__(self, db_path: Path, fd: int, info: LockInfo, stale: LockInfo | None) -> None:
        self.db_path = db_path
        self.path = lock_path(db_path)
        self._fd: int | None = fd
        self.info = info
        self.stale_cleared = stale  # the crashed holder whose lock was cleared, if any

    @classmethod
    def acquire(cls, db_path: str | os.PathLike[str]) -> WriterLock:
        """Take the lock, clearing a stale one; raise FileInUse naming a live holder, HardLinked for a file
        with several names. The file need not exist yet (a new file is locked before it is created)."""
        db = Path(db_path)
        refuse_hard_links(db)
        path = lock_path(db)
        key = file_key(db)
        if key is not None:
            other = _other_spelling(path, key)
            if other is not None:
                raise FileInUse(db, other)
        for _ in range(5):
            try:
                fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
            except OSError as exc:
                raise _lock_failure(exc, db) from exc
            if fcntl is not None:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except OSError:
                    holder = _decode(_read_fd(fd)) or LockInfo("someone", "this computer", 0, "", "")
                    os.close(fd)
                    raise FileInUse(db, holder) from None
                # The file may have been removed (released) between open and flock: retry on the new one.
                try:
                    same = os.fstat(fd).st_ino == os.stat(path).st_ino
                except FileNotFoundError:
                    same = False
                if not same:
                    os.close(fd)
                    continue
            previous = _decode(_read_fd(fd))
            stale = None
            if previous is not None and not _is_mine(previous):
                if fcntl is None or previous.host != _host():
                    if not is_stale(previous):
                        os.close(fd)
                        raise FileInUse(db, previous)
                stale = previous
            info = me(key)
            try:
                _write_fd(fd, info)
            except OSError as exc:
                os.close(fd)
                raise _lock_failure(exc, db) from exc
            return cls(db, fd, info, stale)
        raise DatabaseLocked(f"Could not take the lock of {db.name}; try again.")

    @property
    def held(self) -> bool:
        return self._fd is not None

    def refresh(self) -> None:
        """Renew the heartbeat (call every HEARTBEAT_EVERY); raise LockLost if another took over."""
        if self._fd is None:
            raise LockLost("This PeerDesk no longer holds the program file's lock.")
        current = read_lock(self.db_path)
        if current is None or (current.pid, current.host) != (self.info.pid, self.info.host):
            who = current.describe() if current else "someone else"
            raise LockLost(f"{self.db_path.name} was taken over by {who}; your changes since then are not saved.")
        self.info = replace(self.info, heartbeat=clock.now().replace(microsecond=0).isoformat())
        _write_fd(self._fd, self.info)

    def release(self) -> None:
        """Give the lock up (on close); the lock file is removed."""
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        try:
            current = read_lock(self.db_path)
            if current is not None and (current.pid, current.host) == (self.info.pid, self.info.host):
                with contextlib.suppress(FileNotFoundError):
                    self.path.unlink()
        finally:
            os.close(fd)  # also drops the fcntl lock

    def __enter__(self) -> WriterLock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def _lock_failure(exc: OSError, db: Path) -> StoreError:
    """Why the lock file could not be written, in words (full disk, read-only folder)."""
    if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)):
        return DiskFull(f"The disk holding {db.name} is full: nothing can be saved to it. Free some space and retry.")
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return ReadOnlyDatabase(
            f"{db.name} cannot be changed: its folder or disk is read-only. It can be opened for reading; to "
            "change it, copy it to a folder you can write to."
        )
    return StoreError(f"Cannot create the lock file beside {db.name}: {exc.strerror}.")


def _other_spelling(mine: Path, key: tuple[int, int]) -> LockInfo | None:
    """A live lock on the same file (device and inode) under another name in its folder, if any."""
    try:
        entries = list(mine.parent.glob("*.lock"))
    except OSError:
        return None
    for entry in entries:
        if entry.name == mine.name:
            continue
        try:
            info = _decode(entry.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError):
            continue
        if info is not None and (info.device, info.inode) == key and not _is_mine(info) and not is_stale(info):
            return info
    return None


def _is_mine(info: LockInfo) -> bool:
    return info.pid == os.getpid() and info.host == _host()


def _read_fd(fd: int) -> str:
    os.lseek(fd, 0, os.SEEK_SET)
    chunks = []
    while chunk := os.read(fd, 4096):
        chunks.append(chunk)
        if sum(map(len, chunks)) > 65536:
            break
    return b"".join(chunks).decode("utf-8", "replace")


def _write_fd(fd: int, info: LockInfo) -> None:
    data = json.dumps({"app": "PeerDesk", **asdict(info)}, ensure_ascii=False).encode("utf-8")
    os.lseek(fd, 0, os.SEEK_SET)
    os.ftruncate(fd, 0)
    os.write(fd, data)
    os.fsync(fd)
