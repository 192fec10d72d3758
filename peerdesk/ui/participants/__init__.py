"""The people of the program: the Participants page, its model, the participant dialog, import/export, privacy actions."""
