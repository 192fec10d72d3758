"""Shared by every part of the window: the context, jobs, refresh, widgets, page parts, table models, charts, icons."""
