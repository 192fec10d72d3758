"""Program reports whose numbers agree with each other, that print any period, and lay out well
(issue 16, points 12 and 16). Clock: 2026-11-02 09:00 UTC; fixture in tests/printing/conftest.py."""

from __future__ import annotations

import dataclasses

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate, Spacer

from peerdesk.demo import build_demo
from peerdesk.metrics.scope import Period
from peerdesk.printing import charts, reports
from peerdesk.printing.reports import layout
from peerdesk.store import open_db
from tests.printing.conftest import D
from tests.printing.pdfcheck import folded, page_texts, text_runs, tinted_box

HEADINGS = {
    "Objective and SMART goals", "Participation", "Participation rate by department", "Engagement",
    "Month by month", "Outcomes", "Skills learned", "Pairings health", "Top contributors",
    "Feedback highlights", "Ratings by kind of session", "Pairings", "Sessions attended and led", "Skills",
    "Feedback received", "Goals of their programs", "Recognition",
}  # fmt: skip


def _text(data) -> str:
    return folded("\n".join(page_texts(data)))


def test_month_table_counts_only_the_days_of_the_period(small):
    # 15 Oct - 15 Nov: s3 (20 Oct) and s4 (25 Oct); s2 on 5 Oct is outside; nothing after today (2 Nov).
    period = Period(D(2026, 10, 15), D(2026, 11, 15))
    r = reports.gather_program(small.db, small.program, period)
    assert r.figures.sessions_held == 2
    assert [(m.label, m.sessions_held) for m in r.months] == [("15–31 October 2026", 2), ("1–2 November 2026", 0)]
    assert sum(m.learning_hours for m in r.months) == pytest.approx(r.figures.learning_hours)  # 40 h + 3 h
    body = _text(reports.write_program_report(r))
    assert "15–31 October 2026 2 " in body and "Whole period 2 " in body
    assert "2 sessions were held" in body


@pytest.mark.parametrize(
    "period", [Period(D(2025, 1, 1), D(2025, 2, 1)), Period(D(2026, 12, 1), D(2026, 12, 31)), None]
)
def test_a_period_or_program_without_data_still_prints(small, period):
    if period is None:  # a new program: nobody, nothing
        program = small.db.execute(
            "INSERT INTO programs(name, objective, status, created_at) VALUES ('Fresh', 'upskilling', 'active', 'x')"
        ).lastrowid
    else:
        program = small.program
    r = reports.gather_program(small.db, program, period)
    body = _text(reports.write_program_report(r))
    assert "No session was held in the period." in body
    assert "0 have not met" not in body and "0 sessions were held" not in body
    assert "Participation rate by department" not in body  # no chart of nothing but 0% bars


def test_every_number_on_the_page_agrees(tmp_path):
    path = tmp_path / "demo.db"
    build_demo(path)
    db = open_db(path)
    try:
        for (program,) in db.execute("SELECT id FROM programs").fetchall():
            for period in (None, Period(D(2026, 9, 15), D(2026, 10, 20)), Period(D(2026, 10, 1), D(2026, 10, 31))):
                r = reports.gather_program(db, program, period)
                f = r.figures
                assert sum(m.sessions_held for m in r.months) == f.sessions_held
                assert sum(n for n, _ in r.by_kind.values()) == f.sessions_held
                assert sum(r.by_kind_month.values()) == f.sessions_held
                assert sum(m.learning_hours for m in r.months) == pytest.approx(f.learning_hours)
                assert r.feedback.ratings == sum(g.ratings for g in r.feedback.by_kind)
                assert r.feedback.average == pytest.approx(f.average_rating)  # both None without ratings
                assert sum(d.active for d in r.departments) == f.active_members
                engaged = sum(d.engaged for d in r.departments)
                if f.participation_rate is not None:
                    assert 100 * engaged / f.active_members == pytest.approx(f.participation_rate)
                assert r.quiet.total <= f.active_pairings
    finally:
        db.close()


def test_no_heading_is_left_at_the_foot_of_a_page(tmp_path):
    path = tmp_path / "demo.db"
    build_demo(path)
    db = open_db(path)
    try:
        programs = [p for (p,) in db.execute("SELECT id FROM programs")]
        people = [p for (p,) in db.execute("SELECT id FROM participants ORDER BY id LIMIT 6")]
        pdfs = [reports.write_program_report(reports.gather_program(db, p)) for p in programs]
        pdfs += [reports.write_participant_report(reports.gather_participant(db, p)) for p in people]
    finally:
        db.close()
    for data in pdfs:
        for page in page_texts(data):
            lines = [line.strip() for line in page.splitlines() if line.strip()]
            body = [line for line in lines if not line.startswith("Page ") and line != "Northwind Labs"]
            assert body[-1] not in HEADINGS, f"'{body[-1]}' is the last line of a page"


