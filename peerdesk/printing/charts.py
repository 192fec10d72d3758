"""Charts for the reports, drawn with reportlab.graphics (vector, embedded fonts)."""

from __future__ import annotations

import math
from collections.abc import Sequence

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.linecharts import HorizontalLineChart
from reportlab.graphics.shapes import STATE_DEFAULTS, Drawing, String
from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth

from peerdesk.printing import fonts

PALETTE = [
    colors.HexColor(c)
    for c in ("#0F5C63", "#F2A541", "#5B8DEF", "#C8553D", "#7A9E7E", "#8E6C8A", "#D4B483", "#4D6A6D", "#B5C2B7")
]
GRID = colors.HexColor("#DDDDDD")
TEXT = colors.HexColor("#333333")
FONT = fonts.BASE_FONT

# reportlab.graphics starts every drawing with Helvetica selected, which puts an unembedded
# font in the PDF even when no text uses it; PeerDesk's PDFs embed every font they name.
STATE_DEFAULTS["fontName"] = FONT


def _face(label: str) -> str:
    """A face that prints the label (department names may be in any script)."""
    for ch in label:
        if not ch.isspace() and not fonts.face_has(FONT, ch):
            return fonts.face_for(ch, "sans") or FONT
    return FONT


def _title(d: Drawing, text: str, width: float, height: float) -> None:
    d.add(String(0, height - 11, text, fontName="PD-Sans-Bold", fontSize=9.5, fillColor=TEXT))


def _short(label: str, n: int = 22) -> str:
    return label if len(label) <= n else label[: n - 1] + "…"


def spaced_labels(labels: Sequence[str], width: float, font_size: float = 7, gap: float = 8) -> list[str]:
    """The labels of an axis `width` points long with every k-th one kept (the last always),
    so that none runs into the next; the others are blank."""
    n = len(labels)
    if n == 0:
        return []
    widest = max(stringWidth(label, FONT, font_size) for label in labels) + gap
    every = max(1, math.ceil(widest / (width / n)))
    return [label if (n - 1 - i) % every == 0 else "" for i, label in enumerate(labels)]


def _no_data(d: Drawing, x: float, y: float, width: float, height: float, text: str = "No data in the period") -> None:
    d.add(String(x + width / 2, y + height / 2, text, fontName=FONT, fontSize=8, fillColor=TEXT, textAnchor="middle"))


def bars_horizontal(
    title: str,
    labels: Sequence[str],
    values: Sequence[float | None],
    width: float,
    *,
    unit: str = "%",
    top: float = 100,
    texts: Sequence[str] | None = None,
) -> Drawing:
    """One bar per label (e.g. participation rate per department), values 0..top, each with
    its value written beside it (`texts`, as the tables print them; '–' for no value)."""
    fonts.register_all()
    n = max(1, len(labels))
    row = 13
    height = 40 + n * row
    d = Drawing(width, height)
    _title(d, title, width, height)
    chart = HorizontalBarChart()
    chart.x = 110
    chart.y = 16
    chart.width = width - chart.x - 30
    chart.height = n * row
    chart.data = [[v if v is not None else 0 for v in reversed(values)]] or [[0]]
    chart.categoryAxis.categoryNames = [_short(label or "(none)") for label in reversed(labels)] or [""]
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 7.5
    chart.categoryAxis.labels.boxAnchor = "e"
    for i, label in enumerate(reversed(labels)):
        chart.categoryAxis.labels[i].fontName = _face(label)
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = top
    chart.valueAxis.valueStep = top / 4
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.labelTextFormat = "%d" + unit.replace("%", "%%")
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = GRID
    chart.bars[0].fillColor = PALETTE[0]
    chart.bars.strokeColor = None
    if texts is None:
        texts = ["–" if v is None else f"{v:g}{unit}" for v in values]
    chart.barLabelFormat = "values"
    chart.barLabelArray = [list(reversed(texts))] or [[""]]
    chart.barLabels.fontName = FONT
    chart.barLabels.fontSize = 6.5
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    d.add(chart)
    return d


