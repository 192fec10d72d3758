"""Who gets which drafted message, with the values of its placeholders: the plan of a drafting run.

Four kinds, one message per person (peerdesk.invites.templates names their placeholders):
- feedback:  people present at a held session (the last FEEDBACK_DAYS days, or the sessions
             chosen) who gave no feedback for it: the rating question and the survey link;
- reminders: members of pairings behind their program's cadence (peerdesk.metrics.cadence);
- welcome:   members of pairings that started in the last NEW_PAIR_DAYS days (or those chosen),
             with their partners, their first meeting (its invitation attached) and the plan;
- training:  mentors with mentees who have not completed the required training.
The drafting log decides who is left out: a feedback request or a welcome is drafted once
for the same session or pairing, a reminder once a week (REPEAT_AFTER).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from peerdesk import clock
from peerdesk.invites.build import Entry, Options, Organizer, entries, entry_sessions
from peerdesk.invites.drafts import when_text
from peerdesk.invites.export import organizer_from_settings
from peerdesk.invites.model import load_selection
from peerdesk.invites.templates import KINDS, Template, fill, load_template
from peerdesk.invites.timezones import zone
from peerdesk.metrics.cadence import behind_pairings
from peerdesk.metrics.dashboard import untrained_mentors
from peerdesk.metrics.scope import Scope
from peerdesk.store import messages as store
from peerdesk.store.db import Database
from peerdesk.store.errors import ValidationError
from peerdesk.store.messages import Recipient
from peerdesk.store.plans import PlanStep, plan_of, plan_progress
from peerdesk.store.programs import Program, get_program
from peerdesk.store.records import PAIRING_KINDS
from peerdesk.store.settings import load_settings
from peerdesk.wording import plural

FEEDBACK_DAYS = 30
NEW_PAIR_DAYS = 30
REPEAT_AFTER: dict[str, dt.timedelta | None] = {
    "feedback": None,  # never twice for the same session
    "welcome": None,  # never twice for the same pairing
    "reminders": dt.timedelta(days=7),
    "training": dt.timedelta(days=7),
}
NO_SURVEY = "(reply to this e-mail with your rating and a comment)"


@dataclass(frozen=True)
class Draft:
    """One message to write: to whom, about what, and the values of its placeholders."""

    kind: str
    recipient: Recipient
    values: Mapping[str, str]
    about: str  # what it is about, for lists and file names: "Code review clinic · 5 Nov 2026"
    session_id: int | None = None
    pairing_id: int | None = None
    invite_session: int | None = None  # a session whose invitation goes with the message


@dataclass(frozen=True)
class Skipped:
    """Someone who would get a message but does not, and why."""

    name: str
    about: str
    reason: str


@dataclass
class DraftPlan:
    """Everything writing the messages needs; no database handle."""

    kind: str
    template: Template
    organizer: Organizer
    stamp: dt.datetime
    drafts: list[Draft] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    invites: dict[int, tuple[Entry, ...]] = field(default_factory=dict)  # by session id
    reminder_minutes: int = 15

    @property
    def options(self) -> Options:
        return Options(self.organizer, self.stamp, self.reminder_minutes)

    def text(self, i: int, template: Template | None = None) -> tuple[str, str]:
        """(subject, body) of the i-th message, with this template or the plan's."""
        return fill(template or self.template, self.drafts[i].values)

    def summary(self) -> str:
        head = f"{plural(len(self.drafts), 'message')} to draft"
        if self.skipped:
            head += f"; {plural(len(self.skipped), 'message')} left out, drafted before"
        return head + "."


def first_name(name: str) -> str:
    """'Zoë' for 'Zoë Ødegård'; a name without spaces (王小明) is used whole."""
    parts = name.split()
    return parts[0] if parts else name


def names_text(names: Iterable[str]) -> str:
    """'Ana', 'Ana and Ben', 'Ana, Ben and Cleo'."""
    items = [n for n in names if n]
    if len(items) <= 1:
        return items[0] if items else ""
    return ", ".join(items[:-1]) + " and " + items[-1]


def _day(start_utc: str, tzname: str) -> str:
    moment = dt.datetime.fromisoformat(start_utc)
    local = moment.astimezone(zone(tzname) or dt.UTC)
    return f"{local:%a} {local.day} {local:%b %Y}"


