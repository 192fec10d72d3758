"""The pages of the sidebar, in order: (title, "module:Class"). Only pages that work are listed.

Each page class takes (ctx: AppContext, parent=None) and refreshes itself from ctx.changed.
"""

PAGES: list[tuple[str, str]] = [
    ("Dashboard", "peerdesk.ui.dashboard_page:DashboardPage"),
    ("Participants", "peerdesk.ui.participants_page:ParticipantsPage"),
    ("Pairings", "peerdesk.ui.pairings_page:PairingsPage"),
    ("Sessions", "peerdesk.ui.sessions_page:SessionsPage"),
    ("Programs & Goals", "peerdesk.ui.programs_page:ProgramsPage"),
    ("Training", "peerdesk.ui.training_page:TrainingPage"),
    ("Recognition", "peerdesk.ui.recognition_page:RecognitionPage"),
    ("Feedback", "peerdesk.ui.feedback_page:FeedbackPage"),
    ("Reports", "peerdesk.ui.reports_page:ReportsPage"),
]
