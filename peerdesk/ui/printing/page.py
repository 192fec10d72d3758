"""The Reports page: who is eligible for recognition, printing certificates, the register of
issued certificates, and program / participant progress reports, each with a preview."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QRadioButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from peerdesk.jobs import Cancelled, Work
from peerdesk.printing import certificates, reports
from peerdesk.printing.designs import DESIGNS
from peerdesk.printing.eligibility import Candidate, candidates
from peerdesk.printing.fonts import FontMissing
from peerdesk.printing.register import Issued, export_csv, register
from peerdesk.store.errors import StoreError
from peerdesk.store.lookups import person_names
from peerdesk.store.sessions import program_choices
from peerdesk.store.settings import load_settings
from peerdesk.store.workspace import Changes
from peerdesk.ui.common import page_parts, widgets
from peerdesk.ui.common.context import AppContext
from peerdesk.ui.common.jobs import JobRunner, run_modal
from peerdesk.ui.common.refresh import when_shown
from peerdesk.ui.printing.certificate_models import (
    CLOSE,
    NOT_YET,
    QUALIFIES,
    ROW_ROLE,
    EligibleModel,
    RegisterModel,
    VerdictFilter,
)
from peerdesk.ui.printing.certificate_rules_dialog import CertificateRulesDialog
from peerdesk.ui.printing.period import PeriodChooser
from peerdesk.ui.printing.preview import PDF_FILTER, PdfPreviewDialog
from peerdesk.wording import bullets, plural

WATCHED = (
    "certificates",
    "programs",
    "program_members",
    "participants",
    "sessions",
    "session_people",
    "feedback",
    "awards",
    "pairings",
    "pairing_members",
    "goals",
    "settings",
)
ONE_PDF, ONE_EACH = "one", "each"


def _count(n: int) -> str:
    return f"{n:,}"


def _table(model: Any, widths: tuple[int, ...] = ()) -> QTableView:
    view = QTableView()
    view.setModel(model)
    view.setSortingEnabled(True)
    view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # keep the model's order
    view.setWordWrap(False)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 8)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setAlternatingRowColors(True)
    view.verticalHeader().hide()
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    view.horizontalHeader().setStretchLastSection(True)
    for column, width in enumerate(widths):
        view.setColumnWidth(column, width)
    return view


class ReportsPage(QWidget):
    """Certificates (eligible, print, register) and progress reports."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.program = QComboBox()
        self.program.setObjectName("program")
        self.program.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.period = PeriodChooser()
        top = QHBoxLayout()
        top.addWidget(QLabel("Program:"))
        top.addWidget(self.program)
        top.addWidget(QLabel("Period:"))
        top.addWidget(self.period)
        top.addStretch(1)
        self.tabs = QTabWidget()
        self.tabs.addTab(self._eligible_tab(), "Eligible for recognition")
        self.tabs.addTab(self._register_tab(), "Issued certificates")
        self.tabs.addTab(self._reports_tab(), "Progress reports")
        content = QWidget()
        cl = QVBoxLayout(content)
        cl.setContentsMargins(0, 0, 0, 0)
        cl.addLayout(top)
        cl.addWidget(self.tabs, 1)
        self.body = page_parts.EmptyView(content, self)
        self.new_program_button = self.body.empty.add_button("New program…", self.new_program)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 8)
        layout.addWidget(self.body, 1)
        self.eligible_runner = JobRunner(ctx.path, self)
        self.eligible_runner.finished.connect(self._show_eligible)
        self.eligible_runner.failed.connect(self._eligible_failed)
        self.program.currentIndexChanged.connect(self.refresh_eligible)
        self.period.changed.connect(self.refresh_eligible)
        self._stale = False
        ctx.changed.connect(when_shown(self, self._on_changed))
        self.reload()

    # --- building ---------------------------------------------------------------------

    def _eligible_tab(self) -> QWidget:
        self.eligible = EligibleModel(self)
        self.eligible_proxy = VerdictFilter(self)
        self.eligible_proxy.setSourceModel(self.eligible)
        self.eligible_view = _table(self.eligible_proxy, (200, 190, 110, 120, 260))
        self.eligible_view.setObjectName("eligibleView")
        self.show_choice = QComboBox()
        self.show_choice.setToolTip("Everyone, only those who qualify, or those close to qualifying")
        self.show_choice.setObjectName("showChoice")
        self.show_choice.addItem("Qualify or nearly eligible", {QUALIFIES, CLOSE})
        self.show_choice.addItem("Qualify", {QUALIFIES})
        self.show_choice.addItem("Everyone considered", {QUALIFIES, CLOSE, NOT_YET})
        self.show_choice.currentIndexChanged.connect(self._show_verdicts)
        self.design = QComboBox()
        self.design.setToolTip("The look of the certificates")
        self.design.setObjectName("design")
        for key, label in DESIGNS.items():
            self.design.addItem(label, key)
        self.output = QComboBox()
        self.output.setToolTip("One PDF with a page each, or one file per person in a folder")
        self.output.setObjectName("output")
        self.output.addItem("One PDF, a page each", ONE_PDF)
        self.output.addItem("One file each", ONE_EACH)
        act = page_parts.action
        self.rules_action = act(
            self, "Rules…", self.edit_rules, "Who qualifies for each kind of certificate", icon="sliders-horizontal"
        )
        self.preview_action = act(
            self, "Preview", self.preview_certificate, "The selected person's certificate", icon="eye"
        )
        self.print_action = act(
            self,
            "Print…",
            self.print_certificates,
            "Print the selected people who qualify, or everyone who qualifies when none is selected",
            icon="printer",
        )
        bar = page_parts.toolbar(self, (self.print_action, self.preview_action), (self.rules_action,))
        self.eligible_summary = QLabel()
        self.eligible_summary.setObjectName("eligibleSummary")
        options = QHBoxLayout()
        options.addWidget(QLabel("Show:"))
        options.addWidget(self.show_choice)
        options.addWidget(QLabel("Design:"))
        options.addWidget(self.design)
        options.addWidget(self.output)
        options.addStretch(1)
        self.eligible_stack = page_parts.EmptyView(self.eligible_view, self)
        self.show_everyone_button = self.eligible_stack.empty.add_button(
            "Show everyone considered", lambda: self.show_choice.setCurrentIndex(2)
        )
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addWidget(bar)
        layout.addLayout(options)
        layout.addWidget(self.eligible_summary)
        layout.addWidget(self.eligible_stack, 1)
        return tab

    def _register_tab(self) -> QWidget:
        self.register_model = RegisterModel(self)
        self.register_view = _table(self.register_model, (120, 90, 200, 200, 200))
        self.register_view.setObjectName("registerView")
        self.reprint_action = page_parts.action(
            self, "Print again…", self.reprint, "The selected certificates", icon="printer"
        )
        self.export_action = page_parts.action(
            self, "Export CSV…", self.export_register, "The whole register", icon="file-output"
        )
        bar = page_parts.toolbar(self, (self.reprint_action, self.export_action))
        self.register_summary = QLabel()
        self.register_stack = page_parts.EmptyView(self.register_view, self)
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addWidget(bar)
        layout.addWidget(self.register_summary)
        layout.addWidget(self.register_stack, 1)
        return tab

    def _reports_tab(self) -> QWidget:
        self.program_kind = QRadioButton("Program report (the program and period chosen above)")
        self.participant_kind = QRadioButton("Participant report for")
        self.program_kind.setChecked(True)
        self.person = QComboBox()
        self.person.setObjectName("person")
        self.person.setEditable(True)
        self.person.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.person.setToolTip("Choosing a person here selects their participant report")
        self.person.activated.connect(lambda _i: self.participant_kind.setChecked(True))
        line = self.person.lineEdit()
        if line is not None:
            line.textEdited.connect(lambda _text: self.participant_kind.setChecked(True))
        self.report_preview_action = page_parts.action(self, "Preview", self.preview_report, icon="eye")
        self.report_save_action = page_parts.action(self, "Save PDF…", self.save_report, icon="file-down")
        bar = page_parts.toolbar(self, (self.report_save_action, self.report_preview_action))
        row = QHBoxLayout()
        row.addWidget(self.participant_kind)
        row.addWidget(self.person, 1)
        about = QLabel(
            "The program report has a summary, goals, participation, engagement, outcomes, pairings health, "
            "top contributors and feedback highlights. Every figure is the dashboard's."
        )
        about.setWordWrap(True)
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addWidget(bar)
        layout.addWidget(self.program_kind)
        layout.addLayout(row)
        layout.addWidget(about)
        layout.addStretch(1)
        return tab

    def new_program(self) -> None:
        from peerdesk.ui.programs.dialog import ProgramDialog

        widgets.exec_dialog(ProgramDialog(self.ctx, None, self))

    # --- data -------------------------------------------------------------------------

    def reload(self) -> None:
        current = self.program.currentData()
        self.program.blockSignals(True)
        self.program.clear()
        for pid, name in program_choices(self.ctx.db):
            self.program.addItem(name, pid)
        index = self.program.findData(current)
        self.program.setCurrentIndex(index if index >= 0 else 0)
        self.program.blockSignals(False)
        if self.program.count():
            self.body.show_content()
        else:
            self.body.show_empty(
                "No program yet",
                "Certificates and progress reports are made for a program: create one, enrol its members, "
                "and this page lists who qualifies and prints their reports.",
            )
        self.new_program_button.setVisible(not self.ctx.readonly)
        person = self.person.currentData()
        self.person.clear()
        for p in person_names(self.ctx.db, archived=False):
            self.person.addItem(f"{p.name} <{p.email}>", p.id)
        index = self.person.findData(person)
        if index >= 0:
            self.person.setCurrentIndex(index)
        self.refresh_eligible()
        self.refresh_register()

    def _on_changed(self, changes: Changes) -> None:
        if changes.touches(*WATCHED):
            if self.isVisible():
                self.reload()
            else:
                self._stale = True  # figures over a large program take a moment: refresh when shown

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt API
        super().showEvent(event)
        if self._stale:
            self._stale = False
            self.reload()

    def program_id(self) -> int | None:
        return self.program.currentData()

    def refresh_eligible(self) -> None:
        """Work out who qualifies on a worker (half a second at 5,000 people); the list follows."""
        pid = self.program_id()
        self.eligible_summary.setText("Working out who qualifies…")
        self.eligible_runner.read(_eligible, pid, self.period.period())

    def _show_eligible(self, result: tuple[int | None, list[Candidate], list[Issued]]) -> None:
        pid, rows, issued = result
        serials = {(c.participant_id, c.program_id, c.kind, c.award_id): c.serial for c in issued}
        self.eligible.load(rows, {k: v for k, v in serials.items() if k[0] is not None})  # type: ignore[misc]
        qualify = sum(1 for c in rows if c.qualifies)
        close = sum(1 for c in rows if c.close)
        self.eligible_summary.setText(
            f"{_count(qualify)} qualify, {_count(close)} nearly eligible, {plural(len(rows), 'person', 'people')} "
            "considered."
        )
        has_program = pid is not None
        for act in (self.rules_action, self.print_action, self.preview_action):
            act.setEnabled(has_program)
        self._show_verdicts()

    def _show_verdicts(self) -> None:
        self.eligible_proxy.set_allowed(self.show_choice.currentData())
        rows = self.eligible.rows
        if self.eligible_proxy.rowCount():
            self.eligible_stack.show_content()
        elif not rows:
            self.eligible_stack.show_empty(
                "Nobody to consider yet",
                "Members of the program appear here with what they have done against each certificate's rules, "
                "once they lead or attend held sessions (or have the role mentor or mentee).",
            )
        else:
            self.eligible_stack.show_empty(
                "Nobody qualifies yet",
                f"{plural(len(rows), 'person', 'people')} considered: see what they still need, or adjust the rules "
                "or the period.",
            )
        self.show_everyone_button.setVisible(bool(rows) and self.show_choice.currentIndex() != 2)

    def _eligible_failed(self, error: BaseException) -> None:
        self.eligible_summary.setText("Who qualifies could not be worked out.")
        detail = widgets.describe_exception(type(error), error, error.__traceback__)
        widgets.report_bug(self, "Certificates", "Who qualifies could not be worked out.", detail)

    def refresh_register(self) -> None:
        rows = register(self.ctx.db)
        self.register_model.set_rows(rows)
        self.register_summary.setText(f"{plural(len(rows), 'certificate')} issued.")
        if rows:
            self.register_stack.show_content()
        else:
            self.register_stack.show_empty(
                "No certificates issued yet",
                "Each certificate you print is recorded here with its serial number, so printing it again "
                "gives the same certificate.",
            )
        for act in (self.reprint_action, self.export_action):
            act.setEnabled(bool(rows))

    def selected_candidates(self) -> list[Candidate]:
        rows = {i.row() for i in self.eligible_view.selectionModel().selectedRows()}
        return [self.eligible_proxy.index(r, 0).data(ROW_ROLE) for r in sorted(rows)]

    def selected_issued(self) -> list[Issued]:
        rows = {i.row() for i in self.register_view.selectionModel().selectedRows()}
        return [self.register_model.index(r, 0).data(ROW_ROLE) for r in sorted(rows)]

    # --- certificates ------------------------------------------------------------------

    def edit_rules(self) -> None:
        pid = self.program_id()
        if pid is None:
            return
        dialog = CertificateRulesDialog(self.ctx, pid, self.program.currentText(), self)
        widgets.exec_dialog(dialog)

    def preview_certificate(self) -> None:
        chosen = self.selected_candidates()
        if not chosen:
            widgets.inform(self, "Preview", "Select a person in the list to preview their certificate.")
            return
        c = chosen[0]
        serial = self.eligible.serial_of(c)
        existing = next((i for i in register(self.ctx.db, participant_id=c.participant_id) if i.serial == serial), None)
        cert = existing or certificates.preview_issued(c)
        settings = load_settings(self.ctx.db)
        design = self.design.currentData()
        try:
            data = certificates.pdf_bytes([cert], settings, design)
        except FontMissing as exc:
            widgets.warn(self, "Preview", str(exc))
            return
        title = f"Certificate for {c.name}" + ("" if existing else " (preview: the serial is given when printed)")
        dialog = PdfPreviewDialog(data, title, certificates.file_name(cert), self)
        if not c.qualifies:
            dialog.save_button.setEnabled(False)
            dialog.save_button.setToolTip("Only people who qualify get a certificate.")
        elif existing is None:
            dialog.produce = lambda: self._issue_and_render([c], design)
        widgets.exec_dialog(dialog)

    def _issue_and_render(self, chosen: list[Candidate], design: str) -> bytes:
        issued = self.ctx.run("Issue certificates", certificates.issue, chosen)
        return certificates.pdf_bytes(issued, load_settings(self.ctx.db), design)

    def print_certificates(self) -> None:
        chosen = [c for c in self.selected_candidates() if c.qualifies]
        if not chosen:
            chosen = [c for c in self.eligible.rows if c.qualifies]
        if not chosen:
            widgets.inform(self, "Print certificates", "Nobody qualifies yet. Adjust the rules or the period.")
            return
        one_pdf = self.output.currentData() == ONE_PDF
        if one_pdf:
            suggested = f"Certificates {self.program.currentText()}.pdf"
            target = widgets.ask_save_file(self, "Save certificates", PDF_FILTER, suggested)
            if target is not None and target.suffix.lower() != ".pdf":
                target = target.with_suffix(".pdf")
        else:
            target = widgets.ask_folder(self, "Folder for the certificates")
        if target is None:
            return
        issued = widgets.run_write(self.ctx, self, "Issue certificates", certificates.issue, chosen)
        if issued is None:
            return
        self._render(issued, target, one_pdf)

    def _render(self, issued: list[Issued], target: Path, one_pdf: bool) -> None:
        settings = load_settings(self.ctx.db)
        design = self.design.currentData()

        def job(work: Work) -> Any:
            if one_pdf:
                return certificates.write_pdf(
                    issued, settings, target, design, progress=work.progress, cancel=work.cancelled
                )
            return certificates.write_files(
                issued, settings, target, design, progress=work.progress, cancel=work.cancelled
            )

        try:
            result = run_modal(self, "Printing certificates", job, total=len(issued))
        except Cancelled as exc:
            kept = f" {len(exc.written)} files were written before." if exc.written else " No file was written."
            widgets.inform(self, "Print certificates", "Printing was cancelled." + kept)
            return
        except (StoreError, FontMissing, OSError) as exc:
            widgets.warn(self, "Print certificates", str(exc))
            return
        where = str(result) if one_pdf else f"{plural(len(result), 'file')} in {target}"
        done = f"{plural(len(issued), 'certificate')} saved: {where}."
        warnings = certificates.print_warnings(issued, settings)
        if warnings:
            told = bullets(warnings)
            widgets.warn(self, "Print certificates", f"{done}\n\nCheck these before handing them out:\n{told}")
        else:
            widgets.inform(self, "Print certificates", done)

    def reprint(self) -> None:
        chosen = self.selected_issued()
        if not chosen:
            widgets.inform(self, "Print again", "Select certificates in the register to print them again.")
            return
        target = widgets.ask_save_file(self, "Save certificates", PDF_FILTER, "Certificates.pdf")
        if target is None:
            return
        self._render(chosen, target if target.suffix.lower() == ".pdf" else target.with_suffix(".pdf"), True)

    def export_register(self) -> None:
        target = widgets.ask_save_file(self, "Export the register", widgets.CSV_FILTER, "Certificate register.csv")
        if target is None:
            return
        try:
            export_csv(self.register_model.rows, target)
        except StoreError as exc:
            widgets.warn(self, "Export the register", str(exc))
            return
        widgets.inform(
            self, "Export the register", f"{len(self.register_model.rows)} certificates written to {target}."
        )

    # --- progress reports --------------------------------------------------------------

    def _gather(self) -> tuple[Any, str] | None:
        """The report's figures, gathered on a worker while the window waits (a second at 5,000 people)."""
        period = self.period.period()
        if self.program_kind.isChecked():
            pid = self.program_id()
            if pid is None:
                widgets.inform(self, "Progress report", "Create a program first.")
                return None
            title = f"{self.program.currentText()} report.pdf"
            data = self._gathered(lambda work: reports.gather_program(work.reader(), pid, period))
            return None if data is None else (data, title)
        person = self.person.currentData()
        if person is None:
            widgets.inform(self, "Progress report", "Choose a participant.")
            return None
        data = self._gathered(lambda work: reports.gather_participant(work.reader(), person, period))
        return None if data is None else (data, f"{data.name} report.pdf")

    def _gathered(self, gather: Any) -> Any:
        try:
            return run_modal(self, "Gathering the report's figures", gather, path=self.ctx.path)
        except Cancelled:
            return None

    @staticmethod
    def _writer(data: Any) -> Any:
        if isinstance(data, reports.ProgramReport):
            return reports.write_program_report
        return reports.write_participant_report

    def preview_report(self) -> None:
        gathered = self._gather()
        if gathered is None:
            return
        data, name = gathered
        write = self._writer(data)
        try:
            pdf = run_modal(
                self,
                "Preparing the report",
                lambda work: write(data, None, progress=work.progress, cancel=work.cancelled),
            )
        except Cancelled:
            return
        except (StoreError, FontMissing) as exc:
            widgets.warn(self, "Progress report", str(exc))
            return
        widgets.exec_dialog(PdfPreviewDialog(pdf, f"Preview · {name.removesuffix('.pdf')}", name, self))

    def save_report(self) -> None:
        gathered = self._gather()
        if gathered is None:
            return
        data, name = gathered
        target = widgets.ask_save_file(self, "Save report", PDF_FILTER, name)
        if target is None:
            return
        if target.suffix.lower() != ".pdf":
            target = target.with_suffix(".pdf")
        write = self._writer(data)
        try:
            run_modal(
                self,
                "Writing the report",
                lambda work: write(data, target, progress=work.progress, cancel=work.cancelled),
            )
        except Cancelled:
            return
        except (StoreError, FontMissing, OSError) as exc:
            widgets.warn(self, "Progress report", str(exc))
            return
        widgets.inform(self, "Progress report", f"Report saved to {target}.")


def _eligible(db: Any, pid: int | None, period: Any) -> tuple[int | None, list[Candidate], list[Issued]]:
    """On a worker: who may get a certificate of the program, and what was issued already."""
    return pid, (candidates(db, pid, period=period) if pid is not None else []), register(db)
