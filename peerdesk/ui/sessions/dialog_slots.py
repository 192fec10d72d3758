"""The session dialog's scheduling assistant: times when everyone invited is free."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from peerdesk.sessions.scheduling import SlotSearch, suggest_slots
from peerdesk.ui.sessions.models import format_local, zone_city


class SlotsTab:
    """The Find a slot tab of the session dialog: times when everyone invited is free."""

    def _slot_tab(self) -> QWidget:
        w = QWidget(self)
        layout = QVBoxLayout(w)
        intro = QLabel(
            "Find the earliest times when every host and attendee is inside their weekly availability "
            "(in their own time zone) and in no other session.",
            w,
        )
        intro.setWordWrap(True)
        row = QHBoxLayout()
        self.weeks_spin = QSpinBox(w)
        self.weeks_spin.setToolTip("How many weeks ahead to look for a free time")
        self.weeks_spin.setRange(1, 26)
        self.weeks_spin.setValue(4)
        self.weeks_spin.setPrefix("within the next ")
        self.weeks_spin.setSuffix(" weeks")
        self.find_button = QPushButton("Find slots", w)
        self.find_button.setToolTip("The earliest times inside everyone's availability, in their own zones")
        self.find_button.clicked.connect(self.find_slots)
        row.addWidget(self.weeks_spin)
        row.addWidget(self.find_button)
        row.addStretch(1)
        self.slot_list = QListWidget(w)
        self.slot_list.itemDoubleClicked.connect(lambda _item: self.use_slot())
        self.use_slot_button = QPushButton("Use this time", w)
        self.use_slot_button.setToolTip("Move the session to the selected time")
        self.use_slot_button.clicked.connect(self.use_slot)
        self.slot_message = QLabel(w)
        self.slot_message.setWordWrap(True)
        layout.addWidget(intro)
        layout.addLayout(row)
        layout.addWidget(self.slot_list, 1)
        layout.addWidget(self.slot_message)
        layout.addWidget(self.use_slot_button, 0, Qt.AlignmentFlag.AlignRight)
        return w

    def find_slots(self) -> SlotSearch:
        ids = [r.participant_id for r in self.people.rows]
        self.slot_list.clear()
        if not ids:
            self.slot_message.setText("Add hosts or attendees on the People tab first.")
            self.last_search = SlotSearch(())
            return self.last_search
        search = suggest_slots(
            self.db,
            ids,
            self.duration_spin.value(),
            weeks=self.weeks_spin.value(),
            exclude_session_id=self.original.id if self.original else None,
            display_tz=self.display_tz,
            pairing_id=self.pairing_combo.currentData(),  # never before the pairing starts
        )
        self.last_search = search
        zones = sorted({r.timezone for r in self.people.rows} - {self.display_tz})
        for slot in search.slots:
            text = format_local(slot.start_utc, self.display_tz)
            others = [f"{format_local(slot.start_utc, z, with_date=False)} {zone_city(z)}" for z in zones]
            if others:
                text += "   (" + ", ".join(others) + ")"
            item = QListWidgetItem(text, self.slot_list)
            item.setData(Qt.ItemDataRole.UserRole, slot.start_utc)
        if search.slots:
            self.slot_list.setCurrentRow(0)
            self.slot_message.setText(
                f"{len(search.slots)} proposal{'s' if len(search.slots) != 1 else ''}: the earliest start of each "
                "free stretch everyone shares. Double-click one to use it."
            )
        else:
            self.slot_message.setText(search.message)
        return search

    def use_slot(self) -> None:
        item = self.slot_list.currentItem()
        if item is None:
            return
        start: dt.datetime = item.data(Qt.ItemDataRole.UserRole)
        self._set_local_start(start.astimezone(zoneinfo.ZoneInfo(self._zone())))
        self.tabs.setCurrentIndex(0)
