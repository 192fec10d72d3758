"""The "Meeting plan" tab of a program: its meetings in order, each with a title, an agenda,
questions and links; started from a shipped plan and edited freely, saved in one undoable step."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from peerdesk.programs.guides import default_plans, suggested_plan
from peerdesk.store.errors import StoreError, ValidationError
from peerdesk.store.plans import PlanStep, plan_of, save_plan, validate_step
from peerdesk.store.programs import Program
from peerdesk.ui.common import icons, widgets


class PlanEditor(QWidget):
    """Edit one program's plan of meetings; Save writes it (new pair meetings take its steps in order)."""

    saved = Signal()

    def __init__(self, ctx: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.program: Program | None = None
        self.steps: list[PlanStep] = []
        self.dirty = False
        self._loading = False

        self.list = QListWidget(self)
        self.list.setAccessibleName("Meetings of the plan")
        self.list.currentRowChanged.connect(self._show_step)
        self.add_button = QPushButton(icons.icon("plus"), "Add meeting", self)
        self.add_button.setToolTip("Add a meeting to the plan")
        self.add_button.clicked.connect(self.add_step)
        self.remove_button = QPushButton(icons.icon("minus"), "Remove", self)
        self.remove_button.clicked.connect(self.remove_step)
        self.up_button = QPushButton(icons.icon("arrow-up"), "Up", self)
        self.up_button.setToolTip("Move the selected meeting earlier")
        self.up_button.clicked.connect(lambda: self.move_step(-1))
        self.down_button = QPushButton(icons.icon("arrow-down"), "Down", self)
        self.down_button.setToolTip("Move the selected meeting later")
        self.down_button.clicked.connect(lambda: self.move_step(1))
        self.shipped = QComboBox(self)
        for key, plan in default_plans().items():
            self.shipped.addItem(f"{plan.name} ({len(plan.steps)} meetings)", key)
        self.shipped.setToolTip("Plans that ship with PeerDesk; using one replaces the meetings listed here")
        self.use_button = QPushButton(icons.icon("check"), "Use this plan", self)
        self.use_button.setToolTip("Replace the meetings listed here with the chosen shipped plan")
        self.use_button.clicked.connect(self.use_shipped)

        self.title_edit = QLineEdit(self)
        self.title_edit.setPlaceholderText("e.g. Goals and expectations")
        self.agenda_edit = QPlainTextEdit(self)
        self.agenda_edit.setPlaceholderText("What this meeting is for and what happens in it")
        self.questions_edit = QPlainTextEdit(self)
        self.questions_edit.setPlaceholderText("One question per line")
        self.links_edit = QPlainTextEdit(self)
        self.links_edit.setPlaceholderText("One per line: https://… (a label before the link is fine)")
        for edit in (self.agenda_edit, self.questions_edit, self.links_edit):
            edit.setTabChangesFocus(True)
        self.links_edit.setMaximumHeight(80)
        self.title_edit.textChanged.connect(self._edited)
        for edit in (self.agenda_edit, self.questions_edit, self.links_edit):
            edit.textChanged.connect(self._edited)

        self.message = widgets.InlineMessage(self)
        self.state = QLabel(self)
        self.state.setWordWrap(True)
        self.save_button = QPushButton(icons.icon("save"), "Save plan", self)
        self.save_button.setToolTip("Keep the plan for this program")
        self.save_button.clicked.connect(self.save)
        self.revert_button = QPushButton(icons.icon("undo-2"), "Revert", self)
        self.revert_button.setToolTip("Back to the plan as last saved")
        self.revert_button.clicked.connect(self.load)

        left = QWidget(self)
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addWidget(self.list, 1)
        row = QHBoxLayout()
        for b in (self.add_button, self.remove_button, self.up_button, self.down_button):
            row.addWidget(b)
        ll.addLayout(row)
        start = QHBoxLayout()
        start.addWidget(self.shipped, 1)
        start.addWidget(self.use_button)
        ll.addLayout(start)
        right = QWidget(self)
        form = QFormLayout(right)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow("&Title", self.title_edit)
        form.addRow("&Agenda", self.agenda_edit)
        form.addRow("&Questions", self.questions_edit)
        form.addRow("&Links", self.links_edit)
        splitter = QSplitter(self)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setSizes([320, 560])
        bottom = QHBoxLayout()
        bottom.addWidget(self.state, 1)
        bottom.addWidget(self.revert_button)
        bottom.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.message)
        layout.addLayout(bottom)
        self._update()

    # --- loading ---------------------------------------------------------------------------------

    def set_program(self, program: Program | None) -> None:
        """Show a program's plan (unsaved changes to the same program's plan are kept)."""
        same = program is not None and self.program is not None and program.id == self.program.id
        self.program = program
        if same and self.dirty:
            return
        if program is not None and program.id is not None:  # offer the plan that suits the program
            self.shipped.setCurrentIndex(max(0, self.shipped.findData(suggested_plan(program.objective))))
        self.load()

    def load(self) -> None:
        p = self.program
        self.steps = plan_of(self.ctx.db, p.id) if p is not None and p.id is not None else []
        self.dirty = False
        self.message.clear_message()
        self._fill(0)

    def _fill(self, current: int) -> None:
        self._loading = True
        self.list.clear()
        for i, s in enumerate(self.steps, 1):
            self.list.addItem(f"{i}. {s.title or '(untitled)'}")
        self._loading = False
        if self.steps:
            self.list.setCurrentRow(max(0, min(current, len(self.steps) - 1)))
        else:
            self._show_step(-1)
        self._update()

    def _show_step(self, row: int) -> None:
        self._loading = True
        s = self.steps[row] if 0 <= row < len(self.steps) else None
        self.title_edit.setText(s.title if s else "")
        self.agenda_edit.setPlainText(s.agenda if s else "")
        self.questions_edit.setPlainText(s.questions if s else "")
        self.links_edit.setPlainText(s.links if s else "")
        for w in (self.title_edit, self.agenda_edit, self.questions_edit, self.links_edit):
            w.setEnabled(s is not None)
        self._loading = False
        self._update()

    # --- editing ---------------------------------------------------------------------------------

    def _edited(self) -> None:
        row = self.list.currentRow()
        if self._loading or not 0 <= row < len(self.steps):
            return
        self.steps[row] = replace(
            self.steps[row],
            title=self.title_edit.text(),
            agenda=self.agenda_edit.toPlainText(),
            questions=self.questions_edit.toPlainText(),
            links=self.links_edit.toPlainText(),
        )
        item = self.list.item(row)
        if item is not None:
            item.setText(f"{row + 1}. {self.title_edit.text().strip() or '(untitled)'}")
        self.dirty = True
        self._update()

    def add_step(self) -> None:
        row = self.list.currentRow() + 1 if self.steps else 0
        self.steps.insert(row, PlanStep(title=f"Meeting {row + 1}"))
        self.dirty = True
        self._fill(row)
        self.title_edit.setFocus()
        self.title_edit.selectAll()

    def remove_step(self) -> None:
        row = self.list.currentRow()
        if 0 <= row < len(self.steps):
            del self.steps[row]
            self.dirty = True
            self._fill(row)

    def move_step(self, offset: int) -> None:
        row = self.list.currentRow()
        target = row + offset
        if 0 <= row < len(self.steps) and 0 <= target < len(self.steps):
            self.steps.insert(target, self.steps.pop(row))
            self.dirty = True
            self._fill(target)

    def use_shipped(self) -> None:
        """Replace the meetings listed by a copy of a shipped plan (saved with Save plan)."""
        key = self.shipped.currentData()
        if key is None or self.program is None:
            return
        if self.steps and not widgets.confirm(
            self,
            "Use a shipped plan",
            "Replace the meetings listed here with this plan? Nothing changes until you save.",
            "Replace",
        ):
            return
        self.steps = [replace(s) for s in default_plans()[key].steps]
        self.dirty = True
        self._fill(0)

    def save(self) -> bool:
        """Write the plan (one undoable change); False with the reason shown when it does not check."""
        p = self.program
        if p is None or p.id is None:
            return False
        try:
            self.ctx.run(f"Edit the meeting plan of {p.name}", save_plan, p.id, list(self.steps))
        except ValidationError as exc:
            self.message.show_error(str(exc))
            bad = next((i for i, s in enumerate(self.steps) if _fails(s, i + 1)), None)
            if bad is not None:
                self.list.setCurrentRow(bad)
                (self.links_edit if exc.field == "links" else self.title_edit).setFocus()
            return False
        except StoreError as exc:
            self.message.show_error(str(exc))
            return False
        self.load()
        self.state.setText("Saved. New meetings of the program's pairs take the next meeting of this plan.")
        self.saved.emit()
        return True

    def _update(self) -> None:
        writable = self.program is not None and not self.ctx.readonly
        row = self.list.currentRow()
        has = 0 <= row < len(self.steps)
        self.add_button.setEnabled(writable)
        self.remove_button.setEnabled(writable and has)
        self.up_button.setEnabled(writable and has and row > 0)
        self.down_button.setEnabled(writable and has and row < len(self.steps) - 1)
        self.use_button.setEnabled(writable)
        self.save_button.setEnabled(writable and self.dirty)
        self.revert_button.setEnabled(self.dirty)
        if self.dirty:
            self.state.setText("Changed: Save plan to keep it.")
        elif not self.steps:
            self.state.setText("No plan yet: start from one that ships with PeerDesk, or add the meetings one by one.")
        elif not self.state.text().startswith("Saved"):
            self.state.setText(f"{len(self.steps)} meetings. New meetings of the program's pairs take them in order.")


def _fails(step: PlanStep, number: int) -> bool:
    try:
        validate_step(step, number)
    except ValidationError:
        return True
    return False
