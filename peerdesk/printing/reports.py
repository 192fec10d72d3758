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
    Flowable,
    Frame,
    KeepTogether,
    LongTable,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from peerdesk import clock
from peerdesk.jobs import CancelCheck, Cancelled, Progress
from peerdesk.metrics import dashboard, feedback, people, rhythm, summary
from peerdesk.metrics import printing_support as ps
from peerdesk.metrics.catalogue import format_value
from peerdesk.metrics.goals import GoalProgress, evaluate_goals
from peerdesk.metrics.scope import Period, Scope
from peerdesk.printing import charts, fonts, text
from peerdesk.printing.certificates import award_date
from peerdesk.printing.register import Issued
from peerdesk.printing.register import register as certificate_register
from peerdesk.store.cadence import GRACE_DAYS, allowed_gap
from peerdesk.store.db import Database
from peerdesk.store.plans import plan_progress, steps_of_sessions
from peerdesk.store.programs import Program, get_program, list_goals, programs_of
from peerdesk.store.recognition import Award, list_awards
from peerdesk.store.records import OBJECTIVES
from peerdesk.store.sessions import kind_label
from peerdesk.store.settings import load_settings
from peerdesk.wording import plural, were

PAGE_SIZES = {"A4": A4, "Letter": letter}


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
    cohorts: tuple[rhythm.CohortFigures, ...] = ()

    @property
    def quiet_days(self) -> int:
        """After how many days without a meeting a pair counts as not meeting (its cadence)."""
        return allowed_gap(self.program.cadence)

    @property
    def program(self) -> Program:
        return self.figures.program

    @property
    def period(self) -> Period:
        return self.figures.period


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
        months=dashboard.months_of(db, scope),
        skills=ps.skills_learned(db, scope),
        quiet=dashboard.stale_pairings(db, Scope(program_id=program_id), limit=2000, as_of=scope.as_of),
        contributors=people.leaderboard(db, scope, limit=10),
        feedback=feedback.feedback_summary(db, scope, comments_limit=400, hosts=False),
        generated=clock.now(),
        cohorts=tuple(rhythm.cohort_figures(db, program_id, as_of=scope.as_of)),
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
    steps: dict[int, str] = field(default_factory=dict)  # session id -> "meeting 2 of 6: Skills plan"
    plans: dict[int, str] = field(default_factory=dict)  # pairing id -> where it is in its plan


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
    as_of = scope.as_of  # nothing dated after the period (or today) counts
    pairings = ps.pairings_of(db, participant_id, scope)
    sessions = ps.sessions_of(db, participant_id, scope)
    steps = steps_of_sessions(db, [s.session_id for s in sessions])
    awards = [
        a
        for a in list_awards(db, participant_id=participant_id)
        if a.awarded_on is None or (period.contains(a.awarded_on) and a.awarded_on <= as_of)
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
        pairings=pairings,
        sessions=sessions,
        feedback=ps.feedback_received(db, participant_id, scope),
        goals=goals,
        awards=awards,
        certificates=certificate_register(db, participant_id=participant_id),
        programs=names,
        steps={sid: f"meeting {x.step.position} of {x.total}: {x.step.title}" for sid, x in steps.items()},
        plans={pid: p.text for pid, p in plan_progress(db, [p.pairing_id for p in pairings]).items()},
    )


# --- styles and building blocks ------------------------------------------------------------

INK = colors.HexColor("#222222")
MUTED = colors.HexColor("#666666")
ACCENT = colors.HexColor("#0F5C63")
RULE = colors.HexColor("#CCCCCC")
ZEBRA = colors.HexColor("#F4F7F7")
SUMMARY_TINT = colors.HexColor("#EEF5F5")
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
        "summary": ParagraphStyle("summary", base, fontSize=10, leading=14.5),
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


