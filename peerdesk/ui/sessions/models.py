"""Qt models of the Sessions page: the lazy agenda, and a session's people with attendance and feedback."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass, replace
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from peerdesk.store.sessions import AgendaRow, SessionFilter, agenda_page, count_sessions, kind_label, page_key

PAGE_SIZE = 200
STATUS_LABELS = {"planned": "Planned", "held": "Held", "cancelled": "Cancelled"}
KIND_COLOURS = {
    "pair_meeting": "#3b6ea8",
    "lunch_and_learn": "#2f8f6b",
    "workshop": "#b5652b",
    "brown_bag": "#8a6d1f",
    "show_and_tell": "#7a4fa3",
    "coaching_circle": "#a33f5c",
}
CUSTOM_COLOUR = "#4f6470"

_Index = QModelIndex | QPersistentModelIndex


def kind_colour(kind: str) -> QColor:
    return QColor(KIND_COLOURS.get(kind, CUSTOM_COLOUR))


def format_local(moment: dt.datetime, tz: str, *, with_date: bool = True) -> str:
    local = moment.astimezone(zoneinfo.ZoneInfo(tz))
    return local.strftime("%a %d %b %Y %H:%M" if with_date else "%H:%M")


def zone_city(tz: str) -> str:
    """'New York' for America/New_York."""
    return tz.rsplit("/", 1)[-1].replace("_", " ")


def when_text(moment: dt.datetime, display_tz: str, own_tz: str) -> str:
    """A session's start in the display zone, and in its own zone's wall time when that differs."""
    text = format_local(moment, display_tz)
    if own_tz != display_tz and _offset_differs(moment, own_tz, display_tz):
        text += f"  ({format_local(moment, own_tz, with_date=False)} {zone_city(own_tz)})"
    return text


def _offset_differs(moment: dt.datetime, a: str, b: str) -> bool:
    return moment.astimezone(zoneinfo.ZoneInfo(a)).utcoffset() != moment.astimezone(zoneinfo.ZoneInfo(b)).utcoffset()


def outcome_text(r: AgendaRow) -> str:
    """'5/6 came · ★ 4.3' for a held session; what is not recorded is left out."""
    parts = []
    if r.recorded:
        parts.append(f"{r.attended}/{r.people} came")
    elif r.status == "held":
        parts.append("attendance not recorded")
    if r.rating is not None:
        parts.append(f"★ {r.rating:.1f}")
    return " · ".join(parts)


def format_duration(minutes: int) -> str:
    h, m = divmod(minutes, 60)
    if not h:
        return f"{m} min"
    return f"{h} h" if not m else f"{h} h {m:02d}"


@dataclass(frozen=True)
class AgendaStart:
    """The agenda's first rows under a filter and how many sessions match it in all."""

    filter: SessionFilter
    descending: bool
    wanted: int
    rows: list[AgendaRow]
    total: int


def read_first(db: Any, f: SessionFilter, descending: bool = False, wanted: int = PAGE_SIZE) -> AgendaStart:
    """The first `wanted` rows of the agenda under a filter, and the count (on any thread, over its own db)."""
    rows = agenda_page(db, f, limit=wanted, descending=descending)
    return AgendaStart(f, descending, wanted, rows, count_sessions(db, f))


