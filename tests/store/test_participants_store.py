import datetime as dt

import pytest

from peerdesk.store import NotFound, ValidationError
from peerdesk.store.participants import (
    add_participant,
    delete_participants,
    find_by_email,
    get_participant,
    list_participants,
    set_archived,
    update_participant,
)
from peerdesk.store.records import Participant, SkillLevel, Window, parse_availability, parse_skills


def person(**kw):
    base = dict(name="Zoë Ødegård", email="zoe@example.com", timezone="Europe/Oslo")
    base.update(kw)
    return Participant(**base)


def test_add_and_read_back_with_children(db):
    p = add_participant(
        db,
        person(
            teaches=parse_skills("Python:5; SQL"),
            learns=parse_skills("Kubernetes:2"),
            availability=parse_availability("Mon 09:00-12:00; Wed 14:00-17:30"),
            hire_date=dt.date(2025, 9, 1),
        ),
    )
    got = get_participant(db, p.id)
    assert got == p
    assert got.teaches == (SkillLevel("Python", 5), SkillLevel("SQL", 3))
    assert got.availability == (Window(0, 540, 720), Window(2, 840, 1050))


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("name", "  ", "name is required"),
        ("email", "not-an-email", "not a well-formed"),
        ("capacity", 99, "Capacity"),
        ("timezone", "Mars/Olympus", "not a time zone"),
        ("role", "boss", "Role"),
    ],
)
def test_validation_rejects_and_writes_nothing(db, field, value, message):
    with pytest.raises(ValidationError, match=message):
        add_participant(db, person(**{field: value}))
    assert list_participants(db) == []


def test_email_is_unique_regardless_of_case(db):
    add_participant(db, person())
    with pytest.raises(ValidationError, match="already used"):
        add_participant(db, person(name="Other", email="ZOE@example.com"))


def test_update_archive_delete(db):
    p = add_participant(db, person())
    update_participant(db, Participant(**{**p.__dict__, "department": "Sales"}))
    assert find_by_email(db, "ZOE@EXAMPLE.COM").department == "Sales"
    assert set_archived(db, [p.id], True) == 1
    assert get_participant(db, p.id).archived
    assert list_participants(db, include_archived=False) == []
    delete_participants(db, [p.id])
    with pytest.raises(NotFound):
        get_participant(db, p.id)


def test_parse_errors_are_readable():
    with pytest.raises(ValueError, match="1-5"):
        parse_skills("Python:9")
    with pytest.raises(ValueError, match="ends before"):
        parse_availability("Mon 12:00-09:00")
    assert parse_availability("Mon 9-12; mon 11:00-13:00") == (Window(0, 540, 780),)


@pytest.mark.parametrize("field", ["name", "email", "department", "notes"])
def test_control_characters_are_refused(db, field):
    value = {"name": "Ada\x00", "email": "ada\x1b@example.com", "department": "R\x07D", "notes": "bell \x07"}[field]
    with pytest.raises(ValidationError, match="control characters"):
        add_participant(db, person(**{field: value}))
    add_participant(db, person(notes="line one\nline two\tend"))
