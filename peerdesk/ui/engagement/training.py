"""Mentor training: the module catalogue, who completed what and when, and who is a trained mentor."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from typing import Any, NamedTuple

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from peerdesk import clock
from peerdesk.store.db import Database
from peerdesk.store.errors import ValidationError
from peerdesk.store.lookups import active_people, completion_counts, completions, mentee_counts
from peerdesk.store.training import (
    Module,
    add_default_modules,
    add_module,
    delete_module,
    list_modules,
    record_completions,
    remove_completion,
    trained_ids,
    update_module,
)
from peerdesk.ui.common import charts, page_parts, widgets
from peerdesk.ui.common.context import AppContext
from peerdesk.ui.common.forms import FormDialog, date_edit
from peerdesk.ui.common.refresh import when_shown
from peerdesk.ui.common.table_models import RecordsModel, SelfSortingModel, SortingProxy
from peerdesk.ui.common.widgets import SORT_ROLE
from peerdesk.ui.programs.dialog import from_qdate
from peerdesk.wording import plural

Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class TraineeRow:
    """One person with their completions."""

    participant_id: int
    name: str
    department: str
    role: str
    mentees: int
    done: dict[int, dt.date]
    trained: bool

    @property
    def is_mentor(self) -> bool:
        return self.role in ("mentor", "both") or self.mentees > 0


def load_trainees(db: Any) -> list[TraineeRow]:
    """Active participants with their completions and how many mentees they have now."""
    mentees = mentee_counts(db)
    done = completions(db)
    trained = trained_ids(db)
    return [
        TraineeRow(p.id, p.name, p.department, p.role, mentees.get(p.id, 0), done.get(p.id, {}), p.id in trained)
        for p in active_people(db)
    ]


class TrainingRead(NamedTuple):
    """What the page shows, read in one go (on a worker when the window first opens the page)."""

    modules: list[Module]
    counts: dict[int, int]
    trainees: list[TraineeRow]


class ModulesModel(RecordsModel):
    HEADERS = ("Module", "Required", "Completed by", "Description")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.modules: list[Module] = []
        self.counts: dict[int, int] = {}

    def load(self, modules: list[Module], counts: dict[int, int]) -> None:
        self.beginResetModel()
        self.modules, self.counts = modules, counts
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.modules)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        m = self.modules[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            n = self.counts.get(m.id or 0, 0)
            return (m.name, "Required" if m.required else "Optional", plural(n, "person", "people"), m.description)[
                index.column()
            ]
        if role == Qt.ItemDataRole.ToolTipRole:
            return m.description or None
        return None


class TraineesModel(SelfSortingModel):
    """People × modules: the completion date in each cell, and the trained-mentor status."""

    FIXED = ("Name", "Department", "Mentees", "Trained mentor")

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.rows: list[TraineeRow] = []
        self.modules: list[Module] = []

    def load(self, rows: list[TraineeRow], modules: list[Module]) -> None:
        self.beginResetModel()
        self.rows, self.modules = list(rows), modules
        self.arrange()
        self.endResetModel()

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.FIXED) + len(self.modules)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            if section < len(self.FIXED):
                return self.FIXED[section]
            m = self.modules[section - len(self.FIXED)]
            return m.name if m.required else f"{m.name} (optional)"
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        r = self.rows[index.row()]
        col = index.column()
        if col >= len(self.FIXED):
            m = self.modules[col - len(self.FIXED)]
            day = r.done.get(m.id or 0)
            if role == Qt.ItemDataRole.DisplayRole:
                return day.isoformat() if day else "—"
            if role == SORT_ROLE:
                return day.isoformat() if day else ""
            return None
        if role in (Qt.ItemDataRole.DisplayRole, SORT_ROLE):
            if col == 0:
                return r.name
            if col == 1:
                return r.department
            if col == 2:
                return r.mentees if role == SORT_ROLE else (str(r.mentees) if r.mentees else "")
            if col == 3:
                if role == SORT_ROLE:
                    return int(r.trained)
                return "✔ Trained" if r.trained else ("Not yet" if r.is_mentor else "")
        if role == Qt.ItemDataRole.ForegroundRole and col == 3:
            if r.trained:
                return QBrush(charts.GREEN)
            if r.is_mentor:
                return QBrush(charts.AMBER)
        return None


class MentorFilter(SortingProxy):
    """Text search on name and department, and optionally mentors only."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.text = ""
        self.mentors_only = True

    def set_filter(self, text: str, mentors_only: bool) -> None:
        self.beginFilterChange()
        self.text, self.mentors_only = text.casefold().strip(), mentors_only
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, row: int, parent: Index) -> bool:
        model = self.sourceModel()
        assert isinstance(model, TraineesModel)
        r = model.rows[row]
        if self.mentors_only and not r.is_mentor:
            return False
        return not self.text or self.text in r.name.casefold() or self.text in r.department.casefold()


