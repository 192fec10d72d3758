"""The report's look and building blocks: styles, tables, sections kept with their start, the page
template (header, "Page n of m" footer), writing a story to PDF, and how numbers and dates print."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from io import BytesIO
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4, letter
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import registerFontFamily
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    LongTable,
    PageTemplate,
    Paragraph,
    Table,
    TableStyle,
)

from peerdesk.jobs import CancelCheck, Cancelled, Progress
from peerdesk.metrics.catalogue import format_value
from peerdesk.metrics.scope import Period
from peerdesk.printing import fonts, text

PAGE_SIZES = {"A4": A4, "Letter": letter}

# --- styles and building blocks ------------------------------------------------------------

INK = colors.HexColor("#222222")
MUTED = colors.HexColor("#666666")
ACCENT = colors.HexColor("#0F5C63")
RULE = colors.HexColor("#CCCCCC")
ZEBRA = colors.HexColor("#F4F7F7")
SUMMARY_TINT = colors.HexColor("#EEF5F5")
STATUS_COLOURS = {
    "met": colors.HexColor("#2E7D32"),
    "on_track": colors.HexColor("#0F5C63"),
    "at_risk": colors.HexColor("#C77700"),
    "missed": colors.HexColor("#B3261E"),
}


def _styles() -> dict[str, ParagraphStyle]:
    fonts.register_all()
    registerFontFamily(
        "PD-Sans", normal="PD-Sans", bold="PD-Sans-Bold", italic="PD-Sans-Italic", boldItalic="PD-Sans-Bold"
    )
    base = ParagraphStyle("base", fontName="PD-Sans", fontSize=9, leading=12.5, textColor=INK)
    return {
        "base": base,
        "title": ParagraphStyle("title", base, fontName="PD-Sans-Bold", fontSize=20, leading=25, textColor=ACCENT),
        "subtitle": ParagraphStyle("subtitle", base, fontSize=10.5, leading=14, textColor=MUTED),
        "h1": ParagraphStyle("h1", base, fontName="PD-Sans-Bold", fontSize=13, leading=17, spaceBefore=10, spaceAfter=5, textColor=ACCENT),
        "h2": ParagraphStyle("h2", base, fontName="PD-Sans-Bold", fontSize=10, leading=13, spaceBefore=6, spaceAfter=3),
        "summary": ParagraphStyle("summary", base, fontSize=10, leading=14.5),
        "cell": ParagraphStyle("cell", base, fontSize=8, leading=10),
        "head": ParagraphStyle("head", base, fontName="PD-Sans-Bold", fontSize=8, leading=10, textColor=colors.white),
        "num": ParagraphStyle("num", base, fontSize=8, leading=10, alignment=TA_RIGHT),
        "note": ParagraphStyle("note", base, fontSize=8, leading=10.5, textColor=MUTED),
    }  # fmt: skip


def user_text(value: str, style: ParagraphStyle) -> Flowable:
    """Text a person typed (names, titles, comments): a Paragraph when the base font prints
    it left to right, else a ScriptText with font fallback, bidi order and shaping."""
    if text.needs_layout(value, style.fontName):
        family = "sans-bold" if "Bold" in style.fontName else "sans"
        return text.ScriptText(value, family, style.fontSize, color=style.textColor, leading=style.leading)
    return Paragraph(escape(value), style)


def _table(
    header: Sequence[str],
    rows: Sequence[Sequence[Any]],
    widths: Sequence[float],
    st: dict[str, ParagraphStyle],
    *,
    numeric: Sequence[int] = (),
    extra: Sequence[tuple[Any, ...]] = (),
) -> LongTable:
    """A table that breaks across pages with its header row repeated."""
    data: list[list[Any]] = [[Paragraph(escape(h), st["head"]) for h in header]]
    for row in rows:
        cells: list[Any] = []
        for i, value in enumerate(row):
            if isinstance(value, Flowable):
                cells.append(value)
            elif i in numeric:
                cells.append(Paragraph(escape(str(value)), st["num"]))
            else:
                cells.append(user_text(str(value), st["cell"]))
        data.append(cells)
    table = LongTable(data, colWidths=list(widths), repeatRows=1, hAlign="LEFT")
    style = [
        ("FONTNAME", (0, 0), (-1, -1), fonts.BASE_FONT),
        ("BACKGROUND", (0, 0), (-1, 0), ACCENT),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        *[("BACKGROUND", (0, r), (-1, r), ZEBRA) for r in range(2, len(data), 2)],
        *extra,
    ]
    table.setStyle(TableStyle(style))
    return table


def _figures_table(items: Sequence[tuple[str, str]], width: float, st: dict[str, ParagraphStyle]) -> LongTable:
    """Key figures as tiles: the value large, its label small."""
    per_row = 4
    big = ParagraphStyle("big", st["base"], fontName="PD-Sans-Bold", fontSize=15, leading=18, textColor=ACCENT)
    cells = [[Paragraph(escape(v), big), Paragraph(escape(label), st["note"])] for v, label in items]
    rows = []
    for i in range(0, len(cells), per_row):
        chunk: list[Any] = list(cells[i : i + per_row])
        chunk += [""] * (per_row - len(chunk))
        rows.append(chunk)
    table = LongTable(rows, colWidths=[width / per_row] * per_row, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), fonts.BASE_FONT),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BOX", (0, 0), (-1, -1), 0.4, RULE),
                ("INNERGRID", (0, 0), (-1, -1), 0.4, RULE),
                ("TOPPADDING", (0, 0), (-1, -1), 5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    return table


class _NumberedCanvas(Canvas):  # type: ignore[misc]
    """Writes 'Page n of m' once the page count is known."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._saved: list[dict[str, Any]] = []

    def showPage(self) -> None:  # noqa: N802 - reportlab API
        self._saved.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._saved)
        for state in self._saved:
            self.__dict__.update(state)
            self.setFont("PD-Sans", 7.5)
            self.setFillColor(MUTED)
            width = self._pagesize[0]
            self.drawRightString(width - 18 * mm, 10 * mm, f"Page {self._pageNumber} of {total}")
            super().showPage()
        super().save()


