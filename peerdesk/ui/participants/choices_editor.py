"""The participant dialog's Preferences tab: ranked preferred partners, a mentor to keep, people to avoid."""

from __future__ import annotations

import re
from collections.abc import Mapping

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from peerdesk.matching.choices import ordinal
from peerdesk.store.records import MAX_PREFERRED
from peerdesk.ui.common import widgets

_EMAIL_IN = re.compile(r"<([^<>\s]+@[^<>\s]+)>\s*$")
HINT_STYLE = "QLabel#choiceHint { color: #5f6368; }"


def entry(name: str, email: str) -> str:
    """'Ana Silva <ana@example.com>': how a person is offered and listed."""
    return f"{name} <{email}>"


class PeopleList(QWidget):
    """A titled list of people picked by name or e-mail (completed over the participants), with
    Remove, and when ranked, Up and Down; at most `limit` entries."""

    changed = Signal()

    def __init__(
        self,
        title: str,
        people: Mapping[str, str],
        emails: tuple[str, ...],
        *,
        ranked: bool,
        limit: int | None = None,
        hint: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.people = people  # e-mail -> name, everyone who can be picked
        self.ranked = ranked
        self.limit = limit
        self.title = title
        self.heading = QLabel(f"<b>{title}</b>", self)
        self.hint = QLabel(hint, self)
        self.hint.setWordWrap(True)
        self.hint.setObjectName("choiceHint")
        self.hint.setStyleSheet(HINT_STYLE)
        self.hint.setVisible(bool(hint))
        self.list = QListWidget(self)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setAccessibleName(title)
        rows = limit if limit is not None else 4  # as tall as the list can get, or four rows
        self.list.setFixedHeight(rows * self.list.fontMetrics().lineSpacing() + 2 * self.list.frameWidth() + 8)
        self.picker = QLineEdit(self)
        self.picker.setPlaceholderText("Type a name or e-mail, then Add")
        self.picker.setAccessibleName(f"Add to {title.lower()}")
        self.picker.setCompleter(widgets.word_completer(sorted(entry(n, e) for e, n in people.items()), self.picker))
        self.picker.returnPressed.connect(self.add_typed)
        self.add_button = QPushButton("Add", self)
        self.add_button.clicked.connect(self.add_typed)
        self.remove_button = QPushButton("Remove", self)
        self.remove_button.clicked.connect(self.remove_selected)
        self.up_button = QPushButton("Up", self)
        self.up_button.setToolTip("A higher choice")
        self.up_button.clicked.connect(lambda: self.move(-1))
        self.down_button = QPushButton("Down", self)
        self.down_button.setToolTip("A lower choice")
        self.down_button.clicked.connect(lambda: self.move(1))
        self.up_button.setVisible(ranked)
        self.down_button.setVisible(ranked)
        self.problem = QLabel(self)
        self.problem.setObjectName("choiceProblem")
        self.problem.setStyleSheet("QLabel#choiceProblem { color: #8a1c12; }")
        self.problem.hide()

        add_row = QHBoxLayout()
        add_row.addWidget(self.picker, 1)
        add_row.addWidget(self.add_button)
        side = QVBoxLayout()
        for b in (self.up_button, self.down_button, self.remove_button):
            side.addWidget(b)
        side.addStretch(1)
        body = QHBoxLayout()
        body.addWidget(self.list, 1)
        body.addLayout(side)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addWidget(self.hint)
        layout.addLayout(body)
        layout.addLayout(add_row)
        layout.addWidget(self.problem)
        self._emails: list[str] = []
        for email in emails:
            self._emails.append(email)
        self.list.currentRowChanged.connect(self._update)
        self._refill()

    def emails(self) -> tuple[str, ...]:
        return tuple(self._emails)

    def _label(self, pos: int, email: str) -> str:
        name = self.people.get(email)
        who = entry(name, email) if name else f"{email} (not a participant)"
        return f"{ordinal(pos + 1)} choice: {who}" if self.ranked else who

    def _refill(self, current: int | None = None) -> None:
        self.list.clear()
        for pos, email in enumerate(self._emails):
            QListWidgetItem(self._label(pos, email), self.list)
        if current is not None and 0 <= current < len(self._emails):
            self.list.setCurrentRow(current)
        self._update()
        self.changed.emit()

    def _update(self) -> None:
        row = self.list.currentRow()
        full = self.limit is not None and len(self._emails) >= self.limit
        self.add_button.setEnabled(not full)
        self.picker.setEnabled(not full)
        if full:
            self.picker.setPlaceholderText(f"At most {self.limit}: remove one to add another")
        else:
            self.picker.setPlaceholderText("Type a name or e-mail, then Add")
        self.remove_button.setEnabled(row >= 0)
        self.up_button.setEnabled(row > 0)
        self.down_button.setEnabled(0 <= row < len(self._emails) - 1)

    def _say(self, text: str) -> None:
        self.problem.setText(text)
        self.problem.setVisible(bool(text))

    def email_of(self, text: str) -> str | None:
        """The participant's e-mail a typed text names: 'Name <email>', an e-mail, or a name only one has."""
        text = text.strip()
        m = _EMAIL_IN.search(text)
        email = (m.group(1) if m else text).lower()
        if email in self.people:
            return email
        named = [e for e, n in self.people.items() if n.casefold() == text.casefold()]
        return named[0] if len(named) == 1 else None

    def add_typed(self) -> None:
        text = self.picker.text().strip()
        if not text:
            return
        email = self.email_of(text)
        if email is None:
            self._say(f"“{text}” is not a participant: pick someone from the list as you type.")
            return
        self.add(email)

    def add(self, email: str) -> bool:
        """Add someone by e-mail (False with a message when they are listed already or the list is full)."""
        if email in self._emails:
            self._say(f"{self.people.get(email, email)} is listed already.")
            return False
        if self.limit is not None and len(self._emails) >= self.limit:
            self._say(f"At most {self.limit} can be named.")
            return False
        self._emails.append(email)
        self.picker.clear()
        self._say("")
        self._refill(len(self._emails) - 1)
        return True

    def remove_selected(self) -> None:
        row = self.list.currentRow()
        if 0 <= row < len(self._emails):
            del self._emails[row]
            self._refill(min(row, len(self._emails) - 1))

    def move(self, step: int) -> None:
        row = self.list.currentRow()
        to = row + step
        if 0 <= row < len(self._emails) and 0 <= to < len(self._emails):
            self._emails[row], self._emails[to] = self._emails[to], self._emails[row]
            self._refill(to)


class ChoicesTab(QWidget):
    """What this person asked for: preferred partners (ranked), keeping their mentor, people to avoid."""

    def __init__(
        self,
        people: Mapping[str, str],
        prefers: tuple[str, ...],
        keep_mentor: bool,
        avoids: tuple[str, ...],
        mentor_name: str | None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.prefers = PeopleList(
            "Preferred partners",
            people,
            prefers,
            ranked=True,
            limit=MAX_PREFERRED,
            hint=f"Up to {MAX_PREFERRED}, 1st choice first. Matching gives weight to a granted choice "
            "(the Stated choice slider on the Pairings page); it never overrides a rule.",
            parent=self,
        )
        self.keep_check = QCheckBox("Wants to keep their current or previous mentor", self)
        self.keep_check.setChecked(keep_mentor)
        self.keep_check.setToolTip("In mentoring rounds, that mentor counts as their 1st choice")
        self.mentor_label = QLabel(
            f"Their mentor now or most recently: {mentor_name}" if mentor_name else "They have had no mentor yet.",
            self,
        )
        self.mentor_label.setObjectName("choiceHint")
        self.mentor_label.setStyleSheet(HINT_STYLE)
        self.avoids = PeopleList(
            "Never pair with",
            people,
            avoids,
            ranked=False,
            hint="A hard rule, like the never-pair list. Private: never exported, never shown to those named.",
            parent=self,
        )
        layout = QVBoxLayout(self)
        layout.addWidget(self.prefers)
        layout.addSpacing(4)
        layout.addWidget(self.keep_check)
        layout.addWidget(self.mentor_label)
        layout.addSpacing(10)
        layout.addWidget(self.avoids)
        layout.addStretch(1)
