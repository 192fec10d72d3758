"""File dialogs start in the documents folder, then in the folder last chosen; never in the
shell's working folder."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QStandardPaths

from peerdesk.ui.common import widgets


class Recorder:
    def __init__(self, answer: str) -> None:
        self.answer = answer
        self.starts: list[str] = []

    def file(self, parent, title, start, filters=""):
        self.starts.append(start)
        return self.answer, ""

    def folder(self, parent, title, start):
        self.starts.append(start)
        return self.answer


def documents() -> Path:
    return Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation))


def test_first_dialog_opens_in_documents_then_in_the_last_folder(qapp, tmp_path, monkeypatch):
    documents().mkdir(parents=True, exist_ok=True)
    elsewhere = tmp_path / "shell"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    chosen = tmp_path / "exports" / "people.csv"
    chosen.parent.mkdir()
    dialog = Recorder(str(chosen))
    monkeypatch.setattr(widgets.QFileDialog, "getSaveFileName", dialog.file)
    monkeypatch.setattr(widgets.QFileDialog, "getOpenFileName", dialog.file)
    monkeypatch.setattr(widgets.QFileDialog, "getExistingDirectory", dialog.folder)

    assert widgets.ask_save_file(None, "Export participants", widgets.CSV_FILTER, "participants.csv") == chosen
    assert dialog.starts[-1] == str(documents() / "participants.csv")
    assert widgets.ask_open_file(None, "Import participants", widgets.CSV_FILTER) == chosen
    assert dialog.starts[-1] == str(chosen.parent)  # remembered
    dialog.answer = str(tmp_path)
    assert widgets.ask_folder(None, "Folder for the certificates") == tmp_path
    assert dialog.starts[-1] == str(chosen.parent)
    widgets.ask_save_file(None, "Save report", "PDF (*.pdf)", "Report.pdf")
    assert dialog.starts[-1] == str(tmp_path / "Report.pdf")  # the folder chosen last
    assert all(not s.startswith(str(elsewhere)) and s != "" for s in dialog.starts)
    assert os.getcwd() == str(elsewhere)


def test_a_full_path_is_kept_and_cancel_remembers_nothing(qapp, tmp_path, monkeypatch):
    dialog = Recorder("")
    monkeypatch.setattr(widgets.QFileDialog, "getSaveFileName", dialog.file)
    suggested = str(tmp_path / "backup.peerdesk.db")
    assert widgets.ask_save_file(None, "Back up", widgets.PROGRAM_FILTER, suggested) is None
    assert dialog.starts == [suggested]
    assert widgets.start_folder() in (documents(), Path.home())


def test_a_remembered_folder_that_is_gone_falls_back_to_documents(qapp, tmp_path):
    gone = tmp_path / "usb-stick"
    widgets.remember_folder(gone / "file.csv")
    assert widgets.start_folder() in (documents(), Path.home())
    gone.mkdir()
    widgets.remember_folder(gone)
    assert widgets.start_folder() == gone
    gone.rmdir()
    assert widgets.start_folder() in (documents(), Path.home())
