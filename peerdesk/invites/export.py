"""Exports as a coordinator asks for them: what goes into which file, then writing the files.

Planning reads the store (on the thread that owns the connection); writing needs only
the plan, so the window can run it off the UI thread with progress and cancel.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from peerdesk import clock
from peerdesk.invites.build import (
    CANCEL,
    REQUEST,
    CalendarWriter,
    Entry,
    Options,
    Organizer,
    entries,
    entry_people,
    split_by_method,
)
from peerdesk.invites.drafts import build_draft
from peerdesk.invites.files import ExportError, prepare_folder, write_atomic
from peerdesk.invites.model import Person, load_selection, participants_by_id, program_names, session_ids
from peerdesk.invites.series import SeriesPlan
from peerdesk.invites.text import UniqueNames
from peerdesk.invites.timezones import zone
from peerdesk.jobs import CancelCheck, Progress
from peerdesk.store.db import Database
from peerdesk.store.safefile import unfinished
from peerdesk.store.settings import load_settings
from peerdesk.wording import plural

LAYOUTS = ("participant", "session", "program", "combined")


@dataclass(frozen=True)
class ExportRequest:
    """Which sessions, and how they are grouped into files.

    Filters combine: sessions in session_ids, of the program, of these participants,
    not yet over. Layouts: "participant" = one file per person (only the given
    participants when participant_ids is set), "session" = one file per session or
    series, "program" = one file per program, "combined" = everything in one file.
    """

    layouts: tuple[str, ...] = ("participant",)
    session_ids: tuple[int, ...] | None = None
    participant_ids: tuple[int, ...] | None = None
    program_id: int | None = None
    upcoming_only: bool = False
    eml: bool = False
    combined_name: str = "Sessions"


@dataclass(frozen=True)
class PlannedFile:
    """One file to write: its name, its method and what goes in it."""

    name: str
    method: str
    entries: tuple[Entry, ...]
    recipient: Person | None = None  # set for .eml drafts

    @property
    def is_draft(self) -> bool:
        return self.name.endswith(".eml")


@dataclass(frozen=True)
class ExportPlan:
    """Everything the writing step needs; no database handle."""

    files: tuple[PlannedFile, ...]
    options: Options
    session_count: int


@dataclass
class ExportResult:
    """What an export wrote."""

    folder: Path
    written: list[Path] = field(default_factory=list)
    invitations: int = 0
    cancellations: int = 0
    drafts: int = 0
    sessions: int = 0
    cancelled: bool = False

    def summary(self) -> str:
        if not self.written:
            return "Nothing was written." if not self.cancelled else "Stopped before anything was written."
        parts = [plural(self.invitations, "invitation file")]
        if self.cancellations:
            parts.append(plural(self.cancellations, "cancellation file"))
        if self.drafts:
            parts.append(plural(self.drafts, "e-mail draft"))
        text = f"Wrote {', '.join(parts)} for {plural(self.sessions, 'session')} to {self.folder}."
        return text + (" Stopped before the end." if self.cancelled else "")


def organizer_from_settings(db: Database) -> Organizer:
    s = load_settings(db)
    if not s.coordinator_email.strip():
        raise ExportError(
            "Set the coordinator's e-mail address in Settings first: invitations are sent from it and replies go to it."
        )
    return Organizer(s.coordinator_name.strip() or s.coordinator_email, s.coordinator_email.strip())


def plan_export(db: Database, request: ExportRequest, *, now: dt.datetime | None = None) -> ExportPlan:
    """Read what the request covers and decide the files (names unique, safe on every system)."""
    for layout in request.layouts:
        if layout not in LAYOUTS:
            raise ValueError(f"unknown layout {layout!r}")
    settings = load_settings(db)
    organizer = organizer_from_settings(db)
    stamp = (now or clock.now()).astimezone(dt.UTC).replace(microsecond=0)
    ids = session_ids(
        db,
        ids=request.session_ids,
        program_id=request.program_id,
        participant_ids=request.participant_ids,
        upcoming_after=stamp if request.upcoming_only else None,
    )
    selection = load_selection(db, ids)
    items = entries(selection)
    options = Options(organizer, stamp, settings.reminder_minutes)
    names = UniqueNames()
    files: list[PlannedFile] = []
    # Drafts go with each person's own file when there is one; otherwise with the shared files.
    shared_drafts = request.eml and "participant" not in request.layouts
    for layout in request.layouts:
        if layout == "participant":
            files.extend(_per_participant(db, items, request, names))
        elif layout == "session":
            for e in items:
                files.extend(_target(names, session_stem(e), [e], shared_drafts))
        elif layout == "program":
            programs = program_names(db)
            by_program: dict[int, list[Entry]] = {}
            for e in items:
                pid = _program_of(e)
                if pid is not None:
                    by_program.setdefault(pid, []).append(e)
            for pid in sorted(by_program, key=lambda p: programs.get(p, "").casefold()):
                files.extend(_target(names, f"Program - {programs.get(pid, pid)}", by_program[pid], shared_drafts))
        elif layout == "combined" and items:
            files.extend(_target(names, request.combined_name, items, shared_drafts))
    return ExportPlan(tuple(files), options, len(selection.sessions))


def _program_of(e: Entry) -> int | None:
    return (e.master if isinstance(e, SeriesPlan) else e).program_id


def session_stem(e: Entry) -> str:
    """'Code review clinic - 2026-11-05', or '... - weekly from 2026-11-05' for a series."""
    if isinstance(e, SeriesPlan):
        freq = str(e.rule.get("FREQ", [""])[0]).lower()
        return f"{e.master.title} - {freq or 'series'} from {e.first_start:%Y-%m-%d}"
    tz = zone(e.timezone) or dt.UTC
    return f"{e.title} - {e.start.astimezone(tz):%Y-%m-%d}"


def _files_for(
    names: UniqueNames, stem: str, items: list[Entry], recipient: Person | None, *, calendar: bool
) -> list[PlannedFile]:
    live, gone = split_by_method(items)
    out: list[PlannedFile] = []
    for method, chosen, suffix in ((REQUEST, live, ""), (CANCEL, gone, " - cancelled")):
        if not chosen:
            continue
        base = names.claim(stem + suffix)
        if calendar:
            out.append(PlannedFile(f"{base}.ics", method, tuple(chosen)))
        if recipient is not None:
            out.append(PlannedFile(f"{base}.eml", method, tuple(chosen), recipient))
    return out


def _target(names: UniqueNames, stem: str, items: list[Entry], eml: bool) -> list[PlannedFile]:
    """A shared file (session, program, combined) and, if asked, a draft for each person in it."""
    out = _files_for(names, stem, items, None, calendar=True)
    if eml:
        people, by_person = _people_of(items)
        for person in sorted(people.values(), key=lambda p: (p.name.casefold(), p.id)):
            out.extend(_files_for(names, f"{stem} - {person.name}", by_person[person.id], person, calendar=False))
    return out


def _people_of(items: list[Entry]) -> tuple[dict[int, Person], dict[int, list[Entry]]]:
    """Everyone in the entries, and each person's entries (in the order given)."""
    by_person: dict[int, list[Entry]] = {}
    people: dict[int, Person] = {}
    for e in items:
        for pid, person in entry_people(e).items():
            by_person.setdefault(pid, []).append(e)
            people.setdefault(pid, person)
    return people, by_person


