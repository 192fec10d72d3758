import datetime as dt
import zoneinfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from session_fixtures import person, utc

from peerdesk.sessions.recurrence import (
    Recurrence,
    cancel_following,
    create_series,
    edit_following,
    expand_local,
    expand_utc,
    from_rrule,
    get_series,
    make_recurring,
    occurrences,
    to_rrule,
)
from peerdesk.store.errors import ValidationError
from peerdesk.store.sessions import Session, cancel_session, create_session, get_session, move_session, people_of

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


def test_rrule_text_is_rfc5545():
    start = dt.datetime(2027, 3, 9, 10, 0)  # second Tuesday
    assert (
        to_rrule(Recurrence("weekly", 2, count=10), start, "Europe/Berlin")
        == "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;COUNT=10"
    )
    assert (
        to_rrule(Recurrence("monthly_weekday", 1, count=3), start, "Europe/Berlin") == "FREQ=MONTHLY;BYDAY=2TU;COUNT=3"
    )
    assert (
        to_rrule(Recurrence("monthly_date", 1, count=3), start, "Europe/Berlin") == "FREQ=MONTHLY;BYMONTHDAY=9;COUNT=3"
    )
    # UNTIL is UTC: the end of 30 April in Berlin (CEST) is 21:59:59Z
    text = to_rrule(Recurrence("weekly", 1, until=dt.date(2027, 4, 30)), start, "Europe/Berlin")
    assert text == "FREQ=WEEKLY;BYDAY=TU;UNTIL=20270430T215959Z"
    assert from_rrule(text, start, "Europe/Berlin") == Recurrence("weekly", 1, until=dt.date(2027, 4, 30))
    assert expand_local(text, start, "Europe/Berlin")[-1] == dt.datetime(2027, 4, 27, 10, 0)


def test_last_weekday_of_month():
    start = dt.datetime(2027, 1, 29, 12, 0)  # fifth Friday = last Friday
    text = to_rrule(Recurrence("monthly_weekday", 1, count=3), start, "UTC")
    assert "BYDAY=-1FR" in text
    assert expand_local(text, start, "UTC") == [
        dt.datetime(2027, 1, 29, 12),
        dt.datetime(2027, 2, 26, 12),
        dt.datetime(2027, 3, 26, 12),
    ]


def test_weekly_berlin_meeting_keeps_local_time_across_dst():
    start = dt.datetime(2027, 3, 15, 10, 0)
    text = to_rrule(Recurrence("weekly", 1, count=4), start, "Europe/Berlin")
    starts = expand_utc(text, start, "Europe/Berlin")
    assert [s.astimezone(BERLIN).hour for s in starts] == [10, 10, 10, 10]
    assert [s.hour for s in starts] == [9, 9, 8, 8]  # UTC moves, Berlin does not


@pytest.mark.parametrize(
    "rec",
    [
        Recurrence("daily", 1, count=3),
        Recurrence("weekly", 0, count=3),
        Recurrence("weekly", 1),
        Recurrence("weekly", 1, count=1),
    ],
)
def test_bad_recurrence_rejected(rec):
    with pytest.raises(ValidationError):
        to_rrule(rec, dt.datetime(2027, 1, 1, 10), "UTC")


def _series(db):
    a, b = person(db, "Ana"), person(db, "Ben")
    return (
        a,
        b,
        create_series(
            db,
            Session(
                title="Coaching",
                kind="coaching_circle",
                start_utc=utc(2026, 11, 10, 9),
                timezone="Europe/Berlin",
                attendees=(a, b),
            ),
            Recurrence("weekly", 2, count=5),
        ),
    )


def test_series_rows_and_single_occurrence_changes(db):
    a, b, occ = _series(db)
    assert len(occ) == 5 and len({o.uid for o in occ}) == 5
    ser = get_series(db, occ[0].series_id)
    assert ser.rrule == "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU;COUNT=5" and ser.timezone == "Europe/Berlin"
    assert ser.first_start_local == dt.datetime(2026, 11, 10, 10, 0)
    assert all(o.original_start_utc == o.start_utc for o in occ)
    assert all({p.participant_id for p in people_of(db, o.id)} == {a, b} for o in occ)
    moved = move_session(db, occ[2].id, utc(2026, 12, 9, 14))
    cancel_session(db, occ[3].id)
    after = occurrences(db, ser.id)
    assert after[2].start_utc == utc(2026, 12, 9, 14) and after[2].original_start_utc == occ[2].start_utc
    assert moved.sequence == 1 and after[3].status == "cancelled"
    for i in (0, 1, 4):
        assert after[i] == get_session(db, occ[i].id) and after[i].start_utc == occ[i].start_utc
        assert after[i].sequence == 0 and after[i].status == "planned"