def _day(day: dt.date) -> str:
    return f"{day:%d %b %Y}"


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
    if f.members:
        parts = [
            f"{plural(f.members, 'person', 'people')} {_are(f.members)} enrolled ({_count(f.active_members)} active)"
            + (
                f"; {_pct(f.participation_rate)} of the active took part in at least one session."
                if f.participation_rate is not None
                else "."
            )
        ]
    else:
        parts = ["Nobody was enrolled in the program by the end of the period."]
    if f.sessions_held:
        attendance = f"; attendance was {_pct(f.attendance_rate)}" if f.attendance_rate is not None else ""
        parts.append(
            f"{plural(f.sessions_held, 'session')} {were(f.sessions_held)} held, with {_hours(f.learning_hours)} "
            f"of learning and {_hours(f.mentoring_hours)} mentored{attendance}."
        )
    else:
        parts.append("No session was held in the period.")
    if f.average_rating is not None:
        parts.append(
            f"Sessions were rated {_rating(f.average_rating)} on average ({plural(r.feedback.ratings, 'rating')})."
        )
    if goals:
        counts = [(sum(1 for g in goals if g.status == s), label) for s, label in _GOAL_WORDS]
        said = [f"{_count(n)} {label}" for n, label in counts if n]
        parts.append(f"Of {plural(len(goals), 'goal')}, {_and(said)}.")
    if r.quiet.total:
        parts.append(
            f"{plural(r.quiet.total, 'running pairing')} {_have(r.quiet.total)} not met for {r.quiet_days} days or more."
        )
    if f.completed:
        parts.append(
            f"{plural(f.completed, 'member')} {_have(f.completed)} completed the program ({_pct(f.completion_rate)})."
        )
    return " ".join(parts)


_GOAL_WORDS = (("met", "met"), ("on_track", "on track"), ("at_risk", "at risk"), ("missed", "missed"))


def _and(items: Sequence[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _are(n: int) -> str:
    return "is" if n == 1 else "are"


def _have(n: int) -> str:
    return "has" if n == 1 else "have"


class KeepWithStart(KeepTogether):  # type: ignore[misc]
    """A heading and what follows it, moved to the next page unless the heading and at least
    `start` points of what follows (all of it, when shorter) fit on this one: no heading is
    left alone at the foot of a page. Below that, the content breaks across pages as usual."""

    def __init__(self, flowables: list[Flowable], start: float) -> None:
        super().__init__(flowables)
        self._start = start

    def split(self, aW: float, aH: float) -> list[Flowable]:  # noqa: N803 - reportlab API
        if getattr(self, "_wrapInfo", None) != (aW, aH):
            self.wrap(aW, aH)
        content = list(self._content)
        frame = getattr(self, "_frame", None)
        at_top = bool(getattr(frame, "_atTop", False))
        needed = min(self._H, self._H0 + self._start)
        if needed > aH and not at_top:
            content.insert(0, self.FrameBreak())
        return content


def section(title: str, style: ParagraphStyle, content: Sequence[Flowable], start: float = 30 * mm) -> Flowable:
    """A titled part of a report whose heading stays with the start of its content."""
    return KeepWithStart([Paragraph(escape(title), style), *content], start)


def _summary_box(text: str, st: dict[str, ParagraphStyle], width: float) -> Flowable:
    """The summary in a tinted box that takes the room it draws in (nothing under it is covered)."""
    box = Table([[Paragraph(escape(text), st["summary"])]], colWidths=[width], hAlign="LEFT")
    box.setStyle(
        TableStyle(
            [
                ("FONTNAME", (0, 0), (-1, -1), fonts.BASE_FONT),
                ("BACKGROUND", (0, 0), (-1, -1), SUMMARY_TINT),
                ("LEFTPADDING", (0, 0), (-1, -1), 8),
                ("RIGHTPADDING", (0, 0), (-1, -1), 8),
                ("TOPPADDING", (0, 0), (-1, -1), 7),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 8),
            ]
        )
    )
    return box


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
        Spacer(1, 6),
        _summary_box(program_summary(r), st, width),
        Spacer(1, 10),
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
    story.append(_objective_section(r, st, width))
    story.append(_participation_section(r, st, width))
    if r.cohorts:
        story.append(_cohorts_section(r, st, width))
    story.append(_engagement_section(r, st, width))
    story.append(_outcomes_section(r, st, width))
    story.append(_pairings_section(r, st, width))
    story.append(_contributors_section(r, st, width))
    story.append(_feedback_section(r, st, width))
    expected = 3 + len(r.quiet.items) // 40 + len(r.departments) // 40 + len(r.months) // 40
    return story, r.program.name, period_text(r.period), r.organisation, r.paper_size, expected


def _objective_section(r: ProgramReport, st: dict[str, ParagraphStyle], width: float) -> Flowable:
    objective = OBJECTIVES.get(r.program.objective, r.program.objective)
    out: list[Flowable] = [Paragraph(f"<b>Objective:</b> {escape(objective)}", st["base"])]
    if r.program.description:
        out.append(user_text(r.program.description, st["base"]))
    out.append(Spacer(1, 4))
    goals = r.figures.goals
    if not goals:
        out.append(Paragraph("No goals are set for this program yet.", st["note"]))
        return section("Objective and SMART goals", st["h1"], out)
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
            extra=extra,
        )
    )
    out.append(
        Paragraph(
            escape(
                f"Goal completion on {_day(r.generated.date())}: {_count(met)} of {plural(len(goals), 'goal')} met "
                f"({_pct(100 * met / len(goals))})."
            ),
            st["note"],
        )
    )
    return section("Objective and SMART goals", st["h1"], out)


