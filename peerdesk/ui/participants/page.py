"""The Participants page: browse, filter, add, edit, archive and delete the people of the program."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QItemSelectionModel, QPoint, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from peerdesk.store import participants as store
from peerdesk.store.db import Database
from peerdesk.store.records import ROLES, STATUSES, Participant
from peerdesk.store.training import trained_ids
from peerdesk.store.workspace import Changes
from peerdesk.ui.common import icons, page_parts, widgets
from peerdesk.ui.common.context import AppContext
from peerdesk.ui.common.refresh import when_shown
from peerdesk.ui.participants.dialog import ParticipantDialog
from peerdesk.ui.participants.model import (
    COLUMNS,
    ROLE_LABELS,
    STATUS_LABELS,
    ParticipantsFilter,
    ParticipantsModel,
    Prepared,
)

WATCHED = ("participants", "participant_skills", "availability", "skills")
TRAINING = ("training_completions", "training_modules")
# Above this many participants changed (an import, a bulk archive), one reload is cheaper.
INCREMENTAL_MOST = 200
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")  # SQLite's NOCASE
_WIDTHS = {
    "Name": 190,
    "E-mail": 250,
    "Department": 150,
    "Title": 160,
    "Role": 120,
    "Status": 80,
    "Trained": 70,
    "Time zone": 150,
    "Teaches": 200,
    "Learns": 200,
    "Capacity": 70,
}


@dataclass(frozen=True)
class FirstRead:
    """What the page shows first, read on a worker when the window opens it (MainWindow)."""

    participants: list[Participant]
    trained: frozenset[int]
    departments: list[str]
    prepared: Prepared


def _names(people: list[Participant], most: int = 5) -> str:
    shown = ", ".join(p.name for p in people[:most])
    rest = len(people) - most
    return f"{shown} and {rest} more" if rest > 0 else shown


class ParticipantsPage(QWidget):
    """Everyone in the program, in a sortable table that filters as the user types."""

    status_message = Signal(str)

    @staticmethod
    def load(db: Database) -> FirstRead:
        """Everyone, who is trained, the departments and each row's text: the page's first data."""
        people = store.list_participants(db)
        trained = frozenset(trained_ids(db))
        return FirstRead(people, trained, store.departments(db), ParticipantsModel.prepare(people, trained))

    def __init__(self, ctx: AppContext, parent: QWidget | None = None, *, data: FirstRead | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._departments: list[str] | None = None  # what the department filter lists
        self.model = ParticipantsModel(self)
        self.proxy = ParticipantsFilter(self)
        self.proxy.setSourceModel(self.model)

        self._build_actions()
        self._build_filters()
        self._build_table()
        self._build_empty_state()

        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.table)
        self.stack.addWidget(self.empty)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 8)
        layout.setSpacing(6)
        layout.addWidget(self.toolbar)
        layout.addLayout(self.filter_row)
        layout.addWidget(self.stack, 1)

        self.proxy.filter_changed.connect(self._update_counts)
        self.proxy.layoutChanged.connect(self._update_actions)
        ctx.changed.connect(when_shown(self, self._on_changed))
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)  # while empty: the rows are sorted once, as set
        self.reload(data)

    # --- building ----------------------------------------------------------------------

    def _action(self, text: str, icon: str, slot: Any, shortcut: Any = None, table_only: bool = False) -> QAction:
        """An action; its shortcut works in the page, or only in the table (Return, Delete)."""
        action = QAction(icons.icon(icon), text, self)
        action.triggered.connect(slot)
        if shortcut is not None:
            action.setShortcut(shortcut)
            if table_only:
                action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
                self._table_actions.append(action)
            else:
                action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
                self.addAction(action)
        return action

    def _build_actions(self) -> None:
        self._table_actions: list[QAction] = []
        self.add_action = self._action("Add…", "user-plus", self.add_participant, QKeySequence.StandardKey.New)
        self.add_action.setToolTip("Add a participant (Ctrl+N)")
        self.edit_action = self._action("Edit…", "pencil", self.edit_selected, Qt.Key.Key_Return, table_only=True)
        self.archive_action = self._action("Archive", "archive", self.toggle_archive)
        self.delete_action = self._action(
            "Delete…", "trash-2", self.delete_selected, QKeySequence.StandardKey.Delete, table_only=True
        )
        self.import_action = self._action("Import…", "file-input", self.import_csv)
        self.import_action.setToolTip("Import participants from a CSV file")
        self.export_action = self._action("Export…", "file-output", self.export_csv)
        self.export_action.setToolTip("Export participants to a CSV file")
        self.invites_action = self._action("Export invites…", "calendar-plus", self.export_invites)
        self.invites_action.setToolTip("Calendar invitations (.ics) with the selected participants' sessions")
        self.toolbar = page_parts.toolbar(
            self,
            (self.add_action, self.edit_action, self.archive_action, self.delete_action),
            (self.import_action, self.export_action, self.invites_action),
        )

    def _build_filters(self) -> None:
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Search name, e-mail, department or skill…")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Search participants")
        page_parts.fits_hint(self.search)
        self.search.textChanged.connect(self.proxy.set_query)
        find = QShortcut(QKeySequence.StandardKey.Find, self, context=Qt.ShortcutContext.WidgetWithChildrenShortcut)
        find.activated.connect(self.focus_search)

        self.department_filter = QComboBox(self)
        self.department_filter.setToolTip("Show one department only")
        self.department_filter.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.department_filter.currentIndexChanged.connect(
            lambda _: self.proxy.set_department(self.department_filter.currentData())
        )
        self.role_filter = QComboBox(self)
        self.role_filter.setToolTip("Show one role only")
        self.role_filter.addItem("All roles", None)
        for role in ROLES:
            self.role_filter.addItem(ROLE_LABELS[role], role)
        self.role_filter.currentIndexChanged.connect(lambda _: self.proxy.set_role(self.role_filter.currentData()))
        self.status_filter = QComboBox(self)
        self.status_filter.setToolTip("Show active, paused or alumni")
        self.status_filter.addItem("All statuses", None)
        for status in STATUSES:
            self.status_filter.addItem(STATUS_LABELS[status], status)
        self.status_filter.currentIndexChanged.connect(
            lambda _: self.proxy.set_status(self.status_filter.currentData())
        )
        self.department_filter.setAccessibleName("Department filter")
        self.role_filter.setAccessibleName("Role filter")
        self.status_filter.setAccessibleName("Status filter")
        self.archived_check = QCheckBox("Show archived", self)
        self.archived_check.setToolTip("Also list archived participants")
        self.archived_check.toggled.connect(self.proxy.set_show_archived)
        self.count_label = QLabel(self)
        self.count_label.setObjectName("countLabel")

        row = QHBoxLayout()
        row.setSpacing(8)
        row.addWidget(self.search, 2)
        row.addWidget(self.department_filter)
        row.addWidget(self.role_filter)
        row.addWidget(self.status_filter)
        row.addWidget(self.archived_check)
        row.addStretch(1)
        row.addWidget(self.count_label)
        self.filter_row = row

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()

    def _build_table(self) -> None:
        table = widgets.list_table(self, self.proxy, self._context_menu, self.edit_selected)
        table.setSortingEnabled(True)
        table.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionsMovable(True)
        for col, title in enumerate(COLUMNS):
            table.setColumnWidth(col, _WIDTHS.get(title, 120))
        table.selectionModel().selectionChanged.connect(self._update_actions)
        table.addActions(self._table_actions)
        table.setAccessibleName("Participants")
        self.table = table

    def _build_empty_state(self) -> None:
        self.empty = page_parts.EmptyState(self)
        self.empty_label = self.empty.label
        self.empty_add = self.empty.add_button("Add a participant…", self.add_participant)
        self.empty_import = self.empty.add_button("Import a CSV file…", self.import_csv)
        self.empty_clear = self.empty.add_button("Clear the filters", self.clear_filters)

    # --- data --------------------------------------------------------------------------

    def reload(self, data: FirstRead | None = None) -> None:
        """Read everyone again (or show what was read already), keeping the selection and the department filter."""
        keep = self.selected_ids()
        current = self._current_id()
        if data is None:
            self.model.set_rows(store.list_participants(self.ctx.db), trained_ids(self.ctx.db))
            self._fill_departments()
        else:
            self.model.set_rows(data.participants, data.trained, data.prepared)
            self._fill_departments(data.departments)
        self.select_ids(keep, current)
        self._update_counts()

    def refresh(self, ids: set[int]) -> None:
        """Read again only these participants (changed, added or deleted) and update their rows,
        and those of anyone who gained or lost the trained mark."""
        trained = trained_ids(self.ctx.db)
        ids = ids | self.model.trained_flips(trained)
        if not ids:
            self.model.trained = frozenset(trained)
            return
        fresh = store.participants_by_ids(self.ctx.db, ids)
        present = {int(p.id or 0) for p in fresh}
        self.model.update_rows(fresh, ids - present, trained)
        names = sorted(
            {p.department for p in self.model.participants() if p.department},
            key=lambda d: (d.translate(_ASCII_LOWER), d),
        )
        self._fill_departments(names)
        self._update_counts()
        current = self.table.currentIndex()
        if current.isValid() and self._current_id() in ids:
            self.table.scrollTo(current)  # the row being worked on may have moved: follow it

    def _fill_departments(self, names: list[str] | None = None) -> None:
        """Fill the department filter (from the store unless given), keeping the choice."""
        if names is None:
            names = store.departments(self.ctx.db)
        if names == self._departments:
            return
        self._departments = names
        chosen = self.department_filter.currentData()
        self.department_filter.blockSignals(True)
        self.department_filter.clear()
        self.department_filter.addItem("All departments", None)
        for name in names:
            self.department_filter.addItem(name, name)
        index = self.department_filter.findData(chosen) if chosen else 0
        self.department_filter.setCurrentIndex(max(0, index))
        self.department_filter.blockSignals(False)
        if chosen and index < 0:
            self.proxy.set_department(None)

    def _on_changed(self, changes: Changes) -> None:
        if not changes.touches(*WATCHED):
            if changes.touches(*TRAINING):  # who is trained may have changed, nothing else
                self.refresh(set())
            return
        ids = store.participants_concerned(self.ctx.db, changes, INCREMENTAL_MOST)
        if ids is None:
            self.reload()
        else:
            self.refresh(ids)

    # --- selection ---------------------------------------------------------------------

    def selected(self) -> list[Participant]:
        rows = sorted({self.proxy.mapToSource(i).row() for i in self.table.selectionModel().selectedRows()})
        return [self.model.participant(r) for r in rows]

    def selected_ids(self) -> list[int]:
        return [int(p.id or 0) for p in self.selected()]

    def _current_id(self) -> int | None:
        index = self.table.currentIndex()
        if not index.isValid():
            return None
        return self.model.ids[self.proxy.mapToSource(index).row()]

    def select_ids(self, ids: list[int], current: int | None = None) -> None:
        selection = self.table.selectionModel()
        selection.clearSelection()
        flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
        first = None
        for pid in ids:
            row = self.model.row_of(pid)
            if row is None:
                continue
            index = self.proxy.mapFromSource(self.model.index(row, 0))
            if index.isValid():
                selection.select(index, flags)
                first = first or index
        cur_row = self.model.row_of(current) if current is not None else None
        cur = self.proxy.mapFromSource(self.model.index(cur_row, 0)) if cur_row is not None else first
        if cur is not None and cur.isValid():
            selection.setCurrentIndex(cur, QItemSelectionModel.SelectionFlag.NoUpdate)
            self.table.scrollTo(cur)
        self._update_actions()

    # --- state -------------------------------------------------------------------------

    def _update_counts(self) -> None:
        total = self.model.rowCount()
        shown = self.proxy.rowCount()
        archived = self.model.archived_count
        hidden_archived = 0 if self.proxy.show_archived else archived
        if total == 0:
            self.count_label.setText("")
        elif not self.proxy.is_filtering():
            text = f"{shown} participant{'s' if shown != 1 else ''}"
            self.count_label.setText(f"{text} · {hidden_archived} archived hidden" if hidden_archived else text)
        else:
            self.count_label.setText(f"{shown} of {total - hidden_archived} shown")
        if total == 0:
            self.empty.set_message(
                "No participants yet",
                "Add people one by one, or import the CSV file your HR tool or spreadsheet exports.",
            )
        elif shown == 0:
            what = f"“{self.proxy.query.strip()}”" if self.proxy.query.strip() else "these filters"
            hidden = (
                " (some people are archived: tick Show archived)" if archived and not self.proxy.show_archived else ""
            )
            self.empty.set_message(f"No one matches {what}", f"Try fewer letters or another filter{hidden}.")
        self.empty_add.setVisible(total == 0 and not self.ctx.readonly)
        self.empty_import.setVisible(total == 0 and not self.ctx.readonly)
        self.empty_clear.setVisible(total > 0)
        self.stack.setCurrentWidget(self.empty if shown == 0 else self.table)
        self._update_actions()

    def _update_actions(self) -> None:
        people = self.selected()
        writable = not self.ctx.readonly
        self.add_action.setEnabled(writable)
        self.import_action.setEnabled(writable)
        self.edit_action.setEnabled(writable and len(people) == 1)
        self.delete_action.setEnabled(writable and bool(people))
        self.archive_action.setEnabled(writable and bool(people))
        unarchive = bool(people) and all(p.archived for p in people)
        self.archive_action.setText("Unarchive" if unarchive else "Archive")
        self.archive_action.setIcon(icons.icon("archive-restore" if unarchive else "archive"))
        self.archive_action.setToolTip(
            "Bring back the selected participants"
            if unarchive
            else "Archive: hide from lists and matching, keep history"
        )

    def clear_filters(self) -> None:
        self.search.clear()
        self.department_filter.setCurrentIndex(0)
        self.role_filter.setCurrentIndex(0)
        self.status_filter.setCurrentIndex(0)

    def _context_menu(self, pos: QPoint) -> None:
        index = self.table.indexAt(pos)
        if index.isValid() and not self.table.selectionModel().isRowSelected(index.row(), index.parent()):
            self.table.selectRow(index.row())
        menu = QMenu(self)
        for action in (self.add_action, self.edit_action, self.archive_action, self.delete_action):
            menu.addAction(action)
        menu.addSeparator()
        menu.addAction(self.import_action)
        menu.addAction(self.export_action)
        menu.addAction(self.invites_action)
        menu.addSeparator()
        one = len(self.selected_ids()) == 1
        menu.addAction("Export participant data…", self.export_data_selected).setEnabled(one)
        menu.addAction("Erase participant…", self.erase_selected).setEnabled(one and not self.ctx.readonly)
        menu.popup(self.table.viewport().mapToGlobal(pos))

    # --- commands ----------------------------------------------------------------------

    def _say(self, text: str) -> None:
        self.status_message.emit(text)

    def export_data_selected(self) -> None:
        """Everything held about the selected person, to a JSON file (peerdesk/ui/participants/privacy_actions.py)."""
        from peerdesk.ui.participants.privacy_actions import export_participant_data_dialog

        if len(ids := self.selected_ids()) == 1 and export_participant_data_dialog(self.ctx, ids[0], self):
            self._say("Exported participant data")

    def erase_selected(self) -> None:
        """Erase the selected person and everything that names them, after confirmation."""
        from peerdesk.ui.participants.privacy_actions import erase_participant_dialog

        if len(ids := self.selected_ids()) == 1 and (done := erase_participant_dialog(self.ctx, ids[0], self)):
            self._say(f"Erased {done.name}")

    def add_participant(self) -> None:
        dialog = ParticipantDialog(self.ctx, None, self, people=self.model.participants())
        if widgets.exec_dialog(dialog) and dialog.saved is not None:
            p = dialog.saved
            if p.id is not None and self.model.row_of(p.id) is not None:
                self.select_ids([p.id], p.id)
            if not self.selected_ids():
                self._say(f"Added {p.name} (hidden by the current filter)")
            else:
                self._say(f"Added {p.name}")

    def edit_selected(self) -> None:
        people = self.selected()
        if len(people) != 1 or self.ctx.readonly:
            return
        dialog = ParticipantDialog(self.ctx, people[0], self, people=self.model.participants())
        if widgets.exec_dialog(dialog) and dialog.saved is not None:
            self._say(f"Saved {dialog.saved.name}")

    def toggle_archive(self) -> None:
        people = self.selected()
        if not people:
            return
        archive = not all(p.archived for p in people)
        verb = "Archive" if archive else "Unarchive"
        label = f"{verb} {people[0].name}" if len(people) == 1 else f"{verb} {len(people)} participants"
        n = widgets.run_write(self.ctx, self, label, store.set_archived, [p.id for p in people], archive)
        if n is not None:
            self._say(f"{'Archived' if archive else 'Brought back'} {_names(people)}")

    def delete_selected(self) -> None:
        people = self.selected()
        if not people or self.ctx.readonly:
            return
        who = people[0].name if len(people) == 1 else f"{len(people)} participants ({_names(people)})"
        text = (
            f"Delete {who}?\n\nTheir skills, availability, pairings and attendance are removed with them. "
            "Archive instead to keep their history. You can undo this with Edit > Undo."
        )
        if not widgets.confirm(self, "Delete participants", text, "Delete"):
            return
        label = f"Delete {people[0].name}" if len(people) == 1 else f"Delete {len(people)} participants"
        n = widgets.run_write(self.ctx, self, label, store.delete_participants, [p.id for p in people])
        if n is not None:
            self._say(f"Deleted {_names(people)}")

    def import_csv(self) -> None:
        from peerdesk.ui.participants.import_dialog import import_participants

        import_participants(self.ctx, self)

    def export_csv(self) -> None:
        from peerdesk.ui.participants.import_dialog import export_participants_to_file

        export_participants_to_file(self.ctx, self)

    def export_invites(self) -> None:
        """Calendar invitations with the selected participants' schedules (or a wider choice)."""
        from peerdesk.ui.sessions.invites_dialog import show_invites_dialog

        show_invites_dialog(self.ctx, self, participant_ids=self.selected_ids())
