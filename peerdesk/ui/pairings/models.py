"""Qt models and the breakdown bar of the Pairings page."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Mapping, Sequence
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSize,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QFont, QPainter
from PySide6.QtWidgets import QStyle, QStyledItemDelegate, QStyleOptionViewItem

from peerdesk.matching.model import PART_LABELS, PARTS, Group, Pair, pair_key
from peerdesk.store.pairings import Pairing
from peerdesk.store.plans import PlanProgress
from peerdesk.ui.common.table_models import RecordsModel
from peerdesk.ui.common.widgets import SORT_ROLE
from peerdesk.wording import plural

PART_COLOURS = {
    "skills": QColor("#3b7dd8"),
    "availability": QColor("#2aa876"),
    "timezone": QColor("#8e6bd1"),
    "cross_functional": QColor("#e08a2c"),
    "seniority": QColor("#c94f6d"),
    "novelty": QColor("#7f8c8d"),
    "preferences": QColor("#d4a017"),
}
BREAKDOWN_ROLE = Qt.ItemDataRole.UserRole + 1
NEW_BACKGROUND = QColor(255, 244, 204)
CANNOT_MEET_BACKGROUND = QColor(253, 226, 222)
CANNOT_MEET_TEXT = QColor("#a61b0f")
# A check mark, not a padlock emoji: common desktop fonts (DejaVu) have no emoji and draw a box.
LOCKED_MARK = "✔"

Index = QModelIndex | QPersistentModelIndex


def _people(g: Group) -> str:
    return " + ".join(f"{m.name} ({m.role})" if m.role in ("mentor", "mentee", "host") else m.name for m in g.members)


def _why(g: Group) -> str:
    facts = "; ".join(g.facts)
    return f"Cannot meet: {g.cannot_meet} — {facts}" if g.cannot_meet else facts


def group_detail_html(g: Group, number: int) -> str:
    """Everything behind one proposed group, as wrapped rich text: who, the score part by part, the facts."""
    e = html.escape
    members = "<br>".join(
        e(m.name)
        + (f" <span style='color:#666'>({e(m.role)})</span>" if m.role in ("mentor", "mentee", "host") else "")
        + (f" <span style='color:#666'>· {e(m.department)}</span>" if m.department else "")
        for m in g.members
    )
    title = f"<b>#{number}</b>" + (f" · <b>{e(g.skill)}</b>" if g.skill else "")
    if g.locked:
        title += f" · {LOCKED_MARK} locked"
    out = [f"<p style='margin:0'>{title} · score <b>{g.score:.2f}</b></p><p style='margin:2px 0 4px 0'>{members}</p>"]
    if g.cannot_meet:
        out.append(
            f"<p style='margin:0 0 4px 0; color:{CANNOT_MEET_TEXT.name()}'><b>Cannot meet:</b> {e(g.cannot_meet)}</p>"
        )
    parts = " &nbsp; ".join(
        f"<span style='color:{PART_COLOURS[k].name()}'>■</span>&nbsp;{e(PART_LABELS[k]).replace(' ', '&nbsp;')}"
        f"&nbsp;{g.breakdown.get(k, 0.0):.2f}"
        for k in PARTS
        if g.breakdown.get(k, 0.0) > 0.0005
    )
    if parts:
        out.append(f"<p style='margin:0 0 4px 0'>{parts}</p>")
    if g.facts:
        out.append("<ul style='margin:0; -qt-list-indent:1'>" + "".join(f"<li>{e(f)}</li>" for f in g.facts) + "</ul>")
    return "".join(out)


class ProposalModel(RecordsModel):
    """The proposed groups: members, score with its breakdown, the reasons, locked."""

    HEADERS = ("#", "Members", "Score", "Lock", "Why")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.groups: list[Group] = []
        self.new_pairs: frozenset[Pair] = frozenset()

    def set_groups(self, groups: Sequence[Group], new_pairs: frozenset[Pair] = frozenset()) -> None:
        self.beginResetModel()
        self.groups = list(groups)
        self.new_pairs = new_pairs
        self.endResetModel()

    def group(self, row: int) -> Group:
        return self.groups[row]

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.groups)

    def _is_new(self, g: Group) -> bool:
        ids = g.ids
        return any(pair_key(a, b) in self.new_pairs for i, a in enumerate(ids) for b in ids[i + 1 :])

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        g = self.groups[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return str(index.row() + 1)
            if col == 1:
                return (f"{g.skill}: " if g.skill else "") + _people(g)
            if col == 2:
                return f"{g.score:.2f}"
            if col == 3:
                return LOCKED_MARK if g.locked else ""
            if col == 4:
                return _why(g)
        if role == SORT_ROLE:
            return (index.row(), _people(g).casefold(), g.score, int(g.locked), _why(g))[col]
        if role == BREAKDOWN_ROLE and col == 2:
            return dict(g.breakdown)
        if role == Qt.ItemDataRole.ToolTipRole:
            lines = [f"{_people(g)} — score {g.score:.2f}"]
            lines += [f"{PART_LABELS[k]}: {g.breakdown.get(k, 0.0):.3f}" for k in PARTS]
            lines += g.facts
            if g.cannot_meet:
                lines.append(f"Cannot meet: {g.cannot_meet}")
            return "\n".join(lines)
        if role == Qt.ItemDataRole.BackgroundRole and g.cannot_meet:
            return QBrush(CANNOT_MEET_BACKGROUND)
        if role == Qt.ItemDataRole.ForegroundRole and g.cannot_meet and col in (1, 4):
            return QBrush(CANNOT_MEET_TEXT)
        if role == Qt.ItemDataRole.BackgroundRole and self.new_pairs and self._is_new(g):
            return QBrush(NEW_BACKGROUND)
        if role == Qt.ItemDataRole.FontRole and g.locked:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (0, 2, 3):
            align = Qt.AlignmentFlag.AlignHCenter if col == 3 else Qt.AlignmentFlag.AlignRight
            return int(align | Qt.AlignmentFlag.AlignVCenter)
        return None


class UnmatchedModel(RecordsModel):
    """Everyone the proposal leaves out, with the reason."""

    HEADERS = ("Name", "E-mail", "Reason")

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        u = self.rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, SORT_ROLE):
            return (u.name, u.email, u.reason)[index.column()]
        return None


class RoundsModel(RecordsModel):
    """Accepted rounds, newest first."""

    HEADERS = ("Round", "When", "Program", "Format", "Pairings", "Total score", "Sat out")
    FORMATS = {
        "mentoring": "Mentoring",
        "buddies": "Buddies",
        "cross_functional": "Cross-functional",
        "circles": "Circles",
    }

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        r = self.rows[index.row()]
        values = (
            str(r.id),
            r.created_at[:16].replace("T", " "),
            r.program or "(everyone)",
            self.FORMATS.get(r.mode, r.mode),
            str(r.pairings),
            f"{r.total_score:.2f}",
            ", ".join(r.sat_out),
        )
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return values[index.column()]
        if role == SORT_ROLE:
            return (r.id, r.created_at, r.program, r.mode, r.pairings, r.total_score, values[6])[index.column()]
        return None


class ContactsModel(RecordsModel):
    """Whom one person was paired with, in every format."""

    HEADERS = ("With", "Department", "Format", "Program", "From", "Until")
    KINDS = {"mentoring": "Mentoring", "buddy": "Buddy", "cross_functional": "Cross-functional", "circle": "Circle"}

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        c = self.rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, SORT_ROLE):
            until = c.ended_on.isoformat() if c.ended_on else ("now" if c.status == "active" else "")
            return (
                c.other_name,
                c.other_department,
                self.KINDS.get(c.kind, c.kind),
                c.program,
                c.started_on.isoformat(),
                until,
            )[index.column()]
        return None


class MatrixModel(RecordsModel):
    """Department-by-department counts of pairs, shaded by size."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.names: list[str] = []
        self.matrix: list[list[int]] = []
        self.top = 1

    def set_matrix(self, names: Sequence[str], matrix: Sequence[Sequence[int]]) -> None:
        self.beginResetModel()
        self.names = list(names)
        self.matrix = [list(r) for r in matrix]
        self.top = max([1, *(v for r in self.matrix for v in r)])
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.names)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.names)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        value = self.matrix[index.row()][index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return str(value) if value else ""
        if role == Qt.ItemDataRole.ToolTipRole:
            a, b = self.names[index.row()], self.names[index.column()]
            return f"{a} ↔ {b}: {plural(value, 'pair')}" if a != b else f"within {a}: {plural(value, 'pair')}"
        if role == Qt.ItemDataRole.BackgroundRole and value:
            alpha = 40 + int(180 * value / self.top)
            return QBrush(QColor(59, 125, 216, alpha))
        if role == Qt.ItemDataRole.TextAlignmentRole:
            return int(Qt.AlignmentFlag.AlignCenter)
        return None

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole) and 0 <= section < len(self.names):
            return self.names[section]
        return None


