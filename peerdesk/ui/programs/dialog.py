"""Create or edit a program: name, objective, dates, status and who is enrolled."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QDate, QSortFilterProxyModel, Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from peerdesk import clock
from peerdesk.store.cadence import CADENCES
from peerdesk.store.errors import StoreError, ValidationError
from peerdesk.store.lookups import person_names
from peerdesk.store.programs import (
    MEETING_MINUTES,
    PROGRAM_STATUSES,
    Program,
    member_ids,
    save_program,
)
from peerdesk.store.records import OBJECTIVES
from peerdesk.ui.common import widgets
from peerdesk.ui.common.context import AppContext
from peerdesk.ui.common.forms import date_edit


def with_cadence(config: dict[str, Any], cadence: str | None) -> dict[str, Any]:
    """The config with the cadence set (None: no set rhythm)."""
    if cadence is None:
        config.pop("cadence", None)
    else:
        config["cadence"] = cadence
    return config


def to_qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def from_qdate(day: QDate) -> dt.date:
    return dt.date(day.year(), day.month(), day.day())


class OptionalDate(QWidget):
    """A date that may be left empty (a checkbox turns it on)."""

    def __init__(self, label: str, day: dt.date | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.check = QCheckBox(label, self)
        self.edit = date_edit(self, day or clock.today())
        self.check.setChecked(day is not None)
        self.edit.setEnabled(day is not None)
        self.check.toggled.connect(self.edit.setEnabled)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.check)
        layout.addWidget(self.edit, 1)

    def value(self) -> dt.date | None:
        return from_qdate(self.edit.date()) if self.check.isChecked() else None

    def set_value(self, day: dt.date | None) -> None:
        self.check.setChecked(day is not None)
        if day is not None:
            self.edit.setDate(to_qdate(day))


class ProgramDialog(QDialog):
    """New program (program=None) or edit one; OK validates and saves in one undoable step."""

    def __init__(self, ctx: AppContext, program: Program | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.original = program
        self.saved: Program | None = None
        self.setWindowTitle(f"Edit {program.name}" if program else "New program")
        self.setMinimumSize(560, 620)
        p = program or Program(name="", objective="onboarding", start_date=clock.today())

        self.name = QLineEdit(p.name, self)
        self.name.setPlaceholderText("e.g. New-Hire Buddies 2027")
        self.objective = QComboBox(self)
        self.objective.setToolTip("What the program is for (faster onboarding, upskilling...)")
        for key, label in OBJECTIVES.items():
            self.objective.addItem(label, key)
        self.objective.setCurrentIndex(max(0, self.objective.findData(p.objective)))
        self.description = QPlainTextEdit(p.description, self)
        self.description.setPlaceholderText("What the program is for, in a sentence or two")
        self.description.setMaximumHeight(70)
        self.start = OptionalDate("Starts", p.start_date, self)
        self.end = OptionalDate("Ends", p.end_date, self)
        self.status = QComboBox(self)
        self.status.setToolTip("Only active programs are offered for new rounds")
        for s in PROGRAM_STATUSES:
            self.status.addItem(s.capitalize(), s)
        self.status.setCurrentIndex(max(0, self.status.findData(p.status)))
        self.meeting = QSpinBox(self)
        self.meeting.setRange(*MEETING_MINUTES)
        self.meeting.setSingleStep(15)
        self.meeting.setSuffix(" minutes")
        self.meeting.setValue(p.meeting_minutes)
        self.meeting.setAccessibleName("Meeting length")
        self.meeting.setToolTip(
            "How long the program's meetings last: first meetings are booked for this long, and matching "
            "asks people to share at least this much time a week"
        )

        self.cadence = QComboBox(self)
        self.cadence.setAccessibleName("Cadence")
        self.cadence.addItem("No set rhythm (flagged after 30 days without a meeting)", None)
        for c in CADENCES.values():
            self.cadence.addItem(f"{c.label} (flagged after {c.allowed_gap} days without a meeting)", c.key)
        self.cadence.setCurrentIndex(max(0, self.cadence.findData(p.cadence.key if p.cadence else None)))
        self.cadence.setToolTip("How often the program's pairs are expected to meet: 'pairs not meeting' follows it")

        self.people = QStandardItemModel(self)
        enrolled = member_ids(ctx.db, program.id) if program and program.id is not None else set()
        for pid, name, dept, status in (
            (p.id, p.name, p.department, p.status) for p in person_names(ctx.db, archived=False, also=enrolled)
        ):
            item = QStandardItem(f"{name}  ·  {dept}" if dept else name)
            if status != "active":
                item.setText(item.text() + f"  ({status})")
            item.setData(pid, Qt.ItemDataRole.UserRole)
            item.setData(dept, Qt.ItemDataRole.UserRole + 1)
            item.setCheckable(True)
            item.setEditable(False)
            item.setCheckState(Qt.CheckState.Checked if pid in enrolled else Qt.CheckState.Unchecked)
            self.people.appendRow(item)
        self.people.itemChanged.connect(lambda _: self._count())
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.people)
        self.proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Filter people or departments…")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.proxy.setFilterFixedString)
        self.list = QListView(self)
        self.list.setModel(self.proxy)
        self.list.setAccessibleName("Enrolled participants")
        self.count = QLabel(self)
        check_all = QPushButton("Enrol all shown", self)
        check_all.clicked.connect(lambda: self._check_shown(True))
        clear = QPushButton("Remove all shown", self)
        clear.clicked.connect(lambda: self._check_shown(False))

        form = QFormLayout()
        form.addRow("&Name", self.name)
        form.addRow("&Objective", self.objective)
        form.addRow("&Description", self.description)
        dates = QHBoxLayout()
        dates.addWidget(self.start)
        dates.addWidget(self.end)
        form.addRow("Dates", dates)
        form.addRow("&Status", self.status)
        form.addRow("&Meetings last", self.meeting)
        form.addRow("Pairs &meet", self.cadence)

        buttons_row = QHBoxLayout()
        buttons_row.addWidget(self.count, 1)
        buttons_row.addWidget(check_all)
        buttons_row.addWidget(clear)

        self.message = widgets.InlineMessage(self)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Create" if program is None else "Save")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel("<b>Enrolled participants</b>", self))
        layout.addWidget(self.search)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons_row)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self._count()

    def _check_shown(self, on: bool) -> None:
        state = Qt.CheckState.Checked if on else Qt.CheckState.Unchecked
        self.people.blockSignals(True)
        for row in range(self.proxy.rowCount()):
            self.people.itemFromIndex(self.proxy.mapToSource(self.proxy.index(row, 0))).setCheckState(state)
        self.people.blockSignals(False)
        self.list.viewport().update()
        self._count()

    def enrolled(self) -> list[int]:
        return [
            int(self.people.item(r).data(Qt.ItemDataRole.UserRole))
            for r in range(self.people.rowCount())
            if self.people.item(r).checkState() == Qt.CheckState.Checked
        ]

    def _count(self) -> None:
        n = len(self.enrolled())
        self.count.setText(f"{n} enrolled")

    def program(self) -> Program:
        base = self.original or Program(name="")
        return replace(
            base,
            name=self.name.text(),
            objective=str(self.objective.currentData()),
            description=self.description.toPlainText(),
            start_date=self.start.value(),
            end_date=self.end.value(),
            status=str(self.status.currentData()),
            config=with_cadence({**base.config, "meeting_minutes": self.meeting.value()}, self.cadence.currentData()),
        )

    def accept(self) -> None:
        program = self.program()
        people = self.enrolled()
        label = f"Edit program {program.name.strip()}" if self.original else f"New program {program.name.strip()}"
        try:
            self.saved = self.ctx.run(label, save_program, program, people)
        except ValidationError as exc:
            self.message.show_error(str(exc))
            fields = {
                "name": self.name,
                "end_date": self.end.edit,
                "meeting_minutes": self.meeting,
                "cadence": self.cadence,
            }
            fields.get(exc.field or "", self.name).setFocus()
            return
        except StoreError as exc:
            self.message.show_error(str(exc))
            return
        super().accept()
