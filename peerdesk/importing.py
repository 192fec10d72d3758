"""Participant CSV import (with a preview plan) and export, as DESIGN.md's CSV contract says.

Reads what HR tools and spreadsheets write: UTF-8 with or without BOM, UTF-16, or
Windows-1252; comma, semicolon or tab separated; headers matched loosely with synonyms.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from peerdesk.store.db import Database
from peerdesk.store.errors import ValidationError
from peerdesk.store.participants import add_participant, list_participants, update_participant, validate
from peerdesk.store.records import (
    Participant,
    format_availability,
    format_skills,
    parse_availability,
    parse_skills,
)
from peerdesk.store.safefile import write_bytes
from peerdesk.store.settings import load_settings
from peerdesk.store.workspace import bulk
from peerdesk.wording import have, plural

MAX_BYTES = 50 * 1024 * 1024
EXPORT_COLUMNS = (
    "name", "email", "department", "title", "location", "timezone", "hire_date", "role",
    "capacity", "manager_email", "teaches", "learns", "availability", "status", "notes",
)  # fmt: skip

# Normalised header (lower case, no spaces, dashes, underscores or dots) -> column.
SYNONYMS: dict[str, str] = {
    "name": "name", "fullname": "name", "displayname": "name", "participant": "name", "employeename": "name",
    "firstname": "first_name", "givenname": "first_name", "forename": "first_name",
    "lastname": "last_name", "surname": "last_name", "familyname": "last_name",
    "email": "email", "emailaddress": "email", "mail": "email", "workemail": "email", "businessemail": "email",
    "department": "department", "dept": "department", "team": "department", "function": "department",
    "division": "department", "unit": "department",
    "title": "title", "jobtitle": "title", "position": "title",
    "location": "location", "office": "location", "site": "location", "city": "location",
    "timezone": "timezone", "tz": "timezone", "zone": "timezone",
    "hiredate": "hire_date", "startdate": "hire_date", "joined": "hire_date", "startedon": "hire_date",
    "role": "role", "programrole": "role",
    "capacity": "capacity", "maxmentees": "capacity",
    "manageremail": "manager_email", "manager": "manager_email", "linemanager": "manager_email",
    "reportsto": "manager_email",
    "teaches": "teaches", "canteach": "teaches", "skills": "teaches", "expertise": "teaches",
    "learns": "learns", "wantstolearn": "learns", "learninggoals": "learns", "interests": "learns",
    "availability": "availability", "available": "availability",
    "status": "status", "notes": "notes", "comments": "notes", "comment": "notes",
}  # fmt: skip

ROLE_WORDS = {"mentor": "mentor", "mentee": "mentee", "both": "both", "peer": "peer", "buddy": "peer",
              "mentor/mentee": "both", "mentor & mentee": "both", "learner": "mentee"}  # fmt: skip
STATUS_WORDS = {"active": "active", "paused": "paused", "inactive": "paused", "on hold": "paused",
                "alumni": "alumni", "alumnus": "alumni", "left": "alumni"}  # fmt: skip
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class RowError:
    """A bad row of the file: its line number (1 = header) and why."""

    line: int
    reason: str
    email: str = ""


@dataclass
class ImportPlan:
    """What an import would do; nothing is written until apply_import()."""

    added: list[Participant] = field(default_factory=list)
    updated: list[tuple[Participant, Participant]] = field(default_factory=list)
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    encoding: str = "utf-8"
    delimiter: str = ","
    columns: list[str] = field(default_factory=list)

    @property
    def good_rows(self) -> int:
        return len(self.added) + len(self.updated) + self.unchanged

    @property
    def changes(self) -> int:
        return len(self.added) + len(self.updated)


def normalise_header(text: str) -> str:
    return re.sub(r"[\s\-_.:/()]+", "", text.strip().lstrip("\ufeff").casefold())


def decode(data: bytes) -> tuple[str, str]:
    """Return (text, encoding name) for the bytes of a CSV file."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    if b"\x00" in data[:4096]:
        raise ValidationError("This is not a text CSV file (it contains binary data).")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "windows-1252"
    except UnicodeDecodeError:
        raise ValidationError(
            "The file's text encoding is not recognised; save it as UTF-8 CSV and try again."
        ) from None


