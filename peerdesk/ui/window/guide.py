"""Help > User guide: the guide shipped with PeerDesk (resources/guide/user-guide.md), with its
sections listed beside the text."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCursor, QTextDocument
from PySide6.QtWidgets import QDialog, QListWidget, QSplitter, QTextBrowser, QVBoxLayout, QWidget

from peerdesk import shipped

GUIDE = ("guide", "user-guide.md")


class GuideWindow(QDialog):
    """The user guide in its own window, which stays open beside the main window."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("PeerDesk user guide")
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)
        self.setModal(False)
        self.resize(900, 680)
        self.text = QTextBrowser(self)
        self.text.setOpenExternalLinks(True)
        self.text.document().setMarkdown(shipped.read_text(*GUIDE), QTextDocument.MarkdownFeature.MarkdownDialectGitHub)
        self.text.document().setDocumentMargin(16)
        self.sections = QListWidget(self)
        self.sections.setAccessibleName("Sections of the guide")
        self._blocks: list[int] = []
        block = self.text.document().begin()
        while block.isValid():
            if block.blockFormat().headingLevel() == 2:
                self.sections.addItem(block.text())
                self._blocks.append(block.position())
            block = block.next()
        self.sections.currentRowChanged.connect(self.show_section)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self.sections)
        splitter.addWidget(self.text)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([220, 680])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)

    def section_titles(self) -> list[str]:
        return [self.sections.item(i).text() for i in range(self.sections.count())]

    def show_section(self, row: int) -> None:
        """Scroll the text so that the section's heading is at the top."""
        if not 0 <= row < len(self._blocks):
            return
        document = self.text.document()
        block = document.findBlock(self._blocks[row])
        cursor = QTextCursor(block)
        self.text.setTextCursor(cursor)
        top = document.documentLayout().blockBoundingRect(block).top()
        self.text.verticalScrollBar().setValue(int(top))


def show_guide(parent: QWidget | None, section: str | None = None) -> GuideWindow:
    """Open the guide (one window per parent, raised when already open), optionally at a section."""
    window = parent.findChild(GuideWindow) if parent is not None else None
    if window is None:
        window = GuideWindow(parent)
    window.show()
    window.raise_()
    window.activateWindow()
    if section is not None and section in window.section_titles():
        window.sections.setCurrentRow(window.section_titles().index(section))
    return window