class AgendaModel(QAbstractTableModel):
    """Sessions matching a filter, loaded a page at a time as the view scrolls (keyset paging)."""

    COLUMNS = ("When", "Duration", "Title", "Kind", "Status", "Outcome", "Program", "People")

    def __init__(self, db: Any, display_tz: str = "UTC", parent: Any = None) -> None:
        super().__init__(parent)
        self.db = db
        self.display_tz = display_tz
        self.filter = SessionFilter()
        self.descending = False
        self._rows: list[AgendaRow] = []
        self._more = True
        self.total = 0

    # --- loading ---------------------------------------------------------------------------

    def set_filter(self, f: SessionFilter, *, descending: bool = False) -> None:
        self.filter = f
        self.descending = descending
        self.reload()

    def reload(self, *, keep_loaded: bool = False, first: AgendaStart | None = None) -> None:
        """Read again from the first page; with keep_loaded, as many rows as were loaded (after an edit);
        `first`: the first page and the count, read already (read_first; used when it is for this filter)."""
        wanted = max(PAGE_SIZE, len(self._rows)) if keep_loaded else PAGE_SIZE
        if first is None or (first.filter, first.descending, first.wanted) != (self.filter, self.descending, wanted):
            first = read_first(self.db, self.filter, self.descending, wanted)
        self.beginResetModel()
        self._rows = list(first.rows)
        self._more = len(self._rows) == wanted
        self.total = first.total
        self.endResetModel()

    def canFetchMore(self, parent: _Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._more

    def fetchMore(self, parent: _Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or not self._more:
            return
        after = page_key(self._rows[-1]) if self._rows else None
        page = agenda_page(self.db, self.filter, after=after, limit=PAGE_SIZE, descending=self.descending)
        self._more = len(page) == PAGE_SIZE
        if page:
            self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows) + len(page) - 1)
            self._rows.extend(page)
            self.endInsertRows()

    def row_at(self, row: int) -> AgendaRow:
        return self._rows[row]

    def row_of(self, session_id: int) -> int:
        for i, r in enumerate(self._rows):
            if r.id == session_id:
                return i
        return -1

    @property
    def loaded(self) -> int:
        return len(self._rows)

    # --- Qt model --------------------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.COLUMNS[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        r = self._rows[index.row()]
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return when_text(r.start_utc, self.display_tz, r.timezone)
            if col == 1:
                return format_duration(r.duration_min)
            if col == 2:
                return r.title + ("  ↻" if r.series_id is not None else "")
            if col == 3:
                return kind_label(r.kind)
            if col == 4:
                return STATUS_LABELS.get(r.status, r.status)
            if col == 5:
                return outcome_text(r)
            if col == 6:
                return r.program
            if col == 7:
                return r.names
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == 0 and r.timezone != self.display_tz:
                return f"{format_local(r.start_utc, r.timezone)} in {r.timezone} (the session's zone)"
            if col == 2 and r.series_id is not None:
                return f"{r.title} — part of a repeating series"
            if col == 5 and (r.recorded or r.ratings):
                return (
                    f"{r.attended} of {r.people} attended ({r.recorded} recorded); "
                    f"{r.ratings} rating{'s' if r.ratings != 1 else ''}"
                    + (f", average {r.rating:.1f} of 5" if r.rating is not None else "")
                )
            if col == 7:
                return f"{r.people} people: {r.names}"
            return None
        if role == Qt.ItemDataRole.ForegroundRole:
            if r.status == "cancelled":
                return QBrush(QColor("#8a8a8a"))
            if col == 3:
                return QBrush(kind_colour(r.kind))
        if role == Qt.ItemDataRole.FontRole and r.status == "cancelled" and col == 2:
            font = QFont()
            font.setStrikeOut(True)
            return font
        if role == Qt.ItemDataRole.UserRole:
            return int(r.id)
        return None


@dataclass(frozen=True)
class PersonRow:
    """One person on a session as the dialog edits them: role, attendance, feedback."""

    participant_id: int
    name: str
    email: str
    timezone: str
    role: str = "attendee"
    attended: bool | None = None
    rating: int | None = None
    comment: str = ""


