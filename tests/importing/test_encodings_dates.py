"""Encodings are detected (and can be chosen), dates read in the file's order, semicolon CSV exported."""

from __future__ import annotations

import datetime as dt

import pytest

from peerdesk.cli import main
from peerdesk.importing import (
    decode_text,
    export_participants,
    open_table,
    parse_date,
    plan_import,
)
from peerdesk.store.errors import ValidationError
from peerdesk.store.participants import add_participant, list_participants
from peerdesk.store.records import Participant

PEOPLE = {
    "koi8-r": ["Анна Петрова", "Иван Смирнов", "Ольга Кузнецова"],
    "shift_jis": ["山田太郎", "佐藤花子", "鈴木一郎"],
    "gb18030": ["王伟", "李娜", "张敏"],
    "windows-1252": ["Zoë Ødegård", "José Núñez", "Françoise Dürr"],
}


def _csv(names, department=""):
    return "name,email,department\n" + "".join(f"{n},p{i}@example.org,{department}\n" for i, n in enumerate(names))


@pytest.mark.parametrize("encoding", list(PEOPLE))
def test_legacy_encodings_are_detected(db, tmp_path, encoding):
    path = tmp_path / "people.csv"
    path.write_bytes(_csv(PEOPLE[encoding], "Отдел" if encoding == "koi8-r" else "").encode(encoding))
    plan = plan_import(db, path)
    assert plan.encoding == encoding and not plan.errors
    assert [p.name for p in plan.added] == PEOPLE[encoding]


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark(db, tmp_path, codec):
    path = tmp_path / "people.csv"
    path.write_bytes(_csv(["Zoë Ødegård", "李娜"]).encode(codec))
    plan = plan_import(db, path)
    assert plan.encoding == codec and [p.name for p in plan.added] == ["Zoë Ødegård", "李娜"]
    assert "byte-order mark" in plan.encoding_note


def test_utf8_with_one_stray_latin1_byte_keeps_the_rest_right(db, tmp_path):
    path = tmp_path / "people.csv"
    path.write_bytes(
        _csv(["Zoë Ødegård", "Łukasz"]).encode("utf-8") + "Andr\xe9,andre@example.org,\n".encode("latin-1")
    )
    plan = plan_import(db, path)
    assert plan.encoding == "utf-8"
    assert [p.name for p in plan.added] == ["Zoë Ødegård", "Łukasz", "André"]  # not "ZoÃ«"
    assert "1 stray byte" in plan.encoding_note and "line 4" in plan.encoding_note


def test_the_user_can_choose_the_encoding(db, tmp_path):
    path = tmp_path / "people.csv"
    path.write_bytes(_csv(["Анна Петрова"]).encode("windows-1251"))
    chosen = plan_import(db, path, encoding="windows-1251")
    assert chosen.encoding == "windows-1251" and chosen.added[0].name == "Анна Петрова"
    with pytest.raises(ValidationError, match="cannot be read as UTF-8"):
        plan_import(db, path, encoding="utf-8")


def test_cli_shows_and_takes_the_encoding(tmp_path, capsys):
    path = tmp_path / "people.csv"
    path.write_bytes(_csv(PEOPLE["koi8-r"]).encode("koi8-r"))
    db = tmp_path / "p.db"
    assert main(["--db", str(db), "import", "participants", str(path), "--dry-run"]) == 0
    assert "KOI8-R" in capsys.readouterr().out
    assert main(["--db", str(db), "import", "participants", str(path), "--encoding", "koi8-r"]) == 0
    assert main(["--db", str(db), "list", "participants", "--json"]) == 0
    assert "Анна Петрова" in capsys.readouterr().out


def test_binary_files_are_still_refused():
    with pytest.raises(ValidationError, match="binary"):
        decode_text(b"PK\x03\x04\x00\x00\x08\x00" * 100)


@pytest.mark.parametrize(
    ("text", "order", "day"),
    [("2025-09-01", "dmy", dt.date(2025, 9, 1)), ("01.09.2025", "dmy", dt.date(2025, 9, 1)),
     ("1/9/2025", "dmy", dt.date(2025, 9, 1)), ("9/1/2025", "mdy", dt.date(2025, 9, 1)),
     ("01-09-25", "dmy", dt.date(2025, 9, 1)), ("1 September 2025", "dmy", dt.date(2025, 9, 1)),
     ("Sep 1, 2025", "mdy", dt.date(2025, 9, 1)), ("2025-09-01 00:00:00", "mdy", dt.date(2025, 9, 1))],
)  # fmt: skip
def test_common_date_forms(text, order, day):
    assert parse_date(text, order) == day