class ModuleDialog(FormDialog):
    """Add or edit a training module."""

    def __init__(self, ctx: AppContext, module: Module | None = None, parent: QWidget | None = None) -> None:
        super().__init__("Edit module" if module else "Add training module", "Save" if module else "Add", parent)
        self.ctx = ctx
        self.original = module
        self.saved: Module | None = None
        self.name = QLineEdit(module.name if module else "", self)
        self.description = QPlainTextEdit(module.description if module else "", self)
        self.description.setMaximumHeight(80)
        self.required = QCheckBox("Required to be a trained mentor", self)
        self.required.setToolTip("A mentor counts as trained once every required module is completed")
        self.required.setChecked(module.required if module else True)
        self.form.addRow("&Name", self.name)
        self.form.addRow("&Description", self.description)
        self.form.addRow("", self.required)
        self.finish_form()

    def save(self) -> None:
        m = replace(
            self.original or Module(""),
            name=self.name.text(),
            description=self.description.toPlainText(),
            required=self.required.isChecked(),
        )
        if self.original is None:
            self.saved = self.ctx.run(f"Add module {m.name.strip()}", add_module, m)
        else:
            self.saved = self.ctx.run(f"Edit module {m.name.strip()}", update_module, m)


class CompletionDialog(FormDialog):
    """Record that the selected people completed a module on a day."""

    def __init__(
        self, ctx: AppContext, people: list[TraineeRow], modules: list[Module], parent: QWidget | None = None
    ) -> None:
        super().__init__("Record training", "Record", parent)
        self.ctx = ctx
        self.people = people
        self.saved = 0
        names = ", ".join(p.name for p in people[:5]) + (f" and {len(people) - 5} more" if len(people) > 5 else "")
        self.module = QComboBox(self)
        for m in modules:
            self.module.addItem(m.name, m.id)
        self.day = date_edit(self, clock.today())
        who = QLabel(names, self)
        who.setWordWrap(True)
        self.form.addRow("Who", who)
        self.form.addRow("&Module", self.module)
        self.form.addRow("Completed &on", self.day)
        self.finish_form()

    def save(self) -> None:
        module_id = self.module.currentData()
        if module_id is None:
            raise ValidationError("Add a training module first.")
        label = f"Record {self.module.currentText()} for {plural(len(self.people), 'person', 'people')}"
        self.saved = self.ctx.run(
            label,
            record_completions,
            [p.participant_id for p in self.people],
            int(module_id),
            from_qdate(self.day.date()),
        )


