import datetime as dt
import json

import pytest
from session_fixtures import person, utc

from peerdesk.cli import main
from peerdesk.sessions.feedback_import import (
    apply_feedback_import,
    match_columns,
    parse_rating,
    plan_feedback_import,
)
from peerdesk.sessions.recurrence import Recurrence, create_series
from peerdesk.store import open_db
from peerdesk.store.errors import ValidationError
from peerdesk.store.sessions import Session, create_session, feedback_for, set_feedback
from peerdesk.store.settings import Settings, save_settings


@pytest.fixture
def survey_db(db):
    save_settings(db, Settings(timezone="Europe/Berlin"))
    ana = person(db, "Ana Silva")
    ben = person(db, "Ben Okafor")
    lunch = create_session(
        db,
        Session(
            title="Lunch & Learn: SQL", kind="lunch_and_learn", start_utc=utc(2026, 10, 20, 11), attendees=(ana, ben)
        ),
    )
    weekly = create_series(
        db,
        Session(
            title="Show & Tell",
            kind="show_and_tell",
            start_utc=utc(2026, 10, 15, 15),
            timezone="Europe/Berlin",
            attendees=(ana, ben),
        ),
        Recurrence("weekly", 1, count=4),
    )
    return db, ana, ben, lunch, weekly


def write(tmp_path, text, encoding="utf-8"):
    path = tmp_path / "survey.csv"
    path.write_bytes(text.encode(encoding))
    return path


def test_google_forms_export(tmp_path, survey_db):
    db, ana, ben, lunch, weekly = survey_db
    set_feedback(db, lunch.id, ben, 2, "old")
    path = write(
        tmp_path,
        "Timestamp,Email Address,Which session did you attend?,How would you rate the session?,Any other comments?\n"
        f"10/20/2026 15:02:11,ana.silva@example.com,#{lunch.id},5,Great intro\n"
        "10/20/2026 16:00:00,BEN.OKAFOR@example.com,Lunch & Learn: SQL,4 - Good,\n"
        "10/23/2026 09:00:00,ana.silva@example.com,Show & Tell,★★★,ok\n"  # the latest before the answer: 22 Oct
        "10/30/2026 09:00:00,ben.okafor@example.com,Show & Tell 2026-10-15,Excellent,late answer\n"
        "10/30/2026 09:00:00,,Show & Tell 2026-10-15,3,anonymous\n"
        "10/30/2026 09:00:00,zed@example.com,#1,4,\n"
        "10/30/2026 09:00:00,ana.silva@example.com,Hackathon,4,\n"
        "10/30/2026 09:00:00,ana.silva@example.com,#1,7,\n"
        "10/10/2026 09:00:00,ana.silva@example.com,Show & Tell,4,before any\n",
    )
    plan = plan_feedback_import(db, path)
    assert plan.columns["session"] == "Which session did you attend?"
    assert [(e.line, e.reason) for e in plan.errors] == [
        (7, "No participant has the e-mail zed@example.com"),
        (8, "No session is called 'Hackathon'"),
        (9, "Rating 7 is outside 1 to 5"),
        (10, "'Show & Tell' had not started yet when this answer was given"),
    ]
    got = [(r.line, r.session_id, r.participant_id, r.rating, r.action) for r in plan.rows]
    assert got == [
        (2, lunch.id, ana, 5, "add"),
        (3, lunch.id, ben, 4, "update"),
        (4, weekly[1].id, ana, 3, "add"),
        (5, weekly[0].id, ben, 5, "add"),
        (6, weekly[0].id, None, 3, "add"),
    ]
    assert plan.rows[0].submitted_at == "2026-10-20T13:02:11+00:00"  # Berlin (CEST, +2) wall time
    with pytest.raises(ValidationError):
        apply_feedback_import(db, plan)
    assert apply_feedback_import(db, plan, good_rows=True) == 5
    assert {(f.participant_id, f.rating, f.comment, f.source) for f in feedback_for(db, lunch.id)} == {
        (ana, 5, "Great intro", "import"),
        (ben, 4, "", "import"),
    }
    again = plan_feedback_import(db, path)
    assert [r.action for r in again.rows] == ["same"] * 5


def test_microsoft_forms_semicolon_cp1252(tmp_path, survey_db):
    db, ana, _ben, lunch, _weekly = survey_db
    path = write(
        tmp_path,
        "ID;Start time;Completion time;Email;Name;Session;Rating;Comments on the session\n"
        "1;2026-10-21 10:00:00;2026-10-21 10:03:00;ana.silva@example.com;Ana;Lunch & Learn: SQL (20 Oct 2026);4;Très bien\n",
        encoding="cp1252",
    )
    plan = plan_feedback_import(db, path)
    assert plan.errors == []
    assert [(r.session_id, r.participant_id, r.comment) for r in plan.rows] == [(lunch.id, ana, "Très bien")]
    assert plan.rows[0].submitted_at == "2026-10-21T08:03:00+00:00"


