"""Exported calendars read back with three parsers: required properties, times, series, methods."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import icalendar
import pytest
from invites_fixtures import EVIL_DESCRIPTION, EVIL_LOCATION, EVIL_TITLE, add_session, berlin, set_coordinator, utc
from invites_helpers import events, occurrences, parse, structure, vobject_events

from peerdesk import clock
from peerdesk.invites import ExportRequest, export_invites
from peerdesk.invites.build import description
from peerdesk.invites.model import load_selection
from peerdesk.invites.series import series_uid
from peerdesk.invites.text import clean_line, clean_text
from peerdesk.invites.timezones import vtimezone

UTC = dt.UTC
EVENT_REQUIRED = {
    "UID",
    "DTSTAMP",
    "DTSTART",
    "DTEND",
    "SUMMARY",
    "DESCRIPTION",
    "LOCATION",
    "ORGANIZER",
    "ATTENDEE",
    "SEQUENCE",
    "STATUS",
}


def export(db, tmp_path, **request) -> dict[str, bytes]:
    result = export_invites(db, ExportRequest(**request), tmp_path)
    return {p.name: p.read_bytes() for p in result.written}


def store_starts(db, series_id: int) -> list[tuple[dt.datetime, dt.datetime]]:
    rows = db.execute(
        "SELECT start_utc, duration_min FROM sessions WHERE series_id = ? AND status != 'cancelled'", (series_id,)
    )
    out = []
    for start, minutes in rows:
        s = dt.datetime.fromisoformat(start)
        out.append((s, s + dt.timedelta(minutes=minutes)))
    return sorted(out)


def test_every_file_is_valid_rfc5545(db, program, tmp_path):
    files = export(db, tmp_path, layouts=("participant", "program"), upcoming_only=False)
    calendars = {name: data for name, data in files.items() if name.endswith(".ics")}
    assert len(calendars) >= 8
    for name, data in calendars.items():
        cal = parse(data)
        assert str(cal["VERSION"]) == "2.0"
        assert str(cal["PRODID"]).startswith("-//PeerDesk//")
        assert str(cal["CALSCALE"]) == "GREGORIAN"
        method = str(cal["METHOD"])
        assert method == ("CANCEL" if "cancelled" in name else "REQUEST")
        assert cal.get_missing_tzids() == set(), name
        for ev in events(cal):
            assert EVENT_REQUIRED <= set(ev.keys()), (name, EVENT_REQUIRED - set(ev.keys()))
            start = ev.decoded("DTSTART")
            assert start.tzinfo is not None
            tzid = ev["DTSTART"].params.get("TZID")
            assert tzid is None or tzid in {tz.tz_name for tz in cal.timezones}
            assert str(ev["ORGANIZER"]) == "mailto:coordinator@example.com"
            assert ev["ORGANIZER"].params["CN"] == "Ana Coordinator"
            for attendee in ev.get("ATTENDEE") if isinstance(ev.get("ATTENDEE"), list) else [ev["ATTENDEE"]]:
                assert {"CN", "ROLE", "PARTSTAT", "RSVP"} <= set(attendee.params)
            if method == "CANCEL":
                assert str(ev["STATUS"]) == "CANCELLED"
                assert not ev.walk("VALARM")


def test_dst_crossing_session_keeps_its_instants(db, program, tmp_path):
    files = export(db, tmp_path, session_ids=(program.dst_session,), layouts=("session",))
    (data,) = files.values()
    cal = parse(data)
    (ev,) = events(cal)
    start, end = ev.decoded("DTSTART"), ev.decoded("DTEND")
    # 01:30 CET, 90 minutes later the clocks have jumped: 04:00 CEST.
    assert (start.hour, start.minute, end.hour, end.minute) == (1, 30, 4, 0)
    assert start.astimezone(UTC) == utc(2027, 3, 28, 0, 30)
    assert end.astimezone(UTC) - start.astimezone(UTC) == dt.timedelta(minutes=90)
    # vobject resolves the TZID with the VTIMEZONE written in the file, not with zoneinfo.
    (vev,) = vobject_events(data)
    assert vev.dtstart.value.astimezone(UTC) == utc(2027, 3, 28, 0, 30)
    assert vev.dtend.value.astimezone(UTC) == utc(2027, 3, 28, 2, 0)


def test_series_occurrences_match_the_store_across_dst(db, program, tmp_path):
    files = export(db, tmp_path, participant_ids=(program.people["olena@example.com"],), layouts=("participant",))
    cal = parse(files["Олена Коваленко.ics"])
    uid = series_uid(load_selection(db, program.series_sessions).sessions)
    assert uid == "series-occ-0@peerdesk.test"
    got = occurrences(cal, uid)
    assert got == store_starts(db, program.series_id)
    assert len(got) == 7  # 8 in the rule, one cancelled
    # Wall clock stays at 10:00 Berlin on both sides of 2027-03-28.
    local = [s.astimezone(zoneinfo.ZoneInfo("Europe/Berlin")) for s, _ in got]
    assert {(t.hour, t.minute) for t in local if t.weekday() == 2} == {(10, 0)}
    assert {s.astimezone(UTC).hour for s, _ in got if s.weekday() == 2} == {9, 8}


def test_series_is_one_rule_with_exdate_and_override(db, program, tmp_path):
    files = export(db, tmp_path, session_ids=(program.series_moved,), layouts=("session",))
    (name,) = files
    assert name == "Mentoring - Zoë × Олена - weekly from 2027-03-10.ics"
    cal = parse(files[name])
    master, override = events(cal)
    assert master["RRULE"].to_ical() == b"FREQ=WEEKLY;COUNT=8"
    assert [d.dt for d in master["EXDATE"].dts] == [
        dt.datetime(2027, 3, 24, 10, 0, tzinfo=zoneinfo.ZoneInfo("Europe/Berlin"))
    ]
    assert override["UID"] == master["UID"]
    assert override.decoded("RECURRENCE-ID").astimezone(UTC) == berlin(2027, 4, 7, 10, 0)
    assert override.decoded("DTSTART").astimezone(UTC) == berlin(2027, 4, 8, 14, 0)
    assert int(master["SEQUENCE"]) == int(override["SEQUENCE"]) == 3


def test_cancelled_session_exports_as_cancel(db, program, tmp_path):
    files = export(db, tmp_path, session_ids=(program.cancelled_session,), layouts=("session",))
    (name,) = files
    assert name.endswith(" - cancelled.ics")
    cal = parse(files[name])
    assert str(cal["METHOD"]) == "CANCEL"
    (ev,) = events(cal)
    assert str(ev["UID"]) == "cancelled-1@peerdesk.test"
    assert str(ev["STATUS"]) == "CANCELLED"
    assert int(ev["SEQUENCE"]) == 2


def test_whole_series_cancelled_is_one_cancel(db, program, tmp_path):
    db.execute(
        "UPDATE sessions SET status = 'cancelled', sequence = sequence + 1 WHERE series_id = ?", (program.series_id,)
    )
    files = export(db, tmp_path, session_ids=(program.series_sessions[0],), layouts=("session",))
    (data,) = files.values()
    cal = parse(data)
    assert str(cal["METHOD"]) == "CANCEL"
    (ev,) = events(cal)
    assert "RECURRENCE-ID" not in ev
    assert int(ev["SEQUENCE"]) == 4


def test_reexport_after_a_move_updates_the_same_event(db, program, tmp_path):
    first = parse(
        export(db, tmp_path, session_ids=(program.dst_session,), layouts=("session",))[
            "Night deploy drill - 2027-03-28.ics"
        ]
    )
    db.execute(
        "UPDATE sessions SET start_utc = ?, sequence = sequence + 1, updated_at = ? WHERE id = ?",
        (utc(2027, 3, 28, 7, 0).isoformat(), "2026-11-03T10:00:00+00:00", program.dst_session),
    )
    clock.freeze(dt.datetime(2026, 11, 3, 10, 5, tzinfo=UTC))
    again = parse(
        export(db, tmp_path, session_ids=(program.dst_session,), layouts=("session",))[
            "Night deploy drill - 2027-03-28.ics"
        ]
    )
    (a,), (b,) = events(first), events(again)
    assert a["UID"] == b["UID"]
    assert int(b["SEQUENCE"]) == int(a["SEQUENCE"]) + 1
    assert b.decoded("DTSTAMP") > a.decoded("DTSTAMP")
    assert b.decoded("DTSTART").astimezone(UTC) == utc(2027, 3, 28, 7, 0)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["Night deploy drill - 2027-03-28.ics"]


def test_attendees_and_organizer(db, program, tmp_path):
    files = export(db, tmp_path, session_ids=(program.evil_session,), layouts=("session",))
    (ev,) = events(parse(next(iter(files.values()))))
    by_mail = {str(a): a.params for a in ev["ATTENDEE"]}
    assert by_mail["mailto:pat@example.com"]["ROLE"] == "CHAIR"
    assert (
        by_mail["mailto:pat@example.com"]["CN"] == clean_line('O\'Brien, "Pat"; Jr.') == "O'Brien, \u201dPat\u201d; Jr."
    )
    assert by_mail["mailto:mohammed@example.com"]["ROLE"] == "REQ-PARTICIPANT"
    assert by_mail["mailto:mohammed@example.com"]["CN"] == "محمد علي"
    assert {p["PARTSTAT"] for p in by_mail.values()} == {"NEEDS-ACTION"}
    assert {p["RSVP"] for p in by_mail.values()} == {"TRUE"}
    assert len(by_mail) == 5


def test_past_sessions_ask_for_no_reply(db, program, tmp_path):
    db.execute("UPDATE session_people SET attended = 1 WHERE session_id = ?", (program.past_session,))
    files = export(db, tmp_path, session_ids=(program.past_session,), layouts=("session",))
    (ev,) = events(parse(next(iter(files.values()))))
    assert {a.params["RSVP"] for a in ev["ATTENDEE"]} == {"FALSE"}
    assert {a.params["PARTSTAT"] for a in ev["ATTENDEE"]} == {"ACCEPTED"}


@pytest.mark.parametrize("minutes,trigger", [(0, None), (30, dt.timedelta(minutes=-30)), (1440, dt.timedelta(days=-1))])
def test_reminder_follows_the_settings(db, program, tmp_path, minutes, trigger):
    set_coordinator(db, reminder=minutes)
    files = export(db, tmp_path, session_ids=(program.dst_session,), layouts=("session",))
    (ev,) = events(parse(next(iter(files.values()))))
    alarms = ev.walk("VALARM")
    if trigger is None:
        assert alarms == []
    else:
        (alarm,) = alarms
        assert alarm.decoded("TRIGGER") == trigger
        assert str(alarm["ACTION"]) == "DISPLAY"


def test_typed_text_round_trips_and_injects_nothing(db, program, tmp_path):
    files = export(db, tmp_path, session_ids=(program.evil_session,), layouts=("session",))
    data = next(iter(files.values()))
    cal = parse(data)
    assert [name for name, _ in structure(cal)] == [
        "VCALENDAR",
        "VTIMEZONE",
        "STANDARD",
        "DAYLIGHT",
        "STANDARD",
        "VEVENT",
        "VALARM",
    ]
    (ev,) = events(cal)
    assert not any(k.startswith("X-") for k in ev.keys())
    assert str(ev["SUMMARY"]) == clean_text(EVIL_TITLE) == EVIL_TITLE
    assert str(ev["LOCATION"]) == clean_text(EVIL_LOCATION)
    assert str(ev["DESCRIPTION"]).startswith(clean_text(EVIL_DESCRIPTION))
    assert "Skills: C++, Rust; Go, Python" in str(ev["DESCRIPTION"])
    assert "Join online: https://meet.example.com/abc?x=1&y=2" in str(ev["DESCRIPTION"])
    assert str(ev["URL"]) == "https://meet.example.com/abc?x=1&y=2"
    (vev,) = vobject_events(data)
    assert vev.summary.value == EVIL_TITLE
    assert vev.location.value == clean_text(EVIL_LOCATION)


def test_a_link_that_is_not_a_uri_stays_text(db, program, tmp_path):
    files = export(db, tmp_path, session_ids=(program.utc_session,), layouts=("session",))
    cal = parse(next(iter(files.values())))
    assert cal.timezones == []
    (ev,) = events(cal)
    assert "URL" not in ev
    assert ev["DTSTART"].to_ical() == b"20261203T150000Z"
    assert "Join online: not a link X-BAD:1" in str(ev["DESCRIPTION"])
    assert str(ev["LOCATION"]) == "Online"


def test_unknown_time_zone_falls_back_to_utc(db, program, tmp_path):
    sid = add_session(
        db, uid="mars@t", title="Mars", start=utc(2026, 12, 1, 10), tz="Mars/Olympus", people=((1, "host"),)
    )
    files = export(db, tmp_path, session_ids=(sid,), layouts=("session",))
    (ev,) = events(parse(next(iter(files.values()))))
    assert ev["DTSTART"].to_ical() == b"20261201T100000Z"


def test_deleted_occurrence_and_stray_row(db, program, tmp_path):
    db.execute("DELETE FROM sessions WHERE id = ?", (program.series_sessions[6],))
    stray = add_session(
        db,
        uid="stray@t",
        title="Extra pair meeting",
        start=berlin(2027, 3, 12, 9, 0),
        series_id=program.series_id,
        people=((program.people["zoe@example.com"], "host"),),
    )
    files = export(db, tmp_path, session_ids=(stray,), layouts=("session",))
    cal = parse(next(iter(f for n, f in files.items() if "weekly" in n)))
    master = events(cal)[0]
    exdates = sorted(d.dt.astimezone(UTC) for d in master["EXDATE"].dts)
    assert exdates == [berlin(2027, 3, 24, 10, 0), berlin(2027, 4, 21, 10, 0)]
    assert [str(e["UID"]) for e in events(cal)].count("stray@t") == 0
    standalone = next(f for n, f in files.items() if n.startswith("Extra pair meeting"))
    assert occurrences(parse(standalone)) == [(berlin(2027, 3, 12, 9, 0), berlin(2027, 3, 12, 10, 0))]


def test_unreadable_rule_exports_each_occurrence(db, program, tmp_path):
    db.execute("UPDATE series SET rrule = 'NONSENSE' WHERE id = ?", (program.series_id,))
    files = export(db, tmp_path, participant_ids=(program.people["olena@example.com"],), layouts=("participant",))
    cal = parse(files["Олена Коваленко.ics"])
    uids = {str(e["UID"]) for e in events(cal)}
    assert {f"series-occ-{i}@peerdesk.test" for i in (0, 1, 3, 4, 5, 6, 7)} <= uids
    assert "RRULE" not in "".join(e.to_ical().decode() for e in events(cal))


@pytest.mark.parametrize(
    "tzid",
    [
        "Europe/Berlin",
        "America/New_York",
        "Australia/Sydney",
        "Asia/Kolkata",
        "America/Sao_Paulo",
        "Africa/Casablanca",
        "Pacific/Chatham",
    ],
)
def test_vtimezone_gives_the_offsets_of_zoneinfo(tzid):
    comp = vtimezone(tzid, 2017, 2029)
    cal = icalendar.Calendar.from_ical(
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\n" + comp.to_ical() + b"END:VCALENDAR\r\n"
    )
    mine = cal.timezones[0].to_tz()
    ref = zoneinfo.ZoneInfo(tzid)
    moment = dt.datetime(2017, 1, 1, 0, 30, tzinfo=UTC)
    while moment.year < 2030:
        assert moment.astimezone(mine).utcoffset() == moment.astimezone(ref).utcoffset(), (tzid, moment)
        moment += dt.timedelta(hours=37)
    subs = comp.walk("STANDARD") + comp.walk("DAYLIGHT")
    if tzid in ("Europe/Berlin", "America/New_York", "Australia/Sydney", "Pacific/Chatham"):
        # Regular zones: one yearly rule each way (what Outlook understands), plus the opening state.
        assert sum("RRULE" in s for s in subs) == 2
        assert not any("RDATE" in s for s in subs)


def test_description_lists_agenda_skills_program_hosts_link(db, program):
    (s,) = load_selection(db, [program.evil_session]).sessions
    text = description(s)
    assert text.splitlines()[-4:] == [
        "Skills: C++, Rust; Go, Python",
        "Program: Onboarding 2027",
        "Host: O'Brien, \u201dPat\u201d; Jr.",
        "Join online: https://meet.example.com/abc?x=1&y=2",
    ]


def test_open_ended_rule_ends_where_the_store_does(db, program, tmp_path):
    db.execute("UPDATE series SET rrule = 'FREQ=WEEKLY' WHERE id = ?", (program.series_id,))
    files = export(db, tmp_path, session_ids=(program.series_sessions[0],), layouts=("session",))
    cal = parse(next(iter(files.values())))
    master = events(cal)[0]
    assert master["RRULE"]["UNTIL"] == [berlin(2027, 4, 28, 10, 0)]
    assert occurrences(cal, "series-occ-0@peerdesk.test") == store_starts(db, program.series_id)


def test_spliced_calendars_equal_icalendars_own_serialisation(db, program):
    from peerdesk.invites import plan_export
    from peerdesk.invites.build import CalendarWriter, build_calendar

    plan = plan_export(db, ExportRequest(layouts=("participant", "program", "session")))
    writer = CalendarWriter(plan.options)
    assert len(plan.files) > 10
    for planned in plan.files:
        spliced = writer.to_ical(planned.entries, planned.method)
        assert spliced == build_calendar(planned.entries, planned.method, plan.options).to_ical(), planned.name


def test_session_in_the_repeated_hour_keeps_its_length(db, program, tmp_path):
    # Clocks go back on 2026-10-25 at 01:00 UTC: 02:30 happens twice in Berlin.
    sid = add_session(
        db,
        uid="fold@t",
        title="Night shift handover",
        start=utc(2026, 10, 25, 0, 30),
        minutes=60,
        people=((1, "host"),),
    )
    files = export(db, tmp_path, session_ids=(sid,), layouts=("session",))
    data = next(iter(files.values()))
    (ev,) = events(parse(data))
    # The end is the second 02:30: wall time cannot say it, so both ends are written in UTC.
    assert ev["DTSTART"].to_ical() == b"20261025T003000Z"
    assert ev["DTEND"].to_ical() == b"20261025T013000Z"
    assert occurrences(parse(data)) == [(utc(2026, 10, 25, 0, 30), utc(2026, 10, 25, 1, 30))]
    (vev,) = vobject_events(data)
    assert vev.dtend.value.astimezone(UTC) - vev.dtstart.value.astimezone(UTC) == dt.timedelta(hours=1)
