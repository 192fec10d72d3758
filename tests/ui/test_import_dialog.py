"""Importing participants: preview of additions, updates and bad rows before anything is written."""

from __future__ import annotations

from PySide6.QtCore import Qt

from peerdesk import importing
from peerdesk.store.participants import find_by_email, list_participants
from peerdesk.ui.common import widgets
from peerdesk.ui.participants.import_dialog import ImportDialog, export_participants_to_file, import_participants

CSV = (
    "Full name;E-mail address;Team;Role;Teaches\n"
    "Ngozi Okafor;ngozi@example.com;Finance;mentor;Accounting:5\n"
    "Ana Silva;ana.silva@example.com;Leadership;both;Kubernetes:4\n"
    "Bad Person;not-an-email;Sales;peer;\n"
    'Zoë Ødegård;zoe.odegard@example.com;Platform Engineering;mentor;"Python:5; SQL:4"\n'
)


def write(tmp_path, text, name="people.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_preview_lists_added_updated_and_bad_rows(ctx, people, tmp_path, qtbot):
    path = write(tmp_path, CSV)
    dialog = ImportDialog(ctx, importing.plan_import(ctx.db, path), path)
    qtbot.addWidget(dialog)
    dialog.show()
    assert [dialog.tabs.tabText(i) for i in range(3)] == ["To add (1)", "To update (1)", "Bad rows (1)"]
    assert dialog.tabs.currentWidget() is dialog.errors_tab
    assert dialog.added_model.index(0, 0).data() == "Ngozi Okafor"
    assert dialog.updated_model.index(0, 0).data() == "Ana Silva"
    assert "department: Platform Engineering → Leadership" in dialog.updated_model.index(0, 2).data()
    assert dialog.errors_model.index(0, 0).data() == "4"
    assert "not-an-email" in dialog.errors_model.index(0, 1).data()
    assert "semicolon-separated" in dialog.summary.text()
    # A file with bad rows imports nothing unless the good rows are chosen.
    assert not dialog.import_button.isEnabled()
    assert dialog.good_rows_check.isVisible()
    assert dialog.good_rows_check.text() == "Import the 2 good rows anyway"
    qtbot.keyClick(dialog.good_rows_check, Qt.Key.Key_Space)
    assert dialog.import_button.isEnabled()
    qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    assert dialog.result() == dialog.DialogCode.Accepted
    assert dialog.imported == 2
    assert find_by_email(ctx.db, "ngozi@example.com").department == "Finance"
    assert find_by_email(ctx.db, "ana.silva@example.com").department == "Leadership"
    assert ctx.workspace.undo_log.undo_label == "Import participants"
    ctx.undo()
    assert find_by_email(ctx.db, "ngozi@example.com") is None
    assert find_by_email(ctx.db, "ana.silva@example.com").department == "Platform Engineering"


def test_clean_file_imports_and_reimport_changes_nothing(ctx, tmp_path, qtbot, prompts, monkeypatch):
    path = write(tmp_path, "name,email,department\nNgozi Okafor,ngozi@example.com,Finance\n", encoding="cp1252")
    results = []

    def drive(dialog):
        results.append((dialog.import_button.isEnabled(), dialog.good_rows_check.isVisible()))
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
        return dialog.result()

    monkeypatch.setattr(widgets, "exec_dialog", drive)
    prompts.open_paths.append(path)
    assert import_participants(ctx, None) == 1
    assert results == [(True, False)]
    assert [p.email for p in list_participants(ctx.db)] == ["ngozi@example.com"]

    seen = []
    monkeypatch.setattr(
        widgets, "exec_dialog", lambda d: seen.append((d.import_button.isEnabled(), d.summary.text())) or 0
    )
    assert import_participants(ctx, None, path) is None
    assert seen[0][0] is False and "Nothing to import" in seen[0][1]


def test_unreadable_file_is_explained(ctx, tmp_path, prompts, monkeypatch):
    monkeypatch.setattr(widgets, "exec_dialog", lambda d: (_ for _ in ()).throw(AssertionError("no dialog")))
    path = write(tmp_path, "colour,size\nred,4\n")
    assert import_participants(ctx, None, path) is None
    assert prompts.warnings and "no name or email column" in prompts.warnings[0][1]
    assert import_participants(ctx, None, tmp_path / "missing.csv") is None
    assert "missing.csv" in prompts.warnings[1][1]


def test_cancelled_file_choice_does_nothing(ctx, prompts):
    assert import_participants(ctx, None) is None
    assert not prompts.warnings


def test_export_writes_everyone(ctx, people, tmp_path, prompts):
    target = tmp_path / "out"
    prompts.save_paths.append(target)
    assert export_participants_to_file(ctx, None) == 6
    text = (tmp_path / "out.csv").read_text(encoding="utf-8-sig")
    assert "Zoë Ødegård" in text and "李娜" in text
    prompts.save_paths.append(tmp_path / "no-such-dir" / "x" / "out.csv")
    (tmp_path / "no-such-dir").write_text("a file, not a folder")
    assert export_participants_to_file(ctx, None) is None
    assert prompts.warnings and "Could not write out.csv" in prompts.warnings[0][1]


def test_a_program_file_is_read_on_a_worker_thread(tmp_path, qtbot, prompts, monkeypatch):
    import threading

    from peerdesk.store.workspace import Workspace
    from peerdesk.ui.common.context import AppContext

    threads = []
    real_plan = importing.plan_import

    def spy(db, path):
        threads.append(threading.current_thread() is threading.main_thread())
        return real_plan(db, path)

    monkeypatch.setattr(importing, "plan_import", spy)
    ctx = AppContext(Workspace.open(tmp_path / "program.peerdesk.db"))
    path = write(tmp_path, CSV)
    seen = []
    monkeypatch.setattr(widgets, "exec_dialog", lambda d: seen.append(d.added_model.rowCount()) or 0)
    assert import_participants(ctx, None, path) is None  # previewed, then cancelled
    assert threads == [False]
    assert seen == [3]
    bad = write(tmp_path, "colour\nred\n", name="bad.csv")
    assert import_participants(ctx, None, bad) is None
    assert "no name or email column" in prompts.warnings[0][1]
    ctx.workspace.close()


def test_the_preview_shows_the_encoding_and_date_order_and_both_can_be_changed(ctx, tmp_path, qtbot):
    text = "name,email,hire date\nАнна Петрова,anna@example.org,03/04/2025\nИван Смирнов,ivan@example.org,05/06/2024\n"
    path = write(tmp_path, text, encoding="koi8-r")
    dialog = ImportDialog(ctx, importing.plan_import(ctx.db, path), path)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.encoding_combo.currentText() == "KOI8-R (Russian) (detected)"
    assert "KOI8-R" in dialog.summary.text()
    assert dialog.added_model.index(0, 0).data() == "Анна Петрова"
    assert dialog.dates_combo.isVisible() and dialog.dates_combo.currentData() == "dmy"
    assert dialog.dates_note.isVisible() and "both ways" in dialog.dates_note.text()
    assert dialog.plan.added[0].hire_date.isoformat() == "2025-04-03"
    dialog.dates_combo.setCurrentIndex(dialog.dates_combo.findData("mdy"))
    dialog.dates_combo.activated.emit(dialog.dates_combo.currentIndex())
    assert dialog.plan.added[0].hire_date.isoformat() == "2025-03-04" and not dialog.dates_note.isVisible()
    dialog.encoding_combo.setCurrentIndex(dialog.encoding_combo.findData("windows-1251"))
    dialog.encoding_combo.activated.emit(dialog.encoding_combo.currentIndex())
    assert dialog.plan.encoding == "windows-1251" and dialog.added_model.index(0, 0).data() != "Анна Петрова"
    dialog.encoding_combo.setCurrentIndex(dialog.encoding_combo.findData("utf-8"))
    dialog.encoding_combo.activated.emit(dialog.encoding_combo.currentIndex())
    assert "cannot be read as UTF-8" in dialog.message.text() and not dialog.import_button.isEnabled()


def test_export_can_write_semicolons(ctx, people, tmp_path, prompts):
    out = tmp_path / "people.csv"
    prompts.save_paths.append(out)
    prompts.delimiter = ";"
    assert export_participants_to_file(ctx, None) == len(people)
    assert out.read_text(encoding="utf-8-sig").splitlines()[0].startswith("name;email;department")


LONG_NAME = "Wolfeschlegelsteinhausen " * 20  # 500 characters: a certificate prints it too small to read


def test_importing_a_name_too_long_for_a_certificate_warns_as_the_command_line_does(
    ctx, tmp_path, qtbot, prompts, monkeypatch
):
    from peerdesk.printing import certificates
    from peerdesk.store.settings import load_settings

    path = write(tmp_path, f"name,email\n{LONG_NAME.strip()},long@example.com\nNgozi Okafor,ngozi@example.com\n")
    shown = []

    def drive(dialog):
        shown.append((dialog.names_note.isVisibleTo(dialog), dialog.names_note.text()))
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
        return dialog.result()

    monkeypatch.setattr(widgets, "exec_dialog", drive)
    prompts.open_paths.append(path)
    assert import_participants(ctx, None) == 2
    expected = certificates.name_warnings(LONG_NAME.strip(), load_settings(ctx.db))
    assert len(expected) == 1 and "too small to read" in expected[0] and "499 characters" in expected[0]
    (visible, note) = shown[0]
    assert visible and expected[0][1:] in note  # in the preview, before anything is written
    (title, text) = prompts.warnings[-1]
    assert title == "Import participants" and "1 added" not in text and "2 added" in text
    assert expected[0][1:] in text  # and in the result message
    assert "Ngozi" not in note


def test_names_that_print_well_raise_no_warning(ctx, tmp_path, qtbot):
    path = write(tmp_path, "name,email\nNgozi Okafor,ngozi@example.com\n")
    dialog = ImportDialog(ctx, importing.plan_import(ctx.db, path), path)
    qtbot.addWidget(dialog)
    dialog.show()
    assert not dialog.names_note.isVisible() and importing.plan_import(ctx.db, path).name_warnings == []
