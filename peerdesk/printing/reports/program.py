"""The program report for leadership: summary, objective and goals, participation, engagement,
outcomes, cohorts, pairings, contributors and feedback."""

from __future__ import annotations

import os
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import (
    Flowable,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from peerdesk.jobs import CancelCheck, Progress
from peerdesk.metrics.scope import Period, Scope
from peerdesk.printing import charts, fonts
from peerdesk.printing.reports.data import ProgramReport, gather_program
from peerdesk.printing.reports.layout import (
    _GOAL_WORDS,
    STATUS_COLOURS,
    Story,
    _and,
    _are,
    _cols,
    _count,
    _day,
    _figures_table,
    _frame_width,
    _have,
    _hours,
    _month_label,
    _pct,
    _rating,
    _styles,
    _summary_box,
    _table,
    _write,
    period_text,
    section,
    user_text,
)
from peerdesk.store.cadence import GRACE_DAYS
from peerdesk.store.db import Database
from peerdesk.store.records import OBJECTIVES
from peerdesk.store.sessions import kind_label
from peerdesk.wording import plural, were

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


def program_report(db: Database, program_id: int, out: str | os.PathLike[str], period: Period | None = None) -> Path:
    """Gather and write a program report in one call (command line)."""
    result = write_program_report(gather_program(db, program_id, period), out)
    assert isinstance(result, Path)
    return result
