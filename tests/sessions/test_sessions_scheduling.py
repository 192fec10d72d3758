import datetime as dt
import zoneinfo
from dataclasses import replace

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from session_fixtures import pairing, person, program, utc

from peerdesk.sessions.scheduling import (
    PersonCalendar,
    available,
    ceil_to_step,
    find_slots,
    offset_segments,
    schedule_first_meetings,
    suggest_slots,
)
from peerdesk.store.records import Window, parse_availability
from peerdesk.store.sessions import Session, create_session, find_clashes, get_session, members_of_pairing

ZONES = [
    "UTC",
    "Europe/Berlin",
    "America/New_York",
    "Australia/Lord_Howe",  # 30-minute DST shift
    "Asia/Kolkata",
    "Asia/Kathmandu",
    "America/St_Johns",
    "Pacific/Auckland",
    "America/Sao_Paulo",
]
# Around the 2027 DST changes of Europe, the US, and the southern hemisphere.
ANCHORS = [
    utc(2027, 3, 14, 0),
    utc(2027, 3, 28, 0),
    utc(2027, 4, 4, 0),
    utc(2027, 9, 26, 0),
    utc(2027, 10, 3, 0),
    utc(2027, 10, 31, 0),
    utc(2027, 11, 7, 0),
]
MIN = dt.timedelta(minutes=1)


def brute_force(people, duration, start, end, step):
    """Every grid start whose every minute is inside everyone's windows and outside their busy times."""
    n = int((end - start) / MIN)
    ok = [True] * n
    for p in people:
        tz = zoneinfo.ZoneInfo(p.timezone)
        for i in range(n):
            if not ok[i]:
                continue
            t = start + i * MIN
            local = t.astimezone(tz)
            m = local.hour * 60 + local.minute
            inside = any(w.weekday == local.weekday() and w.start_min <= m < w.end_min for w in p.windows)
            ok[i] = inside and not any(b <= t < e for b, e in p.busy)
    valid = []
    t = ceil_to_step(start, step)
    while t + duration * MIN <= end:
        i = int((t - start) / MIN)
        if all(ok[i : i + duration]):
            valid.append(t)
        t += step * MIN
    return valid


def run_starts(valid, step):
    """The first start of each run of consecutive valid grid starts."""
    return [t for k, t in enumerate(valid) if k == 0 or valid[k - 1] != t - step * MIN]


windows = st.builds(
    lambda day, start, length: Window(day, start, min(1440, start + length)),
    st.integers(0, 6),
    st.integers(0, 287).map(lambda k: k * 5),
    st.integers(1, 96).map(lambda k: k * 15),
)


@st.composite
def calendars(draw):
    anchor = draw(st.sampled_from(ANCHORS)) + dt.timedelta(hours=draw(st.integers(-72, 24)))
    days = draw(st.integers(3, 7))
    end = anchor + dt.timedelta(days=days)
    people = []
    for i in range(draw(st.integers(1, 3))):
        ws = draw(st.lists(windows, min_size=1, max_size=6))
        busy = []
        for _ in range(draw(st.integers(0, 3))):
            b = anchor + dt.timedelta(minutes=draw(st.integers(0, days * 1440)))
            busy.append((b, b + dt.timedelta(minutes=draw(st.integers(15, 240)))))
        people.append(PersonCalendar(i + 1, f"P{i}", draw(st.sampled_from(ZONES)), tuple(ws), tuple(busy)))
    duration = draw(st.sampled_from([15, 30, 45, 60, 90]))
    step = draw(st.sampled_from([5, 15, 30]))
    return people, duration, anchor, end, step


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(calendars())
def test_slots_match_brute_force(case):
    people, duration, start, end, step = case
    result = find_slots(people, duration, start, end, step_min=step, count=50)
    valid = brute_force(people, duration, start, end, step)
    event("some valid slot" if valid else "no valid slot")
    valid_set = set(valid)
    for slot in result.slots:  # inside every window, clashing with nothing
        assert slot.start_utc in valid_set
        assert slot.end_utc - slot.start_utc == dt.timedelta(minutes=duration)
    # no earlier valid slot skipped: proposals are exactly the first start of each free stretch
    assert [s.start_utc for s in result.slots] == run_starts(valid, step)[:50]
    if not valid:
        assert result.bottleneck and result.message


