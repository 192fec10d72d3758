"""Managing pairings outside a round: never-pair exclusions and the active pairings (end, lock)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QItemSelectionModel, QSortFilterProxyModel, Qt
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from peerdesk import clock
from peerdesk.store import pairings as store
from peerdesk.store.errors import StoreError
from peerdesk.store.plans import plan_progress
from peerdesk.store.settings import load_settings
from peerdesk.store.workspace import Changes
from peerdesk.ui.common import icons, widgets
from peerdesk.ui.common.context import AppContext
from peerdesk.ui.common.refresh import when_shown
from peerdesk.ui.pairings.models import (
    ActivePairingsModel,
    ExclusionsModel,
    SelfSortingFilter,
    members_text,
)
from peerdesk.ui.sessions.people import PersonCombo

EXCLUSION_TABLES = ("pairing_exclusions", "participants")
ACTIVE_TABLES = ("pairings", "pairing_members", "participants", "programs", "sessions", "settings")


def _view(
    model: Any, parent: QWidget, name: str, stretch: int, proxy: QSortFilterProxyModel | None = None
) -> tuple[QTableView, QSortFilterProxyModel]:
    """A sortable, filterable read-only table whose column `stretch` takes the spare width."""
    view, proxy = widgets.sorted_table(parent, model, name, stretch=stretch, proxy=proxy)
    view.setAlternatingRowColors(True)
    view.horizontalHeader().setStretchLastSection(False)
    view.setWordWrap(False)
    return view, proxy


def _selected(view: QTableView, proxy: QSortFilterProxyModel) -> list[int]:
    rows = {proxy.mapToSource(i).row() for i in view.selectionModel().selectedRows()}
    return sorted(r for r in rows if r >= 0)


def _search(placeholder: str, apply: Callable[[str], None], parent: QWidget) -> QLineEdit:
    edit = QLineEdit(parent)
    edit.setPlaceholderText(placeholder)
    edit.setClearButtonEnabled(True)
    edit.setAccessibleName("Filter")
    edit.textChanged.connect(apply)
    return edit


# -- never-pair exclusions ---------------------------------------------------------------


class ExclusionDialog(QDialog):
    """Choose two people who must never be paired, and say why; writes the exclusion (undoable)."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("Never pair")
        self.first = PersonCombo(ctx.db, self)
        self.first.setAccessibleName("First person")
        self.second = PersonCombo(ctx.db, self)
        self.second.setAccessibleName("Second person")
        for combo in (self.first, self.second):
            combo.setMinimumContentsLength(32)
        self.reason_edit = QLineEdit(self)
        self.reason_edit.setAccessibleName("Reason")
        self.reason_edit.setPlaceholderText("e.g. reporting line, conflict, relatives")
        self.message = widgets.InlineMessage(self)
        form = QFormLayout()
        form.addRow("Never pair:", self.first)
        form.addRow("with:", self.second)
        form.addRow("Reason:", self.reason_edit)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.ok_button = self.buttons.addButton("Add exclusion", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("These two people will never be proposed together, in any format or program.", self))
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

    def problem(self) -> str | None:
        """Why the exclusion cannot be added as typed, or None."""
        a, b = self.first.chosen(), self.second.chosen()
        for combo, person, which in ((self.first, a, "first"), (self.second, b, "second")):
            if person is None:
                return self._unchosen(combo, which)
        if a[0] == b[0]:
            return "Choose two different people."
        if tuple(sorted((a[0], b[0]))) in store.exclusions(self.ctx.db):
            return f"{a[1]} and {b[1]} are already never paired."
        return None

    @staticmethod
    def _unchosen(combo: PersonCombo, which: str) -> str:
        text = combo.currentText().strip()
        if not text:
            return f"Choose the {which} person: type part of a name or e-mail and pick one."
        matches = sum(text.casefold() in combo.itemText(i).casefold() for i in range(combo.count()))
        if matches:
            return f"“{text}” matches {matches} people: pick the {which} person from the list."
        return f"Nobody matches “{text}”: type part of the {which} person's name or e-mail."

    def accept(self) -> None:
        problem = self.problem()
        if problem is not None:
            self.message.show_error(problem)
            return
        a, b = self.first.chosen(), self.second.chosen()
        assert a is not None and b is not None
        try:
            self.ctx.run(f"Never pair {a[1]} with {b[1]}", store.add_exclusion, a[0], b[0], self.reason_edit.text())
        except StoreError as exc:
            self.message.show_error(str(exc))
            return
        super().accept()


