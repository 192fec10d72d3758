"""The column-mapping step of an import, driven as a coordinator would: map, preview, import, remembered."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from peerdesk import importing
from peerdesk.store.participants import find_by_email, list_participants
from peerdesk.store.records import Window
from peerdesk.ui.common import widgets
from peerdesk.ui.participants.import_dialog import ImportDialog, import_participants
from peerdesk.ui.participants.mapping_dialog import ColumnMappingDialog

FORMS = Path(__file__).resolve().parents[1] / "importing" / "forms"
MS = FORMS / "microsoft_forms.csv"


def _row(dialog: ColumnMappingDialog, header: str) -> int:
    return next(r for r in range(dialog.table.rowCount()) if dialog.table.item(r, 0).text() == header)


def test_a_form_export_is_mapped_previewed_imported_and_its_mapping_remembered(ctx, qtbot, prompts, monkeypatch):
    seen: list[str] = []

    def drive(dialog):
        qtbot.addWidget(dialog)
        if isinstance(dialog, ColumnMappingDialog):
            seen.append("mapping")
            assert dialog.table.rowCount() == 16
            skills = _row(dialog, "Which skills can you teach others?")
            assert dialog.combos[skills].currentData() == "teaches"
            assert "Python;SQL;Code review;" in dialog.table.item(skills, 1).text()
            assert dialog.table.item(_row(dialog, "Last modified time"), 1).text() == "(no answers)"
            assert dialog.combos[_row(dialog, "Start time")].currentData() is None
            # the small table of availability answers: fill in the one nothing was suggested for
            when = _row(dialog, "When are you usually available?")
            dialog.table.setCurrentCell(when, 0)
            assert dialog.details.currentIndex() == 3
            answers = {dialog.windows_table.item(r, 0).text(): r for r in range(dialog.windows_table.rowCount())}
            assert dialog.windows_table.item(answers["Mornings"], 1).text().startswith("Mon 09:00-12:00")
            dialog.windows_table.item(answers["Whenever the moon is full"], 1).setText("Sun 20:00-22:00")
            # the level question gives the level of the learning column
            level = _row(dialog, "How would you rate your level in the skills you want to learn?")
            dialog.table.setCurrentCell(level, 0)
            assert dialog.of_combo.currentData() == "Which skills would you like to learn?"
            assert dialog.ok_button.isEnabled()
            qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
            return dialog.result()
        seen.append("preview")
        assert isinstance(dialog, ImportDialog)
        assert list_participants(ctx.db) == []  # nothing written before the preview is accepted
        assert dialog.added_model.rowCount() == 4 and dialog.errors_model.rowCount() == 1
        assert dialog.summary.text().startswith("Columns read through the mapping chosen")
        dialog.good_rows_check.setChecked(True)
        qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
        return dialog.result()

    monkeypatch.setattr(widgets, "exec_dialog", drive)
    assert import_participants(ctx, None, MS) == 4
    assert seen == ["mapping", "preview"]
    max_ = find_by_email(ctx.db, "max.muller@contoso.com")
    assert max_.role == "mentee" and max_.keep_mentor and max_.prefers[0] == "ana.silva@contoso.com"
    # The same headers again: no mapping step, the remembered mapping, shown as such.
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(widgets, "exec_dialog", lambda d: shown.append((type(d).__name__, d.summary.text())) or 0)
    import_participants(ctx, None, MS)
    assert [kind for kind, _ in shown] == ["ImportDialog"]
    assert "mapping remembered for files with these headers" in shown[0][1]
    ctx.undo()  # the import and its remembered mapping go together
    assert list_participants(ctx.db) == []


def test_a_mapping_that_cannot_import_says_why_and_cannot_be_accepted(ctx, qtbot):
    found = importing.read_intake(ctx.db, MS)
    dialog = ColumnMappingDialog(found, MS)
    qtbot.addWidget(dialog)
    email = _row(dialog, "Email")
    dialog.combos[email].setCurrentIndex(dialog.combos[email].findData(None))
    assert not dialog.ok_button.isEnabled()
    assert dialog.message.text() == "Map a column to E-mail: it is how PeerDesk knows each person."
    dialog.combos[email].setCurrentIndex(dialog.combos[email].findData("email"))
    assert dialog.ok_button.isEnabled()
    when = _row(dialog, "When are you usually available?")
    dialog.table.setCurrentCell(when, 0)
    dialog.windows_table.item(0, 1).setText("Mornings, I think")
    assert not dialog.ok_button.isEnabled() and "Availability answer “Mornings”" in dialog.message.text()
    dialog.windows_table.item(0, 1).setText("Mon 08:00-10:00")
    assert dialog.ok_button.isEnabled()
    teach = _row(dialog, "Which skills can you teach others?")
    dialog.table.setCurrentCell(teach, 0)
    dialog.level_spin.setValue(5)
    mapping = dialog.mapping()
    plan = importing.plan_import(ctx.db, MS, mapping=mapping)
    ana = next(p for p in plan.added if p.email == "ana.silva@contoso.com")
    assert {s.level for s in ana.teaches} == {5} and Window(0, 8 * 60, 10 * 60) in ana.availability


def test_a_participant_csv_goes_straight_to_the_preview_where_its_columns_can_still_be_mapped(
    ctx, qtbot, tmp_path, monkeypatch, prompts
):
    path = tmp_path / "people.csv"
    path.write_text("name,email,Which skills can you teach others?\nAda,ada@x.org,Python;SQL\n", encoding="utf-8")
    steps: list[str] = []

    def drive(dialog):
        qtbot.addWidget(dialog)
        steps.append(type(dialog).__name__)
        if isinstance(dialog, ColumnMappingDialog):
            qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
            return dialog.result()
        return 0

    monkeypatch.setattr(widgets, "exec_dialog", drive)
    assert import_participants(ctx, None, path) is None
    assert steps == ["ColumnMappingDialog", "ImportDialog"]  # a question the names do not cover: mapped first
    plain = tmp_path / "plain.csv"
    plain.write_text("name,email\nAda,ada@x.org\n", encoding="utf-8")
    plan = importing.plan_import(ctx.db, plain)
    dialog = ImportDialog(ctx, plan, plain, remap=lambda current, enc: None)
    qtbot.addWidget(dialog)
    assert dialog.map_button.isVisibleTo(dialog) and not dialog.tabs.isTabVisible(3)
