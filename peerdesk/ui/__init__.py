"""The PySide6 window: pages, dialogs, Qt models and workers. The only package that imports Qt."""