class _Context:
    """What every kind shares: settings, programs and the drafting log, read once."""

    def __init__(self, db: Database, kind: str, template: Template | None, include_recent: bool) -> None:
        if kind not in KINDS:
            raise ValidationError(f"'{kind}' is not a kind of message (use one of {', '.join(KINDS)}).", "kind")
        self.db = db
        self.kind = kind
        self.settings = load_settings(db)
        self.now = clock.now()
        self.today = clock.today()
        self.plan = DraftPlan(
            kind,
            template or load_template(db, kind),
            organizer_from_settings(db),
            self.now.astimezone(dt.UTC).replace(microsecond=0),
            reminder_minutes=self.settings.reminder_minutes,
        )
        repeat = REPEAT_AFTER[kind]
        self.recent = {} if include_recent else store.drafted_since(db, kind, self.now - repeat if repeat else None)
        self._programs: dict[int, Program] = {}
        self._plans: dict[int, list[PlanStep]] = {}

    def program(self, program_id: int | None) -> Program | None:
        if program_id is None:
            return None
        if program_id not in self._programs:
            self._programs[program_id] = get_program(self.db, program_id)
        return self._programs[program_id]

    def steps(self, program_id: int | None) -> list[PlanStep]:
        if program_id is None:
            return []
        if program_id not in self._plans:
            self._plans[program_id] = plan_of(self.db, program_id)
        return self._plans[program_id]

    def common(self, person: Recipient, program_id: int | None) -> dict[str, str]:
        program = self.program(program_id)
        s = self.settings
        return {
            "first_name": first_name(person.name),
            "name": person.name,
            "program": program.name if program else "our peer-learning program",
            "coordinator": s.coordinator_name.strip() or s.organisation.strip() or "Your coordinator",
            "organisation": s.organisation.strip(),
        }

    def cadence(self, program_id: int | None) -> str:
        program = self.program(program_id)
        cadence = program.cadence if program else None
        return cadence.words if cadence else "regularly"

    def add(self, draft: Draft, key: int | None) -> None:
        """Plan a draft, unless the log says this person already had it (then list them as skipped)."""
        last = self.recent.get((draft.recipient.id, key))
        if last is not None:
            when = dt.datetime.fromisoformat(last).astimezone(dt.UTC)
            self.plan.skipped.append(Skipped(draft.recipient.name, draft.about, f"drafted on {when:%d %b %Y}"))
        else:
            self.plan.drafts.append(draft)


def plan_drafts(
    db: Database,
    kind: str,
    *,
    program_id: int | None = None,
    session_ids: Iterable[int] | None = None,
    pairing_ids: Iterable[int] | None = None,
    template: Template | None = None,
    include_recent: bool = False,
) -> DraftPlan:
    """Decide the messages of one kind: for a program (or all), or for the sessions or pairings chosen.

    include_recent drafts again for people the log says already had this message."""
    ctx = _Context(db, kind, template, include_recent)
    if kind == "feedback":
        _feedback(ctx, program_id, session_ids)
    elif kind == "reminders":
        _reminders(ctx, program_id, pairing_ids)
    elif kind == "welcome":
        _welcome(ctx, program_id, pairing_ids)
    else:
        _training(ctx, program_id)
    return ctx.plan


def _feedback(ctx: _Context, program_id: int | None, session_ids: Iterable[int] | None) -> None:
    since = None if session_ids is not None else ctx.today - dt.timedelta(days=FEEDBACK_DAYS - 1)
    link = ctx.settings.survey_url.strip() or NO_SURVEY
    for s in store.held_sessions_without_feedback(ctx.db, session_ids=session_ids, program_id=program_id, since=since):
        for person in s.present:
            day = _day(s.start_utc, person.timezone)
            values = ctx.common(person, s.program_id) | {
                "session_title": s.title,
                "session_date": day,
                "session_ref": f"#{s.id}",
                "hosts": names_text(s.hosts) or "the organisers",
                "survey_link": link,
            }
            ctx.add(Draft("feedback", person, values, f"{s.title} · {day}", session_id=s.id), s.id)


def _step_text(step: PlanStep | None) -> tuple[str, str]:
    if step is None:
        return "your next meeting (your plan is done: choose the topic together)", ""
    lines = [step.agenda.strip()] if step.agenda.strip() else []
    lines += [f"- {q}" for q in step.question_list]
    return f"meeting {step.position}: {step.title}", "\n".join(lines)


