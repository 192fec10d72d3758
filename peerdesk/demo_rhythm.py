"""The demo program's rhythm: plans of meetings, cadences, cohorts, a template and past drafts.

Added after the demo's history is written: the shipped plans are given to each program and
numbered over its pairs' meetings in order, each program gets a cadence, New-Hire Buddies
runs in two cohorts (the first closed by the completion rule), and feedback requests were
drafted two days after each held session of the last eight weeks, so that response rates show.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from peerdesk.printing.eligibility import Condition, KindRule, parse_rules, save_rules
from peerdesk.programs.cohorts import close_cohort
from peerdesk.programs.guides import apply_default_plan
from peerdesk.store.cohorts import Cohort, add_cohort, enrol_in_cohort
from peerdesk.store.db import Database
from peerdesk.store.messages import Drafted, log_drafts, save_template
from peerdesk.store.plans import number_meetings
from peerdesk.store.programs import get_program, update_program
from peerdesk.store.settings import load_settings, save_settings

PLANS = {"onboarding": "buddy", "mentoring": "mentoring", "circles": "circle"}
CADENCES = {"onboarding": "weekly", "mentoring": "fortnightly", "circles": "monthly"}
SURVEY = "https://forms.example.com/northwind/peer-learning-feedback"
REQUEST_WEEKS = 8


def add_rhythm(db: Database, programs: dict[str, int], today: dt.date) -> None:
    """Plans, cadences, cohorts, a template and the drafting log of the demo (one transaction)."""
    with db.atomic():
        for key, program_id in programs.items():
            apply_default_plan(db, program_id, PLANS[key])
            number_meetings(db, program_id)
            program = get_program(db, program_id)
            update_program(db, replace(program, config={**program.config, "cadence": CADENCES[key]}))
        _cohorts(db, programs["onboarding"], today)
        save_settings(db, replace(load_settings(db), survey_url=SURVEY))
        save_template(
            db,
            "reminders",
            "{first_name}, time for your next {program} meeting",
            "Hello {first_name},\n\nPairs in {program} meet {cadence}; you and {partners} last met {last_met}.\n\n"
            "Next on your plan: {next_step}\n{next_step_agenda}\n\nWhen would suit you both?\n\n{coordinator}\n",
        )
        _past_requests(db, today)


def _cohorts(db: Database, program_id: int, today: dt.date) -> None:
    # A buddy hosts about half of the pair's meetings: two attended make a completed onboarding.
    rule = KindRule(
        "completion",
        True,
        "Certificate of Completion",
        (Condition("program_completed", 1), Condition("sessions_attended", 2)),
    )
    save_rules(db, program_id, {**parse_rules(get_program(db, program_id).config), "completion": rule})
    start = dt.date.fromisoformat(
        db.execute("SELECT start_date FROM programs WHERE id = ?", (program_id,)).fetchone()[0]
    )
    split = today - dt.timedelta(days=60)
    first = add_cohort(db, Cohort(program_id, "First cohort", start, split - dt.timedelta(days=1)))
    second = add_cohort(db, Cohort(program_id, "Second cohort", split, today + dt.timedelta(days=90)))
    assert first.id is not None and second.id is not None
    early: list[tuple[int, dt.date]] = []
    late: list[tuple[int, dt.date]] = []
    for pid, enrolled in db.execute(
        "SELECT participant_id, enrolled_on FROM program_members WHERE program_id = ?", (program_id,)
    ).fetchall():
        (early if dt.date.fromisoformat(enrolled) < split else late).append((pid, dt.date.fromisoformat(enrolled)))
    for pid, enrolled in early:
        enrol_in_cohort(db, first.id, [pid], enrolled)
    close_cohort(db, first.id)
    not_done = [
        r[0]
        for r in db.execute(
            "SELECT participant_id FROM cohort_members WHERE cohort_id = ? AND completed_on IS NULL", (first.id,)
        )
    ]
    for pid in not_done[: len(not_done) // 2]:  # half of those who did not complete come back
        enrol_in_cohort(db, second.id, [pid], split)
    for pid, enrolled in late:
        enrol_in_cohort(db, second.id, [pid], enrolled)


def _past_requests(db: Database, today: dt.date) -> None:
    since = (today - dt.timedelta(weeks=REQUEST_WEEKS)).isoformat()
    rows = db.execute(
        "SELECT s.id, sp.participant_id, s.start_utc FROM sessions s JOIN session_people sp ON sp.session_id = s.id "
        "WHERE s.status = 'held' AND s.start_utc >= ? AND s.start_utc < ? AND sp.role = 'attendee' AND sp.attended = 1",
        (since, (today - dt.timedelta(days=2)).isoformat()),
    ).fetchall()
    log_drafts(
        db,
        [
            Drafted("feedback", pid, sid, None, (dt.datetime.fromisoformat(start) + dt.timedelta(days=2)).isoformat())
            for sid, pid, start in rows
        ],
    )
