"""Preview a PDF (certificate or report) inside the app before saving it.

Pages are rendered with pdfium (the pypdfium2 wheel) into QImages: PySide6's own QtPdf
lives in the large add-ons package, which PeerDesk does not need otherwise.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from peerdesk.store.errors import StoreError
from peerdesk.ui.common import icons, page_parts, widgets

PDF_FILTER = "PDF documents (*.pdf)"


def render_pages(data: bytes, width_px: int = 900, first: int = 0, count: int | None = None) -> list[QImage]:
    """Render PDF pages to images `width_px` wide (all pages, or `count` from `first`)."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    try:
        last = len(pdf) if count is None else min(len(pdf), first + count)
        images = []
        for i in range(first, last):
            page = pdf[i]
            try:
                scale = width_px / page.get_width()
                bitmap = page.render(scale=scale, rev_byteorder=True)
                try:
                    w, h, stride = bitmap.width, bitmap.height, bitmap.stride
                    fmt = QImage.Format.Format_RGB888 if bitmap.n_channels == 3 else QImage.Format.Format_RGBA8888
                    images.append(QImage(bytes(bitmap.buffer), w, h, stride, fmt).copy())
                finally:
                    bitmap.close()
            finally:
                page.close()
        return images
    finally:
        pdf.close()


def page_count(data: bytes) -> int:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    try:
        return len(pdf)
    finally:
        pdf.close()


class PdfPreviewDialog(QDialog):
    """Shows a PDF page by page, with Save to write it where the user chooses."""

    def __init__(self, data: bytes, title: str, suggested_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.data = data
        self.suggested_name = suggested_name
        self.saved_to: Path | None = None
        # When set, called on Save for the final PDF (e.g. issue the certificate, then render it).
        self.produce: Callable[[], bytes] | None = None
        self.pages = page_count(data)
        self.index = 0
        self.image = QLabel(alignment=Qt.AlignmentFlag.AlignCenter)
        self.image.setObjectName("previewPage")
        scroll = QScrollArea()
        scroll.setWidget(self.image)
        scroll.setWidgetResizable(True)
        self.prev_button = QPushButton(icons.icon("chevron-left"), "Previous")
        self.prev_button.setToolTip("Previous page")
        self.next_button = page_parts.icon_after(QPushButton(icons.icon("chevron-right"), "Next"))
        self.next_button.setToolTip("Next page")
        self.position = QLabel()
        self.prev_button.clicked.connect(lambda: self.show_page(self.index - 1))
        self.next_button.clicked.connect(lambda: self.show_page(self.index + 1))
        nav = QHBoxLayout()
        nav.addWidget(self.prev_button)
        nav.addWidget(self.position, 1, Qt.AlignmentFlag.AlignCenter)
        nav.addWidget(self.next_button)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.save_button = buttons.addButton("Save PDF…", QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.clicked.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addLayout(nav)
        layout.addWidget(buttons)
        self.resize(980, 760)
        self.show_page(0)

    def show_page(self, index: int) -> None:
        if not 0 <= index < self.pages:
            return
        self.index = index
        (image,) = render_pages(self.data, 900, index, 1)
        self.image.setPixmap(QPixmap.fromImage(image))
        self.position.setText(f"Page {index + 1} of {self.pages}")
        self.prev_button.setEnabled(index > 0)
        self.next_button.setEnabled(index < self.pages - 1)

    def save(self) -> None:
        path = widgets.ask_save_file(self, "Save PDF", PDF_FILTER, self.suggested_name)
        if path is None:
            return
        if path.suffix.lower() != ".pdf":
            path = path.with_suffix(".pdf")
        from peerdesk.store.safefile import write_bytes

        try:
            if self.produce is not None:
                self.data = self.produce()
            write_bytes(path, self.data)
        except StoreError as exc:
            widgets.warn(self, "Save PDF", str(exc))
            return
        self.saved_to = path
        self.accept()