class BreakdownDelegate(QStyledItemDelegate):
    """Paints a score as a stacked bar, one coloured segment per part, with the number beside it."""

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        breakdown = index.data(BREAKDOWN_ROLE)
        if not isinstance(breakdown, dict):
            super().paint(painter, option, index)
            return
        painter.save()
        if option.state & QStyle.StateFlag.State_Selected:
            painter.fillRect(option.rect, option.palette.highlight())
        rect = option.rect.adjusted(4, 6, -44, -6)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(0, 0, 0, 25))
        painter.drawRect(rect)
        x = float(rect.left())
        for part in PARTS:
            width = rect.width() * max(0.0, float(breakdown.get(part, 0.0)))
            if width <= 0:
                continue
            painter.setBrush(PART_COLOURS[part])
            painter.drawRect(QRect(int(x), rect.top(), max(1, int(round(x + width)) - int(x)), rect.height()))
            x += width
        painter.setPen(option.palette.text().color())
        text_rect = QRect(rect.right() + 4, option.rect.top(), 40, option.rect.height())
        painter.drawText(text_rect, int(Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft), index.data())
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        return QSize(170, max(24, option.fontMetrics.height() + 10))


def members_text(p: Pairing) -> str:
    """The members of a stored pairing, mentors and hosts named as such."""
    people = " + ".join(f"{m.name} ({m.role})" if m.role in ("mentor", "mentee", "host") else m.name for m in p.members)
    return (f"{p.skill}: " if p.skill else "") + people