def test_make_recurring_and_this_and_following(db):
    a = person(db, "Ana")
    s = create_session(
        db, Session(title="Brown-bag", kind="brown_bag", start_utc=utc(2026, 11, 4, 12), timezone="UTC", attendees=(a,))
    )
    occ = make_recurring(db, s.id, Recurrence("monthly_weekday", 1, count=4))
    assert occ[0].id == s.id and [o.start_utc.day for o in occ] == [4, 2, 6, 3]  # first Wednesdays
    with pytest.raises(ValidationError):
        make_recurring(db, s.id, Recurrence("weekly", 1, count=2))
    # From the third on: one hour later, new title
    third = occ[2]
    made = edit_following(
        db,
        third.id,
        Session(
            **{**third.__dict__, "title": "Brown-bag (new time)", "start_utc": third.start_utc + dt.timedelta(hours=1)}
        ),
    )
    assert [m.start_utc for m in made] == [utc(2027, 1, 6, 13), utc(2027, 2, 3, 13)]
    # carried-over occurrences keep their uid and tell calendars with a higher sequence
    assert [(m.id, m.uid, m.sequence) for m in made] == [(occ[2].id, occ[2].uid, 1), (occ[3].id, occ[3].uid, 1)]
    assert all(m.original_start_utc == m.start_utc and m.series_id != occ[0].series_id for m in made)
    old = occurrences(db, occ[0].series_id)
    assert [o.id for o in old] == [occ[0].id, occ[1].id]
    assert [o.sequence for o in old] == [1, 1]  # the shortened rule is an update calendars must take
    assert get_series(db, occ[0].series_id).rrule.endswith("UNTIL=20261202T235959Z")
    assert expand_local(get_series(db, occ[0].series_id).rrule, dt.datetime(2026, 11, 4, 12), "UTC")[-1].day == 2
    assert all(m.title == "Brown-bag (new time)" for m in occurrences(db, made[0].series_id))


def test_cancel_following(db):
    _a, _b, occ = _series(db)
    assert cancel_following(db, occ[3].id) == 2
    assert [o.status for o in occurrences(db, occ[0].series_id)] == ["planned"] * 3 + ["cancelled"] * 2


ZONES = ["Europe/Berlin", "America/New_York", "Australia/Sydney", "Australia/Lord_Howe", "Asia/Kolkata", "UTC"]


@given(
    zone=st.sampled_from(ZONES),
    day=st.dates(min_value=dt.date(2026, 1, 1), max_value=dt.date(2028, 12, 31)),
    minute=st.integers(0, 24 * 4 - 1).map(lambda q: q * 15),
    freq=st.sampled_from(["weekly", "monthly_weekday", "monthly_date"]),
    interval=st.integers(1, 3),
    count=st.integers(2, 30),
)
@settings(max_examples=80, deadline=None)
def test_occurrences_keep_their_wall_time(zone, day, minute, freq, interval, count):
    first = dt.datetime.combine(day, dt.time(minute // 60, minute % 60))
    text = to_rrule(Recurrence(freq, interval, count=count), first, zone)
    local = expand_local(text, first, zone)
    assert local[0] == first and len(local) <= count
    tz = zoneinfo.ZoneInfo(zone)
    for wall, utc_start in zip(local, expand_utc(text, first, zone), strict=True):
        assert wall.time() == first.time()
        back = utc_start.astimezone(tz).replace(tzinfo=None)
        # the same wall time, unless that time does not exist that day (a DST gap): then just after it
        assert back == wall or (back > wall and back - wall <= dt.timedelta(hours=1))
        if freq == "weekly":
            assert wall.weekday() == first.weekday()
        elif freq == "monthly_date":
            assert wall.day == first.day


def test_a_series_needs_a_second_occurrence(db):
    template = Session(title="x", start_utc=utc(2026, 11, 10, 9))
    with pytest.raises(ValidationError, match="second occurrence"):
        create_series(db, template, Recurrence("weekly", 1, until=dt.date(2026, 11, 12)))
    assert db.execute("SELECT count(*) FROM series").fetchone()[0] == 0
