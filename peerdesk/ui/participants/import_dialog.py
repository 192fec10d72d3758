"""Importing participants from CSV with a preview before anything is written; exporting them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import QLocale, Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from peerdesk import importing, intake
from peerdesk.intake import ColumnMapping
from peerdesk.jobs import Cancelled
from peerdesk.store.errors import StoreError
from peerdesk.store.records import Participant, format_availability, format_email_list, format_skills
from peerdesk.ui.common import widgets
from peerdesk.ui.common.context import AppContext
from peerdesk.ui.common.jobs import run_modal
from peerdesk.ui.participants.mapping_dialog import ask_mapping
from peerdesk.wording import bullets
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
    "preferred_partners": "preferred partners",
    "keep_mentor": "keeps their mentor",
}


def describe_changes(old: Participant, new: Participant) -> str:
    """'department: Sales → Marketing; capacity: 1 → 2' — what an update changes."""
    before, after = importing.participant_row(old), importing.participant_row(new)
    parts = []
    for key, label in _FIELD_LABELS.items():
        if before.get(key, "") != after.get(key, ""):
            parts.append(f"{label}: {before.get(key) or '(empty)'} → {after.get(key) or '(empty)'}")
    if old.avoids != new.avoids:
        parts.append(f"never pair with: {'; '.join(old.avoids) or '(nobody)'} → {'; '.join(new.avoids) or '(nobody)'}")
    return "; ".join(parts)


def _day(day: dt.date | None) -> str:
    """A hire date as the preview shows it: '1 Sep 2025', unmistakable whichever order the file used."""
    return f"{day.day} {day:%b %Y}" if day is not None else ""


Replan = Callable[[str | None, str | None, "ColumnMapping | None"], "importing.ImportPlan | None"]
Remap = Callable[["ColumnMapping | None", "str | None"], "ColumnMapping | None"]


class ImportDialog(QDialog):
    """Shows what an import would add, update and reject; Import writes it in one undoable step.

    The encoding and the order of numeric dates are shown and can be changed: the file is read again.
    """

    def __init__(
        self,
        ctx: AppContext,
        plan: importing.ImportPlan,
        path: Path,
        parent: QWidget | None = None,
        replan: Replan | None = None,
        remap: Remap | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.plan = plan
        self.path = Path(path)
        self.imported: int | None = None
        self.replan = replan or (
            lambda enc, dates, mapping: importing.plan_import(
                ctx.db, self.path, encoding=enc, dates=dates, mapping=mapping
            )
        )
        self.remap = remap
        self.setWindowTitle(f"Import participants from {self.path.name}")
        self.resize(820, 520)

        self.summary = QLabel(self._summary_text(), self)
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.names_note = QLabel(self)  # names a certificate would print badly (as the command line warns)
        self.names_note.setObjectName("namesNote")
        self.names_note.setWordWrap(True)
        self.names_note.setTextFormat(Qt.TextFormat.PlainText)

        self.encoding_combo = QComboBox(self)
        self.encoding_combo.setAccessibleName("Text encoding")
        self.dates_combo = QComboBox(self)
        self.dates_combo.setToolTip("How dates such as 01/09/2025 are read: day first or month first")
        self.dates_combo.setAccessibleName("Order of dates")
        for key, text in importing.DATE_ORDERS.items():
            self.dates_combo.addItem(text[:1].upper() + text[1:], key)
        self.dates_note = QLabel(self)
        self.dates_note.setWordWrap(True)
        reading = QFormLayout()
        reading.addRow("Text &encoding:", self.encoding_combo)
        reading.addRow("&Dates:", self.dates_combo)
        reading.addRow("", self.dates_note)
        self.dates_label = reading.labelForField(self.dates_combo)

        self.tabs = QTabWidget(self)
        self.added_model = widgets.RowsModel(
            ("Name", "E-mail", "Department", "Role", "Hire date", "Teaches", "Wants to learn", "Availability",
             "Preferred partners"),
            [],
            self,
        )  # fmt: skip
        self.updated_model = widgets.RowsModel(("Name", "E-mail", "Changes"), [], self)
        self.errors_model = widgets.RowsModel(("Line", "Reason"), [], self)
        self.notes_model = widgets.RowsModel(("Line", "Left out"), [], self)
        self.added_tab = widgets.preview_table(self, self.added_model)
        self.updated_tab = widgets.preview_table(self, self.updated_model)
        self.errors_tab = widgets.preview_table(self, self.errors_model)
        self.notes_tab = widgets.preview_table(self, self.notes_model)
        self.tabs.addTab(self.added_tab, "")
        self.tabs.addTab(self.updated_tab, "")
        self.tabs.addTab(self.errors_tab, "")
        self.tabs.addTab(self.notes_tab, "")

        self.good_rows_check = QCheckBox(self)
        self.good_rows_check.setToolTip("The bad rows are left out; fix them in the file and import it again later.")
        self.good_rows_check.toggled.connect(self._update_button)

        self.message = widgets.InlineMessage(self)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.map_button = self.buttons.addButton("Map columns…", QDialogButtonBox.ButtonRole.ResetRole)
        self.map_button.setToolTip("Choose which field each column of the file fills")
        self.map_button.setVisible(remap is not None)
        self.map_button.clicked.connect(self._remap)
        self.import_button = self.buttons.addButton("Import", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.names_note)
        layout.addLayout(reading)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.good_rows_check)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self._show_plan(plan)
        self.encoding_combo.activated.connect(self._reread)
        self.dates_combo.activated.connect(self._reread)

    def _show_plan(self, plan: importing.ImportPlan) -> None:
        """Fill every part of the preview from a plan (first, and after reading the file again)."""
        self.plan = plan
        self.encoding_combo.clear()
        self.encoding_combo.addItem(f"{importing.encoding_label(plan.encoding)} (detected)", plan.encoding)
        for codec, label in importing.ENCODINGS:
            if codec != plan.encoding:
                self.encoding_combo.addItem(label, codec)
        self.encoding_combo.setToolTip(plan.encoding_note)
        has_dates = plan.date_order is not None
        self.dates_combo.setVisible(has_dates)
        if self.dates_label is not None:
            self.dates_label.setVisible(has_dates)
        self.dates_note.setVisible(has_dates and plan.dates_ambiguous)
        if has_dates:
            self.dates_combo.setCurrentIndex(max(0, self.dates_combo.findData(plan.date_order)))
            self.dates_note.setText(
                "Every date in the file reads both ways (like 03/04/2025): check a few people below and change "
                "this if their hire dates are wrong."
            )
        self.added_model.set_rows(
            [
                (p.name, p.email, p.department, p.role, _day(p.hire_date), format_skills(p.teaches),
                 format_skills(p.learns), format_availability(p.availability), format_email_list(p.prefers))
                for p in plan.added
            ]
        )  # fmt: skip
        self.updated_model.set_rows([(new.name, new.email, describe_changes(old, new)) for old, new in plan.updated])
        self.errors_model.set_rows([(str(e.line), e.reason) for e in sorted(plan.errors, key=lambda e: e.line)])
        self.notes_model.set_rows([(str(e.line), e.reason) for e in sorted(plan.notes, key=lambda e: e.line)])
        self.tabs.setTabVisible(3, bool(plan.notes))
        for view in (self.added_tab, self.updated_tab, self.errors_tab, self.notes_tab):  # fit the columns
            view.resizeColumnsToContents()
            for col in range(view.model().columnCount() - 1):
                view.setColumnWidth(col, min(view.columnWidth(col) + 16, 260))
        self.tabs.setTabText(0, f"To add ({len(plan.added)})")
        self.tabs.setTabText(1, f"To update ({len(plan.updated)})")
        self.tabs.setTabText(2, f"Bad rows ({len(plan.errors)})")
        self.tabs.setTabText(3, f"Left out ({len(plan.notes)})")
        if plan.errors:
            self.tabs.setCurrentWidget(self.errors_tab)
        elif not plan.added and plan.updated:
            self.tabs.setCurrentWidget(self.updated_tab)
        else:
            self.tabs.setCurrentWidget(self.added_tab)
        self.good_rows_check.setText(f"Import the {_plural(plan.changes, 'good row')} anyway")
        self.good_rows_check.setVisible(bool(plan.errors) and plan.changes > 0)
        self.summary.setText(self._summary_text())
        self.names_note.setText(names_text(plan.name_warnings))
        self.names_note.setVisible(bool(plan.name_warnings))
        self._update_button()

    def _reread(self) -> None:
        """Read the file again in the encoding and date order chosen."""
        encoding, dates = self.encoding_combo.currentData(), self.dates_combo.currentData()
        self._replan(encoding, dates if self.plan.date_order is not None else None, self.plan.mapping)

    def _remap(self) -> None:
        """Map the file's columns again (starting from the mapping in use), then read it with the new mapping."""
        if self.remap is None:
            return
        mapping = self.remap(self.plan.mapping, self.plan.encoding)
        if mapping is not None:
            self._replan(self.encoding_combo.currentData(), None, mapping)

    def _replan(self, encoding: str | None, dates: str | None, mapping: ColumnMapping | None) -> None:
        try:
            plan = self.replan(encoding, dates, mapping)
        except StoreError as exc:
            self.message.show_error(str(exc))
            self.import_button.setEnabled(False)
            return
        if plan is None:  # cancelled
            return
        self.message.hide()
        self._show_plan(plan)

    def _summary_text(self) -> str:
        plan = self.plan
        how = f"{importing.encoding_name(plan.encoding)}, {_DELIMITERS.get(plan.delimiter, repr(plan.delimiter))}-separated"
        if plan.encoding_note:
            how += f"; {plan.encoding_note}"
        counts = [
            f"<b>{_plural(len(plan.added), 'person', 'people')}</b> to add",
            f"<b>{len(plan.updated)}</b> to update",
            f"{plan.unchanged} unchanged",
        ]
        text = f"Read <b>{self.path.name}</b> ({how}): {', '.join(counts)}"
        if plan.mapping is not None:
            which = "remembered for files with these headers" if plan.mapping_source == "remembered" else "chosen"
            mapped = sum(1 for c in plan.mapping.columns if c.field)
            text = f"Columns read through the mapping {which} ({mapped} of {len(plan.header)} columns). " + text
        if plan.errors:
            text += f", <b style='color:#8a1c12'>{_plural(len(plan.errors), 'bad row')}</b>"
        if plan.notes:
            text += f", {_plural(len(plan.notes), 'choice')} of partner left out (see Left out)"
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


