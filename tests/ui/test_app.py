"""Starting the app: demo, last file, first launch choices, errors shown as messages."""

from __future__ import annotations

import sys

import pytest
from PySide6.QtCore import QSettings, Qt

from peerdesk import app
from peerdesk.store import open_db
from peerdesk.store.errors import DatabaseLocked
from peerdesk.store.participants import add_participant, list_participants
from peerdesk.store.records import Participant
from peerdesk.ui import first_launch, widgets
from peerdesk.ui.main_window import LAST_FILE_KEY, MainWindow


@pytest.fixture
def window(qtbot, prompts, tmp_path, monkeypatch):
    monkeypatch.setattr(app, "data_dir", lambda: tmp_path / "data")
    monkeypatch.setattr("peerdesk.paths.default_db_path", lambda: tmp_path / "data" / "program.peerdesk.db")
    win = MainWindow()
    qtbot.addWidget(win)
    yield win
    win.close_program()


def choices(monkeypatch, *answers):
    pending = list(answers)
    monkeypatch.setattr(first_launch, "ask_first_launch", lambda parent=None: pending.pop(0) if pending else None)
    return pending


def program_file(path, name="Kofi Mensah"):
    db = open_db(path)
    add_participant(db, Participant(name=name, email="kofi@example.com"))
    db.close()
    return path


def test_demo_builds_a_fresh_program(window, tmp_path, monkeypatch):
    choices(monkeypatch)
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / app.DEMO_FILE).write_text("an old, damaged demo")
    assert app.start(window, None, demo=True)
    assert window.windowTitle() == f"{app.DEMO_FILE} — PeerDesk"
    assert len(list_participants(window.ctx.db)) == 60


def test_reopens_the_last_file(window, tmp_path, monkeypatch):
    choices(monkeypatch)
    path = program_file(tmp_path / "mine.peerdesk.db")
    QSettings().setValue(LAST_FILE_KEY, str(path))
    assert app.start(window, None)
    assert window.ctx.workspace.path == path


def test_explicit_path_is_created_when_new(window, tmp_path, monkeypatch):
    choices(monkeypatch)
    path = tmp_path / "new.peerdesk.db"
    assert app.start(window, path)
    assert path.exists() and window.ctx.workspace.path == path


def test_first_launch_without_a_file_offers_choices(window, tmp_path, monkeypatch, prompts):
    pending = choices(monkeypatch, "open", "new")
    prompts.open_paths.append(None)  # the user cancels "open", then chooses "new"
    prompts.save_paths.append(tmp_path / "started.peerdesk.db")
    assert app.start(window, None)
    assert pending == []
    assert window.ctx.workspace.path == tmp_path / "started.peerdesk.db"


def test_first_launch_closed_means_quit(window, monkeypatch):
    choices(monkeypatch)
    assert app.start(window, None) is False


def test_first_launch_import_creates_a_program_then_imports(window, tmp_path, monkeypatch, prompts):
    choices(monkeypatch, "import")
    csv = tmp_path / "hr.csv"
    csv.write_text("First name,Last name,E-mail\nMei,Chen,mei@example.com\n", encoding="utf-8")
    prompts.save_paths.append(tmp_path / "team.peerdesk.db")
    prompts.open_paths.append(csv)

    def drive(dialog):
        qtbot_click = dialog.import_button.click
        qtbot_click()
        return dialog.result()

    monkeypatch.setattr(widgets, "exec_dialog", drive)
    assert app.start(window, None)
    assert [p.name for p in list_participants(window.ctx.db)] == ["Mei Chen"]


def test_known_errors_on_open_are_messages_then_first_launch(window, tmp_path, monkeypatch, prompts):
    choices(monkeypatch)
    bogus = tmp_path / "photo.jpg"
    bogus.write_bytes(b"\xff\xd8\xff" + b"0" * 200)
    assert app.start(window, bogus) is False
    assert prompts.warnings == [("Open program", "photo.jpg is not a PeerDesk program file.")]

    def locked(*args, **kwargs):
        raise DatabaseLocked("The program file is busy: another program is writing to it (x.db).")

    monkeypatch.setattr("peerdesk.store.workspace.open_db", locked)
    assert app.start(window, program_file(tmp_path / "x.db")) is False
    assert "busy" in prompts.warnings[1][1]


def test_unexpected_errors_are_shown_with_detail(qapp, prompts, monkeypatch, capsys):
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    app.install_excepthook(qapp)
    try:
        raise ValueError("boom")
    except ValueError:
        sys.excepthook(*sys.exc_info())
    assert prompts.bugs and "did not expect" in prompts.bugs[0][0]
    assert "ValueError: boom" in prompts.bugs[0][1]
    sys.excepthook(DatabaseLocked, DatabaseLocked("The file is busy."), None)
    assert prompts.warnings == [("PeerDesk", "The file is busy.")]
    assert "ValueError: boom" in capsys.readouterr().err


def test_first_launch_dialog_buttons(qtbot):
    dialog = first_launch.FirstLaunchDialog()
    qtbot.addWidget(dialog)
    assert set(dialog.buttons) == {"demo", "new", "import", "open"}
    qtbot.mouseClick(dialog.buttons["import"], Qt.MouseButton.LeftButton)
    assert dialog.choice == "import" and dialog.result() == dialog.DialogCode.Accepted


def test_qt_bindings_do_not_leak_references_to_none(qapp):
    """PySide6 6.12.0 on CPython 3.11 drops a reference to None per void call and aborts the app
    after a few thousand calls; pyproject.toml keeps that release out."""
    from PySide6.QtWidgets import QLabel

    label = QLabel()
    before = sys.getrefcount(None)
    for _ in range(200):
        label.setText("x")
    assert sys.getrefcount(None) >= before - 10
