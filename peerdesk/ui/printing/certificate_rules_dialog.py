"""Edit a program's certificate rules: which kinds it gives, their heading, and the thresholds."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from peerdesk.printing.eligibility import FIGURES, KINDS, Condition, KindRule, rules_for, save_rules
from peerdesk.store.errors import StoreError
from peerdesk.ui.common.context import AppContext
from peerdesk.ui.common.widgets import InlineMessage

# The figures offered for each kind's rule (a custom award has no threshold: the award is the rule).
OFFERED = {
    "recognition": ("sessions_led", "hours_mentored", "people_helped", "rating_avg", "good_ratings"),
    "completion": ("program_completed", "sessions_attended", "learning_hours"),
    "custom": (),
}
_MAX = {"rating": 5.0, "yesno": 1.0}


class CertificateRulesDialog(QDialog):
    """One group per kind: enabled, heading, and a threshold per figure (ticked = required)."""

    def __init__(self, ctx: AppContext, program_id: int, program_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.program_id = program_id
        self.setWindowTitle(f"Certificate rules · {program_name}")
        self.rules = rules_for(ctx.db, program_id)
        self.enabled: dict[str, QCheckBox] = {}
        self.headings: dict[str, QLineEdit] = {}
        self.required: dict[tuple[str, str], QCheckBox] = {}
        self.thresholds: dict[tuple[str, str], QDoubleSpinBox] = {}
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(
                "A person qualifies when every ticked condition holds; those within 75% of each threshold are listed as close."
            )
        )
        for kind, label in KINDS.items():
            layout.addWidget(self._group(kind, label))
        self.message = InlineMessage()
        self.message.hide()
        layout.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def _group(self, kind: str, label: str) -> QGroupBox:
        rule = self.rules[kind]
        box = QGroupBox(label)
        form = QFormLayout(box)
        enabled = QCheckBox("Give this certificate")
        enabled.setObjectName(f"enabled_{kind}")
        enabled.setChecked(rule.enabled)
        self.enabled[kind] = enabled
        form.addRow(enabled)
        heading = QLineEdit(rule.heading)
        heading.setObjectName(f"heading_{kind}")
        heading.setPlaceholderText("Heading printed on the certificate")
        if kind == "custom":
            heading.setToolTip("An award prints its own title; this heading is used when it has none.")
        self.headings[kind] = heading
        form.addRow("Heading", heading)
        if OFFERED[kind]:
            grid = QGridLayout()
            current = {c.figure: c.at_least for c in rule.conditions}
            for row, key in enumerate(OFFERED[kind]):
                figure = FIGURES[key]
                tick = QCheckBox(figure.label.capitalize())
                tick.setObjectName(f"use_{kind}_{key}")
                tick.setChecked(key in current)
                grid.addWidget(tick, row, 0)
                self.required[(kind, key)] = tick
                if figure.unit == "yesno":
                    continue
                spin = QDoubleSpinBox()
                spin.setObjectName(f"min_{kind}_{key}")
                spin.setDecimals(1 if figure.unit in ("hours", "rating") else 0)
                spin.setRange(0, _MAX.get(figure.unit, 10_000))
                spin.setSingleStep(0.5 if figure.unit == "rating" else 1)
                spin.setValue(current.get(key, 1.0 if figure.unit != "rating" else 4.0))
                spin.setPrefix("at least ")
                spin.setEnabled(tick.isChecked())
                tick.toggled.connect(spin.setEnabled)
                grid.addWidget(spin, row, 1)
                self.thresholds[(kind, key)] = spin
            form.addRow(grid)
        return box

    def collected(self) -> dict[str, KindRule]:
        rules = {}
        for kind in KINDS:
            conditions = tuple(
                Condition(key, self.thresholds[(kind, key)].value() if (kind, key) in self.thresholds else 1.0)
                for key in OFFERED[kind]
                if self.required[(kind, key)].isChecked()
            )
            rules[kind] = KindRule(kind, self.enabled[kind].isChecked(), self.headings[kind].text(), conditions)
        return rules

    def save(self) -> None:
        try:
            self.ctx.run("Edit certificate rules", save_rules, self.program_id, self.collected())
        except StoreError as exc:
            self.message.setText(str(exc))
            self.message.show()
            return
        self.accept()
