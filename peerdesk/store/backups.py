"""Rolling automatic backups of a program file, kept in the user data folder.

A backup is a consistent copy made with SQLite's online backup API, written to a
temporary file and renamed (never half there), readable by the owner only. Backups
are made on opening a file once a day, before a migration, before every bulk
operation (`backup_before(db_path, reason)`) and before a restore; the newest
`Settings.backups_kept` are kept. Each database has its own folder:

    <user data>/PeerDesk/backups/<file stem>-<hash of its full path>/
        2026-11-02T090000Z_daily.db
        2026-11-02T091502Z_before-import.db
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import os
import re
import shutil
import sqlite3
import tempfile
from dataclasses import dataclass
from pathlib import Path

from peerdesk import clock
from peerdesk.store.db import Database, connect_readonly, inspect_file, known_errors
from peerdesk.store.errors import CorruptDatabase, StoreError
from peerdesk.store.paths import user_data_dir

ENV_DIR = "PEERDESK_BACKUP_DIR"
DEFAULT_KEPT = 10
_NAME = re.compile(r"^(\d{4}-\d{2}-\d{2}T\d{6})Z(?:-(\d+))?_([a-z0-9-]+)\.db$")
_STAMP = "%Y-%m-%dT%H%M%S"


@dataclass(frozen=True)
class Backup:
    """One backup file: when it was made, why, and how big it is."""

    path: Path
    created: dt.datetime  # aware, UTC
    reason: str
    size: int
    seq: int = 0  # tie-breaker for backups made within the same second

    @property
    def label(self) -> str:
        """The reason in words: 'before import', 'daily'."""
        return self.reason.replace("-", " ")


def backups_root() -> Path:
    """The folder holding every database's backups ($PEERDESK_BACKUP_DIR overrides it)."""
    chosen = os.environ.get(ENV_DIR)
    if chosen:
        return Path(chosen).expanduser()
    return user_data_dir() / "backups"


def backup_dir(db_path: str | os.PathLike[str]) -> Path:
    """The folder of one database's backups: its stem plus a hash of its full path."""
    full = Path(db_path).expanduser().resolve()
    digest = hashlib.sha256(str(full).encode("utf-8", "surrogatepass")).hexdigest()[:10]
    stem = re.sub(r"[^\w.-]+", "_", full.name.split(".")[0] or "program")[:40]
    return backups_root() / f"{stem}-{digest}"


def slug(reason: str) -> str:
    """A reason as it appears in a file name: lower case letters, digits and dashes."""
    text = re.sub(r"[^a-z0-9]+", "-", reason.lower()).strip("-")
    return text[:40].strip("-") or "manual"


def list_backups(db_path: str | os.PathLike[str]) -> list[Backup]:
    """The backups of a database, newest first."""
    folder = backup_dir(db_path)
    if not folder.is_dir():
        return []
    found = []
    for entry in folder.iterdir():
        m = _NAME.match(entry.name)
        if not m or not entry.is_file():
            continue
        created = dt.datetime.strptime(m.group(1), _STAMP).replace(tzinfo=dt.UTC)
        with contextlib.suppress(OSError):
            found.append(Backup(entry, created, m.group(3), entry.stat().st_size, int(m.group(2) or 0)))
    found.sort(key=lambda b: (b.created, b.seq), reverse=True)
    return found


