"""The session dialog's people: who is invited, in which role, who came and what they thought."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from peerdesk.store.lookups import people_by_id
from peerdesk.store.participants import departments
from peerdesk.store.sessions import (
    members_of_department,
    members_of_pairing,
    members_of_program,
    pairing_choices,
    program_choices,
)
from peerdesk.ui.sessions.models import PeopleModel, PersonRow
from peerdesk.ui.sessions.people import PersonCombo


@dataclass(frozen=True)
class Outcome:
    """What the attendance tab says about one person."""

    attended: bool | None
    rating: int | None
    comment: str


class _RatingDelegate(QStyledItemDelegate):
    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Any) -> QWidget:
        spin = QSpinBox(parent)
        spin.setRange(0, 5)
        spin.setSpecialValueText("–")
        return spin


class _RoleDelegate(QStyledItemDelegate):
    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem, index: Any) -> QWidget:
        combo = QComboBox(parent)
        combo.addItems(["Attendee", "Host"])
        return combo

    def setEditorData(self, editor: QWidget, index: QModelIndex | QPersistentModelIndex) -> None:
        assert isinstance(editor, QComboBox)
        editor.setCurrentText(str(index.data(Qt.ItemDataRole.EditRole)))

    def setModelData(self, editor: QWidget, model: Any, index: QModelIndex | QPersistentModelIndex) -> None:
        assert isinstance(editor, QComboBox)
        model.setData(index, editor.currentText(), Qt.ItemDataRole.EditRole)


class PeopleTab:
    """The People and Attendance & feedback tabs of the session dialog: who is invited in which role, who came, their ratings."""

    def _people_tab(self) -> QWidget:
        w = QWidget(self)
        layout = QVBoxLayout(w)
        row = QHBoxLayout()
        self.person_combo = PersonCombo(self.db, w)
        self.add_attendee_button = QPushButton("Add attendee", w)
        self.add_attendee_button.clicked.connect(lambda: self._add_person("attendee"))
        self.add_host_button = QPushButton("Add host", w)
        self.add_host_button.clicked.connect(lambda: self._add_person("host"))
        row.addWidget(self.person_combo, 1)
        row.addWidget(self.add_attendee_button)
        row.addWidget(self.add_host_button)
        layout.addLayout(row)

        group_row = QHBoxLayout()
        self.group_combo = QComboBox(w)
        self.group_combo.setToolTip("Add every member of a pairing or circle at once")
        self.group_combo.addItem("Invite a whole group…", None)
        for pid, kind, names in pairing_choices(self.db, active_only=True):
            label = "Learning circle" if kind == "circle" else "Pairing"
            self.group_combo.addItem(f"{label}: {names}", ("pairing", pid))
        for dep in departments(self.db):
            self.group_combo.addItem(f"Department: {dep}", ("department", dep))
        for pid, name in program_choices(self.db):
            self.group_combo.addItem(f"Program: {name}", ("program", pid))
        self.invite_button = QPushButton("Invite", w)
        self.invite_button.setToolTip("Add the chosen group as attendees")
        self.invite_button.clicked.connect(self._invite_group)
        group_row.addWidget(self.group_combo, 1)
        group_row.addWidget(self.invite_button)
        layout.addLayout(group_row)

        self.people_view = QTableView(w)
        self.people_view.setModel(self.people)
        self._setup_people_view(self.people_view)
        for col in (PeopleModel.ATTENDED, PeopleModel.RATING, PeopleModel.COMMENT):
            self.people_view.hideColumn(col)
        self.people_view.setItemDelegateForColumn(PeopleModel.ROLE, _RoleDelegate(self.people_view))
        self.people_view.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.SelectedClicked
        )
        layout.addWidget(self.people_view, 1)
        bottom = QHBoxLayout()
        self.people_count = QLabel(w)
        self.remove_button = QPushButton("Remove", w)
        self.remove_button.clicked.connect(self._remove_people)
        bottom.addWidget(self.people_count, 1)
        bottom.addWidget(self.remove_button)
        layout.addLayout(bottom)
        self.people.rowsInserted.connect(self._count_people)
        self.people.rowsRemoved.connect(self._count_people)
        self.people.modelReset.connect(self._count_people)
        return w

    def _setup_people_view(self, view: QTableView) -> None:
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setAlternatingRowColors(True)
        view.verticalHeader().hide()
        header = view.horizontalHeader()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        view.setColumnWidth(PeopleModel.NAME, 180)
        view.setColumnWidth(PeopleModel.ROLE, 80)
        view.setColumnWidth(PeopleModel.LOCAL, 260)
        view.setColumnWidth(PeopleModel.ATTENDED, 120)
        view.setColumnWidth(PeopleModel.RATING, 90)

    def _outcome_tab(self) -> QWidget:
        w = QWidget(self)
        layout = QVBoxLayout(w)
        self.outcome_note = QLabel(w)
        self.outcome_note.setWordWrap(True)
        row = QHBoxLayout()
        self.mark_held_button = QPushButton("Mark held", w)
        self.mark_held_button.setToolTip("Set the status to held; tick who attended below")
        self.mark_held_button.clicked.connect(self.mark_held)
        self.all_came_button = QPushButton("Everyone attended", w)
        self.all_came_button.setToolTip("Tick every attendee as present")
        self.all_came_button.clicked.connect(lambda: self.people.set_all_attended(True))
        row.addWidget(self.mark_held_button)
        row.addWidget(self.all_came_button)
        row.addStretch(1)
        self.outcome_view = QTableView(w)
        self.outcome_view.setModel(self.people)
        self._setup_people_view(self.outcome_view)
        self.outcome_view.hideColumn(PeopleModel.LOCAL)
        self.outcome_view.setItemDelegateForColumn(PeopleModel.RATING, _RatingDelegate(self.outcome_view))
        self.outcome_view.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers)
        layout.addWidget(self.outcome_note)
        layout.addLayout(row)
        layout.addWidget(self.outcome_view, 1)
        return w

    def _rows_for(self, ids: list[int], role: str) -> list[PersonRow]:
        if not ids:
            return []
        found = people_by_id(self.db, ids)
        return [PersonRow(i, found[i].name, found[i].email, found[i].timezone, role) for i in ids if i in found]

    def _add_ids(self, ids: list[int], role: str) -> int:
        return sum(1 for row in self._rows_for(list(ids), role) if self.people.add(row))

    def _add_person(self, role: str) -> None:
        chosen = self.person_combo.chosen()
        if chosen is None:
            self.message.show_error("Choose a participant from the list first.")
            return
        self.message.clear_message()
        pid, name, email, tz = chosen
        self.people.add(PersonRow(pid, name, email, tz, role))
        self.person_combo.setCurrentIndex(-1)
        self.person_combo.clearEditText()

    def _invite_group(self) -> None:
        data = self.group_combo.currentData()
        if data is None:
            return
        kind, key = data
        if kind == "pairing":
            ids = members_of_pairing(self.db, key)
        elif kind == "department":
            ids = members_of_department(self.db, key)
        else:
            ids = members_of_program(self.db, key)
        added = self._add_ids(ids, "attendee")
        self.people_count.setText(f"{self.people.rowCount()} people (added {added})")
        self.group_combo.setCurrentIndex(0)

    def _remove_people(self) -> None:
        rows = [i.row() for i in self.people_view.selectionModel().selectedRows()]
        self.people.remove_rows(rows)

    def _count_people(self, *_: Any) -> None:
        hosts = len(self.people.ids("host"))
        total = self.people.rowCount()
        self.people_count.setText(f"{total} people" + (f", {hosts} host{'s' if hosts != 1 else ''}" if hosts else ""))

    def mark_held(self) -> None:
        """Set the status to held (saved with the dialog); attendance is ticked in the table."""
        self.status_combo.setCurrentIndex(self.status_combo.findData("held"))
        self.outcome_note.setText("Marked held. Tick who attended, then Save.")

    def outcome(self) -> dict[int, Outcome]:
        return {r.participant_id: Outcome(r.attended, r.rating, r.comment) for r in self.people.rows}
