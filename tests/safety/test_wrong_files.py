"""Files that are not sound PeerDesk databases: a clear message, and their bytes never change."""

from __future__ import annotations

import os
import random
import shutil
import sqlite3

import pytest

from peerdesk.cli import main
from peerdesk.commands.check import check_file
from peerdesk.store.db import open_db
from peerdesk.store.errors import CorruptDatabase, NewerVersionError, NotPeerDeskFile, StoreError


def _binary(path, demo):
    path.write_bytes(random.Random(1).randbytes(50_000))


def _text(path, demo):
    path.write_text("name,email\nZoë,zoe@example.org\n", encoding="utf-8")


def _truncated(path, demo):
    data = demo.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def _header_only(path, demo):
    path.write_bytes(demo.read_bytes()[:60])


def _corrupt_middle(path, demo):
    data = bytearray(demo.read_bytes())
    rng = random.Random(2)
    start, end = len(data) * 2 // 5, len(data) * 3 // 5
    data[start:end] = rng.randbytes(end - start)
    path.write_bytes(bytes(data))


def _newer(path, demo):
    shutil.copyfile(demo, path)
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA user_version = 99")
    conn.close()


def _other_sqlite(path, demo):
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT)")
    conn.execute("INSERT INTO moz_places(url) VALUES ('https://example.org')")
    conn.commit()
    conn.close()


WRONG = {
    "binary": (_binary, NotPeerDeskFile, "not a PeerDesk program file"),
    "text": (_text, NotPeerDeskFile, "not a PeerDesk program file"),
    "truncated": (_truncated, CorruptDatabase, "damaged"),
    "header-only": (_header_only, CorruptDatabase, "truncated or damaged"),
    "corrupt-middle": (_corrupt_middle, CorruptDatabase, "damaged"),
    "newer": (_newer, NewerVersionError, "newer PeerDesk"),
    "other-sqlite": (_other_sqlite, NotPeerDeskFile, "not a PeerDesk program file"),
}


@pytest.fixture
def closed_demo(demo_file):
    """The demo file with its write-ahead log folded in, as after a clean close."""
    conn = sqlite3.connect(demo_file)
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    return demo_file


@pytest.mark.parametrize("kind", sorted(WRONG))
def test_refused_with_a_clear_message_and_never_written(kind, tmp_path, closed_demo, digest):
    make, error, words = WRONG[kind]
    path = tmp_path / f"{kind}.db"
    make(path, closed_demo)
    before = digest(path)
    siblings = sorted(os.listdir(tmp_path))
    for attempt in (
        lambda: open_db(path),
        lambda: open_db(path, create=False),
        lambda: open_db(path, readonly=True),
    ):
        with pytest.raises(error, match=words) as info:
            attempt()
        assert path.name in str(info.value) and "\n" not in str(info.value)
    assert digest(path) == before
    assert sorted(os.listdir(tmp_path)) == siblings  # no journal or lock files left beside it


@pytest.mark.parametrize("kind", sorted(WRONG))
def test_check_command_fails_on_wrong_files(kind, tmp_path, closed_demo, digest, capsys):
    make, _error, _words = WRONG[kind]
    path = tmp_path / f"{kind}.db"
    make(path, closed_demo)
    before = digest(path)
    assert main(["--db", str(path), "check"]) == 1
    out, err = capsys.readouterr()
    assert "FAIL" in out and "Result: FAILED" in out
    assert err.startswith("peerdesk: check failed:") and err.count("\n") == 1
    assert main(["--db", str(path), "list", "participants"]) == 1
    assert capsys.readouterr().err.count("\n") == 1
    assert digest(path) == before


def test_check_passes_on_a_sound_file(closed_demo, digest, capsys):
    before = digest(closed_demo)
    assert main(["--db", str(closed_demo), "check"]) == 0
    out = capsys.readouterr().out
    assert "integrity   ok" in out and "references  ok" in out and "Result: ok" in out
    assert "24 participants" in out
    assert digest(closed_demo) == before


def test_check_reports_broken_references(closed_demo, capsys):
    conn = sqlite3.connect(closed_demo)  # foreign keys off: as a buggy tool would write
    conn.execute("INSERT INTO session_people(session_id, participant_id) VALUES (1, 99999)")
    conn.commit()
    conn.close()
    findings = {f.what: f for f in check_file(closed_demo)}
    assert not findings["references"].ok and "session_people -> participants" in findings["references"].detail
    assert main(["--db", str(closed_demo), "check"]) == 1


def test_check_on_missing_file_and_folder(tmp_path, capsys):
    assert main(["--db", str(tmp_path / "none.db"), "check"]) == 1
    assert "no program database" in capsys.readouterr().err
    assert main(["--db", str(tmp_path), "check"]) == 1
    assert "is a folder" in capsys.readouterr().err


def test_check_on_an_empty_file(tmp_path, capsys):
    (tmp_path / "empty.db").write_bytes(b"")
    assert main(["--db", str(tmp_path / "empty.db"), "check"]) == 1
    assert "empty" in capsys.readouterr().out
    assert (tmp_path / "empty.db").read_bytes() == b""


def test_an_empty_file_is_initialised_as_design_says(tmp_path):
    path = tmp_path / "new.db"
    path.write_bytes(b"")
    open_db(path).close()
    assert path.stat().st_size > 0 and path.stat().st_mode & 0o777 == 0o600


def test_every_store_error_message_is_one_line(tmp_path, closed_demo):
    for kind, (make, _e, _w) in WRONG.items():
        path = tmp_path / f"{kind}.db"
        make(path, closed_demo)
        try:
            open_db(path)
        except StoreError as exc:
            assert len(str(exc)) < 300 and "Traceback" not in str(exc)
