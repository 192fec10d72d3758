"""The fonts PeerDesk ships for its PDFs, registered with Qt too, so that every script the PDFs
print (Hangul, Chinese, Japanese, Arabic, Hebrew, Cyrillic, Greek...) also shows on screen on a
computer that has no such font installed."""

from __future__ import annotations

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import QApplication

from peerdesk import shipped
from peerdesk.printing.fonts import FONT_FILES, SHIPPED_FOLDER

_registered: list[str] = []


def register_shipped_fonts() -> list[str]:
    """Add the shipped TTFs to Qt's font database (once) and return their family names."""
    if not _registered:
        for spec in FONT_FILES.values():
            path = shipped.path(SHIPPED_FOLDER, spec.filename)
            if path is None:
                continue
            font_id = QFontDatabase.addApplicationFont(str(path))
            for family in QFontDatabase.applicationFontFamilies(font_id):
                if family not in _registered:
                    _registered.append(family)
    return list(_registered)


def use_shipped_fallbacks(app: QApplication) -> None:
    """Register the shipped fonts and put them after the platform's UI font in the application
    font, so that a character the UI font lacks is drawn from them (on every platform, not only
    where fontconfig would find application fonts by itself)."""
    families = register_shipped_fonts()
    font = QFont(app.font())
    first = font.families() or [font.family()]
    font.setFamilies([*first, *(f for f in families if f not in first)])
    app.setFont(font)
