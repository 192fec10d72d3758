"""Rows of `peerdesk list pairings`."""

from __future__ import annotations

from typing import Any

from peerdesk.store.db import Database
from peerdesk.store.pairings import list_pairings

COLUMNS = ["id", "program", "kind", "status", "started_on", "score", "people"]


def rows(db: Database) -> list[dict[str, Any]]:
    return [
        {
            "id": p.id,
            "program": p.program or None,
            "kind": p.kind,
            "status": p.status,
            "members": list(p.emails),
            "people": ", ".join(m.name for m in p.members),
            "roles": {m.email: m.role for m in p.members},
            "names": [m.name for m in p.members],
            "skill": p.skill,
            "started_on": p.started_on.isoformat(),
            "ended_on": p.ended_on.isoformat() if p.ended_on else None,
            "round_id": p.round_id,
            "score": None if p.score is None else round(p.score, 3),
            "breakdown": dict(p.breakdown),
            "locked": p.locked,
        }
        for p in list_pairings(db)
    ]
