"""Help > About: the version, PeerDesk's licence, and the licences of the fonts, icons and
libraries that ship with it."""

from __future__ import annotations

import html
import platform
from importlib.metadata import PackageNotFoundError, metadata

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import Qt, qVersion
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QTabWidget, QTextBrowser, QVBoxLayout, QWidget

from peerdesk import __version__, shipped
from peerdesk.ui.common import icons

# What ships in resources/, with the file holding each licence's full text.
SHIPPED_WORKS = (
    ("DejaVu Sans and DejaVu Serif fonts", "Bitstream Vera / DejaVu licence (free)", ("fonts", "LICENSE-DejaVu.txt")),
    ("Droid Sans Fallback font", "Apache License 2.0", ("fonts", "LICENSE-DroidSansFallback.txt")),
    ("NanumSquare font", "SIL Open Font License 1.1", ("fonts", "LICENSE-Nanum.txt")),
    ("Lucide icons", "ISC licence (icons derived from Feather: MIT)", ("icons", "lucide", "LICENSE.txt")),
)
# The libraries PeerDesk runs on (a bundle carries them too).
LIBRARIES = (
    "PySide6-Essentials",
    "shiboken6",
    "sqlite-utils",
    "platformdirs",
    "tzdata",
    "anyascii",
    "numpy",
    "scipy",
    "rustworkx",
    "icalendar",
    "python-dateutil",
    "reportlab",
    "uharfbuzz",
    "pypdfium2",
    "threadpoolctl",
)


def licence_of(distribution: str) -> str:
    """A library's licence as its package states it (SPDX expression, licence field or classifier)."""
    try:
        meta = metadata(distribution)
    except PackageNotFoundError:
        return "see the library's own package"
    expression = meta.get("License-Expression")
    if expression:
        return str(expression)
    classifiers = [c.split("::")[-1].strip() for c in meta.get_all("Classifier") or [] if c.startswith("License ::")]
    if classifiers:
        return ", ".join(classifiers)
    field = (meta.get("License") or "").strip()
    return field.splitlines()[0][:80] if field else "see the library's own package"


def about_html() -> str:
    return (
        f"<h2>PeerDesk {html.escape(__version__)}</h2>"
        "<p>Runs a workplace peer-learning program: participants, pairings, sessions, feedback, "
        "calendar invites, certificates and reports, in one file on this computer.</p>"
        "<p>PeerDesk is free software under the <b>MIT licence</b> (see Licences).</p>"
        f"<p>Python {platform.python_version()} · Qt {qVersion()} · PySide6 {pyside_version}</p>"
    )


def licences_html() -> str:
    parts = ["<h3>PeerDesk</h3><p>MIT licence</p>", f"<pre>{html.escape(shipped.read_text('LICENSE.txt'))}</pre>"]
    parts.append("<h3>Fonts and icons shipped with PeerDesk</h3><ul>")
    parts += [f"<li><b>{html.escape(work)}</b>: {html.escape(licence)}</li>" for work, licence, _file in SHIPPED_WORKS]
    parts.append("</ul>")
    parts.append("<h3>Libraries</h3><ul>")
    parts.append(
        "<li><b>Qt</b> and <b>PySide6</b> (Qt for Python): GNU LGPL version 3; PeerDesk uses them as "
        "separate, replaceable libraries.</li>"
    )
    parts += [f"<li>{html.escape(name)}: {html.escape(licence_of(name))}</li>" for name in LIBRARIES[2:]]
    parts.append("</ul>")
    for work, _licence, file in SHIPPED_WORKS:
        parts.append(f"<h3>{html.escape(work)}</h3><pre>{html.escape(shipped.read_text(*file))}</pre>")
    return "".join(parts)


class AboutDialog(QDialog):
    """Version and licences, on two tabs."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("About PeerDesk")
        self.resize(620, 520)
        logo = QLabel(self)
        logo.setPixmap(icons.app_icon().pixmap(64, 64))
        self.about = QLabel(about_html(), self)
        self.about.setWordWrap(True)
        self.about.setTextFormat(Qt.TextFormat.RichText)
        self.about.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        about_tab = QWidget(self)
        about_layout = QVBoxLayout(about_tab)
        about_layout.addWidget(logo)
        about_layout.addWidget(self.about)
        about_layout.addStretch(1)
        self.licences = QTextBrowser(self)
        self.licences.setOpenExternalLinks(False)
        self.licences.setHtml(licences_html())
        self.tabs = QTabWidget(self)
        self.tabs.addTab(about_tab, "About")
        self.tabs.addTab(self.licences, "Licences")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(buttons)
