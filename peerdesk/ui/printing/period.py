"""Choosing the period of a report or of eligibility: the program's dates, a quarter, or a range."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QWidget

from peerdesk import clock
from peerdesk.metrics.scope import Period
from peerdesk.ui.common.forms import date_edit

WHOLE = "whole"
RANGE = "range"


def quarters(today: dt.date, count: int = 8) -> list[Period]:
    """This quarter and the `count - 1` before it, newest first."""
    out = []
    day = today
    for _ in range(count):
        q = Period.quarter(day)
        out.append(q)
        assert q.start is not None
        day = q.start - dt.timedelta(days=1)
    return out


class PeriodChooser(QWidget):
    """A combo (whole program / a quarter / a date range) and, for a range, two date fields."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None, whole_label: str = "Program dates (a person: all time)") -> None:
        super().__init__(parent)
        self.choice = QComboBox()
        self.choice.setToolTip("The period the report covers")
        self.choice.setObjectName("periodChoice")
        self.choice.addItem(whole_label, WHOLE)
        for q in quarters(clock.today()):
            self.choice.addItem(str(q), q)
        self.choice.addItem("Date range…", RANGE)
        today = clock.today()
        self.start = date_edit(None, dt.date(today.year, 1, 1))
        self.end = date_edit(None, today)
        for edit, name in ((self.start, "periodFrom"), (self.end, "periodTo")):
            edit.setObjectName(name)
            edit.dateChanged.connect(self.changed)
        self.to_label = QLabel("to")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.choice)
        layout.addWidget(self.start)
        layout.addWidget(self.to_label)
        layout.addWidget(self.end)
        self.choice.currentIndexChanged.connect(self._choice_changed)
        self._choice_changed()

    def _choice_changed(self) -> None:
        is_range = self.choice.currentData() == RANGE
        for w in (self.start, self.to_label, self.end):
            w.setVisible(is_range)
        self.changed.emit()

    def period(self) -> Period | None:
        """The chosen period; None for the program's own dates. A reversed range is swapped."""
        data = self.choice.currentData()
        if isinstance(data, Period):
            return data
        if data == RANGE:
            a = self.start.date().toPython()
            b = self.end.date().toPython()
            start, end = (a, b) if a <= b else (b, a)
            return Period(start, end)
        return None

    def set_range(self, start: dt.date, end: dt.date) -> None:
        self.choice.setCurrentIndex(self.choice.findData(RANGE))
        self.start.setDate(QDate(start.year, start.month, start.day))
        self.end.setDate(QDate(end.year, end.month, end.day))