def _dates_csv(tmp_path, dates):
    path = tmp_path / "dates.csv"
    rows = "".join(f"P{i},p{i}@example.org,{d}\n" for i, d in enumerate(dates))
    path.write_text("name;email;hire date\n".replace(";", ",") + rows, encoding="utf-8")
    return path


def test_day_or_month_first_is_worked_out_per_file(db, tmp_path):
    european = plan_import(db, _dates_csv(tmp_path, ["01.09.2025", "25.12.2024"]))
    assert european.date_order == "dmy" and not european.dates_ambiguous
    assert [p.hire_date for p in european.added] == [dt.date(2025, 9, 1), dt.date(2024, 12, 25)]
    american = plan_import(db, _dates_csv(tmp_path, ["9/1/2025", "12/25/2024"]))
    assert american.date_order == "mdy" and not american.dates_ambiguous
    assert [p.hire_date for p in american.added] == [dt.date(2025, 9, 1), dt.date(2024, 12, 25)]


def test_an_ambiguous_file_says_so_and_the_choice_can_be_changed(db, tmp_path, capsys):
    path = _dates_csv(tmp_path, ["1/9/2025", "3/4/2024"])
    assumed = plan_import(db, path)
    assert assumed.date_order == "dmy" and assumed.dates_ambiguous
    assert assumed.added[0].hire_date == dt.date(2025, 9, 1)
    changed = plan_import(db, path, dates="mdy")
    assert changed.date_order == "mdy" and not changed.dates_ambiguous
    assert changed.added[0].hire_date == dt.date(2025, 1, 9)
    assert main(["--db", str(tmp_path / "p.db"), "import", "participants", str(path), "--dry-run"]) == 0
    assert "assumed" in capsys.readouterr().out
    assert main(["--db", str(tmp_path / "p.db"), "import", "participants", str(path), "--dates", "mdy"]) == 0


def test_semicolon_export_round_trips(db, tmp_path, capsys):
    add_participant(db, Participant(name="Zoë; Ødegård", email="zoe@example.org", notes="a, b; c"))
    out = tmp_path / "people.csv"
    export_participants(db, out, delimiter=";")
    table = open_table(out)
    assert table.delimiter == ";" and table.header[:2] == ["name", "email"]
    plan = plan_import(db, out)
    assert plan.unchanged == 1 and not plan.added and not plan.updated
    assert out.stat().st_mode & 0o777 == 0o600


def test_cli_export_delimiter(tmp_path, capsys):
    db = tmp_path / "p.db"
    src = tmp_path / "in.csv"
    src.write_text("name,email\nAda,ada@example.org\n", encoding="utf-8")
    assert main(["--db", str(db), "import", "participants", str(src)]) == 0
    out = tmp_path / "out.csv"
    assert main(["--db", str(db), "export", "participants", str(out), "--delimiter", ";"]) == 0
    assert out.read_text(encoding="utf-8-sig").splitlines()[0].startswith("name;email;")


def test_genuine_leading_apostrophes_survive_a_round_trip(db, tmp_path):
    notes = ["'quoted'", "'=not a formula", "''two", "=SUM(A1)", "-5 days", "plain"]
    for i, note in enumerate(notes):
        add_participant(db, Participant(name=f"P{i}", email=f"p{i}@example.org", notes=note))
    out = tmp_path / "people.csv"
    export_participants(db, out)
    text = out.read_text(encoding="utf-8-sig")
    assert "\n=SUM" not in text and ",=SUM" not in text  # still never a formula
    plan = plan_import(db, out)
    assert plan.unchanged == len(notes) and not plan.updated
    assert sorted(p.notes for p in list_participants(db)) == sorted(notes)


def test_a_huge_header_gives_a_bounded_error_line(db, tmp_path):
    path = tmp_path / "wide.csv"
    path.write_text(",".join(f"column number {i}" for i in range(100_000)) + "\n1\n", encoding="utf-8")
    with pytest.raises(ValidationError) as info:
        plan_import(db, path)
    assert len(str(info.value)) < 700 and "99988 more" in str(info.value)