def encoding_name(codec: str) -> str:
    """A file's text encoding as people know it: 'UTF-8' (with or without a byte-order mark,
    never Python's 'UTF-8-SIG'), 'Windows-1252', 'UTF-16'."""
    return {"utf-8-sig": "UTF-8", "utf-8": "UTF-8", "utf-16": "UTF-16", "windows-1252": "Windows-1252"}.get(
        codec.lower(), codec.upper()
    )


def _sniff_delimiter(text: str) -> str:
    header = text.split("\n", 1)[0]
    counts = {d: header.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def read_table(path: str | Path) -> tuple[list[str], Iterator[tuple[int, list[str]]], str, str]:
    """Open a CSV file: (header cells, iterator of (line number, cells), encoding, delimiter)."""
    file = Path(path)
    size = file.stat().st_size
    if size == 0:
        raise ValidationError("The file is empty.")
    if size > MAX_BYTES:
        raise ValidationError(f"The file is too large ({size / 1e6:.0f} MB; the limit is {MAX_BYTES // 1_000_000} MB).")
    text, encoding = decode(file.read_bytes())
    if "\x00" in text:
        raise ValidationError("This is not a text CSV file (it contains binary data).")
    if not text.strip():
        raise ValidationError("The file is empty.")
    delimiter = _sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
        while not any(c.strip() for c in header):
            header = next(reader)
    except StopIteration:
        raise ValidationError("The file has no header row.") from None
    except csv.Error as exc:
        raise ValidationError(f"The file is not a readable CSV file ({exc}).") from None

    def rows() -> Iterator[tuple[int, list[str]]]:
        line = reader.line_num
        while True:
            start = line + 1
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                raise ValidationError(f"Line {start}: the file is not a readable CSV file ({exc}).") from None
            line = reader.line_num
            if any(c.strip() for c in cells):
                yield start, cells

    return header, rows(), encoding, delimiter


def _unneutralise(value: str) -> str:
    """Undo the export's formula protection ("'=x" -> "=x") so a round trip changes nothing."""
    if len(value) > 1 and value[0] == "'" and value[1] in FORMULA_START:
        return value[1:]
    return value


def _parse_date(text: str) -> dt.date:
    text = text.strip()
    for fmt in ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"hire date '{text}' is not a date like 2025-09-01")


def _row_to_participant(cells: dict[str, str], existing: Participant | None, default_tz: str) -> Participant:
    """Build the participant a row describes; columns absent from the file keep existing values."""
    base = existing or Participant(name="", email="", timezone=default_tz)
    values: dict[str, object] = {}
    if "name" in cells or "first_name" in cells or "last_name" in cells:
        name = cells.get("name", "").strip()
        if not name:
            name = f"{cells.get('first_name', '').strip()} {cells.get('last_name', '').strip()}".strip()
        values["name"] = name
    for key in ("email", "department", "title", "location", "notes", "manager_email"):
        if key in cells:
            values[key] = cells[key].strip()
    if cells.get("timezone", "").strip():
        values["timezone"] = cells["timezone"].strip()
    if "hire_date" in cells:
        values["hire_date"] = _parse_date(cells["hire_date"]) if cells["hire_date"].strip() else None
    if cells.get("role", "").strip():
        word = cells["role"].strip().casefold()
        if word not in ROLE_WORDS:
            raise ValueError(f"role '{cells['role'].strip()}' is not mentor, mentee, both or peer")
        values["role"] = ROLE_WORDS[word]
    if cells.get("status", "").strip():
        word = cells["status"].strip().casefold()
        if word not in STATUS_WORDS:
            raise ValueError(f"status '{cells['status'].strip()}' is not active, paused or alumni")
        values["status"] = STATUS_WORDS[word]
    if cells.get("capacity", "").strip():
        text = cells["capacity"].strip()
        if not re.fullmatch(r"\d{1,3}", text):
            raise ValueError(f"capacity '{text}' is not a whole number")
        values["capacity"] = int(text)
    if "teaches" in cells:
        values["teaches"] = parse_skills(cells["teaches"])
    if "learns" in cells:
        values["learns"] = parse_skills(cells["learns"])
    if "availability" in cells:
        values["availability"] = parse_availability(cells["availability"])
    return replace(base, **values)  # type: ignore[arg-type]


