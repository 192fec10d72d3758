"""Small builders for matching tests."""

from __future__ import annotations

import datetime as dt

from peerdesk.matching.model import Person
from peerdesk.store.records import parse_availability, parse_skills

WORKDAYS = "Mon 09:00-17:00; Tue 09:00-17:00; Wed 09:00-17:00; Thu 09:00-17:00; Fri 09:00-17:00"


def person(
    pid: int,
    *,
    role: str = "peer",
    dept: str = "",
    teaches: str = "",
    learns: str = "",
    available: str = WORKDAYS,
    tz: str = "Europe/Berlin",
    capacity: int = 1,
    manager: str = "",
    title: str = "",
    hired: dt.date | None = None,
    status: str = "active",
    archived: bool = False,
    trained: bool = True,
    name: str | None = None,
    prefers: tuple[int, ...] = (),
    avoids: tuple[int, ...] = (),
    keep_mentor: int | None = None,
) -> Person:
    return Person(
        id=pid,
        name=name or f"Person{pid} Test",
        email=f"p{pid}@example.com",
        department=dept,
        title=title,
        timezone=tz,
        hire_date=hired,
        role=role,
        capacity=capacity,
        manager_email=manager,
        status=status,
        archived=archived,
        trained=trained,
        teaches=parse_skills(teaches),
        learns=parse_skills(learns),
        availability=parse_availability(available),
        prefers=prefers,
        avoids=avoids,
        keep_mentor=keep_mentor,
    )
