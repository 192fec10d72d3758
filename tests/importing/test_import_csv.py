"""Participant CSV import as HR tools and spreadsheets really write files."""

from __future__ import annotations

import csv

import pytest

from peerdesk.importing import apply_import, export_participants, plan_import
from peerdesk.store import ValidationError
from peerdesk.store.participants import add_participant, find_by_email, list_participants
from peerdesk.store.records import Participant, SkillLevel, Window

HEADER = "name,email,department,title,location,timezone,hire_date,role,capacity,manager_email,teaches,learns,availability,status,notes"


def write(tmp_path, text: str, encoding: str = "utf-8", name: str = "people.csv"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_plain_utf8_file_adds_everyone(db, tmp_path):
    path = write(
        tmp_path,
        HEADER + "\n"
        "Zoë Ødegård,zoe.odegard@example.com,Platform Engineering,Senior Engineer,Oslo,Europe/Oslo,2025-09-01,mentor,2,"
        'ana.silva@example.com,"Python:5; SQL:4; Code review","Kubernetes:2; Public speaking","Mon 09:00-12:00; Wed 14:00-17:30",active,\n',
    )
    plan = plan_import(db, path)
    assert (len(plan.added), len(plan.updated), plan.errors) == (1, 0, [])
    apply_import(db, plan)
    zoe = find_by_email(db, "zoe.odegard@example.com")
    assert zoe.name == "Zoë Ødegård" and zoe.capacity == 2 and zoe.role == "mentor"
    assert zoe.teaches == (SkillLevel("Python", 5), SkillLevel("SQL", 4), SkillLevel("Code review", 3))
    assert zoe.learns[1] == SkillLevel("Public speaking", 3)
    assert zoe.availability == (Window(0, 540, 720), Window(2, 840, 1050))


def test_bom_semicolons_synonyms_and_first_last_names(db, tmp_path):
    text = "\ufeffFirst name;Last name;E-mail address;Team;Time zone\nŁukasz;Wójcik;LUKASZ@example.com;Sales;Europe/Warsaw\n"
    plan = plan_import(db, write(tmp_path, text))
    assert plan.delimiter == ";" and plan.encoding == "utf-8-sig"
    assert plan.added[0].name == "Łukasz Wójcik"
    assert plan.added[0].email == "lukasz@example.com"
    assert plan.added[0].department == "Sales"


def test_windows_1252_file(db, tmp_path):
    text = "Full name,Email,Department\r\nJosé Müller,jose@example.com,Finanças\r\n"
    plan = plan_import(db, write(tmp_path, text, encoding="cp1252"))
    assert plan.encoding == "windows-1252"
    assert plan.added[0].name == "José Müller"
    assert plan.added[0].department == "Finanças"


def test_quoted_newlines_keep_line_numbers_right(db, tmp_path):
    text = (
        "name,email,notes,learns\n"
        '"Ada",ada@example.com,"first line\nsecond line",Python:2\n'
        "\n"
        "Bob,bob@example.com,,Rust:9\n"
    )
    plan = plan_import(db, write(tmp_path, text))
    assert plan.added[0].notes == "first line\nsecond line"
    assert [(e.line, e.reason) for e in plan.errors] == [(5, "Level of Rust must be 1-5, not 9")]


def test_bad_rows_are_reported_by_line_and_block_the_import(db, tmp_path):
    text = (
        "name,email,timezone,capacity,role\n"
        "Ada,ada@example.com,Europe/London,2,mentor\n"
        "Ada again,ADA@example.com,Europe/London,1,mentor\n"
        ",nobody@example.com,UTC,1,peer\n"
        "Max,max@example.com,Mars/Base,1,peer\n"
        "Eve,eve-at-example.com,UTC,1,peer\n"
        "Kim,kim@example.com,UTC,lots,peer\n"
        "Lee,lee@example.com,UTC,1,boss\n"
    )
    plan = plan_import(db, write(tmp_path, text))
    lines = {e.line: e.reason for e in plan.errors}
    assert sorted(lines) == [3, 4, 5, 6, 7, 8]
    assert "first on line 2" in lines[3]
    assert "name is required" in lines[4]
    assert "not a time zone" in lines[5]
    assert "well-formed" in lines[6]
    assert "whole number" in lines[7]
    assert "Role 'boss'" in lines[8]
    with pytest.raises(ValidationError):
        apply_import(db, plan)
    assert list_participants(db) == []
    assert apply_import(db, plan, good_rows=True) == 1
    assert [p.email for p in list_participants(db)] == ["ada@example.com"]


def test_reimport_updates_and_never_duplicates(db, tmp_path):
    add_participant(db, Participant(name="Ada", email="ada@example.com", department="R&D", notes="keep me"))
    path = write(tmp_path, "name,email,department\nAda Lovelace,ada@example.com,Research\nBob,bob@example.com,Sales\n")
    plan = plan_import(db, path)
    assert len(plan.added) == 1 and len(plan.updated) == 1
    old, new = plan.updated[0]
    assert (old.name, new.name, new.notes) == ("Ada", "Ada Lovelace", "keep me")
    apply_import(db, plan)
    again = plan_import(db, path)
    assert (again.added, again.updated, again.unchanged) == ([], [], 2)


@pytest.mark.parametrize(
    "content,message",
    [
        (b"", "empty"),
        (b"\x00\x01\x02\x03binary\x00", "binary"),
        (b"department,title\nSales,Rep\n", "no name or email column"),
        (b"   \n\n", "empty"),
    ],
)
def test_unreadable_files_are_refused(db, tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(ValidationError, match=message):
        plan_import(db, path)


def test_export_neutralises_formulas_and_round_trips(db, tmp_path):
    add_participant(
        db,
        Participant(
            name='=HYPERLINK("http://evil")',
            email="x@example.com",
            notes="-3 points; +1 @team",
            teaches=(SkillLevel("SQL", 4),),
            availability=(Window(1, 600, 660),),
        ),
    )
    out = tmp_path / "out.csv"
    assert export_participants(db, out) == 1
    with out.open(encoding="utf-8-sig", newline="") as fh:
        row = next(csv.DictReader(fh))
    assert row["name"] == '\'=HYPERLINK("http://evil")'
    assert row["notes"] == "'-3 points; +1 @team"
    assert row["availability"] == "Tue 10:00-11:00"
    plan = plan_import(db, out)
    assert (plan.added, plan.updated, plan.unchanged, plan.errors) == ([], [], 1, [])