def _cols(width: float, weights: Sequence[float]) -> list[float]:
    total = sum(weights)
    return [width * w / total for w in weights]


def _participation_section(r: ProgramReport, st: dict[str, ParagraphStyle], width: float) -> Flowable:
    f = r.figures
    rate = (
        f" Participation rate (active people present at one session or more): {_pct(f.participation_rate)}."
        if f.participation_rate is not None
        else ""
    )
    out: list[Flowable] = [
        Paragraph(
            escape(
                f"{_count(f.members)} enrolled, {_count(f.active_members)} active, {_count(f.completed)} completed.{rate}"
            ),
            st["base"],
        )
    ]
    if any(d.engaged for d in r.departments):  # a chart of nothing but 0% bars says nothing
        chart_rows = r.departments[:25]
        out.append(Spacer(1, 4))
        out.append(
            charts.bars_horizontal(
                "Participation rate by department",
                [d.department or "(no department)" for d in chart_rows],
                [d.rate for d in chart_rows],
                width,
                texts=[_pct(d.rate) for d in chart_rows],
            )
        )
    if r.departments:
        rows = [
            [d.department or "(no department)", _count(d.active), _count(d.engaged), _pct(d.rate)]
            for d in r.departments
        ]
        out.append(Spacer(1, 4))
        out.append(
            _table(
                ["Department", "Active", "Took part", "Rate"], rows, _cols(width, [4, 1, 1, 1]), st, numeric=(1, 2, 3)
            )
        )
    return section("Participation", st["h1"], out)


