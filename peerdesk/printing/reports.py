"""Progress reports (PDF): the program report for leadership and the participant report.

Gathering and rendering are separate: gather_* reads every figure from peerdesk.metrics
(the same module the dashboard uses) into a plain dataclass; render_* lays it out with
reportlab platypus and needs no database, so the window can render off the UI thread.

Layout: a header with the program (or person) and the period on every page, page numbers
"Page n of m" in the footer, a short summary at the top, tables that break across pages
with their header row repeated, and charts drawn with reportlab.graphics.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4, letter
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import registerFontFamily
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    LongTable,
    PageTemplate,
    Paragraph,
    Spacer,
    TableStyle,
)

from peerdesk import clock
from peerdesk.jobs import CancelCheck, Cancelled, Progress
from peerdesk.metrics import dashboard, feedback, people, summary
from peerdesk.metrics import printing_support as ps
from peerdesk.metrics.catalogue import format_value
from peerdesk.metrics.goals import GoalProgress, evaluate_goals
from peerdesk.metrics.scope import Period, Scope
from peerdesk.printing import charts, fonts, text
from peerdesk.printing.register import Issued
from peerdesk.printing.register import register as certificate_register
from peerdesk.store.db import Database
from peerdesk.store.programs import Program, get_program, list_goals, programs_of
from peerdesk.store.recognition import Award, list_awards
from peerdesk.store.records import OBJECTIVES
from peerdesk.store.sessions import kind_label
from peerdesk.store.settings import load_settings

PAGE_SIZES = {"A4": A4, "Letter": letter}
QUIET_DAYS = dashboard.STALE_DAYS


# --- data ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ProgramReport:
    """Everything the program report prints, gathered from peerdesk.metrics."""

    organisation: str
    paper_size: str
    figures: summary.ProgramFigures
    departments: list[ps.DepartmentParticipation]
    by_kind: dict[str, tuple[int, float]]
    by_kind_month: dict[tuple[str, str], int]
    months: tuple[dashboard.MonthPoint, ...]
    skills: list[ps.SkillLearned]
    quiet: dashboard.ActionList
    contributors: list[people.LeaderboardEntry]
    feedback: feedback.FeedbackSummary
    generated: dt.datetime

    @property
    def program(self) -> Program:
        return self.figures.program

    @property
    def period(self) -> Period:
        return self.figures.period


def _months_between(period: Period, as_of: dt.date) -> int:
    start = period.start or as_of
    end = min(period.end or as_of, as_of)
    return max(1, (end.year - start.year) * 12 + end.month - start.month + 1)


def gather_program(db: Database, program_id: int, period: Period | None = None) -> ProgramReport:
    """Read every figure of the program report."""
    program = get_program(db, program_id)
    period = period or summary.program_period(program)
    figures = summary.program_figures(db, program_id, period)
    scope = Scope(period=period, program_id=program_id)
    settings = load_settings(db)
    held = ps.held_by_month_and_kind(db, scope)
    return ProgramReport(
        organisation=settings.organisation,
        paper_size=settings.paper_size,
        figures=figures,
        departments=ps.participation_by_department(db, scope),
        by_kind=ps.by_kind(held),
        by_kind_month=ps.by_kind_and_month(held),
        months=dashboard.monthly(db, scope, min(36, _months_between(period, scope.as_of))),
        skills=ps.skills_learned(db, scope),
        quiet=dashboard.stale_pairings(db, Scope(program_id=program_id), QUIET_DAYS, limit=2000),
        contributors=people.leaderboard(db, scope, limit=10),
        feedback=feedback.feedback_summary(db, scope, comments_limit=400, hosts=False),
        generated=clock.now(),
    )


@dataclass(frozen=True)
class ParticipantReport:
    """Everything the participant report prints."""

    organisation: str
    paper_size: str
    name: str
    email: str
    department: str
    title: str
    role: str
    teaches: tuple[tuple[str, int], ...]
    learns: tuple[tuple[str, int], ...]
    period: Period
    figures: people.PersonFigures
    pairings: list[ps.PairingLine]
    sessions: list[ps.SessionLine]
    feedback: list[ps.FeedbackItem]
    goals: list[tuple[str, GoalProgress]]
    awards: list[Award]
    certificates: list[Issued]
    programs: dict[int, str] = field(default_factory=dict)
    generated: dt.datetime = field(default_factory=clock.now)


def gather_participant(db: Database, participant_id: int, period: Period | None = None) -> ParticipantReport:
    """Read every figure of one participant's report."""
    from peerdesk.store.participants import get_participant

    person = get_participant(db, participant_id)
    period = period or Period.all()
    scope = Scope(period=period)
    settings = load_settings(db)
    memberships = programs_of(db, participant_id)
    names = {m.program_id: get_program(db, m.program_id).name for m in memberships}
    goals: list[tuple[str, GoalProgress]] = []
    for m in memberships:
        for progress in evaluate_goals(db, list_goals(db, m.program_id)):
            goals.append((names[m.program_id], progress))
    lo, hi = period.bounds()
    awards = [
        a
        for a in list_awards(db, participant_id=participant_id)
        if a.awarded_on is None
        or ((lo is None or a.awarded_on.isoformat() >= lo) and (hi is None or a.awarded_on.isoformat() < hi))
    ]
    return ParticipantReport(
        organisation=settings.organisation,
        paper_size=settings.paper_size,
        name=person.name,
        email=person.email,
        department=person.department,
        title=person.title,
        role=person.role,
        teaches=tuple((s.skill, s.level) for s in person.teaches),
        learns=tuple((s.skill, s.level) for s in person.learns),
        period=period,
        figures=people.person_figures(db, participant_id, scope),
        pairings=ps.pairings_of(db, participant_id, scope),
        sessions=ps.sessions_of(db, participant_id, scope),
        feedback=ps.feedback_received(db, participant_id, scope),
        goals=goals,
        awards=awards,
        certificates=certificate_register(db, participant_id=participant_id),
        programs=names,
    )


