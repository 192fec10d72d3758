"""The writer lock follows the file (symlinks, other spellings) and hard-linked files are refused."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from peerdesk.cli import main
from peerdesk.store.db import open_db
from peerdesk.store.lock import FileInUse, HardLinked, WriterLock, lock_path, read_lock
from tests.safety.conftest import HOLDER


@pytest.fixture
def window(holder):
    """Another PeerDesk (as an open window) holding the demo file through its real name."""
    return holder


@pytest.fixture
def people_csv(tmp_path):
    path = tmp_path / "in.csv"
    path.write_text("name,email\nAda Lovelace,ada@example.com\n", encoding="utf-8")
    return path


def test_import_through_a_symlink_meets_the_window_lock(demo_file, window, people_csv, tmp_path, capsys):
    link = tmp_path / "elsewhere" / "alias.db"
    link.parent.mkdir()
    link.symlink_to(demo_file)
    assert lock_path(link) == lock_path(demo_file)
    with pytest.raises(FileInUse):
        WriterLock.acquire(link)
    assert main(["--db", str(link), "import", "participants", str(people_csv)]) == 1
    assert "in use by" in capsys.readouterr().err


def test_a_hard_linked_file_is_refused_with_a_clear_message(demo_file, window, people_csv, tmp_path, capsys):
    twin = tmp_path / "twin.db"
    os.link(demo_file, twin)
    with pytest.raises(HardLinked):
        WriterLock.acquire(twin)
    before = demo_file.read_bytes()
    assert main(["--db", str(twin), "import", "participants", str(people_csv)]) == 1
    err = capsys.readouterr().err
    assert "hard links" in err and len(err.strip().splitlines()) == 1
    assert demo_file.read_bytes() == before
    with pytest.raises(HardLinked):
        open_db(twin)  # no writer, whatever the path


def test_the_lock_records_the_file_and_catches_another_spelling(demo_file, window, tmp_path):
    held = read_lock(demo_file)
    st = demo_file.stat()
    assert (held.device, held.inode) == (st.st_dev, st.st_ino)
    # as a case-insensitive disk would let "PROGRAM.peerdesk.db" name the same file: another lock file name
    spelled = tmp_path / "Program.PEERDESK.db"
    os.rename(demo_file, spelled)
    with pytest.raises(FileInUse):
        WriterLock.acquire(spelled)


def test_two_writers_creating_a_new_file_take_turns(tmp_path, people_csv, capsys):
    new = tmp_path / "new" / "program.db"
    new.parent.mkdir()
    child = subprocess.Popen([sys.executable, "-c", HOLDER, str(new)], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "ready"
        assert not new.exists()  # locked before it exists
        assert main(["--db", str(new), "import", "participants", str(people_csv)]) == 1
        assert "in use by" in capsys.readouterr().err
    finally:
        child.kill()
        child.wait()
    assert main(["--db", str(new), "import", "participants", str(people_csv)]) == 0
