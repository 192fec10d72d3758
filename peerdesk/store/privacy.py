"""A person's rights over their data: erase their records, or export all of it.

Erasing works by record id: the rows that refer to the person (found by walking the schema's
foreign keys, so tables added later are covered) and the texts PeerDesk wrote from their name.
It never rewrites text found by searching; other people's texts that mention them are listed
(other_mentions) for the coordinator to review.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from peerdesk import clock
from peerdesk.store.db import Database, known_errors
from peerdesk.store.errors import NotFound
from peerdesk.store.participants import touch_choosers
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


# Other people's stated choices about the person (who would like them as a partner, who asked
# not to be paired with them) are those people's data, private to the coordinator: an export
# for the person leaves them out. Their own choices are in it.
THIRD_PARTY_CHOICES = {("preferred_partners", "partner_id"), ("avoided_partners", "other_id")}


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
    """What counts as naming someone in free text: their e-mail and full name, in any case ('STRAUSS'
    for 'Strauß'), also as the escapes of ensure_ascii JSON ('Zo\\u00eb'). A name without a letter or
    digit ('-', ':', '_') names nobody: it is never searched for."""
    forms = {email, " ".join(name.split())}
    forms |= {variant for f in list(forms) for variant in (f.upper(), f.casefold())}
    forms |= {json.dumps(f)[1:-1] for f in list(forms)}
    return {f for f in forms if any(ch.isalnum() for ch in f)}


def _word_pattern(forms: set[str]) -> re.Pattern[str] | None:
    """Whole-word, case-blind matches of any of the forms (longest first); None when there are none."""
    alternatives = []
    for form in sorted(forms, key=lambda f: (-len(f), f)):
        body = r"\s+".join(re.escape(part) for part in form.split())
        before = r"(?<!\w)" if form[:1].isalnum() else ""
        after = r"(?!\w)" if form[-1:].isalnum() else ""
        alternatives.append(f"{before}{body}{after}")
    return re.compile("|".join(alternatives), re.IGNORECASE) if alternatives else None


def _patterns(name: str, email: str) -> re.Pattern[str] | None:
    return _word_pattern(_forms(name, email))


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


def mentions(db: Database, name: str, email: str) -> Iterator[tuple[str, str, Any, str]]:
    """Every (table, column, rowid, text) whose free text names the person (whole words only).

    Read only: erasing never rewrites what these find in other people's records (a name can be a
    word, a date separator or someone else's name too); the confirmation lists them for review.
    """
    pattern = _patterns(name, email)
    if pattern is None:
        return
    words = {form.split()[0].casefold() for form in _forms(name, email)}

    def any_names(*values: Any) -> int:
        text = "\x1f".join(v for v in values if isinstance(v, str)).casefold()
        if not any(w in text for w in words):
            return 0
        return int(any(isinstance(v, str) and pattern.search(v) for v in values))

    db.conn.create_function("_pd_names", -1, any_names, deterministic=True)
    for t in _tables(db):
        cols = _text_columns(db, t.name)
        if not cols or t.name.startswith("undo"):
            continue
        key = "rowid" if not t.without_rowid else _pk(db, t.name)
        listed = ", ".join(f"[{c}]" for c in cols)
        for row in db.execute(f"SELECT {key}, {listed} FROM [{t.name}] WHERE _pd_names({listed})").fetchall():
            for col, value in zip(cols, row[1:], strict=True):
                if isinstance(value, str) and pattern.search(value):
                    yield t.name, col, row[0], value


def _pk(db: Database, table: str) -> str:
    cols = [r[1] for r in db.execute(f"PRAGMA main.table_info([{table}])") if r[5]]
    return ", ".join(f"[{c}]" for c in cols) if len(cols) == 1 else f"json_array({', '.join(f'[{c}]' for c in cols)})"


def _name_parts(name: str) -> set[str]:
    """The full name and each word of it that has a letter or digit (pair titles use first names)."""
    parts = {" ".join(name.split())} | set(name.split())
    return {p for p in parts if sum(ch.isalnum() for ch in p) >= 2 or (len(p) == 1 and p.isalpha())}


def _scrub_own_texts(db: Database, name: str, email: str, pairings: list[int], feedback: list[int]) -> int:
    """Replace the person's name in the texts that are theirs, found by record id, never by search.

    - titles and descriptions of the sessions of their pairings ('Priya & Łukasz: 1:1 #3',
      'First meeting: Priya Raman & Łukasz Wójcik'), which PeerDesk wrote from the members' names;
    - the comments of the feedback they gave (kept, anonymous).
    Group sessions, other people's records and shared vocabulary are left as they are.
    """
    changed = 0
    titles = _word_pattern(_name_parts(name) | _forms(name, email))
    if titles is not None:
        for chunk in _chunks(pairings):
            marks = ", ".join("?" * len(chunk))
            for sid, title, description in db.execute(
                f"SELECT id, title, description FROM sessions WHERE pairing_id IN ({marks})", chunk
            ).fetchall():
                new_title, new_description = titles.sub(ERASED, title), titles.sub(ERASED, description)
                if (new_title, new_description) != (title, description):
                    db.execute(
                        "UPDATE sessions SET title = ?, description = ?, updated_at = ? WHERE id = ?",
                        (new_title, new_description, clock.stamp(), sid),
                    )
                    changed += 1
    own = _patterns(name, email)
    if own is not None:
        for chunk in _chunks(feedback):
            marks = ", ".join("?" * len(chunk))
            for fid, comment in db.execute(f"SELECT id, comment FROM feedback WHERE id IN ({marks})", chunk).fetchall():
                clean = own.sub(ERASED, comment)
                if clean != comment:
                    db.execute("UPDATE feedback SET comment = ? WHERE id = ?", (clean, fid))
                    changed += 1
    return changed


def _chunks(ids: list[int], size: int = 500) -> Iterator[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


@bulk("erase")
def erase_participant(db: Database, pid: int) -> Erasure:
    """Remove a person by record id, in one transaction, touching only rows that refer to them.

    Rows with a foreign key to them go (attendance, memberships, skills, availability,
    certificates, awards) or lose the reference (feedback they gave stays, anonymous); their
    pairings stay as history without them (ended when fewer than two remain); other people's
    manager reference to their e-mail is cleared; their name is replaced in the titles of their
    pairings' sessions and in their own feedback comments. Nothing is found by searching text, so
    a name like "-", "Python" or someone else's identical name touches nobody else.
    Freed pages are overwritten (secure_delete); afterwards call forget_freed_pages, and clear
    the undo history, which would hold the erased data. Back the file up first.
    """
    previous = db.execute("PRAGMA secure_delete").fetchone()
    db.execute("PRAGMA secure_delete = ON")
    try:
        return _erase(db, pid)
    finally:
        if previous is not None:
            db.execute(f"PRAGMA secure_delete = {int(previous[0])}")


def _erase(db: Database, pid: int) -> Erasure:
    with db.atomic():
        name, email = _person(db, pid)
        today = clock.today().isoformat()
        pairings = [r[0] for r in db.execute("SELECT pairing_id FROM pairing_members WHERE participant_id = ?", (pid,))]
        gave = [r[0] for r in db.execute("SELECT id FROM feedback WHERE participant_id = ?", (pid,))]
        scrubbed = _scrub_own_texts(db, name, email, pairings, gave)
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
        touch_choosers(db, pid)  # their choices of this person go with them
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
    return Erasure(name, email, len(pairings), ended, feedback, attendance, certificates, awards, managers, scrubbed)


def _count(db: Database, table: str, pid: int) -> int:
    return int(db.execute(f"SELECT count(*) FROM [{table}] WHERE participant_id = ?", (pid,)).fetchone()[0])


CHECKPOINT_TRIES = 20


@dataclass(frozen=True)
class Forgotten:
    """How completely an erasure's old bytes were removed from the program file."""

    vacuumed: bool  # the file was rewritten without its free pages
    checkpointed: bool  # the write-ahead log was folded in and emptied (False: a reader kept it busy)


