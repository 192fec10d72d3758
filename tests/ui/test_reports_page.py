"""The Reports page: eligible view, rules dialog, preview, batch printing with cancel, register, reports."""

from __future__ import annotations

import json

import pytest

from peerdesk.printing import certificates
from peerdesk.store.settings import load_settings
from peerdesk.ui.common import widgets
from peerdesk.ui.printing.certificate_rules_dialog import CertificateRulesDialog
from peerdesk.ui.printing.page import ReportsPage
from peerdesk.ui.printing.preview import PdfPreviewDialog, render_pages
from tests.printing.conftest import NAMES, build
from tests.printing.pdfcheck import contains_name, page_texts

pytestmark = pytest.mark.usefixtures("jobs_awaited")


@pytest.fixture
def small_ctx(ctx):
    with ctx.db.atomic():
        fx = build(ctx.db)
    return ctx, fx


@pytest.fixture
def page(qtbot, small_ctx, prompts):
    ctx, fx = small_ctx
    p = ReportsPage(ctx)
    qtbot.addWidget(p)
    p.show()
    qtbot.waitExposed(p)
    return p


@pytest.fixture
def dialogs(monkeypatch):
    """Dialogs run through widgets.exec_dialog are recorded, and driven by `on_exec`."""
    seen: list = []
    actions: list = []

    def exec_dialog(dialog):
        seen.append(dialog)
        if actions:
            return actions.pop(0)(dialog)
        return 0

    monkeypatch.setattr(widgets, "exec_dialog", exec_dialog)
    return seen, actions


def _names(p: ReportsPage) -> list[tuple[str, str, str]]:
    m = p.eligible_proxy
    return [(m.index(r, 0).data(), m.index(r, 1).data(), m.index(r, 2).data()) for r in range(m.rowCount())]


def test_eligible_view_lists_who_qualifies_and_who_is_close(page, small_ctx):
    ctx, fx = small_ctx
    rows = _names(page)
    assert (NAMES["zoe"], "Recognition", "Qualifies") in rows
    assert (NAMES["mo"], "Community Builder", "Qualifies") in rows
    assert (NAMES["yam"], "Completion", "Nearly eligible") in rows
    assert all(verdict != "Not yet" for _, _, verdict in rows)
    page.show_choice.setCurrentIndex(2)  # everyone considered
    assert (NAMES["mo"], "Recognition", "Not yet") in _names(page)
    assert "2 qualify, 2 nearly eligible" in page.eligible_summary.text()


def test_rules_dialog_changes_who_qualifies(qtbot, page, small_ctx, dialogs):
    ctx, fx = small_ctx
    seen, actions = dialogs

    def edit(dialog: CertificateRulesDialog):
        dialog.required[("completion", "program_completed")].setChecked(False)
        spin = dialog.thresholds[("completion", "sessions_attended")]
        spin.clear()
        qtbot.keyClicks(spin, "2")
        dialog.save()
        return 1

    actions.append(edit)
    page.edit_rules()
    assert isinstance(seen[0], CertificateRulesDialog)
    config = json.loads(ctx.db.execute("SELECT config FROM programs WHERE id = ?", (fx.program,)).fetchone()[0])
    assert config["certificates"]["completion"]["conditions"] == [{"figure": "sessions_attended", "at_least": 2.0}]
    rows = _names(page)  # refreshed through ctx.changed
    assert (NAMES["yam"], "Completion", "Qualifies") in rows
    assert (NAMES["dav"], "Completion", "Qualifies") in rows
    ctx.undo()
    assert (NAMES["yam"], "Completion", "Nearly eligible") in _names(page)


def test_rules_dialog_rejects_a_bad_threshold(qtbot, small_ctx):
    ctx, fx = small_ctx
    dialog = CertificateRulesDialog(ctx, fx.program, "Platform Onboarding")
    qtbot.addWidget(dialog)
    dialog.headings["recognition"].setText("  ")
    dialog.save()
    rules = json.loads(ctx.db.execute("SELECT config FROM programs WHERE id = ?", (fx.program,)).fetchone()[0])
    assert rules["certificates"]["recognition"]["heading"] == "Certificate of Recognition"  # blank -> default


def _select(p: ReportsPage, name: str, kind: str) -> None:
    m = p.eligible_proxy
    for r in range(m.rowCount()):
        if m.index(r, 0).data() == name and m.index(r, 1).data() == kind:
            p.eligible_view.selectRow(r)
            return
    raise AssertionError(f"{name} / {kind} not listed")


def test_preview_then_save_issues_the_certificate(page, small_ctx, dialogs, prompts, tmp_path):
    ctx, fx = small_ctx
    seen, actions = dialogs
    _select(page, NAMES["zoe"], "Recognition")
    out = tmp_path / "zoe.pdf"
    prompts.save_paths.append(out)

    def save(dialog: PdfPreviewDialog):
        assert dialog.pages == 1
        assert not dialog.image.pixmap().isNull()
        dialog.save()
        return 1

    actions.append(save)
    page.preview_certificate()
    text = page_texts(str(out))[0]
    serial = ctx.db.execute("SELECT serial FROM certificates").fetchone()[0]
    assert serial in text and contains_name(text, NAMES["zoe"])
    assert page.register_model.rowCount() == 1


