"""The dialog that adds or edits one participant, validating before anything is written."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QDate, QModelIndex, QPersistentModelIndex, Qt, QTime
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QStyledItemDelegate,
    QTableView,
    QTabWidget,
    QTimeEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from peerdesk.store import participants as store
from peerdesk.store.errors import StoreError, ValidationError
from peerdesk.store.lookups import people_by_id
from peerdesk.store.pairings import latest_mentors
from peerdesk.store.records import (
    ROLES,
    STATUSES,
    WEEKDAYS,
    Participant,
    SkillLevel,
    Window,
    merge_windows,
)
from peerdesk.ui.common import widgets
from peerdesk.ui.common.context import AppContext
from peerdesk.ui.common.forms import date_edit
from peerdesk.ui.participants.choices_editor import ChoicesTab
from peerdesk.ui.participants.model import ROLE_LABELS, STATUS_LABELS
from peerdesk.ui.sessions.people import ParticipantSessionsWidget

_Index = QModelIndex | QPersistentModelIndex
_NO_DATE = QDate(1900, 1, 1)
WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


# --- the small editable tables ------------------------------------------------------------


class SkillRowsModel(QAbstractTableModel):
    """Editable rows of (skill, level)."""

    HEADERS = ("Skill", "Level")

    def __init__(self, skills: tuple[SkillLevel, ...] = (), parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[list[Any]] = [[s.skill, s.level] for s in skills]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 2

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return self.rows[index.row()][index.column()]
        return None

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or role != Qt.ItemDataRole.EditRole:
            return False
        if index.column() == 0:
            value = " ".join(str(value).split())
        else:
            value = max(1, min(5, int(value)))
        self.rows[index.row()][index.column()] = value
        self.dataChanged.emit(index, index, [role])
        return True

    def flags(self, index: _Index) -> Qt.ItemFlag:
        base = super().flags(index)
        return base | Qt.ItemFlag.ItemIsEditable if index.isValid() else base

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section]
        return None

    def add_row(self, skill: str = "", level: int = 3) -> int:
        row = len(self.rows)
        self.beginInsertRows(QModelIndex(), row, row)
        self.rows.append([skill, level])
        self.endInsertRows()
        return row

    def remove_row(self, row: int) -> None:
        if 0 <= row < len(self.rows):
            self.beginRemoveRows(QModelIndex(), row, row)
            del self.rows[row]
            self.endRemoveRows()

    def skills(self, what: str, field: str) -> tuple[SkillLevel, ...]:
        """The filled rows as skills; a skill listed twice is a validation error."""
        result: list[SkillLevel] = []
        seen: set[str] = set()
        for skill, level in self.rows:
            if not skill:
                continue
            if skill.casefold() in seen:
                raise ValidationError(f"{skill} is listed twice under {what}.", field)
            seen.add(skill.casefold())
            result.append(SkillLevel(skill, int(level)))
        return tuple(result)


class WindowRowsModel(QAbstractTableModel):
    """Editable weekly windows: (weekday index, start QTime, end QTime)."""

    HEADERS = ("Day", "From", "To")

    def __init__(self, windows: tuple[Window, ...] = (), parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[list[Any]] = [
            [w.weekday, _qtime(w.start_min), _qtime(w.end_min if w.end_min < 1440 else 0)] for w in windows
        ]

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 3

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        value = self.rows[index.row()][index.column()]
        if role == Qt.ItemDataRole.EditRole:
            return value
        if role == Qt.ItemDataRole.DisplayRole:
            if index.column() == 0:
                return WEEKDAY_NAMES[value]
            return value.toString("HH:mm")
        return None

    def setData(self, index: _Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        if not index.isValid() or role != Qt.ItemDataRole.EditRole:
            return False
        if index.column() == 0:
            value = int(value)
        elif not isinstance(value, QTime):
            return False
        self.rows[index.row()][index.column()] = value
        self.dataChanged.emit(index, index, [role])
        return True

    def flags(self, index: _Index) -> Qt.ItemFlag:
        base = super().flags(index)
        return base | Qt.ItemFlag.ItemIsEditable if index.isValid() else base

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self.HEADERS[section]
        return None

    def add_row(self) -> int:
        row = len(self.rows)
        day = (self.rows[-1][0] + 1) % 5 if self.rows else 0
        self.beginInsertRows(QModelIndex(), row, row)
        self.rows.append([day, QTime(9, 0), QTime(12, 0)])
        self.endInsertRows()
        return row

    def remove_row(self, row: int) -> None:
        if 0 <= row < len(self.rows):
            self.beginRemoveRows(QModelIndex(), row, row)
            del self.rows[row]
            self.endRemoveRows()

    def windows(self) -> tuple[Window, ...]:
        """The rows as windows; 'To 00:00' means midnight. Overlapping windows are merged."""
        result: list[Window] = []
        for day, start, end in self.rows:
            start_min = start.hour() * 60 + start.minute()
            end_min = end.hour() * 60 + end.minute() or 1440
            if end_min <= start_min:
                label = f"{WEEKDAYS[day]} {start.toString('HH:mm')}-{end.toString('HH:mm')}"
                raise ValidationError(f"The window {label} ends before it starts.", "availability")
            result.append(Window(day, start_min, end_min))
        return merge_windows(result)


def _qtime(minutes: int) -> QTime:
    return QTime(minutes // 60, minutes % 60)


class _SkillDelegate(QStyledItemDelegate):
    """A line edit completing over known skill names, and a 1-5 spin box for the level."""

    def __init__(self, names: list[str], parent: Any) -> None:
        super().__init__(parent)
        self._names = names

    def createEditor(self, parent: QWidget, option: Any, index: _Index) -> QWidget:
        if index.column() == 1:
            spin = QSpinBox(parent)
            spin.setRange(1, 5)
            return spin
        edit = QLineEdit(parent)
        edit.setCompleter(widgets.word_completer(self._names, edit))
        return edit


class _WindowDelegate(QStyledItemDelegate):
    """A weekday combo and time editors."""

    def createEditor(self, parent: QWidget, option: Any, index: _Index) -> QWidget:
        if index.column() == 0:
            combo = QComboBox(parent)
            combo.addItems(WEEKDAY_NAMES)
            return combo
        edit = QTimeEdit(parent)
        edit.setDisplayFormat("HH:mm")
        return edit

    def setEditorData(self, editor: QWidget, index: _Index) -> None:
        value = index.data(Qt.ItemDataRole.EditRole)
        if isinstance(editor, QComboBox):
            editor.setCurrentIndex(int(value))
        elif isinstance(editor, QTimeEdit):
            editor.setTime(value)

    def setModelData(self, editor: QWidget, model: Any, index: _Index) -> None:
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentIndex())
        elif isinstance(editor, QTimeEdit):
            model.setData(index, editor.time())


class RowsEditor(QWidget):
    """A titled small table with Add and Remove buttons."""

    def __init__(self, title: str, model: Any, delegate: QStyledItemDelegate, add_label: str, parent: Any = None):
        super().__init__(parent)
        self.model = model
        self.view = QTableView(self)
        self.view.setModel(model)
        self.view.setItemDelegate(delegate)
        delegate.setParent(self.view)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.verticalHeader().hide()
        self.view.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.view.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
            | QAbstractItemView.EditTrigger.AnyKeyPressed
            | QAbstractItemView.EditTrigger.SelectedClicked
        )
        self.view.setMinimumHeight(110)
        self.add_button = QPushButton(add_label, self)
        self.remove_button = QPushButton("Remove", self)
        self.add_button.clicked.connect(self.add)
        self.remove_button.clicked.connect(self.remove)
        heading = QLabel(f"<b>{title}</b>", self)
        buttons = QHBoxLayout()
        buttons.addWidget(heading)
        buttons.addStretch(1)
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(buttons)
        layout.addWidget(self.view)
        self.view.selectionModel().selectionChanged.connect(self._update)
        model.rowsInserted.connect(self._update)
        model.rowsRemoved.connect(self._update)
        self._update()

    def add(self) -> None:
        row = self.model.add_row()
        index = self.model.index(row, 0)
        self.view.setCurrentIndex(index)
        self.view.edit(index)

    def remove(self) -> None:
        index = self.view.currentIndex()
        if index.isValid():
            self.model.remove_row(index.row())

    def _update(self) -> None:
        self.remove_button.setEnabled(self.view.currentIndex().isValid() and self.model.rowCount() > 0)


# --- the dialog ---------------------------------------------------------------------------


class ParticipantDialog(QDialog):
    """Add a participant (participant=None) or edit one; OK validates, then saves through ctx.run."""

    def __init__(
        self,
        ctx: AppContext,
        participant: Participant | None = None,
        parent: QWidget | None = None,
        people: list[Participant] | None = None,
    ) -> None:
        """people: everyone, when the caller has them at hand (for the manager completer)."""
        super().__init__(parent)
        self.ctx = ctx
        self._people = people
        self.original = participant
        self.saved: Participant | None = None
        self.setWindowTitle(f"Edit {participant.name}" if participant else "Add participant")
        self.setMinimumWidth(560)
        p = participant or Participant(name="", email="", timezone=self._default_zone())

        self.tabs = QTabWidget(self)
        self.tabs.addTab(self._details_tab(p), "Details")
        self.tabs.addTab(self._skills_tab(p), "Skills && availability")
        self.tabs.addTab(self._choices_tab(p), "Preferences")
        if participant is not None and participant.id is not None:
            self.tabs.addTab(ParticipantSessionsWidget(ctx, participant.id, self), "Sessions")

        self.message = widgets.InlineMessage(self)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Add" if participant is None else "Save")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(self.tabs)
        layout.addWidget(self.buttons)
        self.name_edit.setFocus()

    def _default_zone(self) -> str:
        from peerdesk.store.settings import load_settings

        return load_settings(self.ctx.db).timezone

    # --- building ----------------------------------------------------------------------

    def _details_tab(self, p: Participant) -> QWidget:
        page = QWidget(self)
        form = QFormLayout(page)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)

        self.name_edit = QLineEdit(p.name, page)
        self.email_edit = QLineEdit(p.email, page)
        self.email_edit.setPlaceholderText("name@example.com")
        self.department_combo = QComboBox(page)
        self.department_combo.setEditable(True)
        self.department_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.department_combo.addItems(store.departments(self.ctx.db))
        self.department_combo.setCurrentText(p.department)
        self.title_edit = QLineEdit(p.title, page)
        self.location_edit = QLineEdit(p.location, page)
        self.location_edit.setPlaceholderText("Office, or Remote")
        self.zone_combo = widgets.zone_combo(page)
        self.zone_combo.setCurrentText(p.timezone)

        self.hire_edit = date_edit(
            page, tip="The day they joined the organisation (new hires are paired with experienced staff)"
        )
        self.hire_edit.setMinimumDate(_NO_DATE)
        self.hire_edit.setSpecialValueText("Not set")
        self.hire_edit.setDate(QDate(p.hire_date) if p.hire_date else _NO_DATE)
        clear_hire = QToolButton(page)
        clear_hire.setText("Clear")
        clear_hire.setToolTip("Forget the hire date")
        clear_hire.clicked.connect(lambda: self.hire_edit.setDate(_NO_DATE))
        hire_row = QHBoxLayout()
        hire_row.addWidget(self.hire_edit, 1)
        hire_row.addWidget(clear_hire)

        self.role_combo = QComboBox(page)
        self.role_combo.setToolTip("Mentor, mentee, both, or peer (buddy rounds and circles)")
        for role in ROLES:
            self.role_combo.addItem(ROLE_LABELS[role], role)
        self.role_combo.setCurrentIndex(max(0, self.role_combo.findData(p.role)))
        self.capacity_spin = QSpinBox(page)
        self.capacity_spin.setRange(0, store.MAX_CAPACITY)
        self.capacity_spin.setValue(p.capacity)
        self.capacity_spin.setToolTip("The most mentees this person takes on at once")

        self.manager_edit = QLineEdit(p.manager_email, page)
        self.manager_edit.setPlaceholderText("Their manager's e-mail (never paired with them)")
        everyone = self._people if self._people is not None else store.list_participants(self.ctx.db)
        people = {q.email: q.name for q in everyone if q.id != p.id}
        self._names_by_email = people
        self.manager_edit.setCompleter(widgets.word_completer(sorted(people), self.manager_edit))
        self.manager_name = QLabel(page)
        self.manager_name.setObjectName("managerName")
        self.manager_name.setStyleSheet("QLabel#managerName { color: palette(mid); }")
        self.manager_edit.textChanged.connect(self._show_manager)
        self._show_manager(p.manager_email)
        manager_row = QHBoxLayout()
        manager_row.addWidget(self.manager_edit, 1)
        manager_row.addWidget(self.manager_name)

        self.status_combo = QComboBox(page)
        self.status_combo.setToolTip("Paused and alumni are left out of new rounds")
        for status in STATUSES:
            self.status_combo.addItem(STATUS_LABELS[status], status)
        self.status_combo.setCurrentIndex(max(0, self.status_combo.findData(p.status)))
        self.notes_edit = QPlainTextEdit(p.notes, page)
        self.notes_edit.setTabChangesFocus(True)
        self.notes_edit.setMinimumHeight(60)

        form.addRow("&Name", self.name_edit)
        form.addRow("&E-mail", self.email_edit)
        form.addRow("&Department", self.department_combo)
        form.addRow("&Title", self.title_edit)
        form.addRow("&Location", self.location_edit)
        form.addRow("Time &zone", self.zone_combo)
        form.addRow(self._label("&Hire date", self.hire_edit, page), hire_row)
        form.addRow("&Role", self.role_combo)
        form.addRow("&Capacity", self.capacity_spin)
        form.addRow(self._label("&Manager", self.manager_edit, page), manager_row)
        form.addRow("&Status", self.status_combo)
        form.addRow("N&otes", self.notes_edit)
        return page

    @staticmethod
    def _label(text: str, buddy: QWidget, parent: QWidget) -> QLabel:
        """A form label whose mnemonic focuses buddy (for rows holding more than one widget)."""
        label = QLabel(text, parent)
        label.setBuddy(buddy)
        return label

    def _skills_tab(self, p: Participant) -> QWidget:
        page = QWidget(self)
        names = store.skill_names(self.ctx.db)
        self.teaches = RowsEditor(
            "Teaches", SkillRowsModel(p.teaches, self), _SkillDelegate(names, self), "Add skill", page
        )
        self.learns = RowsEditor(
            "Wants to learn", SkillRowsModel(p.learns, self), _SkillDelegate(names, self), "Add skill", page
        )
        self.availability = RowsEditor(
            "Weekly availability (in their own time zone)",
            WindowRowsModel(p.availability, self),
            _WindowDelegate(self),
            "Add window",
            page,
        )
        layout = QVBoxLayout(page)
        layout.addWidget(self.teaches)
        layout.addWidget(self.learns)
        layout.addWidget(self.availability)
        return page

    def _choices_tab(self, p: Participant) -> QWidget:
        mentor = None
        if p.id is not None:
            mentor_id = latest_mentors(self.ctx.db, p.id).get(p.id)
            if mentor_id is not None:
                found = people_by_id(self.ctx.db, [mentor_id]).get(mentor_id)
                mentor = found.name if found is not None else None
        self.choices = ChoicesTab(self._names_by_email, p.prefers, p.keep_mentor, p.avoids, mentor, self)
        return self.choices

    def _show_manager(self, text: str) -> None:
        name = self._names_by_email.get(store.normalise_email(text))
        self.manager_name.setText(name or "")
        self.manager_name.setVisible(bool(name))

    # --- reading and saving ------------------------------------------------------------

    def participant(self) -> Participant:
        """The participant as typed (not yet validated); raises ValidationError for bad rows."""
        hire = self.hire_edit.date()
        base = self.original or Participant(name="", email="")
        return replace(
            base,
            name=self.name_edit.text(),
            email=self.email_edit.text(),
            department=self.department_combo.currentText(),
            title=self.title_edit.text(),
            location=self.location_edit.text(),
            timezone=self.zone_combo.currentText().strip(),
            hire_date=None if hire == _NO_DATE else dt.date(hire.year(), hire.month(), hire.day()),
            role=self.role_combo.currentData(),
            capacity=self.capacity_spin.value(),
            manager_email=self.manager_edit.text(),
            status=self.status_combo.currentData(),
            notes=self.notes_edit.toPlainText().strip(),
            teaches=self.teaches.model.skills("Teaches", "teaches"),
            learns=self.learns.model.skills("Wants to learn", "learns"),
            availability=self.availability.model.windows(),
            prefers=self.choices.prefers.emails(),
            keep_mentor=self.choices.keep_check.isChecked(),
            avoids=self.choices.avoids.emails(),
        )

    def check(self) -> Participant:
        """Validate against the rules and the store (unique e-mail); raise ValidationError."""
        p = store.validate(self.participant())
        other = store.find_by_email(self.ctx.db, p.email)
        if other is not None and other.id != p.id:
            raise ValidationError(f"{p.email} is already used by {other.name}.", "email")
        return p

    def accept(self) -> None:
        try:
            p = self.check()
            if self.original is None:
                self.saved = self.ctx.run(f"Add {p.name}", store.add_participant, p)
            elif store.same_content(self.original, p):
                self.saved = self.original
            else:
                self.saved = self.ctx.run(f"Edit {p.name}", store.update_participant, p)
        except ValidationError as exc:
            self.show_error(str(exc), exc.field)
            return
        except StoreError as exc:
            self.show_error(str(exc), None)
            return
        super().accept()

    def show_error(self, text: str, field: str | None) -> None:
        """Show the message above the form and put the cursor in the field at fault."""
        self.message.show_error(text)
        target: QWidget | None = {
            "name": self.name_edit,
            "email": self.email_edit,
            "manager_email": self.manager_edit,
            "timezone": self.zone_combo,
            "capacity": self.capacity_spin,
            "role": self.role_combo,
            "status": self.status_combo,
            "skills": self.teaches.view,
            "teaches": self.teaches.view,
            "learns": self.learns.view,
            "availability": self.availability.view,
            "prefers": self.choices.prefers.list,
            "avoids": self.choices.avoids.list,
        }.get(field or "")
        if target is None:
            return
        tab = {"skills": 1, "teaches": 1, "learns": 1, "availability": 1, "prefers": 2, "avoids": 2}
        self.tabs.setCurrentIndex(tab.get(field or "", 0))
        target.setFocus()
        if isinstance(target, QLineEdit):
            target.selectAll()