NAMES_SHOWN = 5


def names_text(warnings: list[str]) -> str:
    """The warnings about names a certificate would print badly, as the window shows them."""
    if not warnings:
        return ""
    return "Check these names before printing certificates:\n" + bullets(warnings, NAMES_SHOWN)


def read_plan(ctx: AppContext, path: Path, parent: QWidget | None, **options: Any) -> importing.ImportPlan | None:
    """Work out what importing path would do, on a worker thread over its own read-only connection.

    Shows a progress dialog that can cancel; returns None when the user cancels. Raises what
    plan_import raises (StoreError for a file it cannot read, OSError).
    """
    given = {k: v for k, v in options.items() if v is not None}
    try:
        plan = run_modal(
            parent,
            f"Reading {path.name}…",
            lambda work: importing.plan_import(work.reader(), path, **given),
            path=ctx.path,
        )
    except Cancelled:
        return None
    return plan


def read_intake(
    ctx: AppContext, path: Path, parent: QWidget | None, encoding: str | None = None
) -> importing.Intake | None:
    """The file's header, first rows and the mapping to start from, read on a worker (None: cancelled)."""
    try:
        return run_modal(
            parent,
            f"Reading {path.name}…",
            lambda work: importing.read_intake(work.reader(), path, encoding=encoding),
            path=ctx.path,
        )
    except Cancelled:
        return None


