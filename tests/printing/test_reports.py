"""Program and participant reports: every printed figure matches peerdesk.metrics."""

from __future__ import annotations

import pytest

from peerdesk.cli import main
from peerdesk.jobs import Cancelled
from peerdesk.metrics import catalogue as cat
from peerdesk.metrics import people, summary
from peerdesk.metrics.scope import Period, Scope
from peerdesk.printing import reports
from peerdesk.store import open_db
from tests.printing.conftest import NAMES, D, build
from tests.printing.pdfcheck import contains_name, folded, fonts_of, page_texts


def _goal(db, program, title="Hold 10 sessions", metric="sessions_held", target=10):
    db.execute(
        "INSERT INTO goals(program_id, title, metric, params, comparison, target, deadline) VALUES (?, ?, ?, '{}', '>=', ?, ?)",
        (program, title, metric, target, "2026-12-31"),
    )


def _all_text(data) -> str:
    return folded("\n".join(page_texts(data)))


def test_program_report_prints_the_metrics(small):
    _goal(small.db, small.program)
    period = Period(D(2026, 9, 1), D(2026, 10, 31))
    r = reports.gather_program(small.db, small.program, period)
    data = reports.write_program_report(r)
    assert isinstance(data, bytes)
    body = _all_text(data)
    scope = Scope(period=period, program_id=small.program)
    figures = summary.program_figures(small.db, small.program, period)
    assert figures.sessions_held == 4
    assert f"{figures.sessions_held} sessions were held" in body
    assert cat.format_value(cat.compute(small.db, "attendance_rate", scope), "percent") in body
    assert cat.format_value(figures.learning_hours, "hours") in body
    assert cat.format_value(figures.mentoring_hours, "hours") in body
    assert cat.format_value(figures.average_rating, "rating") in body
    assert "Hold 10 sessions" in body and "at least 10" in body
    # Header with program and period on every page, and page numbers.
    pages = page_texts(data)
    for n, page in enumerate(pages, start=1):
        assert "Platform Onboarding" in page
        assert "01 Sep 2026 – 31 Oct 2026" in page
        assert f"Page {n} of {len(pages)}" in page
    # Top contributors come from the leaderboard, in its order.
    board = people.leaderboard(small.db, scope, limit=10)
    assert board[0].participant_id == small.p["zoe"]
    assert contains_name(body, NAMES["zoe"]) and str(board[0].points) in body
    assert all(fonts_of(data).values())


def test_program_report_table_breaks_with_repeated_header(small, tmp_path):
    db = small.db
    # Many departments: the department table runs over more than one page.
    for i in range(90):
        pid = db.execute(
            "INSERT INTO participants(name, email, department, created_at, updated_at) VALUES (?, ?, ?, 'x', 'x')",
            (f"Person {i}", f"p{i}@example.com", f"Department {i:03d}"),
        ).lastrowid
        db.execute("INSERT INTO program_members VALUES (?, ?, '2026-09-01', NULL)", (small.program, pid))
    out = reports.write_program_report(reports.gather_program(db, small.program), tmp_path / "r.pdf")
    pages = page_texts(str(out))
    with_header = [p for p in pages if "Department Active Took part Rate" in " ".join(p.split())]
    assert len(with_header) >= 2
    assert "Department 089" in " ".join(pages)


def test_participant_report(small):
    r = reports.gather_participant(small.db, small.p["zoe"])
    body = _all_text(reports.write_participant_report(r))
    f = people.person_figures(small.db, small.p["zoe"], Scope())
    assert contains_name(body, NAMES["zoe"])
    assert cat.format_value(f.hours_mentored, "hours") in body  # 12.5 h
    assert f"{f.sessions_led}" in body and "sessions led" in body
    assert "Great workshop" in body
    assert "Anonymous" in body  # the anonymous rater is not named
    assert contains_name(body, NAMES["yam"])  # mentee in the pairing
    assert "Session 3" in body


def test_participant_report_period_filters_sessions(small):
    r = reports.gather_participant(small.db, small.p["kim"], Period(D(2026, 10, 1), D(2026, 10, 31)))
    assert [s.title for s in r.sessions] == ["Session 3"]


def test_cancel_leaves_no_file(small, tmp_path):
    with pytest.raises(Cancelled):
        reports.write_program_report(
            reports.gather_program(small.db, small.program), tmp_path / "r.pdf", cancel=lambda: True
        )
    assert not (tmp_path / "r.pdf").exists()


@pytest.fixture
def db_file(tmp_path):
    path = tmp_path / "p.db"
    db = open_db(path)
    with db.atomic():
        fx = build(db)
    db.close()
    return path, fx


def test_cli_reports_and_certificates(db_file, tmp_path, capsys):
    path, fx = db_file
    out = tmp_path / "prog.pdf"
    assert main(["--db", str(path), "report", "program", "platform onboarding", "--out", str(out)]) == 0
    assert "Platform Onboarding" in page_texts(str(out))[0]
    person = tmp_path / "zoe.pdf"
    args = ["--db", str(path), "report", "participant", "ZOE@example.com", "--out", str(person)]
    assert main([*args, "--from", "2026-10-01", "--to", "2026-10-31"]) == 0
    assert "01 Oct 2026 – 31 Oct 2026" in page_texts(str(person))[0]
    assert main(["--db", str(path), "report", "participant", "nobody@example.com", "--out", str(person)]) == 1
    assert main([*args, "--from", "2026-10-31", "--to", "2026-10-01"]) == 2
    assert main(["--db", str(path), "report", "program", "Nope", "--out", str(out)]) == 1
    capsys.readouterr()
    one = tmp_path / "certs.pdf"
    assert main(["--db", str(path), "certificates", "--out", str(one), "--design", "modern"]) == 0
    assert len(page_texts(str(one))) == 2  # zoe's recognition and mo's award
    folder = tmp_path / "each"
    assert main(["--db", str(path), "certificates", "--out", str(folder), "--participant", "zoe@example.com"]) == 0
    (only,) = list(folder.iterdir())
    assert only.name.startswith("PD-2026-0000") and "Zoë Ødegård" in only.name
    assert main(["--db", str(path), "certificates", "--out", str(one), "--program", "Nope"]) == 1
    err = capsys.readouterr().err
    assert "no program named 'Nope'" in err and "Traceback" not in err
