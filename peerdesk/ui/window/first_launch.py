"""The welcome dialog shown when there is no program file to reopen."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QCommandLinkButton, QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

CHOICES = ("demo", "new", "import", "open")


class FirstLaunchDialog(QDialog):
    """Offers the ways to begin: the demo, a new program, a CSV import, or an existing file."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.choice: str | None = None
        self.setWindowTitle("Welcome to PeerDesk")
        self.setMinimumWidth(480)
        heading = QLabel(
            "<h2>Welcome to PeerDesk</h2><p>PeerDesk keeps your peer-learning program — who takes part, "
            "who is paired with whom, sessions and feedback — in one file on this computer. How do you "
            "want to begin?</p>",
            self,
        )
        heading.setWordWrap(True)
        heading.setTextFormat(Qt.TextFormat.RichText)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        self.buttons: dict[str, QCommandLinkButton] = {}
        for choice, title, description in (
            ("demo", "Explore the demo program", "A realistic program with about 60 people, pairings and sessions."),
            ("new", "Start a new program…", "Choose where to keep the program file, then add people."),
            ("import", "Import participants from a CSV file…", "Start a new program from an HR or spreadsheet export."),
            ("open", "Open an existing program file…", "A PeerDesk file you or a colleague already have."),
        ):
            button = QCommandLinkButton(title, description, self)
            button.clicked.connect(lambda _=False, c=choice: self.choose(c))
            layout.addWidget(button)
            self.buttons[choice] = button
        self.guide: QWidget | None = None
        self.guide_link = QLabel(
            'New to PeerDesk? <a href="guide">Read the user guide</a>: first steps, importing people, '
            "running a round, invites, printing and backups (later: Help > User guide, F1).",
            self,
        )
        self.guide_link.setWordWrap(True)
        self.guide_link.setTextFormat(Qt.TextFormat.RichText)
        self.guide_link.linkActivated.connect(lambda _href: self.open_guide())
        layout.addWidget(self.guide_link)
        quit_box = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        quit_box.rejected.connect(self.reject)
        layout.addWidget(quit_box)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.buttons["demo"].setFocus()

    def open_guide(self) -> None:
        """The guide opens beside the welcome dialog (a child of it, so that it can be used now)."""
        from peerdesk.ui.window.guide import show_guide

        self.guide = show_guide(self)

    def choose(self, choice: str) -> None:
        self.choice = choice
        self.accept()


def ask_first_launch(parent: QWidget | None = None) -> str | None:
    """Show the welcome dialog; return 'demo', 'new', 'import', 'open', or None to quit (tests replace this)."""
    dialog = FirstLaunchDialog(parent)
    dialog.exec()
    keep_guide_open(dialog, parent)
    return dialog.choice


def keep_guide_open(dialog: FirstLaunchDialog, parent: QWidget | None) -> None:
    """A guide opened from the welcome dialog stays open once the dialog is gone."""
    guide = dialog.guide
    if guide is not None and parent is not None and guide.isVisible():
        guide.setParent(parent, guide.windowFlags())
        guide.show()
