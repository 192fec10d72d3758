"""Calendar export at scale: 10,000 sessions exported, against icalendar alone serialising them.

    .venv/bin/python benchmarks/bench_ics.py [--sessions 10000] [--participants 2000] [--runs 5]

Builds a program database with the wanted number of sessions (singles in several time zones
plus weekly series with cancelled and moved occurrences, four people each), then measures
in the same run, median of several runs each:

  export     PeerDesk's whole export of every session into one file: SQL, series layout,
             VTIMEZONEs, escaping, serialising, atomic write;
  icalendar  icalendar alone building and serialising the same VEVENTs with the same
             properties (one per session, where the export writes a series as one rule
             plus exceptions; values prepared beforehand, VTIMEZONEs prebuilt), nothing written;
  to_ical    icalendar serialising the very calendar the export writes (objects built
             beforehand): the floor for any exporter built on icalendar;
  per person the default layout: one invitation file per participant (plus one per program).

The target is export <= about 2x icalendar. Peak Python memory of one export via tracemalloc.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import statistics
import tempfile
import time
import tracemalloc
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from icalendar import Alarm, Calendar, Event, vCalAddress, vText

from peerdesk import clock
from peerdesk.invites import ExportRequest, build_calendar, export_invites, load_selection, plan_export, session_ids
from peerdesk.invites.build import _year_span, description, entries, location
from peerdesk.invites.text import clean_line, clean_text
from peerdesk.invites.timezones import vtimezone
from peerdesk.store import open_db

ZONES = ["Europe/Berlin", "America/New_York", "Asia/Kolkata", "Australia/Sydney", "Europe/London", "UTC"]
NOW = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)


def build_db(path: Path, sessions: int, participants: int) -> None:
    rng = random.Random(11)
    db = open_db(path)
    stamp = NOW.isoformat()
    with db.atomic():
        for key, value in (("coordinator_name", "Ana Coordinator"), ("coordinator_email", "coord@example.com")):
            db.execute("INSERT OR REPLACE INTO settings(key, value) VALUES (?, ?)", (key, json.dumps(value)))
        db.conn.executemany(
            "INSERT INTO participants(id, name, email, timezone, created_at, updated_at) VALUES (?,?,?,?,?,?)",
            [
                (i, f"Person {i} Ødegård", f"p{i}@example.com", rng.choice(ZONES), stamp, stamp)
                for i in range(1, participants + 1)
            ],
        )
        db.execute(
            "INSERT INTO programs(id, name, created_at) VALUES (1, 'Onboarding', ?), (2, 'Upskilling', ?)",
            (stamp, stamp),
        )
        rows, people = [], []
        sid = 0
        series_id = 0
        while sid < sessions:
            zone = rng.choice(ZONES[:-1])
            tz = ZoneInfo(zone)
            first = dt.datetime(2026, 9, 1, rng.choice((9, 10, 14, 16)), rng.choice((0, 30)), tzinfo=tz) + dt.timedelta(
                days=rng.randrange(300)
            )
            group = rng.sample(range(1, participants + 1), 4)
            count = 10 if rng.random() < 0.2 else 1
            current_series = None
            if count > 1:
                series_id += 1
                current_series = series_id
                db.execute(
                    "INSERT INTO series(id, rrule, timezone, first_start_local, created_at) VALUES (?,?,?,?,?)",
                    (series_id, f"FREQ=WEEKLY;COUNT={count}", zone, first.replace(tzinfo=None).isoformat(), stamp),
                )
            for k in range(min(count, sessions - sid)):
                sid += 1
                local = first + dt.timedelta(weeks=k)
                start = local.astimezone(dt.UTC)
                status = "cancelled" if count > 1 and k == 3 else "planned"
                if count > 1 and k == 5:
                    start += dt.timedelta(days=1)
                rows.append(
                    (
                        sid, f"{uuid.UUID(int=rng.getrandbits(128))}@peerdesk", rng.choice((1, 2)), current_series, "workshop",
                        f"Workshop {sid}: Python, SQL; testing", "Agenda:\n1. theory\n2. practice, with Q&A",
                        "Room 4, floor 2", "https://meet.example.com/r/" + str(sid), start.isoformat(), zone, 60, status,
                        local.astimezone(dt.UTC).isoformat() if current_series else None, stamp, stamp,
                    )
                )  # fmt: skip
                people.extend((sid, pid, "host" if i == 0 else "attendee") for i, pid in enumerate(group))
        db.conn.executemany(
            "INSERT INTO sessions(id, uid, program_id, series_id, kind, title, description, location, online_url, "
            "start_utc, timezone, duration_min, status, original_start_utc, created_at, updated_at) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            rows,
        )
        db.conn.executemany("INSERT INTO session_people(session_id, participant_id, role) VALUES (?,?,?)", people)
    db.close()


def icalendar_alone(prepared: list[dict[str, Any]], zones: list[Any]) -> bytes:
    """What icalendar needs to build and serialise the same VEVENTs, values prepared beforehand."""
    cal = Calendar()
    cal.add("PRODID", "-//bench//EN")
    cal.add("VERSION", "2.0")
    cal.add("CALSCALE", "GREGORIAN")
    cal.add("METHOD", "REQUEST")
    for z in zones:
        cal.add_component(z)
    for p in prepared:
        ev = Event()
        ev.add("UID", p["uid"])
        ev.add("DTSTAMP", NOW)
        ev.add("CREATED", p["created"])
        ev.add("LAST-MODIFIED", p["modified"])
        ev.add("SEQUENCE", p["sequence"])
        ev.add("SUMMARY", vText(p["summary"]))
        ev.add("DESCRIPTION", vText(p["description"]))
        ev.add("LOCATION", vText(p["location"]))
        ev.add("URL", p["url"])
        ev.add("CATEGORIES", ["Workshop"])
        ev.add("STATUS", p["status"])
        ev.add("TRANSP", "OPAQUE")
        organizer = vCalAddress("mailto:coord@example.com")
        organizer.params["CN"] = "Ana Coordinator"
        ev.add("ORGANIZER", organizer)
        for name, email, role in p["people"]:
            a = vCalAddress(f"mailto:{email}")
            a.params["CN"] = name
            a.params["CUTYPE"] = "INDIVIDUAL"
            a.params["ROLE"] = role
            a.params["PARTSTAT"] = "NEEDS-ACTION"
            a.params["RSVP"] = "TRUE"
            ev.add("ATTENDEE", a)
        ev.add("DTSTART", p["start"])
        ev.add("DTEND", p["end"])
        alarm = Alarm()
        alarm.add("ACTION", "DISPLAY")
        alarm.add("DESCRIPTION", vText(p["summary"]))
        alarm.add("TRIGGER", dt.timedelta(minutes=-15))
        ev.add_component(alarm)
        cal.add_component(ev)
    return cal.to_ical()


def prepare(db: Any) -> tuple[list[dict[str, Any]], list[Any], int]:
    selection = load_selection(db, session_ids(db))
    items = entries(selection)
    zones = [vtimezone(z, *_year_span(items)) for z in ZONES if z != "UTC"]
    prepared = []
    for s in selection.sessions:
        tz = ZoneInfo(s.timezone)
        prepared.append(
            {
                "uid": s.uid,
                "created": s.created,
                "modified": s.modified,
                "sequence": s.sequence,
                "summary": clean_text(s.title),
                "description": description(s),
                "location": location(s),
                "url": s.online_url,
                "status": "CANCELLED" if s.cancelled else "CONFIRMED",
                "start": s.start.astimezone(tz),
                "end": s.end.astimezone(tz),
                "people": [
                    (clean_line(p.name), p.email, "CHAIR" if p.role == "host" else "REQ-PARTICIPANT") for p in s.people
                ],
            }
        )
    return prepared, zones, len(selection.sessions)


def median_time(fn: Callable[[], Any], runs: int) -> tuple[float, Any]:
    times, result = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=10_000)
    parser.add_argument("--participants", type=int, default=2_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    clock.freeze(NOW)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = folder / "bench.db"
        t0 = time.perf_counter()
        build_db(path, args.sessions, args.participants)
        print(
            f"database with {args.sessions} sessions, {args.participants} participants: {time.perf_counter() - t0:.1f} s"
        )
        db = open_db(path)
        prepared, zones, count = prepare(db)
        one_file = ExportRequest(layouts=("combined",), combined_name="all")

        def export_all() -> Any:
            return export_invites(db, one_file, folder / "one")

        def baseline() -> bytes:
            return icalendar_alone(prepared, zones)

        plan = plan_export(db, one_file)
        (planned,) = plan.files
        identical = build_calendar(planned.entries, planned.method, plan.options)

        def serialise_only() -> bytes:
            return bytes(identical.to_ical())

        # Alternate the three so that load from other processes hits them alike.
        export_times, base_times, ser_times = [], [], []
        for _ in range(args.runs):
            t, result = median_time(export_all, 1)
            export_times.append(t)
            t, data = median_time(baseline, 1)
            base_times.append(t)
            t, same = median_time(serialise_only, 1)
            ser_times.append(t)
        size = (folder / "one" / "all.ics").stat().st_size
        exp, base, ser = (statistics.median(x) for x in (export_times, base_times, ser_times))
        print(f"sessions exported:                 {count}")
        print(f"export, one file (median of {args.runs}):    {exp * 1000:8.0f} ms  ({size / 1e6:.1f} MB written)")
        print(
            f"icalendar alone, same events:      {base * 1000:8.0f} ms  ({len(data) / 1e6:.1f} MB, built and serialised)"
        )
        print(
            f"icalendar to_ical of the identical calendar: {ser * 1000:8.0f} ms  ({len(same) / 1e6:.1f} MB, objects prebuilt)"
        )
        print(f"ratio export / icalendar alone:    {exp / base:8.2f}  (target <= ~2)")
        print(f"ratio export / to_ical only:       {exp / ser:8.2f}")
        runs = max(1, args.runs // 2)
        per_person = ExportRequest(layouts=("participant", "program"))
        t, result = median_time(lambda: export_invites(db, per_person, folder / "people"), runs)
        print(f"export, file per person (median of {runs}): {t * 1000:8.0f} ms  ({len(result.written)} files)")
        tracemalloc.start()
        export_all()
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        print(f"peak Python memory, one-file export: {peak / 1e6:.0f} MB")
        db.close()


if __name__ == "__main__":
    main()
