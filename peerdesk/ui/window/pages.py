"""The pages of the sidebar, in order: (title, "module:Class"). Only pages that work are listed.

Each page class takes (ctx: AppContext, parent=None) and refreshes itself from ctx.changed.
"""

PAGES: list[tuple[str, str]] = [
    ("Dashboard", "peerdesk.ui.dashboard.page:DashboardPage"),
    ("Participants", "peerdesk.ui.participants.page:ParticipantsPage"),
    ("Pairings", "peerdesk.ui.pairings.page:PairingsPage"),
    ("Sessions", "peerdesk.ui.sessions.page:SessionsPage"),
    ("Programs & Goals", "peerdesk.ui.programs.page:ProgramsPage"),
    ("Training", "peerdesk.ui.engagement.training:TrainingPage"),
    ("Recognition", "peerdesk.ui.engagement.recognition:RecognitionPage"),
    ("Feedback", "peerdesk.ui.engagement.feedback:FeedbackPage"),
    ("Reports", "peerdesk.ui.printing.page:ReportsPage"),
]
