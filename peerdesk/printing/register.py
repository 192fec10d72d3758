"""The register of issued certificates: serial numbers that never change, and their export.

A certificate is issued once per (person, program, kind, award): issuing it again returns
the row already there, with the same serial and the same wording and figures, so a
re-print is identical to the first print. Serials read PD-<year>-<number>, numbered in
order of issue within the year.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from peerdesk import clock
from peerdesk.store.certificates import insert_certificate, next_serial_number, use_serial_number
from peerdesk.store.db import Database

SERIAL_PREFIX = "PD"


@dataclass(frozen=True)
class Issued:
    """One row of the register, with the names it refers to."""

    id: int
    serial: str
    participant_id: int | None
    name: str
    email: str
    program_id: int | None
    program: str
    award_id: int | None
    kind: str
    issued_on: dt.date
    content: dict[str, Any]

    @property
    def heading(self) -> str:
        return str(self.content.get("heading", ""))

    @property
    def figures_text(self) -> str:
        return "; ".join(f"{v} {label}" for v, label in self.content.get("figures", []))


@dataclass(frozen=True)
class Request:
    """What to issue: who, for what, and the content to record if it is issued now."""

    participant_id: int
    program_id: int | None
    kind: str
    award_id: int | None
    content: dict[str, Any]


_SELECT = (
    "SELECT c.id, c.serial, c.participant_id, coalesce(p.name, ''), coalesce(p.email, ''), c.program_id, "
    "coalesce(g.name, ''), c.award_id, c.kind, c.issued_on, c.content FROM certificates c "
    "LEFT JOIN participants p ON p.id = c.participant_id LEFT JOIN programs g ON g.id = c.program_id"
)


def _issued(row: tuple[Any, ...]) -> Issued:
    try:
        content = json.loads(row[10] or "{}")
    except ValueError:
        content = {}
    return Issued(
        row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7], row[8], dt.date.fromisoformat(row[9]), content
    )


def find(db: Database, participant_id: int, program_id: int | None, kind: str, award_id: int | None) -> Issued | None:
    row = db.execute(
        f"{_SELECT} WHERE c.participant_id = ? AND c.program_id IS ? AND c.kind = ? AND c.award_id IS ?",
        (participant_id, program_id, kind, award_id),
    ).fetchone()
    return _issued(row) if row else None


def issue(db: Database, requests: Iterable[Request]) -> list[Issued]:
    """Issue certificates (one transaction); already issued ones come back unchanged."""
    out: list[Issued] = []
    with db.atomic():
        today = clock.today()
        prefix = f"{SERIAL_PREFIX}-{today.year}-"
        number = next_serial_number(db, prefix)
        for r in requests:
            existing = find(db, r.participant_id, r.program_id, r.kind, r.award_id)
            if existing is not None:
                out.append(existing)
                continue
            serial = f"{SERIAL_PREFIX}-{today.year}-{number:05d}"
            use_serial_number(db, prefix, number)
            number += 1
            insert_certificate(db, serial, r.participant_id, r.program_id, r.award_id, r.kind, today, r.content)
            found = find(db, r.participant_id, r.program_id, r.kind, r.award_id)
            assert found is not None
            out.append(found)
    return out


def register(
    db: Database, *, program_id: int | None = None, participant_id: int | None = None, year: int | None = None
) -> list[Issued]:
    """Issued certificates, newest first."""
    where: list[str] = []
    params: list[Any] = []
    if program_id is not None:
        where.append("c.program_id = ?")
        params.append(program_id)
    if participant_id is not None:
        where.append("c.participant_id = ?")
        params.append(participant_id)
    if year is not None:
        where.append("substr(c.issued_on, 1, 4) = ?")
        params.append(f"{year:04d}")
    clause = f" WHERE {' AND '.join(where)}" if where else ""
    return [_issued(r) for r in db.execute(f"{_SELECT}{clause} ORDER BY c.issued_on DESC, c.id DESC", params)]


def by_serial(db: Database, serial: str) -> Issued | None:
    row = db.execute(f"{_SELECT} WHERE c.serial = ?", (serial.strip(),)).fetchone()
    return _issued(row) if row else None


CSV_COLUMNS = ["serial", "issued_on", "kind", "name", "email", "program", "heading", "figures"]


def register_rows(issued: Iterable[Issued]) -> list[dict[str, str]]:
    return [
        {
            "serial": c.serial,
            "issued_on": c.issued_on.isoformat(),
            "kind": c.kind,
            "name": c.name or str(c.content.get("name", "")),
            "email": c.email,
            "program": c.program or str(c.content.get("program", "")),
            "heading": c.heading,
            "figures": c.figures_text,
        }
        for c in issued
    ]


def export_csv(issued: Iterable[Issued], path: str | os.PathLike[str]) -> Path:
    """Write the register as UTF-8 CSV (with BOM, so spreadsheet programs read the accents)."""
    from peerdesk.store.safefile import atomic_write

    target = Path(path)
    with atomic_write(target, "w", newline="", encoding="utf-8-sig") as fh:
        writer = csv.DictWriter(fh, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        writer.writerows(register_rows(issued))
    return target
