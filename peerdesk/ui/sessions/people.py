"""Small session widgets shared by dialogs: a person chooser and a participant's sessions."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QCompleter,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from peerdesk.store.lookups import PersonName, person_names, session_record
from peerdesk.store.sessions import SessionFilter
from peerdesk.store.settings import load_settings
from peerdesk.ui.common.context import AppContext
from peerdesk.ui.sessions.models import AgendaModel


class PersonCombo(QComboBox):
    """An editable chooser of participants that completes on any part of the name or e-mail."""

    def __init__(self, db: Any, parent: QWidget | None = None, *, people: list[PersonName] | None = None) -> None:
        """`people`: the choices (everyone not archived), when they were read already."""
        super().__init__(parent)
        self.setEditable(True)
        self.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.lineEdit().setPlaceholderText("Type a name or e-mail…")
        if people is None:
            self.reload(db)
        else:
            self.fill(people)
        completer = QCompleter(self.model(), self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.setCompleter(completer)

    def reload(self, db: Any) -> None:
        self.fill(person_names(db, archived=False))

    def fill(self, people: list[PersonName]) -> None:
        self.clear()
        for p in people:
            self.addItem(f"{p.name} <{p.email}>", (p.id, p.name, p.email, p.timezone))
        self.setCurrentIndex(-1)

    def chosen(self) -> tuple[int, str, str, str] | None:
        """(id, name, email, zone) of the person typed or picked, or None."""
        text = self.currentText().strip()
        if not text:
            return None
        i = self.findText(text, Qt.MatchFlag.MatchFixedString)
        if i < 0:
            matches = [j for j in range(self.count()) if text.casefold() in self.itemText(j).casefold()]
            if len(matches) != 1:
                return None
            i = matches[0]
        data = self.itemData(i)
        return tuple(data) if data else None  # type: ignore[return-value]


class ParticipantSessionsWidget(QWidget):
    """One participant's sessions, latest first (upcoming, then past), with a one-line summary; for their dialog."""

    def __init__(self, ctx: AppContext, participant_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.participant_id = participant_id
        self.model = AgendaModel(ctx.db, load_settings(ctx.db).timezone, self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.summary = QLabel(self)
        self.summary.setWordWrap(True)
        self.table = QTableView(self)
        self.table.setModel(self.proxy)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(True)
        for col, width in enumerate((205, 60, 220, 120, 70, 120, 0, 200)):
            self.table.setColumnWidth(col, width)
        self.table.hideColumn(6)  # the program: the participant's dialog is narrow
        self.table.verticalHeader().setDefaultSectionSize(self.table.fontMetrics().height() + 8)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        ctx.changed.connect(self._on_changed)
        self.reload()

    def _on_changed(self, changes: Any) -> None:
        if changes.touches("sessions", "session_people", "feedback"):
            self.reload()

    def reload(self) -> None:
        self.model.set_filter(SessionFilter(participant_id=self.participant_id), descending=True)
        db = self.ctx.db
        record = session_record(db, self.participant_id)
        held, came, upcoming, rated, avg = (
            record.held,
            record.attended,
            record.upcoming,
            record.rated,
            record.average_rating,
        )
        if not self.model.total:
            self.summary.setText("No sessions yet.")
            return
        parts = [f"{self.model.total} session{'s' if self.model.total != 1 else ''}"]
        if held:
            parts.append(f"attended {came or 0} of {held} held")
        if upcoming:
            parts.append(f"{upcoming} upcoming")
        if rated:
            parts.append(f"gave {rated} rating{'s' if rated != 1 else ''} (average {avg:.1f})")
        self.summary.setText("; ".join(parts) + ".")
