"""The main window and what frames it: pages, opening files safely, settings, backups, about, guide, first launch."""
