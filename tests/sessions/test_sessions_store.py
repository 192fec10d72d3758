import datetime as dt

import pytest
from session_fixtures import enrol, pairing, person, program, utc

from peerdesk.store.errors import ValidationError
from peerdesk.store.sessions import (
    Session,
    SessionFilter,
    agenda_page,
    cancel_session,
    count_sessions,
    create_session,
    delete_sessions,
    feedback_for,
    find_clashes,
    get_session,
    invite,
    kind_label,
    mark_held,
    members_of_department,
    members_of_pairing,
    members_of_program,
    move_session,
    page_key,
    people_of,
    sessions_between,
    sessions_of_participant,
    set_feedback,
    update_session,
)


def test_create_reads_back_with_people_skills_and_stable_uid(db):
    a, b = person(db, "Ana Silva"), person(db, "Ben Okafor")
    s = create_session(
        db,
        Session(
            title="  Lunch &  learn: SQL ",
            kind="Lunch & learn",
            start_utc=utc(2026, 11, 5, 11, 0),
            timezone="Europe/Berlin",
            duration_min=45,
            skills=("SQL", "sql ", "Indexes"),
            hosts=(a,),
            attendees=(b, a),
            location="Room 4",
        ),
    )
    got = get_session(db, s.id)
    assert got.title == "Lunch & learn: SQL"
    assert got.kind == "lunch_and_learn" and kind_label(got.kind) == "Lunch & learn"
    assert got.hosts == (a,) and got.attendees == (b,)
    assert set(got.skills) == {"SQL", "Indexes"}
    assert got.uid == s.uid and got.uid.endswith("@peerdesk")
    assert got.local_start.hour == 12
    row = db.execute("SELECT start_utc, timezone FROM sessions WHERE id=?", (s.id,)).fetchone()
    assert row == ("2026-11-05T11:00:00+00:00", "Europe/Berlin")


def test_custom_kind_and_validation(db):
    s = create_session(db, Session(title="Demo day", kind="Hack demo", start_utc=utc(2026, 11, 5, 11)))
    assert get_session(db, s.id).kind == "Hack demo"
    with pytest.raises(ValidationError) as e:
        create_session(db, Session(title=" ", start_utc=utc(2026, 11, 5, 11)))
    assert e.value.field == "title"
    with pytest.raises(ValidationError):
        create_session(db, Session(title="x", start_utc=utc(2026, 11, 5, 11), timezone="Mars/Base"))
    with pytest.raises(ValidationError):
        create_session(db, Session(title="x", start_utc=utc(2026, 11, 5, 11), duration_min=2))
    with pytest.raises(ValidationError):
        create_session(db, Session(title="x", start_utc=utc(2026, 11, 5, 11), online_url="zoom"))


def test_sequence_goes_up_on_time_place_status_only(db):
    s = create_session(db, Session(title="Pair", start_utc=utc(2026, 11, 5, 11)))
    s = update_session(db, Session(**{**s.__dict__, "description": "agenda"}))
    assert get_session(db, s.id).sequence == 0
    move_session(db, s.id, utc(2026, 11, 6, 11))
    assert get_session(db, s.id).sequence == 1
    s = get_session(db, s.id)
    update_session(db, Session(**{**s.__dict__, "location": "Cafe"}))
    cancel_session(db, s.id)
    got = get_session(db, s.id)
    assert got.sequence == 3 and got.status == "cancelled" and got.uid == s.uid


def test_invite_pairing_circle_department_program(db):
    a = person(db, "Ana", department="Data")
    b = person(db, "Ben", department="Data")
    c = person(db, "Cleo", department="Sales")
    d = person(db, "Dev", department="Data", status="paused")
    prog = program(db)
    enrol(db, prog, a, c)
    pair = pairing(db, (b, "mentee"), (a, "mentor"))
    circle = pairing(db, (a, "peer"), (b, "peer"), (c, "host"), kind="circle")
    assert members_of_pairing(db, pair) == [a, b]
    assert members_of_pairing(db, circle)[0] == c
    assert members_of_department(db, "data") == [a, b]  # paused Dev not invited
    assert d not in members_of_department(db, "Data")
    assert members_of_program(db, prog) == [a, c]
    s = create_session(db, Session(title="Workshop", kind="workshop", start_utc=utc(2026, 11, 5, 11), hosts=(c,)))
    assert invite(db, s.id, members_of_department(db, "Data")) == 2
    assert invite(db, s.id, members_of_program(db, prog)) == 0 + 0  # Ana already in, Cleo hosts
    assert {p.participant_id: p.role for p in people_of(db, s.id)} == {a: "attendee", b: "attendee", c: "host"}


