"""The organisation's settings, stored in the program file (saving is one undoable step)."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from peerdesk.store.errors import StoreError, ValidationError
from peerdesk.store.settings import Settings, load_settings, save_settings
from peerdesk.ui.common import widgets
from peerdesk.ui.common.context import AppContext

PAPER_LABELS = {"A4": "A4", "Letter": "US Letter"}
_PREVIEW = QSize(160, 64)


class ImagePicker(QWidget):
    """A file path with a Choose… button, a Remove button and a preview of the image."""

    def __init__(self, title: str, path: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._title = title
        self.path = ""
        self.preview = QLabel(self)
        self.preview.setFixedSize(_PREVIEW + QSize(8, 8))
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setStyleSheet("QLabel { border: 1px dashed #b0b0b0; border-radius: 4px; color: #777; }")
        self.name_label = QLabel(self)
        self.name_label.setWordWrap(True)
        self.choose_button = QPushButton("Choose…", self)
        self.choose_button.setToolTip("Choose an image file for the logo")
        self.remove_button = QPushButton("Remove", self)
        self.choose_button.clicked.connect(self.choose)
        self.remove_button.clicked.connect(lambda: self.set_path(""))
        side = QVBoxLayout()
        side.addWidget(self.name_label)
        buttons = QHBoxLayout()
        buttons.addWidget(self.choose_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        side.addLayout(buttons)
        side.addStretch(1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.preview)
        layout.addLayout(side, 1)
        self.set_path(path)

    def choose(self) -> None:
        chosen = widgets.ask_open_file(self, self._title, widgets.IMAGE_FILTER)
        if chosen is None:
            return
        if widgets.image_preview(str(chosen), _PREVIEW) is None:
            widgets.warn(self, self._title, f"{chosen.name} is not an image PeerDesk can read.")
            return
        self.set_path(str(chosen))

    def set_path(self, path: str) -> None:
        self.path = path
        pixmap = widgets.image_preview(path, _PREVIEW)
        if pixmap is not None:
            self.preview.setPixmap(pixmap)
            self.name_label.setText(path)
        else:
            self.preview.setPixmap(QPixmap())
            self.preview.setText("No image")
            self.name_label.setText(f"Missing: {path}" if path else "")
        self.remove_button.setEnabled(bool(path))


class SettingsDialog(QDialog):
    """Organisation name and logo, coordinator, defaults, certificates and housekeeping."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("Settings")
        self.setMinimumWidth(520)
        self.original = load_settings(ctx.db)
        s = self.original
        self.saved: Settings | None = None

        self.organisation_edit = QLineEdit(s.organisation, self)
        self.logo = ImagePicker("Choose the organisation's logo", s.logo_path, self)
        self.coordinator_name_edit = QLineEdit(s.coordinator_name, self)
        self.coordinator_email_edit = QLineEdit(s.coordinator_email, self)
        self.coordinator_email_edit.setPlaceholderText("The organiser of every calendar invite")
        self.zone_combo = widgets.zone_combo(self)
        self.zone_combo.setCurrentText(s.timezone)
        self.paper_combo = QComboBox(self)
        self.paper_combo.setToolTip("Paper size of certificates and reports")
        for value, label in PAPER_LABELS.items():
            self.paper_combo.addItem(label, value)
        self.paper_combo.setCurrentIndex(max(0, self.paper_combo.findData(s.paper_size)))
        self.signer_name_edit = QLineEdit(s.signer_name, self)
        self.signer_title_edit = QLineEdit(s.signer_title, self)
        self.signature = ImagePicker("Choose the signature image", s.signature_path, self)
        self.backups_spin = self._spin(1, 100, s.backups_kept, "")
        self.reminder_spin = self._spin(0, 7 * 24 * 60, s.reminder_minutes, " min")
        self.buddy_spin = self._spin(1, 100, s.buddy_no_repeat_rounds, " rounds")
        self.survey_edit = QLineEdit(s.survey_url, self)
        self.survey_edit.setPlaceholderText("https://forms.office.com/… or https://forms.gle/…")
        self.survey_edit.setToolTip("The feedback survey that drafted feedback requests link to")

        organisation = QGroupBox("Organisation", self)
        form = QFormLayout(organisation)
        form.addRow("&Name", self.organisation_edit)
        form.addRow("Logo", self.logo)
        form.addRow("Coordinator's na&me", self.coordinator_name_edit)
        form.addRow("Coordinator's &e-mail", self.coordinator_email_edit)
        form.addRow("Default &time zone", self.zone_combo)

        printing = QGroupBox("Certificates and reports", self)
        form = QFormLayout(printing)
        form.addRow("&Paper size", self.paper_combo)
        form.addRow("&Signed by", self.signer_name_edit)
        form.addRow("Signer's tit&le", self.signer_title_edit)
        form.addRow("Signature", self.signature)

        other = QGroupBox("Invites, matching and backups", self)
        form = QFormLayout(other)
        form.addRow("Invite &reminder", self.reminder_spin)
        form.addRow("Feedback &survey link", self.survey_edit)
        form.addRow("&Buddy rounds without repeats", self.buddy_spin)
        form.addRow("&Backups kept", self.backups_spin)

        self.message = widgets.InlineMessage(self)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(not ctx.readonly)

        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(organisation)
        layout.addWidget(printing)
        layout.addWidget(other)
        layout.addWidget(self.buttons)

    def _spin(self, low: int, high: int, value: int, suffix: str) -> QSpinBox:
        spin = QSpinBox(self)
        spin.setRange(low, high)
        spin.setValue(value)
        spin.setSuffix(suffix)
        return spin

    def settings(self) -> Settings:
        """The settings as entered (not yet validated)."""
        return replace(
            self.original,
            organisation=self.organisation_edit.text(),
            logo_path=self.logo.path,
            coordinator_name=self.coordinator_name_edit.text().strip(),
            coordinator_email=self.coordinator_email_edit.text(),
            timezone=self.zone_combo.currentText().strip(),
            paper_size=self.paper_combo.currentData(),
            signer_name=self.signer_name_edit.text().strip(),
            signer_title=self.signer_title_edit.text().strip(),
            signature_path=self.signature.path,
            backups_kept=self.backups_spin.value(),
            reminder_minutes=self.reminder_spin.value(),
            buddy_no_repeat_rounds=self.buddy_spin.value(),
            survey_url=self.survey_edit.text().strip(),
        )

    def accept(self) -> None:
        s = self.settings()
        if s != self.original:
            try:
                self.saved = self.ctx.run("Change settings", save_settings, s)
            except ValidationError as exc:
                self.message.show_error(str(exc))
                target = {
                    "coordinator_email": self.coordinator_email_edit,
                    "timezone": self.zone_combo,
                    "paper_size": self.paper_combo,
                    "backups_kept": self.backups_spin,
                    "reminder_minutes": self.reminder_spin,
                    "buddy_no_repeat_rounds": self.buddy_spin,
                    "survey_url": self.survey_edit,
                }.get(exc.field or "")
                if target is not None:
                    target.setFocus()
                return
            except StoreError as exc:
                self.message.show_error(str(exc))
                return
        super().accept()
