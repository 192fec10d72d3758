"""One rule for every figure (issue 16, points 13 and 14), worked by hand on the printing fixture.

- A host marked absent did not lead the session: it is not among their sessions led, and its
  ratings are not theirs, in the figures, the report's tables and the feedback by host alike.
- A session's date is its day in its own time zone.
- Nothing dated after today counts: completions, awards, enrolments, held sessions.
Clock: 2026-11-02 09:00 UTC.
"""

from __future__ import annotations

import json

import pytest

from peerdesk.metrics import catalogue as cat
from peerdesk.metrics import people, summary
from peerdesk.metrics.feedback import feedback_summary
from peerdesk.metrics.scope import Period, Scope, session_day
from peerdesk.printing import certificates, reports
from peerdesk.printing.eligibility import candidates
from peerdesk.store.settings import load_settings
from tests.printing.conftest import D, _feedback, _session
from tests.printing.pdfcheck import folded, page_texts


def _text(data) -> str:
    return folded("\n".join(page_texts(data)))


@pytest.fixture
def absent_host(small):
    """s5: a workshop Zoë was to host but was marked absent at; yam rated it 2."""
    p = small.p
    s5 = _session(
        small.db, 5, small.program, "workshop", "2026-10-28T10:00:00+00:00", 60,
        [(p["zoe"], "host", 0), (p["yam"], "attendee", 1)],
    )  # fmt: skip
    _feedback(small.db, s5, p["yam"], 2, "Host did not come")
    return small


def test_a_host_marked_absent_did_not_lead_anywhere(absent_host):
    small = absent_host
    zoe = small.p["zoe"]
    figures = people.person_figures(small.db, zoe, Scope())
    assert (figures.sessions_led, figures.ratings_received) == (3, 3)  # s1 s2 s3; ratings 5, 4, 5
    r = reports.gather_participant(small.db, zoe)
    assert sum(1 for s in r.sessions if s.led) == 3
    assert [s.took_part for s in r.sessions if s.title == "Session 5"] == ["absent (host)"]
    assert len(r.feedback) == 3 and "Host did not come" not in [i.comment for i in r.feedback]
    by_host = {g.label: g for g in feedback_summary(small.db).by_host}
    assert by_host["Zoë Ødegård"].ratings == 3 and by_host["Zoë Ødegård"].sessions == 3
    body = _text(reports.write_participant_report(r))
    assert "3 ratings on sessions they led" in body
    assert "absent (host)" in body


def test_a_session_prints_on_its_own_day(small):
    # 00:30 in Berlin on 1 November is 23:30 UTC on 31 October.
    p = small.p
    sid = _session(
        small.db, 6, small.program, "pair_meeting", "2026-10-31T23:30:00+00:00", 30,
        [(p["zoe"], "host", None), (p["kim"], "attendee", 1)],
    )  # fmt: skip
    small.db.execute("UPDATE sessions SET timezone = 'Europe/Berlin' WHERE id = ?", (sid,))
    _feedback(small.db, sid, p["kim"], 5, "Late but good")
    assert session_day("2026-10-31T23:30:00+00:00", "Europe/Berlin") == D(2026, 11, 1)
    r = reports.gather_participant(small.db, p["zoe"])
    (line,) = [s for s in r.sessions if s.session_id == sid]
    assert line.day == D(2026, 11, 1)
    assert [i.day for i in r.feedback if i.session_id == sid] == [D(2026, 11, 1)]
    assert [c.day for c in feedback_summary(small.db).comments if c.session_id == sid] == [D(2026, 11, 1)]
    body = _text(reports.write_participant_report(r))
    assert "01 Nov 2026" in body and "31 Oct 2026" not in body


def test_completions_dated_later_are_not_done(small):
    # dav's completion moves to 20 November: not done on 2 November.
    small.db.execute(
        "UPDATE program_members SET completed_on = '2026-11-20' WHERE participant_id = ?", (small.p["dav"],)
    )
    assert summary.program_figures(small.db, small.program).completed == 1  # dim only
    rules = {"completion": {"enabled": True, "conditions": [{"figure": "program_completed", "at_least": 1}]}}
    small.db.execute(
        "UPDATE programs SET config = ? WHERE id = ?", (json.dumps({"certificates": rules}), small.program)
    )
    found = {c.participant_id: c for c in candidates(small.db, small.program, kinds=("completion",))}
    assert not found[small.p["dav"]].qualifies
    assert found[small.p["dim"]].qualifies
    figures = people.person_figures(small.db, small.p["dav"], Scope())
    assert figures.program(small.program).completed_on is None
    # Seen from the end of November, it is done.
    november = Period(D(2026, 11, 1), D(2026, 11, 30))
    assert summary.program_figures(small.db, small.program, november).completed == 1  # still 2 Nov today


def test_awards_enrolments_and_held_sessions_dated_later_do_not_count(small):
    p = small.p
    small.db.execute(
        "INSERT INTO awards(participant_id, program_id, title, reason, awarded_on) VALUES (?, ?, 'Later', '', '2026-12-01')",
        (p["zoe"], small.program),
    )
    small.db.execute(
        "INSERT INTO program_members(program_id, participant_id, enrolled_on) VALUES (?, ?, '2026-11-15')",
        (small.program, p["ele"]),
    )
    _session(small.db, 7, small.program, "workshop", "2026-11-10T10:00:00+00:00", 60, [(p["zoe"], "host", 1)])
    awards = [c.award_title for c in candidates(small.db, small.program, kinds=("custom",))]
    assert awards == ["Community Builder"]
    assert all(c.participant_id != p["ele"] for c in candidates(small.db, small.program))
    scope = Scope(program_id=small.program)
    assert cat.compute(small.db, "active_participants", scope) == 6  # ele is not a member yet
    assert cat.compute(small.db, "sessions_held", scope) == 4  # the one on 10 November is to come
    assert summary.program_figures(small.db, small.program).members == 6
    assert people.person_figures(small.db, p["zoe"], Scope()).sessions_led == 3


def test_a_certificate_prints_the_date_of_the_award(small):
    found = candidates(small.db, small.program)
    award = next(c for c in found if c.kind == "custom")
    dim = next(c for c in found if c.participant_id == small.p["dim"] and c.kind == "completion")
    assert award.awarded_on == D(2026, 10, 30) and dim.awarded_on == D(2026, 10, 31)
    issued = certificates.issue(small.db, [award])  # issued on 2 November
    text = " ".join(page_texts(certificates.pdf_bytes(issued, load_settings(small.db))))
    assert "30 October 2026" in text and "2 November 2026" not in text
    preview = certificates.preview_issued(dim)
    assert certificates.award_date(preview) == D(2026, 10, 31)


def test_training_lists_follow_the_same_rule(small):
    from peerdesk.store.lookups import completion_counts, mentee_counts
    from peerdesk.store.training import Module, add_module

    # Zoë's pairing is marked ended but its end is dated 30 November: on 2 November it still runs.
    small.db.execute("UPDATE pairings SET status = 'ended', ended_on = '2026-11-30'")
    assert mentee_counts(small.db) == {small.p["zoe"]: 1}
    module = add_module(small.db, Module("Listening")).id
    small.db.execute(
        "INSERT INTO training_completions(participant_id, module_id, completed_on) VALUES (?, ?, '2026-10-01'), "
        "(?, ?, '2026-12-01')",
        (small.p["zoe"], module, small.p["mo"], module),
    )
    assert completion_counts(small.db) == {module: 1}  # the one dated 1 December is not done yet
