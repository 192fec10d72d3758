"""Rows of `peerdesk list participants`."""

from __future__ import annotations

from typing import Any

from peerdesk.store.db import Database
from peerdesk.store.participants import list_participants
from peerdesk.store.records import format_availability, format_skills

COLUMNS = ["name", "email", "department", "role", "status"]


def rows(db: Database) -> list[dict[str, Any]]:
    return [
        {
            "id": p.id,
            "name": p.name,
            "email": p.email,
            "department": p.department,
            "title": p.title,
            "location": p.location,
            "timezone": p.timezone,
            "hire_date": p.hire_date.isoformat() if p.hire_date else None,
            "role": p.role,
            "capacity": p.capacity,
            "manager_email": p.manager_email,
            "status": p.status,
            "archived": p.archived,
            "teaches": format_skills(p.teaches),
            "learns": format_skills(p.learns),
            "availability": format_availability(p.availability),
        }
        for p in list_participants(db)
    ]
