"""Opening PeerDesk database files safely: identify, refuse, migrate, configure."""

from __future__ import annotations

import contextlib
import functools
import os
import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import sqlite_utils

from peerdesk.store.errors import (
    CannotOpen,
    CorruptDatabase,
    DatabaseLocked,
    DiskFull,
    DiskIOError,
    NeedsUpgrade,
    NewerVersionError,
    NotPeerDeskFile,
    ReadOnlyDatabase,
    StoreError,
)
from peerdesk.store.migrations import APPLICATION_ID, LATEST, MIGRATIONS

SQLITE_HEADER = b"SQLite format 3\x00"

Database = sqlite_utils.Database

# Called with the path of an existing database just before migrations run on it.
BeforeMigrate = Callable[[Path], None]


def error_class(exc: sqlite3.Error) -> str:
    """The kind of a SQLite error from its result code: busy, readonly, full, io, cantopen, corrupt,
    notadb, or "" for the rest (constraint violations, SQL errors: bugs or rules, not the file)."""
    code = getattr(exc, "sqlite_errorcode", None)
    if code is None:
        return ""
    return _CLASSES.get(code & 0xFF, "")


_CLASSES = {
    sqlite3.SQLITE_BUSY: "busy",
    sqlite3.SQLITE_LOCKED: "busy",
    sqlite3.SQLITE_READONLY: "readonly",
    sqlite3.SQLITE_PERM: "readonly",
    sqlite3.SQLITE_FULL: "full",
    sqlite3.SQLITE_IOERR: "io",
    sqlite3.SQLITE_CANTOPEN: "cantopen",
    sqlite3.SQLITE_CORRUPT: "corrupt",
    sqlite3.SQLITE_NOTADB: "notadb",
}


def translate(exc: sqlite3.Error, path: str | os.PathLike[str] = "") -> StoreError | None:
    """Map a SQLite error to a known failure by its result code (never its wording); None when it is a bug."""
    kind = error_class(exc)
    where = f" ({path})" if path else ""
    if kind == "busy":
        return DatabaseLocked(f"The program file is busy: another program is writing to it{where}. Try again.")
    if kind == "readonly":
        return ReadOnlyDatabase(
            f"The program file cannot be written{where}: it, its folder or its disk is read-only. Nothing was saved."
        )
    if kind == "full":
        return DiskFull(f"The disk is full; nothing was saved{where}. Free some space and retry.")
    if kind == "io":
        return DiskIOError(
            f"The disk reported an error while reading or writing the program file{where} (a removed drive or a "
            "lost network folder?). What was saved before is safe; check the disk and try again."
        )
    if kind == "cantopen":
        return CannotOpen(
            f"The program file cannot be opened{where}: its folder is missing, not accessible or read-only."
        )
    if kind == "corrupt":
        return CorruptDatabase(f"The program file is damaged{where}. Restore a backup.")
    if kind == "notadb":
        return NotPeerDeskFile(f"The file{where} is not a database (or it is encrypted); PeerDesk cannot read it.")
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
    try:
        if path.stat().st_size == 0:
            return 0
        with path.open("rb") as fh:
            header = fh.read(100)
    except OSError as exc:
        raise _os_error(exc, path) from exc
    if not header.startswith(SQLITE_HEADER):
        raise NotPeerDeskFile(f"{path.name} is not a PeerDesk program file.")
    if len(header) < 100:
        raise CorruptDatabase(f"{path.name} is truncated or damaged. Restore a backup.")
    try:
        conn = connect_readonly(path)
        try:
            app_id = conn.execute("PRAGMA application_id").fetchone()[0]
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            check = conn.execute("PRAGMA quick_check(1)").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        known = translate(exc, path.name)
        if known is not None and not isinstance(known, CorruptDatabase | NotPeerDeskFile):
            raise known from exc  # busy, read-only, disk full, I/O: the file itself may be sound
        raise CorruptDatabase(f"{path.name} is damaged and cannot be read ({exc}).") from exc
    if app_id == 0 and version == 0 and not tables:
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
    missing = sorted(expected_tables(version) - tables)
    if missing:
        raise CorruptDatabase(
            f"{path.name} is missing part of its content (table {', '.join(missing)}): it was changed outside "
            "PeerDesk or damaged. Restore a backup."
        )
    return int(version)


