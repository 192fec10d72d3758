"""Opening PeerDesk database files safely: identify, refuse, migrate, configure."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import sqlite_utils

from peerdesk.store.errors import (
    CorruptDatabase,
    DatabaseLocked,
    DiskFull,
    NeedsUpgrade,
    NewerVersionError,
    NotPeerDeskFile,
    StoreError,
)
from peerdesk.store.migrations import APPLICATION_ID, LATEST, MIGRATIONS

SQLITE_HEADER = b"SQLite format 3\x00"

Database = sqlite_utils.Database

# Called with the path of an existing database just before migrations run on it.
BeforeMigrate = Callable[[Path], None]


def translate(exc: sqlite3.Error, path: str | os.PathLike[str] = "") -> StoreError | None:
    """Map a SQLite error to a known failure, or None when it is a bug."""
    text = str(exc).lower()
    where = f" ({path})" if path else ""
    if "locked" in text or "busy" in text:
        return DatabaseLocked(f"The program file is busy: another program is writing to it{where}.")
    if "disk is full" in text or "database or disk is full" in text:
        return DiskFull(f"The disk is full; nothing was saved{where}. Free some space and retry.")
    if "not a database" in text or "malformed" in text or "disk i/o" in text:
        return CorruptDatabase(f"The program file is damaged{where}. Restore a backup.")
    if "readonly" in text or "read-only" in text:
        return StoreError(f"The program file is open read-only{where}; nothing was saved.")
    return None


@contextlib.contextmanager
def known_errors(path: str | os.PathLike[str] = "") -> Iterator[None]:
    """Re-raise SQLite errors that have a known cause as StoreError subclasses."""
    try:
        yield
    except sqlite3.Error as exc:
        known = translate(exc, path)
        if known is None:
            raise
        raise known from exc


def inspect_file(path: Path) -> int:
    """Return the schema version of an existing file, refusing what PeerDesk must not touch.

    Reads only; never writes. 0 means an empty file (safe to initialise).
    """
    if path.stat().st_size == 0:
        return 0
    with path.open("rb") as fh:
        header = fh.read(100)
    if not header.startswith(SQLITE_HEADER):
        raise NotPeerDeskFile(f"{path.name} is not a PeerDesk program file.")
    if len(header) < 100:
        raise CorruptDatabase(f"{path.name} is truncated or damaged. Restore a backup.")
    uri = f"{path.resolve().as_uri()}?mode=ro"
    try:
        conn = sqlite3.connect(uri, uri=True)
        try:
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
            check = conn.execute("PRAGMA quick_check(1)").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        known = translate(exc, path.name)
        if isinstance(known, DatabaseLocked):
            raise known from exc
        raise CorruptDatabase(f"{path.name} is damaged and cannot be read ({exc}).") from exc
    if app_id == 0 and version == 0 and tables == 0:
        return 0
    if app_id != APPLICATION_ID:
        raise NotPeerDeskFile(f"{path.name} is a database, but not a PeerDesk program file.")
    if check != "ok":
        raise CorruptDatabase(f"{path.name} is damaged ({check}). Restore a backup.")
    if version > LATEST:
        raise NewerVersionError(
            f"{path.name} was written by a newer PeerDesk (format {version}; this one reads "
            f"up to {LATEST}). Update PeerDesk to open it."
        )
    return int(version)


def _create_private(path: Path) -> None:
    """Create an empty file readable by its owner only."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    os.close(fd)


def configure(db: Database) -> None:
    """Connection settings every PeerDesk connection uses."""
    db.execute("PRAGMA foreign_keys = ON")
    db.execute("PRAGMA busy_timeout = 5000")
    if not db.memory:
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = FULL")


def migrate(db: Database) -> int:
    """Run pending migrations, each in its own transaction; return how many ran."""
    current = db.execute("PRAGMA user_version").fetchone()[0]
    ran = 0
    for version in range(current + 1, LATEST + 1):
        with db.atomic():
            MIGRATIONS[version - 1](db)
            db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            db.execute(f"PRAGMA user_version = {version}")
        ran += 1
    return ran


def open_db(
    path: str | os.PathLike[str],
    *,
    create: bool = True,
    readonly: bool = False,
    before_migrate: BeforeMigrate | None = None,
) -> Database:
    """Open (or create) a PeerDesk database and bring its schema up to date.

    Files that are not PeerDesk databases, damaged files and files from a newer
    PeerDesk raise a StoreError and are left untouched.
    """
    # check_same_thread=False: the window runs long writes on a worker thread while the UI thread
    # waits (Workspace.writing lets one write at a time use the connection)
    if str(path) == ":memory:":
        db = Database(sqlite3.connect(":memory:", check_same_thread=False))
        db.memory = True
        configure(db)
        migrate(db)
        return db
    file = Path(path)
    if not file.exists():
        if not create or readonly:
            raise StoreError(f"{file} does not exist.")
        _create_private(file)
        version = 0
    else:
        version = inspect_file(file)
    if readonly:
        if version < LATEST:
            raise NeedsUpgrade(f"{file.name} needs an upgrade and cannot be opened read-only.")
        conn = sqlite3.connect(f"{file.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False)
        db = Database(conn)
        db.execute("PRAGMA foreign_keys = ON")
        return db
    with known_errors(file.name):
        if 0 < version < LATEST and before_migrate is not None:
            before_migrate(file)
        db = Database(sqlite3.connect(file, check_same_thread=False))
        configure(db)
        migrate(db)
    with contextlib.suppress(OSError):
        os.chmod(file, 0o600)
    return db


def backup_to(db: Database, dest: str | os.PathLike[str]) -> Path:
    """Write a consistent copy of the database (SQLite online backup) to dest, atomically."""
    target = Path(dest)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.part")
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    try:
        _create_private(tmp)
        out = sqlite3.connect(tmp)
        try:
            with known_errors(target.name):
                db.conn.backup(out)
                out.execute("PRAGMA journal_mode = DELETE")
        finally:
            out.close()
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise
    return target
