"""Rolling backups: daily, before migrations and bulk operations, restore, and `peerdesk backup`."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest

from peerdesk import clock
from peerdesk.cli import main
from peerdesk.store import backups
from peerdesk.store import db as dbmod
from peerdesk.store.backups import backup_before, daily_backup, list_backups, make_backup, restore_backup
from peerdesk.store.db import open_db
from peerdesk.store.errors import CorruptDatabase, NotPeerDeskFile
from peerdesk.store.participants import add_participant
from peerdesk.store.records import Participant
from peerdesk.store.settings import Settings, load_settings, save_settings
from peerdesk.store.workspace import Workspace


def count(path, table="participants"):
    conn = sqlite3.connect(path)
    try:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    finally:
        conn.close()


def test_daily_backup_once_a_day(demo_file, fixed_clock):
    first = daily_backup(demo_file)
    assert first is not None and first.reason == "daily"
    assert daily_backup(demo_file) is None
    clock.freeze(fixed_clock + dt.timedelta(days=1))
    second = daily_backup(demo_file)
    assert second is not None and second.created.date() == dt.date(2026, 11, 3)
    assert [b.reason for b in list_backups(demo_file)] == ["daily", "daily"]


def test_backups_are_private_consistent_copies(demo_file):
    b = backup_before(demo_file, "import")
    assert b.reason == "before-import" and b.label == "before import"
    assert b.path.stat().st_mode & 0o777 == 0o600
    assert b.path.parent.stat().st_mode & 0o777 == 0o700
    assert b.size == b.path.stat().st_size > 0
    assert count(b.path) == count(demo_file) == 24
    conn = sqlite3.connect(b.path)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    conn.close()
    assert list(b.path.parent.glob("*.part")) == []


def test_backup_dir_is_per_database(tmp_path, backup_root):
    a, b = tmp_path / "a" / "program.db", tmp_path / "b" / "program.db"
    assert backups.backup_dir(a) != backups.backup_dir(b)
    assert backups.backup_dir(a).parent == backup_root
    assert backups.backup_dir(a).name.startswith("program-")


def test_backup_sees_only_committed_data(demo_file):
    writer = open_db(demo_file)
    writer.execute("BEGIN")
    writer.execute("DELETE FROM feedback")
    b = backup_before(demo_file, "bulk")
    writer.execute("ROLLBACK")
    writer.close()
    assert count(b.path, "feedback") == count(demo_file, "feedback") > 0


def test_rolling_set_keeps_the_setting(demo_file, fixed_clock):
    db = open_db(demo_file)
    save_settings(db, Settings(**{**load_settings(db).__dict__, "backups_kept": 3}))
    db.close()
    made = []
    for i in range(5):
        clock.freeze(fixed_clock + dt.timedelta(minutes=i))
        made.append(backup_before(demo_file, f"step {i}"))
    kept = list_backups(demo_file)
    assert [b.path for b in kept] == [b.path for b in reversed(made[2:])]
    assert not made[0].path.exists()


def test_backups_in_the_same_second_do_not_collide(demo_file):
    one = make_backup(demo_file, "manual")
    two = make_backup(demo_file, "manual")
    assert one.path != two.path
    assert list_backups(demo_file)[0] == two


def test_in_memory_and_missing_files_are_not_backed_up(tmp_path):
    assert backup_before(None, "x") is None
    assert backup_before(":memory:", "x") is None
    assert backup_before(tmp_path / "none.db", "x") is None
    assert daily_backup(tmp_path / "none.db") is None


@pytest.fixture
def second_migration(monkeypatch):
    """Pretend a newer PeerDesk with a second schema migration."""

    def v2(db):
        db.execute("CREATE TABLE notes_v2 (id INTEGER PRIMARY KEY, text TEXT)")

    migrations = [*dbmod.MIGRATIONS, v2]
    monkeypatch.setattr(dbmod, "MIGRATIONS", migrations)
    monkeypatch.setattr(dbmod, "LATEST", len(migrations))
    return len(migrations)


def test_backup_before_migration(demo_file, second_migration):
    db = open_db(demo_file, before_migrate=backups.before_migrate)
    assert db.execute("PRAGMA user_version").fetchone()[0] == second_migration
    db.close()
    (b,) = list_backups(demo_file)
    assert b.reason == "before-upgrade"
    conn = sqlite3.connect(b.path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == second_migration - 1
    assert conn.execute("SELECT count(*) FROM sqlite_master WHERE name='notes_v2'").fetchone()[0] == 0
    conn.close()


def test_failed_backup_stops_the_migration(demo_file, second_migration, monkeypatch, digest):
    before = digest(demo_file)

    def full(*a, **k):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(backups, "make_backup", full)
    with pytest.raises(OSError):
        open_db(demo_file, before_migrate=backups.before_migrate)
    assert digest(demo_file) == before


def test_restore_into_an_open_workspace(demo_file):
    ws = Workspace.open(demo_file)
    good = backup_before(ws.path, "edit")
    ws.run("Add", add_participant, Participant(name="Late Comer", email="late@example.org"))
    ws.db.execute("DELETE FROM feedback")
    assert count(demo_file) == 25
    made = restore_backup(good, demo_file)
    assert made.reason == "before-restore" and count(made.path) == 25
    # the open connection sees the restored data at once
    assert ws.db.execute("SELECT count(*) FROM participants").fetchone()[0] == 24
    assert ws.db.execute("SELECT count(*) FROM feedback").fetchone()[0] > 0
    assert ws.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    ws.close()
    assert demo_file.stat().st_mode & 0o777 == 0o600


def test_restore_over_a_damaged_file_keeps_the_damaged_bytes(demo_file):
    good = backup_before(demo_file, "edit")
    raw = bytearray(demo_file.read_bytes())
    raw[0:16] = b"garbage garbage!"
    demo_file.write_bytes(bytes(raw))
    assert restore_backup(good, demo_file) is None
    assert count(demo_file) == 24
    damaged = list(good.path.parent.glob("*.damaged"))
    assert len(damaged) == 1 and damaged[0].read_bytes() == bytes(raw)
    open_db(demo_file).close()


def test_restore_refuses_a_bad_backup(demo_file, tmp_path, digest):
    before = digest(demo_file)
    fake = tmp_path / "fake.db"
    fake.write_text("not a database at all, just text")
    with pytest.raises(NotPeerDeskFile):
        restore_backup(fake, demo_file)
    assert digest(demo_file) == before


def test_latest_good_backup_skips_damaged_ones(demo_file, fixed_clock):
    good = backup_before(demo_file, "one")
    clock.freeze(fixed_clock + dt.timedelta(minutes=5))
    bad = backup_before(demo_file, "two")
    data = bytearray(bad.path.read_bytes())
    data[len(data) // 2 : len(data) // 2 + 4096] = b"\xff" * 4096
    bad.path.write_bytes(bytes(data))
    with pytest.raises(CorruptDatabase):
        backups.check_backup(bad)
    assert backups.latest_good_backup(demo_file) == good


# ------------------------------------------------------------------ peerdesk backup --out


def test_backup_command_writes_a_consistent_private_copy(demo_file, tmp_path, capsys):
    out = tmp_path / "copies" / "copy.db"
    out.parent.mkdir()
    assert main(["--db", str(demo_file), "backup", "--out", str(out)]) == 0
    assert "Backed up" in capsys.readouterr().out
    assert count(out) == 24 and out.stat().st_mode & 0o777 == 0o600
    assert sorted(p.name for p in out.parent.iterdir()) == ["copy.db"]


def test_backup_command_into_a_folder_names_the_file(demo_file, tmp_path):
    folder = tmp_path / "copies"
    folder.mkdir()
    assert main(["--db", str(demo_file), "backup", "--out", str(folder)]) == 0
    (made,) = folder.iterdir()
    assert made.name.startswith("program-2026-11-02") and count(made) == 24


def test_backup_command_errors(demo_file, tmp_path, capsys, monkeypatch):
    assert main(["--db", str(demo_file), "backup", "--out", str(tmp_path / "missing" / "x.db")]) == 1
    assert "does not exist" in capsys.readouterr().err
    assert main(["--db", str(tmp_path / "nothing.db"), "backup", "--out", str(tmp_path / "x.db")]) == 1
    assert "no program database" in capsys.readouterr().err
    assert main(["--db", str(demo_file), "backup", "--out", str(demo_file)]) == 1
    assert "cannot replace the program file" in capsys.readouterr().err
    text = tmp_path / "notes.txt"
    text.write_text("hello")
    assert main(["--db", str(text), "backup", "--out", str(tmp_path / "x.db")]) == 1
    assert "not a PeerDesk program file" in capsys.readouterr().err
    monkeypatch.setattr("os.access", lambda *a, **k: False)
    assert main(["--db", str(demo_file), "backup", "--out", str(tmp_path / "x.db")]) == 1
    err = capsys.readouterr().err
    assert "may not write in the folder" in err and err.count("\n") == 1
    assert not (tmp_path / "x.db").exists()


def test_concurrent_backups_in_the_same_second_keep_both(demo_file):
    """The daily backup runs in a background thread while a bulk operation may back up too."""
    import threading

    made, errors = [], []

    def run():
        try:
            made.append(make_backup(demo_file, "race", kept=100))
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len({b.path for b in made}) == 6 == len(list_backups(demo_file))
    assert list(made[0].path.parent.glob(".*")) == []


def test_stale_temporaries_are_cleaned_on_open_and_in_prune_and_never_counted(demo_file, backup_root):
    import os
    import time

    from peerdesk.cli import main
    from peerdesk.store.backups import backup_dir, clean_temporaries, list_backups, make_backup, prune
    from peerdesk.store.safefile import STALE_PART

    for n in range(3):
        make_backup(demo_file, f"test {n}")
    folder = backup_dir(demo_file)
    old = time.time() - STALE_PART - 60
    crashed = [folder / ".tmpab12.part", demo_file.with_name(f".{demo_file.name}.part"),
               demo_file.with_name(f".{demo_file.name}.restore.part")]  # fmt: skip
    for part in crashed:
        part.write_bytes(b"half a backup that names people" * 100)
        os.utime(part, (old, old))
    writing = folder / ".tmpcd34.part"  # another PeerDesk is writing it right now
    writing.write_bytes(b"in progress")
    real = [b.path for b in list_backups(demo_file)]
    assert len(real) == 3
    removed = prune(demo_file, 3)
    assert sorted(removed) == sorted(p for p in crashed)  # only the stale temporaries
    assert [b.path for b in list_backups(demo_file)] == real and writing.exists()
    for part in crashed:
        part.write_bytes(b"x")
        os.utime(part, (old, old))
    assert main(["--db", str(demo_file), "list", "programs"]) == 0  # opening cleans them too
    assert not any(p.exists() for p in crashed) and writing.exists()
    assert clean_temporaries(demo_file) == []


def test_a_crashed_export_temporary_is_removed_when_the_file_is_written_again(tmp_path):
    import os
    import time

    from peerdesk.store.safefile import STALE_PART, write_text

    left = tmp_path / ".people.csv.k3j2.part"
    left.write_text("half")
    os.utime(left, (time.time() - STALE_PART - 1,) * 2)
    write_text(tmp_path / "people.csv", "name\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["people.csv"]