def test_missing_columns_and_rating_forms(tmp_path, db):
    with pytest.raises(ValidationError, match="no rating column"):
        plan_feedback_import(db, write(tmp_path, "Email,Session\na@b.co,#1\n"))
    assert match_columns(["Timestamp", "How would you rate this session?", "Session"]) == {
        "timestamp": 0,
        "session": 2,
        "rating": 1,
    }
    assert [parse_rating(t) for t in ("4", "4/5", "8/10", "★★", "Very good", "3 - Fair")] == [4, 4, 4, 2, 5, 3]
    for bad in ("", "0", "4.5", "great-ish"):
        with pytest.raises(ValueError):
            parse_rating(bad)


def test_list_sessions_json(tmp_path, capsys):
    path = tmp_path / "p.db"
    db = open_db(path)
    a = person(db, "Ana Silva")
    b = person(db, "Ben Okafor")
    create_session(
        db,
        Session(
            title="Pair",
            start_utc=utc(2026, 11, 5, 9),
            timezone="Europe/Berlin",
            duration_min=45,
            hosts=(a,),
            attendees=(b,),
        ),
    )
    db.close()
    assert main(["--db", str(path), "list", "sessions", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows[0]["start"] == "2026-11-05T10:00:00+01:00"
    assert dt.datetime.fromisoformat(rows[0]["start"]) == utc(2026, 11, 5, 9)
    assert {k: rows[0][k] for k in ("title", "kind", "duration_min", "status", "attendees", "hosts", "timezone")} == {
        "title": "Pair",
        "kind": "pair_meeting",
        "duration_min": 45,
        "status": "planned",
        "attendees": ["ben.okafor@example.com"],
        "hosts": ["ana.silva@example.com"],
        "timezone": "Europe/Berlin",
    }
    assert main(["--db", str(path), "list", "sessions"]) == 0
    assert "Pair" in capsys.readouterr().out


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2026-11-05 14:23:11", "2026-11-05T13:23:11+00:00"),  # the coordinator's zone (Berlin, CET)
        ("11/5/2026 14:23:11", "2026-11-05T13:23:11+00:00"),
        ("11/5/26 14:23", "2026-11-05T13:23:00+00:00"),
        ("2026/11/05 2:23:11 PM GMT+1", "2026-11-05T13:23:11+00:00"),
        ("2026/11/05 2:23:11 PM GMT-5", "2026-11-05T19:23:11+00:00"),
        ("05.11.2026 14:23", "2026-11-05T13:23:00+00:00"),
        ("2026-11-05T14:23:11Z", "2026-11-05T14:23:11+00:00"),
    ],
)
def test_survey_timestamps(text, expected):
    import zoneinfo

    from peerdesk.sessions.feedback_import import parse_timestamp

    assert parse_timestamp(text, zoneinfo.ZoneInfo("Europe/Berlin")).isoformat() == expected


def test_answers_are_matched_to_the_requests_drafted(tmp_path, survey_db):
    from peerdesk.store.messages import Drafted, log_drafts

    db, ana, ben, lunch, weekly = survey_db
    # Ana was asked about the first Show & Tell (15 Oct) and the lunch; Ben about nothing.
    log_drafts(db, [Drafted("feedback", ana, weekly[0].id), Drafted("feedback", ana, lunch.id)])
    path = write(
        tmp_path,
        "Timestamp,Email,Session,Rating\n"
        "10/30/2026 09:00:00,ana.silva@example.com,Show & Tell,4\n"  # without the request: the latest, 29 Oct
        f"10/30/2026 09:05:00,ana.silva@example.com,#{lunch.id},5\n"
        "10/30/2026 09:10:00,ben.okafor@example.com,Show & Tell,3\n",
    )
    plan = plan_feedback_import(db, path)
    by_line = {r.line: r for r in plan.rows}
    assert by_line[2].session_id == weekly[0].id and by_line[2].requested.startswith("2026-11-02")
    assert by_line[3].session_id == lunch.id and by_line[3].requested
    assert by_line[4].session_id == weekly[2].id and by_line[4].requested == ""
    assert plan.answering_requests == 2 and "2 answers match a feedback request you drafted." in plan.notes