class PeopleModel(QAbstractTableModel):
    """The people of a session: role, their local time, whether they came, their rating and comment."""

    COLUMNS = ("Name", "Role", "Their local time", "Attended", "Rating", "Comment")
    NAME, ROLE, LOCAL, ATTENDED, RATING, COMMENT = range(6)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[PersonRow] = []
        self.start_utc: dt.datetime | None = None
        self.display_tz = "UTC"
        self.editable_outcome = False

    def set_rows(self, rows: list[PersonRow]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def set_start(self, start_utc: dt.datetime, display_tz: str) -> None:
        self.start_utc = start_utc
        self.display_tz = display_tz
        if self.rows:
            self.dataChanged.emit(self.index(0, self.LOCAL), self.index(len(self.rows) - 1, self.LOCAL))

    def set_outcome_editable(self, editable: bool) -> None:
        self.editable_outcome = editable
        if self.rows:
            self.dataChanged.emit(self.index(0, self.ATTENDED), self.index(len(self.rows) - 1, self.COMMENT))

    def add(self, person: PersonRow) -> bool:
        """Add a person (a host stays host); False when they were already there."""
        for i, r in enumerate(self.rows):
            if r.participant_id == person.participant_id:
                if person.role == "host" and r.role != "host":
                    self.rows[i] = replace(r, role="host")
                    self.dataChanged.emit(self.index(i, 0), self.index(i, self.COMMENT))
                    return True
                return False
        self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows))
        self.rows.append(person)
        self.endInsertRows()
        return True

    def remove_rows(self, rows: list[int]) -> None:
        for row in sorted(set(rows), reverse=True):
            self.beginRemoveRows(QModelIndex(), row, row)
            del self.rows[row]
            self.endRemoveRows()

    def set_all_attended(self, attended: bool) -> None:
        self.rows = [replace(r, attended=attended) for r in self.rows]
        if self.rows:
            self.dataChanged.emit(self.index(0, self.ATTENDED), self.index(len(self.rows) - 1, self.ATTENDED))

    def ids(self, role: str) -> tuple[int, ...]:
        return tuple(r.participant_id for r in self.rows if r.role == role)

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.COLUMNS[section]
        return None

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        col = index.column()
        if col == self.ROLE:
            return base | Qt.ItemFlag.ItemIsEditable
        if self.editable_outcome and col == self.ATTENDED:
            return base | Qt.ItemFlag.ItemIsUserCheckable
        if self.editable_outcome and col in (self.RATING, self.COMMENT):
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def _local(self, r: PersonRow) -> str:
        if self.start_utc is None:
            return ""
        if r.timezone == self.display_tz:
            return "same as yours"
        return f"{format_local(self.start_utc, r.timezone)} ({r.timezone})"

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        r = self.rows[index.row()]
        col = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            if col == self.NAME:
                return r.name
            if col == self.ROLE:
                return "Host" if r.role == "host" else "Attendee"
            if col == self.LOCAL:
                return self._local(r)
            if col == self.RATING:
                if role == Qt.ItemDataRole.EditRole:
                    return r.rating or 0
                return "★" * r.rating + "☆" * (5 - r.rating) if r.rating else ""
            if col == self.COMMENT:
                return r.comment
        if role == Qt.ItemDataRole.CheckStateRole and col == self.ATTENDED:
            if r.attended is None:
                return Qt.CheckState.PartiallyChecked if self.editable_outcome else None
            return Qt.CheckState.Checked if r.attended else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.DisplayRole and col == self.ATTENDED:
            return {None: "not recorded", True: "came", False: "absent"}[r.attended]
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == self.NAME:
                return r.email
            if col == self.ATTENDED:
                return "Tick who came; a half tick means not recorded yet."
        return None

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid():
            return False
        r = self.rows[index.row()]
        col = index.column()
        if col == self.ATTENDED and role == Qt.ItemDataRole.CheckStateRole:
            state = Qt.CheckState(value) if not isinstance(value, Qt.CheckState) else value
            new = replace(r, attended=state == Qt.CheckState.Checked)
        elif col == self.ROLE and role == Qt.ItemDataRole.EditRole:
            text = str(value).strip().lower()
            if text not in ("host", "attendee"):
                return False
            new = replace(r, role=text)
        elif col == self.RATING and role == Qt.ItemDataRole.EditRole:
            rating = int(value) if str(value).strip() else 0
            if not 0 <= rating <= 5:
                return False
            new = replace(r, rating=rating or None)
        elif col == self.COMMENT and role == Qt.ItemDataRole.EditRole:
            new = replace(r, comment=str(value))
        else:
            return False
        self.rows[index.row()] = new
        self.dataChanged.emit(self.index(index.row(), 0), self.index(index.row(), self.COMMENT))
        return True
