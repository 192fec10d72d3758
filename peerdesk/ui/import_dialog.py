"""Importing participants from CSV with a preview before anything is written; exporting them."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from peerdesk import importing
from peerdesk.jobs import Cancelled
from peerdesk.store.errors import StoreError
from peerdesk.store.records import Participant
from peerdesk.ui import widgets
from peerdesk.ui.context import AppContext
from peerdesk.ui.jobs import run_modal
from peerdesk.wording import plural as _plural

_DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab", "|": "bar"}
_FIELD_LABELS = {
    "name": "name",
    "email": "e-mail",
    "department": "department",
    "title": "title",
    "location": "location",
    "timezone": "time zone",
    "hire_date": "hire date",
    "role": "role",
    "capacity": "capacity",
    "manager_email": "manager",
    "teaches": "teaches",
    "learns": "learns",
    "availability": "availability",
    "status": "status",
    "notes": "notes",
}


def describe_changes(old: Participant, new: Participant) -> str:
    """'department: Sales → Marketing; capacity: 1 → 2' — what an update changes."""
    before, after = importing.participant_row(old), importing.participant_row(new)
    parts = []
    for key, label in _FIELD_LABELS.items():
        if before.get(key, "") != after.get(key, ""):
            parts.append(f"{label}: {before.get(key) or '(empty)'} → {after.get(key) or '(empty)'}")
    return "; ".join(parts)


class ImportDialog(QDialog):
    """Shows what an import would add, update and reject; Import writes it in one undoable step."""

    def __init__(self, ctx: AppContext, plan: importing.ImportPlan, path: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.plan = plan
        self.path = Path(path)
        self.imported: int | None = None
        self.setWindowTitle(f"Import participants from {self.path.name}")
        self.resize(820, 520)

        self.summary = QLabel(self._summary_text(), self)
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)

        self.tabs = QTabWidget(self)
        self.added_model = widgets.RowsModel(
            ("Name", "E-mail", "Department", "Role"),
            [(p.name, p.email, p.department, p.role) for p in plan.added],
            self,
        )
        self.updated_model = widgets.RowsModel(
            ("Name", "E-mail", "Changes"),
            [(new.name, new.email, describe_changes(old, new)) for old, new in plan.updated],
            self,
        )
        self.errors_model = widgets.RowsModel(
            ("Line", "Reason"), [(str(e.line), e.reason) for e in sorted(plan.errors, key=lambda e: e.line)], self
        )
        self.added_tab = widgets.preview_table(self, self.added_model)
        self.updated_tab = widgets.preview_table(self, self.updated_model)
        self.errors_tab = widgets.preview_table(self, self.errors_model)
        self.tabs.addTab(self.added_tab, f"To add ({len(plan.added)})")
        self.tabs.addTab(self.updated_tab, f"To update ({len(plan.updated)})")
        self.tabs.addTab(self.errors_tab, f"Bad rows ({len(plan.errors)})")
        if plan.errors:
            self.tabs.setCurrentWidget(self.errors_tab)
        elif not plan.added and plan.updated:
            self.tabs.setCurrentWidget(self.updated_tab)

        self.good_rows_check = QCheckBox(f"Import the {_plural(plan.changes, 'good row')} anyway", self)
        self.good_rows_check.setToolTip("The bad rows are left out; fix them in the file and import it again later.")
        self.good_rows_check.setVisible(bool(plan.errors) and plan.changes > 0)
        self.good_rows_check.toggled.connect(self._update_button)

        self.message = widgets.InlineMessage(self)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.import_button = self.buttons.addButton("Import", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.good_rows_check)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self._update_button()

    def _summary_text(self) -> str:
        plan = self.plan
        how = f"{importing.encoding_name(plan.encoding)}, {_DELIMITERS.get(plan.delimiter, repr(plan.delimiter))}-separated"
        counts = [
            f"<b>{_plural(len(plan.added), 'person', 'people')}</b> to add",
            f"<b>{len(plan.updated)}</b> to update",
            f"{plan.unchanged} unchanged",
        ]
        text = f"Read <b>{self.path.name}</b> ({how}): {', '.join(counts)}"
        if plan.errors:
            text += f", <b style='color:#8a1c12'>{_plural(len(plan.errors), 'bad row')}</b>"
        text += ". Nothing is written until you click Import."
        if plan.changes == 0 and not plan.errors:
            text += "<br>Nothing to import: every row matches what is already stored."
        return text

    def _update_button(self) -> None:
        ok = self.plan.changes > 0 and (not self.plan.errors or self.good_rows_check.isChecked())
        self.import_button.setEnabled(ok and not self.ctx.readonly)
        if self.plan.errors and self.plan.changes > 0 and not self.good_rows_check.isChecked():
            self.import_button.setToolTip("Some rows are bad: tick “Import the good rows anyway” or fix the file.")
        else:
            self.import_button.setToolTip("")

    def accept(self) -> None:
        if not self.import_button.isEnabled():
            return
        good_rows = self.good_rows_check.isChecked()
        try:
            self.imported = self.ctx.run("Import participants", importing.apply_import, self.plan, good_rows=good_rows)
        except StoreError as exc:
            self.message.show_error(str(exc))
            return
        super().accept()


def read_plan(ctx: AppContext, path: Path, parent: QWidget | None) -> importing.ImportPlan | None:
    """Work out what importing path would do, on a worker thread over its own read-only connection.

    Shows a progress dialog that can cancel; returns None when the user cancels. Raises what
    plan_import raises (StoreError for a file it cannot read, OSError).
    """
    try:
        plan = run_modal(
            parent, f"Reading {path.name}…", lambda work: importing.plan_import(work.reader(), path), path=ctx.path
        )
    except Cancelled:
        return None
    return plan


def import_participants(ctx: AppContext, parent: QWidget | None, path: Path | None = None) -> int | None:
    """Ask for a CSV file, preview it, and import it; return how many people changed (None if not)."""
    if ctx.readonly:
        widgets.warn(parent, "Import participants", "This program file is open read-only; nothing can be imported.")
        return None
    path = path or widgets.ask_open_file(parent, "Import participants", widgets.CSV_FILTER)
    if path is None:
        return None
    try:
        plan = read_plan(ctx, path, parent)
    except StoreError as exc:
        widgets.warn(parent, "Import participants", f"{path.name} cannot be imported.\n\n{exc}")
        return None
    except OSError as exc:
        widgets.warn(parent, "Import participants", f"{path.name} cannot be read: {exc.strerror or exc}.")
        return None
    if plan is None:
        return None
    dialog = ImportDialog(ctx, plan, path, parent)
    if widgets.exec_dialog(dialog) and dialog.imported is not None:
        _say(parent, f"Imported {path.name}: {len(plan.added)} added, {len(plan.updated)} updated")
        return dialog.imported
    return None


def export_participants_to_file(ctx: AppContext, parent: QWidget | None, path: Path | None = None) -> int | None:
    """Ask where to write, and export everyone to CSV; return the number of rows written."""
    path = path or widgets.ask_save_file(parent, "Export participants", widgets.CSV_FILTER, "participants.csv")
    if path is None:
        return None
    if not path.suffix:
        path = path.with_suffix(".csv")
    try:
        n = importing.export_participants(ctx.db, path)
    except (StoreError, OSError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        widgets.warn(parent, "Export participants", f"Could not write {path.name}: {reason}")
        return None
    _say(parent, f"Exported {_plural(n, 'participant')} to {path.name}")
    return n


def _say(parent: QWidget | None, text: str) -> None:
    window = parent.window() if parent is not None else None
    status = getattr(window, "statusBar", None)
    if callable(status):
        status().showMessage(text, 8000)