def _remap(ctx: AppContext, path: Path, parent: QWidget | None) -> Remap:
    def remap(current: ColumnMapping | None, encoding: str | None) -> ColumnMapping | None:
        found = read_intake(ctx, path, parent, encoding)
        if found is None:
            return None
        if current is not None:
            found = replace(found, mapping=intake.with_answers(current, found.header, found.rows))
        return ask_mapping(found, path, parent)

    return remap


def import_participants(ctx: AppContext, parent: QWidget | None, path: Path | None = None) -> int | None:
    """Ask for a CSV file, map its columns when it is a form export, preview it, and import it; return
    how many people changed (None if not)."""
    if ctx.readonly:
        widgets.warn(parent, "Import participants", "This program file is open read-only; nothing can be imported.")
        return None
    path = path or widgets.ask_open_file(parent, "Import participants", widgets.CSV_FILTER)
    if path is None:
        return None
    try:
        found = read_intake(ctx, path, parent)
        if found is None:
            return None
        mapping = None  # the file's own column names, or the mapping remembered for its headers
        if found.new_answers or (
            found.needs_mapping and not found.remembered and any(c.field for c in found.mapping.columns)
        ):
            mapping = ask_mapping(found, path, parent)
            if mapping is None:
                return None
        plan = read_plan(ctx, path, parent, mapping=mapping)
    except StoreError as exc:
        widgets.warn(parent, "Import participants", f"{path.name} cannot be imported.\n\n{exc}")
        return None
    except OSError as exc:
        widgets.warn(parent, "Import participants", f"{path.name} cannot be read: {exc.strerror or exc}.")
        return None
    if plan is None:
        return None
    dialog = ImportDialog(
        ctx,
        plan,
        path,
        parent,
        replan=lambda enc, dates, mapping: read_plan(ctx, path, parent, encoding=enc, dates=dates, mapping=mapping),
        remap=_remap(ctx, path, parent),
    )
    if widgets.exec_dialog(dialog) and dialog.imported is not None:
        done = f"Imported {path.name}: {len(dialog.plan.added)} added, {len(dialog.plan.updated)} updated"
        if dialog.plan.name_warnings:
            widgets.warn(parent, "Import participants", f"{done}.\n\n{names_text(dialog.plan.name_warnings)}")
        _say(parent, done)
        return dialog.imported
    return None


