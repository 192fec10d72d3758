"""Icons: the application icon, and line icons from the Lucide set (ISC licence,
resources/icons/lucide) drawn in the colours of the current palette."""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QByteArray, QRectF, QSize, Qt
from PySide6.QtGui import QGuiApplication, QIcon, QImage, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer

from peerdesk import shipped

APP_ID = "org.peerdesk.PeerDesk"  # the .desktop file, AppStream id and Windows AppUserModelID
APP_ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
_SIZES = (16, 20, 24, 32, 40, 48, 64, 96)  # device pixels: QIcon picks the size x the screen scale

# Each page of the sidebar and its icon.
PAGE_ICONS = {
    "Dashboard": "layout-dashboard",
    "Participants": "users",
    "Pairings": "handshake",
    "Sessions": "calendar-days",
    "Programs & Goals": "target",
    "Training": "graduation-cap",
    "Recognition": "award",
    "Feedback": "message-square-text",
    "Reports": "file-chart-column",
}


class IconMissing(LookupError):
    """An icon name that is not among the shipped icons (a bug)."""


def app_icon() -> QIcon:
    """The PeerDesk icon at every shipped size (the SVG for anything larger)."""
    icon = QIcon()
    for size in APP_ICON_SIZES:
        pixmap = QPixmap()
        pixmap.loadFromData(shipped.read_bytes("icons", "app", f"peerdesk-{size}.png"), "PNG")
        icon.addPixmap(pixmap)
    return icon


def names() -> list[str]:
    """The names of the shipped line icons."""
    return [name.removesuffix(".svg") for name in shipped.names("icons", "lucide") if name.endswith(".svg")]


def icon(name: str) -> QIcon:
    """A line icon in the palette's text colour; white-on-highlight when selected, greyed when disabled."""
    palette = QGuiApplication.palette()
    normal = palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.WindowText).name()
    selected = palette.color(QPalette.ColorGroup.Active, QPalette.ColorRole.HighlightedText).name()
    disabled = palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText).name()
    return _icon(name, normal, selected, disabled)


@cache
def _icon(name: str, normal: str, selected: str, disabled: str) -> QIcon:
    result = QIcon()
    for mode, colour in ((QIcon.Mode.Normal, normal), (QIcon.Mode.Selected, selected), (QIcon.Mode.Disabled, disabled)):
        renderer = QSvgRenderer(QByteArray(_svg(name).replace(b"currentColor", colour.encode())))
        for size in _SIZES:
            result.addPixmap(_render(renderer, size), mode)
    return result


@cache
def _svg(name: str) -> bytes:
    node = shipped.resource("icons", "lucide", f"{name}.svg")
    if not node.is_file():
        raise IconMissing(f"no shipped icon named {name!r}")
    return node.read_bytes()


def _render(renderer: QSvgRenderer, pixels: int) -> QPixmap:
    image = QImage(QSize(pixels, pixels), QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter, QRectF(0, 0, pixels, pixels))
    painter.end()
    return QPixmap.fromImage(image)
