"""Making user-typed text safe for calendar files, mail headers and file names.

icalendar escapes commas, semicolons, backslashes and newlines, but passes other control
characters and Unicode line separators through; some calendar readers break lines on
those, which would let a typed title start a property of its own. Everything user-typed
goes through these functions before it reaches a calendar or a mail header.
"""

from __future__ import annotations

import re
import unicodedata

# C0 controls except TAB and LF, DEL, C1 controls; lone surrogates cannot be encoded.
# and U+FEFF, a byte-order mark that readers drop (a title of just "\ufeff" would come back empty)
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufeff]")
_SURROGATES = re.compile("[\ud800-\udfff]")
# Everything a reader might take for the end of a line.
_LINE_BREAKS = re.compile("\r\n|[\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
_URI = re.compile(r"^(https?|mailto|tel|sips?|msteams|zoommtg):[!#-;=?-\[\]_a-~%]+$", re.IGNORECASE)


def clean_text(value: str) -> str:
    """Text for a TEXT property: line breaks become LF, other control characters go.

    What comes back is exactly what a calendar shows after reading the file back.
    """
    value = _SURROGATES.sub("\ufffd", value)
    value = _LINE_BREAKS.sub("\n", value)
    return _CONTROLS.sub("", value)


def clean_line(value: str) -> str:
    """One line of text (parameter values such as CN, mail display names): no breaks, no quotes.

    Double quotes become typographic ones, because a parameter value is quoted and calendar
    programs do not all decode RFC 6868; runs of white space collapse to one space.
    """
    value = clean_text(value).replace('"', "\u201d")
    return " ".join(value.split())


def header_text(value: str) -> str:
    """One line for a mail header (a subject, a display name): line breaks and runs of white
    space become one space, so nothing typed can start a header of its own."""
    return " ".join(clean_text(value).split())


def clean_param(value: str) -> str:
    """A parameter value (CN): one clean line without backslashes.

    RFC 5545 has no escapes inside parameter values, yet parsers (icalendar among them)
    read a backslash as one, so a trailing backslash would swallow the next delimiter.
    """
    return clean_line(value).replace("\\", "/")


def safe_uri(value: str) -> str | None:
    """The URI itself when it is a plain web/meeting link without spaces or controls, else None."""
    value = value.strip()
    return value if _URI.match(value) else None


_WINDOWS_RESERVED = {
    "CON",
    "PRN",
    "AUX",
    "NUL",
    *(f"COM{i}" for i in range(10)),
    *(f"LPT{i}" for i in range(10)),
    "COM\u00b9",
    "COM\u00b2",
    "COM\u00b3",
    "LPT\u00b9",
    "LPT\u00b2",
    "LPT\u00b3",
}
_FORBIDDEN_IN_NAMES = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff\u200b-\u200f\u202a-\u202e]')
MAX_STEM_BYTES = 120


def safe_stem(value: str, fallback: str = "invite") -> str:
    """A file name stem that Windows, macOS and Linux all accept, kept readable.

    Letters of every script stay; characters forbidden on Windows become '-', leading
    dots (hidden files) and trailing dots and spaces (dropped by Windows) go, reserved
    device names get a suffix, and the UTF-8 length stays well under every limit.
    """
    stem = unicodedata.normalize("NFC", clean_line(value))
    stem = re.sub(r"\s*:\s+", " - ", stem)  # 'Mentoring: Zoë' -> 'Mentoring - Zoë'
    stem = _FORBIDDEN_IN_NAMES.sub("-", stem)
    stem = re.sub(r"-{2,}", "-", stem)
    stem = " ".join(stem.split()).strip(" .-")
    encoded = stem.encode("utf-8")
    if len(encoded) > MAX_STEM_BYTES:
        stem = encoded[:MAX_STEM_BYTES].decode("utf-8", errors="ignore").rstrip(" .-")
    if not stem:
        stem = fallback
    if stem.split(".")[0].strip().upper() in _WINDOWS_RESERVED:
        stem = f"{stem}_"
    return stem


class UniqueNames:
    """Hands out file name stems that differ from each other on case-insensitive file systems."""

    def __init__(self) -> None:
        self._taken: set[str] = set()

    def claim(self, value: str, fallback: str = "invite") -> str:
        base = safe_stem(value, fallback)
        stem, n = base, 1
        while self._key(stem) in self._taken:
            n += 1
            stem = f"{base} ({n})"
        self._taken.add(self._key(stem))
        return stem

    @staticmethod
    def _key(stem: str) -> str:
        return unicodedata.normalize("NFC", stem).casefold()
