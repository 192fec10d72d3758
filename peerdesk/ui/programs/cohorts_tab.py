"""The "Cohorts" tab of a program: terms with their dates and enrolment, closed by the completion rule."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtCore import QDate, Qt
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
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from peerdesk import clock
from peerdesk.metrics import numbers
from peerdesk.metrics.rhythm import CohortFigures, cohort_figures
from peerdesk.programs.cohorts import close_cohort, closing_day, completion_conditions, reenrol, rule_text, verdicts
from peerdesk.store.cohorts import (
    Cohort,
    add_cohort,
    cohort_member_ids,
    cohort_members,
    delete_cohort,
    enrol_in_cohort,
    unenrol_from_cohort,
    update_cohort,
)
from peerdesk.store.errors import StoreError
from peerdesk.store.lookups import active_people
from peerdesk.store.programs import Program
from peerdesk.ui.common import icons, widgets
from peerdesk.ui.common.forms import date_edit
from peerdesk.wording import plural


def _qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _pydate(day: QDate) -> dt.date:
    return dt.date(day.year(), day.month(), day.day())


class CohortDialog(QDialog):
    """Name and dates of a new cohort, or of one to edit."""

    def __init__(self, ctx: Any, cohort: Cohort, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.cohort = cohort
        self.saved: Cohort | None = None
        self.setWindowTitle("Edit cohort" if cohort.id else "New cohort")
        self.name = QLineEdit(cohort.name, self)
        self.name.setPlaceholderText("e.g. Spring 2027")
        self.start = date_edit(self, _qdate(cohort.start_date))
        self.end = date_edit(self, _qdate(cohort.end_date))
        self.message = widgets.InlineMessage(self)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout()
        form.addRow("&Name", self.name)
        form.addRow("&Starts", self.start)
        form.addRow("&Ends", self.end)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

    def accept(self) -> None:
        c = Cohort(
            self.cohort.program_id,
            self.name.text(),
            _pydate(self.start.date()),
            _pydate(self.end.date()),
            id=self.cohort.id,
        )
        try:
            if c.id is None:
                self.saved = self.ctx.run(f"New cohort {c.name.strip()}", add_cohort, c)
            else:
                self.saved = self.ctx.run(f"Edit cohort {c.name.strip()}", update_cohort, c)
        except StoreError as exc:
            self.message.show_error(str(exc))
            return
        super().accept()


class EnrolDialog(QDialog):
    """Tick who takes part in a cohort (every active participant, by name)."""

    def __init__(self, ctx: Any, cohort: Cohort, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.cohort = cohort
        self.setWindowTitle(f"Enrolment of {cohort.name}")
        self.resize(460, 560)
        enrolled = cohort_member_ids(ctx.db, cohort.id or 0)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Filter people or departments…")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._filter)
        self.list = QListWidget(self)
        self.list.setAccessibleName("People to enrol")
        for p in active_people(ctx.db):
            item = QListWidgetItem(f"{p.name}  ·  {p.department}" if p.department else p.name)
            item.setData(Qt.ItemDataRole.UserRole, int(p.id))
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if p.id in enrolled else Qt.CheckState.Unchecked)
            self.list.addItem(item)
        self.enrolled = enrolled
        self.message = widgets.InlineMessage(self)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Enrolling someone in the cohort enrols them in the program too.", self))
        layout.addWidget(self.search)
        layout.addWidget(self.list, 1)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

    def _filter(self, text: str) -> None:
        needle = text.casefold().strip()
        for i in range(self.list.count()):
            item = self.list.item(i)
            item.setHidden(bool(needle) and needle not in item.text().casefold())

    def chosen(self) -> set[int]:
        return {
            int(self.list.item(i).data(Qt.ItemDataRole.UserRole))
            for i in range(self.list.count())
            if self.list.item(i).checkState() == Qt.CheckState.Checked
        }

    def accept(self) -> None:
        wanted = self.chosen()
        try:
            self.ctx.run(f"Enrolment of {self.cohort.name}", _set_enrolment, self.cohort.id, wanted, self.enrolled)
        except StoreError as exc:
            self.message.show_error(str(exc))
            return
        super().accept()


def _set_enrolment(db: Any, cohort_id: int, wanted: set[int], current: set[int]) -> int:
    """Enrol the newly ticked and take out the unticked (one transaction)."""
    with db.atomic():
        added = enrol_in_cohort(db, cohort_id, sorted(wanted - current)) if wanted - current else 0
        unenrol_from_cohort(db, cohort_id, sorted(current - wanted))
    return added


class CohortsTab(QWidget):
    """A program's cohorts and the members of the one selected."""

    def __init__(self, ctx: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.program: Program | None = None
        self.rows: list[CohortFigures] = []
        self.table = QTableWidget(0, 5, self)
        self.table.setHorizontalHeaderLabels(["Cohort", "Dates", "Members", "Completed", "Status"])
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.setAccessibleName("Cohorts")
        self.table.itemSelectionChanged.connect(self._show_members)
        self.table.doubleClicked.connect(lambda _i: self.edit_cohort())
        self.members = QTableWidget(0, 4, self)
        self.members.setHorizontalHeaderLabels(["Name", "Department", "Enrolled", "Completed"])
        self.members.verticalHeader().hide()
        self.members.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.members.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.members.setAccessibleName("Members of the cohort")
        self.rule = QLabel(self)
        self.rule.setWordWrap(True)

        self.new_button = QPushButton(icons.icon("plus"), "New cohort…", self)
        self.new_button.setToolTip("Start a cohort: a group that begins the program together")
        self.new_button.clicked.connect(self.new_cohort)
        self.edit_button = QPushButton(icons.icon("pencil"), "Edit…", self)
        self.edit_button.clicked.connect(self.edit_cohort)
        self.delete_button = QPushButton(icons.icon("trash-2"), "Delete", self)
        self.delete_button.clicked.connect(self.delete_selected)
        self.enrol_button = QPushButton(icons.icon("users"), "Enrolment…", self)
        self.enrol_button.setToolTip("Choose who is in the selected cohort")
        self.enrol_button.clicked.connect(self.edit_enrolment)
        self.close_button = QPushButton(icons.icon("flag-triangle-right"), "Close cohort…", self)
        self.close_button.setToolTip("End the selected cohort and record who completed")
        self.close_button.clicked.connect(self.close_selected)
        self.next_combo = QComboBox(self)
        self.next_combo.setToolTip("The cohort to move people into")
        self.next_combo.setAccessibleName("Cohort to re-enrol in")
        self.reenrol_button = QPushButton(icons.icon("user-plus"), "Re-enrol those who did not complete in", self)
        self.reenrol_button.setToolTip("Move the selected cohort's people who did not complete into the chosen cohort")
        self.reenrol_button.clicked.connect(self.reenrol_selected)

        top = QHBoxLayout()
        for b in (self.new_button, self.edit_button, self.delete_button, self.enrol_button, self.close_button):
            top.addWidget(b)
        top.addStretch(1)
        again = QHBoxLayout()
        again.addWidget(self.reenrol_button)
        again.addWidget(self.next_combo, 1)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.table)
        splitter.addWidget(self.members)
        splitter.setSizes([150, 400])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addLayout(top)
        layout.addLayout(again)
        layout.addWidget(self.rule)
        self._update()

    def set_program(self, program: Program | None) -> None:
        self.program = program
        self.reload()

    def reload(self) -> None:
        keep = self.selected()
        p = self.program
        self.rows = cohort_figures(self.ctx.db, p.id, as_of=dt.date.max) if p is not None and p.id is not None else []
        self.table.setRowCount(len(self.rows))
        for r, f in enumerate(self.rows):
            c = f.cohort
            status = (
                f"closed {c.closed_on:%d %b %Y}"
                if c.closed_on
                else ("open" if c.start_date <= clock.today() else "starts later")
            )
            done = f"{f.completed} ({numbers.percent(f.completion_rate or 0)})" if c.closed_on and f.members else "—"
            for col, text in enumerate((c.name, c.dates, str(f.members), done, status)):
                item = QTableWidgetItem(text)
                if col in (2, 3):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(r, col, item)
        for col in (1, 2, 3, 4):
            self.table.resizeColumnToContents(col)
        index = next((i for i, f in enumerate(self.rows) if keep and f.cohort.id == keep.id), 0 if self.rows else -1)
        if index >= 0:
            self.table.selectRow(index)
        self._show_members()
        if p is not None and p.id is not None:
            intro = "" if self.rows else "This program does not run in cohorts yet: New cohort… starts one. "
            self.rule.setText(
                f"{intro}Closing a cohort checks the completion rule (the completion certificate's, set in "
                f"Recognition): {rule_text(completion_conditions(self.ctx.db, p.id))}, over the cohort's dates."
            )
        else:
            self.rule.setText("")

    def selected(self) -> Cohort | None:
        rows = self.table.selectionModel().selectedRows() if self.table.selectionModel() else []
        return self.rows[rows[0].row()].cohort if rows and rows[0].row() < len(self.rows) else None

    def _show_members(self) -> None:
        c = self.selected()
        found = cohort_members(self.ctx.db, c.id) if c is not None and c.id is not None else []
        self.members.setRowCount(len(found))
        for r, m in enumerate(found):
            for col, text in enumerate(
                (
                    m.name,
                    m.department,
                    f"{m.enrolled_on:%d %b %Y}",
                    f"{m.completed_on:%d %b %Y}" if m.completed_on else "",
                )
            ):
                self.members.setItem(r, col, QTableWidgetItem(text))
        for col in (1, 2, 3):
            self.members.resizeColumnToContents(col)
        self.next_combo.clear()
        for f in self.rows:
            if c is not None and f.cohort.id != c.id and not f.cohort.is_closed:
                self.next_combo.addItem(f.cohort.name, f.cohort.id)
        self._update()

    def _update(self) -> None:
        c = self.selected()
        writable = self.program is not None and not self.ctx.readonly
        self.new_button.setEnabled(writable)
        for b in (self.edit_button, self.delete_button):
            b.setEnabled(writable and c is not None)
        self.enrol_button.setEnabled(writable and c is not None and not c.is_closed)
        self.close_button.setEnabled(writable and c is not None and not c.is_closed and c.start_date <= clock.today())
        self.reenrol_button.setEnabled(writable and c is not None and c.is_closed and self.next_combo.count() > 0)
        self.next_combo.setEnabled(self.reenrol_button.isEnabled())

    # --- commands ------------------------------------------------------------------------------

    def new_cohort(self) -> None:
        p = self.program
        if p is None or p.id is None:
            return
        last = self.rows[-1].cohort if self.rows else None
        start = last.end_date + dt.timedelta(days=1) if last else clock.today()
        dialog = CohortDialog(self.ctx, Cohort(p.id, "", start, start + dt.timedelta(days=90)), self)
        if widgets.exec_dialog(dialog) and dialog.saved is not None:
            self.reload()

    def edit_cohort(self) -> None:
        c = self.selected()
        if c is not None and not self.ctx.readonly:
            dialog = CohortDialog(self.ctx, c, self)
            if widgets.exec_dialog(dialog):
                self.reload()

    def delete_selected(self) -> None:
        c = self.selected()
        if c is None or c.id is None:
            return
        if not widgets.confirm(
            self,
            "Delete cohort",
            f"Delete {c.name} and its enrolment? Program enrolment and completions stay. Undo brings it back.",
            "Delete",
        ):
            return
        widgets.run_write(self.ctx, self, f"Delete cohort {c.name}", delete_cohort, c.id)
        self.reload()

    def edit_enrolment(self) -> None:
        c = self.selected()
        if c is not None and c.id is not None:
            if widgets.exec_dialog(EnrolDialog(self.ctx, c, self)):
                self.reload()

    def close_selected(self) -> None:
        """Show who completes by the rule, then close the cohort (one undoable change)."""
        c = self.selected()
        if c is None or c.id is None:
            return
        try:
            found = verdicts(self.ctx.db, c.id)
        except StoreError as exc:
            widgets.warn(self, "Close cohort", str(exc))
            return
        done = [v for v in found if v.completed]
        not_done = [v for v in found if not v.completed]
        lines = [f"Closing {c.name} on {closing_day(c.end_date):%d %b %Y}:"]
        lines.append(f"{plural(len(done), 'member')} met the completion rule and complete it.")
        if not_done:
            shown = "\n".join(f"• {v.name}: {'; '.join(v.missing)}" for v in not_done[:8])
            more = f"\n…and {len(not_done) - 8} more" if len(not_done) > 8 else ""
            lines.append(f"{plural(len(not_done), 'member')} did not:\n{shown}{more}")
        if not widgets.confirm(self, "Close cohort", "\n\n".join(lines), "Close cohort"):
            return
        closing = widgets.run_write(self.ctx, self, f"Close cohort {c.name}", close_cohort, c.id)
        if closing is not None:
            self.reload()

    def reenrol_selected(self) -> None:
        c = self.selected()
        target = self.next_combo.currentData()
        if c is None or c.id is None or target is None:
            return
        n = widgets.run_write(self.ctx, self, f"Re-enrol from {c.name}", reenrol, c.id, int(target))
        if n is not None:
            self.reload()
