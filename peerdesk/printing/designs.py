"""The certificate designs: a classic bordered one and a modern one, drawn on a landscape page.

A design draws one certificate (a CertificateView) on a reportlab canvas. Everything that
varies in length is measured: the name shrinks to fit inside the border, the statement
wraps and, if it is very long, gets smaller; nothing is ever drawn past the frame.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape, letter
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from peerdesk.printing.text import draw_line, fit_block, fit_size, wrap_lines

DESIGNS = {"classic": "Classic (bordered)", "modern": "Modern"}
PAGE_SIZES = {"A4": landscape(A4), "Letter": landscape(letter)}


@dataclass(frozen=True)
class CertificateView:
    """Everything printed on one certificate, already worded."""

    serial: str
    heading: str  # "Certificate of Recognition"
    name: str
    statement: str  # "in recognition of ... in the Onboarding Buddies program"
    figures: tuple[tuple[str, str], ...] = ()  # (value, label), e.g. ("36.5", "hours mentored")
    program: str = ""
    date_text: str = ""
    organisation: str = ""
    signer_name: str = ""
    signer_title: str = ""
    logo_path: str = ""
    signature_path: str = ""
    extra: dict[str, str] = field(default_factory=dict)


def _image(path: str) -> ImageReader | None:
    """A logo or signature, read once per batch; None when the file is missing or unreadable."""
    if not path:
        return None
    try:
        stamp = Path(path).stat().st_mtime_ns
    except OSError:
        return None
    return _read_image(path, stamp)


@lru_cache(maxsize=16)
def _read_image(path: str, stamp: int) -> ImageReader | None:
    try:
        return ImageReader(path)
    except Exception:  # noqa: BLE001 - any unreadable image is simply left off
        return None


def _draw_image(c: Canvas, path: str, cx: float, y: float, max_w: float, max_h: float) -> float:
    """Draw an image centred on cx with its bottom at y, fitting a box; return its height."""
    img = _image(path)
    if img is None:
        return 0.0
    iw, ih = img.getSize()
    scale = min(max_w / iw, max_h / ih)
    w, h = iw * scale, ih * scale
    c.drawImage(img, cx - w / 2, y, w, h, mask="auto")
    return float(h)


def _statement(
    c: Canvas, text: str, family: str, cx: float, top: float, width: float, max_lines: int, size: float
) -> float:
    """Wrap the statement centred under `top`; shrink until it fits max_lines. Returns the bottom."""
    lines = wrap_lines(text, family, size, width)
    while len(lines) > max_lines and size > 8:
        size -= 1
        lines = wrap_lines(text, family, size, width)
    lines = lines[:max_lines]
    y = top - size
    for line in lines:
        draw_line(c, cx, y, line, family, fit_size(line, family, size, width), "centre")
        y -= size * 1.35
    return y + size * 1.35 - size * 0.3


def _figures_line(view: CertificateView) -> str:
    return "   ·   ".join(f"{value} {label}" for value, label in view.figures)


# --- classic ---------------------------------------------------------------------------

NAVY = colors.HexColor("#1F2A44")
GOLD = colors.HexColor("#B08D3C")
INK = colors.HexColor("#2B2B2B")
MUTED = colors.HexColor("#5F6368")


def draw_classic(c: Canvas, view: CertificateView, page: tuple[float, float]) -> None:
    """A double gold-and-navy border with corner ornaments, serif lettering, centred."""
    w, h = page
    m = 12 * mm
    c.setStrokeColor(NAVY)
    c.setLineWidth(3)
    c.rect(m, m, w - 2 * m, h - 2 * m)
    c.setStrokeColor(GOLD)
    c.setLineWidth(1.2)
    inner = m + 5 * mm
    c.rect(inner, inner, w - 2 * inner, h - 2 * inner)
    c.setLineWidth(0.5)
    c.rect(inner + 2 * mm, inner + 2 * mm, w - 2 * inner - 4 * mm, h - 2 * inner - 4 * mm)
    c.setFillColor(GOLD)
    for x, y in ((inner, inner), (w - inner, inner), (inner, h - inner), (w - inner, h - inner)):
        p = c.beginPath()
        d = 4 * mm
        p.moveTo(x, y + d)
        p.lineTo(x + d, y)
        p.lineTo(x, y - d)
        p.lineTo(x - d, y)
        p.close()
        c.drawPath(p, stroke=0, fill=1)

    cx = w / 2
    text_w = w - 2 * inner - 30 * mm
    top = h - inner - 12 * mm
    logo_h = _draw_image(c, view.logo_path, cx, top - 16 * mm, 60 * mm, 16 * mm)
    y = top - (logo_h + 6 * mm if logo_h else 16 * mm)
    c.setFillColor(MUTED)
    draw_line(
        c,
        cx,
        y - 11,
        view.organisation.upper(),
        "serif",
        fit_size(view.organisation.upper(), "serif", 11, text_w),
        "centre",
    )
    y -= 11 + 14 * mm
    c.setFillColor(NAVY)
    draw_line(c, cx, y, view.heading, "serif-bold", fit_size(view.heading, "serif-bold", 30, text_w), "centre")
    y -= 12 * mm
    c.setFillColor(MUTED)
    draw_line(c, cx, y, "is presented to", "serif-italic", 13, "centre")
    y -= 17 * mm
    c.setFillColor(INK)
    lines, name_size = fit_block(view.name, "serif-bold", 40, text_w)
    if len(lines) > 1:
        y += name_size * 0.55
    for line in lines:
        draw_line(c, cx, y, line, "serif-bold", name_size, "centre")
        y -= name_size * 1.1
    y += name_size * 1.1
    c.setStrokeColor(GOLD)
    c.setLineWidth(0.8)
    c.line(cx - text_w * 0.32, y - 4 * mm, cx + text_w * 0.32, y - 4 * mm)
    y -= 12 * mm
    c.setFillColor(INK)
    bottom = _statement(c, view.statement, "serif-italic", cx, y, text_w * 0.9, 3, 15)
    if view.figures:
        c.setFillColor(NAVY)
        line = _figures_line(view)
        draw_line(c, cx, bottom - 9 * mm, line, "serif-bold", fit_size(line, "serif-bold", 13, text_w), "centre")
    _classic_footer(c, view, w, inner)


def _classic_footer(c: Canvas, view: CertificateView, w: float, inner: float) -> None:
    base = inner + 22 * mm
    col = (w - 2 * inner) / 4
    left, right = inner + col, w - inner - col
    _draw_image(c, view.signature_path, left, base + 1.5 * mm, 55 * mm, 15 * mm)
    c.setStrokeColor(INK)
    c.setLineWidth(0.6)
    for x in (left, right):
        c.line(x - 30 * mm, base, x + 30 * mm, base)
    c.setFillColor(INK)
    draw_line(
        c,
        left,
        base - 5 * mm,
        view.signer_name,
        "serif-bold",
        fit_size(view.signer_name, "serif-bold", 11, 60 * mm),
        "centre",
    )
    c.setFillColor(MUTED)
    draw_line(
        c, left, base - 9.5 * mm, view.signer_title, "serif", fit_size(view.signer_title, "serif", 9, 60 * mm), "centre"
    )
    c.setFillColor(INK)
    draw_line(c, right, base + 2 * mm, view.date_text, "serif", 11, "centre")
    c.setFillColor(MUTED)
    draw_line(c, right, base - 5 * mm, "Date", "serif", 9, "centre")
    draw_line(c, w / 2, inner + 5 * mm, f"Certificate no. {view.serial}", "serif", 8, "centre")


# --- modern ----------------------------------------------------------------------------

TEAL = colors.HexColor("#0F5C63")
TEAL_LIGHT = colors.HexColor("#E6F0F1")
ACCENT = colors.HexColor("#F2A541")


def draw_modern(c: Canvas, view: CertificateView, page: tuple[float, float]) -> None:
    """A deep teal side panel with the organisation, a clean sans layout and figure tiles."""
    w, h = page
    panel = w * 0.27
    c.setFillColor(TEAL)
    c.rect(0, 0, panel, h, stroke=0, fill=1)
    c.setFillColor(ACCENT)
    c.rect(panel, 0, 2.2 * mm, h, stroke=0, fill=1)
    pcx = panel / 2
    pw = panel - 20 * mm
    logo_h = _draw_image(c, view.logo_path, pcx, h - 42 * mm, pw, 26 * mm)
    y = h - (50 * mm if logo_h else 30 * mm)
    c.setFillColor(colors.white)
    for line in wrap_lines(view.organisation, "sans-bold", 14, pw)[:4]:
        draw_line(c, pcx, y, line, "sans-bold", fit_size(line, "sans-bold", 14, pw), "centre")
        y -= 19
    c.setFillColor(colors.HexColor("#CFE3E5"))
    if view.program:
        y -= 8 * mm
        for line in wrap_lines(view.program, "sans", 10.5, pw)[:3]:
            draw_line(c, pcx, y, line, "sans", fit_size(line, "sans", 10.5, pw), "centre")
            y -= 14
    draw_line(c, pcx, 16 * mm, view.serial, "sans", 8.5, "centre")
    draw_line(c, pcx, 20.5 * mm, "CERTIFICATE NO.", "sans", 6.5, "centre")

    left = panel + 22 * mm
    right = w - 18 * mm
    text_w = right - left
    y = h - 38 * mm
    c.setFillColor(TEAL)
    draw_line(
        c, left, y, view.heading.upper(), "sans-bold", fit_size(view.heading.upper(), "sans-bold", 15, text_w), "left"
    )
    c.setFillColor(ACCENT)
    c.rect(left, y - 6 * mm, 18 * mm, 1.4 * mm, stroke=0, fill=1)
    y -= 30 * mm
    c.setFillColor(INK)
    lines, name_size = fit_block(view.name, "sans-bold", 38, text_w)
    if len(lines) > 1:
        y += name_size * 0.6
    for line in lines:
        draw_line(c, left, y, line, "sans-bold", name_size, "left")
        y -= name_size * 1.12
    y += name_size * 1.12 - 12 * mm
    c.setFillColor(MUTED)
    size = 13
    lines = wrap_lines(view.statement, "sans", size, text_w)
    while len(lines) > 3 and size > 8:
        size -= 1
        lines = wrap_lines(view.statement, "sans", size, text_w)
    for line in lines[:3]:
        draw_line(c, left, y, line, "sans", fit_size(line, "sans", size, text_w), "left")
        y -= size * 1.4
    if view.figures:
        _tiles(c, view.figures, left, y - 30 * mm, text_w)
    _modern_footer(c, view, left, right)


def _tiles(c: Canvas, figures: tuple[tuple[str, str], ...], left: float, bottom: float, width: float) -> None:
    n = len(figures)
    gap = 5 * mm
    tile_w = min(52 * mm, (width - gap * (n - 1)) / n)
    for i, (value, label) in enumerate(figures):
        x = left + i * (tile_w + gap)
        c.setFillColor(TEAL_LIGHT)
        c.roundRect(x, bottom, tile_w, 24 * mm, 2.5 * mm, stroke=0, fill=1)
        c.setFillColor(TEAL)
        draw_line(
            c,
            x + 5 * mm,
            bottom + 11 * mm,
            value,
            "sans-bold",
            fit_size(value, "sans-bold", 22, tile_w - 10 * mm),
            "left",
        )
        c.setFillColor(MUTED)
        draw_line(c, x + 5 * mm, bottom + 5 * mm, label, "sans", fit_size(label, "sans", 9, tile_w - 10 * mm), "left")


def _modern_footer(c: Canvas, view: CertificateView, left: float, right: float) -> None:
    base = 30 * mm
    _draw_image(c, view.signature_path, left + 30 * mm, base + 1.5 * mm, 55 * mm, 15 * mm)
    c.setStrokeColor(colors.HexColor("#9AA0A6"))
    c.setLineWidth(0.6)
    c.line(left, base, left + 60 * mm, base)
    c.setFillColor(INK)
    draw_line(
        c,
        left,
        base - 5 * mm,
        view.signer_name,
        "sans-bold",
        fit_size(view.signer_name, "sans-bold", 10.5, 70 * mm),
        "left",
    )
    c.setFillColor(MUTED)
    draw_line(
        c, left, base - 9.5 * mm, view.signer_title, "sans", fit_size(view.signer_title, "sans", 8.5, 70 * mm), "left"
    )
    c.setFillColor(INK)
    draw_line(c, right, base + 2 * mm, view.date_text, "sans", 10.5, "right")
    c.setFillColor(MUTED)
    draw_line(c, right, base - 5 * mm, "Date", "sans", 8.5, "right")


DRAW: dict[str, Callable[[Canvas, CertificateView, tuple[float, float]], None]] = {
    "classic": draw_classic,
    "modern": draw_modern,
}


def draw(c: Canvas, view: CertificateView, design: str, page: tuple[float, float]) -> None:
    """Draw one certificate in the named design on the current page."""
    fn = DRAW.get(design)
    if fn is None:
        raise ValueError(f"unknown design {design!r}; expected one of {', '.join(DESIGNS)}")
    fn(c, view, page)
