"""Drafted messages: who gets which, the drafting log, templates, and .eml files that mail programs open."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import string
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from peerdesk import clock
from peerdesk.invites.messages import Draft, plan_drafts
from peerdesk.invites.outbox import compose, draft_messages, write_drafts
from peerdesk.invites.templates import (
    KINDS,
    PLACEHOLDERS,
    Template,
    check_template,
    default_template,
    fill,
    load_template,
)
from peerdesk.invites.text import clean_line, header_text
from peerdesk.store.errors import StoreError, ValidationError
from peerdesk.store.messages import Recipient, reset_template, save_template
from peerdesk.store.plans import PlanStep, save_plan
from peerdesk.store.settings import Settings, save_settings
from peerdesk.store.workspace import Workspace
from tests.metrics.conftest import add_pairing, add_session, build_small

UTC = dt.UTC
HEADERS = {
    "From",
    "To",
    "Subject",
    "Date",
    "Message-ID",
    "X-Unsent",
    "Content-Type",
    "Content-Transfer-Encoding",
    "MIME-Version",
}


@pytest.fixture
def small(workspace):
    save_settings(workspace.db, Settings(coordinator_name="Ana Coordinator", coordinator_email="coord@example.com",
                                          survey_url="https://forms.example.com/s/feedback"))  # fmt: skip
    return build_small(workspace.db)


def parse(data: bytes) -> email.message.EmailMessage:
    return email.message_from_bytes(data, policy=email.policy.default)


def test_feedback_requests_go_to_people_present_who_did_not_answer(small):
    plan = plan_drafts(small.db, "feedback")
    # Held since 10-04: s3, s4, s9 (everyone present answered) and s7, where only Cai (present) did not.
    assert [(d.recipient.name, d.session_id) for d in plan.drafts] == [("Cai", small.s["s7"])]
    subject, body = plan.text(0)
    assert subject == "How was Session 7?"
    assert "https://forms.example.com/s/feedback" in body and f"#{small.s['s7']}" in body
    assert "Fri 30 Oct 2026" in body and "hosted by Ana" in body


def test_the_log_keeps_the_same_message_from_being_drafted_twice(small, tmp_path):
    first = draft_messages(Workspace(small.db), "feedback", tmp_path / "a")
    assert len(first.written) == 1
    again = plan_drafts(small.db, "feedback")
    assert again.drafts == [] and again.skipped[0].reason == "drafted on 02 Nov 2026"
    assert len(plan_drafts(small.db, "feedback", include_recent=True).drafts) == 1


def test_reminders_go_to_pairs_behind_their_cadence_once_a_week(small, tmp_path):
    plan = plan_drafts(small.db, "reminders")
    # pr1 (Ana, Ben: last met 09-20) and pr4 (Ana, Cai: never met) are behind; one message per person.
    assert sorted((d.recipient.name, d.pairing_id) for d in plan.drafts) == sorted(
        [("Ana", small.pair["pr1"]), ("Ben", small.pair["pr1"]), ("Ana", small.pair["pr4"]), ("Cai", small.pair["pr4"])]
    )
    ben = next(d for d in plan.drafts if d.recipient.name == "Ben")
    assert ben.values["last_met"] == "43 days ago" and ben.values["partners"] == "Ana"
    draft_messages(Workspace(small.db), "reminders", tmp_path)
    assert plan_drafts(small.db, "reminders").drafts == []
    clock.freeze(clock.now() + dt.timedelta(days=6, hours=23))
    assert plan_drafts(small.db, "reminders").drafts == []
    clock.freeze(clock.now() + dt.timedelta(hours=2))  # more than a week later
    assert len(plan_drafts(small.db, "reminders").drafts) == 4


def test_a_reminder_names_the_next_meeting_of_the_plan(small):
    save_plan(small.db, small.prog["P1"], [PlanStep("Goals", "Set goals.", "What now?"), PlanStep("Skills plan")])
    plan = plan_drafts(small.db, "reminders", pairing_ids=[small.pair["pr1"]])
    _subject, body = plan.text(0)
    assert "Next on your plan: meeting 1: Goals\nSet goals.\n- What now?" in body


def new_pair(small, with_meeting=True):
    pid = add_pairing(
        small.db, small.prog["P2"], "buddy", [(small.p["dee"], "peer"), (small.p["gus"], "peer")], dt.date(2026, 10, 20)
    )
    if with_meeting:
        sid = add_session(small.db, 99, small.prog["P2"], pid, "pair_meeting", "2026-11-05T10:00:00+00:00", 45, "planned",
                          [(small.p["dee"], "host", None), (small.p["gus"], "attendee", None)])  # fmt: skip
        small.db.execute(
            "UPDATE sessions SET created_at = ?, updated_at = ? WHERE id = ?", (clock.stamp(), clock.stamp(), sid)
        )
    return pid


def test_welcome_with_the_first_meeting_and_its_invitation(small, tmp_path):
    save_plan(small.db, small.prog["P2"], [PlanStep("Welcome"), PlanStep("How work gets done")])
    pid = new_pair(small)
    plan = plan_drafts(small.db, "welcome")
    assert [(d.recipient.name, d.pairing_id) for d in plan.drafts] == [("Dee", pid), ("Gus", pid)]
    _subject, body = plan.text(0)
    assert "- Gus, peer, Engineering, gus@example.com" in body
    assert "Thu 05 Nov 2026, 10:00–10:45 (UTC)" in body and "1. Welcome\n2. How work gets done" in body
    msg = parse(compose(plan, plan.drafts[0]))
    types = [p.get_content_type() for p in msg.walk()]
    assert types == ["multipart/mixed", "multipart/alternative", "text/plain", "text/calendar", "application/ics"]
    calendar = next(p for p in msg.walk() if p.get_content_type() == "text/calendar")
    assert calendar.get_param("method") == "REQUEST" and b"SUMMARY:Session 99" in calendar.get_content().encode()


def test_no_calendar_part_without_an_invitation(small):
    new_pair(small, with_meeting=False)
    save_plan(small.db, small.prog["P1"], [PlanStep("Goals")])
    kinds = {"welcome": plan_drafts(small.db, "welcome"), "reminders": plan_drafts(small.db, "reminders"),
             "feedback": plan_drafts(small.db, "feedback")}  # fmt: skip
    welcome = kinds["welcome"]
    assert "not booked yet" in welcome.text(0)[1]
    for plan in kinds.values():
        for d in plan.drafts:
            msg = parse(compose(plan, d))
            assert [p.get_content_type() for p in msg.walk()] == ["text/plain"]


def test_training_reminders_list_the_modules_still_open(small):
    small.db.execute(
        "DELETE FROM training_completions WHERE participant_id = ? AND module_id = ?", (small.p["ana"], small.mod["M2"])
    )
    plan = plan_drafts(small.db, "training")
    assert [d.recipient.name for d in plan.drafts] == ["Ana"]
    values = plan.drafts[0].values
    assert (values["mentees"], values["mentee_count"], values["modules"]) == ("Ben", "1", "- Listening")


def test_drafts_need_the_coordinators_address(workspace):
    build_small(workspace.db)
    with pytest.raises(StoreError, match="coordinator.s e-mail"):
        plan_drafts(workspace.db, "feedback")


# --- templates ---------------------------------------------------------------------------------


def test_shipped_templates_use_only_their_placeholders():
    for kind in KINDS:
        t = default_template(kind)
        assert check_template(t) == t
        used = {f for _l, f, _s, _c in string.Formatter().parse(t.subject + t.body) if f}
        assert used <= set(PLACEHOLDERS[kind])


@pytest.mark.parametrize(
    ("subject", "body", "message"),
    [
        ("Hi {first_name}", "Dear {nmae},", r"\{nmae\} is not a placeholder of feedback requests. Use: \{first_name\}"),
        ("Hi {partners}", "Text", r"\{partners\} is not a placeholder"),
        ("Hi", "{first_name:>20}", "is not a placeholder: write a name alone"),
        ("Hi", "{first_name.upper}", "is not a placeholder"),
        ("Hi", "{0}", "is not a placeholder"),
        ("Hi", "A { brace", "not closed"),
        ("Two\nlines", "Text", "The subject is one line"),
        ("", "Text", "needs a subject"),
    ],
)
def test_bad_templates_are_refused(subject, body, message):
    with pytest.raises(ValidationError, match=message):
        check_template(Template("feedback", subject, body))


def test_a_template_is_stored_in_the_program_file(small):
    t = check_template(Template("feedback", "Rate {session_title}", "Hi {first_name}, {{braces}} stay.\n"))
    save_template(small.db, "feedback", t.subject, t.body)
    assert load_template(small.db, "feedback") == t
    plan = plan_drafts(small.db, "feedback")
    assert plan.text(0) == ("Rate Session 7", "Hi Cai, {braces} stay.\n")
    reset_template(small.db, "feedback")
    assert load_template(small.db, "feedback").is_default


# --- the files -----------------------------------------------------------------------------------


PEOPLE = ["Zoë Ødegård", "李小龍", "Олена Коваленко", "محمد علي", 'O\'Brien, "Pat"; Jr.', "Nguyễn Thị Minh Khai"]


@pytest.mark.parametrize("name", PEOPLE)
def test_headers_of_any_script_are_encoded_words(small, tmp_path, name):
    small.db.execute("UPDATE participants SET name = ? WHERE id = ?", (name, small.p["cai"]))
    small.db.execute("UPDATE sessions SET title = ? WHERE id = ?", (f"Atelier {name}", small.s["s7"]))
    result = write_drafts(plan_drafts(small.db, "feedback"), tmp_path)
    (path,) = result.written
    raw = path.read_bytes()
    head = raw.split(b"\r\n\r\n", 1)[0]
    assert head.isascii() and b"X-Unsent: 1" in head
    msg = parse(raw)
    assert set(msg.keys()) == HEADERS
    assert msg["To"].addresses[0].display_name == name.replace('"', "\u201d")
    assert msg["Subject"] == f"How was Atelier {name}?"
    assert name in msg.get_content()


def recipient_values(text: str) -> dict[str, str]:
    return {key: text for key in PLACEHOLDERS["welcome"]}


TRICKY = st.sampled_from(
    ["\r", "\n", "\r\n", "\u2028", "\x85", "\x0b", ":", "\r\nBcc: x@evil.example", "=?utf-8?q?x?="]
)
TEXT = st.lists(st.text(alphabet=st.characters(codec="utf-8"), max_size=12) | TRICKY, max_size=6).map("".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=TEXT, name=TEXT)
# A long name that Python's folder unquotes into a group: the draft would go to x@evil.example.
@example(value="", name="0" * 60 + "\r\nBcc: x@evil.example")
@example(value="\r\nBcc: x@evil.example", name='"Pat" <pat@evil.example>, ')
def test_placeholders_cannot_add_headers(small, value, name):
    plan = plan_drafts(small.db, "welcome")
    t = Template("welcome", "Welcome {first_name}: {partners} {program}", "Hello {name},\n{partner_details}\n{plan}\n")
    draft = Draft("welcome", Recipient(1, name, "someone@example.com"), recipient_values(value), "about")
    plan = replace(plan, drafts=[draft], template=t)
    msg = parse(compose(plan, draft))
    assert set(msg.keys()) == HEADERS
    assert (
        msg["X-Unsent"] == "1"
        and len(msg.get_all("To")) == 1
        and msg["To"].addresses[0].addr_spec == "someone@example.com"
    )
    subject, _body = fill(t, draft.values)
    assert msg["Subject"].strip() == header_text(
        subject
    )  # as typed, on one line (a fold after "Subject:" leaves a space)
    assert msg["To"].addresses[0].display_name == header_text(clean_line(name))
    assert [p.get_content_type() for p in msg.walk()] == ["text/plain"]


def test_a_write_failure_keeps_and_logs_what_was_written(small, tmp_path, monkeypatch):
    from peerdesk.invites import outbox
    from peerdesk.invites.files import ExportError

    save_plan(small.db, small.prog["P1"], [PlanStep("Goals")])
    real = outbox.write_atomic
    calls = []

    def flaky(target, data):
        calls.append(target)
        if len(calls) == 2:
            raise ExportError(f"The disk is full; {target.name} was not written.")
        return real(target, data)

    monkeypatch.setattr(outbox, "write_atomic", flaky)
    ws = Workspace(small.db)
    with pytest.raises(outbox.DraftsError, match="disk is full") as failed:
        draft_messages(ws, "reminders", tmp_path)
    on_disk = sorted(p.name for p in tmp_path.glob("*.eml"))
    assert on_disk == sorted(p.name for p in failed.value.written) and len(on_disk) == len(failed.value.drafts) >= 1
    logged = plan_drafts(small.db, "reminders")
    assert len(logged.skipped) == len(on_disk)  # what was written is logged, the rest is drafted next time
    assert len(logged.drafts) == 4 - len(on_disk)


def test_an_interrupted_export_leaves_no_temporary_behind(small, tmp_path):
    import os
    import time

    from peerdesk.store.safefile import STALE_PART

    stale = tmp_path / ".Reminder - Ana.eml.x1.part"
    stale.write_bytes(b"half")
    old = time.time() - STALE_PART - 10
    os.utime(stale, (old, old))
    write_drafts(plan_drafts(small.db, "reminders"), tmp_path)
    assert not stale.exists() and len(list(tmp_path.glob("*.eml"))) == 4
