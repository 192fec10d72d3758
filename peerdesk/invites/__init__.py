"""Calendar invitations (.ics, RFC 5545/5546) and e-mail drafts for PeerDesk sessions."""

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
