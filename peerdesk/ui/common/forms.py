"""What the window's small forms share: a date field set up one way, and a dialog of fields
over an inline message and OK/Cancel whose save() errors show in the message."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QDateEdit, QDialog, QDialogButtonBox, QFormLayout, QPushButton, QWidget

from peerdesk.store.errors import StoreError, ValidationError
from peerdesk.ui.common import widgets

ISO_DATE = "yyyy-MM-dd"
LONG_DATE = "ddd dd MMM yyyy"  # where the weekday matters (a session, the end of a series)


def date_edit(
    parent: QWidget | None = None,
    day: dt.date | QDate | None = None,
    *,
    tip: str = "",
    name: str = "",
    display: str = ISO_DATE,
) -> QDateEdit:
    """A date field with a calendar pop-up, showing `day` (a date or a QDate; left alone when None)."""
    edit = QDateEdit(parent)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat(display)
    if tip:
        edit.setToolTip(tip)
    if name:
        edit.setAccessibleName(name)
    if isinstance(day, dt.date):
        edit.setDate(QDate(day.year, day.month, day.day))
    elif isinstance(day, QDate):
        edit.setDate(day)
    return edit


class FormDialog(QDialog):
    """A dialog of labelled fields, an inline message and OK/Cancel.

    A subclass adds its rows to `form` (then calls finish_form()) and writes in save(); a
    StoreError or ValidationError raised there shows in the message and the dialog stays open.
    """

    def __init__(self, title: str, ok_text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.form = QFormLayout(self)
        self.message = widgets.InlineMessage(self)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok_button: QPushButton = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(ok_text)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

    def finish_form(self) -> None:
        """Put the message and the buttons under the fields."""
        self.form.addRow(self.message)
        self.form.addRow(self.buttons)

    def save(self) -> None:
        """Write what the form says; raise StoreError or ValidationError to keep the dialog open."""
        raise NotImplementedError

    def accept(self) -> None:
        try:
            self.save()
        except (ValidationError, StoreError) as exc:
            self.message.show_error(str(exc))
            return
        super().accept()
