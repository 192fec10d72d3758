"""The data-safety features as reached from the window: File menu, participants context menu, opening."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QMenu

from peerdesk.store import backups
from peerdesk.store.lock import read_lock
from peerdesk.store.participants import add_participant, list_participants
from peerdesk.store.records import Participant
from peerdesk.store.workspace import Workspace
from peerdesk.ui.common import widgets
from peerdesk.ui.window.main_window import MainWindow
from peerdesk.ui.window.pages import PAGES

PARTICIPANTS = [title for title, _ in PAGES].index("Participants")


@pytest.fixture
def program(tmp_path, monkeypatch):
    monkeypatch.setenv(backups.ENV_DIR, str(tmp_path / "backups"))
    path = tmp_path / "program.peerdesk.db"
    ws = Workspace.open(path)
    for name in ("Ada Lovelace", "Bo Diddley", "Cy Twombly"):
        ws.run("Add", add_participant, Participant(name=name, email=f"{name.split()[0].lower()}@example.org"))
    ws.close()
    return path


@pytest.fixture
def window(qtbot, prompts, program):
    win = MainWindow()
    qtbot.addWidget(win)
    assert win.open_program(program)
    win.sidebar.setCurrentRow(PARTICIPANTS)
    assert win.wait_for_pages()  # a page's module and first data are read on a worker
    yield win
    win.close_program()


def _action(menu_bar, *path):
    menu = next(a.menu() for a in menu_bar.actions() if a.text().replace("&", "") == path[0])
    return next(a for a in menu.actions() if a.text().replace("&", "") == path[1])


def test_opening_takes_the_lock_and_makes_the_daily_backup(window, program):
    assert read_lock(program) is not None
    window.ctx.workspace.wait_for_backup()
    assert [b.reason for b in backups.list_backups(program)] == ["daily"]
    window.close_program()
    assert read_lock(program) is None


def test_a_second_peerdesk_may_open_read_only(qtbot, prompts, program):
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys,time\nfrom peerdesk.store.lock import WriterLock\n"
         "l = WriterLock.acquire(sys.argv[1]); print('ready', flush=True); time.sleep(60)", str(program)],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "ready"
        win = MainWindow()
        qtbot.addWidget(win)
        assert win.open_program(program)
        assert "in use" in prompts.confirms[0][1] and win.ctx.readonly
        assert "(read-only)" in win.windowTitle()
        win.close_program()
    finally:
        holder.kill()
        holder.wait()


def test_file_restore_from_the_menu(window, prompts, monkeypatch, qtbot, program):
    window.ctx.workspace.wait_for_backup()
    window.ctx.run("Add", add_participant, Participant(name="Dee Dee", email="dee@example.org"))
    page = window.current_page()
    assert page.model.rowCount() == 4

    def choose_oldest(dialog):
        qtbot.addWidget(dialog)
        dialog.table.selectRow(dialog.model.rowCount() - 1)
        qtbot.mouseClick(dialog.restore_button, Qt.MouseButton.LeftButton)
        return dialog.result()

    monkeypatch.setattr(widgets, "exec_dialog", choose_oldest)
    _action(window.menuBar(), "File", "Restore…").trigger()
    assert len(list_participants(window.ctx.db)) == 3
    assert page.model.rowCount() == 3  # the page refreshed itself


def test_file_back_up_now(window, prompts, tmp_path):
    out = tmp_path / "copy.peerdesk.db"
    prompts.save_paths.append(out)
    _action(window.menuBar(), "File", "Back up now…").trigger()
    assert out.exists() and "Saved a copy" in prompts.infos[-1][1]


def test_participants_context_menu_erase_and_export(window, prompts, monkeypatch, qtbot, tmp_path):
    page = window.current_page()
    ada = next(p for p in list_participants(window.ctx.db) if p.name == "Ada Lovelace")
    page.select_ids([ada.id], ada.id)
    page._context_menu(QPoint(1, 1))
    menu = page.findChildren(QMenu)[-1]
    texts = [a.text() for a in menu.actions()]
    assert "Erase participant…" in texts and "Export participant data…" in texts
    menu.close()

    prompts.save_paths.append(tmp_path / "ada.json")
    page.export_data_selected()
    assert json.loads((tmp_path / "ada.json").read_text(encoding="utf-8"))["participant"]["name"] == "Ada Lovelace"

    def type_and_erase(dialog):
        qtbot.addWidget(dialog)
        qtbot.keyClicks(dialog.confirm_edit, "ada@example.org")
        qtbot.mouseClick(dialog.erase_button, Qt.MouseButton.LeftButton)
        return dialog.result()

    monkeypatch.setattr(widgets, "exec_dialog", type_and_erase)
    page.select_ids([ada.id], ada.id)
    page.erase_selected()
    assert "Ada Lovelace" not in [p.name for p in list_participants(window.ctx.db)]
    assert page.model.rowCount() == 2
    assert not window.undo_action.isEnabled()