def _per_participant(db: Database, items: list[Entry], request: ExportRequest, names: UniqueNames) -> list[PlannedFile]:
    people, by_person = _people_of(items)
    wanted: Iterable[int] = request.participant_ids if request.participant_ids is not None else people
    known = participants_by_id(db, wanted)
    out: list[PlannedFile] = []
    for person in sorted(known.values(), key=lambda p: (p.name.casefold(), p.id)):
        mine = by_person.get(person.id, [])
        if not mine:
            continue
        out.extend(_files_for(names, person.name, mine, person if request.eml else None, calendar=True))
    return out


def write_export(
    plan: ExportPlan,
    folder: str | Path,
    *,
    progress: Progress | None = None,
    cancelled: CancelCheck | None = None,
) -> ExportResult:
    """Build and write every planned file; files are written whole or not at all.

    On a write failure an ExportError says why and lists the files already written.
    """
    out = prepare_folder(Path(folder))
    result = ExportResult(out, sessions=plan.session_count)
    total = len(plan.files)
    writer = CalendarWriter(plan.options)
    for done, planned in enumerate(plan.files):
        if cancelled is not None and cancelled():
            result.cancelled = True
            break
        if progress is not None:
            progress(done, total, planned.name)
        data = writer.to_ical(planned.entries, planned.method)
        if planned.is_draft:
            assert planned.recipient is not None
            data = build_draft(
                plan.options.organizer, planned.recipient, planned.entries, data, planned.method, plan.options.stamp
            )
        try:
            result.written.append(write_atomic(out / planned.name, data))
        except ExportError as exc:
            missing = [p.name for p in plan.files[done:]]
            raise ExportError(str(unfinished(exc, len(result.written), missing)), result.written) from exc
        if planned.is_draft:
            result.drafts += 1
        elif planned.method == CANCEL:
            result.cancellations += 1
        else:
            result.invitations += 1
    else:
        if progress is not None:
            progress(total, total, "")
    return result


def export_invites(
    db: Database,
    request: ExportRequest,
    folder: str | Path,
    *,
    progress: Progress | None = None,
    cancelled: CancelCheck | None = None,
) -> ExportResult:
    """Plan and write in one go (the command line; the window splits the two across threads)."""
    return write_export(plan_export(db, request), folder, progress=progress, cancelled=cancelled)
