"""Exports of sessions made through the sessions store and its recurrence functions."""

from __future__ import annotations

import datetime as dt
import zoneinfo

from invites_fixtures import add_person, set_coordinator
from invites_helpers import events, occurrences, parse

from peerdesk.invites import ExportRequest, export_invites
from peerdesk.sessions.recurrence import Recurrence, create_series, make_recurring
from peerdesk.store.sessions import Session, cancel_session, create_session, move_session

UTC = dt.UTC
NY = zoneinfo.ZoneInfo("America/New_York")


def _export(db, tmp_path, sid):
    result = export_invites(db, ExportRequest(layouts=("session",), session_ids=(sid,)), tmp_path)
    return [parse(p.read_bytes()) for p in result.written if p.suffix == ".ics"]


def _stored(db, sid):
    series = db.execute("SELECT series_id FROM sessions WHERE id = ?", (sid,)).fetchone()[0]
    rows = db.execute(
        "SELECT start_utc, duration_min FROM sessions WHERE series_id = ? AND status != 'cancelled'", (series,)
    )
    out = []
    for start, minutes in rows:
        s = dt.datetime.fromisoformat(start)
        out.append((s, s + dt.timedelta(minutes=minutes)))
    return sorted(out)


def test_a_session_made_recurring_updates_the_event_calendars_have(db, tmp_path):
    set_coordinator(db)
    host = add_person(db, "Grace Hopper", "grace@example.com", "America/New_York")
    guest = add_person(db, "Ada Lovelace", "ada@example.com", "Europe/London")
    start = dt.datetime(2027, 3, 2, 9, 0, tzinfo=NY).astimezone(UTC)  # US DST starts 2027-03-14
    single = create_session(
        db, Session("Compilers 101", start, "America/New_York", 60, hosts=(host,), attendees=(guest,))
    )
    (before,) = _export(db, tmp_path / "a", single.id)
    made = make_recurring(db, single.id, Recurrence("weekly", 1, count=6))
    move_session(db, made[3].id, made[3].start_utc + dt.timedelta(hours=5))
    cancel_session(db, made[1].id)
    (after,) = _export(db, tmp_path / "b", single.id)
    (old,) = events(before)
    master = events(after)[0]
    assert master["UID"] == old["UID"] == single.uid
    assert int(master["SEQUENCE"]) > int(old["SEQUENCE"])
    assert "RRULE" in master
    got = occurrences(after, single.uid)
    assert got == _stored(db, single.id)
    assert len(got) == 5
    # 09:00 New York on both sides of the change: 14:00 UTC before, 13:00 UTC after.
    unmoved = [s for s, _ in got if s.astimezone(NY).hour == 9]
    assert {s.hour for s in unmoved} == {14, 13}


def test_series_from_the_store_round_trips(db, tmp_path):
    set_coordinator(db)
    host = add_person(db, "Grace Hopper", "grace@example.com", "America/New_York")
    start = dt.datetime(2026, 10, 20, 18, 30, tzinfo=zoneinfo.ZoneInfo("Europe/Berlin")).astimezone(UTC)
    made = create_series(
        db,
        Session("Reading circle", start, "Europe/Berlin", 45, kind="coaching_circle", hosts=(host,)),
        Recurrence("monthly_weekday", 1, until=dt.date(2027, 6, 30)),
    )
    cancel_session(db, made[2].id)
    (cal,) = _export(db, tmp_path, made[0].id)
    assert occurrences(cal, made[0].uid) == _stored(db, made[0].id)
    master = events(cal)[0]
    assert master["RRULE"]["UNTIL"][0].tzinfo is not None
