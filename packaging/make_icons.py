"""Render the application icon (resources/icons/app/peerdesk.svg) to the files platforms want.

    python packaging/make_icons.py

- resources/icons/app/peerdesk-<N>.png for N in 16 ... 512 (the window icon, Linux hicolor);
- packaging/windows/peerdesk.ico (the .exe) and packaging/macos/peerdesk.icns (the .app).
The outputs are committed; run this again after editing the SVG.
"""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SVG = ROOT / "resources" / "icons" / "app" / "peerdesk.svg"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def render(size: int) -> bytes:
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    QSvgRenderer(str(SVG)).render(painter)
    painter.end()
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return bytes(data.data())


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PIL import Image
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance() or QGuiApplication(sys.argv)  # noqa: F841 - QImage needs one
    pngs = {size: render(size) for size in SIZES}
    for size, data in pngs.items():
        (SVG.parent / f"peerdesk-{size}.png").write_bytes(data)
    largest = Image.open(io.BytesIO(pngs[512]))
    (ROOT / "packaging" / "windows").mkdir(exist_ok=True)
    largest.save(ROOT / "packaging" / "windows" / "peerdesk.ico", sizes=[(s, s) for s in SIZES if s <= 256])
    (ROOT / "packaging" / "macos").mkdir(exist_ok=True)
    largest.save(ROOT / "packaging" / "macos" / "peerdesk.icns")
    print(f"wrote {len(pngs)} PNGs, peerdesk.ico and peerdesk.icns from {SVG.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
