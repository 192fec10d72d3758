"""The week view: seven day columns, 24 hours down the side, one coloured block per session (QPainter).

The view is as tall as a whole day at HOUR_H pixels an hour and lives in a scroll area; its day
header is painted at the top of the visible part, so it stays in place while the hours scroll.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from PySide6.QtCore import QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QKeyEvent, QMouseEvent, QPainter, QPaintEvent, QPen, QResizeEvent
from PySide6.QtWidgets import QApplication, QSizePolicy, QToolTip, QWidget

from peerdesk import clock
from peerdesk.store.sessions import AgendaRow, SessionFilter, kind_label, sessions_between
from peerdesk.ui.sessions.models import STATUS_LABELS, format_duration, kind_colour

HEADER_H = 34
GUTTER_W = 52
HOUR_H = 40
WORKDAY_START = 7


def week_start(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def this_monday(display_tz: str) -> dt.date:
    """The Monday of the current week in the coordinator's zone."""
    return week_start(clock.now().astimezone(zoneinfo.ZoneInfo(display_tz)).date())


def week_range_utc(monday: dt.date, display_tz: str) -> tuple[dt.datetime, dt.datetime]:
    """The week from this Monday, midnight to midnight in the coordinator's zone, in UTC."""
    tz = zoneinfo.ZoneInfo(display_tz)
    start = dt.datetime.combine(monday, dt.time(), tz).astimezone(dt.UTC)
    end = dt.datetime.combine(monday + dt.timedelta(days=7), dt.time(), tz).astimezone(dt.UTC)
    return start, end