COMMA_FILTER = "CSV, comma-separated (*.csv)"
SEMICOLON_FILTER = "CSV, semicolon-separated, for Excel where the decimal mark is a comma (*.csv)"


def default_delimiter() -> str:
    """';' where numbers are written 1,5 (Excel there expects semicolons), else ','."""
    return ";" if QLocale().decimalPoint() == "," else ","


def ask_export_target(parent: QWidget | None, suggested: str) -> tuple[Path, str] | None:
    """Ask where to write the participant CSV and with which separator (the file type chosen)."""
    filters = [COMMA_FILTER, SEMICOLON_FILTER]
    chosen = SEMICOLON_FILTER if default_delimiter() == ";" else COMMA_FILTER
    name, selected = QFileDialog.getSaveFileName(parent, "Export participants", suggested, ";;".join(filters), chosen)
    if not name:
        return None
    return Path(name), ";" if selected == SEMICOLON_FILTER else ","


def export_participants_to_file(
    ctx: AppContext, parent: QWidget | None, path: Path | None = None, delimiter: str = ","
) -> int | None:
    """Ask where to write (and the separator), and export everyone to CSV; return the number of rows written."""
    if path is None:
        target = ask_export_target(parent, "participants.csv")
        if target is None:
            return None
        path, delimiter = target
    if not path.suffix:
        path = path.with_suffix(".csv")
    try:
        n = importing.export_participants(ctx.db, path, delimiter=delimiter)
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