def _engagement_section(r: ProgramReport, st: dict[str, ParagraphStyle], width: float) -> Flowable:
    f = r.figures
    if not f.sessions_held:
        note = Paragraph("No session was held in the period.", st["note"])
        return section("Engagement", st["h1"], [note])
    attendance = f"; attendance rate {_pct(f.attendance_rate)}" if f.attendance_rate is not None else ""
    out: list[Flowable] = [
        Paragraph(
            escape(
                f"{plural(f.sessions_held, 'session')} held{attendance}; "
                f"{_hours(f.learning_hours)} of learning and {_hours(f.mentoring_hours)} mentored."
            ),
            st["base"],
        )
    ]
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
                _count(r.by_kind[k][0]),
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
                m.label,
                _count(m.sessions_held),
                _pct(m.attendance_rate),
                _hours(m.learning_hours),
                _rating(m.average_rating),
            ]
            for m in r.months
        ]
        if len(r.months) > 1:
            rows.append(
                [
                    "Whole period",
                    _count(f.sessions_held),
                    _pct(f.attendance_rate),
                    _hours(f.learning_hours),
                    _rating(f.average_rating),
                ]
            )
        bold = [("FONTNAME", (0, len(rows)), (-1, len(rows)), "PD-Sans-Bold")] if len(r.months) > 1 else []
        out.append(Spacer(1, 6))
        out.append(
            section(
                "Month by month",
                st["h2"],
                [
                    _table(
                        ["Month", "Sessions held", "Attendance", "Hours of learning", "Average rating"],
                        rows,
                        _cols(width, [2, 1.2, 1.2, 1.4, 1.4]),
                        st,
                        numeric=(1, 2, 3, 4),
                        extra=bold,
                    )
                ],
            )
        )
    return section("Engagement", st["h1"], out)


def _outcomes_section(r: ProgramReport, st: dict[str, ParagraphStyle], width: float) -> Flowable:
    fb = r.feedback
    out: list[Flowable] = []
    if fb.ratings:
        dist = " · ".join(
            f"{stars}★ {_count(n)}" for stars, n in zip(range(5, 0, -1), reversed(fb.distribution), strict=True)
        )
        out.append(
            Paragraph(
                escape(f"Average rating {_rating(fb.average)} from {plural(fb.ratings, 'rating')} ({dist})."),
                st["base"],
            )
        )
    else:
        out.append(Paragraph("No session held in the period was rated.", st["note"]))
    if r.figures.sessions_held and r.months:
        labels = [_month_label(m.month.strftime("%Y-%m")) for m in r.months]
        half = width / 2 - 4
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
    if r.skills:
        rows = [[s.skill, _count(s.sessions), _count(s.learners)] for s in r.skills]
        skills: Flowable = _table(
            ["Skill", "Sessions", "Learners present"], rows, _cols(width, [4, 1, 1.4]), st, numeric=(1, 2)
        )
    else:
        skills = Paragraph("No held session in the period was tagged with a skill.", st["note"])
    out.append(section("Skills learned", st["h2"], [skills]))
    return section("Outcomes", st["h1"], out)


def _cohorts_section(r: ProgramReport, st: dict[str, ParagraphStyle], width: float) -> Flowable:
    as_of = Scope(period=r.period).as_of
    rows = []
    for c in r.cohorts:
        closed = c.cohort.closed_on if c.cohort.closed_on and c.cohort.closed_on <= as_of else None
        rows.append(
            [c.cohort.name, f"{_day(c.cohort.start_date)} – {_day(c.cohort.end_date)}",
             f"closed {_day(closed)}" if closed else "open", _count(c.members), _count(c.completed),
             _pct(c.completion_rate) if closed else "—"]
        )  # fmt: skip
    table = _table(
        ["Cohort", "Dates", "Status", "Members", "Completed", "Completion"],
        rows,
        _cols(width, [1.7, 2.5, 1.8, 1.1, 1.25, 1.25]),
        st,
        numeric=(3, 4, 5),
    )
    note = Paragraph(
        "Closing a cohort records who met the program's completion rule over the cohort's dates.", st["note"]
    )
    return section("Cohorts", st["h1"], [table, Spacer(1, 3), note])


def _pairings_section(r: ProgramReport, st: dict[str, ParagraphStyle], width: float) -> Flowable:
    out: list[Flowable] = [Paragraph(escape(pairings_health(r)), st["base"])]
    if r.quiet.items:
        rows = [[item.title, item.detail] for item in r.quiet.items]
        out.append(Spacer(1, 4))
        out.append(_table(["Pair", "Kind and last meeting"], rows, _cols(width, [3, 2.4]), st))
        if r.quiet.total > len(r.quiet.items):
            out.append(Paragraph(escape(f"… and {_count(r.quiet.total - len(r.quiet.items))} more."), st["note"]))
    return section("Pairings health", st["h1"], out)


