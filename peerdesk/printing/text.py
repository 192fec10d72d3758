"""Lay out one line of text in any script: font fallback per character, bidi order, shaping.

A name may mix scripts ("Zoë 山田", "محمد Ali"). A line is cut into pieces that share
one face (see fonts.FAMILIES) and one bidi level; pieces are put in visual order with
the Unicode bidi algorithm's rules for one paragraph without explicit embeddings (P2-P3
base direction, W-rules reduced to: numbers are LTR, N1-N2 for neutrals, L2 reordering);
each right-to-left or combining piece is shaped by HarfBuzz (through reportlab's
uharfbuzz support), which also returns its glyphs in visual order. The text stored in the
PDF is therefore in visual order; its ToUnicode map still names each glyph's letters.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import ShapedStr, shapeStr
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable

from peerdesk.printing import fonts

_STRONG_R = frozenset(("R", "AL"))
_NUMBER = frozenset(("EN", "AN"))


@dataclass(frozen=True)
class Piece:
    """A run of text drawn with one face, in one direction."""

    text: str  # logical order
    face: str
    level: int  # even = left to right, odd = right to left
    shaped: bool  # must go through HarfBuzz (RTL joining, combining marks)
    unit: float = 0.0  # width at size 1 (widths scale with the size)


@dataclass(frozen=True)
class Line:
    """A laid-out line: pieces in visual (left to right) order, and the base direction."""

    pieces: tuple[Piece, ...]
    rtl: bool
    unit: float = 0.0  # width at size 1

    def width(self, size: float) -> float:
        return self.unit * size


def is_rtl(text: str) -> bool:
    """True when the first strong character of text is right-to-left (P2-P3)."""
    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if kind == "L":
            return False
        if kind in _STRONG_R:
            return True
    return False


def needs_layout(text: str, face: str) -> bool:
    """False when text can be drawn as a plain string with one face (the fast path)."""
    for ch in text:
        if not fonts.face_has(face, ch) and not ch.isspace():
            return True
        if unicodedata.bidirectional(ch) in _STRONG_R or unicodedata.category(ch) == "Mn":
            return True
    return False


def _levels(text: str, rtl: bool) -> list[int]:
    base = 1 if rtl else 0
    kinds = [unicodedata.bidirectional(ch) for ch in text]
    strong: list[str | None] = []
    for kind in kinds:
        if kind == "L":
            strong.append("L")
        elif kind in _STRONG_R:
            strong.append("R")
        elif kind in _NUMBER:
            strong.append("N")  # numbers act as R for neutrals next to R (N1), are LTR inside
        else:
            strong.append(None)
    levels = [base] * len(text)
    prev = "R" if rtl else "L"
    for i, s in enumerate(strong):
        if s == "L":
            levels[i] = 2 if rtl else 0
            prev = "L"
        elif s == "R":
            levels[i] = 1
            prev = "R"
        elif s == "N":
            # W7: a number after left-to-right text is left-to-right text; else it sits in RTL.
            if prev == "L":
                strong[i] = "L"
                levels[i] = 2 if rtl else 0
            else:
                levels[i] = 2
    # Neutrals: the direction of the strong text on both sides when it agrees, else the base.
    i = 0
    while i < len(text):
        if strong[i] is not None:
            i += 1
            continue
        j = i
        while j < len(text) and strong[j] is None:
            j += 1
        before = _as_dir(strong[i - 1], levels[i - 1]) if i > 0 else ("R" if rtl else "L")
        after = _as_dir(strong[j], levels[j]) if j < len(text) else ("R" if rtl else "L")
        level = (1 if before == "R" else (2 if rtl else 0)) if before == after else base
        for k in range(i, j):
            levels[k] = level
        i = j
    return levels


def _as_dir(strong: str | None, level: int) -> str:
    if strong == "N":
        return "R" if level >= 1 else "L"
    return strong or "L"


def _reorder(pieces: list[Piece]) -> list[Piece]:
    """L2: reverse every run at level >= k, for k from the highest level down to 1."""
    if not pieces:
        return pieces
    order = list(pieces)
    top = max(p.level for p in order)
    lowest_odd = min((p.level for p in order if p.level % 2), default=top + 1)
    for k in range(top, lowest_odd - 1, -1):
        i = 0
        while i < len(order):
            if order[i].level >= k:
                j = i
                while j < len(order) and order[j].level >= k:
                    j += 1
                order[i:j] = reversed(order[i:j])
                i = j
            else:
                i += 1
    return order


@lru_cache(maxsize=4096)
def layout(text: str, family: str) -> Line:
    """Cut text into face/direction pieces in visual order (cached: names repeat)."""
    text = unicodedata.normalize("NFC", " ".join(text.split()))
    rtl = is_rtl(text)
    if not text:
        return Line((), rtl)
    faces = fonts.chain(family)
    levels = _levels(text, rtl)
    chosen: list[str] = []
    current = faces[0]
    for ch in text:
        cat = unicodedata.category(ch)
        if ch.isspace() or cat in ("Mn", "Me", "Cf"):
            face = current if fonts.face_has(current, ch) or ch.isspace() else (fonts.face_for(ch, family) or current)
        elif unicodedata.bidirectional(ch) not in ("L", "R", "AL") and fonts.face_has(current, ch):
            face = current  # punctuation and digits stay with the text around them
        else:
            face = fonts.face_for(ch, family) or faces[0]
        chosen.append(face)
        current = face
    pieces: list[Piece] = []
    start = 0
    for i in range(1, len(text) + 1):
        if i == len(text) or chosen[i] != chosen[start] or levels[i] != levels[start]:
            chunk = text[start:i]
            needs_shaping = levels[start] % 2 == 1 or any(unicodedata.category(c) == "Mn" for c in chunk)
            unit = shaped(chunk, chosen[start])[1] if needs_shaping else pdfmetrics.stringWidth(chunk, chosen[start], 1)
            pieces.append(Piece(chunk, chosen[start], levels[start], needs_shaping, float(unit)))
            start = i
    return Line(tuple(_reorder(pieces)), rtl, sum(p.unit for p in pieces))


@lru_cache(maxsize=8192)
def shaped(text: str, face: str) -> tuple[str, float]:
    """HarfBuzz glyphs of a run in visual order, and its width at size 1."""
    glyphs = shapeStr(text, face, 10)
    data = getattr(glyphs, "__shapeData__", None)
    if not isinstance(glyphs, ShapedStr) or data is None:
        return text, pdfmetrics.stringWidth(text, face, 1)
    return glyphs, sum(d.x_advance for d in data) / 1000


def piece_width(piece: Piece, size: float) -> float:
    return piece.unit * size


def text_width(text: str, family: str, size: float) -> float:
    return layout(text, family).width(size)


def draw_line(canvas: Canvas, x: float, y: float, text: str, family: str, size: float, align: str = "left") -> float:
    """Draw text on one line; align is left, centre or right of x. Returns the width drawn."""
    line = layout(text, family)
    width = line.width(size)
    if align == "centre":
        x -= width / 2
    elif align == "right":
        x -= width
    for piece in line.pieces:
        canvas.setFont(piece.face, size)
        # reportlab's own shaping path needs rlbidi; a ShapedStr is drawn glyph by glyph as is.
        glyphs = shaped(piece.text, piece.face)[0] if piece.shaped else piece.text
        canvas.drawString(x, y, glyphs)
        x += piece_width(piece, size)
    return width


def fit_size(text: str, family: str, size: float, max_width: float) -> float:
    """The largest size up to `size` at which text fits max_width (text never overflows)."""
    width = text_width(text, family, size)
    if width <= max_width or width == 0:
        return size
    return size * max_width / width * 0.995


def fit_block(text: str, family: str, size: float, max_width: float, max_lines: int = 2) -> tuple[list[str], float]:
    """Lines and size for a prominent text (a name): one line while it stays at least
    60% of `size`, else wrapped over up to max_lines at a smaller size, each line fitting."""
    one = fit_size(text, family, size, max_width)
    if one >= size * 0.6 or max_lines < 2 or " " not in text.strip():
        return [text], one
    smaller = size * 0.72
    lines = wrap_lines(text, family, smaller, max_width)
    while len(lines) > max_lines and smaller > 6:
        smaller *= 0.92
        lines = wrap_lines(text, family, smaller, max_width)
    if len(lines) > max_lines:
        return [text], one
    return lines, min(fit_size(line, family, smaller, max_width) for line in lines)


def _break_units(text: str) -> list[str]:
    """Words, with CJK characters each a unit of their own (CJK breaks between characters)."""
    units: list[str] = []
    for word in text.split(" "):
        buf = ""
        for ch in word:
            if _is_cjk(ch):
                if buf:
                    units.append(buf)
                    buf = ""
                units.append(ch)
            else:
                buf += ch
        if buf:
            units.append(buf)
        units.append(" ")
    while units and units[-1] == " ":
        units.pop()
    return units


def _is_cjk(ch: str) -> bool:
    o = ord(ch)
    return 0x3040 <= o <= 0x30FF or 0x3400 <= o <= 0x9FFF or 0xF900 <= o <= 0xFAFF or 0x20000 <= o <= 0x2FFFF


def wrap_lines(text: str, family: str, size: float, width: float) -> list[str]:
    """Greedy line breaking of text (spaces, and between CJK characters) to fit width."""
    lines: list[str] = []
    for paragraph in text.splitlines() or [""]:
        current = ""
        for unit in _break_units(" ".join(paragraph.split())):
            trial = current + unit
            if current.strip() and unit != " " and text_width(trial, family, size) > width:
                lines.append(current.rstrip())
                current = unit
            else:
                current = trial
        lines.append(current.rstrip())
    return lines


class ScriptText(Flowable):  # type: ignore[misc]
    """Text in any script for tables and reports: wrapped to the width, or shrunk to one line.

    align is left, centre, right, or auto (right for right-to-left text)."""

    def __init__(
        self,
        text: str,
        family: str = "sans",
        size: float = 9,
        *,
        color: object = None,
        one_line: bool = False,
        leading: float | None = None,
        align: str = "left",
    ) -> None:
        super().__init__()
        self.text = text
        self.family = family
        self.size = size
        self.color = color
        self.one_line = one_line
        self.leading = leading or size * 1.25
        self.align = align
        self._lines: list[str] = []
        self._draw_size = size

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803 - reportlab API
        if self.one_line:
            self._draw_size = fit_size(self.text, self.family, self.size, availWidth)
            self._lines = [self.text]
        else:
            self._lines = wrap_lines(self.text, self.family, self.size, availWidth)
        self.width = availWidth
        self.height = self.leading * len(self._lines)
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        if self.color is not None:
            canvas.setFillColor(self.color)
        y = self.height - self.leading + (self.leading - self.size) / 2 + self.size * 0.2
        for line in self._lines:
            align = self.align
            if align == "auto":
                align = "right" if is_rtl(line) else "left"
            x = {"left": 0.0, "centre": self.width / 2, "right": self.width}[align]
            draw_line(canvas, x, y, line, self.family, self._draw_size, align)
            y -= self.leading