@functools.cache
def expected_tables(version: int) -> frozenset[str]:
    """The tables a PeerDesk file of this format has (the migrations run in memory)."""
    conn = sqlite3.connect(":memory:")
    try:
        db = Database(conn)
        for step in MIGRATIONS[:version]:
            step(db)
        return frozenset(r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'"))
    finally:
        conn.close()


def connect_readonly(path: Path, *, check_same_thread: bool = True) -> sqlite3.Connection:
    """A read-only connection, also where SQLite cannot create the -shm file a WAL file needs.

    In a read-only folder or on a read-only disk a file without pending log content is opened
    immutable; one whose -wal holds changes is copied (with its log) into memory, so what it
    shows is complete. On a full disk the error says so. Any other failure is raised as is.
    """
    uri = path.resolve().as_uri()
    try:
        conn = sqlite3.connect(f"{uri}?mode=ro", uri=True, timeout=5, check_same_thread=check_same_thread)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        except BaseException:
            conn.close()
            raise
        return conn
    except sqlite3.Error as exc:
        if error_class(exc) not in ("cantopen", "readonly", "io"):
            raise
        if folder_writable(path.parent):
            if free_bytes(path.parent) < 64 * 1024:
                raise DiskFull(
                    f"The disk holding {path.name} is full: PeerDesk cannot open it until some space is freed."
                ) from exc
            raise
    wal = path.with_name(path.name + "-wal")
    if not wal.exists() or wal.stat().st_size == 0:
        return sqlite3.connect(f"{uri}?mode=ro&immutable=1", uri=True, check_same_thread=check_same_thread)
    return _copy_into_memory(path, wal, check_same_thread)


def _copy_into_memory(path: Path, wal: Path, check_same_thread: bool = True) -> sqlite3.Connection:
    """Read a WAL file and its log where -shm cannot be made: copy both to a private folder, load into memory."""
    import shutil
    import tempfile

    with tempfile.TemporaryDirectory(prefix="peerdesk-") as folder:
        copy = Path(folder) / "copy.db"
        shutil.copyfile(path, copy)
        shutil.copyfile(wal, Path(folder) / "copy.db-wal")
        source = sqlite3.connect(copy)
        memory = sqlite3.connect(":memory:", check_same_thread=check_same_thread)
        try:
            source.backup(memory)
        finally:
            source.close()
    return memory


def refuse_unwritable(file: Path) -> None:
    """Raise ReadOnlyDatabase when the file, or the folder its journal files need, cannot be written."""
    if not os.access(file, os.W_OK) or not folder_writable(file.parent):
        where = "its disk or folder is read-only" if os.access(file, os.W_OK) else "it is read-only"
        raise ReadOnlyDatabase(
            f"{file.name} cannot be changed: {where}. It can be opened for reading; to change it, copy it "
            "to a folder you can write to."
        )


def folder_writable(folder: Path) -> bool:
    """Can files be created in folder (permissions, and a disk not mounted read-only)?"""
    try:
        if os.statvfs(folder).f_flag & os.ST_RDONLY:
            return False
    except (OSError, AttributeError):
        pass
    return os.access(folder, os.W_OK | os.X_OK)


def free_bytes(folder: Path) -> int:
    """Space left for this user on the disk holding folder (a large number where unknown)."""
    try:
        st = os.statvfs(folder)
    except (OSError, AttributeError):
        return 1 << 62
    return st.f_bavail * st.f_frsize


def _os_error(exc: OSError, path: Path) -> StoreError:
    """An OSError met creating or opening the program file, in words (lazy: safefile imports this module)."""
    from peerdesk.store.safefile import explain

    return explain(exc, path)


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
        _switch_to_wal(db)
        db.execute("PRAGMA synchronous = FULL")


def _switch_to_wal(db: Database, seconds: float = 5.0) -> None:
    """Put the file in WAL mode. SQLite answers "locked" at once, without waiting out the busy
    timeout, when another connection is switching the same new file at that moment (two PeerDesks
    creating one file): try again for as long as the busy timeout would have waited."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            db.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


def migrate(db: Database) -> int:
    """Run pending migrations, each in its own transaction; return how many ran.

    Each step takes the write lock first (BEGIN IMMEDIATE) and reads the version inside it, so
    two processes upgrading or creating the same file take turns instead of running a step twice.
    """
    ran = 0
    while True:
        if db.conn.in_transaction:  # only in-memory set-ups nest; a savepoint is enough there
            with db.atomic():
                if not _migrate_step(db):
                    return ran
        else:
            db.execute("BEGIN IMMEDIATE")
            try:
                stepped = _migrate_step(db)
            except BaseException:
                db.conn.rollback()
                raise
            db.conn.commit()
            if not stepped:
                return ran
        ran += 1


def _migrate_step(db: Database) -> bool:
    """Apply the next migration inside the caller's transaction; False when the schema is current."""
    current = db.execute("PRAGMA user_version").fetchone()[0]
    if current >= LATEST:
        return False
    MIGRATIONS[current](db)
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    db.execute(f"PRAGMA user_version = {current + 1}")
    return True


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
        try:
            _create_private(file)
        except FileExistsError:
            pass  # another PeerDesk created it a moment ago: the migrations below take turns
        except OSError as exc:
            raise _os_error(exc, file) from exc
    if not readonly:
        from peerdesk.store.lock import refuse_hard_links

        refuse_hard_links(file)
        refuse_unwritable(file)
    version = inspect_file(file)
    if readonly:
        if version < LATEST:
            raise NeedsUpgrade(f"{file.name} needs an upgrade and cannot be opened read-only.")
        with known_errors(file.name):
            conn = connect_readonly(file, check_same_thread=False)  # a reader may serve a worker thread
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
