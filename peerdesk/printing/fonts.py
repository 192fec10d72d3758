"""Embedded TrueType fonts for printed output, and the per-character fallback between them.

reportlab's built-in fonts print only Latin-1, so every PDF PeerDesk writes uses TTF
fonts that are embedded (subset) in the file:

- DejaVu Serif / DejaVu Sans: Latin with accents, Greek, Cyrillic, Vietnamese; DejaVu Sans
  also covers Arabic and Hebrew (shaped with HarfBuzz, see peerdesk.printing.text);
- Droid Sans Fallback: Chinese and Japanese;
- NanumSquare: Korean Hangul.

They ship in resources/fonts (peerdesk.resources) with their licences. A font missing there is looked for in
the usual system font folders; when it is nowhere, FontMissing says which file to install.
"""

from __future__ import annotations

import os
import sys
import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from reportlab import rl_config
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from peerdesk import shipped

SHIPPED_FOLDER = "fonts"  # in peerdesk.resources (read through peerdesk.shipped)


class FontMissing(RuntimeError):
    """A font PeerDesk needs is neither shipped nor installed on this computer."""


@dataclass(frozen=True)
class FontFile:
    """One TTF face: the name it is registered under in reportlab, and its file name."""

    name: str
    filename: str
    package: str  # where to get it when it is missing


DEJAVU = "fonts-dejavu-core (dejavu-fonts.github.io)"
FONT_FILES: dict[str, FontFile] = {
    f.name: f
    for f in (
        FontFile("PD-Sans", "DejaVuSans.ttf", DEJAVU),
        FontFile("PD-Sans-Bold", "DejaVuSans-Bold.ttf", DEJAVU),
        FontFile("PD-Sans-Italic", "DejaVuSans-Oblique.ttf", DEJAVU),
        FontFile("PD-Serif", "DejaVuSerif.ttf", DEJAVU),
        FontFile("PD-Serif-Bold", "DejaVuSerif-Bold.ttf", DEJAVU),
        FontFile("PD-Serif-Italic", "DejaVuSerif-Italic.ttf", DEJAVU),
        FontFile("PD-CJK", "DroidSansFallbackFull.ttf", "fonts-droid-fallback"),
        FontFile("PD-Hangul", "NanumSquareR.ttf", "fonts-nanum"),
    )
}

# A family is the face tried first, then the fallbacks, per style. Characters are given
# to the first face in the chain that has a glyph for them.
FAMILIES: dict[str, tuple[str, ...]] = {
    "serif": ("PD-Serif", "PD-Sans", "PD-CJK", "PD-Hangul"),
    "serif-bold": ("PD-Serif-Bold", "PD-Sans-Bold", "PD-CJK", "PD-Hangul"),
    "serif-italic": ("PD-Serif-Italic", "PD-Sans-Italic", "PD-Sans", "PD-CJK", "PD-Hangul"),
    "sans": ("PD-Sans", "PD-CJK", "PD-Hangul"),
    "sans-bold": ("PD-Sans-Bold", "PD-Sans", "PD-CJK", "PD-Hangul"),
    "sans-italic": ("PD-Sans-Italic", "PD-Sans", "PD-CJK", "PD-Hangul"),
}

_lock = threading.Lock()


def _system_font_dirs() -> list[Path]:
    home = Path.home()
    dirs = [
        home / ".fonts",
        home / ".local" / "share" / "fonts",
        Path("/usr/share/fonts"),
        Path("/usr/local/share/fonts"),
    ]
    if sys.platform == "darwin":
        dirs += [home / "Library" / "Fonts", Path("/Library/Fonts"), Path("/System/Library/Fonts")]
    if sys.platform == "win32":
        windir = Path(os.environ.get("WINDIR", r"C:\Windows"))
        dirs += [windir / "Fonts", Path(os.environ.get("LOCALAPPDATA", "")) / "Microsoft" / "Windows" / "Fonts"]
    return dirs


@cache
def locate(filename: str) -> Path | None:
    """Where a font file is: the shipped copy first, then the system font folders."""
    bundled = shipped.path(SHIPPED_FOLDER, filename)
    if bundled is not None:
        return bundled
    for folder in _system_font_dirs():
        if not folder.is_dir():
            continue
        for path in folder.rglob(filename):
            if path.is_file():
                return path
    return None


def register(name: str) -> str:
    """Register one face with reportlab (once) and return its name; raise FontMissing."""
    with _lock:
        if name in pdfmetrics._fonts:  # noqa: SLF001 - reportlab keeps no public registry test
            return name
        spec = FONT_FILES[name]
        path = locate(spec.filename)
        if path is None:
            raise FontMissing(
                f"The font file {spec.filename} is not among PeerDesk's own fonts nor in the system font "
                f"folders. Install it (package {spec.package}) to print these names."
            )
        font = TTFont(name, str(path))
        font.shapable = True
        pdfmetrics.registerFont(font)
        return name


# Faces every document needs; the large CJK and Hangul faces load on first use.
CORE_FACES = ("PD-Sans", "PD-Sans-Bold", "PD-Sans-Italic", "PD-Serif", "PD-Serif-Bold", "PD-Serif-Italic")


def register_all() -> list[str]:
    """Register the core faces (the others register when a character needs them)."""
    return [register(name) for name in CORE_FACES]


def face_has(name: str, char: str) -> bool:
    """True when the face has a glyph for the character."""
    return ord(char) in _char_map(name)


@cache
def _char_map(name: str) -> frozenset[int]:
    register(name)
    font = pdfmetrics.getFont(name)
    return frozenset(font.face.charToGlyph)


def chain(family: str) -> tuple[str, ...]:
    """The faces of a family, in fallback order (registered when first asked for a glyph)."""
    try:
        return FAMILIES[family]
    except KeyError:
        raise ValueError(f"unknown font family {family!r}; expected one of {', '.join(FAMILIES)}") from None


_NEUTRAL_CATEGORIES = ("Zs", "Cc", "Cf", "Mn", "Me")


def face_for(char: str, family: str) -> str | None:
    """The first face of the family that prints the character; None when none does."""
    for name in chain(family):
        if ord(char) in _char_map(name):
            return name
    return None


def uncovered(text: str, family: str = "sans") -> list[str]:
    """The characters of text that no face of the family can print (they would show as boxes)."""
    import unicodedata

    missing: list[str] = []
    for ch in text:
        if unicodedata.category(ch) in _NEUTRAL_CATEGORIES:
            continue
        if face_for(ch, family) is None and ch not in missing:
            missing.append(ch)
    return missing


BASE_FONT = "PD-Sans"


def new_canvas(target: Any, pagesize: tuple[float, float], **kwargs: Any) -> Canvas:
    """A reportlab canvas whose every font (even the initial one) is an embedded TTF."""
    register_all()
    return Canvas(target, pagesize=pagesize, initialFontName=BASE_FONT, **kwargs)


# Compressed streams stay binary: ASCII85 on top of zlib makes files a quarter larger and,
# without reportlab's optional C accelerator, costs as much time as drawing the page.
rl_config.useA85 = 0
