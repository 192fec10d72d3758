"""Meeting plans: saved in order, taken step by step by new meetings of a pairing, shown in invitations."""

from __future__ import annotations

import datetime as dt

import pytest

from peerdesk.invites.build import description
from peerdesk.invites.model import load_selection
from peerdesk.programs.guides import apply_default_plan, default_plans, suggested_plan
from peerdesk.sessions.recurrence import Recurrence, create_series
from peerdesk.store.errors import ValidationError
from peerdesk.store.participants import add_participant
from peerdesk.store.plans import PlanStep, plan_of, plan_progress, save_plan, steps_of_sessions
from peerdesk.store.programs import Program, add_program
from peerdesk.store.records import Participant
from peerdesk.store.sessions import Session, create_session, get_session, set_status, update_session

UTC = dt.UTC


@pytest.fixture
def pair(db):
    program = add_program(db, Program("Mentoring", "upskilling")).id
    other = add_program(db, Program("Other", "custom")).id
    ana = add_participant(db, Participant("Ana", "ana@example.com")).id
    ben = add_participant(db, Participant("Ben", "ben@example.com")).id
    pid = db.execute(
        "INSERT INTO pairings(program_id, kind, started_on, created_at) VALUES (?, 'mentoring', '2026-10-01', 'x')",
        (program,),
    ).lastrowid
    for person, role in ((ana, "mentor"), (ben, "mentee")):
        db.execute("INSERT INTO pairing_members VALUES (?, ?, ?)", (pid, person, role))
    return db, program, other, pid, (ana, ben)


def meeting(pairing, people, day, **kw):
    return Session(
        "Catch-up",
        dt.datetime(2026, 11, day, 10, tzinfo=UTC),
        pairing_id=pairing,
        hosts=people[:1],
        attendees=people[1:],
        **kw,
    )


def three_steps(db, program):
    return save_plan(
        db,
        program,
        [
            PlanStep(
                "Goals and expectations",
                "Get to know each other.",
                "What do you want?\n\n  Why?  ",
                "Guide https://example.com/g",
            ),
            PlanStep("Skills plan"),
            PlanStep("Retrospective"),
        ],
    )


def test_a_plan_is_saved_in_order_and_edited_in_place(pair):
    db, program, *_ = pair
    first = three_steps(db, program)
    assert [(s.position, s.title) for s in plan_of(db, program)] == [
        (1, "Goals and expectations"),
        (2, "Skills plan"),
        (3, "Retrospective"),
    ]
    assert first[0].question_list == ["What do you want?", "Why?"] and first[0].questions == "What do you want?\nWhy?"
    moved = save_plan(db, program, [first[2], first[0]])  # reordered, one removed
    assert [(s.id, s.position) for s in moved] == [(first[2].id, 1), (first[0].id, 2)]
    assert [s.title for s in plan_of(db, program)] == ["Retrospective", "Goals and expectations"]


def test_a_plan_refuses_empty_titles_and_links_that_are_not_links(pair):
    db, program, *_ = pair
    with pytest.raises(ValidationError, match="Meeting 2 needs a title"):
        save_plan(db, program, [PlanStep("One"), PlanStep("  ")])
    with pytest.raises(ValidationError, match="not a web link"):
        save_plan(db, program, [PlanStep("One", links="see the wiki")])
    assert plan_of(db, program) == []


def test_new_meetings_take_the_next_step(pair):
    db, program, _other, pid, people = pair
    steps = three_steps(db, program)
    one = create_session(db, meeting(pid, people, 3))
    two = create_session(db, meeting(pid, people, 10))
    assert (one.plan_step_id, two.plan_step_id) == (steps[0].id, steps[1].id)
    assert get_session(db, two.id).plan_step_id == steps[1].id
    set_status(db, [two.id], "cancelled")  # a cancelled meeting leaves its step to the next one
    again = create_session(db, meeting(pid, people, 17))
    assert again.plan_step_id == steps[1].id
    last = create_session(db, meeting(pid, people, 24))
    done = create_session(db, meeting(pid, people, 30))
    assert (last.plan_step_id, done.plan_step_id) == (steps[2].id, None)  # the plan is done
    progress = plan_progress(db, [pid])[pid]
    assert (progress.total, progress.reached, progress.text) == (3, 3, "all 3 booked, 0 held")


