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
from peerdesk.ui.common import widgets
from peerdesk.ui.window import demo_program, first_launch
from peerdesk.ui.window.guide import GuideWindow
from peerdesk.ui.window.main_window import LAST_FILE_KEY, MainWindow


@pytest.fixture
def window(qtbot, prompts, tmp_path, monkeypatch):
    monkeypatch.setattr(demo_program, "data_dir", lambda: tmp_path / "data")
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


def test_demo_is_built_on_first_use_and_points_to_the_guide(window, monkeypatch):
    choices(monkeypatch)
    assert app.start(window, None, demo=True)
    assert window.windowTitle() == f"{demo_program.DEMO_FILE} — PeerDesk"
    assert len(list_participants(window.ctx.db)) == 60
    assert "User guide" in window.statusBar().currentMessage()


def test_a_damaged_demo_is_replaced_and_the_coordinator_is_told(window, tmp_path, monkeypatch):
    choices(monkeypatch)
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / demo_program.DEMO_FILE).write_text("an old, damaged demo")
    assert app.start(window, None, demo=True)
    assert len(list_participants(window.ctx.db)) == 60
    assert window.statusBar().currentMessage() == demo_program.REPAIRED_MESSAGE


def test_the_demo_keeps_the_coordinators_changes_and_says_so(window, qtbot, prompts, monkeypatch):
    choices(monkeypatch)
    assert app.start(window, None, demo=True)
    window.ctx.run("Add participant", add_participant, Participant(name="Added By Me", email="me@example.com"))
    window.close_program()
    again = MainWindow()
    qtbot.addWidget(again)
    assert app.start(again, None, demo=True)
    names = [p.name for p in list_participants(again.ctx.db)]
    assert "Added By Me" in names and len(names) == 61
    assert "File > Start the demo over" in again.statusBar().currentMessage()

    prompts.confirm_answer = False
    assert again.start_demo_over() is False
    assert len(list_participants(again.ctx.db)) == 61
    prompts.confirm_answer = True
    again.demo_over_action.trigger()  # the demo is open in this window: it is replaced all the same
    assert prompts.confirms[-1][0] == "Start the demo over"
    assert again.ctx.workspace.path == demo_program.demo_path()
    assert "Added By Me" not in [p.name for p in list_participants(again.ctx.db)]
    again.close_program()


def test_the_demo_is_not_replaced_while_another_peerdesk_has_it_open(window, tmp_path, monkeypatch, prompts):
    import datetime as dt

    from peerdesk.store.lock import LockInfo

    choices(monkeypatch)
    assert app.start(window, None, demo=True)
    assert window.open_program(tmp_path / "mine.peerdesk.db", create=True)  # the window moves on to a file
    now = dt.datetime.now(dt.UTC).isoformat()
    other = LockInfo("kofi", "laptop-2", 4242, now, now, "boot")  # another PeerDesk took the demo meanwhile
    monkeypatch.setattr(demo_program, "read_lock", lambda path: other)
    monkeypatch.setattr(demo_program, "is_stale", lambda info: False)
    assert demo_program.start_over(window) is False
    assert "open in another PeerDesk (kofi on laptop-2" in prompts.warnings[-1][1]
    assert (
        demo_program.demo_path().is_file() and not demo_program.demo_path().with_name("demo.peerdesk.db.fresh").exists()
    )


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


def test_first_launch_points_to_the_guide_which_stays_open(qtbot):
    main = MainWindow()
    qtbot.addWidget(main)
    dialog = first_launch.FirstLaunchDialog(main)
    assert "user guide" in dialog.guide_link.text().lower()
    dialog.guide_link.linkActivated.emit("guide")
    assert isinstance(dialog.guide, GuideWindow) and dialog.guide.isVisible()
    dialog.choose("demo")
    first_launch.keep_guide_open(dialog, main)
    dialog.deleteLater()
    qtbot.wait(10)
    assert main.findChild(GuideWindow) is not None and main.findChild(GuideWindow).isVisible()


def test_qt_bindings_do_not_leak_references_to_none(qapp):
    """PySide6 6.12.0 on CPython 3.11 drops a reference to None per void call and aborts the app
    after a few thousand calls; pyproject.toml keeps that release out."""
    from PySide6.QtWidgets import QLabel

    label = QLabel()
    before = sys.getrefcount(None)
    for _ in range(200):
        label.setText("x")
    assert sys.getrefcount(None) >= before - 10


def test_shipped_fonts_show_every_script_on_screen(qapp):
    """This machine has no Hangul font: without the shipped ones Korean names are boxes."""
    from PySide6.QtGui import QTextLayout

    from peerdesk.ui.window import screen_fonts

    before = qapp.font()
    try:
        screen_fonts.use_shipped_fallbacks(qapp)
        assert {"NanumSquare", "Droid Sans Fallback", "DejaVu Sans"} <= set(screen_fonts.register_shipped_fonts())
        assert qapp.font().families()[0] == before.family() and "NanumSquare" in qapp.font().families()
        for name in ("김민준", "王小明", "佐藤 花子", "ليلى حداد", "נועה כהן", "Ελένη", "Иван"):
            layout = QTextLayout(name, qapp.font())
            layout.beginLayout()
            layout.createLine()
            layout.endLayout()
            glyphs = [g for run in layout.glyphRuns() for g in run.glyphIndexes()]
            assert glyphs and 0 not in glyphs, f"{name} is drawn with missing glyphs"
    finally:
        qapp.setFont(before)


def test_ctrl_c_in_the_terminal_closes_the_window_and_quits(tmp_path):
    """Qt's event loop runs no Python while idle, so a plain SIGINT would wait for the next
    callback (the writer lock's heartbeat, a minute later)."""
    import os
    import signal
    import subprocess
    import time

    if not hasattr(signal, "SIGINT") or sys.platform == "win32":
        pytest.skip("POSIX signals")
    db = tmp_path / "mine.peerdesk.db"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=str(tmp_path))
    proc = subprocess.Popen(
        [sys.executable, "-m", "peerdesk.cli", "--db", str(db)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        lock = db.with_name(db.name + ".lock")
        deadline = time.monotonic() + 60
        while not lock.exists() and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.1)
        assert lock.exists(), proc.stderr.read() if proc.poll() is not None else "the window never opened"
        time.sleep(0.5)  # into the event loop
        proc.send_signal(signal.SIGINT)
        _out, err = proc.communicate(timeout=90)  # a loaded 2-core machine is slow to close Qt
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == app.EXIT_INTERRUPTED and "peerdesk: interrupted" in err
    assert "Traceback" not in err
    assert not lock.exists()  # closed cleanly: the lock is released
