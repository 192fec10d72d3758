"""Writing drafted messages (.eml, unsent) and recording them in the drafting log.

Writing needs only the plan (peerdesk.invites.messages), so the window runs it off the UI
thread with progress and cancel; each file is written whole or not at all. The drafts
written are then logged in one undoable write (record_drafts, through the store's write
path), so the same reminder is not drafted again within the week.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from peerdesk.invites.build import REQUEST, CalendarWriter
from peerdesk.invites.drafts import attach_calendar, new_draft
from peerdesk.invites.files import ExportError, prepare_folder, write_atomic
from peerdesk.invites.messages import Draft, DraftPlan, plan_drafts
from peerdesk.invites.model import Person
from peerdesk.invites.templates import KINDS, Template, fill
from peerdesk.invites.text import UniqueNames
from peerdesk.jobs import CancelCheck, Progress
from peerdesk.store.db import Database
from peerdesk.store.messages import Drafted, log_drafts
from peerdesk.store.workspace import Workspace
from peerdesk.wording import plural

FILE_PREFIX = {"feedback": "Feedback", "reminders": "Reminder", "welcome": "Welcome", "training": "Training"}


@dataclass
class DraftResult:
    """What a drafting run wrote."""

    kind: str
    folder: Path
    written: list[Path] = field(default_factory=list)
    drafts: list[Draft] = field(default_factory=list)  # those written, in the same order
    skipped: int = 0
    cancelled: bool = False

    def summary(self) -> str:
        what = KINDS[self.kind].lower()
        if not self.written:
            text = f"No {what} to draft." if not self.cancelled else "Stopped before anything was written."
        else:
            text = f"Drafted {plural(len(self.written), 'message')} ({what}) in {self.folder}."
        if self.skipped:
            text += f" Left out {plural(self.skipped, 'message')} drafted before (see the drafting log)."
        return text + (" Stopped before the end." if self.cancelled and self.written else "")


def compose(
    plan: DraftPlan, draft: Draft, *, template: Template | None = None, writer: CalendarWriter | None = None
) -> bytes:
    """The .eml bytes of one draft: an unsent message, with the invitation of its first meeting
    (text/calendar, and attached) when it has one, and nothing of the kind otherwise."""
    subject, body = fill(template or plan.template, draft.values)
    r = draft.recipient
    msg = new_draft(plan.organizer, Person(r.id, r.name, r.email, r.timezone), subject, body, plan.stamp)
    invite = plan.invites.get(draft.invite_session) if draft.invite_session is not None else None
    if invite:
        calendar = (writer or CalendarWriter(plan.options)).to_ical(invite, REQUEST)
        attach_calendar(msg, calendar, REQUEST)
    return msg.as_bytes()


def file_stem(draft: Draft) -> str:
    return f"{FILE_PREFIX[draft.kind]} - {draft.recipient.name} - {draft.about.replace(' · ', ' - ')}"


def write_drafts(
    plan: DraftPlan,
    folder: str | Path,
    *,
    progress: Progress | None = None,
    cancelled: CancelCheck | None = None,
) -> DraftResult:
    """Write every planned message into the folder (file names unique and safe on every system).

    On a write failure an ExportError says why and lists the files already written; those are
    the ones to log."""
    out = prepare_folder(Path(folder))
    result = DraftResult(plan.kind, out, skipped=len(plan.skipped))
    names = UniqueNames()
    writer = CalendarWriter(plan.options)
    total = len(plan.drafts)
    for done, draft in enumerate(plan.drafts):
        if cancelled is not None and cancelled():
            result.cancelled = True
            break
        if progress is not None and done % 25 == 0:
            progress(done, total, draft.recipient.name)
        data = compose(plan, draft, writer=writer)
        target = out / f"{names.claim(file_stem(draft), FILE_PREFIX[draft.kind])}.eml"
        try:
            result.written.append(write_atomic(target, data))
        except ExportError as exc:
            raise ExportError(str(exc), result.written) from exc
        result.drafts.append(draft)
    else:
        if progress is not None:
            progress(total, total, "")
    return result


def logged(drafts: list[Draft]) -> list[Drafted]:
    """The drafting log's rows for drafts written."""
    return [Drafted(d.kind, d.recipient.id, d.session_id, d.pairing_id) for d in drafts]


def record_drafts(db: Database, drafts: list[Drafted]) -> int:
    """Log drafts as written now (the write the window and the command line run through the write path)."""
    return log_drafts(db, drafts)


def draft_messages(
    ws: Workspace,
    kind: str,
    folder: str | Path,
    *,
    program_id: int | None = None,
    progress: Progress | None = None,
    cancelled: CancelCheck | None = None,
) -> DraftResult:
    """Plan, write and log in one go (the command line; the window splits the three across threads)."""
    plan = plan_drafts(ws.db, kind, program_id=program_id)
    try:
        result = write_drafts(plan, folder, progress=progress, cancelled=cancelled)
    except ExportError as exc:
        if exc.written:  # drafts are written in the plan's order: log those that made it
            ws.run(f"Draft {KINDS[kind].lower()}", record_drafts, logged(plan.drafts[: len(exc.written)]))
        raise
    if result.drafts:
        ws.run(f"Draft {KINDS[kind].lower()}", record_drafts, logged(result.drafts))
    return result