def test_an_explicit_step_or_none_is_kept(pair):
    db, program, other, pid, people = pair
    steps = three_steps(db, program)
    chosen = create_session(db, meeting(pid, people, 3, plan_step_id=steps[2].id))
    assert chosen.plan_step_id == steps[2].id
    assert create_session(db, meeting(pid, people, 4, plan_step_id=None)).plan_step_id is None
    elsewhere = save_plan(db, other, [PlanStep("Elsewhere")])
    with pytest.raises(ValidationError, match="plan step belongs"):
        create_session(db, meeting(pid, people, 5, plan_step_id=elsewhere[0].id))
    lunch = create_session(db, Session("Lunch", dt.datetime(2026, 11, 3, 12, tzinfo=UTC)))
    assert lunch.plan_step_id is None  # not a pairing's meeting
    moved = update_session(db, get_session(db, chosen.id))
    assert moved.plan_step_id == steps[2].id


def test_a_repeating_pair_meeting_walks_through_the_plan(pair):
    db, program, _other, pid, people = pair
    steps = three_steps(db, program)
    made = create_series(db, meeting(pid, people, 3), Recurrence("weekly", 1, count=4))
    assert [s.plan_step_id for s in made] == [steps[0].id, steps[1].id, steps[2].id, None]
    progress = plan_progress(db, [pid])[pid]
    assert progress.text == "all 3 booked, 0 held"
    set_status(db, [s.id for s in made], "held")
    assert plan_progress(db, [pid])[pid].text == "all 3 held"


def test_where_a_pairing_is_in_its_plan(pair):
    db, program, _other, pid, people = pair
    assert plan_progress(db, [pid]) == {}  # no plan, nothing to show
    three_steps(db, program)
    assert plan_progress(db, [pid])[pid].text == "not started · next: Goals and expectations"
    s = create_session(db, meeting(pid, people, 3))
    set_status(db, [s.id], "held")
    p = plan_progress(db, [pid])[pid]
    assert (p.reached, p.held, p.text) == (1, 1, "1 of 3 · next: Skills plan")


def test_the_invitation_carries_the_guide(pair):
    db, program, _other, pid, people = pair
    three_steps(db, program)
    s = create_session(db, meeting(pid, people, 3, description="Bring your notes."))
    assert steps_of_sessions(db, [s.id])[s.id].label == "Meeting 1 of 3: Goals and expectations"
    (item,) = load_selection(db, [s.id]).sessions
    text = description(item)
    assert text.startswith("Bring your notes.\n\nMeeting 1 of 3: Goals and expectations\n\nGet to know each other.")
    assert "- What do you want?" in text and "- Guide https://example.com/g" in text


def test_the_shipped_plans(pair):
    db, program, *_ = pair
    plans = default_plans()
    assert list(plans) == ["mentoring", "buddy", "circle"]
    assert plans["mentoring"].steps[0].title == "Goals and expectations"
    assert plans["mentoring"].steps[-1].title == "Retrospective"
    for plan in plans.values():
        assert len(plan.steps) >= 5 and all(s.agenda and s.question_list for s in plan.steps)
    saved = apply_default_plan(db, program, "buddy")
    assert [s.title for s in saved] == [s.title for s in plans["buddy"].steps]
    assert suggested_plan("onboarding") == "buddy" and suggested_plan("custom", {"circle"}) == "circle"
    assert suggested_plan("onboarding", {"mentoring", "circle"}) == "buddy"
    with pytest.raises(ValidationError, match="ships no plan called 'yoga'"):
        apply_default_plan(db, program, "yoga")