def forget_freed_pages(db: Database, *, tries: int = CHECKPOINT_TRIES, pause: float = 0.1) -> Forgotten:
    """After an erasure: rewrite the file without free pages (VACUUM) and empty the write-ahead log.

    VACUUM removes old bytes even where SQLite was built without secure_delete. The WAL
    checkpoint is retried while another connection reads; when it stays busy, the result says
    so (the log is emptied when the last connection closes).
    """
    if db.memory:
        return Forgotten(True, True)
    with known_errors():
        db.execute("VACUUM")
        for attempt in range(max(1, tries)):
            busy, _log, _done = db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            if not busy:
                return Forgotten(True, True)
            if attempt + 1 < tries:
                time.sleep(pause)
    return Forgotten(True, False)


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
    counts["mentions"] = len(other_mentions(db, pid))
    return counts


def other_mentions(db: Database, pid: int) -> list[tuple[str, str, Any, str]]:
    """Free texts outside the person's own records that name them: left unchanged by erasing, for review."""
    name, email = _person(db, pid)
    own_sessions = {
        r[0]
        for r in db.execute(
            "SELECT s.id FROM sessions s JOIN pairing_members m ON m.pairing_id = s.pairing_id WHERE m.participant_id = ?",
            (pid,),
        )
    }
    own_tables = {t for t, c in _references(db, "participants") if c == "participant_id"}
    found = []
    for table, col, rowid, text in mentions(db, name, email):
        if (table == "participants" and (rowid == pid or col == "manager_email")) or (
            table == "sessions" and rowid in own_sessions
        ):
            continue  # erased, cleared (the manager reference) or rewritten with them
        if table in own_tables and _owner(db, table, rowid) == pid:
            continue
        found.append((table, col, rowid, text))
    return found


_PLACES = {
    ("participants", "notes"): "notes of",
    ("feedback", "comment"): "feedback comment",
    ("sessions", "title"): "session title",
    ("sessions", "description"): "session description",
    ("settings", "value"): "settings",
}


def mention_place(db: Database, table: str, col: str, rowid: Any) -> str:
    """Where a mention is, in words: 'notes of Bo Berg', 'settings: coordinator name', 'session title'."""
    label = _PLACES.get((table, col), f"{table}.{col}")
    if table == "participants":
        row = db.execute("SELECT name FROM participants WHERE rowid = ?", (rowid,)).fetchone()
        return f"{label} {row[0]}" if row else label
    if table == "settings":
        row = db.execute("SELECT key FROM settings WHERE rowid = ?", (rowid,)).fetchone()
        return f"{label}: {str(row[0]).replace('_', ' ')}" if row else label
    return label


def _owner(db: Database, table: str, rowid: Any) -> Any:
    row = db.execute(f"SELECT participant_id FROM [{table}] WHERE rowid = ?", (rowid,)).fetchone()
    return None if row is None else row[0]


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
        if (table, column) in THIRD_PARTY_CHOICES:
            continue
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
