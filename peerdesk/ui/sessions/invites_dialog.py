"""The "Export invites…" dialog: choose what to export and where, then write it off the UI thread.

Planning (which sessions, which files) reads the program file on the UI thread; building and
writing the calendars needs no database and runs on a worker thread with a progress bar and
a Stop button.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)

from peerdesk.invites import ExportError, ExportRequest, ExportResult, plan_export, write_export
from peerdesk.invites.model import program_names
from peerdesk.store.errors import StoreError
from peerdesk.ui.common import widgets
from peerdesk.ui.common.context import AppContext
from peerdesk.ui.common.folder_writing import FolderWriting
from peerdesk.wording import plural, were

# Scope codes held by the scope combo.
SESSIONS, PARTICIPANTS, UPCOMING, PROGRAM = "sessions", "participants", "upcoming", "program"
LAYOUT_CHOICES = (
    ("participant", "One file per participant"),
    ("session", "One file per session"),
    ("combined", "All in one file"),
)


class InvitesDialog(FolderWriting, QDialog):
    """Export calendar invitations (.ics) and, optionally, e-mail drafts (.eml) into a folder."""

    FOLDER_KEY = "invites/folder"
    DEFAULT_FOLDER = "PeerDesk invites"
    FOLDER_TITLE = "Folder for the invitations"

    def __init__(
        self,
        ctx: AppContext,
        parent: QWidget | None = None,
        *,
        session_ids: Sequence[int] = (),
        participant_ids: Sequence[int] = (),
        sessions_named: str = "Selected sessions",
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.session_ids = tuple(session_ids)
        self.participant_ids = tuple(participant_ids)
        self.result_value: ExportResult | None = None
        self.setWindowTitle("Export calendar invites")
        self.setMinimumWidth(520)

        self.scope_combo = QComboBox(self)
        self.scope_combo.setToolTip("Which sessions get invitations")
        if self.session_ids:
            self.scope_combo.addItem(f"{sessions_named} ({len(self.session_ids)})", (SESSIONS, None))
        if self.participant_ids:
            n = len(self.participant_ids)
            self.scope_combo.addItem(
                f"Schedule of the selected participant{'s' if n > 1 else ''} ({n})", (PARTICIPANTS, None)
            )
        self.scope_combo.addItem("Everything upcoming: a file per participant and per program", (UPCOMING, None))
        for pid, name in program_names(ctx.db).items():
            self.scope_combo.addItem(f"Program: {name}", (PROGRAM, pid))
        self.scope_combo.currentIndexChanged.connect(self._scope_changed)

        self.layout_combo = QComboBox(self)
        self.layout_combo.setToolTip("One file per participant, per session, or one file for everything")
        for code, label in LAYOUT_CHOICES:
            self.layout_combo.addItem(label, code)

        folder_row = self.folder_row(self, "Choose the folder the files are written to")

        self.eml_check = QCheckBox("Also write an e-mail draft (.eml) for each participant", self)
        self.eml_check.setToolTip(
            "A message from you with the invitation attached, ready to open in your mail program and send."
        )

        form = QFormLayout()
        form.addRow("Export:", self.scope_combo)
        form.addRow("Files:", self.layout_combo)
        form.addRow("Folder:", folder_row)
        form.addRow("", self.eml_check)

        self.message = widgets.InlineMessage(self)
        self.progress = QProgressBar(self)
        self.progress.setTextVisible(True)
        self.progress.hide()
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.buttons = QDialogButtonBox(self)
        self.export_button = self.buttons.addButton("Export", QDialogButtonBox.ButtonRole.AcceptRole)
        self.open_button = self.buttons.addButton("Open folder", QDialogButtonBox.ButtonRole.ActionRole)
        self.open_button.hide()
        self.close_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Close)
        self.export_button.setDefault(True)
        # The box's accepted/rejected signals would close the dialog: route the buttons ourselves.
        self.export_button.clicked.connect(self._export_or_stop)
        self.open_button.clicked.connect(self.open_chosen_folder)
        self.close_button.clicked.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.buttons)
        self._scope_changed()

    # --- choices -------------------------------------------------------------------------------

    def select_scope(self, code: str, program_id: int | None = None) -> None:
        for i in range(self.scope_combo.count()):
            if self.scope_combo.itemData(i) == (code, program_id):
                self.scope_combo.setCurrentIndex(i)
                return

    def _scope_changed(self) -> None:
        code, _ = self.scope_combo.currentData()
        self.layout_combo.setEnabled(code == SESSIONS)
        if code != SESSIONS:
            self.layout_combo.setCurrentIndex(0 if code in (PARTICIPANTS, UPCOMING) else 2)
        hints = {
            SESSIONS: "A session that repeats is exported with its whole series.",
            PARTICIPANTS: "Every session of each person, past and upcoming, in one file per person.",
            UPCOMING: "Sessions still to come. Cancelled ones go to separate files that remove them from calendars.",
            PROGRAM: "Every session of the program in one file.",
        }
        self.status.setText(hints[code])

    def request(self) -> ExportRequest:
        """The export the dialog's choices describe."""
        code, program_id = self.scope_combo.currentData()
        eml = self.eml_check.isChecked()
        if code == SESSIONS:
            layout = str(self.layout_combo.currentData())
            return ExportRequest(
                layouts=(layout,), session_ids=self.session_ids, eml=eml, combined_name="PeerDesk sessions"
            )
        if code == PARTICIPANTS:
            return ExportRequest(layouts=("participant",), participant_ids=self.participant_ids, eml=eml)
        if code == PROGRAM:
            return ExportRequest(layouts=("program",), program_id=program_id, eml=eml)
        return ExportRequest(layouts=("participant", "program"), upcoming_only=True, eml=eml)

    # --- running -------------------------------------------------------------------------------

    def _export_or_stop(self) -> None:
        if self._writer is not None:
            self._writer.cancel()
            self.export_button.setEnabled(False)
            return
        self.message.clear_message()
        self.open_button.hide()
        folder = self.chosen_folder()
        if folder is None:
            self.message.show_error("Choose a folder for the invitations.")
            self.folder_edit.setFocus()
            return
        try:
            plan = plan_export(self.ctx.db, self.request())
        except StoreError as exc:
            self.message.show_error(str(exc))
            return
        if not plan.files:
            self.message.show_error("There are no sessions to export for this choice.")
            return
        self.start_writing(
            lambda work: write_export(plan, folder, progress=work.progress, cancelled=work.cancelled), len(plan.files)
        )

    def _failed(self, error: BaseException) -> None:
        self._done()
        self.status.clear()
        if isinstance(error, ExportError):
            written = len(error.written)
            done = f" {plural(written, 'file')} {were(written)} written before it stopped." if written else ""
            self.message.show_error(str(error) + done)
            return
        widgets.report_bug(
            self,
            "Export calendar invites",
            "The export failed unexpectedly.",
            widgets.describe_exception(type(error), error, error.__traceback__),
        )

    def _finished(self, result: ExportResult) -> None:
        self._done()
        self.result_value = result
        self.status.setText(result.summary())
        if result.written:
            self.open_button.show()

    def _set_running(self, running: bool, total: int) -> None:
        for w in (self.scope_combo, self.layout_combo, self.folder_edit, self.browse_button, self.eml_check):
            w.setEnabled(not running)
        if not running:
            self._scope_changed_enablement()
        self.close_button.setEnabled(not running)
        self.export_button.setEnabled(True)
        self.export_button.setText("Stop" if running else "Export")
        self.progress.setVisible(running)
        if running:
            self.progress.setRange(0, total)
            self.progress.setValue(0)

    def _scope_changed_enablement(self) -> None:
        code, _ = self.scope_combo.currentData()
        self.layout_combo.setEnabled(code == SESSIONS)


def selection_of(page: QWidget | None) -> dict[str, list[int]]:
    """What the page has selected that an export can start from: sessions or participants."""
    if page is None:
        return {}
    if hasattr(page, "selected_session_ids"):
        return {"session_ids": list(page.selected_session_ids())}
    if type(page).__name__ == "ParticipantsPage" and hasattr(page, "selected_ids"):
        return {"participant_ids": list(page.selected_ids())}
    return {}


def show_invites_dialog(
    ctx: AppContext,
    parent: QWidget | None = None,
    *,
    session_ids: Sequence[int] = (),
    participant_ids: Sequence[int] = (),
    sessions_named: str = "Selected sessions",
) -> InvitesDialog:
    """Open the export dialog (modal) starting from a selection (what the sessions are, in sessions_named);
    returns it once closed."""
    dialog = InvitesDialog(
        ctx, parent, session_ids=session_ids, participant_ids=participant_ids, sessions_named=sessions_named
    )
    widgets.exec_dialog(dialog)
    return dialog