def test_mark_held_attendance_and_feedback(db):
    a, b = person(db, "Ana"), person(db, "Ben")
    s = create_session(db, Session(title="Pair", start_utc=utc(2026, 10, 30, 11), attendees=(a, b)))
    mark_held(db, s.id, {a: True, b: False})
    assert get_session(db, s.id).status == "held"
    assert {p.participant_id: p.attended for p in people_of(db, s.id)} == {a: True, b: False}
    set_feedback(db, s.id, a, 4, "useful")
    set_feedback(db, s.id, a, 5, "very useful")
    set_feedback(db, s.id, None, 3, "anon")
    fb = feedback_for(db, s.id)
    assert [(f.participant_id, f.rating, f.comment) for f in fb] == [(a, 5, "very useful"), (None, 3, "anon")]
    with pytest.raises(ValidationError):
        set_feedback(db, s.id, a, 6)
    row = agenda_page(db, SessionFilter())[0]
    assert (row.people, row.attended, row.recorded, row.ratings, row.rating) == (2, 1, 2, 2, 4.0)
    # editing people keeps the attendance of those who stay
    s = get_session(db, s.id)
    update_session(db, Session(**{**s.__dict__, "title": "Pair meeting"}))
    assert {p.participant_id: p.attended for p in people_of(db, s.id)} == {a: True, b: False}


def test_clashes_ignore_cancelled_and_self(db):
    a, b = person(db, "Ana"), person(db, "Ben")
    first = create_session(db, Session(title="One", start_utc=utc(2026, 11, 5, 10), duration_min=60, attendees=(a,)))
    probe = Session(title="Two", start_utc=utc(2026, 11, 5, 10, 30), duration_min=30, attendees=(a, b))
    clashes = find_clashes(db, probe)
    assert [(c.participant_id, c.session_id) for c in clashes] == [(a, first.id)]
    assert "Ana is already in “One”" in clashes[0].describe("UTC")
    assert find_clashes(db, Session(**{**probe.__dict__, "start_utc": utc(2026, 11, 5, 11)})) == []
    assert find_clashes(db, first) == []
    cancel_session(db, first.id)
    assert find_clashes(db, probe) == []


def test_agenda_filters_and_keyset_paging(db):
    a, b = person(db, "Ana"), person(db, "Ben")
    prog = program(db)
    made = []
    for i in range(25):
        made.append(
            create_session(
                db,
                Session(
                    title=f"S{i:02d}",
                    kind="workshop" if i % 2 else "pair_meeting",
                    start_utc=utc(2026, 11, 2, 9) + dt.timedelta(hours=i * 7),
                    program_id=prog if i % 3 == 0 else None,
                    attendees=(a,) if i % 5 == 0 else (b,),
                ),
            )
        )
    everything = []
    after = None
    while page := agenda_page(db, SessionFilter(), after=after, limit=7):
        everything.extend(page)
        after = page_key(page[-1])
    assert [r.title for r in everything] == [f"S{i:02d}" for i in range(25)]
    assert count_sessions(db, SessionFilter(kind="workshop")) == 12
    assert count_sessions(db, SessionFilter(program_id=prog)) == 9
    assert [r.title for r in agenda_page(db, SessionFilter(participant_id=a))] == ["S00", "S05", "S10", "S15", "S20"]
    cancel_session(db, made[3].id)
    assert [r.title for r in agenda_page(db, SessionFilter(status="cancelled"))] == ["S03"]
    assert [r.title for r in agenda_page(db, SessionFilter(text="s1"))][:2] == ["S10", "S11"]
    week = sessions_between(db, utc(2026, 11, 3), utc(2026, 11, 4))
    # S02 ends at 00:00 exactly, so it does not overlap the day
    assert [r.title for r in week] == ["S03", "S04", "S05"]
    assert [r.title for r in sessions_of_participant(db, a)][:2] == ["S00", "S05"]
    assert everything[0].names == "Ana" and everything[0].people == 1


def test_delete_removes_people_feedback(db):
    a = person(db, "Ana")
    s = create_session(db, Session(title="x", start_utc=utc(2026, 11, 5, 11), attendees=(a,)))
    set_feedback(db, s.id, a, 4)
    assert delete_sessions(db, [s.id]) == 1
    assert db.execute("SELECT count(*) FROM feedback").fetchone()[0] == 0
    assert db.execute("SELECT count(*) FROM session_people").fetchone()[0] == 0


def test_writes_are_undoable(workspace):
    db = workspace.db
    a = person(db, "Ana")
    s, changes = workspace.run(
        "New session", create_session, Session(title="x", start_utc=utc(2026, 11, 5, 11), attendees=(a,))
    )
    assert changes.touches("sessions")
    workspace.run("Move", move_session, s.id, utc(2026, 11, 6, 11))
    workspace.undo()
    assert get_session(db, s.id).start_utc == utc(2026, 11, 5, 11)
    workspace.undo()
    assert count_sessions(db, SessionFilter()) == 0