def test_batch_print_one_pdf_and_register_export(page, small_ctx, prompts, tmp_path):
    ctx, fx = small_ctx
    out = tmp_path / "all.pdf"
    prompts.save_paths.append(out)
    page.design.setCurrentIndex(page.design.findData("modern"))
    page.print_certificates()
    texts = page_texts(str(out))
    assert len(texts) == 2
    serials = [r[0] for r in ctx.db.execute("SELECT serial FROM certificates ORDER BY serial")]
    assert all(any(s in t for t in texts) for s in serials)
    assert "2 certificates saved" in prompts.infos[-1][1]
    assert page.register_model.rowCount() == 2
    # Printing again re-uses the serials.
    prompts.save_paths.append(tmp_path / "again.pdf")
    page.print_certificates()
    assert [r[0] for r in ctx.db.execute("SELECT serial FROM certificates ORDER BY serial")] == serials
    csv_path = tmp_path / "register.csv"
    prompts.save_paths.append(csv_path)
    page.export_register()
    text = csv_path.read_text(encoding="utf-8-sig")
    assert all(s in text for s in serials) and NAMES["zoe"] in text


def test_printing_a_name_too_long_to_read_warns_as_the_command_line_does(page, small_ctx, prompts, tmp_path):
    ctx, fx = small_ctx
    long_name = "Wolfeschlegelsteinhausen " * 20
    ctx.db.execute("UPDATE participants SET name = ? WHERE email = 'zoe@example.com'", (long_name,))
    page.reload()
    prompts.save_paths.append(tmp_path / "all.pdf")
    page.print_certificates()
    (title, text) = prompts.warnings[-1]
    assert title == "Print certificates" and "2 certificates saved" in text
    issued = [i for i in page.register_model.rows if i.name == long_name]
    assert issued and certificates.print_warnings(issued, load_settings(ctx.db))[0][1:] in text
    assert "too small to read" in text and "500 characters" in text


def test_batch_one_file_each_can_be_cancelled(page, small_ctx, prompts, tmp_path, monkeypatch):
    ctx, fx = small_ctx
    folder = tmp_path / "each"
    monkeypatch.setattr(widgets, "ask_folder", lambda parent, title, start="": folder)
    page.output.setCurrentIndex(page.output.findData("each"))
    real = certificates.write_files

    def cancel_after_one(issued, settings, target, design, *, progress, cancel):
        calls = []
        return real(issued, settings, target, design, progress=progress, cancel=lambda: bool(calls) or calls.append(1))

    monkeypatch.setattr(certificates, "write_files", cancel_after_one)
    page.print_certificates()
    assert "cancelled" in prompts.infos[-1][1] and "1 files were written" in prompts.infos[-1][1]
    assert len(list(folder.iterdir())) == 1
    monkeypatch.setattr(certificates, "write_files", real)
    page.print_certificates()
    assert len(list(folder.iterdir())) == 2


def test_program_report_preview_and_save(page, small_ctx, dialogs, prompts, tmp_path):
    seen, actions = dialogs
    actions.append(lambda dialog: 0)
    page.preview_report()
    (preview,) = seen
    assert isinstance(preview, PdfPreviewDialog) and preview.pages >= 2
    out = tmp_path / "program.pdf"
    prompts.save_paths.append(out)
    page.save_report()
    assert "Platform Onboarding" in page_texts(str(out))[0]


def test_participant_report_with_a_date_range(qtbot, page, small_ctx, prompts, tmp_path):
    import datetime as dt

    ctx, fx = small_ctx
    page.participant_kind.setChecked(True)
    page.person.setCurrentIndex(page.person.findData(fx.p["kim"]))
    page.period.set_range(dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    out = tmp_path / "kim.pdf"
    prompts.save_paths.append(out)
    page.save_report()
    text = " ".join(page_texts(str(out)))
    assert "Session 3" in text and "Session 1" not in text
    assert "01 Oct 2026 – 31 Oct 2026" in text


def test_render_pages_gives_images():
    import datetime as dt

    from peerdesk.printing.register import Issued
    from peerdesk.store.settings import Settings

    cert = Issued(
        0, "PD-X", 1, "Zoë", "", None, "", None, "custom", dt.date(2026, 1, 1), {"heading": "Thanks", "name": "Zoë"}
    )
    (image,) = render_pages(certificates.pdf_bytes([cert], Settings()), 400)
    assert image.width() == 400 and 270 < image.height() < 290  # landscape A4
    row = {image.pixelColor(x, image.height() // 2).name() for x in range(0, 400, 2)}
    assert "#ffffff" in row and len(row) > 2  # white paper with the border drawn on it


def test_models_pass_the_model_tester(qtmodeltester, page, small_ctx):
    qtmodeltester.check(page.eligible)
    qtmodeltester.check(page.eligible_proxy)
    qtmodeltester.check(page.register_model)


def test_hidden_page_refreshes_when_shown(qtbot, small_ctx, prompts):
    ctx, fx = small_ctx
    p = ReportsPage(ctx)
    qtbot.addWidget(p)
    ctx.run("Award", lambda db: db.execute(
        "INSERT INTO awards(participant_id, program_id, title, awarded_on) VALUES (?, ?, 'Star', '2026-10-02')",
        (fx.p["kim"], fx.program),
    ))  # fmt: skip
    assert (NAMES["kim"], "Star", "Qualifies") not in _names(p)
    p.show()
    qtbot.waitExposed(p)
    assert (NAMES["kim"], "Star", "Qualifies") in _names(p)


def test_choosing_a_person_chooses_their_participant_report(page, small_ctx):
    ctx, fx = small_ctx
    assert page.program_kind.isChecked()
    page.person.activated.emit(page.person.findData(fx.p["kim"]))
    assert page.participant_kind.isChecked()
    page.program_kind.setChecked(True)
    page.person.lineEdit().textEdited.emit("Ki")
    assert page.participant_kind.isChecked()
