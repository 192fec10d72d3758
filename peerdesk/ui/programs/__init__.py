"""Programs & Goals: the page, program and goal dialogs, meeting plans, cohorts, drafted e-mails."""
