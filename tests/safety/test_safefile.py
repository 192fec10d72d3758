"""Atomic export writing: complete or absent, with clear messages for folder problems."""

from __future__ import annotations

import errno
import os

import pytest

from peerdesk.store import safefile
from peerdesk.store.errors import DiskFull
from peerdesk.store.safefile import WriteFailed, atomic_path, atomic_write, check_folder, write_bytes, write_text


def leftovers(folder):
    return sorted(p.name for p in folder.iterdir())


def test_write_replaces_atomically_and_leaves_no_temp(tmp_path):
    target = tmp_path / "out.csv"
    target.write_text("old")
    write_text(target, "name,email\r\nZoë,z@x.org\r\n", newline="")
    assert target.read_bytes().decode("utf-8") == "name,email\r\nZoë,z@x.org\r\n"
    assert leftovers(tmp_path) == ["out.csv"]


def test_private_files_are_owner_only(tmp_path):
    write_bytes(tmp_path / "a.json", b"{}", private=True)
    assert (tmp_path / "a.json").stat().st_mode & 0o777 == 0o600


def test_exports_are_owner_only_like_the_database_whatever_the_umask(tmp_path):
    old = os.umask(0o000)
    try:
        write_bytes(tmp_path / "a.ics", b"x")
        write_bytes(tmp_path / "b.txt", b"x", private=False)
    finally:
        os.umask(old)
    assert (tmp_path / "a.ics").stat().st_mode & 0o777 == 0o600
    assert (tmp_path / "b.txt").stat().st_mode & 0o777 == 0o666


def test_exception_in_the_block_keeps_the_old_file_and_removes_the_temp(tmp_path):
    target = tmp_path / "report.pdf"
    target.write_bytes(b"complete old report")
    with pytest.raises(RuntimeError), atomic_write(target, "wb") as fh:
        fh.write(b"half of a new rep")
        raise RuntimeError("renderer crashed")
    assert target.read_bytes() == b"complete old report"
    assert leftovers(tmp_path) == ["report.pdf"]


def test_keyboard_interrupt_removes_the_temp(tmp_path):
    with pytest.raises(KeyboardInterrupt), atomic_write(tmp_path / "x.csv") as fh:
        fh.write("a")
        raise KeyboardInterrupt
    assert leftovers(tmp_path) == []


class _FullDisk:
    """A file object on a disk with `room` bytes left: writes beyond it fail with ENOSPC."""

    def __init__(self, real, room):
        self.real, self.room = real, room

    def write(self, data):
        if len(data) > self.room:
            raise OSError(errno.ENOSPC, "No space left on device")
        self.room -= len(data)
        return self.real.write(data)

    def __getattr__(self, name):
        return getattr(self.real, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.real.close()


def test_full_disk_during_export_leaves_no_partial_file(tmp_path, monkeypatch):
    real_fdopen = os.fdopen
    monkeypatch.setattr(os, "fdopen", lambda *a, **k: _FullDisk(real_fdopen(*a, **k), room=1000))
    target = tmp_path / "participants.csv"
    with pytest.raises(DiskFull, match="disk is full"):
        with atomic_write(target, "w", newline="") as fh:
            for i in range(1000):
                fh.write(f"person {i},p{i}@example.org\r\n")
    assert leftovers(tmp_path) == []


def test_full_disk_at_fsync_leaves_no_partial_file(tmp_path, monkeypatch):
    def no_space(fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", no_space)
    with pytest.raises(DiskFull):
        write_bytes(tmp_path / "big.pdf", b"x" * 100_000)
    assert leftovers(tmp_path) == []


def test_full_disk_real_device_write_is_reported(tmp_path):
    """/dev/full answers every write with ENOSPC: the message names the disk, not a traceback."""
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full here")
    with open("/dev/full", "wb", buffering=0) as dev, pytest.raises(OSError) as info:
        dev.write(b"x")
    assert isinstance(safefile.explain(info.value, tmp_path / "a.csv"), DiskFull)


def test_missing_folder_is_named(tmp_path):
    target = tmp_path / "no" / "such" / "folder" / "out.csv"
    with pytest.raises(WriteFailed, match="does not exist"):
        write_text(target, "x")
    assert not (tmp_path / "no").exists()


def test_target_that_is_a_folder(tmp_path):
    with pytest.raises(WriteFailed, match="is a folder"):
        write_text(tmp_path, "x")


def test_folder_that_is_a_file(tmp_path):
    (tmp_path / "f").write_text("")
    with pytest.raises(WriteFailed, match="not a folder"):
        write_text(tmp_path / "f" / "out.csv", "x")


def test_read_only_folder_by_permission(tmp_path, monkeypatch):
    """The temp file cannot be created: EACCES becomes a message about the folder."""

    def denied(*args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(safefile.tempfile, "mkstemp", denied)
    with pytest.raises(WriteFailed, match="may not write in the folder"):
        write_text(tmp_path / "out.csv", "x")
    assert leftovers(tmp_path) == []


def test_read_only_disk(tmp_path, monkeypatch):
    def rofs(*args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(safefile.tempfile, "mkstemp", rofs)
    with pytest.raises(WriteFailed, match="read-only disk"):
        write_text(tmp_path / "out.csv", "x")


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root ignores folder permissions")
def test_read_only_folder_for_real(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        with pytest.raises(WriteFailed, match="may not write"):
            write_text(folder / "out.csv", "x")
        assert leftovers(folder) == []
    finally:
        folder.chmod(0o700)


def test_rename_failure_removes_temp(tmp_path, monkeypatch):
    def fail(src, dst):
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(WriteFailed, match="could not be written"):
        write_text(tmp_path / "out.csv", "x")
    assert leftovers(tmp_path) == []


def test_atomic_path_for_libraries_that_write_by_name(tmp_path):
    target = tmp_path / "cert.pdf"
    with atomic_path(target) as tmp:
        assert tmp.parent == tmp_path and tmp != target
        tmp.write_bytes(b"%PDF-1.4 ...")
        assert not target.exists()
    assert target.read_bytes() == b"%PDF-1.4 ..."
    with pytest.raises(ValueError), atomic_path(target) as tmp:
        tmp.write_bytes(b"broken")
        raise ValueError("layout failed")
    assert target.read_bytes() == b"%PDF-1.4 ..."
    assert leftovers(tmp_path) == ["cert.pdf"]


def test_check_folder(tmp_path):
    assert check_folder(tmp_path) == tmp_path
    with pytest.raises(WriteFailed, match="does not exist"):
        check_folder(tmp_path / "missing")
    made = check_folder(tmp_path / "new" / "sub", create=True)
    assert made.is_dir()
    (tmp_path / "file").write_text("")
    with pytest.raises(WriteFailed, match="not a folder"):
        check_folder(tmp_path / "file", create=True)


def test_other_files_errors_are_not_blamed_on_the_target(tmp_path):
    """A font the renderer cannot find is not 'the folder does not exist'."""
    with pytest.raises(FileNotFoundError) as info, atomic_path(tmp_path / "cert.pdf"):
        open(tmp_path / "fonts" / "DejaVuSans.ttf", "rb")  # noqa: SIM115
    assert "DejaVuSans.ttf" in str(info.value)
    assert leftovers(tmp_path) == []