class ExclusionsModel(RecordsModel):
    """Never-pair exclusions: both people, the reason, since when."""

    HEADERS = ("Person", "Never with", "Reason", "Since")

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        e = self.rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (e.a.name, e.b.name, e.reason, e.since.isoformat())[col]
        if role == Qt.ItemDataRole.ToolTipRole:
            person = (e.a, e.b)[col] if col < 2 else None
            if person is not None:
                return f"{person.name} <{person.email}>" + (f", {person.department}" if person.department else "")
            return (e.reason or "(no reason given)") if col == 2 else e.since.isoformat()
        if role == SORT_ROLE:
            return (e.a.name.casefold(), e.b.name.casefold(), e.reason.casefold(), e.since.isoformat())[col]
        return None


class ActivePairingsModel(RecordsModel):
    """The pairings that meet now: format, program, members, since, last meeting, locked.

    Display texts, sort keys and search texts are computed once per load, and the model sorts
    itself in Python (see SelfSortingFilter): a proxy sorting a few thousand rows would call
    data() tens of thousands of times.
    """

    HEADERS = ("Format", "Program", "Members", "Started", "Last meeting", "Locked", "Meeting plan")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[Pairing] = []
        self._display: list[tuple[str, ...]] = []
        self._sort: list[tuple[Any, ...]] = []
        self.search: list[str] = []  # casefolded text a filter looks in, parallel to rows
        self._sort_column = 3
        self._sort_order = Qt.SortOrder.DescendingOrder

    def set_rows(
        self,
        rows: Sequence[Pairing],
        last_met: Mapping[int, dt.datetime] | None = None,
        zone: str = "UTC",
        plans: Mapping[int, PlanProgress] | None = None,
    ) -> None:
        """Pairings and, per pairing id, the start of its latest held session (shown as a local date)
        and where it is in its program's meeting plan."""
        try:
            tz: dt.tzinfo = ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            tz = dt.UTC
        last = {pid: moment.astimezone(tz).date().isoformat() for pid, moment in (last_met or {}).items()}
        self.beginResetModel()
        self.rows = list(rows)
        self._display, self._sort, self.search = [], [], []
        for p in self.rows:
            kind, members = ContactsModel.KINDS.get(p.kind, p.kind), members_text(p)
            started, met = p.started_on.isoformat(), last.get(p.id, "")
            program = p.program or "(everyone)"
            plan = (plans or {}).get(p.id)
            self._display.append(
                (
                    kind,
                    program,
                    members,
                    started,
                    met or "never",
                    LOCKED_MARK if p.locked else "",
                    plan.text if plan else "",
                )
            )
            self._sort.append(
                (kind, program.casefold(), members.casefold(), started, met, int(p.locked),
                 (plan.reached / plan.total) if plan else -1.0)
            )  # fmt: skip
            emails = " ".join(m.email for m in p.members)
            self.search.append(f"{kind} {program} {members} {emails}".casefold())
        self._reorder()
        self.endResetModel()

    def _reorder(self) -> None:
        """Put the rows in the current sort order (ties: members, then id)."""
        col = self._sort_column
        order = sorted(
            range(len(self.rows)),
            key=lambda i: (self._sort[i][col], self._sort[i][2], self.rows[i].id),
            reverse=self._sort_order == Qt.SortOrder.DescendingOrder,
        )
        self.rows = [self.rows[i] for i in order]
        self._display = [self._display[i] for i in order]
        self._sort = [self._sort[i] for i in order]
        self.search = [self.search[i] for i in order]

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if not 0 <= column < len(self.HEADERS):
            return
        self._sort_column, self._sort_order = column, order
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        held = [(self.rows[i.row()].id, i.column()) for i in persistent]
        self._reorder()
        row_of = {p.id: r for r, p in enumerate(self.rows)}
        self.changePersistentIndexList(persistent, [self.index(row_of[pid], col) for pid, col in held])
        self.layoutChanged.emit()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, col = index.row(), index.column()
        if role == SORT_ROLE:
            return self._sort[row][col]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display[row][col]
        never = not self._sort[row][4]
        if role == Qt.ItemDataRole.ToolTipRole:
            p = self.rows[row]
            if col == 2:
                return "\n".join(
                    f"{m.name} <{m.email}>, {m.role}" + (f", {m.department}" if m.department else "") for m in p.members
                )
            if col == 5:
                return "Locked: carries on unchanged through future rounds" if p.locked else "Not locked"
            if col == 4 and never:
                return "No held session recorded for this pairing"
            return None
        if role == Qt.ItemDataRole.ForegroundRole and col == 4 and never:
            return QBrush(QColor(128, 128, 128))
        if role == Qt.ItemDataRole.TextAlignmentRole and col == 5:
            return int(Qt.AlignmentFlag.AlignCenter)
        return None


class SelfSortingFilter(QSortFilterProxyModel):
    """Filters rows on a model's precomputed `search` texts (every typed word must occur) and lets
    the model sort itself: one Python call per row when filtering, none per comparison."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.words: list[str] = []

    def set_text(self, text: str) -> None:
        self.words = text.casefold().split()
        self.invalidate()

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        if not self.words:
            return True
        haystack = self.sourceModel().search[source_row]  # type: ignore[attr-defined]
        return all(w in haystack for w in self.words)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self.sourceModel().sort(column, order)
