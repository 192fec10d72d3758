"""Exporting the demo program: every file reads back with three parsers and matches the store."""

from __future__ import annotations

import datetime as dt

from invites_helpers import events, occurrences, parse

from peerdesk.demo import build_demo
from peerdesk.invites import ExportRequest, export_invites
from peerdesk.invites.build import entries
from peerdesk.invites.model import load_selection, session_ids
from peerdesk.invites.series import SeriesPlan
from peerdesk.store import open_db

UTC = dt.UTC


def test_every_demo_file_parses_and_every_occurrence_is_in_the_store(tmp_path):
    path = tmp_path / "demo.db"
    build_demo(path)
    db = open_db(path)
    try:
        result = export_invites(db, ExportRequest(layouts=("participant", "program")), tmp_path / "out")
        stored = {
            uid: (dt.datetime.fromisoformat(start), minutes, status)
            for uid, start, minutes, status in db.execute("SELECT uid, start_utc, duration_min, status FROM sessions")
        }
        plans = [e for e in entries(load_selection(db, session_ids(db))) if isinstance(e, SeriesPlan)]
        series_rows = {p.uid: sorted((s.start, s.end) for s in p.occurrences if not s.cancelled) for p in plans}
    finally:
        db.close()
    assert plans, "the demo has a recurring series"
    assert result.invitations > 50
    seen_series = set()
    for file in result.written:
        cal = parse(file.read_bytes())
        cancel = str(cal["METHOD"]) == "CANCEL"
        for ev in events(cal):
            uid = str(ev["UID"])
            if uid in series_rows:
                seen_series.add(uid)
                continue
            start, minutes, status = stored[uid]
            assert ev.decoded("DTSTART").astimezone(UTC) == start
            assert ev.decoded("DTEND") - ev.decoded("DTSTART") == dt.timedelta(minutes=minutes)
            assert (status == "cancelled") == cancel == (str(ev["STATUS"]) == "CANCELLED")
        for uid, rows in series_rows.items():
            if uid in {str(e["UID"]) for e in events(cal)}:
                assert occurrences(cal, uid) == rows, file.name
    assert seen_series == set(series_rows)