def _private_folder(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    with contextlib.suppress(OSError):
        os.chmod(folder, 0o700)
    return folder


def _target(folder: Path, reason: str) -> tuple[Path, int]:
    stamp = clock.now().astimezone(dt.UTC).strftime(_STAMP)
    seq = 0
    while True:
        name = f"{stamp}Z{'-' + str(seq) if seq else ''}_{slug(reason)}.db"
        if not (folder / name).exists():
            return folder / name, seq
        seq += 1


def _fill(source: sqlite3.Connection, tmp: Path) -> None:
    """Online-backup source into the (private, empty) file tmp; check it and flush it to disk."""
    out = sqlite3.connect(tmp)
    try:
        source.backup(out)
        out.execute("PRAGMA journal_mode = DELETE")
        check = out.execute("PRAGMA quick_check(1)").fetchone()[0]
    finally:
        out.close()
    if check != "ok":
        raise CorruptDatabase(f"The copy failed its check ({check}); the program file may be damaged.")
    fd = os.open(tmp, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _private_temp(folder: Path) -> Path:
    fd, name = tempfile.mkstemp(prefix=".", suffix=".part", dir=folder)  # 0600
    os.close(fd)
    return Path(name)


def _copy_with_sqlite(source: sqlite3.Connection, dest: Path) -> None:
    """Online-backup source into dest (temp file, fsync, rename): dest is never half written."""
    tmp = _private_temp(dest.parent)
    try:
        _fill(source, tmp)
        os.replace(tmp, dest)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise


def _new_backup(source: sqlite3.Connection, folder: Path, reason: str) -> tuple[Path, int]:
    """Write a new backup file under a name no other backup has, even one made at the same second."""
    tmp = _private_temp(folder)
    try:
        _fill(source, tmp)
        while True:
            dest, seq = _target(folder, reason)
            try:
                os.link(tmp, dest)  # fails if the name was taken meanwhile (another thread or process)
            except FileExistsError:
                continue
            except OSError:  # no hard links on this disk
                os.replace(tmp, dest)
            return dest, seq
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def _open_source(db_path: Path) -> sqlite3.Connection:
    """A read-only connection to a database file (sees its committed state, WAL included)."""
    return connect_readonly(db_path)


def _kept_setting(db_path: Path) -> int:
    """Settings.backups_kept as stored in the file, read without writing; the default if unreadable."""
    try:
        conn = _open_source(db_path)
        try:
            row = conn.execute("SELECT value FROM settings WHERE key = 'backups_kept'").fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return DEFAULT_KEPT
    try:
        kept = int(row[0]) if row else DEFAULT_KEPT
    except (TypeError, ValueError):
        return DEFAULT_KEPT
    return kept if 1 <= kept <= 100 else DEFAULT_KEPT


def make_backup(
    db_path: str | os.PathLike[str],
    reason: str,
    *,
    db: Database | None = None,
    kept: int | None = None,
) -> Backup:
    """Back up a database file now (through db when given, else a read-only connection); prune old ones."""
    path = Path(db_path)
    folder = _private_folder(backup_dir(path))
    with known_errors(path.name):
        if db is not None:
            dest, seq = _new_backup(db.conn, folder, reason)
        else:
            source = _open_source(path)
            try:
                dest, seq = _new_backup(source, folder, reason)
            finally:
                source.close()
    prune(path, kept if kept is not None else _kept_setting(path))
    stat = dest.stat()
    created = dt.datetime.strptime(dest.name[:17], _STAMP).replace(tzinfo=dt.UTC)
    return Backup(dest, created, slug(reason), stat.st_size, seq)


def copy_to(db_path: str | os.PathLike[str], out: str | os.PathLike[str]) -> int:
    """Write a consistent, checked copy of a PeerDesk file to out (atomically, owner-only); return its size.

    Refuses files that are not sound PeerDesk databases; never writes to the source.
    Used by `peerdesk backup --out` and File > Back up now.
    """
    from peerdesk.store.safefile import atomic_path

    source, target = Path(db_path), Path(out)
    if inspect_file(source) == 0:
        raise StoreError(f"{source.name} is empty: there is nothing to back up.")
    if target.exists() and target.resolve() == source.resolve():
        raise StoreError("The backup cannot replace the program file itself; choose another file.")
    with atomic_path(target, private=True) as tmp:
        src = _open_source(source)
        try:
            dest = sqlite3.connect(tmp)
            try:
                with known_errors(target.name):
                    src.backup(dest)
                    dest.execute("PRAGMA journal_mode = DELETE")
                    check = dest.execute("PRAGMA integrity_check(1)").fetchone()[0]
            finally:
                dest.close()
        finally:
            src.close()
        if check != "ok":
            raise CorruptDatabase(f"The copy failed its integrity check ({check}); the program file may be damaged.")
    return target.stat().st_size


def backup_before(db_path: str | os.PathLike[str] | None, reason: str) -> Backup | None:
    """Back up a database file before a bulk operation or migration; None for in-memory databases.

    Call it before starting the operation's transaction, e.g.
    `backup_before(workspace.path, "before import")`.
    """
    if db_path is None or str(db_path) in ("", ":memory:"):
        return None
    path = Path(db_path)
    if not path.exists() or path.stat().st_size == 0:
        return None
    return make_backup(path, reason if reason.lower().startswith("before") else f"before {reason}")


def before_migrate(db_path: Path) -> None:
    """open_db's before_migrate hook: a backup of the old format before upgrading it."""
    backup_before(db_path, "before upgrade")


def daily_backup(db_path: str | os.PathLike[str] | None, *, db: Database | None = None) -> Backup | None:
    """Back up once a calendar day (UTC), on opening; None when today's backup exists already."""
    if db_path is None or str(db_path) == ":memory:":
        return None
    path = Path(db_path)
    if not path.exists() or path.stat().st_size == 0:
        return None
    today = clock.today()
    if any(b.reason == "daily" and b.created.date() == today for b in list_backups(path)):
        return None
    return make_backup(path, "daily", db=db)


def prune(db_path: str | os.PathLike[str], kept: int) -> list[Path]:
    """Delete all but the newest `kept` backups, and temporaries a crash left; return the deleted paths.

    Only files named like a finished backup count as backups (and only those are kept or pruned);
    hidden .part files are never counted, and go once stale.
    """
    kept = max(1, kept)
    removed = clean_temporaries(db_path)
    for old in list_backups(db_path)[kept:]:
        with contextlib.suppress(FileNotFoundError):
            old.path.unlink()
            removed.append(old.path)
    return removed


def clean_temporaries(db_path: str | os.PathLike[str]) -> list[Path]:
    """Remove the stale .part files crashed backups, copies and restores of db_path left (on open, in prune)."""
    from peerdesk.store.safefile import remove_stale_parts

    path = Path(db_path)
    removed = remove_stale_parts(backup_dir(path)) if backup_dir(path).is_dir() else []
    return removed + remove_stale_parts(path.resolve().parent, f".{path.resolve().name}")


def check_backup(backup: Backup | Path) -> int:
    """Raise a StoreError unless the file is a sound PeerDesk backup; return its format version."""
    path = backup.path if isinstance(backup, Backup) else Path(backup)
    if not path.is_file():
        raise StoreError(f"The backup {path.name} no longer exists.")
    version = inspect_file(path)  # identity, format and a quick_check of every page
    if version == 0:
        raise CorruptDatabase(f"The backup {path.name} is empty.")
    return version


def latest_good_backup(db_path: str | os.PathLike[str]) -> Backup | None:
    """The newest backup that passes its checks (offered when the program file is damaged)."""
    for backup in list_backups(db_path):
        try:
            check_backup(backup)
        except (StoreError, sqlite3.Error, OSError):
            continue
        return backup
    return None


def _is_healthy(path: Path) -> bool:
    """A PeerDesk file whose every page passes quick_check (what inspect_file runs)."""
    try:
        return inspect_file(path) > 0
    except (StoreError, sqlite3.Error, OSError):
        return False


def _keep_damaged(path: Path) -> Path:
    """Copy a damaged file (and its journal files) byte for byte into its backup folder."""
    folder = _private_folder(backup_dir(path))
    dest, _ = _target(folder, "damaged")
    stem = dest.name[: -len(".db")]
    kept = folder / f"{stem}.damaged"
    shutil.copyfile(path, kept)
    os.chmod(kept, 0o600)
    for suffix in ("-wal", "-journal"):
        extra = path.with_name(path.name + suffix)
        if extra.exists():
            shutil.copyfile(extra, folder / f"{stem}.damaged{suffix}")
            os.chmod(folder / f"{stem}.damaged{suffix}", 0o600)
    return kept


def restore_backup(backup: Backup | Path, db_path: str | os.PathLike[str]) -> Backup | None:
    """Replace the content of db_path with a backup; return the backup made of the current file first.

    A healthy current file is backed up ("before restore") and then overwritten through
    SQLite's backup API in one transaction, so connections that stay open see the restored
    data. A damaged current file is kept byte for byte beside the backups and replaced by
    a renamed copy. Callers must drop their undo history after a restore.
    """
    source_path = backup.path if isinstance(backup, Backup) else Path(backup)
    check_backup(source_path)
    target = Path(db_path)
    if target.exists() and target.stat().st_size > 0 and _is_healthy(target):
        made = make_backup(target, "before restore")
        source = _open_source(source_path)
        try:
            with known_errors(target.name):
                dest = sqlite3.connect(target, timeout=10)
                try:
                    source.backup(dest)
                finally:
                    dest.close()
        finally:
            source.close()
        with contextlib.suppress(OSError):
            os.chmod(target, 0o600)
        return made
    if target.exists():
        _keep_damaged(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.restore.part")
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    source = _open_source(source_path)
    try:
        _copy_with_sqlite(source, tmp)
    finally:
        source.close()
    for suffix in ("-wal", "-shm", "-journal"):
        with contextlib.suppress(FileNotFoundError):
            target.with_name(target.name + suffix).unlink()
    os.replace(tmp, target)
    return None
