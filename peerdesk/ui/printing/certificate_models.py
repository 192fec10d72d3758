"""Table models of the Reports page: who is eligible for a certificate, and the register."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import (
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QColor

from peerdesk.printing.eligibility import KINDS, Candidate
from peerdesk.ui.common.table_models import RecordsModel

_Index = QModelIndex | QPersistentModelIndex
ROW_ROLE = Qt.ItemDataRole.UserRole + 1
KIND_SHORT = {"recognition": "Recognition", "completion": "Completion", "custom": "Award"}
QUALIFIES, CLOSE, NOT_YET = "Qualifies", "Nearly eligible", "Not yet"
_COLOURS = {QUALIFIES: QColor("#2E7D32"), CLOSE: QColor("#B26A00"), NOT_YET: QColor("#777777")}


def verdict(c: Candidate) -> str:
    return QUALIFIES if c.qualifies else CLOSE if c.close else NOT_YET


class EligibleModel(RecordsModel):
    """Candidates for certificates: who qualifies and why, who is close and what they still need."""

    COLUMNS = ("Name", "Certificate", "Verdict", "Serial", "Still needs", "Why")
    VERDICT = 2

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[Candidate] = []
        self.serials: dict[tuple[int, int | None, str, int | None], str] = {}

    def load(self, rows: Sequence[Candidate], serials: dict[tuple[int, int | None, str, int | None], str]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.serials = dict(serials)
        self.endResetModel()

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.COLUMNS[section]
        return None

    def serial_of(self, c: Candidate) -> str:
        return self.serials.get((c.participant_id, c.program_id, c.kind, c.award_id), "")

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        c = self.rows[index.row()]
        col = index.column()
        if role == ROW_ROLE:
            return c
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            kind = c.award_title if c.kind == "custom" else KIND_SHORT[c.kind]
            values = (c.name, kind, verdict(c), self.serial_of(c), "; ".join(c.missing), c.why)
            return values[col]
        if role == Qt.ItemDataRole.ForegroundRole and col == self.VERDICT:
            return _COLOURS[verdict(c)]
        return None


class VerdictFilter(QSortFilterProxyModel):
    """Shows the chosen verdicts only (e.g. qualifies + close), and sorts by any column."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.allowed = {QUALIFIES, CLOSE}
        self.setSortCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)

    def set_allowed(self, allowed: set[str]) -> None:
        self.beginFilterChange()
        self.allowed = set(allowed)
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: _Index) -> bool:  # noqa: N802
        model = self.sourceModel()
        c = model.data(model.index(source_row, 0, source_parent), ROW_ROLE)
        return c is not None and verdict(c) in self.allowed


class RegisterModel(RecordsModel):
    """The register of issued certificates."""

    COLUMNS = ("Serial", "Issued", "Certificate", "Name", "Program", "Figures")

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008, N802
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.COLUMNS[section]
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.rows):
            return None
        c = self.rows[index.row()]
        if role == ROW_ROLE:
            return c
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            values = (
                c.serial,
                c.issued_on.isoformat(),
                c.heading or KINDS.get(c.kind, c.kind),
                c.name or str(c.content.get("name", "")),
                c.program or str(c.content.get("program", "")),
                c.figures_text,
            )
            return values[index.column()]
        return None
