"""Desktop integration files: the .desktop entry and AppStream metainfo validate, and the
application icon exists at every size the platforms ask for."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from peerdesk.ui.common import icons

REPO = Path(__file__).resolve().parents[2]
LINUX = REPO / "packaging" / "linux"


def validate(*command: str | Path) -> subprocess.CompletedProcess[str]:
    if shutil.which(str(command[0])) is None:
        pytest.skip(f"{command[0]} is not installed (.ci/run installs it)")
    return subprocess.run([str(c) for c in command], capture_output=True, text=True, check=False)


def test_desktop_entry_validates_and_names_the_app_id():
    entry = LINUX / f"{icons.APP_ID}.desktop"
    done = validate("desktop-file-validate", entry)
    assert done.returncode == 0 and "error" not in done.stdout.lower(), done.stdout
    text = entry.read_text(encoding="utf-8")
    assert f"Icon={icons.APP_ID}\n" in text and "Exec=PeerDesk" in text


def test_appstream_metainfo_validates():
    done = validate("appstreamcli", "validate", "--no-net", LINUX / f"{icons.APP_ID}.metainfo.xml")
    assert done.returncode == 0, done.stdout + done.stderr


def test_application_icon_at_every_size(qapp):
    for size in icons.APP_ICON_SIZES:
        image = QImage(str(REPO / "resources" / "icons" / "app" / f"peerdesk-{size}.png"))
        assert (image.width(), image.height()) == (size, size)
    assert (REPO / "packaging" / "windows" / "peerdesk.ico").stat().st_size > 0
    assert (REPO / "packaging" / "macos" / "peerdesk.icns").read_bytes()[:4] == b"icns"
    assert not icons.app_icon().isNull() and len(icons.app_icon().availableSizes()) == len(icons.APP_ICON_SIZES)
