"""Create or edit a SMART goal: a metric of the catalogue, its filters, a target and a deadline.

The dialog shows what the metric measures and its value today, so the coordinator sets
an achievable target.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from peerdesk import clock
from peerdesk.metrics import Period, check_goal, evaluate_goal
from peerdesk.metrics.catalogue import CATALOGUE, GROUPS, METRICS, Metric, format_value
from peerdesk.metrics.goals import WHOLE_ORGANISATION
from peerdesk.store.errors import StoreError, ValidationError
from peerdesk.store.participants import departments
from peerdesk.store.programs import Goal, Program, add_goal, update_goal
from peerdesk.store.records import PAIRING_KINDS, SESSION_KINDS
from peerdesk.ui.common import widgets
from peerdesk.ui.common.context import AppContext
from peerdesk.ui.common.forms import date_edit
from peerdesk.ui.programs.dialog import OptionalDate, from_qdate, to_qdate

UNIT_WORDS = {"count": "", "hours": " h", "percent": " %", "rating": " / 5"}


def suggested_title(m: Metric, comparison: str, target: float, deadline: dt.date) -> str:
    word = "At least" if comparison == ">=" else "At most"
    value = format_value(target, m.unit)
    return f"{word} {value} {m.label.lower()} by {deadline.day} {deadline.strftime('%B %Y')}"


class GoalDialog(QDialog):
    """New goal for a program (goal=None) or edit one."""

    def __init__(
        self, ctx: AppContext, program: Program, goal: Goal | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        assert program.id is not None
        self.ctx = ctx
        self.program = program
        self.original = goal
        self.saved: Goal | None = None
        self._title_touched = goal is not None
        self.setWindowTitle("Edit goal" if goal else f"New goal for {program.name}")
        self.setMinimumWidth(560)
        today = clock.today()
        g = goal or Goal(
            program_id=program.id,
            title="",
            metric="sessions_held",
            target=10,
            deadline=Period.quarter(today).end or today,
            start_date=Period.quarter(today).start,
        )

        self.metric_combo = QComboBox(self)
        self.metric_combo.setToolTip("The figure PeerDesk computes from your data for this goal")
        for group in GROUPS:
            for m in CATALOGUE:
                if m.group == group:
                    self.metric_combo.addItem(f"{group} · {m.label}", m.key)
        self.metric_combo.setCurrentIndex(max(0, self.metric_combo.findData(g.metric)))
        self.metric_combo.setAccessibleName("Metric")
        self.explain = QLabel(self)
        self.explain.setWordWrap(True)

        self.comparison = QComboBox(self)
        self.comparison.setToolTip("Whether the goal is met at, above or below the target")
        self.comparison.addItem("at least", ">=")
        self.comparison.addItem("at most", "<=")
        self.comparison.setCurrentIndex(0 if g.comparison == ">=" else 1)
        self.target = QDoubleSpinBox(self)
        self.target.setRange(0, 1_000_000)
        self.target.setAccessibleName("Target")
        self.target.setValue(g.target)
        target_row = QHBoxLayout()
        target_row.addWidget(self.comparison)
        target_row.addWidget(self.target, 1)

        self.param_spins: dict[str, QDoubleSpinBox] = {}
        self.param_form = QFormLayout()
        self.params_box = QWidget(self)
        self.params_box.setLayout(self.param_form)

        self.department = QComboBox(self)
        self.department.addItem("Every department", None)
        for d in departments(ctx.db):
            self.department.addItem(d, d)
        self.session_kind = QComboBox(self)
        self.session_kind.addItem("Every kind of session", None)
        for key, label in SESSION_KINDS.items():
            self.session_kind.addItem(label, key)
        self.pairing_kind = QComboBox(self)
        self.pairing_kind.addItem("Any pairing (or none)", None)
        for key, label in PAIRING_KINDS.items():
            self.pairing_kind.addItem(label, key)
        for combo, key in (
            (self.department, "department"),
            (self.session_kind, "session_kind"),
            (self.pairing_kind, "pairing_kind"),
        ):
            combo.setCurrentIndex(max(0, combo.findData(g.params.get(key))))
        self.whole = QCheckBox("Count the whole organisation, not only this program", self)
        self.whole.setChecked(bool(g.params.get(WHOLE_ORGANISATION)))

        self.start = OptionalDate("From", g.start_date, self)
        self.deadline = date_edit(self, g.deadline, tip="The day by which the target must be reached", name="Deadline")
        quick = QHBoxLayout()
        for label, make in (
            ("This quarter", Period.quarter),
            ("This half", Period.half),
            ("This year", Period.year),
        ):
            button = QPushButton(label, self)
            button.clicked.connect(lambda _=False, f=make: self._set_period(f(clock.today())))
            quick.addWidget(button)
        program_dates = QPushButton("Program dates", self)
        program_dates.setEnabled(program.end_date is not None)
        program_dates.clicked.connect(lambda: self._set_period(Period(program.start_date, program.end_date)))
        quick.addWidget(program_dates)
        quick.addStretch(1)

        self.title = QLineEdit(g.title, self)
        self.title.setPlaceholderText("Say what success looks like")
        self.title.textEdited.connect(lambda _: setattr(self, "_title_touched", True))
        self.preview = QLabel(self)
        self.preview.setWordWrap(True)
        self.preview_timer = QTimer(self)
        self.preview_timer.setSingleShot(True)
        self.preview_timer.setInterval(250)
        self.preview_timer.timeout.connect(self._update_preview)

        form = QFormLayout()
        form.addRow("&Metric", self.metric_combo)
        form.addRow("", self.explain)
        form.addRow("Target", target_row)
        form.addRow("", self.params_box)
        form.addRow("Department", self.department)
        form.addRow("Session kind", self.session_kind)
        form.addRow("Pairing kind", self.pairing_kind)
        form.addRow("", self.whole)
        dates = QHBoxLayout()
        dates.addWidget(self.start)
        dates.addWidget(QLabel("Deadline", self))
        dates.addWidget(self.deadline)
        form.addRow("Time-bound", dates)
        form.addRow("", quick)
        form.addRow("T&itle", self.title)

        self.message = widgets.InlineMessage(self)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Add goal" if goal is None else "Save")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.preview)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

        self.metric_combo.currentIndexChanged.connect(lambda _: self._metric_changed())
        for signal in (
            self.comparison.currentIndexChanged,
            self.target.valueChanged,
            self.department.currentIndexChanged,
            self.session_kind.currentIndexChanged,
            self.pairing_kind.currentIndexChanged,
            self.whole.toggled,
            self.deadline.dateChanged,
            self.start.edit.dateChanged,
            self.start.check.toggled,
        ):
            signal.connect(lambda *_: self._schedule_preview())
        self._metric_changed(dict(g.params))

    # --- reacting -----------------------------------------------------------------------

    def current_metric(self) -> Metric:
        return METRICS[str(self.metric_combo.currentData())]

    def _set_period(self, period: Period) -> None:
        self.start.set_value(period.start)
        if period.end:
            self.deadline.setDate(to_qdate(period.end))

    def _metric_changed(self, params: dict[str, Any] | None = None) -> None:
        m = self.current_metric()
        self.explain.setText(f"<i>{m.description}</i>")
        while self.param_form.rowCount():
            self.param_form.removeRow(0)
        self.param_spins = {}
        for p in m.params:
            spin = QDoubleSpinBox(self.params_box)
            spin.setDecimals(0 if p.integer else 1)
            spin.setRange(p.minimum, p.maximum)
            spin.setValue(float((params or {}).get(p.key, p.default)))
            spin.setAccessibleName(p.label)
            spin.valueChanged.connect(lambda *_: self._schedule_preview())
            self.param_form.addRow(p.label, spin)
            self.param_spins[p.key] = spin
        self.params_box.setVisible(bool(m.params))
        self.department.setEnabled("department" in m.filters)
        self.session_kind.setEnabled("session_kind" in m.filters)
        self.pairing_kind.setEnabled("pairing_kind" in m.filters)
        self.target.setSuffix(UNIT_WORDS[m.unit])
        self.target.setDecimals(1 if m.unit in ("rating", "hours") else 0)
        self.target.setMaximum(100 if m.unit == "percent" else 5 if m.unit == "rating" else 1_000_000)
        self._schedule_preview()

    def goal(self) -> Goal:
        m = self.current_metric()
        params: dict[str, Any] = {}
        for key, spin in self.param_spins.items():
            spec = next(p for p in m.params if p.key == key)
            params[key] = int(spin.value()) if spec.integer else spin.value()
        for combo, key in (
            (self.department, "department"),
            (self.session_kind, "session_kind"),
            (self.pairing_kind, "pairing_kind"),
        ):
            if combo.isEnabled() and combo.currentData() is not None:
                params[key] = combo.currentData()
        if self.whole.isChecked():
            params[WHOLE_ORGANISATION] = True
        deadline = from_qdate(self.deadline.date())
        comparison = str(self.comparison.currentData())
        title = self.title.text().strip() or suggested_title(m, comparison, self.target.value(), deadline)
        base = self.original or Goal(self.program.id or 0, "", m.key, 0, deadline)
        return replace(
            base,
            title=title,
            metric=m.key,
            params=params,
            comparison=comparison,
            target=self.target.value(),
            start_date=self.start.value(),
            deadline=deadline,
        )

    def _schedule_preview(self) -> None:
        """Update the suggested title now, and today's value once typing pauses (it reads the data)."""
        if not self._title_touched:
            m = self.current_metric()
            deadline = from_qdate(self.deadline.date())
            self.title.setText(suggested_title(m, str(self.comparison.currentData()), self.target.value(), deadline))
        self.preview_timer.start()

    def _update_preview(self) -> None:
        try:
            g = check_goal(self.goal())
            p = evaluate_goal(self.ctx.db, g, self.program)  # as the programs page will show it
        except (ValidationError, ValueError) as exc:
            self.preview.setText(f"<span>{exc}</span>")
            return
        if p.actual is None and p.period.start and p.period.start > clock.today():
            self.preview.setText(f"Starts on {p.period.start.isoformat()}; nothing to measure yet.")
            return
        self.preview.setText(
            f"Today: <b>{p.actual_text}</b> over {p.period} — target {p.target_text}. "
            f"Status now: <b>{p.status_label}</b>."
        )

    def accept(self) -> None:
        try:
            goal = check_goal(self.goal())
        except ValidationError as exc:
            self.message.show_error(str(exc))
            return
        label = f"Edit goal {goal.title}" if self.original else f"Add goal {goal.title}"
        try:
            self.saved = self.ctx.run(label, update_goal if self.original else add_goal, goal)
        except ValidationError as exc:
            self.message.show_error(str(exc))
            return
        except StoreError as exc:
            self.message.show_error(str(exc))
            return
        super().accept()
