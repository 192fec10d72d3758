"""Sessions: the agenda and week, the session dialog, first meetings, invites, feedback import."""
