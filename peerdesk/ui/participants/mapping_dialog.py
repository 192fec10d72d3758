"""The column-mapping step of an import: each column of a form export with sample answers, mapped to a field or ignored."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSpinBox,
    QSplitter,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from peerdesk import intake
from peerdesk.importing import Intake
from peerdesk.intake import FIELDS, SKILL_FIELDS, ColumnMap, ColumnMapping
from peerdesk.store.errors import ValidationError
from peerdesk.store.records import parse_availability
from peerdesk.ui.common import widgets

BAD_BACKGROUND = QColor(253, 226, 222)
HINTS = {
    "name": "Their full name.",
    "first_name": "Combined with the Last name column into their name.",
    "last_name": "Combined with the First name column into their name.",
    "email": "The key: importing again updates people instead of adding them twice.",
    "role": "Mentor, mentee, both or peer, from answers like “Mentor”, “I'd like a mentor”, “Both”.",
    "prefers": "E-mails, or names that exactly one participant has; the first named is their 1st choice.",
    "avoids": "E-mails or names. A hard rule, private to you: never exported.",
    "keep_mentor": "Yes or no: in mentoring rounds their current or previous mentor counts as their 1st choice.",
    "notes": "Several columns may go to the notes: each answer is kept with its question.",
    "hire_date": "Dates in any common form; the order of day and month is worked out from the file.",
}


class ColumnMappingDialog(QDialog):
    """Map each column of a file to a participant field (or ignore it); OK gives a mapping that can import."""

    def __init__(self, found: Intake, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.found = found
        self.setWindowTitle(f"Map the columns of {Path(path).name}")
        self.resize(1000, 680)
        self.columns: list[ColumnMap] = list(found.mapping.columns)
        self._answers: dict[int, list[str]] = {}

        intro = QLabel(
            "Each column of the file, with answers from it. Choose what each one fills, or Ignore it. "
            + (
                "This is the mapping used last time for files with these headers"
                + (
                    ": this file has availability answers it did not have, suggested below. "
                    if found.new_answers
                    else ". "
                )
                if found.remembered
                else "The choices below are guessed from the questions: check them. "
            )
            + "Nothing is imported until you accept the preview.",
            self,
        )
        intro.setWordWrap(True)

        self.table = QTableWidget(len(self.columns), 3, self)
        self.table.setHorizontalHeaderLabels(("Column", "Answers in the file", "Fills"))
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        self.table.setAccessibleName("Columns of the file")
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
        self.table.setColumnWidth(0, 330)
        self.table.setColumnWidth(2, 230)
        self.combos: list[QComboBox] = []
        for row, column in enumerate(self.columns):
            item = QTableWidgetItem(column.header or f"(column {row + 1} has no header)")
            item.setToolTip(column.header)
            self.table.setItem(row, 0, item)
            found_answers = intake.samples(found.rows, row)
            sample = QTableWidgetItem(" · ".join(found_answers) if found_answers else "(no answers)")
            sample.setToolTip("\n".join(found_answers))
            if not found_answers:
                sample.setForeground(QColor("#777777"))
            self.table.setItem(row, 1, sample)
            combo = QComboBox(self.table)
            combo.setAccessibleName(f"What {column.header} fills")
            combo.addItem("Ignore", None)
            for key, label in FIELDS.items():
                combo.addItem(label, key)
            combo.setCurrentIndex(max(0, combo.findData(column.field)))
            combo.currentIndexChanged.connect(lambda _i, r=row: self._field_changed(r))
            self.table.setCellWidget(row, 2, combo)
            self.combos.append(combo)
        self.table.currentCellChanged.connect(lambda row, *_: self._show_details(row))

        self.details = QStackedWidget(self)
        self.details.addWidget(self._plain_page())
        self.details.addWidget(self._skill_page())
        self.details.addWidget(self._level_page())
        self.details.addWidget(self._availability_page())

        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(self.table)
        split.addWidget(self.details)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setChildrenCollapsible(False)
        split.setSizes([430, 190])

        self.message = widgets.InlineMessage(self)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.ok_button = self.buttons.addButton("Preview import", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(split, 1)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        first = next((r for r, c in enumerate(self.columns) if c.field), 0)
        self.table.setCurrentCell(first, 0)
        self._show_details(first)
        self._check()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        # Rows as tall as their wrapped text at the width shown (measured once the table has its size).
        self.table.resizeRowsToContents()

    # -- the details of the selected column -------------------------------------------

    def _plain_page(self) -> QWidget:
        self.plain_label = QLabel(self)
        self.plain_label.setWordWrap(True)
        self.plain_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        return self.plain_label

    def _skill_page(self) -> QWidget:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        self.skill_title = QLabel(page)
        self.skill_title.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(QLabel("Each answer is a skill; answers without a level are at level", page))
        self.level_spin = QSpinBox(page)
        self.level_spin.setRange(1, 5)
        self.level_spin.setAccessibleName("Default level")
        self.level_spin.valueChanged.connect(self._level_changed)
        row.addWidget(self.level_spin)
        row.addStretch(1)
        note = QLabel(
            "Multi-select answers (“Python;SQL;”, “Python, SQL”) become one skill each. A mentor fits a mentee "
            "when they teach a skill above the mentee's level: teaching 4 and learning 2 are good defaults.",
            page,
        )
        note.setWordWrap(True)
        layout.addWidget(self.skill_title)
        layout.addLayout(row)
        layout.addWidget(note)
        layout.addStretch(1)
        return page

    def _level_page(self) -> QWidget:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        row = QHBoxLayout()
        row.addWidget(QLabel("This answer gives the level (1-5, or words like beginner or expert) of", page))
        self.of_combo = QComboBox(page)
        self.of_combo.setAccessibleName("Skill column whose level this is")
        self.of_combo.activated.connect(self._of_changed)
        row.addWidget(self.of_combo, 1)
        layout.addLayout(row)
        layout.addStretch(1)
        return page

    def _availability_page(self) -> QWidget:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        note = QLabel(
            "Each answer as weekly windows in the person's own time zone, like “Mon 09:00-12:00; Wed 14:00-17:00”. "
            "The suggestions are read from the words of the answers: check them. Leave a row empty for no windows.",
            page,
        )
        note.setWordWrap(True)
        self.windows_table = QTableWidget(0, 2, page)
        self.windows_table.setHorizontalHeaderLabels(("Answer", "Weekly windows"))
        self.windows_table.verticalHeader().hide()
        self.windows_table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.windows_table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.windows_table.setColumnWidth(0, 260)
        self.windows_table.setAccessibleName("Availability answers as weekly windows")
        self.windows_table.itemChanged.connect(self._windows_edited)
        layout.addWidget(note)
        layout.addWidget(self.windows_table, 1)
        return page

    def _show_details(self, row: int) -> None:
        if not 0 <= row < len(self.columns):
            return
        self._row = row
        c = self.columns[row]
        if c.field in SKILL_FIELDS:
            self.skill_title.setText(f"<b>{FIELDS[c.field]}</b> from “{c.header}”")
            self.level_spin.blockSignals(True)
            self.level_spin.setValue(c.level)
            self.level_spin.blockSignals(False)
            self.details.setCurrentIndex(1)
        elif c.field == "level":
            self.of_combo.clear()
            for other in self.columns:
                if other.field in SKILL_FIELDS:
                    self.of_combo.addItem(f"{FIELDS[other.field]}: {other.header}", other.header)
            self.of_combo.setCurrentIndex(self.of_combo.findData(c.of))
            self.details.setCurrentIndex(2)
        elif c.field == "availability":
            self._fill_windows(row)
            self.details.setCurrentIndex(3)
        else:
            what = FIELDS.get(c.field or "", "")
            text = f"<b>{what}</b> from “{c.header}”. {HINTS.get(c.field or '', '')}" if c.field else ""
            self.plain_label.setText(text or f"“{c.header}” is not imported.")
            self.details.setCurrentIndex(0)

    def _fill_windows(self, row: int) -> None:
        c = self.columns[row]
        self.windows_table.blockSignals(True)
        self.windows_table.setRowCount(len(c.answers))
        for r, (answer, windows) in enumerate(c.answers):
            item = QTableWidgetItem(answer)
            item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
            self.windows_table.setItem(r, 0, item)
            self.windows_table.setItem(r, 1, QTableWidgetItem(windows))
            self._mark(r)
        self.windows_table.blockSignals(False)

    def _mark(self, r: int) -> None:
        item = self.windows_table.item(r, 1)
        if item is None:
            return
        try:
            parse_availability(item.text())
            item.setBackground(QColor(0, 0, 0, 0))
            item.setToolTip("" if item.text().strip() else "No windows: this answer adds no availability")
        except ValueError as exc:
            item.setBackground(BAD_BACKGROUND)
            item.setToolTip(str(exc))

    # -- edits ---------------------------------------------------------------------------

    def _field_changed(self, row: int) -> None:
        field = self.combos[row].currentData()
        c = self.columns[row]
        c = replace(c, field=field)
        if field in SKILL_FIELDS:
            c = replace(c, level=intake.SUGGESTED_LEVEL[field])
        elif field == "level":
            skills = [o.header for o in self.columns[:row] if o.field in SKILL_FIELDS] or [
                o.header for o in self.columns if o.field in SKILL_FIELDS
            ]
            c = replace(c, of=skills[-1] if skills else None)
        elif field == "availability" and not c.answers:
            answers = intake.distinct_answers(r[row] for r in self.found.rows if row < len(r))
            c = replace(c, answers=tuple((a, intake.suggest_windows(a)) for a in answers))
        self.columns[row] = c
        self.table.setCurrentCell(row, 0)
        self._show_details(row)
        self._check()

    def _level_changed(self, value: int) -> None:
        self.columns[self._row] = replace(self.columns[self._row], level=value)
        self._check()

    def _of_changed(self) -> None:
        self.columns[self._row] = replace(self.columns[self._row], of=self.of_combo.currentData())
        self._check()

    def _windows_edited(self, item: QTableWidgetItem) -> None:
        if item.column() != 1:
            return
        c = self.columns[self._row]
        answers = list(c.answers)
        answer, _old = answers[item.row()]
        answers[item.row()] = (answer, item.text().strip())
        self.columns[self._row] = replace(c, answers=tuple(answers))
        self.windows_table.blockSignals(True)
        self._mark(item.row())
        self.windows_table.blockSignals(False)
        self._check()

    def mapping(self) -> ColumnMapping:
        return ColumnMapping(tuple(self.columns))

    def _check(self) -> bool:
        try:
            self.mapping().check()
        except ValidationError as exc:
            self.message.show_error(str(exc))
            self.ok_button.setEnabled(False)
            return False
        self.message.clear_message()
        self.ok_button.setEnabled(True)
        return True

    def accept(self) -> None:
        if self._check():
            super().accept()


def ask_mapping(found: Intake, path: Path, parent: QWidget | None) -> ColumnMapping | None:
    """Show the mapping step; the mapping chosen, or None when the coordinator cancels."""
    dialog = ColumnMappingDialog(found, path, parent)
    if widgets.exec_dialog(dialog):
        return dialog.mapping()
    return None