def stacked_bars(
    title: str,
    categories: Sequence[str],
    series: Sequence[tuple[str, Sequence[float]]],
    width: float,
    height: float = 190,
) -> Drawing:
    """Stacked columns (e.g. sessions held per month, stacked by kind), with a legend."""
    fonts.register_all()
    d = Drawing(width, height)
    _title(d, title, width, height)
    chart = VerticalBarChart()
    chart.x = 32
    chart.y = 34
    chart.width = width - chart.x - 130
    chart.height = height - chart.y - 24
    data = [list(values) for _, values in series] or [[0] * max(1, len(categories))]
    chart.data = data
    chart.categoryAxis.categoryNames = spaced_labels(categories, chart.width, 7) or [""]
    chart.categoryAxis.style = "stacked"
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.labels.boxAnchor = "n"
    totals = [sum(col) for col in zip(*data, strict=True)] if data and data[0] else [0]
    top = max([1.0, *totals])
    step = max(1.0, _nice(top / 4))  # whole sessions per gridline
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = step * math.ceil(top / step)
    chart.valueAxis.valueStep = step
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = GRID
    chart.bars.strokeColor = None
    chart.barWidth = 8
    chart.groupSpacing = max(1.0, min(10.0, chart.width / max(1, len(categories)) / 3))
    for i in range(len(data)):
        chart.bars[i].fillColor = PALETTE[i % len(PALETTE)]
    d.add(chart)
    if series:
        legend = Legend()
        legend.x = width - 110
        legend.y = height - 24
        legend.fontName = FONT
        legend.fontSize = 7.5
        legend.alignment = "right"
        legend.boxAnchor = "nw"
        legend.dx = legend.dy = 7
        legend.deltay = 11
        legend.columnMaximum = 12
        legend.colorNamePairs = [(PALETTE[i % len(PALETTE)], _short(name, 20)) for i, (name, _) in enumerate(series)]
        d.add(legend)
    return d


def trend_line(
    title: str,
    categories: Sequence[str],
    values: Sequence[float | None],
    width: float,
    *,
    low: float,
    high: float,
    step: float,
    fmt: str = "%.1f",
    height: float = 150,
    color: colors.Color = PALETTE[0],
) -> Drawing:
    """A line over months (e.g. average rating), gaps where there is no value."""
    fonts.register_all()
    d = Drawing(width, height)
    _title(d, title, width, height)
    chart = HorizontalLineChart()
    chart.x = 30
    chart.y = 30
    chart.width = width - chart.x - 10
    chart.height = height - chart.y - 24
    known = [v for v in values if v is not None]
    # A line needs a value: with none, the axes and a note (reportlab cannot draw an empty line).
    chart.data = [list(values)] if known else [[low] * max(1, len(categories))]
    chart.categoryAxis.categoryNames = spaced_labels(categories, chart.width, 6.5) or [""]
    chart.categoryAxis.labels.fontName = FONT
    chart.categoryAxis.labels.fontSize = 6.5
    chart.categoryAxis.labels.boxAnchor = "n"
    chart.valueAxis.valueMin = low
    chart.valueAxis.valueMax = high
    chart.valueAxis.valueStep = step
    chart.valueAxis.labels.fontName = FONT
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.labelTextFormat = fmt
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = GRID
    chart.lines[0].strokeColor = color
    chart.lines[0].strokeWidth = 1.8
    chart.lines[0].symbol = None
    chart.joinedLines = 1
    try:
        from reportlab.graphics.widgets.markers import makeMarker

        chart.lines[0].symbol = makeMarker("FilledCircle", size=3.5, fillColor=color, strokeColor=color)
    except ImportError:  # pragma: no cover - markers ship with reportlab
        pass
    if not known:
        chart.lines[0].strokeColor = None
        chart.lines[0].symbol = None
    d.add(chart)
    if not known:
        _no_data(d, chart.x, chart.y, chart.width, chart.height)
    return d


def _nice(value: float) -> float:
    """A round number at or above value (1, 2, 5 x 10^n)."""
    if value <= 0:
        return 1.0
    exp = math.floor(math.log10(value))
    for m in (1, 2, 5, 10):
        top = m * 10**exp
        if top >= value:
            return float(top)
    return float(10 ** (exp + 1))
