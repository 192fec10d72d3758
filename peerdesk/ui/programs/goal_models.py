"""Qt models over metrics results: goal progress (with a sparkline column) and action items."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, QRectF, QSize, Qt
from PySide6.QtGui import QBrush, QFontMetrics, QPainter
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

from peerdesk.metrics.catalogue import format_value
from peerdesk.metrics.dashboard import ActionItem
from peerdesk.metrics.goals import GoalProgress
from peerdesk.ui.common import charts
from peerdesk.ui.common.table_models import RecordsModel
from peerdesk.ui.common.widgets import SORT_ROLE

Index = QModelIndex | QPersistentModelIndex
TREND_ROLE = Qt.ItemDataRole.UserRole + 1
STATUS_ORDER = {"missed": 0, "at_risk": 1, "on_track": 2, "met": 3}


class GoalProgressModel(RecordsModel):
    """Goals with actual vs target, a trend and their status."""

    HEADERS = ("Goal", "Actual", "Target", "Trend", "Status", "Deadline")
    TREND_COLUMN = 3

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[GoalProgress] = []
        self.program_names: dict[int, str] = {}

    def set_rows(self, rows: Sequence[GoalProgress], program_names: dict[int, str] | None = None) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.program_names = dict(program_names or {})
        self.endResetModel()

    def progress(self, row: int) -> GoalProgress:
        return self.rows[row]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        p = self.rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                program = self.program_names.get(p.goal.program_id)
                return f"{p.title}  ({program})" if program else p.title
            if col == 1:
                return p.actual_text
            if col == 2:
                return p.target_text
            if col == 4:
                return p.status_label
            if col == 5:
                left = f"  ({p.days_left} d left)" if p.days_left else ""
                return p.goal.deadline.isoformat() + left
            return None
        if role == TREND_ROLE:
            return p
        if role == Qt.ItemDataRole.ForegroundRole and col == 4:
            return QBrush(charts.STATUS_COLOURS[p.status])
        if role == Qt.ItemDataRole.ToolTipRole:
            projected = (
                ""
                if p.projected is None
                else f"\nProjected at the deadline: {format_value(p.projected, p.metric.unit)}"
            )
            title = f"{p.title}\n" if col == 0 else ""  # the whole title, however narrow the column
            return f"{title}{p.metric.label}: {p.metric.description}\nPeriod: {p.period}{projected}"
        if role == SORT_ROLE:
            return (
                p.title.casefold(),
                p.actual if p.actual is not None else -1,
                p.target,
                p.progress,
                STATUS_ORDER[p.status],
                p.goal.deadline.isoformat(),
            )[col]
        if role == Qt.ItemDataRole.AccessibleTextRole and col == self.TREND_COLUMN:
            return f"Trend of {p.title}"
        return None


class SparklineDelegate(QStyledItemDelegate):
    """Paints a GoalProgress trend (TREND_ROLE) as a sparkline with its target."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: Index) -> None:
        widget = option.widget  # type: ignore[attr-defined]
        style = widget.style() if widget is not None else None
        if style is not None:
            style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter, widget)
        p = index.data(TREND_ROLE)
        if not isinstance(p, GoalProgress):
            return
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        rect = QRectF(option.rect).adjusted(6, 5, -6, -5)  # type: ignore[attr-defined]
        owner: QWidget = widget if widget is not None else QWidget()
        charts.paint_sparkline(
            painter, rect, [v for _, v in p.trend], p.goal.target, charts.STATUS_COLOURS[p.status], owner
        )
        painter.restore()


class ActionModel(QAbstractListModel):
    """The items of one action list; each says what it opens."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.items: list[ActionItem] = []
        self.more = 0

    def set_items(self, items: Sequence[ActionItem], total: int) -> None:
        self.beginResetModel()
        self.items = list(items)
        self.more = max(0, total - len(self.items))
        self.endResetModel()

    def item(self, row: int) -> ActionItem | None:
        return self.items[row] if 0 <= row < len(self.items) else None

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid():
            return 0
        return len(self.items) + (1 if self.more or not self.items else 0)

    def flags(self, index: Index) -> Qt.ItemFlag:
        if self.item(index.row()) is None:
            return Qt.ItemFlag.NoItemFlags
        return super().flags(index)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        item = self.item(index.row())
        if item is None:
            if role == Qt.ItemDataRole.DisplayRole:
                return f"… and {self.more} more" if self.items else "Nothing needs attention here."
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{item.title}\n{item.detail}"
        if role == Qt.ItemDataRole.SizeHintRole:
            # Two lines with room for taller fallback fonts (a CJK name is not cut to "王小明…").
            return QSize(0, int(QFontMetrics(QApplication.font()).lineSpacing() * 2.8))
        if role == Qt.ItemDataRole.ToolTipRole:
            verb = {"pairing": "schedule a meeting", "participant": "open", "session": "record attendance and feedback"}
            return f"Double-click or press Enter to {verb.get(item.target, 'open')}"
        return None
