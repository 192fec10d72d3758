"""Programs, enrolment, goals; training modules and completions; awards."""

from __future__ import annotations

import datetime as dt

import pytest

from peerdesk.store import NotFound, ValidationError
from peerdesk.store.participants import add_participant
from peerdesk.store.programs import (
    Goal,
    Program,
    add_goal,
    add_program,
    delete_program,
    enrol,
    find_program,
    get_goal,
    get_program,
    list_goals,
    list_programs,
    member_ids,
    members,
    move_goal,
    program_meeting_minutes,
    set_completed,
    set_members,
    update_goal,
    update_program,
)
from peerdesk.store.recognition import Award, give_award, list_awards, revoke_award
from peerdesk.store.records import Participant
from peerdesk.store.training import (
    DEFAULT_MODULES,
    Module,
    add_default_modules,
    add_module,
    delete_module,
    is_trained,
    list_modules,
    record_completion,
    record_completions,
    trained_ids,
    trained_on,
    update_module,
)

D = dt.date


@pytest.fixture
def people(db):
    return [add_participant(db, Participant(name=n, email=f"{n.lower()}@x.org")).id for n in ("Ana", "Ben", "Cai")]


def test_program_roundtrip_and_validation(db):
    p = add_program(db, Program("  Buddies  2027 ", "onboarding", start_date=D(2027, 1, 1), config={"a": 1}))
    assert p.name == "Buddies 2027" and find_program(db, "buddies 2027") == p
    with pytest.raises(ValidationError, match="already a program"):
        add_program(db, Program("BUDDIES 2027"))
    with pytest.raises(ValidationError, match="ends before"):
        add_program(db, Program("X", start_date=D(2027, 2, 1), end_date=D(2027, 1, 1)))
    with pytest.raises(ValidationError, match="Objective"):
        add_program(db, Program("Y", objective="world peace"))
    closed = update_program(db, Program(**{**p.__dict__, "status": "closed"}))
    active = add_program(db, Program("Active one"))
    assert [x.name for x in list_programs(db)] == [active.name, closed.name]
    delete_program(db, p.id)
    with pytest.raises(NotFound):
        delete_program(db, p.id)


def test_enrolment(db, people):
    p = add_program(db, Program("P"))
    assert enrol(db, p.id, people[:2], D(2026, 10, 1)) == 2
    assert enrol(db, p.id, people[:2]) == 0  # already enrolled: dates kept
    set_members(db, p.id, people[1:])
    assert member_ids(db, p.id) == set(people[1:])
    kept = {m.participant_id: m.enrolled_on for m in members(db, p.id)}
    assert kept[people[1]] == D(2026, 10, 1) and kept[people[2]] == D(2026, 11, 2)
    set_completed(db, p.id, people[1], D(2026, 11, 1))
    assert members(db, p.id)[0].completed_on == D(2026, 11, 1)
    with pytest.raises(NotFound):
        set_completed(db, p.id, people[0], D(2026, 11, 1))


def test_goals(db):
    p = add_program(db, Program("P"))
    g1 = add_goal(db, Goal(p.id, " Rating ", "average_rating", 4.2, D(2026, 12, 31), params={"department": "HR"}))
    g2 = add_goal(db, Goal(p.id, "Hours", "learning_hours", 60, D(2026, 12, 31), start_date=D(2026, 7, 1)))
    assert get_goal(db, g1.id) == g1 and g1.title == "Rating" and g1.params == {"department": "HR"}
    move_goal(db, g2.id, -1)
    assert [g.id for g in list_goals(db, p.id)] == [g2.id, g1.id]
    update_goal(db, Goal(**{**g1.__dict__, "target": 4.5}))
    assert get_goal(db, g1.id).target == 4.5
    with pytest.raises(ValidationError, match="deadline"):
        add_goal(db, Goal(p.id, "Bad", "learning_hours", 1, D(2026, 1, 1), start_date=D(2026, 2, 1)))
    with pytest.raises(ValidationError, match="target"):
        add_goal(db, Goal(p.id, "Bad", "learning_hours", -1, D(2026, 12, 1)))
    delete_program(db, p.id)
    assert list_goals(db) == []


def test_training(db, people):
    assert list_modules(db) == []
    added = add_default_modules(db)
    assert [m.name for m in added] == [m.name for m in DEFAULT_MODULES]
    assert add_default_modules(db) == []
    required = [m for m in list_modules(db) if m.required]
    assert not is_trained(db, people[0])
    for m in required[:-1]:
        record_completion(db, people[0], m.id, D(2026, 9, 1))
    assert not is_trained(db, people[0])
    record_completions(db, people[:2], required[-1].id, D(2026, 10, 1))
    assert is_trained(db, people[0]) and not is_trained(db, people[1])
    assert not is_trained(db, people[0], as_of=D(2026, 9, 30))
    assert trained_ids(db) == {people[0]} and trained_on(db, people[0]) == D(2026, 10, 1)
    # A new required module makes everyone untrained until they complete it.
    extra = add_module(db, Module("Safeguarding"))
    assert trained_ids(db) == set()
    update_module(db, Module(**{**extra.__dict__, "required": False}))
    assert trained_ids(db) == {people[0]}
    delete_module(db, extra.id)
    with pytest.raises(ValidationError, match="future"):
        record_completion(db, people[0], required[0].id, D(2027, 1, 1))
    with pytest.raises(ValidationError, match="already a module"):
        add_module(db, Module(required[0].name.upper()))


def test_awards(db, people):
    with pytest.raises(ValidationError, match="reason"):
        give_award(db, Award(people[0], "Star", "  "))
    a = give_award(db, Award(people[0], "Mentor of the Quarter", "Helped three new hires settle in."))
    assert a.awarded_on == D(2026, 11, 2)
    give_award(db, Award(people[1], "Rising Star", "First lunch & learn.", awarded_on=D(2026, 10, 1)))
    assert [x.title for x in list_awards(db)] == ["Mentor of the Quarter", "Rising Star"]
    assert list_awards(db, participant_id=people[1])[0].reason == "First lunch & learn."
    revoke_award(db, a.id)
    assert len(list_awards(db)) == 1


def test_completion_of_several_members(db, people):
    from peerdesk.store.programs import set_completed_many

    p = add_program(db, Program("P"))
    enrol(db, p.id, people, D(2026, 9, 1))
    assert set_completed_many(db, p.id, people[:2], D(2026, 10, 30)) == 2
    assert [m.completed_on for m in members(db, p.id)] == [D(2026, 10, 30), D(2026, 10, 30), None]
    with pytest.raises(ValidationError, match="future"):
        set_completed_many(db, p.id, people, D(2027, 1, 1))
    set_completed_many(db, p.id, people[:1], None)
    assert members(db, p.id)[0].completed_on is None


def test_a_programs_meetings_last_an_hour_unless_set(db):
    p = add_program(db, Program("Circles"))
    assert p.meeting_minutes == 60 and program_meeting_minutes(db, p.id) == 60
    longer = update_program(db, Program(**{**p.__dict__, "config": {"meeting_minutes": 90, "other": 1}}))
    assert longer.meeting_minutes == 90 and program_meeting_minutes(db, p.id) == 90
    assert get_program(db, p.id).config["other"] == 1
    for bad in (0, 5, 10_000, "an hour", True):
        with pytest.raises(ValidationError, match="Meetings last 15 to 480 minutes") as err:
            update_program(db, Program(**{**p.__dict__, "config": {"meeting_minutes": bad}}))
        assert err.value.field == "meeting_minutes"
    assert program_meeting_minutes(db, None) == 60
