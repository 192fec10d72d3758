"""The session dialog's Repeat tab: a session that repeats weekly or monthly, as a series."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from peerdesk.sessions.recurrence import (
    Recurrence,
)
from peerdesk.store.errors import ValidationError
from peerdesk.ui.common.forms import LONG_DATE, date_edit

REPEATS = (
    (None, "Does not repeat"),
    ("weekly", "Weekly"),
    ("monthly_weekday", "Monthly on the same weekday"),
    ("monthly_date", "Monthly on the same date"),
)


class RepeatTab:
    """The Repeat tab of the session dialog: how a session repeats, and the series it makes."""

    def _repeat_tab(self) -> QWidget:
        w = QWidget(self)
        layout = QVBoxLayout(w)
        self.series_box = QGroupBox("This session is one occurrence of a series", w)
        sb = QVBoxLayout(self.series_box)
        self.series_label = QLabel(self.series_box)
        self.only_this_radio = QRadioButton("Apply my changes to this occurrence only", self.series_box)
        self.following_radio = QRadioButton("Apply my changes to this and all following occurrences", self.series_box)
        self.only_this_radio.setChecked(True)
        scope = QButtonGroup(self.series_box)
        scope.addButton(self.only_this_radio)
        scope.addButton(self.following_radio)
        sb.addWidget(self.series_label)
        sb.addWidget(self.only_this_radio)
        sb.addWidget(self.following_radio)
        layout.addWidget(self.series_box)

        self.repeat_box = QGroupBox("Repeat", w)
        form = QFormLayout(self.repeat_box)
        self.repeat_combo = QComboBox(self.repeat_box)
        for key, label in REPEATS:
            self.repeat_combo.addItem(label, key)
        self.interval_spin = QSpinBox(self.repeat_box)
        self.interval_spin.setToolTip("Every how many days, weeks or months")
        self.interval_spin.setRange(1, 52)
        self.interval_spin.setMaximumWidth(160)
        self.count_radio = QRadioButton("After", self.repeat_box)
        self.count_spin = QSpinBox(self.repeat_box)
        self.count_spin.setToolTip("How many occurrences in all")
        self.count_spin.setRange(2, 520)
        self.count_spin.setValue(6)
        self.count_spin.setSuffix(" times")
        self.until_radio = QRadioButton("On", self.repeat_box)
        self.until_edit = date_edit(self.repeat_box, tip="The last day of the series", display=LONG_DATE)
        self.count_radio.setChecked(True)
        ends = QButtonGroup(self.repeat_box)
        ends.addButton(self.count_radio)
        ends.addButton(self.until_radio)
        end_row = QHBoxLayout()
        end_row.addWidget(self.count_radio)
        end_row.addWidget(self.count_spin)
        end_row.addSpacing(16)
        end_row.addWidget(self.until_radio)
        end_row.addWidget(self.until_edit)
        end_row.addStretch(1)
        self.repeat_summary = QLabel(self.repeat_box)
        self.repeat_summary.setWordWrap(True)
        form.addRow("&Repeats", self.repeat_combo)
        form.addRow("&Every", self.interval_spin)
        form.addRow("Ends", end_row)
        form.addRow("", self.repeat_summary)
        layout.addWidget(self.repeat_box)
        layout.addStretch(1)
        for signal in (
            self.repeat_combo.currentIndexChanged,
            self.interval_spin.valueChanged,
            self.count_spin.valueChanged,
            self.until_edit.dateChanged,
            self.count_radio.toggled,
        ):
            signal.connect(self._repeat_changed)
        return w

    def _repeat_changed(self, *_: Any) -> None:
        freq = self.repeat_combo.currentData()
        enabled = freq is not None
        for widget in (self.interval_spin, self.count_radio, self.count_spin, self.until_radio, self.until_edit):
            widget.setEnabled(enabled)
        self.count_spin.setEnabled(enabled and self.count_radio.isChecked())
        self.until_edit.setEnabled(enabled and self.until_radio.isChecked())
        unit = "month" if freq and freq.startswith("monthly") else "week"
        self.interval_spin.setSuffix(f" {unit}" if self.interval_spin.value() == 1 else f" {unit}s")
        rec = self._recurrence()
        if rec is None:
            self.repeat_summary.setText("One session." if not enabled else "")
            return
        try:
            local = self._start_utc().astimezone(zoneinfo.ZoneInfo(self._zone()))
            self.repeat_summary.setText(rec.validate().describe(local))
        except ValidationError as exc:
            self.repeat_summary.setText(str(exc))

    def _recurrence(self) -> Recurrence | None:
        freq = self.repeat_combo.currentData()
        if freq is None or self.in_series:
            return None
        if self.count_radio.isChecked():
            return Recurrence(freq, self.interval_spin.value(), count=self.count_spin.value())
        d = self.until_edit.date()
        return Recurrence(freq, self.interval_spin.value(), until=dt.date(d.year(), d.month(), d.day()))
