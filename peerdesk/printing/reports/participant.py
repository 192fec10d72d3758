"""The participant report: one person's sessions, pairings, training, feedback and recognition."""

from __future__ import annotations

import os
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.platypus import (
    Flowable,
    Paragraph,
    Spacer,
)

from peerdesk.jobs import CancelCheck, Progress
from peerdesk.metrics.scope import Period
from peerdesk.printing.certificates import award_date
from peerdesk.printing.reports.data import ParticipantReport, gather_participant
from peerdesk.printing.reports.layout import (
    Story,
    _cols,
    _count,
    _day,
    _figures_table,
    _frame_width,
    _hours,
    _rating,
    _styles,
    _table,
    _write,
    period_text,
    section,
    user_text,
)
from peerdesk.store.db import Database
from peerdesk.store.sessions import kind_label
from peerdesk.wording import plural

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


def participant_report(
    db: Database, participant_id: int, out: str | os.PathLike[str], period: Period | None = None
) -> Path:
    """Gather and write a participant report in one call."""
    result = write_participant_report(gather_participant(db, participant_id, period), out)
    assert isinstance(result, Path)
    return result
