"""Calendar invitations (.ics, RFC 5545/5546) and e-mail drafts for PeerDesk sessions.

How the files are laid out, and why:
- one iTIP method per file: invitations (METHOD:REQUEST) and cancellations
  (METHOD:CANCEL, STATUS:CANCELLED) of the same scope go to two files ("X.ics",
  "X - cancelled.ics"), because a calendar object carries a single method;
- a session keeps its sessions.uid for life and the store raises its SEQUENCE on every
  change of time, place or status; DTSTAMP is the moment of export, so a re-export
  updates the event calendars already have instead of adding one;
- a recurring series is one event with its RRULE (UID of its first occurrence, so a
  session made recurring updates in place), EXDATE for cancelled or deleted occurrences
  and RECURRENCE-ID overrides for moved or changed ones; a series whose every
  occurrence is cancelled is cancelled whole;
- times carry the session's TZID with a VTIMEZONE written as yearly rules (what
  Outlook reads); instants that wall time cannot name (the repeated hour) are in UTC;
- user text is cleaned of control characters and line separators before icalendar
  escapes it, and parameter values never need RFC 6868 escapes, so nothing typed can
  add a property or component (tests/invites checks this with hypothesis).
"""

from peerdesk.invites.build import CANCEL, REQUEST, Options, Organizer, build_calendar, entries
from peerdesk.invites.export import (
    ExportPlan,
    ExportRequest,
    ExportResult,
    PlannedFile,
    export_invites,
    organizer_from_settings,
    plan_export,
    write_export,
)
from peerdesk.invites.files import ExportError
from peerdesk.invites.model import find_participant, find_program, load_selection, session_ids

__all__ = [
    "CANCEL",
    "REQUEST",
    "ExportError",
    "ExportPlan",
    "ExportRequest",
    "ExportResult",
    "Options",
    "Organizer",
    "PlannedFile",
    "build_calendar",
    "entries",
    "export_invites",
    "find_participant",
    "find_program",
    "load_selection",
    "organizer_from_settings",
    "plan_export",
    "session_ids",
    "write_export",
]
