"""The main window: pages, menus, undo/redo labels, opening other files, remembered layout."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QKeySequence

from peerdesk.store import open_db
from peerdesk.store.participants import add_participant, list_participants
from peerdesk.store.records import Participant
from peerdesk.store.workspace import Workspace
from peerdesk.ui.common import widgets
from peerdesk.ui.common.context import AppContext
from peerdesk.ui.participants.page import ParticipantsPage
from peerdesk.ui.window import main_window as mw
from peerdesk.ui.window import safe_open
from peerdesk.ui.window.pages import PAGES


def program_file(path, *names):
    db = open_db(path)
    for i, name in enumerate(names):
        add_participant(db, Participant(name=name, email=f"p{i}@example.com"))
    db.close()
    return path


PARTICIPANTS = [title for title, _ in PAGES].index("Participants")


@pytest.fixture
def window(ctx, people, qtbot, prompts):
    win = mw.MainWindow(ctx)
    qtbot.addWidget(win)
    win.sidebar.setCurrentRow(PARTICIPANTS)
    win.show()
    assert win.wait_for_pages()  # a page's module and first data are read on a worker
    return win


def test_sidebar_lists_the_pages_and_shows_participants(window, qtbot):
    assert [window.sidebar.item(i).text() for i in range(window.sidebar.count())] == [t for t, _ in PAGES]
    assert not window.sidebar.item(0).icon().isNull()
    assert isinstance(window.current_page(), ParticipantsPage)
    assert window.counts_label.text() == "6 participants · 5 active"
    assert window.windowTitle() == "program.peerdesk.db — PeerDesk"
    unsaved = mw.MainWindow(AppContext(Workspace.open(":memory:")))
    qtbot.addWidget(unsaved)
    assert unsaved.windowTitle() == "Unsaved program — PeerDesk"


def test_menus(window):
    titles = [a.text() for a in window.menuBar().actions()]
    assert titles == ["&File", "&Edit", "&Help"]
    file_menu = window.menuBar().actions()[0].menu()
    assert [a.text() for a in file_menu.actions() if a.text()] == [
        "&New program…",
        "&Open…",
        "Open the &demo program",
        "Start the demo &over…",
        "&Import participants…",
        "&Export participants…",
        "Export calendar &invites…",
        "&Back up now…",
        "&Restore…",
        "&Settings…",
        "&Quit",
    ]
    assert window.undo_action.shortcut().toString() == "Ctrl+Z"
    assert window.redo_action.shortcut().toString() == "Ctrl+Shift+Z"


def test_undo_redo_actions_follow_the_history(window, ctx):
    assert not window.undo_action.isEnabled() and not window.redo_action.isEnabled()
    ctx.run("Add Ngozi Okafor", add_participant, Participant(name="Ngozi Okafor", email="ngozi@example.com"))
    assert window.undo_action.isEnabled()
    assert window.undo_action.text() == "&Undo Add Ngozi Okafor"
    assert window.counts_label.text() == "7 participants · 6 active"
    window.undo_action.trigger()
    assert len(list_participants(ctx.db)) == 6
    assert window.redo_action.text() == "&Redo Add Ngozi Okafor"
    assert not window.undo_action.isEnabled()
    assert window.statusBar().currentMessage() == "Undid: Add Ngozi Okafor"
    window.redo_action.trigger()
    assert len(list_participants(ctx.db)) == 7
    assert "Ngozi Okafor" in [p.name for p in window.current_page().model.participants()]


def test_open_another_file_replaces_the_context(window, ctx, prompts, tmp_path):
    other = program_file(tmp_path / "other.peerdesk.db", "Kofi Mensah", "Mei Chen")
    prompts.open_paths.append(other)
    window.open_action.trigger()
    assert window.wait_for_pages()
    assert window.ctx is not ctx
    assert window.windowTitle() == "other.peerdesk.db — PeerDesk"
    page = window.current_page()
    assert sorted(p.name for p in page.model.participants()) == ["Kofi Mensah", "Mei Chen"]
    assert window.counts_label.text() == "2 participants · 2 active"
    assert QSettings().value(mw.LAST_FILE_KEY) == str(other)
    assert not window.undo_action.isEnabled()
    window.close_program()


def test_a_file_that_is_not_a_program_is_refused_with_a_message(window, ctx, prompts, tmp_path):
    bogus = tmp_path / "notes.txt"
    bogus.write_text("hello, this is not a database" * 10)
    prompts.open_paths.append(bogus)
    window.open_action.trigger()
    assert window.ctx is ctx
    assert prompts.warnings == [("Open program", "notes.txt is not a PeerDesk program file.")]
    assert bogus.read_text().startswith("hello")


def test_new_program_creates_an_empty_file(window, prompts, tmp_path):
    prompts.save_paths.append(tmp_path / "fresh")
    window.new_action.trigger()
    assert window.wait_for_pages()
    assert (tmp_path / "fresh.peerdesk.db").exists()
    assert window.windowTitle() == "fresh.peerdesk.db — PeerDesk"
    assert window.current_page().model.rowCount() == 0
    existing = program_file(tmp_path / "taken.db", "Someone")
    prompts.save_paths.append(existing)
    assert window.new_program() is False
    assert "already exists" in prompts.warnings[0][1]
    window.close_program()


def test_read_only_file_says_so_and_disables_writing(window, prompts, tmp_path, monkeypatch):
    path = program_file(tmp_path / "shared.peerdesk.db", "Kofi Mensah")
    monkeypatch.setattr(safe_open.os, "access", lambda p, mode: False)
    assert window.open_program(path)
    assert window.wait_for_pages()
    assert window.windowTitle() == "shared.peerdesk.db (read-only) — PeerDesk"
    assert not window.import_action.isEnabled() and not window.settings_action.isEnabled()
    page = window.current_page()
    assert not page.add_action.isEnabled()
    window.close_program()


def test_layout_is_remembered_between_runs(ctx, people, qtbot, prompts):
    first = mw.MainWindow(ctx)
    qtbot.addWidget(first)
    first.resize(780, 520)  # the offscreen screen is 800x600
    first.show()
    first.splitter.setSizes([0, 776])  # the user collapses the sidebar
    first.sidebar.setCurrentRow(len(PAGES) - 1)
    first.close()
    second = mw.MainWindow(AppContext(ctx.workspace))
    qtbot.addWidget(second)
    second.show()
    assert (second.width(), second.height()) == (780, 520)
    assert second.splitter.sizes()[0] == 0
    assert second.sidebar.currentRow() == len(PAGES) - 1


def test_settings_and_about(window, ctx, monkeypatch, prompts):
    opened = []
    monkeypatch.setattr(widgets, "exec_dialog", lambda d: opened.append(type(d).__name__) or 0)
    window.settings_action.trigger()
    assert opened == ["SettingsDialog"]
    window.about_action.trigger()
    assert opened == ["SettingsDialog", "AboutDialog"]


def test_about_gives_the_version_and_every_shipped_licence(qtbot):
    from peerdesk import __version__
    from peerdesk.ui.window.about_dialog import AboutDialog

    dialog = AboutDialog()
    qtbot.addWidget(dialog)
    assert f"PeerDesk {__version__}" in dialog.about.text() and "MIT" in dialog.about.text()
    licences = dialog.licences.toPlainText()
    for name in ("DejaVu", "Bitstream Vera", "Droid Sans Fallback", "Apache License", "NanumSquare",
                 "SIL Open Font License", "Lucide", "ISC", "Feather", "LGPL", "reportlab"):  # fmt: skip
        assert name in licences, name
    assert "Permission is hereby granted" in licences  # the full texts, not only their names


def test_the_licence_shipped_for_about_is_the_repository_licence():
    from pathlib import Path

    from peerdesk import shipped

    assert shipped.read_text("LICENSE.txt") == (Path(__file__).parents[2] / "LICENSE").read_text(encoding="utf-8")


def test_help_user_guide_opens_the_shipped_guide_at_its_sections(window, qtbot):
    from peerdesk.ui.window.guide import GuideWindow, show_guide

    assert window.guide_action.shortcut().matches(QKeySequence(QKeySequence.StandardKey.HelpContents))
    window.guide_action.trigger()
    guide = window.findChild(GuideWindow)
    assert guide is not None and guide.isVisible()
    assert guide.section_titles() == [
        "First steps",
        "Importing people",
        "Running a matching round",
        "Planning sessions and sending invites",
        "Printing certificates and reports",
        "Backups and your data",
        "Getting help",
    ]
    assert show_guide(window, "Backups and your data") is guide  # one guide window, raised again
    assert guide.text.textCursor().block().text() == "Backups and your data"
    assert guide.text.verticalScrollBar().value() > 0
    assert guide.text.viewport().rect().contains(guide.text.cursorRect().center())  # scrolled to the heading


def test_sidebar_and_menus_have_real_icons_drawn_in_the_palette(window):
    from peerdesk.ui.common import icons

    images = [window.sidebar.item(i).icon().pixmap(22, 22).toImage() for i in range(window.sidebar.count())]
    assert len({img.constBits().tobytes() for img in images}) == len(PAGES)  # one icon per page, all different
    text = window.palette().color(window.palette().ColorRole.WindowText)
    for image in images:
        ink = [image.pixelColor(x, y) for x in range(22) for y in range(22) if image.pixelColor(x, y).alpha() > 160]
        assert 10 < len(ink) < 22 * 22 / 2  # thin lines, not a filled tile
        assert all(
            abs(c.lightness() - text.lightness()) < 40 and c.saturation() < 40 for c in ink
        )  # in the text colour
    for action in (window.open_action, window.import_action, window.backup_action, window.undo_action):
        assert not action.icon().isNull()
    assert set(icons.PAGE_ICONS) == {title for title, _ in PAGES}
    assert set(icons.PAGE_ICONS.values()) <= set(icons.names())


def test_a_broken_page_is_reported_not_fatal(ctx, people, qtbot, prompts, monkeypatch):
    monkeypatch.setattr(
        mw, "PAGES", [("Participants", PAGES[PARTICIPANTS][1]), ("Broken", "peerdesk.ui.no_such_module:Page")]
    )
    win = mw.MainWindow(ctx)
    qtbot.addWidget(win)
    win.sidebar.setCurrentRow(1)
    assert win.wait_for_pages()
    assert isinstance(win.current_page(), mw._PageError)
    assert prompts.bugs and "could not be opened" in prompts.bugs[0][0]
    assert "ModuleNotFoundError" in prompts.bugs[0][1]


def test_a_page_shows_loading_then_is_built_from_what_a_worker_read(ctx, people, qtbot, prompts):
    win = mw.MainWindow(ctx)
    qtbot.addWidget(win)
    win.sidebar.setCurrentRow(PARTICIPANTS)
    assert win.current_page() is None  # its module and first data are being read on a worker
    assert win.stack.currentWidget().findChild(mw.QLabel, "loadingLabel").text() == "Loading Participants…"
    assert win.wait_for_pages()
    page = win.current_page()
    assert isinstance(page, ParticipantsPage) and win.stack.currentWidget() is page
    assert sorted(p.name for p in page.model.participants()) == sorted(p.name for p in people)
    assert not prompts.bugs


def test_a_page_whose_first_read_was_cut_off_reads_for_itself(ctx, people, qtbot, prompts, monkeypatch):
    from peerdesk.jobs import Cancelled

    def cut(db):
        raise Cancelled("The program file was closed.")

    monkeypatch.setattr(ParticipantsPage, "load", staticmethod(cut))
    win = mw.MainWindow(ctx)
    qtbot.addWidget(win)
    win.sidebar.setCurrentRow(PARTICIPANTS)
    assert win.wait_for_pages()
    page = win.current_page()
    assert isinstance(page, ParticipantsPage) and page.model.rowCount() == len(people)
    assert not prompts.bugs


def test_a_page_read_for_a_file_since_closed_is_not_built(window, prompts, tmp_path):
    other = program_file(tmp_path / "other.peerdesk.db", "Kofi Mensah")
    assert window.open_program(other)
    assert window.pages == {}  # the Participants page of the new file is being prepared
    window.close_program()
    assert window.wait_for_pages()
    assert window.pages == {} and not prompts.bugs


def test_newer_and_damaged_files_are_explained(window, ctx, prompts, tmp_path):
    import sqlite3

    newer = program_file(tmp_path / "newer.peerdesk.db", "Kofi Mensah")
    conn = sqlite3.connect(newer)
    conn.execute("PRAGMA user_version = 999")
    conn.close()
    damaged = program_file(tmp_path / "damaged.peerdesk.db", "Mei Chen")
    damaged.write_bytes(damaged.read_bytes()[:60])
    assert not window.open_program(newer)
    assert not window.open_program(damaged)
    assert window.ctx is ctx
    assert "newer PeerDesk" in prompts.warnings[0][1]
    assert "damaged" in prompts.warnings[1][1]