# --- styles and building blocks ------------------------------------------------------------

INK = colors.HexColor("#222222")
MUTED = colors.HexColor("#666666")
ACCENT = colors.HexColor("#0F5C63")
RULE = colors.HexColor("#CCCCCC")
ZEBRA = colors.HexColor("#F4F7F7")
STATUS_COLOURS = {
    "met": colors.HexColor("#2E7D32"),
    "on_track": colors.HexColor("#0F5C63"),
    "at_risk": colors.HexColor("#C77700"),
    "missed": colors.HexColor("#B3261E"),
}


def _styles() -> dict[str, ParagraphStyle]:
    fonts.register_all()
    registerFontFamily(
        "PD-Sans", normal="PD-Sans", bold="PD-Sans-Bold", italic="PD-Sans-Italic", boldItalic="PD-Sans-Bold"
    )
    base = ParagraphStyle("base", fontName="PD-Sans", fontSize=9, leading=12.5, textColor=INK)
    return {
        "base": base,
        "title": ParagraphStyle("title", base, fontName="PD-Sans-Bold", fontSize=20, leading=25, textColor=ACCENT),
        "subtitle": ParagraphStyle("subtitle", base, fontSize=10.5, leading=14, textColor=MUTED),
        "h1": ParagraphStyle("h1", base, fontName="PD-Sans-Bold", fontSize=13, leading=17, spaceBefore=10, spaceAfter=5, textColor=ACCENT),
        "h2": ParagraphStyle("h2", base, fontName="PD-Sans-Bold", fontSize=10, leading=13, spaceBefore=6, spaceAfter=3),
        "summary": ParagraphStyle("summary", base, fontSize=10, leading=14.5, backColor=colors.HexColor("#EEF5F5"), borderPadding=8, spaceBefore=6, spaceAfter=12),
        "cell": ParagraphStyle("cell", base, fontSize=8, leading=10),
        "head": ParagraphStyle("head", base, fontName="PD-Sans-Bold", fontSize=8, leading=10, textColor=colors.white),
        "num": ParagraphStyle("num", base, fontSize=8, leading=10, alignment=TA_RIGHT),
        "note": ParagraphStyle("note", base, fontSize=8, leading=10.5, textColor=MUTED),
    }  # fmt: skip


def user_text(value: str, style: ParagraphStyle) -> Flowable:
    """Text a person typed (names, titles, comments): a Paragraph when the base font prints
    it left to right, else a ScriptText with font fallback, bidi order and shaping."""
    if text.needs_layout(value, style.fontName):
        family = "sans-bold" if "Bold" in style.fontName else "sans"
        return text.ScriptText(value, family, style.fontSize, color=style.textColor, leading=style.leading)
    return Paragraph(escape(value), style)


