"""Smaller safety points: NUL refused, long names warned about, the buddies bound, the bug dialog's log file."""

from __future__ import annotations

import datetime as dt

import pytest

from peerdesk.cli import main
from peerdesk.matching import synthetic
from peerdesk.matching.solve import propose
from peerdesk.store.errors import ValidationError
from peerdesk.store.sessions import Session, create_session, set_feedback


def _session(**fields):
    base = dict(title="Lunch & learn", kind="lunch_and_learn", start_utc=dt.datetime(2026, 11, 3, 12, tzinfo=dt.UTC),
                timezone="UTC", duration_min=60)  # fmt: skip
    return Session(**(base | fields))


@pytest.mark.parametrize("field", ["title", "description", "location"])
def test_nul_is_refused_in_session_texts(db, field):
    with pytest.raises(ValidationError, match="control characters") as info:
        create_session(db, _session(**{field: "Cut\x00here"}))
    assert info.value.field == field
    assert db.execute("SELECT count(*) FROM sessions").fetchone()[0] == 0


def test_nul_is_refused_in_feedback_comments(db):
    s = create_session(db, _session())
    with pytest.raises(ValidationError, match="control characters"):
        set_feedback(db, s.id, None, 4, "great\x00 but cut")
    assert set_feedback(db, s.id, None, 4, "great\nsession").comment == "great\nsession"


@pytest.mark.parametrize(("people", "seed"), [(151, 3), (301, 8)])
def test_buddy_rounds_with_a_trio_stay_within_their_bound(people, seed):
    proposal = propose(synthetic.problem(people, "buddies", seed=seed))
    assert any(len(g.members) == 3 for g in proposal.groups)  # an odd pool: one trio
    assert proposal.upper_bound is not None
    assert proposal.total_score <= proposal.upper_bound + 1e-9  # "at least N% of the best possible" <= 100%


def test_a_name_too_long_to_print_legibly_is_warned_about(demo_file, tmp_path, capsys):
    import sqlite3

    conn = sqlite3.connect(demo_file)
    pid = conn.execute("SELECT participant_id FROM awards ORDER BY id LIMIT 1").fetchone()[0]
    conn.execute("UPDATE participants SET name = ? WHERE id = ?", ("Wolfeschlegelsteinhausen " * 20, pid))
    conn.commit()
    conn.close()
    assert main(["--db", str(demo_file), "certificates", "--out", str(tmp_path / "c.pdf")]) == 0
    err = capsys.readouterr().err
    assert "too small to read" in err and "500 characters" in err and len(err.splitlines()[0]) < 300


def test_the_bug_dialog_names_the_log_file(tmp_path, qapp, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from peerdesk import logfile
    from peerdesk.ui.common import widgets

    for handler in list(logfile.log.handlers):
        logfile.log.removeHandler(handler)
    log = logfile.setup(tmp_path / "logs" / "peerdesk.log")
    shown = {}
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.setdefault("text", box.informativeText()) and 0)
    widgets.report_bug(None, "Oops", "Something broke", "Traceback: the detail")
    assert str(log) in shown["text"]
    assert "Traceback: the detail" in log.read_text(encoding="utf-8")
    for handler in list(logfile.log.handlers):
        logfile.log.removeHandler(handler)
        handler.close()


def test_an_unexpected_error_is_one_line_naming_the_log(tmp_path, monkeypatch, capsys):
    from peerdesk.commands import list_participants

    def broken(db):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(list_participants, "rows", broken)
    db = tmp_path / "p.db"
    src = tmp_path / "in.csv"
    src.write_text("name,email\nAda,ada@example.org\n", encoding="utf-8")
    assert main(["--db", str(db), "import", "participants", str(src)]) == 0
    capsys.readouterr()
    assert main(["--db", str(db), "list", "participants"]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "ZeroDivisionError" in err and "peerdesk.log" in err
