"""The settings dialog saves the organisation's settings in the program file, undoably."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage

from peerdesk.store.settings import Settings, load_settings, save_settings
from peerdesk.ui.window.settings_dialog import SettingsDialog


def make_image(path):
    image = QImage(40, 20, QImage.Format.Format_RGB32)
    image.fill(QColor("navy"))
    assert image.save(str(path))
    return path


def open_dialog(ctx, qtbot):
    dialog = SettingsDialog(ctx)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def save(qtbot, dialog):
    qtbot.mouseClick(dialog.buttons.button(dialog.buttons.StandardButton.Save), Qt.MouseButton.LeftButton)


def test_settings_are_saved_and_undoable(ctx, qtbot, prompts, tmp_path):
    logo = make_image(tmp_path / "logo.png")
    signature = make_image(tmp_path / "signature.png")
    dialog = open_dialog(ctx, qtbot)
    dialog.organisation_edit.clear()
    qtbot.keyClicks(dialog.organisation_edit, "Northwind Ltd")
    prompts.open_paths.append(logo)
    qtbot.mouseClick(dialog.logo.choose_button, Qt.MouseButton.LeftButton)
    assert dialog.logo.preview.pixmap() is not None and not dialog.logo.preview.pixmap().isNull()
    dialog.coordinator_name_edit.insert("Chloé Lefèvre")  # QTest cannot type non-ASCII keys
    qtbot.keyClicks(dialog.coordinator_email_edit, "Chloe@Northwind.example")
    dialog.zone_combo.setCurrentText("Europe/Paris")
    dialog.paper_combo.setCurrentIndex(dialog.paper_combo.findData("Letter"))
    assert dialog.paper_combo.currentText() == "US Letter"
    qtbot.keyClicks(dialog.signer_name_edit, "Ana Silva")
    qtbot.keyClicks(dialog.signer_title_edit, "VP Engineering")
    prompts.open_paths.append(signature)
    qtbot.mouseClick(dialog.signature.choose_button, Qt.MouseButton.LeftButton)
    dialog.backups_spin.setValue(5)
    dialog.reminder_spin.setValue(30)
    dialog.buddy_spin.setValue(4)
    save(qtbot, dialog)
    assert dialog.result() == dialog.DialogCode.Accepted
    assert load_settings(ctx.db) == Settings(
        organisation="Northwind Ltd",
        logo_path=str(logo),
        coordinator_name="Chloé Lefèvre",
        coordinator_email="chloe@northwind.example",
        timezone="Europe/Paris",
        paper_size="Letter",
        signer_name="Ana Silva",
        signer_title="VP Engineering",
        signature_path=str(signature),
        backups_kept=5,
        reminder_minutes=30,
        buddy_no_repeat_rounds=4,
    )
    assert ctx.workspace.undo_log.undo_label == "Change settings"
    ctx.undo()
    assert load_settings(ctx.db).organisation == "Our organisation"


def test_dialog_shows_stored_settings_and_removes_an_image(ctx, qtbot, tmp_path):
    logo = make_image(tmp_path / "logo.png")
    save_settings(ctx.db, Settings(organisation="Acme", logo_path=str(logo), paper_size="Letter"))
    dialog = open_dialog(ctx, qtbot)
    assert dialog.organisation_edit.text() == "Acme"
    assert dialog.paper_combo.currentData() == "Letter"
    qtbot.mouseClick(dialog.logo.remove_button, Qt.MouseButton.LeftButton)
    assert dialog.logo.preview.text() == "No image"
    save(qtbot, dialog)
    assert load_settings(ctx.db).logo_path == ""


def test_bad_email_or_zone_is_refused_inline(ctx, qtbot):
    dialog = open_dialog(ctx, qtbot)
    qtbot.keyClicks(dialog.coordinator_email_edit, "nobody")
    save(qtbot, dialog)
    assert dialog.isVisible()
    assert dialog.message.text() == "'nobody' is not a well-formed e-mail address."
    assert dialog.focusWidget() is dialog.coordinator_email_edit
    dialog.coordinator_email_edit.clear()
    dialog.zone_combo.setCurrentText("Atlantis/Capital")
    save(qtbot, dialog)
    assert "not a time zone" in dialog.message.text()
    assert load_settings(ctx.db) == Settings()
    assert not ctx.workspace.undo_log.can_undo


def test_a_file_that_is_not_an_image_is_refused(ctx, qtbot, prompts, tmp_path):
    fake = tmp_path / "logo.png"
    fake.write_text("not an image")
    dialog = open_dialog(ctx, qtbot)
    prompts.open_paths.append(fake)
    qtbot.mouseClick(dialog.logo.choose_button, Qt.MouseButton.LeftButton)
    assert dialog.logo.path == ""
    assert prompts.warnings and "not an image" in prompts.warnings[0][1]