def test_a_section_moves_to_the_next_page_rather_than_leave_its_heading(small):
    st = layout._styles()
    table = layout._table(["A", "B"], [[str(i), "x"] for i in range(30)], [80 * mm, 80 * mm], st)
    frame_height = A4[1] - 40 * mm
    story = [Spacer(1, frame_height - 25 * mm), layout.section("Heading at the foot", st["h1"], [table])]
    data = _build(story)
    first, second = page_texts(data)[:2]
    assert "Heading at the foot" not in first and "Heading at the foot" in second
    # With room for the heading and the start of the table, the table starts here and breaks.
    story = [Spacer(1, frame_height - 80 * mm), layout.section("Heading with room", st["h1"], [table])]
    first, second = page_texts(_build(story))[:2]
    assert "Heading with room" in first and "29" in second


def _build(story) -> bytes:
    import io

    buf = io.BytesIO()
    doc = BaseDocTemplate(buf, pagesize=A4, topMargin=20 * mm, bottomMargin=20 * mm)
    doc.addPageTemplates([PageTemplate("p", [Frame(20 * mm, 20 * mm, A4[0] - 40 * mm, A4[1] - 40 * mm, id="f")])])
    doc.build(story)
    return buf.getvalue()


def test_the_summary_box_covers_no_other_line(small):
    data = reports.write_program_report(reports.gather_program(small.db, small.program))
    left, bottom, right, top = tinted_box(data, 0, layout.SUMMARY_TINT.hexval())
    assert left >= 18 * mm - 0.5 and right <= A4[0] - 18 * mm + 0.5  # inside the margins
    summary = reports.program_summary(reports.gather_program(small.db, small.program))
    for text, y, size in text_runs(data, 0):
        inside = text.strip() and text.strip() in summary
        if not inside:
            assert y - 0.25 * size >= top or y + 0.8 * size <= bottom, f"the summary box covers '{text}'"


def test_large_numbers_carry_a_thousands_separator_everywhere(small):
    r = reports.gather_program(small.db, small.program)
    f = dataclasses.replace(r.figures, sessions_held=16829, members=1204, active_members=1100)
    months = tuple(dataclasses.replace(m, sessions_held=16829 if i == 0 else 0) for i, m in enumerate(r.months))
    kinds = {k: (16829 if i == 0 else 0, h) for i, (k, (_, h)) in enumerate(r.by_kind.items())}
    big = dataclasses.replace(r, figures=f, months=months, by_kind=kinds)
    body = _text(reports.write_program_report(big))
    assert "16,829" in body and "1,204" in body
    assert "16829" not in body and "1204" not in body


def test_pairings_health_in_words(small):
    r = reports.gather_program(small.db, small.program)
    assert r.figures.active_pairings == 1 and r.quiet.total == 0
    assert reports.pairings_health(r) == "The one running pairing met in the last 30 days."
    many = dataclasses.replace(r, figures=dataclasses.replace(r.figures, active_pairings=13))
    assert reports.pairings_health(many) == "All 13 running pairings met in the last 30 days."
    quiet = dataclasses.replace(many, quiet=dataclasses.replace(r.quiet, total=1))
    assert reports.pairings_health(quiet) == "13 pairings are running; 1 of them has not met for 30 days or more."
    assert "0 have not met" not in _text(reports.write_program_report(r))


def test_month_labels_of_a_long_trend_do_not_run_into_each_other():
    months = [f"{m} {y}" for y in (24, 25, 26) for m in ("Jan", "Feb", "Mar", "Apr", "May", "Jun",
              "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")]  # fmt: skip
    shown = charts.spaced_labels(months, 350, 7)
    assert shown[-1] == "Dec 26"
    positions = [i for i, label in enumerate(shown) if label]
    step = 350 / len(months)
    widest = max(charts.stringWidth(m, charts.FONT, 7) for m in months)
    assert all((b - a) * step >= widest for a, b in zip(positions, positions[1:], strict=False))
    drawing = charts.stacked_bars("Sessions", months, [("Pair meeting", [1.0] * 36)], 480)
    chart = next(c for c in drawing.contents if hasattr(c, "categoryAxis"))
    assert chart.categoryAxis.categoryNames == charts.spaced_labels(months, chart.width, 7)
    assert chart.categoryAxis.labels.angle == 0
