"""Writing drafted messages (.eml, unsent) and recording them in the drafting log.

Writing needs only the plan (peerdesk.invites.messages), so the window runs it off the UI
thread with progress and cancel; each file is written whole or not at all. The drafts
written are then logged in one undoable write (record_drafts, through the store's write
path), so the same reminder is not drafted again within the week.
"""

from __future__ import annotations

from concurrent.futures import Future, ThreadPoolExecutor
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


class DraftsError(ExportError):
    """Drafting stopped on a write failure; `drafts` are those written before it (to log)."""

    def __init__(self, message: str, written: list[Path], drafts: list[Draft]) -> None:
        super().__init__(message, written)
        self.drafts = list(drafts)


WRITERS = 4  # files written (and synced to disk) while the next messages are composed


def write_drafts(
    plan: DraftPlan,
    folder: str | Path,
    *,
    progress: Progress | None = None,
    cancelled: CancelCheck | None = None,
) -> DraftResult:
    """Write every planned message into the folder (file names unique and safe on every system).

    Messages are composed here while a few threads write the files before them (writing waits
    on the disk, composing on the processor). On a write failure a DraftsError says why and
    carries the drafts already written, which are the ones to log."""
    out = prepare_folder(Path(folder))
    result = DraftResult(plan.kind, out, skipped=len(plan.skipped))
    names = UniqueNames()
    writer = CalendarWriter(plan.options)
    total = len(plan.drafts)
    pending: list[tuple[Draft, Future[Path]]] = []
    failure: ExportError | None = None
    with ThreadPoolExecutor(max_workers=WRITERS, thread_name_prefix="drafts") as pool:
        for done, draft in enumerate(plan.drafts):
            if cancelled is not None and cancelled():
                result.cancelled = True
                break
            if any(f.done() and f.exception() is not None for _d, f in pending[-WRITERS:]):
                break  # a write failed: stop composing, report below
            if progress is not None and done % 25 == 0:
                progress(done, total, draft.recipient.name)
            data = compose(plan, draft, writer=writer)
            target = out / f"{names.claim(file_stem(draft), FILE_PREFIX[draft.kind])}.eml"
            pending.append((draft, pool.submit(write_atomic, target, data)))
    for draft, future in pending:  # every write has finished once the pool is shut down
        error = future.exception()
        if error is None:
            result.written.append(future.result())
            result.drafts.append(draft)
        elif failure is None and isinstance(error, ExportError):
            failure = error
        elif failure is None:
            raise error
    if failure is not None:
        raise DraftsError(str(failure), result.written, result.drafts)
    if progress is not None and not result.cancelled:
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
    except DraftsError as exc:
        if exc.drafts:  # log those that made it
            ws.run(f"Draft {KINDS[kind].lower()}", record_drafts, logged(exc.drafts))
        raise
    if result.drafts:
        ws.run(f"Draft {KINDS[kind].lower()}", record_drafts, logged(result.drafts))
    return result