@given(st.sampled_from(ZONES), st.sampled_from(ANCHORS), st.integers(-48, 48))
@settings(max_examples=40, deadline=None)
def test_offset_segments_are_exact(zone, anchor, shift):
    start = anchor + dt.timedelta(hours=shift)
    end = start + dt.timedelta(days=3)
    tz = zoneinfo.ZoneInfo(zone)
    segs = offset_segments(zone, start, end)
    assert segs[0][0] == start and segs[-1][1] == end
    for a, b, off in segs:
        assert a.astimezone(tz).utcoffset() == off
        assert (b - dt.timedelta(seconds=1)).astimezone(tz).utcoffset() == off


def test_fall_back_hour_counts_twice():
    # Berlin 2027-10-31: 02:00-03:00 happens twice; a 02:00-03:00 window is two UTC hours long
    p = PersonCalendar(1, "A", "Europe/Berlin", (Window(6, 120, 180),))
    got = available(p, utc(2027, 10, 30), utc(2027, 11, 1))
    assert got == [(utc(2027, 10, 31, 0), utc(2027, 10, 31, 2))]
    # and on the spring-forward day it does not exist at all
    assert available(p, utc(2027, 3, 27), utc(2027, 3, 29)) == []


def test_weekly_availability_follows_dst():
    p = PersonCalendar(1, "A", "Europe/Berlin", (Window(0, 600, 660),))
    result = find_slots([p], 60, utc(2027, 3, 20), utc(2027, 4, 6), count=3)
    assert [s.start_utc for s in result.slots] == [utc(2027, 3, 22, 9), utc(2027, 3, 29, 8), utc(2027, 4, 5, 8)]


def test_bottleneck_is_named():
    a = PersonCalendar(1, "Ana", "Europe/Berlin", parse_availability("Mon 09:00-12:00"))
    b = PersonCalendar(2, "Ben", "Europe/Berlin", parse_availability("Mon 10:00-12:00"))
    c = PersonCalendar(3, "Cleo", "America/New_York", parse_availability("Mon 09:00-12:00"))  # 15:00-18:00 Berlin
    r = find_slots([a, b, c], 60, utc(2026, 11, 2, 9), utc(2026, 11, 30), display_tz="Europe/Berlin")
    assert r.slots == () and r.bottleneck == (3,)
    assert "Cleo is the bottleneck" in r.message and "Mon 02 Nov 10:00" in r.message
    empty = PersonCalendar(4, "Dev", "UTC", ())
    r = find_slots([a, empty], 60, utc(2026, 11, 2, 9), utc(2026, 11, 30))
    assert r.bottleneck == (4,) and "Dev has no weekly availability" in r.message


def test_suggest_from_store_avoids_sessions_and_past(db):
    a = person(db, "Ana", avail="Mon 09:00-12:00")
    b = person(db, "Ben", tz="Europe/London", avail="Mon 08:00-11:00")
    # now is Mon 2026-11-02 09:00 UTC = 10:00 Berlin: today's 10:00-11:00 Berlin is still open
    create_session(db, Session(title="Busy", start_utc=utc(2026, 11, 2, 9), duration_min=60, attendees=(a,)))
    r = suggest_slots(db, [a, b], 60, weeks=2)
    # Ana is busy 10-11 Berlin today, Ben's window ends 11:00 London = 12:00 Berlin: 11:00-12:00 Berlin fits
    assert [s.start_utc for s in r.slots] == [utc(2026, 11, 2, 10), utc(2026, 11, 9, 8), utc(2026, 11, 16, 8)][
        : len(r.slots)
    ]
    assert r.slots[0].start_utc == utc(2026, 11, 2, 10)
    for s in r.slots:
        assert find_clashes(db, Session(title="t", start_utc=s.start_utc, duration_min=60, attendees=(a, b))) == []