def _reminders(ctx: _Context, program_id: int | None, pairing_ids: Iterable[int] | None) -> None:
    behind = behind_pairings(ctx.db, Scope(program_id=program_id), ctx.today)
    if pairing_ids is not None:
        wanted = set(pairing_ids)
        behind = [b for b in behind if b.pairing_id in wanted]
    info = store.pairings_info(ctx.db, [b.pairing_id for b in behind])
    progress = plan_progress(ctx.db, [b.pairing_id for b in behind])
    for b in behind:
        pairing = info.get(b.pairing_id)
        if pairing is None:
            continue
        reached = progress[b.pairing_id].reached if b.pairing_id in progress else 0
        step = next((s for s in ctx.steps(b.program_id) if s.position > reached), None)
        next_step, agenda = _step_text(step) if ctx.steps(b.program_id) else ("your next meeting", "")
        if b.last_met is not None:
            last = f"{plural((ctx.today - b.last_met).days, 'day')} ago"
        else:
            last = f"not yet since you were paired {plural((ctx.today - b.started_on).days, 'day')} ago"
        for person in pairing.members:
            others = [m.name for m in pairing.members if m.id != person.id]
            values = ctx.common(person, b.program_id) | {
                "partners": names_text(others) or "your partner",
                "last_met": last,
                "cadence": ctx.cadence(b.program_id),
                "next_step": next_step,
                "next_step_agenda": agenda,
            }
            about = f"with {names_text(others)}" if others else "pairing"
            ctx.add(Draft("reminders", person, values, about, pairing_id=b.pairing_id), b.pairing_id)


def _welcome(ctx: _Context, program_id: int | None, pairing_ids: Iterable[int] | None) -> None:
    since = ctx.today - dt.timedelta(days=NEW_PAIR_DAYS - 1)
    ids = store.new_pairings(ctx.db, since, program_id=program_id, pairing_ids=pairing_ids)
    info = store.pairings_info(ctx.db, ids)
    meetings = store.first_meetings(ctx.db, ids)
    selection = load_selection(ctx.db, meetings.values())
    by_session = {s.id: s for s in selection.sessions}
    for e in entries(selection):  # a meeting of a series is invited to with its series
        for s in entry_sessions(e):
            ctx.plan.invites[s.id] = (e,)
    for pid in ids:
        pairing = info[pid]
        steps = ctx.steps(pairing.program_id)
        plan = "\n".join(f"{s.position}. {s.title}" for s in steps) or "No plan is set: agree the topics together."
        meeting = by_session.get(meetings.get(pid, -1))
        for person in pairing.members:
            others = [m for m in pairing.members if m.id != person.id]
            details = "\n".join(
                "- " + ", ".join(x for x in (m.name, m.role, m.department, m.email) if x) for m in others
            )
            if meeting is not None:
                first = when_text(meeting, person.timezone)
                where = meeting.location.strip() or meeting.online_url.strip()
                first += f", {where}" if where else ""
                first += " (the invitation is attached)"
            else:
                first = "not booked yet: reply with a few times that suit you, or agree one together"
            values = ctx.common(person, pairing.program_id) | {
                "partners": names_text(m.name for m in others) or "your group",
                "partner_details": details or "- (nobody else yet)",
                "role": person.role,
                "first_meeting": first,
                "plan": plan,
                "cadence": ctx.cadence(pairing.program_id),
            }
            about = f"{PAIRING_KINDS.get(pairing.kind, pairing.kind)} with {names_text(m.name for m in others)}"
            draft = Draft(
                "welcome",
                person,
                values,
                about,
                pairing_id=pid,
                invite_session=meeting.id if meeting is not None else None,
            )
            ctx.add(draft, pid)


def _training(ctx: _Context, program_id: int | None) -> None:
    listed = untrained_mentors(ctx.db, Scope(program_id=program_id), limit=1_000_000)
    ids = [item.target_id for item in listed.items]
    people = store.people(ctx.db, ids)
    modules = store.open_modules(ctx.db, ids, ctx.today)
    mentees = store.mentees_of(ctx.db, ids, ctx.today)
    for pid in ids:
        person = people.get(pid)
        if person is None:
            continue
        theirs = mentees.get(pid, [])
        values = ctx.common(person, program_id) | {
            "mentees": names_text(theirs) or "your mentees",
            "mentee_count": str(len(theirs)),
            "modules": "\n".join(f"- {m}" for m in modules.get(pid, [])),
        }
        ctx.add(Draft("training", person, values, f"{plural(len(theirs), 'mentee')}"), None)
