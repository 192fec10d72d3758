"""Small QPainter charts: monthly bars, lines, a sparkline and a status bar.

They take their text and grid colours from the widget's palette, so they read in light
and dark themes alike; the data colours are mid-tone hues visible on either background.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPainterPath, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from peerdesk.metrics import numbers

# Hues chosen to keep contrast on both white and near-black backgrounds.
BLUE = QColor("#3b82c4")
GREEN = QColor("#2e9e6a")
AMBER = QColor("#d08a1c")
RED = QColor("#d1495b")
PURPLE = QColor("#8e63c9")
GREY = QColor("#8a8f98")

STATUS_COLOURS = {"on_track": BLUE, "met": GREEN, "at_risk": AMBER, "missed": RED}


def _text_colour(widget: QWidget) -> QColor:
    return widget.palette().color(QPalette.ColorRole.WindowText)


def _faint(widget: QWidget, alpha: int = 60) -> QColor:
    c = QColor(_text_colour(widget))
    c.setAlpha(alpha)
    return c


def axis_ticks(maximum: float, *, whole: bool = False, most: int = 5) -> list[float]:
    """The gridline values of an axis from 0 up to at least `maximum`: a round step (1, 2, 2.5
    or 5 x 10^k; a whole number when the values are counts), at most `most` steps, and every
    value different (never 0, 0, 0, 1, 1)."""
    if maximum <= 0:
        return [0.0, 1.0]
    exp = math.floor(math.log10(maximum / most)) - 1
    while True:
        for m in (1, 2, 2.5, 5):
            step = m * 10.0**exp
            if whole and (step < 1 or not float(step).is_integer()):
                continue
            if math.ceil(maximum / step - 1e-9) <= most:
                n = max(1, math.ceil(maximum / step - 1e-9))
                return [round(step * i, 10) for i in range(n + 1)]
        exp += 1


def tick_text(value: float, ticks: Sequence[float]) -> str:
    """A gridline's label with as many decimals as its step needs (halves up, as every figure)."""
    step = ticks[1] - ticks[0] if len(ticks) > 1 else 1.0
    places = 0 if float(step).is_integer() else 1 if float(round(step * 10, 9)).is_integer() else 2
    return numbers.fixed(value, places)