def test_schedule_first_meetings_books_each_pairing_once_without_double_booking(workspace):
    db = workspace.db
    mentor = person(db, "Mentor", avail="Mon 09:00-10:00")
    m1 = person(db, "Mia", avail="Mon 09:00-17:00")
    m2 = person(db, "Max", avail="Mon 09:00-17:00")
    nobody = person(db, "Nobody", avail="")
    p1 = pairing(db, (mentor, "mentor"), (m1, "mentee"))
    p2 = pairing(db, (mentor, "mentor"), (m2, "mentee"))
    p3 = pairing(db, (m1, "peer"), (nobody, "peer"), kind="buddy")
    circle = pairing(db, (m1, "peer"), (m2, "peer"), (mentor, "host"), kind="circle")
    results, changes = workspace.run("Schedule first meetings", schedule_first_meetings, weeks=3)
    assert changes.touches("sessions")
    by = {r.pairing_id: r for r in results}
    assert by[p3].session is None and "Nobody has no weekly availability" in by[p3].message
    starts = {pid: by[pid].session.start_utc for pid in (p1, p2, circle)}
    # the mentor's single hour a week is given to one pairing per week, never twice
    assert len(set(starts.values())) == 3
    assert sorted(starts.values()) == [utc(2026, 11, 9, 8), utc(2026, 11, 16, 8), utc(2026, 11, 23, 8)]
    c = get_session(db, by[circle].session.id)
    assert c.kind == "coaching_circle" and c.hosts == (mentor,) and set(c.attendees) == {m1, m2}
    assert set(members_of_pairing(db, p1)) == set(get_session(db, by[p1].session.id).attendees)
    again, _ = workspace.run("again", schedule_first_meetings, weeks=3)
    assert [r.pairing_id for r in again] == [p3]
    workspace.undo()  # the second run booked nothing, so this undoes the first
    assert db.execute("SELECT count(*) FROM sessions").fetchone()[0] == 0


def test_bottleneck_of_several_people():
    berlin = [
        PersonCalendar(i, n, "Europe/Berlin", parse_availability("Mon 09:00-12:00"))
        for i, n in ((1, "Ana"), (2, "Ben"), (3, "Cem"))
    ]
    tokyo = [
        PersonCalendar(i, n, "Asia/Tokyo", parse_availability("Mon 09:00-12:00")) for i, n in ((4, "Aiko"), (5, "Ren"))
    ]
    r = find_slots([berlin[0], tokyo[0], berlin[1], tokyo[1], berlin[2]], 60, utc(2026, 11, 2, 9), utc(2026, 11, 30))
    # no single absence helps; without the two in Tokyo the three in Berlin can meet
    assert r.slots == () and set(r.bottleneck) == {4, 5}
    assert "The bottleneck is Aiko and Ren: without them the other 3 could meet on Mon 02 Nov 09:00" in r.message
    nobody = [PersonCalendar(i, f"P{i}", "UTC", (Window(i, 600, 660),)) for i in range(3)]
    r = find_slots(nobody, 60, utc(2026, 11, 2), utc(2026, 11, 30))
    assert r.slots == () and "suits any two of them" in r.message