class WeekView(QWidget):
    """Sessions of one week in the coordinator's zone; click selects, double-click opens."""

    session_clicked = Signal(int)
    session_activated = Signal(int)
    session_moved = Signal(int, object)  # id, new start (UTC) after a drag

    def __init__(self, db: Any, display_tz: str = "UTC", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.display_tz = display_tz
        self.filter = SessionFilter()
        self.monday = this_monday(display_tz)
        self.rows: list[AgendaRow] = []
        self.selected: int | None = None
        self._blocks: list[tuple[QRectF, AgendaRow]] = []
        self.first_hour = 0
        self.last_hour = 24
        self.earliest_hour = WORKDAY_START  # where the scroll area starts: 07:00, or the week's first session
        self._drag: tuple[AgendaRow, QPointF, float] | None = None
        self._drop: dt.datetime | None = None
        self.setMouseTracking(True)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setMinimumSize(640, HEADER_H + 24 * HOUR_H + 1)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAccessibleName("Week view")

    def sizeHint(self) -> QSize:
        return QSize(900, HEADER_H + 24 * HOUR_H + 1)

    # --- data ----------------------------------------------------------------------------------

    def set_week(self, monday: dt.date) -> None:
        self.monday = week_start(monday)
        self.reload()

    def set_filter(self, f: SessionFilter) -> None:
        self.filter = f
        self.reload()

    def range_utc(self) -> tuple[dt.datetime, dt.datetime]:
        return week_range_utc(self.monday, self.display_tz)

    def reload(self) -> None:
        start, end = self.range_utc()
        self.show_rows(sessions_between(self.db, start, end, self.filter))

    def show_rows(self, rows: list[AgendaRow]) -> None:
        """Show the week's sessions, read elsewhere (the page reads them on a worker after a change)."""
        self.rows = rows
        tz = zoneinfo.ZoneInfo(self.display_tz)
        starts = [r.start_utc.astimezone(tz) for r in self.rows]
        self.earliest_hour = min([WORKDAY_START, *(a.hour for a in starts if a.date() >= self.monday)])
        self._blocks = []
        self.update()

    def resizeEvent(self, event: QResizeEvent) -> None:
        self._blocks = []
        super().resizeEvent(event)

    @property
    def title(self) -> str:
        sunday = self.monday + dt.timedelta(days=6)
        same_month = self.monday.month == sunday.month
        left = self.monday.strftime("%d" if same_month else "%d %b")
        return f"{left} – {sunday.strftime('%d %b %Y')} (week {self.monday.isocalendar().week})"

    # --- geometry --------------------------------------------------------------------------------

    def _day_width(self) -> float:
        return (self.width() - GUTTER_W - 1) / 7

    def _y(self, hours: float) -> float:
        return HEADER_H + hours * HOUR_H

    def _header_top(self) -> int:
        """Where the day header is painted: the top of the visible part (it stays while hours scroll)."""
        visible = self.visibleRegion().boundingRect()
        return visible.top() if not visible.isEmpty() else 0

    def _layout(self) -> list[tuple[QRectF, AgendaRow]]:
        """Blocks per day; overlapping sessions share the day's width in lanes."""
        tz = zoneinfo.ZoneInfo(self.display_tz)
        per_day: dict[int, list[tuple[float, float, AgendaRow]]] = {}
        for r in self.rows:
            a = r.start_utc.astimezone(tz).replace(tzinfo=None)
            b = r.end_utc.astimezone(tz).replace(tzinfo=None)
            # one piece per day the session touches (it may run past midnight)
            day_start = dt.datetime.combine(a.date(), dt.time())
            while day_start < b:
                day = (day_start.date() - self.monday).days
                piece_a = max(a, day_start)
                piece_b = min(b, day_start + dt.timedelta(days=1))
                if 0 <= day <= 6 and piece_b > piece_a:
                    top = (piece_a - day_start).total_seconds() / 3600
                    bottom = (piece_b - day_start).total_seconds() / 3600
                    per_day.setdefault(day, []).append((top, max(bottom, top + 0.25), r))
                day_start += dt.timedelta(days=1)
        blocks: list[tuple[QRectF, AgendaRow]] = []
        width = self._day_width()
        for day, items in per_day.items():
            items.sort(key=lambda t: (t[0], -t[1]))
            # group into clusters of overlapping items, each with its own number of lanes
            cluster: list[tuple[float, float, AgendaRow, int]] = []
            cluster_end = -1.0

            def flush(group: list[tuple[float, float, AgendaRow, int]], day: int = day) -> None:
                lanes = max((g[3] for g in group), default=0) + 1
                for top, bottom, row, lane in group:
                    x = GUTTER_W + day * width + 2 + lane * (width - 4) / lanes
                    rect = QRectF(x, self._y(top), (width - 4) / lanes - 2, self._y(bottom) - self._y(top) - 1)
                    blocks.append((rect, row))

            lane_ends: list[float] = []
            for top, bottom, row in items:
                if top >= cluster_end and cluster:
                    flush(cluster)
                    cluster, lane_ends, cluster_end = [], [], -1.0
                lane = next((i for i, end in enumerate(lane_ends) if end <= top), len(lane_ends))
                if lane == len(lane_ends):
                    lane_ends.append(bottom)
                else:
                    lane_ends[lane] = bottom
                cluster.append((top, bottom, row, lane))
                cluster_end = max(cluster_end, bottom)
            if cluster:
                flush(cluster)
        return blocks

    # --- painting ----------------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        pal = self.palette()
        p.fillRect(self.rect(), pal.base())
        width = self._day_width()
        today = clock.now().astimezone(zoneinfo.ZoneInfo(self.display_tz)).date()
        grid = QColor(pal.mid().color())
        grid.setAlpha(90)
        text_colour = pal.text().color()
        small = QFont(self.font())
        small.setPointSizeF(max(7.0, self.font().pointSizeF() * 0.85))
        for d in (5, 6):  # the weekend, shaded
            p.fillRect(QRectF(GUTTER_W + d * width, HEADER_H, width, self.height() - HEADER_H), QColor(0, 0, 0, 10))
        # hour lines
        p.setFont(small)
        for h in range(self.first_hour, self.last_hour + 1):
            y = self._y(h)
            p.setPen(QPen(grid, 1))
            p.drawLine(QPointF(GUTTER_W, y), QPointF(self.width(), y))
            if h < self.last_hour:
                p.setPen(pal.placeholderText().color())
                p.drawText(QRectF(0, y - 1, GUTTER_W - 6, 16), Qt.AlignmentFlag.AlignRight, f"{h:02d}:00")
        for d in range(8):
            x = GUTTER_W + d * width
            p.setPen(QPen(grid, 1))
            p.drawLine(QPointF(x, 0), QPointF(x, self.height()))
        # now line
        now = clock.now().astimezone(zoneinfo.ZoneInfo(self.display_tz))
        if self.monday <= now.date() < self.monday + dt.timedelta(days=7):
            d = (now.date() - self.monday).days
            y = self._y(now.hour + now.minute / 60)
            p.setPen(QPen(QColor("#c0392b"), 2))
            p.drawLine(QPointF(GUTTER_W + d * width, y), QPointF(GUTTER_W + (d + 1) * width, y))
        # sessions
        self._blocks = self._layout()
        for rect, row in self._blocks:
            colour = kind_colour(row.kind)
            if row.status == "cancelled":
                fill = QColor("#d9d9d9")
                border = QColor("#9a9a9a")
                ink = QColor("#6b6b6b")
            else:
                fill = QColor(colour)
                fill.setAlpha(225 if row.status == "planned" else 150)
                border = colour.darker(130)
                ink = QColor("white")
            p.setPen(QPen(QColor("#1f1f1f"), 2) if row.id == self.selected else QPen(border, 1))
            p.setBrush(fill)
            p.drawRoundedRect(rect, 4, 4)
            if row.status == "cancelled":
                p.setPen(QPen(border, 1, Qt.PenStyle.DashLine))
                p.drawLine(rect.topLeft() + QPointF(3, 3), rect.bottomRight() - QPointF(3, 3))
            p.setPen(ink)
            title = QFont(small)
            title.setBold(True)
            title.setStrikeOut(row.status == "cancelled")
            inner = rect.adjusted(4, 2, -3, -2)
            p.setClipRect(rect)
            p.setFont(title)
            local = row.start_utc.astimezone(zoneinfo.ZoneInfo(self.display_tz))
            lines = [f"{local:%H:%M} {row.title}"]
            if inner.height() > 30:
                lines.append(
                    kind_label(row.kind) + ("" if row.status == "planned" else f" · {STATUS_LABELS[row.status]}")
                )
            if inner.height() > 44 and row.names:
                lines.append(row.names)
            metrics = p.fontMetrics()
            y = inner.top()
            for i, line in enumerate(lines):
                if y + metrics.height() > inner.bottom() + 2 and i > 0:
                    break
                if i == 1:
                    p.setFont(small)
                    metrics = p.fontMetrics()
                text = metrics.elidedText(line, Qt.TextElideMode.ElideRight, int(inner.width()))
                p.drawText(QRectF(inner.left(), y, inner.width(), metrics.height()), Qt.AlignmentFlag.AlignLeft, text)
                y += metrics.height()
            p.setClipping(False)
        if self._drag is not None and self._drop is not None:
            row = self._drag[0]
            day = (self._drop.date() - self.monday).days
            top = self._drop.hour + self._drop.minute / 60
            bottom = min(24.0, top + row.duration_min / 60)
            ghost = QRectF(GUTTER_W + day * width + 2, self._y(top), width - 4, self._y(bottom) - self._y(top) - 1)
            p.setPen(QPen(QColor("#1f1f1f"), 1, Qt.PenStyle.DashLine))
            fill = kind_colour(row.kind)
            fill.setAlpha(90)
            p.setBrush(fill)
            p.drawRoundedRect(ghost, 4, 4)
            p.setPen(text_colour)
            p.setFont(small)
            p.drawText(ghost.adjusted(4, 2, -3, -2), Qt.AlignmentFlag.AlignLeft, f"{self._drop:%a %H:%M}")
        # the day header, on top of whatever scrolled under it
        top = self._header_top()
        p.fillRect(QRectF(0, top, self.width(), HEADER_H), pal.window())
        for d in range(7):
            day = self.monday + dt.timedelta(days=d)
            rect = QRectF(GUTTER_W + d * width, top, width, HEADER_H)
            if day == today:
                p.fillRect(rect, QColor(59, 110, 168, 40))
            font = QFont(self.font())
            font.setBold(day == today)
            p.setFont(font)
            p.setPen(text_colour)
            p.drawText(rect, Qt.AlignmentFlag.AlignCenter, day.strftime("%a %d %b"))
        p.setPen(QPen(grid, 1))
        p.drawLine(QPointF(0, top + HEADER_H), QPointF(self.width(), top + HEADER_H))
        if not self.rows:
            visible = self.visibleRegion().boundingRect()
            area = QRectF(visible) if not visible.isEmpty() else QRectF(self.rect())
            p.setPen(pal.placeholderText().color())
            p.setFont(self.font())
            p.drawText(area.adjusted(GUTTER_W, HEADER_H, 0, 0), Qt.AlignmentFlag.AlignCenter, "No sessions this week")
        p.end()

    # --- interaction ---------------------------------------------------------------------------------

    def block_at(self, pos: QPointF) -> AgendaRow | None:
        if pos.y() < self._header_top() + HEADER_H:
            return None
        for rect, row in reversed(self._blocks or self._layout()):
            if rect.contains(pos):
                return row
        return None

    def block_rect(self, session_id: int) -> QRectF | None:
        for rect, row in self._blocks or self._layout():
            if row.id == session_id:
                return rect
        return None

    def _start_at(self, pos: QPointF, grab_offset: float) -> dt.datetime | None:
        """The local start (display zone) a dragged block's top would have at pos, on the 15-minute grid."""
        width = self._day_width()
        day = int((pos.x() - GUTTER_W) // width) if width > 0 else -1
        if not 0 <= day <= 6:
            return None
        hours = (pos.y() - grab_offset - HEADER_H) / HOUR_H
        quarters = max(0, min(24 * 4 - 1, round(hours * 4)))
        wall = dt.datetime.combine(self.monday + dt.timedelta(days=day), dt.time()) + dt.timedelta(
            minutes=15 * quarters
        )
        return wall.replace(tzinfo=zoneinfo.ZoneInfo(self.display_tz))

    def mousePressEvent(self, event: QMouseEvent) -> None:
        row = self.block_at(event.position())
        self.selected = int(row.id) if row else None
        self._drag = None
        if row is not None and event.button() == Qt.MouseButton.LeftButton and row.status == "planned":
            rect = self.block_rect(int(row.id))
            offset = event.position().y() - rect.top() if rect is not None else 0.0
            self._drag = (row, event.position(), offset)
        self._drop = None
        self.update()
        if row is not None:
            self.session_clicked.emit(int(row.id))
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        drag, drop = getattr(self, "_drag", None), getattr(self, "_drop", None)
        self._drag = self._drop = None
        self.update()
        if drag is not None and drop is not None:
            row = drag[0]
            start = drop.astimezone(dt.UTC)
            if start != row.start_utc:
                self.session_moved.emit(int(row.id), start)
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Return opens the selected session; the arrow keys pick the previous/next session in time."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.selected is not None:
            self.session_activated.emit(self.selected)
            return
        if event.key() in (Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Up, Qt.Key.Key_Down) and self.rows:
            ids = [int(r.id) for r in sorted(self.rows, key=lambda r: (r.start_utc, r.id))]
            step = 1 if event.key() in (Qt.Key.Key_Right, Qt.Key.Key_Down) else -1
            at = ids.index(self.selected) + step if self.selected in ids else 0
            self.selected = ids[max(0, min(len(ids) - 1, at))]
            self.update()
            self.session_clicked.emit(self.selected)
            return
        super().keyPressEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        self._drag = self._drop = None
        row = self.block_at(event.position())
        if row is not None:
            self.session_activated.emit(int(row.id))

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        drag = getattr(self, "_drag", None)
        if drag is not None:
            row, origin, offset = drag
            if (event.position() - origin).manhattanLength() >= QApplication.startDragDistance():
                self._drop = self._start_at(event.position(), offset)
                self.setCursor(Qt.CursorShape.ClosedHandCursor)
                self.update()
                return
        self.unsetCursor()
        row = self.block_at(event.position())
        if row is None:
            QToolTip.hideText()
            return
        tz = self.display_tz
        text = (
            f"<b>{row.title}</b><br>{kind_label(row.kind)} · {STATUS_LABELS.get(row.status, row.status)}<br>"
            f"{row.start_utc.astimezone(zoneinfo.ZoneInfo(tz)):%a %d %b %H:%M} ({format_duration(row.duration_min)})"
        )
        if row.timezone != tz:
            text += f"<br>{row.start_utc.astimezone(zoneinfo.ZoneInfo(row.timezone)):%H:%M} in {row.timezone}"
        if row.names:
            text += f"<br>{row.names}"
        if row.status == "planned":
            text += "<br><i>Drag to move it</i>"
        QToolTip.showText(event.globalPosition().toPoint(), text, self)
