"""Progress reports (PDF): the program report for leadership and the participant report.

Gathering and rendering are separate: gather_* reads every figure from peerdesk.metrics
(the same module the dashboard uses) into a plain dataclass; render_* lays it out with
reportlab platypus and needs no database, so the window can render off the UI thread.

Layout: a header with the program (or person) and the period on every page, page numbers
"Page n of m" in the footer, a short summary at the top, tables that break across pages
with their header row repeated, and charts drawn with reportlab.graphics.
"""

from peerdesk.printing.reports.data import ParticipantReport, ProgramReport, gather_participant, gather_program
from peerdesk.printing.reports.layout import period_text
from peerdesk.printing.reports.participant import participant_report, write_participant_report
from peerdesk.printing.reports.program import pairings_health, program_report, program_summary, write_program_report

__all__ = [
    "ParticipantReport",
    "ProgramReport",
    "gather_participant",
    "gather_program",
    "pairings_health",
    "participant_report",
    "period_text",
    "program_report",
    "program_summary",
    "write_participant_report",
    "write_program_report",
]