def _table(
    header: Sequence[str],
    rows: Sequence[Sequence[Any]],
    widths: Sequence[float],
    st: dict[str, ParagraphStyle],
    *,
    numeric: Sequence[int] = (),
    extra: Sequence[tuple[Any, ...]] = (),
) -> LongTable:
    """A table that breaks across pages with its header row repeated."""
    data: list[list[Any]] = [[Paragraph(escape(h), st["head"]) for h in header]]
    for row in rows:
        cells: list[Any] = []
        for i, value in enumerate(row):
            if isinstance(value, Flowable):
                cells.append(value)
            elif i in numeric:
                cells.append(Paragraph(escape(str(value)), st["num"]))
            else:
                cells.append(user_text(str(value), st["cell"]))
        data.append(cells)
    table = LongTable(data, colWidths=list(widths), repeatRows=1, hAlign="LEFT")
    style = [
        ("FONTNAME", (0, 0), (-1, -1), fonts.BASE_FONT),
        ("BACKGROUND", (0, 0), (-1, 0), ACCENT),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.25, RULE),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        *[("BACKGROUND", (0, r), (-1, r), ZEBRA) for r in range(2, len(data), 2)],
        *extra,
    ]
    table.setStyle(TableStyle(style))
    return table


def _figures_table(items: Sequence[tuple[str, str]], width: float, st: dict[str, ParagraphStyle]) -> LongTable:
    """Key figures as tiles: the value large, its label small."""
    per_row = 4
    big = ParagraphStyle("big", st["base"], fontName="PD-Sans-Bold", fontSize=15, leading=18, textColor=ACCENT)
    cells = [[Paragraph(escape(v), big), Paragraph(escape(label), st["note"])] for v, label in items]
    rows = []
    for i in range(0, len(cells), per_row):
        chunk: list[Any] = list(cells[i : i + per_row])
        chunk += [""] * (per_row - len(chunk))
        rows.append(chunk)
    table = LongTable(rows, colWidths=[width / per_row] * per_row, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), fonts.BASE_FONT),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BOX", (0, 0), (-1, -1), 0.4, RULE),
                ("INNERGRID", (0, 0), (-1, -1), 0.4, RULE),
                ("TOPPADDING", (0, 0), (-1, -1), 5),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 6),
            ]
        )
    )
    return table