def test_first_meetings_are_never_before_the_pairing_starts(workspace):
    db = workspace.db
    every_day = "; ".join(f"{d} 00:00-24:00" for d in ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"))
    la = person(db, "Lena", tz="America/Los_Angeles", avail=every_day)
    tokyo = person(db, "Taro", tz="Asia/Tokyo", avail=every_day)
    p = pairing(db, (la, "mentor"), (tokyo, "mentee"))
    # the round was accepted today (Mon 2 Nov) to start on Thu 12 Nov
    db.execute("UPDATE pairings SET started_on = '2026-11-12' WHERE id = ?", (p,))
    results, _ = workspace.run("Schedule first meetings", schedule_first_meetings)
    (result,) = results
    start = result.session.start_utc
    # 12 Nov has begun for both only at midnight in Los Angeles (08:00 UTC), and free all day
    assert start == utc(2026, 11, 12, 8)
    for zone in ("America/Los_Angeles", "Asia/Tokyo"):
        assert start.astimezone(zoneinfo.ZoneInfo(zone)).date() >= dt.date(2026, 11, 12)


def test_a_slot_for_a_pairing_is_never_before_it_starts(db):
    every_day = "; ".join(f"{d} 00:00-24:00" for d in ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"))
    la = person(db, "Lena", tz="America/Los_Angeles", avail=every_day)
    tokyo = person(db, "Taro", tz="Asia/Tokyo", avail=every_day)
    p = pairing(db, (la, "mentor"), (tokyo, "mentee"))
    db.execute("UPDATE pairings SET started_on = '2026-11-12' WHERE id = ?", (p,))
    assert suggest_slots(db, [la, tokyo], 60).slots[0].start_utc == utc(2026, 11, 2, 9)  # no pairing: from now
    # 12 Nov has begun for both only at midnight in Los Angeles (08:00 UTC), as for a first meeting
    assert suggest_slots(db, [la, tokyo], 60, pairing_id=p).slots[0].start_utc == utc(2026, 11, 12, 8)
    ana, ben = person(db, "Ana", avail="Mon 09:00-10:30"), person(db, "Ben", avail="Mon 10:00-12:00")
    later = pairing(db, (ana, "peer"), (ben, "peer"), kind="buddy")
    db.execute("UPDATE pairings SET started_on = '2026-11-12' WHERE id = ?", (later,))
    missing = suggest_slots(db, [ana, ben], 60, weeks=2, pairing_id=later)
    assert missing.slots == () and "share no free hour in the 2 weeks from Thu 12 Nov" in missing.message
    db.execute("UPDATE pairings SET started_on = '2026-10-01' WHERE id = ?", (p,))  # started already
    assert suggest_slots(db, [la, tokyo], 60, pairing_id=p).slots[0].start_utc == utc(2026, 11, 2, 9)


def test_first_meetings_last_the_programs_meeting_length(workspace):
    db = workspace.db
    prog = program(db)
    db.execute("UPDATE programs SET config = '{\"meeting_minutes\": 90}' WHERE id = ?", (prog,))
    a = person(db, "Ana", avail="Mon 09:00-10:00; Tue 09:00-12:00")
    b = person(db, "Ben", avail="Mon 09:00-12:00; Tue 09:00-12:00")
    pairing(db, (a, "peer"), (b, "peer"), kind="buddy", program_id=prog)
    (result,), _ = workspace.run("Schedule first meetings", schedule_first_meetings)
    # Monday's common hour is too short for 90 minutes: Tuesday 09:00 Berlin
    assert result.session.duration_min == 90
    assert result.session.start_utc == utc(2026, 11, 3, 8)


def test_a_pair_that_cannot_meet_is_told_what_they_lack():
    a = PersonCalendar(1, "Ana", "Europe/Berlin", parse_availability("Mon 09:00-10:30"))
    b = PersonCalendar(2, "Ben", "Europe/Berlin", parse_availability("Mon 10:00-12:00"))
    r = find_slots([a, b], 60, utc(2026, 11, 2, 9), utc(2026, 11, 30))
    assert r.slots == () and set(r.bottleneck) == {1, 2}
    assert r.message == (
        "Ana and Ben share no free hour in the next 4 weeks "
        "(their common hours come in stretches shorter than an hour)."
    )
    assert "without" not in r.message
    c = PersonCalendar(3, "Cleo", "Europe/Berlin", parse_availability("Tue 09:00-12:00"))
    assert "(their weekly hours do not overlap)" in find_slots([a, c], 60, utc(2026, 11, 2), utc(2026, 11, 30)).message
    busy = replace(b, busy=tuple((utc(2026, 11, d, 9), utc(2026, 11, d, 11)) for d in (2, 9, 16, 23)))
    wide = replace(a, windows=parse_availability("Mon 09:00-12:00"))
    message = find_slots([wide, busy], 60, utc(2026, 11, 2), utc(2026, 11, 30)).message
    assert message.endswith("share no free hour in the next 4 weeks (their common hours are taken by other sessions).")