def pairings_health(r: ProgramReport) -> str:
    """How many pairings run, and how many of them have stopped meeting, in words."""
    running, quiet, days, cadence = r.figures.active_pairings, r.quiet.total, r.quiet_days, r.program.cadence
    rhythm_note = f" (they meet {cadence.words}, with {GRACE_DAYS} days' slack)" if cadence else ""
    if not running:
        return "No pairing was running at the end of the period."
    if not quiet:
        if running == 1:
            return f"The one running pairing met in the last {days} days{rhythm_note}."
        return f"All {_count(running)} running pairings met in the last {days} days{rhythm_note}."
    return (
        f"{plural(running, 'pairing')} {_are(running)} running; {_count(quiet)} of them "
        f"{_have(quiet)} not met for {days} days or more{rhythm_note}."
    )


def _contributors_section(r: ProgramReport, st: dict[str, ParagraphStyle], width: float) -> Flowable:
    if not r.contributors:
        return section("Top contributors", st["h1"], [Paragraph("Nobody led a session in the period.", st["note"])])
    rows = [
        [_count(e.rank), e.name, e.department, _count(e.figures.sessions_led), _hours(e.figures.hours_mentored), _count(e.figures.people_helped), _rating(e.figures.average_rating_received), _count(e.points)]
        for e in r.contributors
    ]  # fmt: skip
    table = _table(
        ["Rank", "Name", "Department", "Led", "Hours", "Helped", "Rating", "Points"],
        rows,
        _cols(width, [0.95, 2.6, 1.95, 0.7, 1, 0.9, 1, 0.9]),
        st,
        numeric=(0, 3, 4, 5, 6, 7),
    )
    note = Paragraph(
        "Led: sessions led; Hours: hours mentored; Helped: people helped; Rating: average rating received. "
        "Points: 10 per session led, 3 per hour mentored, 5 per person helped, 1 per rating of 4 or 5.",
        st["note"],
    )
    return section("Top contributors", st["h1"], [table, note])