class _NumberedCanvas(Canvas):  # type: ignore[misc]
    """Writes 'Page n of m' once the page count is known."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._saved: list[dict[str, Any]] = []

    def showPage(self) -> None:  # noqa: N802 - reportlab API
        self._saved.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._saved)
        for state in self._saved:
            self.__dict__.update(state)
            self.setFont("PD-Sans", 7.5)
            self.setFillColor(MUTED)
            width = self._pagesize[0]
            self.drawRightString(width - 18 * mm, 10 * mm, f"Page {self._pageNumber} of {total}")
            super().showPage()
        super().save()


class _Doc(BaseDocTemplate):  # type: ignore[misc]
    def __init__(
        self, target: Any, header: str, period: str, organisation: str, pagesize: tuple[float, float], **kw: Any
    ) -> None:
        super().__init__(
            target,
            pagesize=pagesize,
            leftMargin=18 * mm,
            rightMargin=18 * mm,
            topMargin=22 * mm,
            bottomMargin=18 * mm,
            initialFontName=fonts.BASE_FONT,
            **kw,
        )
        self.header = header
        self.period_text = period
        self.organisation = organisation
        frame = Frame(
            self.leftMargin, self.bottomMargin, self.width, self.height, id="body", leftPadding=0, rightPadding=0
        )
        self.addPageTemplates([PageTemplate("page", [frame], onPage=self._decorate)])
        self.cancel: CancelCheck | None = None
        self.progress: Progress | None = None
        self.expected = 1

    def _decorate(self, canvas: Canvas, doc: BaseDocTemplate) -> None:
        w, h = self.pagesize
        canvas.saveState()
        canvas.setStrokeColor(ACCENT)
        canvas.setLineWidth(0.8)
        canvas.line(18 * mm, h - 15 * mm, w - 18 * mm, h - 15 * mm)
        canvas.setFillColor(ACCENT)
        size = text.fit_size(self.header, "sans-bold", 9, w * 0.55)
        text.draw_line(canvas, 18 * mm, h - 13 * mm, self.header, "sans-bold", size)
        canvas.setFillColor(MUTED)
        text.draw_line(canvas, w - 18 * mm, h - 13 * mm, self.period_text, "sans", 8.5, "right")
        text.draw_line(canvas, 18 * mm, 10 * mm, self.organisation, "sans", 7.5)
        canvas.restoreState()
        if self.cancel is not None and self.cancel():
            raise Cancelled("Writing the report was cancelled; no file was left behind.")
        if self.progress is not None:
            self.progress(min(doc.page, self.expected), self.expected)


def _build(
    target: Any,
    story: list[Flowable],
    header: str,
    period: str,
    organisation: str,
    paper: str,
    progress: Progress | None,
    cancel: CancelCheck | None,
    expected: int,
) -> None:
    doc = _Doc(
        target,
        header,
        period,
        organisation,
        PAGE_SIZES.get(paper, A4),
        title=header,
        author=organisation,
        creator="PeerDesk",
    )
    doc.cancel = cancel
    doc.progress = progress
    doc.expected = expected
    doc.build(story, canvasmaker=_NumberedCanvas)


Story = tuple[list[Flowable], str, str, str, str, int]  # flowables, header, period, organisation, paper, pages


def _write(
    built: Story, out: str | os.PathLike[str] | None, progress: Progress | None, cancel: CancelCheck | None
) -> bytes | Path:
    """Build the PDF into `out` atomically (nothing is left on cancel or failure), or into bytes."""
    story, header, period, organisation, paper, expected = built
    if out is None:
        buf = BytesIO()
        _build(buf, story, header, period, organisation, paper, progress, cancel, expected)
        return buf.getvalue()
    from peerdesk.store.safefile import atomic_path

    target = Path(out)
    with atomic_path(target) as tmp:
        _build(str(tmp), story, header, period, organisation, paper, progress, cancel, expected)
    return target


def _frame_width(paper: str) -> float:
    return float(PAGE_SIZES.get(paper, A4)[0] - 36 * mm)


def _pct(value: float | None) -> str:
    return format_value(value, "percent")


def _hours(value: float | None) -> str:
    return format_value(value, "hours")


def _rating(value: float | None) -> str:
    return format_value(value, "rating")


def _count(value: float | None) -> str:
    return format_value(value, "count")


def _month_label(key: str) -> str:
    return dt.date.fromisoformat(key + "-01").strftime("%b %y")


def period_text(period: Period) -> str:
    if period.start and period.end:
        if period.label and not period.label.startswith(("Last", "Previous")) and period.label[:1] in "QH12":
            return f"{period.label} ({period.start:%d %b %Y} – {period.end:%d %b %Y})"
        return f"{period.start:%d %b %Y} – {period.end:%d %b %Y}"
    if period.start:
        return f"From {period.start:%d %b %Y}"
    if period.end:
        return f"Up to {period.end:%d %b %Y}"
    return "All time"


# --- the program report --------------------------------------------------------------------


def program_summary(r: ProgramReport) -> str:
    """The short summary at the top, in words, from the same figures as the tables."""
    f = r.figures
    goals = f.goals
    counts = {s: sum(1 for g in goals if g.status == s) for s in ("met", "on_track", "at_risk", "missed")}
    parts = [
        f"{f.members} people are enrolled ({f.active_members} active); "
        f"{_pct(f.participation_rate)} of the active took part in at least one session.",
        f"{f.sessions_held} sessions were held, with {_hours(f.learning_hours)} of learning and "
        f"{_hours(f.mentoring_hours)} mentored; attendance was {_pct(f.attendance_rate)}.",
    ]
    if f.average_rating is not None:
        parts.append(f"Sessions were rated {_rating(f.average_rating)} on average ({r.feedback.ratings} ratings).")
    if goals:
        parts.append(
            f"Of {len(goals)} goals, {counts['met']} met, {counts['on_track']} on track, "
            f"{counts['at_risk']} at risk and {counts['missed']} missed."
        )
    if r.quiet.total:
        parts.append(f"{r.quiet.total} running pairings have not met for {QUIET_DAYS} days or more.")
    if f.completed:
        parts.append(f"{f.completed} members have completed the program ({_pct(f.completion_rate)}).")
    return " ".join(parts)


def _program_story(r: ProgramReport) -> Story:
    st = _styles()
    width = _frame_width(r.paper_size)
    f = r.figures
    story: list[Flowable] = [
        user_text(r.program.name, st["title"]),
        Paragraph(
            escape(
                f"Program report · {period_text(r.period)} · {OBJECTIVES.get(r.program.objective, r.program.objective)}"
            ),
            st["subtitle"],
        ),
        Paragraph(escape(f"{r.organisation} · generated {r.generated:%d %B %Y}"), st["note"]),
        Paragraph(escape(program_summary(r)), st["summary"]),
        _figures_table(
            [
                (_count(f.members), "enrolled"),
                (_count(f.active_members), "active"),
                (_pct(f.participation_rate), "participation rate"),
                (_count(f.sessions_held), "sessions held"),
                (_pct(f.attendance_rate), "attendance rate"),
                (_hours(f.learning_hours), "hours of learning"),
                (_hours(f.mentoring_hours), "hours mentored"),
                (_rating(f.average_rating), "average rating"),
            ],
            width,
            st,
        ),
    ]
    story += _objective_section(r, st, width)
    story += _participation_section(r, st, width)
    story += _engagement_section(r, st, width)
    story += _outcomes_section(r, st, width)
    story += _pairings_section(r, st, width)
    story += _contributors_section(r, st, width)
    story += _feedback_section(r, st, width)
    expected = 3 + len(r.quiet.items) // 40 + len(r.departments) // 40
    return story, r.program.name, period_text(r.period), r.organisation, r.paper_size, expected


def _objective_section(r: ProgramReport, st: dict[str, ParagraphStyle], width: float) -> list[Flowable]:
    out: list[Flowable] = [Paragraph("Objective and SMART goals", st["h1"])]
    objective = OBJECTIVES.get(r.program.objective, r.program.objective)
    out.append(Paragraph(f"<b>Objective:</b> {escape(objective)}", st["base"]))
    if r.program.description:
        out.append(user_text(r.program.description, st["base"]))
    out.append(Spacer(1, 4))
    goals = r.figures.goals
    if not goals:
        out.append(Paragraph("No goals are set for this program yet.", st["note"]))
        return out
    rows = []
    extra = []
    for i, g in enumerate(goals, start=1):
        rows.append(
            [g.title, g.metric.label, g.target_text, g.actual_text, g.status_label, f"{g.goal.deadline:%d %b %Y}"]
        )
        extra.append(("TEXTCOLOR", (4, i), (4, i), STATUS_COLOURS[g.status]))
    met = sum(1 for g in goals if g.status == "met")
    out.append(
        _table(
            ["Goal", "Measure", "Target", "Actual", "Status", "Deadline"],
            rows,
            _cols(width, [3.2, 2, 1.4, 1, 1, 1.2]),
            st,
            numeric=(3,),
        )
    )
    out.append(
        Paragraph(f"Goal completion: {met} of {len(goals)} goals met ({_pct(100 * met / len(goals))}).", st["note"])
    )
    return out


def _cols(width: float, weights: Sequence[float]) -> list[float]:
    total = sum(weights)
    return [width * w / total for w in weights]


def _participation_section(r: ProgramReport, st: dict[str, ParagraphStyle], width: float) -> list[Flowable]:
    f = r.figures
    out: list[Flowable] = [CondPageBreak(60 * mm), Paragraph("Participation", st["h1"])]
    out.append(
        Paragraph(
            escape(
                f"{f.members} enrolled, {f.active_members} active, {f.completed} completed. "
                f"Participation rate (active people present at one session or more): {_pct(f.participation_rate)}."
            ),
            st["base"],
        )
    )
    if r.departments:
        chart_rows = r.departments[:25]
        out.append(Spacer(1, 4))
        out.append(
            charts.bars_horizontal(
                "Participation rate by department",
                [d.department or "(no department)" for d in chart_rows],
                [d.rate for d in chart_rows],
                width,
            )
        )
        rows = [[d.department or "(no department)", str(d.active), str(d.engaged), _pct(d.rate)] for d in r.departments]
        out.append(Spacer(1, 4))
        out.append(
            _table(
                ["Department", "Active", "Took part", "Rate"], rows, _cols(width, [4, 1, 1, 1]), st, numeric=(1, 2, 3)
            )
        )
    return out


def _engagement_section(r: ProgramReport, st: dict[str, ParagraphStyle], width: float) -> list[Flowable]:
    f = r.figures
    out: list[Flowable] = [CondPageBreak(80 * mm), Paragraph("Engagement", st["h1"])]
    out.append(
        Paragraph(
            escape(
                f"{f.sessions_held} sessions held; attendance rate {_pct(f.attendance_rate)}; "
                f"{_hours(f.learning_hours)} of learning and {_hours(f.mentoring_hours)} mentored."
            ),
            st["base"],
        )
    )
    months = [m.month.strftime("%Y-%m") for m in r.months]
    kinds = sorted(r.by_kind, key=lambda k: -r.by_kind[k][0])
    if months and kinds:
        series = [(kind_label(k), [float(r.by_kind_month.get((m, k), 0)) for m in months]) for k in kinds]
        out.append(Spacer(1, 4))
        out.append(
            charts.stacked_bars("Sessions held per month, by kind", [_month_label(m) for m in months], series, width)
        )
    if kinds:
        total_n = sum(n for n, _ in r.by_kind.values())
        rows = [
            [
                kind_label(k),
                str(r.by_kind[k][0]),
                _hours(r.by_kind[k][1]),
                _pct(100 * r.by_kind[k][0] / total_n if total_n else None),
            ]
            for k in kinds
        ]
        out.append(Spacer(1, 4))
        out.append(
            _table(
                ["Kind", "Sessions held", "Hours scheduled", "Share"],
                rows,
                _cols(width, [3, 1.2, 1.2, 1]),
                st,
                numeric=(1, 2, 3),
            )
        )
    if r.months:
        rows = [
            [
                m.month.strftime("%B %Y"),
                str(m.sessions_held),
                _pct(m.attendance_rate),
                _hours(m.learning_hours),
                _rating(m.average_rating),
            ]
            for m in r.months
        ]
        out.append(Spacer(1, 6))
        out.append(
            _table(
                ["Month", "Sessions held", "Attendance", "Hours of learning", "Average rating"],
                rows,
                _cols(width, [2, 1.2, 1.2, 1.4, 1.4]),
                st,
                numeric=(1, 2, 3, 4),
            )
        )
    return out


def _outcomes_section(r: ProgramReport, st: dict[str, ParagraphStyle], width: float) -> list[Flowable]:
    out: list[Flowable] = [CondPageBreak(70 * mm), Paragraph("Outcomes", st["h1"])]
    fb = r.feedback
    dist = " · ".join(f"{stars}★ {n}" for stars, n in zip(range(5, 0, -1), reversed(fb.distribution), strict=True))
    out.append(
        Paragraph(escape(f"Average rating {_rating(fb.average)} from {fb.ratings} ratings ({dist})."), st["base"])
    )
    if r.months:
        labels = [m.month.strftime("%b %y") for m in r.months]
        half = width / 2 - 4
        from reportlab.platypus import Table

        pair = Table(
            [[
                charts.trend_line("Average rating per month", labels, [m.average_rating for m in r.months], half, low=1, high=5, step=1),
                charts.trend_line("Attendance rate per month", labels, [m.attendance_rate for m in r.months], half, low=0, high=100, step=25, fmt="%d%%", color=charts.PALETTE[1]),
            ]],
            colWidths=[half + 4, half + 4],
            hAlign="LEFT",
        )  # fmt: skip
        pair.setStyle(
            TableStyle(
                [
                    ("FONTNAME", (0, 0), (-1, -1), fonts.BASE_FONT),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ]
            )
        )
        out.append(Spacer(1, 4))
        out.append(pair)
    out.append(Paragraph("Skills learned", st["h2"]))
    if r.skills:
        rows = [[s.skill, str(s.sessions), str(s.learners)] for s in r.skills]
        out.append(
            _table(["Skill", "Sessions", "Learners present"], rows, _cols(width, [4, 1, 1.4]), st, numeric=(1, 2))
        )
    else:
        out.append(Paragraph("No held session in the period was tagged with a skill.", st["note"]))
    goals = r.figures.goals
    if goals:
        met = sum(1 for g in goals if g.status == "met")
        out.append(Spacer(1, 4))
        out.append(Paragraph(escape(f"Goal completion: {met} of {len(goals)} goals met."), st["base"]))
    return out


def _pairings_section(r: ProgramReport, st: dict[str, ParagraphStyle], width: float) -> list[Flowable]:
    out: list[Flowable] = [CondPageBreak(50 * mm), Paragraph("Pairings health", st["h1"])]
    f = r.figures
    out.append(
        Paragraph(
            escape(
                f"{f.active_pairings} pairings are running; {r.quiet.total} have not met for {QUIET_DAYS} days or more."
            ),
            st["base"],
        )
    )
    if r.quiet.items:
        rows = [[item.title, item.detail] for item in r.quiet.items]
        out.append(Spacer(1, 4))
        out.append(_table(["Pair", "Kind and last meeting"], rows, _cols(width, [3, 2.4]), st))
        if r.quiet.total > len(r.quiet.items):
            out.append(Paragraph(escape(f"… and {r.quiet.total - len(r.quiet.items)} more."), st["note"]))
    return out


def _contributors_section(r: ProgramReport, st: dict[str, ParagraphStyle], width: float) -> list[Flowable]:
    out: list[Flowable] = [CondPageBreak(50 * mm), Paragraph("Top contributors", st["h1"])]
    if not r.contributors:
        out.append(Paragraph("Nobody led a session in the period.", st["note"]))
        return out
    rows = [
        [str(e.rank), e.name, e.department, str(e.figures.sessions_led), _hours(e.figures.hours_mentored), str(e.figures.people_helped), _rating(e.figures.average_rating_received), str(e.points)]
        for e in r.contributors
    ]  # fmt: skip
    out.append(
        _table(
            ["Rank", "Name", "Department", "Led", "Hours", "Helped", "Rating", "Points"],
            rows,
            _cols(width, [0.95, 2.6, 1.95, 0.7, 1, 0.9, 1, 0.9]),
            st,
            numeric=(0, 3, 4, 5, 6, 7),
        )
    )
    out.append(
        Paragraph(
            "Led: sessions led; Hours: hours mentored; Helped: people helped; Rating: average rating received. "
            "Points: 10 per session led, 3 per hour mentored, 5 per person helped, 1 per rating of 4 or 5.",
            st["note"],
        )
    )
    return out


def _feedback_section(r: ProgramReport, st: dict[str, ParagraphStyle], width: float) -> list[Flowable]:
    out: list[Flowable] = [CondPageBreak(50 * mm), Paragraph("Feedback highlights", st["h1"])]
    comments = list(r.feedback.comments)
    if not comments:
        out.append(Paragraph("No written feedback in the period.", st["note"]))
        return out
    best = sorted(comments, key=lambda c: (-c.rating, -c.day.toordinal()))[:6]
    worst = [
        c for c in sorted(comments, key=lambda c: (c.rating, -c.day.toordinal())) if c.rating <= 3 and c not in best
    ][:4]
    rows = [["★" * c.rating, c.comment, f"{c.session_title} · {c.day:%d %b %Y}", c.author] for c in best + worst]
    out.append(_table(["Rating", "Comment", "Session", "From"], rows, _cols(width, [0.9, 4, 2.2, 1.4]), st))
    if worst:
        out.append(
            Paragraph("The last rows are the lower ratings with a comment: where the program can improve.", st["note"])
        )
    if r.feedback.by_kind:
        out.append(Paragraph("Ratings by kind of session", st["h2"]))
        rows = [
            [g.label, str(g.sessions), str(g.ratings), _rating(g.average), _pct(g.good_share)]
            for g in r.feedback.by_kind
        ]
        out.append(
            _table(
                ["Kind", "Sessions", "Ratings", "Average", "Rated 4-5"],
                rows,
                _cols(width, [3, 1, 1, 1, 1]),
                st,
                numeric=(1, 2, 3, 4),
            )
        )
    return out


def write_program_report(
    r: ProgramReport,
    out: str | os.PathLike[str] | None = None,
    *,
    progress: Progress | None = None,
    cancel: CancelCheck | None = None,
) -> bytes | Path:
    """Render the program report to `out` (atomically), or return the PDF bytes when out is None."""
    return _write(_program_story(r), out, progress, cancel)


# --- the participant report ----------------------------------------------------------------


def _participant_story(r: ParticipantReport) -> Story:
    st = _styles()
    width = _frame_width(r.paper_size)
    f = r.figures
    who = " · ".join(x for x in (r.title, r.department, r.email, r.role) if x)
    story: list[Flowable] = [
        user_text(r.name, st["title"]),
        Paragraph(escape(f"Participant report · {period_text(r.period)}"), st["subtitle"]),
        user_text(who, st["note"]),
        Paragraph(escape(f"{r.organisation} · generated {r.generated:%d %B %Y}"), st["note"]),
        Spacer(1, 8),
        _figures_table(
            [
                (_count(f.sessions_led), "sessions led"),
                (_hours(f.hours_mentored), "hours mentored"),
                (_count(f.people_helped), "people helped"),
                (_rating(f.average_rating_received), "rating received"),
                (_count(f.sessions_attended), "sessions attended"),
                (_hours(f.hours_learning), "hours of learning"),
                (_count(len(r.pairings)), "pairings"),
                (_count(f.points), "contribution points"),
            ],
            width,
            st,
        ),
        Paragraph("Pairings", st["h1"]),
    ]
    if r.pairings:
        rows = [
            [kind_label(p.kind) if p.kind not in ("mentoring", "buddy", "cross_functional", "circle") else p.kind.replace("_", " ").capitalize(),
             ", ".join(f"{n} ({role})" for n, role in p.others) or "—", p.role, p.program or "—",
             f"{p.started_on:%d %b %Y} – {p.ended_on:%d %b %Y}" if p.ended_on else f"since {p.started_on:%d %b %Y}",
             str(p.sessions_held)]
            for p in r.pairings
        ]  # fmt: skip
        story.append(
            _table(
                ["Kind", "With", "Role", "Program", "Dates", "Met"],
                rows,
                _cols(width, [1.3, 3, 0.9, 1.8, 1.9, 0.6]),
                st,
                numeric=(5,),
            )
        )
    else:
        story.append(Paragraph("No pairing in the period.", st["note"]))
    story.append(Paragraph("Sessions attended and led", st["h1"]))
    if r.sessions:
        rows = [
            [s.start_utc[:10], s.title, kind_label(s.kind), "led" if s.role == "host" else "attended" if s.attended else ("absent" if s.attended is False else "not recorded"), f"{s.duration_min} min"]
            for s in r.sessions
        ]  # fmt: skip
        story.append(
            _table(
                ["Date", "Session", "Kind", "Took part", "Length"],
                rows,
                _cols(width, [1.2, 3.4, 1.6, 1.1, 0.9]),
                st,
                numeric=(4,),
            )
        )
    else:
        story.append(Paragraph("No held session in the period.", st["note"]))
    skill_rows = [
        ["Teaches", ", ".join(f"{s} ({lvl}/5)" for s, lvl in r.teaches) or "—"],
        ["Learns", ", ".join(f"{s} ({lvl}/5)" for s, lvl in r.learns) or "—"],
    ]
    story.append(
        KeepTogether(
            [Paragraph("Skills", st["h1"]), _table(["", "Skills and level"], skill_rows, _cols(width, [1, 6]), st)]
        )
    )
    story.append(Paragraph("Feedback received", st["h1"]))
    if r.feedback:
        avg = sum(i.rating for i in r.feedback) / len(r.feedback)
        story.append(
            Paragraph(
                escape(
                    f"{len(r.feedback)} ratings on sessions they led, {avg:.1f} / 5 on average. Raters who asked to stay anonymous are not named."
                ),
                st["base"],
            )
        )
        rows = [
            ["★" * i.rating, i.comment or "—", f"{i.session_title} · {i.day:%d %b %Y}", i.rater or "Anonymous"]
            for i in r.feedback
        ]
        story.append(_table(["Rating", "Comment", "Session", "From"], rows, _cols(width, [0.9, 4, 2.2, 1.4]), st))
    else:
        story.append(Paragraph("No feedback on sessions they led in the period.", st["note"]))
    story.append(Paragraph("Goals of their programs", st["h1"]))
    if r.goals:
        rows = [[program, g.title, g.target_text, g.actual_text, g.status_label] for program, g in r.goals]
        story.append(
            _table(
                ["Program", "Goal", "Target", "Actual", "Status"],
                rows,
                _cols(width, [1.8, 3.2, 1.4, 1, 1]),
                st,
                numeric=(3,),
            )
        )
    else:
        story.append(Paragraph("Their programs have no goals.", st["note"]))
    story.append(Paragraph("Recognition", st["h1"]))
    if r.awards or r.certificates:
        rows = [
            [f"{a.awarded_on:%d %b %Y}" if a.awarded_on else "", "Award", a.title, a.reason or ""] for a in r.awards
        ]
        rows += [
            [f"{c.issued_on:%d %b %Y}", "Certificate", f"{c.heading} ({c.serial})", c.figures_text]
            for c in r.certificates
        ]
        story.append(KeepTogether(_table(["Date", "Kind", "What", "Why"], rows, _cols(width, [1.2, 1.1, 3, 3]), st)))
    else:
        story.append(Paragraph("No award or certificate yet.", st["note"]))
    expected = 2 + len(r.sessions) // 45
    return story, r.name, period_text(r.period), r.organisation, r.paper_size, expected


def write_participant_report(
    r: ParticipantReport,
    out: str | os.PathLike[str] | None = None,
    *,
    progress: Progress | None = None,
    cancel: CancelCheck | None = None,
) -> bytes | Path:
    """Render the participant report to `out` (atomically), or return the PDF bytes when out is None."""
    return _write(_participant_story(r), out, progress, cancel)


def program_report(db: Database, program_id: int, out: str | os.PathLike[str], period: Period | None = None) -> Path:
    """Gather and write a program report in one call (command line)."""
    result = write_program_report(gather_program(db, program_id, period), out)
    assert isinstance(result, Path)
    return result


def participant_report(
    db: Database, participant_id: int, out: str | os.PathLike[str], period: Period | None = None
) -> Path:
    """Gather and write a participant report in one call."""
    result = write_participant_report(gather_participant(db, participant_id, period), out)
    assert isinstance(result, Path)
    return result
