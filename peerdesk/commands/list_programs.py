"""Rows of `peerdesk list programs`: each program with its goals' target, actual and status."""

from __future__ import annotations

from typing import Any

from peerdesk.metrics import evaluate_goals
from peerdesk.metrics.catalogue import format_value
from peerdesk.store.db import Database
from peerdesk.store.programs import list_goals, list_programs

COLUMNS = ["name", "objective", "start", "end", "status", "members", "goals_summary"]


def rows(db: Database) -> list[dict[str, Any]]:
    out = []
    for program in list_programs(db):
        assert program.id is not None
        goals = evaluate_goals(db, list_goals(db, program.id))
        members = db.execute("SELECT count(*) FROM program_members WHERE program_id = ?", (program.id,)).fetchone()[0]
        out.append(
            {
                "id": program.id,
                "name": program.name,
                "objective": program.objective,
                "description": program.description,
                "start": program.start_date.isoformat() if program.start_date else None,
                "end": program.end_date.isoformat() if program.end_date else None,
                "status": program.status,
                "members": members,
                "goals": [g.as_dict() for g in goals],
                "goals_summary": "; ".join(
                    f"{g.title}: {format_value(g.actual, g.metric.unit)} ({g.status_label.lower()})" for g in goals
                )
                or "(no goals)",
            }
        )
    return out
