"""Certificates in the store: the serial counters and the rows of the register (peerdesk.printing.register
decides what is issued; this module writes it)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from peerdesk.store.db import Database


def next_serial_number(db: Database, prefix: str) -> int:
    """The next free number after prefix: above every serial issued, even those undone since."""
    row = db.execute(
        "SELECT max(CAST(substr(serial, ?) AS INTEGER)) FROM certificates WHERE serial LIKE ?",
        (len(prefix) + 1, prefix + "%"),
    ).fetchone()
    mark = db.execute("SELECT last FROM serial_counters WHERE prefix = ?", (prefix,)).fetchone()
    return max(int(row[0] or 0), int(mark[0]) if mark else 0) + 1


def use_serial_number(db: Database, prefix: str, number: int) -> None:
    """Remember that number was given (serial counters are not undone: a serial once issued stays used)."""
    db.execute(
        "INSERT INTO serial_counters(prefix, last) VALUES (?, ?) "
        "ON CONFLICT(prefix) DO UPDATE SET last = max(last, excluded.last)",
        (prefix, number),
    )


def insert_certificate(
    db: Database,
    serial: str,
    participant_id: int,
    program_id: int | None,
    award_id: int | None,
    kind: str,
    issued_on: dt.date,
    content: dict[str, Any],
) -> None:
    db.execute(
        "INSERT INTO certificates (serial, participant_id, program_id, award_id, kind, issued_on, content) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            serial,
            participant_id,
            program_id,
            award_id,
            kind,
            issued_on.isoformat(),
            json.dumps(content, ensure_ascii=False),
        ),
    )