class ExclusionsTab(QWidget):
    """The never-pair list, with Add… and Remove."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.model = ExclusionsModel(self)
        self.view, self.proxy = _view(self.model, self, "Never-pair exclusions", stretch=2)
        self.view.sortByColumn(3, Qt.SortOrder.DescendingOrder)
        for c, width in ((0, 200), (1, 200), (3, 95)):
            self.view.setColumnWidth(c, width)
        self.add_button = QPushButton(icons.icon("user-plus"), "Add…", self)
        self.add_button.setToolTip("Add someone to this pairing")
        self.remove_button = QPushButton(icons.icon("user-round-x"), "Remove", self)
        self.remove_button.setToolTip("Take the selected person out of this pairing")
        self.filter_edit = _search("Filter by name or reason", self.proxy.setFilterFixedString, self)
        top = QHBoxLayout()
        top.addWidget(self.filter_edit, 1)
        top.addWidget(self.add_button)
        top.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.view)
        self.add_button.clicked.connect(self.add)
        self.remove_button.clicked.connect(self.remove)
        self.view.selectionModel().selectionChanged.connect(self._update_buttons)
        ctx.changed.connect(when_shown(self, self._on_changed))
        self.refresh()

    def refresh(self) -> None:
        self.model.set_rows(store.list_exclusions(self.ctx.db))
        self._update_buttons()

    def _update_buttons(self) -> None:
        writable = not self.ctx.readonly
        self.add_button.setEnabled(writable)
        self.remove_button.setEnabled(writable and bool(_selected(self.view, self.proxy)))

    def _on_changed(self, changes: Changes) -> None:
        if changes.touches(*EXCLUSION_TABLES):
            self.refresh()

    def add(self) -> None:
        widgets.exec_dialog(ExclusionDialog(self.ctx, self))

    def remove(self) -> None:
        rows = [self.model.rows[r] for r in _selected(self.view, self.proxy)]
        if not rows:
            return
        label = (
            f"Allow pairing {rows[0].a.name} with {rows[0].b.name}"
            if len(rows) == 1
            else f"Remove {len(rows)} never-pair exclusions"
        )
        widgets.run_write(
            self.ctx, self, label, store.remove_exclusions, [(e.a.participant_id, e.b.participant_id) for e in rows]
        )


# -- active pairings -----------------------------------------------------------------------


class ActivePairingsTab(QWidget):
    """The pairings that meet now, with End pairing… and Lock / Unlock.

    Loaded when first shown, and reloaded after a write only while it is shown (otherwise when
    it is shown next): a few thousand pairings take a moment to read.
    """

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.model = ActivePairingsModel(self)
        self.filter = SelfSortingFilter(self)
        self.view, self.proxy = _view(self.model, self, "Active pairings", stretch=2, proxy=self.filter)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.sortByColumn(3, Qt.SortOrder.DescendingOrder)
        for c, width in ((0, 120), (1, 170), (3, 95), (4, 105), (5, 60)):
            self.view.setColumnWidth(c, width)
        self.filter_edit = _search("Filter by name, e-mail, program or format", self.filter.set_text, self)
        self.count_label = QLabel(self)
        self.lock_button = QPushButton(icons.icon("lock"), "Lock", self)
        self.lock_button.setToolTip("Locked pairings carry on unchanged through future rounds")
        self.end_button = QPushButton(icons.icon("flag-triangle-right"), "End pairing…", self)
        self.end_button.setToolTip("The pairing stops (it stays in the history of who met whom)")
        top = QHBoxLayout()
        top.addWidget(self.filter_edit, 1)
        top.addWidget(self.count_label)
        top.addWidget(self.lock_button)
        top.addWidget(self.end_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.view)
        self.lock_button.clicked.connect(self.toggle_lock)
        self.end_button.clicked.connect(self.end)
        self.view.selectionModel().selectionChanged.connect(self._update_buttons)
        self.proxy.rowsInserted.connect(self._update_count)
        self.proxy.rowsRemoved.connect(self._update_count)
        self.proxy.modelReset.connect(self._update_count)
        self.proxy.layoutChanged.connect(self._update_count)  # a new filter text
        ctx.changed.connect(when_shown(self, self._on_changed))
        self._stale = True
        self._update_buttons()

    def showEvent(self, event: QShowEvent) -> None:
        if self._stale:
            self.refresh()
        super().showEvent(event)

    def refresh(self) -> None:
        """Reload the active pairings, keeping the selected ones selected."""
        self._stale = False
        keep = {p.id for p in self.selected()}
        db = self.ctx.db
        pairings = store.active_pairings(db)
        ids = [p.id for p in pairings]
        self.model.set_rows(pairings, store.last_meetings(db, ids), load_settings(db).timezone, plan_progress(db, ids))
        selection = self.view.selectionModel()
        for row, p in enumerate(self.model.rows):
            if p.id in keep:
                index = self.proxy.mapFromSource(self.model.index(row, 0))
                if index.isValid():
                    selection.select(
                        index, QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
                    )
        self._update_buttons()
        self._update_count()

    def selected(self) -> list[store.Pairing]:
        return [self.model.rows[r] for r in _selected(self.view, self.proxy)]

    def _update_count(self) -> None:
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        self.count_label.setText(f"{total} active" if shown == total else f"{shown} of {total} shown")

    def _update_buttons(self) -> None:
        chosen = self.selected()
        writable = not self.ctx.readonly and bool(chosen)
        self.end_button.setEnabled(writable)
        self.lock_button.setEnabled(writable)
        unlock = bool(chosen) and all(p.locked for p in chosen)
        self.lock_button.setText("Unlock" if unlock else "Lock")
        self.lock_button.setIcon(icons.icon("lock-open" if unlock else "lock"))

    def _on_changed(self, changes: Changes) -> None:
        if changes.touches(*ACTIVE_TABLES):
            if self.isVisible():
                self.refresh()
            else:
                self._stale = True

    def toggle_lock(self) -> None:
        chosen = self.selected()
        if not chosen:
            return
        lock = not all(p.locked for p in chosen)
        what = members_text(chosen[0]) if len(chosen) == 1 else f"{len(chosen)} pairings"
        widgets.run_write(
            self.ctx, self, f"{'Lock' if lock else 'Unlock'} {what}", store.lock_pairings, [p.id for p in chosen], lock
        )

    def end(self) -> None:
        chosen = self.selected()
        if not chosen:
            return
        today = clock.today().isoformat()
        if len(chosen) == 1:
            what = members_text(chosen[0])
            question = f"End the pairing of {what} today ({today})? It stays in the history of who met whom."
        else:
            what = f"{len(chosen)} pairings"
            question = f"End these {what} today ({today})? They stay in the history of who met whom."
        if not widgets.confirm(self, "End pairing", question, "End pairing"):
            return
        widgets.run_write(self.ctx, self, f"End {what}", store.end_pairings, [p.id for p in chosen])
