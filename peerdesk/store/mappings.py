"""Column mappings of form exports, remembered in the program file for files with the same headers."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from peerdesk import clock
from peerdesk.store.db import Database


def remembered_mapping(db: Database, headers_key: str) -> dict[str, Any] | None:
    """The JSON of the mapping last used for files with these headers, or None."""
    row = db.execute("SELECT mapping FROM column_mappings WHERE headers_key = ?", (headers_key,)).fetchone()
    if row is None:
        return None
    try:
        data = json.loads(row[0])
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


def remember_mapping(db: Database, headers_key: str, headers: Sequence[str], mapping: dict[str, Any]) -> None:
    """Keep a mapping for the next file with the same headers (replacing the one kept before)."""
    db.execute(
        "INSERT INTO column_mappings(headers_key, headers, mapping, used_at) VALUES (?, ?, ?, ?) "
        "ON CONFLICT(headers_key) DO UPDATE SET headers = excluded.headers, mapping = excluded.mapping, "
        "used_at = excluded.used_at",
        (headers_key, json.dumps(list(headers), ensure_ascii=False), json.dumps(mapping, ensure_ascii=False),
         clock.stamp()),
    )  # fmt: skip
