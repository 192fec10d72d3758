"""A person's rights over their data: erase everything that names them, or export all of it.

Both walk the schema (foreign keys to participants, every text column of every table)
instead of listing tables by hand, so tables added later are covered without new code.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from peerdesk import clock
from peerdesk.store.db import Database
from peerdesk.store.errors import NotFound
from peerdesk.store.workspace import bulk

ERASED = "[erased]"
EXPORT_FORMAT = "PeerDesk participant data"
_LABEL_COLUMNS = ("name", "title", "serial", "mode", "kind")
# Shared vocabulary, not prose about someone: a person called "Sales" must not blank a department.
_STRUCTURED = {
    ("participants", "department"), ("participants", "title"), ("participants", "location"),
    ("participants", "timezone"), ("participants", "role"), ("participants", "status"),
    ("skills", "name"), ("training_modules", "name"),
}  # fmt: skip


@dataclass(frozen=True)
class Erasure:
    """What erasing one participant changed."""

    name: str
    email: str
    pairings_left: int  # pairings they were in, now history without them
    pairings_ended: int  # of which ended because too few members remained
    feedback_anonymised: int
    attendance_dropped: int
    certificates_removed: int
    awards_removed: int
    manager_references_cleared: int
    texts_scrubbed: int  # other text fields that named them


@dataclass(frozen=True)
class _Table:
    name: str
    virtual: bool
    without_rowid: bool


def _tables(db: Database) -> list[_Table]:
    """User tables (shadow tables of virtual tables excluded, they follow their owner)."""
    found = []
    for _schema, name, kind, _ncol, wr, _strict in db.execute("PRAGMA main.table_list"):
        if name.startswith("sqlite_") or kind == "shadow":
            continue
        if kind in ("table", "virtual"):
            found.append(_Table(name, kind == "virtual", bool(wr)))
    return sorted(found, key=lambda t: t.name)


def _columns(db: Database, table: str) -> list[str]:
    return [r[1] for r in db.execute(f"PRAGMA main.table_xinfo([{table}])") if r[6] == 0]


def _references(db: Database, target: str) -> list[tuple[str, str]]:
    """(table, column) pairs with a foreign key to target."""
    refs = []
    for t in _tables(db):
        if t.virtual:
            continue
        for row in db.execute(f"PRAGMA main.foreign_key_list([{t.name}])"):
            if row[2] == target:
                refs.append((t.name, row[3]))
    return refs


def _person(db: Database, pid: int) -> tuple[str, str]:
    row = db.execute("SELECT name, email FROM participants WHERE id = ?", (pid,)).fetchone()
    if row is None:
        raise NotFound(f"Participant {pid} does not exist.")
    return str(row[0]), str(row[1])


def _forms(name: str, email: str) -> set[str]:
    """What counts as naming someone: their e-mail and full name, in any case ('STRAUSS' for 'Strauß'),
    also as the escapes of ensure_ascii JSON ('Zo\\u00eb')."""
    forms = {email, name, " ".join(name.split())}
    forms |= {variant for f in list(forms) for variant in (f.upper(), f.casefold())}
    forms |= {json.dumps(f)[1:-1] for f in list(forms)}
    return {f for f in forms if f.strip()}


def _patterns(name: str, email: str) -> re.Pattern[str]:
    alternatives = []
    for form in sorted(_forms(name, email), key=lambda f: (-len(f), f)):
        body = r"\s+".join(re.escape(part) for part in form.split())
        alternatives.append(rf"(?<!\w){body}(?!\w)" if form[:1].isalnum() else body)
    return re.compile("|".join(alternatives), re.IGNORECASE)


def _text_columns(db: Database, table: str) -> list[str]:
    """Columns that can hold prose: declared TEXT or untyped (not numbers), minus shared vocabulary."""
    cols = []
    for r in db.execute(f"PRAGMA main.table_xinfo([{table}])"):
        declared = str(r[2]).upper()
        if r[6] != 0 or any(k in declared for k in ("INT", "REAL", "FLOA", "DOUB")):
            continue
        if (table, r[1]) not in _STRUCTURED:
            cols.append(r[1])
    return cols


def _ascii_run(word: str) -> str:
    """The longest run of ASCII characters in a word ('' when shorter than 2)."""
    runs = re.findall(r"[\x21-\x7e]+", word)
    best = max(runs, key=len, default="")
    return best if len(best) >= 2 else ""


def mentions(db: Database, name: str, email: str) -> Iterator[tuple[str, str, Any, str]]:
    """Every (table, column, rowid, text) whose text names the person."""
    pattern = _patterns(name, email)
    # A match always contains the first word of a form: a cheap superset test runs first,
    # in SQL (LIKE, case-blind for ASCII) when every such word has an ASCII run, else in Python.
    firsts = {form.split()[0] for form in _forms(name, email)}
    words = {w.casefold() for w in firsts}
    # not case-folded ('ß' must stay 'ß'); LIKE ignores ASCII case, so one run per spelling
    runs = list({_ascii_run(w).lower(): _ascii_run(w) for w in firsts}.values())

    def any_names(*values: Any) -> int:
        text = "\x1f".join(v for v in values if isinstance(v, str)).casefold()
        if not any(w in text for w in words):
            return 0
        return int(any(isinstance(v, str) and pattern.search(v) for v in values))

    db.conn.create_function("_pd_names", -1, any_names, deterministic=True)
    for t in _tables(db):
        cols = _text_columns(db, t.name)
        if not cols:
            continue
        key = "rowid" if not t.without_rowid else _pk(db, t.name)
        listed = ", ".join(f"[{c}]" for c in cols)
        if all(runs):
            likes = [f"%{_like_escape(r)}%" for r in runs]
            where = " OR ".join(f"[{c}] LIKE ? ESCAPE '!'" for c in cols for _ in likes)
            params: list[str] = [like for _c in cols for like in likes]
        else:
            where, params = f"_pd_names({listed})", []
        for row in db.execute(f"SELECT {key}, {listed} FROM [{t.name}] WHERE {where}", params).fetchall():
            for col, value in zip(cols, row[1:], strict=True):
                if isinstance(value, str) and pattern.search(value):
                    yield t.name, col, row[0], value


def _like_escape(text: str) -> str:
    return text.replace("!", "!!").replace("%", "!%").replace("_", "!_")


def _pk(db: Database, table: str) -> str:
    cols = [r[1] for r in db.execute(f"PRAGMA main.table_info([{table}])") if r[5]]
    return ", ".join(f"[{c}]" for c in cols) if len(cols) == 1 else f"json_array({', '.join(f'[{c}]' for c in cols)})"


def _scrub(db: Database, name: str, email: str) -> int:
    pattern = _patterns(name, email)
    found = list(mentions(db, name, email))
    for table, col, rowid, text in found:
        clean = pattern.sub(ERASED, text)
        without_rowid = any(t.name == table and t.without_rowid for t in _tables(db))
        where = f"{_pk(db, table)} = ?" if without_rowid else "rowid = ?"
        try:
            with db.atomic():
                db.execute(f"UPDATE [{table}] SET [{col}] = ? WHERE {where}", (clean, rowid))
        except sqlite3.IntegrityError:  # a unique text column: keep it unique
            db.execute(f"UPDATE [{table}] SET [{col}] = ? WHERE {where}", (f"{clean} #{rowid}", rowid))
    return len(found)


def _scrub_first_names(db: Database, name: str, sessions: list[int]) -> int:
    """In the sessions they took part in, titles like 'Priya & Łukasz: 1:1' name them by a part of their name."""
    parts = [p for p in name.split() if len(p) >= 2]
    if not parts or not sessions:
        return 0
    pattern = re.compile("|".join(rf"(?<!\w){re.escape(p)}(?!\w)" for p in parts), re.IGNORECASE)
    changed = 0
    for sid in sessions:
        row = db.execute("SELECT title, description FROM sessions WHERE id = ?", (sid,)).fetchone()
        if row is None:
            continue
        title, description = (pattern.sub(ERASED, text) for text in row)
        if (title, description) != tuple(row):
            db.execute("UPDATE sessions SET title = ?, description = ? WHERE id = ?", (title, description, sid))
            changed += 1
        for fid, comment in db.execute("SELECT id, comment FROM feedback WHERE session_id = ?", (sid,)).fetchall():
            clean = pattern.sub(ERASED, comment)
            if clean != comment:
                db.execute("UPDATE feedback SET comment = ? WHERE id = ?", (clean, fid))
                changed += 1
    return changed


@bulk
def erase_participant(db: Database, pid: int) -> Erasure:
    """Remove a person and everything that names them, in one transaction.

    Their pairings stay as history without them (ended when fewer than two remain),
    feedback they gave stays but becomes anonymous, their attendance, certificates and
    awards go, other people's manager reference to them is cleared, and any other text
    that names them (notes, titles, comments, certificate content) has it replaced.
    Freed database pages are overwritten (secure_delete). Callers should clear the undo
    history afterwards: it would hold the erased data.
    """
    previous = db.execute("PRAGMA secure_delete").fetchone()[0]
    db.execute("PRAGMA secure_delete = ON")
    try:
        return _erase(db, pid)
    finally:
        db.execute(f"PRAGMA secure_delete = {int(previous)}")


def _erase(db: Database, pid: int) -> Erasure:
    with db.atomic():
        name, email = _person(db, pid)
        today = clock.today().isoformat()
        pairings = [r[0] for r in db.execute("SELECT pairing_id FROM pairing_members WHERE participant_id = ?", (pid,))]
        sessions = [r[0] for r in db.execute("SELECT session_id FROM session_people WHERE participant_id = ?", (pid,))]
        feedback = db.execute(
            "UPDATE feedback SET participant_id = NULL, anonymous = 1 WHERE participant_id = ?", (pid,)
        ).rowcount
        attendance = _count(db, "session_people", pid)
        certificates = db.execute("DELETE FROM certificates WHERE participant_id = ?", (pid,)).rowcount
        awards = db.execute("DELETE FROM awards WHERE participant_id = ?", (pid,)).rowcount
        managers = db.execute(
            "UPDATE participants SET manager_email = '', updated_at = ? WHERE manager_email = ? AND id != ?",
            (clock.stamp(), email, pid),
        ).rowcount
        db.execute("DELETE FROM participants WHERE id = ?", (pid,))
        ended = 0
        for pairing in pairings:
            left = db.execute("SELECT count(*) FROM pairing_members WHERE pairing_id = ?", (pairing,)).fetchone()[0]
            if left < 2:
                ended += db.execute(
                    "UPDATE pairings SET status = 'ended', ended_on = coalesce(ended_on, ?) "
                    "WHERE id = ? AND status = 'active'",
                    (today, pairing),
                ).rowcount
        scrubbed = _scrub(db, name, email) + _scrub_first_names(db, name, sessions)
    return Erasure(name, email, len(pairings), ended, feedback, attendance, certificates, awards, managers, scrubbed)


def _count(db: Database, table: str, pid: int) -> int:
    return int(db.execute(f"SELECT count(*) FROM [{table}] WHERE participant_id = ?", (pid,)).fetchone()[0])


def forget_freed_pages(db: Database) -> None:
    """After an erasure: fold the write-ahead log into the file so no old page copy lingers."""
    if not db.memory:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def erasure_preview(db: Database, pid: int) -> dict[str, int]:
    """What erasing would touch, for the confirmation: counts per kind of record."""
    name, email = _person(db, pid)
    counts = {
        "pairings": _count(db, "pairing_members", pid),
        "sessions": _count(db, "session_people", pid),
        "feedback": _count(db, "feedback", pid),
        "certificates": _count(db, "certificates", pid),
        "awards": _count(db, "awards", pid),
        "reports": int(
            db.execute(
                "SELECT count(*) FROM participants WHERE manager_email = ? AND id != ?", (email, pid)
            ).fetchone()[0]
        ),
    }
    counts["mentions"] = sum(
        1 for table, _c, rowid, _t in mentions(db, name, email) if not (table == "participants" and rowid == pid)
    )
    return counts


# ---------------------------------------------------------------------------- export


def _row_dict(cursor: sqlite3.Cursor, row: tuple[Any, ...]) -> dict[str, Any]:
    return {d[0]: v for d, v in zip(cursor.description, row, strict=True)}


def _label(db: Database, table: str, key: Any) -> dict[str, Any] | None:
    """A readable summary of a referenced row: its name/title, and for people their e-mail."""
    if key is None:
        return None
    cols = _columns(db, table)
    wanted = [c for c in _LABEL_COLUMNS if c in cols]
    if table == "participants":
        wanted = ["name", "email"]
    if table == "sessions":
        wanted += ["start_utc", "timezone", "duration_min", "status"]
    if table == "pairings":
        wanted = ["kind", "status", "started_on", "ended_on"]
    if not wanted:
        return {"id": key}
    cur = db.execute(f"SELECT {', '.join(f'[{c}]' for c in wanted)} FROM [{table}] WHERE rowid = ?", (key,))
    row = cur.fetchone()
    if row is None:
        return {"id": key}
    label = {"id": key, **_row_dict(cur, row)}
    if table == "pairings":
        label["members"] = [
            {"name": n, "email": e, "role": r}
            for n, e, r in db.execute(
                "SELECT p.name, p.email, m.role FROM pairing_members m JOIN participants p ON p.id = m.participant_id "
                "WHERE m.pairing_id = ? ORDER BY m.role, p.name",
                (key,),
            )
        ]
    return label


def export_participant_data(db: Database, pid: int) -> dict[str, Any]:
    """Everything held about a person, as one JSON-ready dict (a subject access request)."""
    name, email = _person(db, pid)
    cur = db.execute("SELECT * FROM participants WHERE id = ?", (pid,))
    record = _row_dict(cur, cur.fetchone())
    related: dict[str, list[dict[str, Any]]] = {}
    for table, column in _references(db, "participants"):
        fks = [(r[3], r[2]) for r in db.execute(f"PRAGMA main.foreign_key_list([{table}])")]
        cur = db.execute(f"SELECT * FROM [{table}] WHERE [{column}] = ? ORDER BY rowid", (pid,))
        rows = []
        for row in cur.fetchall():
            item = _row_dict(cur, row)
            for col, target in fks:
                if col == column or item.get(col) is None:
                    continue
                item[f"{col.removesuffix('_id')}_details"] = _label(db, target, item[col])
            rows.append(item)
        if rows:
            key = table if column == "participant_id" else f"{table}.{column}"
            related[key] = rows
    reports = [
        {"name": n, "email": e}
        for n, e in db.execute(
            "SELECT name, email FROM participants WHERE manager_email = ? AND id != ? ORDER BY name", (email, pid)
        )
    ]
    named_in = [
        {"table": table, "column": col, "row": rowid, "text": text}
        for table, col, rowid, text in mentions(db, name, email)
        if not (table == "participants" and rowid == pid)
    ]
    return {
        "format": EXPORT_FORMAT,
        "version": 1,
        "exported_at": clock.stamp(),
        "participant": record,
        "records": related,
        "manager_of": reports,
        "named_in": named_in,
    }


def write_participant_export(db: Database, pid: int, path: str | os.PathLike[str]) -> Path:
    """Write export_participant_data to a JSON file (atomically, readable by the owner only)."""
    from peerdesk.store.safefile import write_text

    data = export_participant_data(db, pid)
    text = json.dumps(data, ensure_ascii=False, indent=2, default=_json_default)
    return write_text(path, text + "\n", private=True)


def _json_default(value: Any) -> Any:
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return str(value)