class _Doc(BaseDocTemplate):  # type: ignore[misc]
    def __init__(
        self, target: Any, header: str, period: str, organisation: str, pagesize: tuple[float, float], **kw: Any
    ) -> None:
        super().__init__(
            target,
            pagesize=pagesize,
            leftMargin=18 * mm,
            rightMargin=18 * mm,
            topMargin=22 * mm,
            bottomMargin=18 * mm,
            initialFontName=fonts.BASE_FONT,
            **kw,
        )
        self.header = header
        self.period_text = period
        self.organisation = organisation
        frame = Frame(
            self.leftMargin, self.bottomMargin, self.width, self.height, id="body", leftPadding=0, rightPadding=0
        )
        self.addPageTemplates([PageTemplate("page", [frame], onPage=self._decorate)])
        self.cancel: CancelCheck | None = None
        self.progress: Progress | None = None
        self.expected = 1

    def _decorate(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        w, h = self.pagesize
        canvas.saveState()
        canvas.setStrokeColor(ACCENT)
        canvas.setLineWidth(0.8)
        canvas.line(18 * mm, h - 15 * mm, w - 18 * mm, h - 15 * mm)
        canvas.setFillColor(ACCENT)
        size = text.fit_size(self.header, "sans-bold", 9, w * 0.55)
        text.draw_line(canvas, 18 * mm, h - 13 * mm, self.header, "sans-bold", size)
        canvas.setFillColor(MUTED)
        text.draw_line(canvas, w - 18 * mm, h - 13 * mm, self.period_text, "sans", 8.5, "right")
        text.draw_line(canvas, 18 * mm, 10 * mm, self.organisation, "sans", 7.5)
        canvas.restoreState()
        if self.cancel is not None and self.cancel():
            raise Cancelled("Writing the report was cancelled; no file was left behind.")
        if self.progress is not None:
            self.progress(min(doc.page, self.expected), self.expected)


def _build(
    target: Any,
    story: list[Flowable],
    header: str,
    period: str,
    organisation: str,
    paper: str,
    progress: Progress | None,
    cancel: CancelCheck | None,
    expected: int,
) -> None:
    doc = _Doc(
        target,
        header,
        period,
        organisation,
        PAGE_SIZES.get(paper, A4),
        title=header,
        author=organisation,
        creator="PeerDesk",
    )
    doc.cancel = cancel
    doc.progress = progress
    doc.expected = expected
    doc.build(story, canvasmaker=_NumberedCanvas)


Story = tuple[list[Flowable], str, str, str, str, int]  # flowables, header, period, organisation, paper, pages


def _write(
    built: Story, out: str | os.PathLike[str] | None, progress: Progress | None, cancel: CancelCheck | None
) -> bytes | Path:
    """Build the PDF into `out` atomically (nothing is left on cancel or failure), or into bytes."""
    story, header, period, organisation, paper, expected = built
    if out is None:
        buf = BytesIO()
        _build(buf, story, header, period, organisation, paper, progress, cancel, expected)
        return buf.getvalue()
    from peerdesk.store.safefile import atomic_path

    target = Path(out)
    with atomic_path(target) as tmp:
        _build(str(tmp), story, header, period, organisation, paper, progress, cancel, expected)
    return target


def _frame_width(paper: str) -> float:
    return float(PAGE_SIZES.get(paper, A4)[0] - 36 * mm)


def _cols(width: float, weights: Sequence[float]) -> list[float]:
    total = sum(weights)
    return [width * w / total for w in weights]


def _pct(value: float | None) -> str:
    return format_value(value, "percent")


def _hours(value: float | None) -> str:
    return format_value(value, "hours")


def _rating(value: float | None) -> str:
    return format_value(value, "rating")


def _count(value: float | None) -> str:
    return format_value(value, "count")


def _day(day: dt.date) -> str:
    return f"{day:%d %b %Y}"


def _month_label(key: str) -> str:
    return dt.date.fromisoformat(key + "-01").strftime("%b %y")


def period_text(period: Period) -> str:
    if period.start and period.end:
        if period.label and not period.label.startswith(("Last", "Previous")) and period.label[:1] in "QH12":
            return f"{period.label} ({period.start:%d %b %Y} – {period.end:%d %b %Y})"
        return f"{period.start:%d %b %Y} – {period.end:%d %b %Y}"
    if period.start:
        return f"From {period.start:%d %b %Y}"
    if period.end:
        return f"Up to {period.end:%d %b %Y}"
    return "All time"


_GOAL_WORDS = (("met", "met"), ("on_track", "on track"), ("at_risk", "at risk"), ("missed", "missed"))


def _and(items: Sequence[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _are(n: int) -> str:
    return "is" if n == 1 else "are"


def _have(n: int) -> str:
    return "has" if n == 1 else "have"


class KeepWithStart(KeepTogether):  # type: ignore[misc]
    """A heading and what follows it, moved to the next page unless the heading and at least
    `start` points of what follows (all of it, when shorter) fit on this one: no heading is
    left alone at the foot of a page. Below that, the content breaks across pages as usual."""

    def __init__(self, flowables: list[Flowable], start: float) -> None:
        super().__init__(flowables)
        self._start = start

    def split(self, aW: float, aH: float) -> list[Flowable]:  # noqa: N803 - reportlab API
        if getattr(self, "_wrapInfo", None) != (aW, aH):
            self.wrap(aW, aH)
        content = list(self._content)
        frame = getattr(self, "_frame", None)
        at_top = bool(getattr(frame, "_atTop", False))
        needed = min(self._H, self._H0 + self._start)
        if needed > aH and not at_top:
            content.insert(0, self.FrameBreak())
        return content


def section(title: str, style: ParagraphStyle, content: Sequence[Flowable], start: float = 30 * mm) -> Flowable:
    """A titled part of a report whose heading stays with the start of its content."""
    return KeepWithStart([Paragraph(escape(title), style), *content], start)


def _summary_box(text: str, st: dict[str, ParagraphStyle], width: float) -> Flowable:
    """The summary in a tinted box that takes the room it draws in (nothing under it is covered)."""
    box = Table([[Paragraph(escape(text), st["summary"])]], colWidths=[width], hAlign="LEFT")
    box.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), fonts.BASE_FONT),
                ("BACKGROUND", (0, 0), (-1, -1), SUMMARY_TINT),
                ("LEFTPADDING", (0, 0), (-1, -1), 8),
                ("RIGHTPADDING", (0, 0), (-1, -1), 8),
                ("TOPPADDING", (0, 0), (-1, -1), 7),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
            ]
        )
    )
    return box
