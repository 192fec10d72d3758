"""What participants asked for, in the store: preferred partners, a mentor to keep, people to avoid."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace

import pytest

from peerdesk.matching import propose
from peerdesk.matching.load import load_problem
from peerdesk.store import pairings as store
from peerdesk.store.errors import ValidationError
from peerdesk.store.participants import (
    add_participant,
    delete_participants,
    get_participant,
    participants_concerned,
    update_participant,
)
from peerdesk.store.privacy import export_participant_data
from peerdesk.store.programs import Program, add_program, enrol
from peerdesk.store.records import Participant, parse_availability, parse_email_list, parse_skills
from peerdesk.store.workspace import Workspace

WEEK = parse_availability("Mon 09:00-17:00; Tue 09:00-17:00")


def _add(db, name, **kw):
    first = name.split()[0].lower()
    for key in ("teaches", "learns"):
        if isinstance(kw.get(key), str):
            kw[key] = parse_skills(kw[key])
    return add_participant(db, Participant(name=name, email=f"{first}@x.org", availability=WEEK, **kw))


def test_choices_are_stored_in_order_and_read_back_as_emails(db):
    ana, bo, cy = _add(db, "Ana Silva"), _add(db, "Bo Li"), _add(db, "Cy Park")
    max_ = _add(db, "Max Müller", prefers=("CY@x.org ", "ana@x.org"), avoids=("bo@x.org",), keep_mentor=True)
    again = get_participant(db, max_.id)
    assert again.prefers == ("cy@x.org", "ana@x.org") and again.avoids == ("bo@x.org",) and again.keep_mentor
    assert again == max_
    update_participant(db, replace(again, prefers=("ana@x.org",), avoids=(), keep_mentor=False))
    assert get_participant(db, max_.id).prefers == ("ana@x.org",)
    assert get_participant(db, max_.id).avoids == () and not get_participant(db, max_.id).keep_mentor
    assert {p.name for p in (ana, bo, cy)} == {"Ana Silva", "Bo Li", "Cy Park"}


@pytest.mark.parametrize(
    ("prefers", "avoids", "field", "words"),
    [
        (("nobody@x.org",), (), "prefers", "nobody@x.org (preferred partner) is not a participant"),
        ((), ("ghost@x.org",), "avoids", "ghost@x.org (person to avoid) is not a participant"),
        (("ana@x.org", "ana@x.org"), (), "prefers", "named twice"),
        (("max@x.org",), (), "prefers", "cannot name themselves"),
        (("ana@x.org",), ("ana@x.org",), "avoids", "both a preferred partner and someone to avoid"),
        (tuple(f"p{k}@x.org" for k in range(6)), (), "prefers", "At most 5 preferred partners"),
        (("not an address",), (), "prefers", "not a well-formed e-mail address"),
    ],
)
def test_bad_choices_are_refused_with_the_field_at_fault(db, prefers, avoids, field, words):
    _add(db, "Ana Silva")
    with pytest.raises(ValidationError, match=re.escape(words)) as err:
        _add(db, "Max Müller", prefers=prefers, avoids=avoids)
    assert err.value.field == field
    assert db.execute("SELECT count(*) FROM participants").fetchone()[0] == 1  # nothing half-written


def test_email_lists_split_on_any_separator_once_each():
    assert parse_email_list("Ana@x.org; bo@x.org,cy@x.org\n<dee@x.org> ana@x.org") == (
        "ana@x.org",
        "bo@x.org",
        "cy@x.org",
        "dee@x.org",
    )
    assert parse_email_list("  ") == ()


def test_deleting_someone_drops_them_from_others_choices_and_marks_those_changed(db):
    ana = _add(db, "Ana Silva")
    max_ = _add(db, "Max Müller", prefers=("ana@x.org",))
    zoe = _add(db, "Zoë Ødegård", avoids=("ana@x.org",))
    ws = Workspace(db)
    _, changes = ws.run("Delete", delete_participants, [ana.id])
    assert get_participant(db, max_.id).prefers == () and get_participant(db, zoe.id).avoids == ()
    assert participants_concerned(db, changes, 100) == {ana.id, max_.id, zoe.id}


def test_the_loader_resolves_choices_among_the_people_it_loads_and_the_mentor_to_keep(db):
    ana = _add(db, "Ana Silva", role="mentor", teaches="Python:5", capacity=2)
    bo = _add(db, "Bo Li", role="mentor", teaches="Python:5")
    outsider = _add(db, "Out Sider")
    max_ = _add(db, "Max Müller", role="mentee", learns="Python:2", keep_mentor=True, prefers=("out@x.org", "bo@x.org"))
    zoe = _add(db, "Zoë Ødegård", role="mentee", learns="Python:2", avoids=("ana@x.org",))
    earlier = add_program(db, Program(name="Spring"))
    program = add_program(db, Program(name="Autumn"))
    enrol(db, program.id, [ana.id, bo.id, max_.id, zoe.id])
    # Max had Ana as mentor in an earlier program, now ended.
    group = store.NewGroup(members=((ana.id, "mentor"), (max_.id, "mentee")), score=0.8, breakdown={})
    store.accept_round(db, "mentoring", [group], program_id=earlier.id, started_on=dt.date(2026, 3, 1))
    pairing = store.active_pairings(db)[0]
    store.end_pairing(db, pairing.id, dt.date(2026, 6, 30))
    problem = load_problem(db, "mentoring", program_id=program.id)
    by_id = {p.id: p for p in problem.people}
    assert outsider.id not in by_id
    assert by_id[max_.id].prefers == (bo.id,)  # the outsider is not in this program
    assert by_id[max_.id].keep_mentor == ana.id
    assert by_id[zoe.id].avoids == (ana.id,)
    proposal = propose(problem)
    pairs = {g.ids for g in proposal.groups}
    assert (ana.id, max_.id) in pairs and (bo.id, zoe.id) in pairs
    kept = next(g for g in proposal.groups if g.ids == (ana.id, max_.id))
    assert "Max asked to keep Ana as mentor" in kept.facts
    assert proposal.choices.stated == 1 and proposal.choices.first == 1
    buddies = load_problem(db, "buddies", program_id=program.id)
    assert {p.keep_mentor for p in buddies.people} == {None}  # keeping a mentor is for mentoring


def test_a_persons_export_holds_their_own_choices_but_not_what_others_asked_about_them(db):
    ana = _add(db, "Ana Silva")
    _add(db, "Bo Li", avoids=("ana@x.org",))
    _add(db, "Cy Park", prefers=("ana@x.org",))
    update_participant(db, replace(get_participant(db, ana.id), prefers=("cy@x.org",), avoids=("bo@x.org",)))
    data = export_participant_data(db, ana.id)
    assert [r["partner_details"]["email"] for r in data["records"]["preferred_partners"]] == ["cy@x.org"]
    assert [r["other_details"]["email"] for r in data["records"]["avoided_partners"]] == ["bo@x.org"]
    assert not {"preferred_partners.partner_id", "avoided_partners.other_id"} & set(data["records"])
    assert "bo@x.org" not in str(data["named_in"])