def _feedback_section(r: ProgramReport, st: dict[str, ParagraphStyle], width: float) -> Flowable:
    comments = list(r.feedback.comments)
    if not comments:
        return section("Feedback highlights", st["h1"], [Paragraph("No written feedback in the period.", st["note"])])
    best = sorted(comments, key=lambda c: (-c.rating, -c.day.toordinal()))[:6]
    worst = [
        c for c in sorted(comments, key=lambda c: (c.rating, -c.day.toordinal())) if c.rating <= 3 and c not in best
    ][:4]
    rows = [["★" * c.rating, c.comment, f"{c.session_title} · {_day(c.day)}", c.author] for c in best + worst]
    out: list[Flowable] = [_table(["Rating", "Comment", "Session", "From"], rows, _cols(width, [0.9, 4, 2.2, 1.4]), st)]
    if worst:
        out.append(
            Paragraph("The last rows are the lower ratings with a comment: where the program can improve.", st["note"])
        )
    if r.feedback.by_kind:
        rows = [
            [g.label, _count(g.sessions), _count(g.ratings), _rating(g.average), _pct(g.good_share)]
            for g in r.feedback.by_kind
        ]
        table = _table(
            ["Kind", "Sessions", "Ratings", "Average", "Rated 4-5"],
            rows,
            _cols(width, [3, 1, 1, 1, 1]),
            st,
            numeric=(1, 2, 3, 4),
        )
        out.append(section("Ratings by kind of session", st["h2"], [table]))
    return section("Feedback highlights", st["h1"], out)


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
    ]
    if r.pairings:
        rows = [
            [kind_label(p.kind) if p.kind not in ("mentoring", "buddy", "cross_functional", "circle") else p.kind.replace("_", " ").capitalize(),
             ", ".join(f"{n} ({role})" for n, role in p.others) or "—", p.role, p.program or "—",
             f"{_day(p.started_on)} – {_day(p.ended_on)}" if p.ended_on else f"since {_day(p.started_on)}",
             _count(p.sessions_held), r.plans.get(p.pairing_id, "—")]
            for p in r.pairings
        ]  # fmt: skip
        pairings: Flowable = _table(
            ["Kind", "With", "Role", "Program", "Dates", "Met", "Meeting plan"],
            rows,
            _cols(width, [1.15, 2.25, 0.9, 1.55, 1.7, 0.75, 1.9]),
            st,
            numeric=(5,),
        )
    else:
        pairings = Paragraph("No pairing in the period.", st["note"])
    story.append(section("Pairings", st["h1"], [pairings]))
    if r.sessions:
        rows = [
            [_day(s.day), s.title + (f" · {r.steps[s.session_id]}" if s.session_id in r.steps else ""),
             kind_label(s.kind), s.took_part, f"{s.duration_min} min"]
            for s in r.sessions
        ]  # fmt: skip
        sessions: Flowable = _table(
            ["Date", "Session", "Kind", "Took part", "Length"],
            rows,
            _cols(width, [1.2, 3.4, 1.6, 1.1, 0.9]),
            st,
            numeric=(4,),
        )
    else:
        sessions = Paragraph("No held session in the period.", st["note"])
    story.append(section("Sessions attended and led", st["h1"], [sessions]))
    skill_rows = [
        ["Teaches", ", ".join(f"{s} ({lvl}/5)" for s, lvl in r.teaches) or "—"],
        ["Learns", ", ".join(f"{s} ({lvl}/5)" for s, lvl in r.learns) or "—"],
    ]
    story.append(section("Skills", st["h1"], [_table(["", "Skills and level"], skill_rows, _cols(width, [1, 6]), st)]))
    if r.feedback:
        feedback: list[Flowable] = [
            Paragraph(
                escape(
                    f"{plural(f.ratings_received, 'rating')} on sessions they led, "
                    f"{_rating(f.average_rating_received)} on average. Raters who asked to stay anonymous are not named."
                ),
                st["base"],
            )
        ]
        rows = [
            ["★" * i.rating, i.comment or "—", f"{i.session_title} · {_day(i.day)}", i.rater or "Anonymous"]
            for i in r.feedback
        ]
        feedback.append(_table(["Rating", "Comment", "Session", "From"], rows, _cols(width, [0.9, 4, 2.2, 1.4]), st))
    else:
        feedback = [Paragraph("No feedback on sessions they led in the period.", st["note"])]
    story.append(section("Feedback received", st["h1"], feedback))
    if r.goals:
        rows = [[program, g.title, g.target_text, g.actual_text, g.status_label] for program, g in r.goals]
        goals: Flowable = _table(
            ["Program", "Goal", "Target", "Actual", "Status"],
            rows,
            _cols(width, [1.8, 3.2, 1.4, 1, 1]),
            st,
            numeric=(3,),
        )
    else:
        goals = Paragraph("Their programs have no goals.", st["note"])
    story.append(section("Goals of their programs", st["h1"], [goals]))
    if r.awards or r.certificates:
        rows = [[_day(a.awarded_on) if a.awarded_on else "", "Award", a.title, a.reason or ""] for a in r.awards]
        rows += [
            [_day(award_date(c)), "Certificate", f"{c.heading} ({c.serial})", c.figures_text] for c in r.certificates
        ]
        recognition: Flowable = _table(["Date", "Kind", "What", "Why"], rows, _cols(width, [1.2, 1.1, 3, 3]), st)
    else:
        recognition = Paragraph("No award or certificate yet.", st["note"])
    story.append(section("Recognition", st["h1"], [recognition]))
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