class Chart(QWidget):
    """A titled chart over labelled points; None values are gaps. Without any value it shows
    "No data yet" and no scale (an empty chart has nothing to measure)."""

    def __init__(self, title: str = "", parent: QWidget | None = None, *, whole: bool = False) -> None:
        super().__init__(parent)
        self.title = title
        self.whole = whole  # the values are counts: whole-number gridlines
        self.labels: list[str] = []
        self.series: list[tuple[str, list[float | None], QColor]] = []
        self.fixed_max: float | None = None
        self.value_format: Callable[[float], str] = numbers.count
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(220, 150)

    def sizeHint(self) -> QSize:
        return QSize(360, 200)

    def set_data(
        self,
        labels: Sequence[str],
        series: Sequence[tuple[str, Sequence[float | None], QColor]],
        *,
        maximum: float | None = None,
        value_format: Callable[[float], str] = numbers.count,
    ) -> None:
        self.labels = list(labels)
        self.series = [(name, list(values), colour) for name, values, colour in series]
        self.fixed_max = maximum
        self.value_format = value_format
        tips = []
        for name, values, _ in self.series:
            shown = [f"{lab}: {'–' if v is None else value_format(v)}" for lab, v in zip(labels, values, strict=False)]
            tips.append(f"<b>{name}</b><br>" + "<br>".join(shown[-6:]))
        self.setToolTip("<br>".join(tips))
        self.update()

    @property
    def has_data(self) -> bool:
        """Something to draw: a bar above zero (a line chart: any value)."""
        return any(v is not None and v > 0 for _, vs, _ in self.series for v in vs)

    def ticks(self) -> list[float]:
        """The gridline values (empty when there is no data to measure)."""
        if not self.has_data:
            return []
        if self.fixed_max is not None:
            step = 1.0 if self.fixed_max == 5 else self.fixed_max / 4
            return [step * i for i in range(round(self.fixed_max / step) + 1)]
        values = [v for _, vs, _ in self.series for v in vs if v is not None]
        return axis_ticks(max(values, default=0.0), whole=self.whole)

    def tick_labels(self) -> list[str]:
        """What the value axis reads, bottom to top."""
        ticks = self.ticks()
        return [tick_text(t, ticks) for t in ticks]

    def _maximum(self) -> float:
        ticks = self.ticks()
        return ticks[-1] if ticks else 1.0

    def _plot_area(self, painter: QPainter) -> QRectF:
        fm = QFontMetrics(painter.font())
        top = fm.height() + 10 if self.title else 6
        if len(self.series) > 1:
            top += fm.height() + 2
        widest = max((fm.horizontalAdvance(t) for t in self.tick_labels()), default=0)
        left = widest + 10
        return QRectF(left, top, max(10, self.width() - left - 8), max(10, self.height() - top - fm.height() - 8))

    def paintEvent(self, event: object) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        text = _text_colour(self)
        fm = QFontMetrics(painter.font())
        if self.title:
            bold = QFont(painter.font())
            bold.setBold(True)
            painter.setFont(bold)
            painter.setPen(text)
            painter.drawText(QRectF(0, 0, self.width(), fm.height() + 4), Qt.AlignmentFlag.AlignLeft, self.title)
            painter.setFont(self.font())
        if len(self.series) > 1:
            x = 0.0
            y = float(fm.height() + 8 if self.title else 4)
            for name, _, colour in self.series:
                painter.fillRect(QRectF(x, y + 3, 10, 10), colour)
                painter.setPen(text)
                painter.drawText(QPointF(x + 14, y + fm.ascent()), name)
                x += fm.horizontalAdvance(name) + 30
        area = self._plot_area(painter)
        top = self._maximum()
        ticks = self.ticks()
        labels = self.tick_labels()
        painter.setPen(QPen(_faint(self), 1))
        if not ticks:  # nothing to measure: a baseline, no scale
            painter.drawLine(QPointF(area.left(), area.bottom()), QPointF(area.right(), area.bottom()))
        for value, label in zip(ticks, labels, strict=True):
            gy = area.bottom() - area.height() * value / top
            painter.drawLine(QPointF(area.left(), gy), QPointF(area.right(), gy))
            painter.setPen(_faint(self, 170))
            painter.drawText(
                QRectF(0, gy - fm.height() / 2, area.left() - 6, fm.height()),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                label,
            )
            painter.setPen(QPen(_faint(self), 1))
        n = len(self.labels)
        if n:
            step = area.width() / n
            every = max(1, math.ceil(fm.horizontalAdvance("Mmm 00") / step))
            painter.setPen(_faint(self, 190))
            for i, lab in enumerate(self.labels):
                if (n - 1 - i) % every:
                    continue
                painter.drawText(
                    QRectF(area.left() + i * step - 10, area.bottom() + 3, step + 20, fm.height()),
                    Qt.AlignmentFlag.AlignHCenter,
                    lab,
                )
            self.draw_series(painter, area, top, step)
        if not self.has_data:
            painter.setPen(_faint(self, 170))
            painter.drawText(area, Qt.AlignmentFlag.AlignCenter, "No data yet")
        painter.end()

    def draw_series(self, painter: QPainter, area: QRectF, top: float, step: float) -> None:
        raise NotImplementedError


class BarChart(Chart):
    """Bars per label; several series stand side by side."""

    def draw_series(self, painter: QPainter, area: QRectF, top: float, step: float) -> None:
        k = max(1, len(self.series))
        width = step * 0.7 / k
        for j, (_, values, colour) in enumerate(self.series):
            for i, v in enumerate(values):
                if v is None or v <= 0:
                    continue
                h = area.height() * min(v, top) / top
                x = area.left() + i * step + step * 0.15 + j * width
                painter.fillRect(QRectF(x, area.bottom() - h, width, h), colour)


class LineChart(Chart):
    """Lines with dots per label; gaps where a value is None."""

    @property
    def has_data(self) -> bool:
        return any(v is not None for _, vs, _ in self.series for v in vs)

    def draw_series(self, painter: QPainter, area: QRectF, top: float, step: float) -> None:
        for _, values, colour in self.series:
            painter.setPen(QPen(colour, 2.2))
            path = QPainterPath()
            pen_down = False
            points = []
            for i, v in enumerate(values):
                if v is None:
                    pen_down = False
                    continue
                p = QPointF(area.left() + (i + 0.5) * step, area.bottom() - area.height() * min(v, top) / top)
                points.append(p)
                if pen_down:
                    path.lineTo(p)
                else:
                    path.moveTo(p)
                    pen_down = True
            painter.drawPath(path)
            painter.setBrush(colour)
            for p in points:
                painter.drawEllipse(p, 3, 3)
            painter.setBrush(Qt.BrushStyle.NoBrush)