class TrainingPage(QWidget):
    """The training catalogue and each mentor's progress through it."""

    status_message = Signal(str)

    @staticmethod
    def load(db: Database) -> TrainingRead:
        """The modules, how many completed each, and everyone's completions: the page's data."""
        return TrainingRead(list_modules(db), completion_counts(db), load_trainees(db))

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *, data: TrainingRead | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.modules_model = ModulesModel(self)
        self.modules_view = QTableView(self)
        widgets.fit_on_sample(self.modules_view)
        self.modules_view.setModel(self.modules_model)
        self.modules_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.modules_view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.modules_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.modules_view.verticalHeader().hide()
        self.modules_view.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.modules_view.doubleClicked.connect(lambda _: self.edit_module())
        self.modules_view.setAccessibleName("Training modules")

        act = page_parts.action
        self.add_action = act(self, "Add module…", self.add_module, icon="plus")
        self.edit_action = act(self, "Edit module…", self.edit_module, icon="pencil")
        self.delete_action = act(self, "Delete module", self.delete_module, icon="trash-2")
        self.defaults_action = act(self, "Add the standard modules", self.add_defaults, icon="list-checks")
        self.record_action = act(
            self, "Record completion…", self.record, "Record a module for the selected people", icon="check"
        )
        self.clear_action = act(
            self,
            "Remove completion",
            self.remove_completion,
            "Remove the completion in the selected module column",
            icon="x",
        )
        self.toolbar = page_parts.toolbar(
            self,
            (self.add_action, self.edit_action, self.delete_action, self.defaults_action),
            (self.record_action, self.clear_action),
        )

        self.people_model = TraineesModel(self)
        self.proxy = MentorFilter(self)
        self.proxy.setSortRole(SORT_ROLE)
        self.people_view, _ = widgets.sorted_table(
            self, self.people_model, "Mentors and their training", proxy=self.proxy
        )
        self.people_view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.people_view.doubleClicked.connect(lambda _: self.record())
        self.search = page_parts.search_box(self, "Search name or department…", "Search mentors")
        self.mentors_only = QCheckBox("Mentors only", self)
        self.mentors_only.setToolTip("List mentors only")
        self.mentors_only.setChecked(True)
        self.search.textChanged.connect(lambda _: self._filter())
        self.mentors_only.toggled.connect(lambda _: self._filter())
        self.summary = QLabel(self)
        for view in (self.modules_view, self.people_view):
            view.selectionModel().selectionChanged.connect(lambda *_: self._update_actions())

        filters = QHBoxLayout()
        filters.addWidget(self.search, 1)
        filters.addWidget(self.mentors_only)
        filters.addStretch(1)
        filters.addWidget(self.summary)

        top = QWidget(self)
        tl = QVBoxLayout(top)
        tl.setContentsMargins(0, 0, 0, 0)
        tl.addWidget(QLabel("<b>Training modules</b> — a mentor is <i>trained</i> once every required module is done."))
        tl.addWidget(self.modules_view, 1)
        self.people = page_parts.EmptyView(self.people_view, self)
        self.show_everyone = self.people.empty.add_button("Show everyone", lambda: self.mentors_only.setChecked(False))
        self.clear_search = self.people.empty.add_button("Clear the search", self.search.clear)
        bottom = QWidget(self)
        bl = QVBoxLayout(bottom)
        bl.setContentsMargins(0, 0, 0, 0)
        bl.addLayout(filters)
        bl.addWidget(self.people, 1)

        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(top)
        splitter.addWidget(bottom)
        splitter.setStretchFactor(1, 2)
        self.body = page_parts.EmptyView(splitter, self)
        self.empty_defaults = self.body.empty.add_button("Add the standard modules", self.add_defaults)
        self.empty_add = self.body.empty.add_button("Add a module…", self.add_module)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 8)
        layout.setSpacing(6)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.body, 1)
        ctx.changed.connect(when_shown(self, self._on_changed))
        self.reload(data)

    def _on_changed(self, changes: Any) -> None:
        if changes.touches("training_modules", "training_completions", "participants", "pairings", "pairing_members"):
            self.reload()

    def reload(self, data: TrainingRead | None = None) -> None:
        """Read the page's data again (or show what was read already)."""
        modules, counts, rows = data or self.load(self.ctx.db)
        self.modules_model.load(modules, counts)
        self.modules_view.resizeColumnsToContents()
        self.people_model.load(rows, modules)
        self.people_view.resizeColumnsToContents()
        writable = not self.ctx.readonly
        # Offered to start a catalogue; an organisation with its own modules keeps them.
        self.defaults_action.setVisible(writable and not modules)
        mentors = [r for r in rows if r.is_mentor]
        with_mentees = [r for r in mentors if r.mentees]
        untrained = sum(not r.trained for r in with_mentees)
        self.summary.setText(
            f"{sum(r.trained for r in mentors)} of {plural(len(mentors), 'mentor')} trained"
            + (f" · {untrained} mentoring without completed training" if untrained else "")
        )
        if modules:
            self.body.show_content()
        else:
            self.body.show_empty(
                "No training modules yet",
                "A mentor is trained once they have completed every required module. Start with the standard "
                "modules (mentoring foundations, listening and questions, feedback) or add your own.",
            )
        self.empty_defaults.setVisible(writable)
        self.empty_add.setVisible(writable)
        self._filter()

    def _update_actions(self) -> None:
        writable = not self.ctx.readonly
        module = self.selected_module() is not None
        people = bool(self.people_view.selectionModel().selectedRows())
        self.add_action.setEnabled(writable)
        self.edit_action.setEnabled(writable and module)
        self.delete_action.setEnabled(writable and module)
        self.record_action.setEnabled(writable and people and bool(self.modules_model.modules))
        self.clear_action.setEnabled(writable and people)

    def _filter(self) -> None:
        self.proxy.set_filter(self.search.text(), self.mentors_only.isChecked())
        shown, total = self.proxy.rowCount(), self.people_model.rowCount()
        if shown:
            self.people.show_content()
        elif not total:
            self.people.show_empty(
                "No active participants yet", "Add participants on the Participants page to follow their training."
            )
        elif self.search.text().strip():
            self.people.show_empty(f"No one matches “{self.search.text().strip()}”", "Try fewer letters.")
        else:
            self.people.show_empty(
                "No mentors yet",
                "Mentors are people with the role mentor (or mentor & mentee), and anyone mentoring in a pairing.",
            )
        searching = bool(self.search.text().strip())
        self.show_everyone.setVisible(total > 0 and self.mentors_only.isChecked() and not searching)
        self.clear_search.setVisible(searching)
        self._update_actions()

    def selected_module(self) -> Module | None:
        rows = self.modules_view.selectionModel().selectedRows()
        return self.modules_model.modules[rows[0].row()] if rows else None

    def selected_people(self) -> list[TraineeRow]:
        return [
            self.people_model.rows[self.proxy.mapToSource(i).row()]
            for i in self.people_view.selectionModel().selectedRows()
        ]

    def add_module(self) -> None:
        dialog = ModuleDialog(self.ctx, None, self)
        if widgets.exec_dialog(dialog) and dialog.saved is not None:
            self.status_message.emit(f"Added {dialog.saved.name}")

    def edit_module(self) -> None:
        m = self.selected_module()
        if m is None or self.ctx.readonly:
            return
        dialog = ModuleDialog(self.ctx, m, self)
        if widgets.exec_dialog(dialog) and dialog.saved is not None:
            self.status_message.emit(f"Saved {dialog.saved.name}")

    def delete_module(self) -> None:
        m = self.selected_module()
        if m is None or m.id is None:
            return
        n = self.modules_model.counts.get(m.id, 0)
        text = f"Delete the module “{m.name}”" + (f" and its {plural(n, 'completion')}?" if n else "?")
        if widgets.confirm(self, "Delete module", text, "Delete"):
            widgets.run_write(self.ctx, self, f"Delete module {m.name}", delete_module, m.id)

    def add_defaults(self) -> None:
        added = widgets.run_write(self.ctx, self, "Add standard training modules", add_default_modules)
        if added:
            self.status_message.emit(f"Added {plural(len(added), 'module')}")

    def record(self) -> None:
        people = self.selected_people()
        if not people or self.ctx.readonly:
            return
        if not self.modules_model.modules:
            widgets.inform(self, "Record training", "Add training modules first.")
            return
        dialog = CompletionDialog(self.ctx, people, self.modules_model.modules, self)
        column = self.people_view.currentIndex().column() - len(TraineesModel.FIXED)
        if 0 <= column < len(self.modules_model.modules):
            dialog.module.setCurrentIndex(column)
        if widgets.exec_dialog(dialog) and dialog.saved:
            self.status_message.emit(f"Recorded training for {plural(dialog.saved, 'person', 'people')}")

    def remove_completion(self) -> None:
        people = self.selected_people()
        column = self.people_view.currentIndex().column() - len(TraineesModel.FIXED)
        if len(people) != 1 or not 0 <= column < len(self.modules_model.modules):
            widgets.inform(self, "Remove completion", "Select the module cell of one person first.")
            return
        m = self.modules_model.modules[column]
        widgets.run_write(
            self.ctx, self, f"Remove {m.name} for {people[0].name}", remove_completion, people[0].participant_id, m.id
        )