def plan_import(db: Database, path: str | Path) -> ImportPlan:
    """Read a participant CSV and work out what importing it would add, update and reject."""
    header, rows, encoding, delimiter = read_table(path)
    columns: dict[int, str] = {}
    for i, cell in enumerate(header):
        col = SYNONYMS.get(normalise_header(cell))
        if col and col not in columns.values():
            columns[i] = col
    present = set(columns.values())
    if "email" not in present or not ({"name"} & present or {"first_name", "last_name"} <= present):
        missing = [c for c in ("name", "email") if c not in present and not (c == "name" and "first_name" in present)]
        raise ValidationError(
            f"The file has no {' or '.join(missing)} column. Found: {', '.join(h.strip() for h in header if h.strip())}."
        )
    plan = ImportPlan(encoding=encoding, delimiter=delimiter, columns=sorted(present))
    by_email = {p.email: p for p in list_participants(db)}
    default_tz = load_settings(db).timezone
    seen: dict[str, int] = {}
    for line, raw in rows:
        cells = {col: _unneutralise(raw[i]) if i < len(raw) else "" for i, col in columns.items()}
        email = cells.get("email", "").strip().lower()
        try:
            if email in seen:
                raise ValueError(f"{email} appears again (first on line {seen[email]})")
            candidate = validate(_row_to_participant(cells, by_email.get(email), default_tz))
        except (ValueError, ValidationError) as exc:
            plan.errors.append(RowError(line, _sentence(str(exc)), email))
            continue
        seen[candidate.email] = line
        old = by_email.get(candidate.email)
        if old is None:
            plan.added.append(candidate)
        elif replace(old, id=None) == replace(candidate, id=None):
            plan.unchanged += 1
        else:
            plan.updated.append((old, candidate))
    return plan


def _sentence(text: str) -> str:
    text = text.strip().rstrip(".")
    return text[:1].upper() + text[1:] if text else "Invalid row"


@bulk("import")
def apply_import(db: Database, plan: ImportPlan, *, good_rows: bool = False) -> int:
    """Write a plan in one transaction; return how many people were added or updated."""
    if plan.errors and not good_rows:
        raise ValidationError(
            f"{plural(len(plan.errors), 'row')} {have(len(plan.errors))} problems; nothing was imported. Fix them or import the good rows only."
        )
    with db.atomic():
        for p in plan.added:
            add_participant(db, p)
        for _old, new in plan.updated:
            update_participant(db, new)
    return plan.changes


def neutralise(value: str) -> str:
    """Make a cell safe for spreadsheets: a leading =, +, -, @ is never run as a formula."""
    return "'" + value if value.startswith(FORMULA_START) else value


def participant_row(p: Participant) -> dict[str, str]:
    """A participant as the CSV contract's columns (not yet neutralised)."""
    return {
        "name": p.name,
        "email": p.email,
        "department": p.department,
        "title": p.title,
        "location": p.location,
        "timezone": p.timezone,
        "hire_date": p.hire_date.isoformat() if p.hire_date else "",
        "role": p.role,
        "capacity": str(p.capacity),
        "manager_email": p.manager_email,
        "teaches": format_skills(p.teaches),
        "learns": format_skills(p.learns),
        "availability": format_availability(p.availability),
        "status": p.status,
        "notes": p.notes,
    }


def export_participants(db: Database, path: str | Path, *, include_archived: bool = True) -> int:
    """Write everyone to a UTF-8 CSV (with BOM, for spreadsheets); return the number of rows."""
    people = list_participants(db, include_archived=include_archived)
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=EXPORT_COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    for p in people:
        writer.writerow({k: neutralise(v) for k, v in participant_row(p).items()})
    write_bytes(Path(path), ("\ufeff" + buffer.getvalue()).encode("utf-8"))
    return len(people)