class Sparkline(QWidget):
    """A tiny trend line, with an optional target line (dashed)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.values: list[float | None] = []
        self.target: float | None = None
        self.colour = BLUE
        self.setMinimumSize(80, 24)

    def sizeHint(self) -> QSize:
        return QSize(120, 28)

    def set_values(self, values: Sequence[float | None], target: float | None = None, colour: QColor = BLUE) -> None:
        self.values = list(values)
        self.target = target
        self.colour = colour
        self.update()

    def paintEvent(self, event: object) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        paint_sparkline(
            painter, QRectF(self.rect()).adjusted(2, 3, -2, -3), self.values, self.target, self.colour, self
        )
        painter.end()


def paint_sparkline(
    painter: QPainter,
    rect: QRectF,
    values: Sequence[float | None],
    target: float | None,
    colour: QColor,
    widget: QWidget,
) -> None:
    """Draw a sparkline in rect (also used by item delegates in tables)."""
    known = [v for v in values if v is not None]
    if not known:
        painter.setPen(_faint(widget, 150))
        painter.drawText(rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, "–")
        return
    lo = min([*known, *([target] if target is not None else [])])
    hi = max([*known, *([target] if target is not None else [])])
    if hi - lo < 1e-9:
        lo, hi = lo - 1, hi + 1

    def y(v: float) -> float:
        return rect.bottom() - (v - lo) / (hi - lo) * rect.height()

    n = len(values)
    if target is not None:
        painter.setPen(QPen(_faint(widget, 140), 1, Qt.PenStyle.DashLine))
        painter.drawLine(QPointF(rect.left(), y(target)), QPointF(rect.right(), y(target)))
    path = QPainterPath()
    last: QPointF | None = None
    for i, v in enumerate(values):
        if v is None:
            continue
        p = QPointF(rect.left() + (rect.width() * i / (n - 1) if n > 1 else rect.width()), y(v))
        if last is None:
            path.moveTo(p)
        else:
            path.lineTo(p)
        last = p
    painter.setPen(QPen(colour, 1.8))
    painter.drawPath(path)
    if last is not None:
        painter.setBrush(colour)
        painter.drawEllipse(last, 2.5, 2.5)
        painter.setBrush(Qt.BrushStyle.NoBrush)


class StatusBar(QWidget):
    """A horizontal bar split by goal status counts (on track, at risk, met, missed)."""

    ORDER = ("met", "on_track", "at_risk", "missed")
    LABELS = {"met": "Met", "on_track": "On track", "at_risk": "At risk", "missed": "Missed"}

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.counts: dict[str, int] = {}
        self.setMinimumHeight(44)

    def sizeHint(self) -> QSize:
        return QSize(300, 44)

    def set_counts(self, counts: dict[str, int]) -> None:
        self.counts = dict(counts)
        self.setToolTip(", ".join(f"{self.LABELS[k]}: {self.counts.get(k, 0)}" for k in self.ORDER))
        self.update()

    def paintEvent(self, event: object) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        total = sum(self.counts.values())
        bar = QRectF(0, 2, self.width(), 14)
        if total == 0:
            painter.fillRect(bar, _faint(self, 40))
        x = 0.0
        for key in self.ORDER:
            n = self.counts.get(key, 0)
            if not n:
                continue
            w = self.width() * n / total
            painter.fillRect(QRectF(x, bar.top(), w, bar.height()), STATUS_COLOURS[key])
            x += w
        fm = QFontMetrics(painter.font())
        x = 0.0
        for key in self.ORDER:
            text = f"{self.LABELS[key]} {self.counts.get(key, 0)}"
            painter.fillRect(QRectF(x, 24, 10, 10), STATUS_COLOURS[key])
            painter.setPen(_text_colour(self))
            painter.drawText(QPointF(x + 14, 24 + fm.ascent() - 1), text)
            x += fm.horizontalAdvance(text) + 28
        painter.end()


class ProgressBar(QWidget):
    """Actual towards target as a filled bar in the status colour."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.fraction = 0.0
        self.colour = BLUE
        self.setMinimumSize(60, 10)

    def sizeHint(self) -> QSize:
        return QSize(120, 10)

    def set_progress(self, fraction: float, colour: QColor) -> None:
        self.fraction = max(0.0, min(1.0, fraction))
        self.colour = colour
        self.update()

    def paintEvent(self, event: object) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        r = QRectF(self.rect()).adjusted(0, 1, 0, -1)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(_faint(self, 45))
        painter.drawRoundedRect(r, 4, 4)
        painter.setBrush(self.colour)
        painter.drawRoundedRect(QRectF(r.left(), r.top(), r.width() * self.fraction, r.height()), 4, 4)
        painter.end()
