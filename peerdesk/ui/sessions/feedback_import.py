"""Importing session feedback from a survey export, with a preview before anything is written."""

from __future__ import annotations

import datetime as dt
import zoneinfo
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

from peerdesk.sessions import feedback_import
from peerdesk.store.errors import StoreError
from peerdesk.store.settings import load_settings
from peerdesk.ui.common import widgets
from peerdesk.ui.common.context import AppContext
from peerdesk.ui.sessions.models import format_local
from peerdesk.wording import plural as _plural

_ACTIONS = {"add": "new", "update": "replaces earlier answer", "same": "already stored"}


class FeedbackImportDialog(QDialog):
    """Shows each answer matched to its session and person, and the bad rows; Import writes it."""

    def __init__(
        self, ctx: AppContext, plan: feedback_import.FeedbackPlan, path: Path, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.plan = plan
        self.path = Path(path)
        self.imported: int | None = None
        tz = load_settings(ctx.db).timezone
        self.setWindowTitle(f"Import feedback from {self.path.name}")
        self.resize(900, 540)

        found = ", ".join(f"{k} = “{v}”" for k, v in plan.columns.items())
        text = (
            f"Read <b>{self.path.name}</b>: <b>{_plural(plan.changes, 'answer')}</b> to import, "
            f"{len(plan.rows) - plan.changes} already stored"
        )
        if plan.errors:
            text += f", <b style='color:#8a1c12'>{_plural(len(plan.errors), 'bad row')}</b>"
        if plan.answering_requests:
            text += f"; {plan.answering_requests} answer the feedback requests you drafted"
        text += f". Columns: {found}. Nothing is written until you click Import."
        self.summary = QLabel(text, self)
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)

        self.rows_model = widgets.RowsModel(
            ("Line", "Session", "When", "Person", "Rating", "Comment", "Request", ""),
            [
                (
                    str(r.line),
                    f"#{r.session_id} {r.session_title}",
                    format_local(r.session_start, tz),
                    r.email or "(anonymous)",
                    "★" * r.rating,
                    r.comment,
                    _requested(r.requested, tz),
                    _ACTIONS[r.action],
                )
                for r in plan.rows
            ],
            self,
        )
        self.errors_model = widgets.RowsModel(
            ("Line", "Reason"), [(str(e.line), e.reason) for e in sorted(plan.errors, key=lambda e: e.line)], self
        )
        self.tabs = QTabWidget(self)
        self.rows_view = widgets.preview_table(self, self.rows_model)
        self.errors_view = widgets.preview_table(self, self.errors_model)
        self.tabs.addTab(self.rows_view, f"Matched answers ({len(plan.rows)})")
        self.tabs.addTab(self.errors_view, f"Bad rows ({len(plan.errors)})")
        if plan.errors:
            self.tabs.setCurrentWidget(self.errors_view)
        self.notes = QLabel("\n".join(plan.notes[:5]), self)
        self.notes.setWordWrap(True)
        self.notes.setVisible(bool(plan.notes))

        self.good_rows_check = QCheckBox(f"Import the {_plural(plan.changes, 'good answer')} anyway", self)
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
        layout.addWidget(self.notes)
        layout.addWidget(self.good_rows_check)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)
        self._update_button()

    def _update_button(self) -> None:
        ok = self.plan.changes > 0 and (not self.plan.errors or self.good_rows_check.isChecked())
        self.import_button.setEnabled(ok and not self.ctx.readonly)

    def accept(self) -> None:
        if not self.import_button.isEnabled():
            return
        try:
            self.imported = self.ctx.run(
                "Import feedback",
                feedback_import.apply_feedback_import,
                self.plan,
                good_rows=self.good_rows_check.isChecked(),
            )
        except StoreError as exc:
            self.message.show_error(str(exc))
            return
        super().accept()


def _requested(stamp: str, tz: str) -> str:
    """'asked 2 Nov' for an answer to a drafted feedback request, '' otherwise."""
    if not stamp:
        return ""
    day = dt.datetime.fromisoformat(stamp).astimezone(zoneinfo.ZoneInfo(tz))
    return f"asked {day.day} {day:%b}"


def import_feedback(ctx: AppContext, parent: QWidget | None, path: Path | None = None) -> int | None:
    """Ask for a survey CSV, preview it, and import it; return how many answers were written."""
    if ctx.readonly:
        widgets.warn(parent, "Import feedback", "This program file is open read-only; nothing can be imported.")
        return None
    path = path or widgets.ask_open_file(parent, "Import feedback from a survey export", widgets.CSV_FILTER)
    if path is None:
        return None
    try:
        plan = feedback_import.plan_feedback_import(ctx.db, path)
    except StoreError as exc:
        widgets.warn(parent, "Import feedback", f"{path.name} cannot be imported.\n\n{exc}")
        return None
    except OSError as exc:
        widgets.warn(parent, "Import feedback", f"{path.name} cannot be read: {exc.strerror or exc}.")
        return None
    dialog = FeedbackImportDialog(ctx, plan, path, parent)
    if widgets.exec_dialog(dialog) and dialog.imported is not None:
        return dialog.imported
    return None
