"""Intake from form exports: Microsoft Forms and Google Forms files through a column mapping."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from peerdesk import importing, intake
from peerdesk.cli import main
from peerdesk.intake import ColumnMap, ColumnMapping
from peerdesk.store import open_db
from peerdesk.store.errors import ValidationError
from peerdesk.store.participants import add_participant, find_by_email, list_participants
from peerdesk.store.records import Participant, SkillLevel, Window, format_availability
from peerdesk.store.workspace import Workspace

FORMS = Path(__file__).parent / "forms"
MS = FORMS / "microsoft_forms.csv"
GOOGLE = FORMS / "google_forms.csv"
MORNINGS = tuple(Window(d, 9 * 60, 12 * 60) for d in range(5))


def _fields(mapping: ColumnMapping) -> dict[str, str | None]:
    return {c.header: c.field for c in mapping.columns}


def test_a_microsoft_forms_export_is_recognised_and_mapped_question_by_question(db):
    found = importing.read_intake(db, MS)
    assert found.needs_mapping and not found.remembered
    fields = _fields(found.mapping)
    for ignored in ("ID", "Start time", "Completion time", "Last modified time"):  # the form's own columns
        assert fields[ignored] is None
    assert fields["Email"] == "email" and fields["Name"] == "name"
    assert fields["Which team are you in?"] == "department"
    assert fields["How would you like to take part?"] == "role"
    assert fields["Which skills can you teach others?"] == "teaches"
    assert fields["Which skills would you like to learn?"] == "learns"
    assert fields["When are you usually available?"] == "availability"
    assert fields["Who would you like as a mentor? (their e-mail)"] == "prefers"
    assert fields["Would you like to keep your current mentor?"] == "keep_mentor"
    assert fields["Is there anyone you would rather not be paired with?"] == "avoids"
    assert fields["Anything else we should know?"] == "notes"
    level = next(c for c in found.mapping.columns if c.field == "level")
    assert level.of == "Which skills would you like to learn?"
    availability = dict(next(c for c in found.mapping.columns if c.field == "availability").answers)
    assert availability["Mornings"] == format_availability(MORNINGS)
    assert availability["Mon/Wed afternoons"] == "Mon 13:00-17:00; Wed 13:00-17:00"
    assert availability["Thursday afternoons"] == "Thu 13:00-17:00"
    assert availability["Whenever the moon is full"] == ""  # nothing to suggest: the coordinator fills it in


def test_the_mapped_import_reads_multi_select_answers_levels_availability_and_choices(db):
    mapping = importing.read_intake(db, MS).mapping
    plan = importing.plan_import(db, MS, mapping=mapping)
    assert list_participants(db) == []  # nothing is written before the preview is accepted
    people = {p.email: p for p in plan.added}
    ana, max_, zoe, bo = (people[f"{n}@contoso.com"] for n in ("ana.silva", "max.muller", "zoe.odegard", "bo.li"))
    assert ana.role == "mentor" and max_.role == "mentee" and zoe.role == "both" and bo.role == "peer"
    assert ana.teaches == (SkillLevel("Python", 4), SkillLevel("SQL", 4), SkillLevel("Code review", 4))
    assert max_.learns == (SkillLevel("Python", 1), SkillLevel("Public speaking", 1))  # "Beginner"
    assert zoe.learns == (SkillLevel("SQL", 3),)  # "Intermediate"
    assert ana.availability == (*MORNINGS[:3], Window(3, 9 * 60, 12 * 60), Window(3, 13 * 60, 17 * 60), MORNINGS[4])
    assert max_.prefers == ("ana.silva@contoso.com", "bo.li@contoso.com") and max_.keep_mentor
    assert zoe.avoids == ("max.muller@contoso.com",) and not zoe.keep_mentor
    assert ana.notes == "Happy to take two mentees"
    assert (bo.department, bo.teaches, bo.learns, bo.availability, bo.prefers) == ("", (), (), (), ())  # blank answers
    # A bad answer: its row is reported by line, the others are fine.
    ((line, reason),) = [(e.line, e.reason) for e in plan.errors]
    assert line == 6 and reason.startswith("Level 'Very keen' is not 1-5")
    assert plan.mapping_source == "given"


def test_accepting_the_import_writes_everyone_and_remembers_the_mapping_for_the_same_headers(db):
    mapping = importing.read_intake(db, MS).mapping
    plan = importing.plan_import(db, MS, mapping=mapping)
    Workspace(db).run("Import", importing.apply_import, plan, good_rows=True)
    max_ = find_by_email(db, "max.muller@contoso.com")
    assert max_.prefers == ("ana.silva@contoso.com", "bo.li@contoso.com")  # Bo comes later in the file
    again = importing.plan_import(db, MS)  # no mapping given: the remembered one
    assert again.mapping_source == "remembered" and again.mapping == mapping
    assert again.unchanged == 4 and not again.added and not again.updated
    assert importing.read_intake(db, MS).remembered


def test_a_google_forms_export_with_comma_separated_answers_and_names_for_choices(db):
    found = importing.read_intake(db, GOOGLE)
    fields = _fields(found.mapping)
    assert fields["Timestamp"] is None and fields["Email Address"] == "email" and fields["Full name"] == "name"
    assert fields["Would you like to take part as a mentor, a mentee or both?"] == "role"
    plan = importing.plan_import(db, GOOGLE, mapping=found.mapping)
    people = {p.name: p for p in plan.added}
    assert people["Li Chen"].teaches == (SkillLevel("Figma", 4), SkillLevel("User research", 4))
    assert people["Li Chen"].availability == (Window(1, 9 * 60, 11 * 60), Window(4, 9 * 60, 17 * 60))
    assert people["Noor Haddad"].learns == (SkillLevel("Figma", 2), SkillLevel("Public speaking", 2))
    assert people["Noor Haddad"].prefers == ("li.chen@example.org",)  # named, and only Li has that name
    assert people["Mei Sato"].prefers == ("li.chen@example.org",)
    assert people["Ivan Petrov"].prefers == ()
    ((note),) = plan.notes
    assert note.line == 4 and note.reason == "Preferred partner 'Nobody Known' left out: nobody has that name or e-mail"
    assert plan.errors == []


def test_an_unknown_availability_answer_is_a_bad_row_and_a_blank_window_means_none(db):
    mapping = importing.read_intake(db, GOOGLE).mapping
    availability = next(c for c in mapping.columns if c.field == "availability")
    fewer = replace(availability, answers=tuple(a for a in availability.answers if a[0] != "Any time"))
    columns = tuple(fewer if c is availability else c for c in mapping.columns)
    plan = importing.plan_import(db, GOOGLE, mapping=ColumnMapping(columns))
    assert [(e.line, e.reason) for e in plan.errors] == [
        (5, "Availability answer 'Any time' has no weekly windows in the column mapping")
    ]
    blank = replace(availability, answers=tuple((a, "" if a == "Fridays" else w) for a, w in availability.answers))
    columns = tuple(blank if c is availability else c for c in mapping.columns)
    plan = importing.plan_import(db, GOOGLE, mapping=ColumnMapping(columns))
    li = next(p for p in plan.added if p.name == "Li Chen")
    assert li.availability == (Window(1, 9 * 60, 11 * 60),)


def test_a_file_without_participant_columns_needs_a_mapping(db, tmp_path):
    form = tmp_path / "form.csv"
    form.write_text("Timestamp,Your work e-mail please,What should we call you?\n2025/09/01,a@x.org,Ann\n")
    with pytest.raises(importing.NeedsMapping, match="no name or email column"):
        importing.plan_import(db, form)
    mapping = importing.read_intake(db, form).mapping
    assert _fields(mapping)["Your work e-mail please"] == "email"
    named = ColumnMapping(
        tuple(replace(c, field="name") if c.header.startswith("What should") else c for c in mapping.columns)
    )
    plan = importing.plan_import(db, form, mapping=named)
    assert [(p.name, p.email) for p in plan.added] == [("Ann", "a@x.org")]


@pytest.mark.parametrize(
    ("columns", "message"),
    [
        ((ColumnMap("Name", "name"),), "Map a column to E-mail"),
        ((ColumnMap("E", "email"),), "Map a column to Name"),
        ((ColumnMap("E", "email"), ColumnMap("N", "name"), ColumnMap("M", "name")), "Name is mapped twice"),
        ((ColumnMap("E", "email"), ColumnMap("N", "name"), ColumnMap("L", "level")), "gives the level of"),
        (
            (ColumnMap("E", "email"), ColumnMap("N", "name"), ColumnMap("T", "teaches", level=7)),
            "default level of “T” must be 1-5",
        ),
        (
            (ColumnMap("E", "email"), ColumnMap("N", "name"), ColumnMap("A", "availability", answers=(("x", "Mon"),))),
            "Availability answer “x”",
        ),
    ],
)
def test_a_mapping_that_cannot_work_says_why(columns, message):
    with pytest.raises(ValidationError, match=message):
        ColumnMapping(columns).check()


def test_a_mapping_survives_its_json_and_bad_json_is_refused():
    mapping = ColumnMapping(
        (
            ColumnMap("Timestamp"),
            ColumnMap("Email", "email"),
            ColumnMap("Name", "name"),
            ColumnMap("Skills", "teaches", level=5),
            ColumnMap("Level", "level", of="Skills"),
            ColumnMap("When", "availability", answers=(("Mornings", "Mon 09:00-12:00"),)),
        )
    )
    assert ColumnMapping.from_json(json.loads(mapping.dumps())) == mapping
    with pytest.raises(ValidationError, match='"columns" list'):
        ColumnMapping.from_json({"columns": "all"})
    with pytest.raises(ValidationError, match="is not one of"):
        ColumnMapping.from_json({"columns": [{"header": "x", "field": "shoe_size"}]})


@pytest.mark.parametrize(
    ("answer", "options"),
    [("Python;SQL;", ["Python", "SQL"]), ("Python, SQL", ["Python", "SQL"]), ("a\nb", ["a", "b"]), ("", [])],
)
def test_multi_select_answers_split_on_the_forms_separators(answer, options):
    assert intake.split_answers(answer) == options


@pytest.mark.parametrize(
    ("answer", "windows"),
    [
        ("Mornings", format_availability(MORNINGS)),
        ("Mon/Wed afternoons", "Mon 13:00-17:00; Wed 13:00-17:00"),
        ("Tue 9-11am", "Tue 09:00-11:00"),
        ("Mon-Thu 2-5", "Mon 14:00-17:00; Tue 14:00-17:00; Wed 14:00-17:00; Thu 14:00-17:00"),
        ("Weekends", "Sat 09:00-17:00; Sun 09:00-17:00"),
        ("Lunchtime", format_availability(tuple(Window(d, 12 * 60, 13 * 60) for d in range(5)))),
        ("Wed 14:00-17:30", "Wed 14:00-17:30"),
        ("It depends", ""),
    ],
)
def test_availability_answers_get_suggested_windows(answer, windows):
    assert intake.suggest_windows(answer) == windows


def test_the_command_line_suggests_a_mapping_and_imports_with_it(tmp_path, capsys):
    path = tmp_path / "program.db"
    assert main(["--db", str(path), "import", "participants", str(MS)]) == 0  # only the named columns
    out = capsys.readouterr().out
    assert "columns not read:" in out and "--mapping" in out
    map_file = tmp_path / "map.json"
    assert main(["--db", str(path), "import", "participants", str(MS), "--suggest-mapping", str(map_file)]) == 0
    data = json.loads(map_file.read_text(encoding="utf-8"))
    assert data["format"] == intake.FORMAT and len(data["columns"]) == 16
    code = main(["--db", str(path), "import", "participants", str(MS), "--mapping", str(map_file), "--good-rows"])
    assert code == 0
    captured = capsys.readouterr()
    assert "line 6: Level 'Very keen'" in captured.err
    db = open_db(path, readonly=True)
    try:
        assert find_by_email(db, "max.muller@contoso.com").learns[0] == SkillLevel("Python", 1)
    finally:
        db.close()
    assert main(["--db", str(path), "import", "participants", str(MS), "--dry-run"]) == 0
    assert "mapping remembered for files with these headers" in capsys.readouterr().out


def test_the_command_line_says_when_a_file_needs_a_mapping(tmp_path, capsys):
    form = tmp_path / "form.csv"
    form.write_text("Timestamp,Your work e-mail please\n2025/09/01,a@x.org\n")
    assert main(["--db", str(tmp_path / "p.db"), "import", "participants", str(form)]) == 1
    err = capsys.readouterr().err
    assert "no name or email column" in err and "--suggest-mapping MAP.json" in err
    bad = tmp_path / "bad.json"
    bad.write_text('{"columns": [{"header": "Timestamp", "field": "email"}]}')
    assert main(["--db", str(tmp_path / "p.db"), "import", "participants", str(form), "--mapping", str(bad)]) == 1
    assert "Map a column to Name" in capsys.readouterr().err


def test_the_participant_csv_carries_preferred_partners_and_keep_mentor_but_never_whom_to_avoid(db, tmp_path):
    add_participant(db, Participant(name="Ana Silva", email="ana@x.org"))
    add_participant(db, Participant(name="Bo Li", email="bo@x.org"))
    add_participant(
        db,
        Participant(
            name="Max Müller", email="max@x.org", prefers=("ana@x.org",), keep_mentor=True, avoids=("bo@x.org",)
        ),
    )
    out = tmp_path / "people.csv"
    importing.export_participants(db, out)
    text = out.read_text(encoding="utf-8-sig")
    header = text.splitlines()[0].split(",")
    assert header[-2:] == ["preferred_partners", "keep_mentor"]
    assert "bo@x.org" not in text.split("max@x.org", 1)[1].splitlines()[0]  # Max's row: no avoid list
    plan = importing.plan_import(db, out)
    assert plan.unchanged == 3 and plan.changes == 0  # a round trip changes nothing, the avoid list stays
    assert find_by_email(db, "max@x.org").avoids == ("bo@x.org",)
