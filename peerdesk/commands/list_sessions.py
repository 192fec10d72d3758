"""Rows of `peerdesk list sessions`: every session in start order, times in its own zone."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import defaultdict
from typing import Any

from peerdesk.store.db import Database
from peerdesk.store.sessions import kind_label

COLUMNS = ["id", "start", "duration_min", "kind", "status", "people", "title"]


def rows(db: Database) -> list[dict[str, Any]]:
    people: dict[int, dict[str, list[str]]] = defaultdict(lambda: {"host": [], "attendee": []})
    for sid, role, email in db.execute(
        "SELECT sp.session_id, sp.role, p.email FROM session_people sp JOIN participants p ON p.id = sp.participant_id "
        "ORDER BY sp.session_id, p.email"
    ):
        people[sid][role].append(email)
    skills: dict[int, list[str]] = defaultdict(list)
    for sid, name in db.execute(
        "SELECT ss.session_id, k.name FROM session_skills ss JOIN skills k ON k.id = ss.skill_id ORDER BY k.name"
    ):
        skills[sid].append(name)
    zones: dict[str, zoneinfo.ZoneInfo] = {}
    out = []
    for r in db.execute(
        "SELECT s.id, s.title, s.kind, s.start_utc, s.timezone, s.duration_min, s.status, pr.name, s.pairing_id, "
        "s.series_id, s.location, s.online_url, s.uid, s.sequence FROM sessions s "
        "LEFT JOIN programs pr ON pr.id = s.program_id ORDER BY s.start_utc, s.id"
    ):
        tz = zones.setdefault(r[4], zoneinfo.ZoneInfo(r[4]))
        start = dt.datetime.fromisoformat(r[3]).astimezone(tz)
        p = people[r[0]]
        out.append(
            {
                "id": r[0],
                "title": r[1],
                "kind": r[2],
                "kind_label": kind_label(r[2]),
                "start": start.isoformat(),
                "duration_min": r[5],
                "status": r[6],
                "attendees": p["attendee"],
                "hosts": p["host"],
                "people": len(p["attendee"]) + len(p["host"]),
                "program": r[7],
                "pairing_id": r[8],
                "series_id": r[9],
                "timezone": r[4],
                "location": r[10],
                "online_url": r[11],
                "skills": skills.get(r[0], []),
                "uid": r[12],
                "sequence": r[13],
            }
        )
    return out
