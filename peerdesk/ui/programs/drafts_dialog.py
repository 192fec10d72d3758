"""The "Draft e-mails" dialog: who gets which message, a preview with their real data, the
editable template, and writing the .eml drafts off the UI thread (then logging them)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
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
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from peerdesk.invites.files import ExportError
from peerdesk.invites.messages import DraftPlan, plan_drafts
from peerdesk.invites.outbox import DraftResult, DraftsError, logged, record_drafts, write_drafts
from peerdesk.invites.templates import (
    KINDS,
    PLACEHOLDERS,
    Template,
    check_template,
    restore_default,
    save_checked_template,
)
from peerdesk.store.errors import StoreError
from peerdesk.store.programs import list_programs
from peerdesk.ui.common import page_parts, widgets
from peerdesk.ui.common.folder_writing import FolderWriting
from peerdesk.wording import plural

MUTED = QColor("#777777")


class DraftsDialog(FolderWriting, QDialog):
    """Draft one unsent e-mail (.eml) per person, of one kind, from an editable template."""

    FOLDER_KEY = "drafts/folder"
    DEFAULT_FOLDER = "PeerDesk e-mails"
    FOLDER_TITLE = "Folder for the e-mails"
    WRITING = "Writing the message to {}…"

    def __init__(
        self,
        ctx: Any,
        parent: QWidget | None = None,
        *,
        kind: str = "feedback",
        program_id: int | None = None,
        session_ids: Sequence[int] | None = None,
        pairing_ids: Sequence[int] | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.session_ids = None if session_ids is None else tuple(session_ids)
        self.pairing_ids = None if pairing_ids is None else tuple(pairing_ids)
        self.plan: DraftPlan | None = None
        self.result_value: DraftResult | None = None
        self._editing: Template | None = None  # the template as typed, once it checks
        self._saved: Template | None = None  # the template in use (stored, or shipped)
        self._loading = False
        self.setWindowTitle("Draft e-mails")
        self.resize(1100, 720)

        self.kind_combo = QComboBox(self)
        for key, label in KINDS.items():
            self.kind_combo.addItem(label, key)
        self.kind_combo.setCurrentIndex(max(0, self.kind_combo.findData(kind)))
        self.program_combo = QComboBox(self)
        page_parts.refill(
            self.program_combo,
            ((p.name, p.id) for p in list_programs(ctx.db)),
            everything="All programs",
            select=program_id,
        )
        self.again_check = QCheckBox("Include people who had this message already", self)
        self.again_check.setToolTip("Feedback requests and welcomes are drafted once; reminders once a week.")
        self.scope_note = QLabel(self)
        self.scope_note.setStyleSheet("color: palette(placeholder-text);")
        top = QHBoxLayout()
        top.addWidget(QLabel("Message:", self))
        top.addWidget(self.kind_combo)
        top.addSpacing(12)
        top.addWidget(QLabel("Program:", self))
        top.addWidget(self.program_combo)
        top.addSpacing(12)
        top.addWidget(self.again_check)
        top.addStretch(1)

        self.people = QTableWidget(0, 3, self)
        self.people.setHorizontalHeaderLabels(["To", "About", ""])
        self.people.verticalHeader().hide()
        self.people.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.people.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.people.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.people.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.people.setAccessibleName("Who gets a message")
        self.people.currentCellChanged.connect(lambda *_: self._show_preview())
        self.count = QLabel(self)
        left = QWidget(self)
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addWidget(self.count)
        ll.addWidget(self.people, 1)
        ll.addWidget(self.scope_note)

        self.preview_subject = QLabel(self)
        bold = QFont(self.preview_subject.font())
        bold.setBold(True)
        self.preview_subject.setFont(bold)
        self.preview_subject.setWordWrap(True)
        self.preview_subject.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.preview_to = QLabel(self)
        self.preview_body = QPlainTextEdit(self)
        self.preview_body.setReadOnly(True)
        self.preview_body.setAccessibleName("Preview of the message")
        self.preview_note = QLabel(self)
        self.preview_note.setWordWrap(True)
        preview = QWidget(self)
        pl = QVBoxLayout(preview)
        pl.addWidget(self.preview_to)
        pl.addWidget(self.preview_subject)
        pl.addWidget(self.preview_body, 1)
        pl.addWidget(self.preview_note)

        self.subject_edit = QLineEdit(self)
        self.subject_edit.setAccessibleName("Subject template")
        self.body_edit = QPlainTextEdit(self)
        self.body_edit.setAccessibleName("Text template")
        self.body_edit.setTabChangesFocus(True)
        self.placeholders = QListWidget(self)
        self.placeholders.setAccessibleName("Placeholders")
        self.placeholders.setFixedWidth(330)
        self.placeholders.setWordWrap(True)
        self.placeholders.setSpacing(1)
        self.placeholders.itemDoubleClicked.connect(self._insert_placeholder)
        self.template_message = widgets.InlineMessage(self)
        self.save_template_button = QPushButton("Save template", self)
        self.save_template_button.clicked.connect(self.save_template)
        self.default_button = QPushButton("Use the default", self)
        self.default_button.clicked.connect(self.use_default)
        self.template_state = QLabel(self)
        self.subject_edit.textChanged.connect(self._template_edited)
        self.body_edit.textChanged.connect(self._template_edited)
        editor = QWidget(self)
        form = QFormLayout()
        form.addRow("Subject", self.subject_edit)
        form.addRow("Text", self.body_edit)
        side = QVBoxLayout()
        side.addWidget(QLabel("Placeholders (double-click to insert):", self))
        side.addWidget(self.placeholders, 1)
        row = QHBoxLayout()
        row.addLayout(form, 1)
        row.addLayout(side)
        buttons = QHBoxLayout()
        buttons.addWidget(self.template_state, 1)
        buttons.addWidget(self.default_button)
        buttons.addWidget(self.save_template_button)
        el = QVBoxLayout(editor)
        el.addLayout(row, 1)
        el.addWidget(self.template_message)
        el.addLayout(buttons)

        self.tabs = QTabWidget(self)
        self.tabs.addTab(preview, "Preview")
        self.tabs.addTab(editor, "Template")
        splitter = QSplitter(self)
        splitter.addWidget(left)
        splitter.addWidget(self.tabs)
        splitter.setSizes([430, 670])

        folder_row = self.folder_row(self, "Choose the folder the e-mails are written to")
        folder_row.insertWidget(0, QLabel("Folder:", self))

        self.message = widgets.InlineMessage(self)
        self.progress = QProgressBar(self)
        self.progress.hide()
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        self.box = QDialogButtonBox(self)
        self.draft_button = self.box.addButton("Draft", QDialogButtonBox.ButtonRole.AcceptRole)
        self.open_button = self.box.addButton("Open folder", QDialogButtonBox.ButtonRole.ActionRole)
        self.open_button.hide()
        self.close_button = self.box.addButton(QDialogButtonBox.StandardButton.Close)
        self.draft_button.clicked.connect(self._draft_or_stop)
        self.open_button.clicked.connect(self.open_chosen_folder)
        self.close_button.clicked.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)
        layout.addLayout(folder_row)
        layout.addWidget(self.message)
        layout.addWidget(self.progress)
        layout.addWidget(self.status)
        layout.addWidget(self.box)

        self.kind_combo.currentIndexChanged.connect(lambda _i: self.replan(reload_template=True))
        self.program_combo.currentIndexChanged.connect(lambda _i: self.replan())
        self.again_check.toggled.connect(lambda _on: self.replan())
        self.replan(reload_template=True)

    # --- what to draft ---------------------------------------------------------------------------

    @property
    def kind(self) -> str:
        return str(self.kind_combo.currentData())

    def replan(self, *, reload_template: bool = False) -> None:
        """Decide again who gets a message (after a change of kind, program or log)."""
        self.message.clear_message()
        chosen = self.session_ids if self.kind == "feedback" else None
        pairs = self.pairing_ids if self.kind in ("reminders", "welcome") else None
        self.program_combo.setEnabled(chosen is None and pairs is None)
        if chosen is not None:
            self.scope_note.setText(f"For the {plural(len(chosen), 'selected session')}.")
        elif pairs is not None:
            self.scope_note.setText(f"For the {plural(len(pairs), 'pairing')} chosen.")
        else:
            self.scope_note.setText(_scope_hint(self.kind))
        try:
            self.plan = plan_drafts(
                self.ctx.db,
                self.kind,
                program_id=self.program_combo.currentData(),
                session_ids=chosen,
                pairing_ids=pairs,
                include_recent=self.again_check.isChecked(),
            )
        except StoreError as exc:
            self.plan = None
            self.people.setRowCount(0)
            self.count.setText("")
            self.message.show_error(str(exc))
            self._update_buttons()
            return
        if reload_template:
            self._load_template(self.plan.template)
        self._fill_people(self.plan)
        self._update_buttons()

    def _fill_people(self, plan: DraftPlan) -> None:
        self.people.setRowCount(len(plan.drafts) + len(plan.skipped))
        for row, d in enumerate(plan.drafts):
            for col, text in enumerate((d.recipient.name, d.about, "invitation attached" if d.invite_session else "")):
                item = QTableWidgetItem(text)
                item.setToolTip(d.recipient.email if col == 0 else text)
                self.people.setItem(row, col, item)
        for i, s in enumerate(plan.skipped, len(plan.drafts)):
            for col, text in enumerate((s.name, s.about, s.reason)):
                item = QTableWidgetItem(text)
                item.setForeground(QBrush(MUTED))
                self.people.setItem(i, col, item)
        self.people.resizeColumnToContents(0)
        self.people.resizeColumnToContents(2)
        skipped = f" · {plural(len(plan.skipped), 'message')} drafted before, left out" if plan.skipped else ""
        self.count.setText(f"<b>{plural(len(plan.drafts), 'message')}</b> to draft{skipped}")
        if plan.drafts:
            self.people.setCurrentCell(0, 0)
        self._show_preview()

    # --- the template ----------------------------------------------------------------------------

    def _load_template(self, t: Template) -> None:
        self._loading = True
        self.subject_edit.setText(t.subject)
        self.subject_edit.setCursorPosition(0)
        self.body_edit.setPlainText(t.body)
        self._loading = False
        self._editing = t
        self._saved = t
        self.placeholders.clear()
        for name, meaning in PLACEHOLDERS[t.kind].items():
            item = QListWidgetItem(f"{{{name}}}\n    {meaning}")
            item.setData(Qt.ItemDataRole.UserRole, name)
            item.setToolTip(meaning)
            self.placeholders.addItem(item)
        self.template_message.clear_message()
        self._template_state()

    def typed_template(self) -> Template:
        return Template(self.kind, self.subject_edit.text(), self.body_edit.toPlainText())

    def _template_edited(self) -> None:
        if self._loading:
            return
        try:
            self._editing = check_template(self.typed_template())
            self.template_message.clear_message()
        except StoreError as exc:
            self._editing = None
            self.template_message.show_error(str(exc))
        self._template_state()
        self._show_preview()
        self._update_buttons()

    @property
    def template_changed(self) -> bool:
        t, saved = self._editing, self._saved
        return t is None or saved is None or (t.subject, t.body) != (saved.subject, saved.body)

    def _template_state(self) -> None:
        saved = self._saved
        if self._editing is None:
            text = "The template has a mistake: the preview shows the last one that worked."
        elif self.template_changed:
            text = "Changed: saved in the program file with 'Save template', or when you draft."
        else:
            text = "The template PeerDesk ships." if saved is not None and saved.is_default else "Your template."
        self.template_state.setText(text)
        self.save_template_button.setEnabled(self._editing is not None and self.template_changed)
        self.default_button.setEnabled((saved is not None and not saved.is_default) or self.template_changed)

    def _insert_placeholder(self, item: QListWidgetItem) -> None:
        name = item.data(Qt.ItemDataRole.UserRole)
        target = self.subject_edit if self.subject_edit.hasFocus() else self.body_edit
        if target is self.subject_edit:
            self.subject_edit.insert(f"{{{name}}}")
        else:
            self.body_edit.insertPlainText(f"{{{name}}}")
        target.setFocus()

    def save_template(self) -> bool:
        """Store the template as typed (one undoable change); False when it does not check."""
        t = self._editing
        if t is None:
            self.tabs.setCurrentIndex(1)
            return False
        try:
            saved = self.ctx.run(f"Edit the {KINDS[self.kind].lower()} template", save_checked_template, t)
        except StoreError as exc:
            self.template_message.show_error(str(exc))
            return False
        self._saved = saved
        if self.plan is not None:
            self.plan.template = saved
        self._template_state()
        self.status.setText("Template saved in the program file.")
        return True

    def use_default(self) -> None:
        t = self.ctx.run(f"Restore the default {KINDS[self.kind].lower()} template", restore_default, self.kind)
        self._load_template(t)
        if self.plan is not None:
            self.plan.template = t
        self._show_preview()
        self._update_buttons()

    # --- the preview -----------------------------------------------------------------------------

    def _show_preview(self) -> None:
        plan = self.plan
        row = self.people.currentRow()
        if plan is None or not (0 <= row < len(plan.drafts)):
            self.preview_to.setText("")
            self.preview_subject.setText("")
            self.preview_body.setPlainText("" if plan is None or plan.drafts else "Nobody to write to.")
            self.preview_note.setText("")
            return
        d = plan.drafts[row]
        template = self._editing or self._saved or plan.template
        subject, body = plan.text(row, template)
        self.preview_to.setText(f"To: {d.recipient.name} <{d.recipient.email}>")
        self.preview_subject.setText(subject)
        self.preview_body.setPlainText(body)
        note = "Opens in your mail program as an unsent message from you."
        if d.invite_session:
            note += " The invitation to the first meeting goes with it (they can accept it in their calendar)."
        self.preview_note.setText(note)

    # --- drafting --------------------------------------------------------------------------------

    def _update_buttons(self) -> None:
        if self._writer is not None:
            return
        n = len(self.plan.drafts) if self.plan is not None else 0
        self.draft_button.setText(f"Draft {plural(n, 'e-mail')}" if n else "Draft")
        self.draft_button.setEnabled(bool(n) and self._editing is not None and not self.ctx.readonly)

    def _draft_or_stop(self) -> None:
        if self._writer is not None:
            self._writer.cancel()
            self.draft_button.setEnabled(False)
            return
        plan = self.plan
        if plan is None or not plan.drafts:
            return
        if self.template_changed and not self.save_template():
            return
        folder = self.chosen_folder()
        if folder is None:
            self.message.show_error("Choose a folder for the e-mails.")
            return
        self.message.clear_message()
        self.open_button.hide()
        self.start_writing(
            lambda work: write_drafts(plan, folder, progress=work.progress, cancelled=work.cancelled), len(plan.drafts)
        )

    def _log(self, drafts: list[Any]) -> None:
        if drafts:
            self.ctx.run(f"Draft {KINDS[self.kind].lower()}", record_drafts, logged(drafts))

    def _finished(self, result: DraftResult) -> None:
        self._done()
        self.result_value = result
        try:
            self._log(result.drafts)
        except StoreError as exc:
            self.message.show_error(f"The e-mails were written but not logged: {exc}")
        self.status.setText(result.summary())
        if result.written:
            self.open_button.show()
        self.replan()

    def _failed(self, error: BaseException) -> None:
        self._done()
        if isinstance(error, ExportError):
            if isinstance(error, DraftsError):
                self._log(error.drafts)
            self.message.show_error(str(error))
            self.replan()
            return
        widgets.report_bug(
            self,
            "Draft e-mails",
            "Drafting failed unexpectedly.",
            widgets.describe_exception(type(error), error, error.__traceback__),
        )

    def _set_running(self, running: bool, total: int) -> None:
        for w in (self.kind_combo, self.again_check, self.folder_edit, self.browse_button, self.tabs):
            w.setEnabled(not running)
        self.program_combo.setEnabled(not running and self.session_ids is None and self.pairing_ids is None)
        self.close_button.setEnabled(not running)
        self.progress.setVisible(running)
        if running:
            self.progress.setRange(0, total)
            self.progress.setValue(0)
            self.draft_button.setText("Stop")
            self.draft_button.setEnabled(True)
        else:
            self._update_buttons()


def _scope_hint(kind: str) -> str:
    return {
        "feedback": "People present at sessions held in the last 30 days who have not given feedback.",
        "reminders": "The members of pairs behind their program's cadence.",
        "welcome": "The members of pairings that started in the last 30 days.",
        "training": "Mentors with mentees who have not completed the required training.",
    }[kind]


def show_drafts_dialog(ctx: Any, parent: QWidget | None = None, **kwargs: Any) -> DraftsDialog:
    """Open the drafting dialog (modal); returns it once closed."""
    dialog = DraftsDialog(ctx, parent, **kwargs)
    widgets.exec_dialog(dialog)
    return dialog
