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

from peerdesk import intake
from peerdesk.intake import ColumnMapping
from peerdesk.printing.certificates import name_warnings
from peerdesk.store.db import Database
from peerdesk.store.errors import ValidationError
from peerdesk.store.mappings import remember_mapping, remembered_mapping
from peerdesk.store.participants import (
    add_participant,
    list_participants,
    update_participant,
    validate,
    write_choices,
)
from peerdesk.store.records import (
    Participant,
    format_availability,
    format_email_list,
    format_skills,
    parse_availability,
    parse_email_list,
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
    "preferred_partners", "keep_mentor",
)  # fmt: skip
# Whom someone asked not to be paired with is private to the coordinator: imported, never exported.

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
    "preferredpartners": "prefers", "preferredpartner": "prefers", "prefers": "prefers",
    "preferredmentors": "prefers", "preferredmentor": "prefers", "preferredbuddies": "prefers",
    "keepmentor": "keep_mentor", "keepmymentor": "keep_mentor", "keepcurrentmentor": "keep_mentor",
    "avoid": "avoids", "avoids": "avoids", "neverpairwith": "avoids", "donotpairwith": "avoids",
    "notpairedwith": "avoids",
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
    encoding_note: str = ""  # what needed care reading it (stray bytes, no byte-order mark)
    date_order: str | None = None  # "dmy" or "mdy" for files with numeric dates like 01.09.2025
    dates_ambiguous: bool = False  # every date read both ways: the order was assumed
    notes: list[RowError] = field(default_factory=list)  # what was left out of good rows, and why
    ignored: list[str] = field(default_factory=list)  # headers of the columns not read
    header: list[str] = field(default_factory=list)
    name_warnings: list[str] = field(default_factory=list)  # names a certificate would print badly
    mapping: ColumnMapping | None = None  # the column mapping the file was read with (None: its own headers)
    mapping_source: str = ""  # "given" or "remembered" (for files with the same headers)

    @property
    def good_rows(self) -> int:
        return len(self.added) + len(self.updated) + self.unchanged

    @property
    def changes(self) -> int:
        return len(self.added) + len(self.updated)


def normalise_header(text: str) -> str:
    return re.sub(r"[\s\-_.:/()]+", "", text.strip().lstrip("\ufeff").casefold())


# The encodings offered when the guess is wrong: (codec, what a coordinator calls it).
ENCODINGS: tuple[tuple[str, str], ...] = (
    ("utf-8", "UTF-8"),
    ("windows-1252", "Windows-1252 (Western European)"),
    ("windows-1250", "Windows-1250 (Central European)"),
    ("windows-1251", "Windows-1251 (Cyrillic)"),
    ("koi8-r", "KOI8-R (Russian)"),
    ("iso-8859-15", "ISO-8859-15 (Latin-9)"),
    ("windows-1253", "Windows-1253 (Greek)"),
    ("windows-1254", "Windows-1254 (Turkish)"),
    ("shift_jis", "Shift-JIS (Japanese)"),
    ("gb18030", "GB18030 (Chinese)"),
    ("big5", "Big5 (Traditional Chinese)"),
    ("euc-kr", "EUC-KR (Korean)"),
    ("utf-16-le", "UTF-16 little-endian"),
    ("utf-16-be", "UTF-16 big-endian"),
)
_NAMES = dict(ENCODINGS) | {"utf-8-sig": "UTF-8", "utf-16": "UTF-16"}
# charset-normalizer's names for the codecs above
_ALIASES = {"cp1252": "windows-1252", "cp1250": "windows-1250", "cp1251": "windows-1251", "koi8_r": "koi8-r",
            "cp932": "shift_jis", "shift_jis": "shift_jis", "gb18030": "gb18030", "gb2312": "gb18030",
            "big5": "big5", "cp949": "euc-kr", "euc_kr": "euc-kr", "cp1253": "windows-1253",
            "cp1254": "windows-1254", "iso8859_15": "iso-8859-15", "utf_16_le": "utf-16-le",
            "utf_16_be": "utf-16-be", "utf_8": "utf-8", "ascii": "utf-8"}  # fmt: skip


@dataclass(frozen=True)
class Decoded:
    """A file's text and how it was read: the encoding, and a note when something needed care."""

    text: str
    encoding: str
    note: str = ""  # e.g. "2 stray bytes read as Windows-1252"


def encoding_label(encoding: str) -> str:
    """'Windows-1252 (Western European)' for 'windows-1252'."""
    return _NAMES.get(encoding, encoding.upper())


def decode(data: bytes, encoding: str | None = None) -> tuple[str, str]:
    """Return (text, encoding name) for the bytes of a CSV file."""
    found = decode_text(data, encoding)
    return found.text, found.encoding


def decode_text(data: bytes, encoding: str | None = None) -> Decoded:
    """Read a CSV file's bytes in the encoding given, or the one detected.

    Detection: a byte-order mark; UTF-16 without one (every other byte zero); UTF-8, also
    with a few stray bytes from a Windows-1252 editor (read as such, and said); else the
    guess of charset-normalizer, preferring Windows-1252 among equally good Western guesses.
    """
    if encoding:
        try:
            return Decoded(data.decode(encoding), encoding)
        except (UnicodeDecodeError, LookupError):
            raise ValidationError(
                f"The file cannot be read as {encoding_label(encoding)}; choose another encoding."
            ) from None
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return Decoded(data[3:].decode("utf-8"), "utf-8-sig")
        except UnicodeDecodeError:
            return _stray_bytes(data[3:], "utf-8-sig")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return Decoded(data.decode("utf-16"), "utf-16")
    utf16 = _utf16_without_bom(data)
    if utf16 is not None:
        return utf16
    if b"\x00" in data[:4096]:
        raise ValidationError("This is not a text CSV file (it contains binary data).")
    try:
        return Decoded(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    stray = _mostly_utf8(data)
    if stray is not None:
        return stray
    guess = _guess(data)
    if guess is None:
        raise ValidationError("The file's text encoding is not recognised; save it as UTF-8 CSV and try again.")
    return Decoded(data.decode(guess), guess)


def _utf16_without_bom(data: bytes) -> Decoded | None:
    """UTF-16 text without a byte-order mark: mostly zero bytes on one side of each pair (Latin letters)."""
    sample = data[:4096]
    if len(sample) < 4 or len(data) % 2:
        return None
    even, odd = sample[0::2], sample[1::2]
    for zeros, other, codec in ((odd, even, "utf-16-le"), (even, odd, "utf-16-be")):
        if zeros.count(0) > 0.6 * len(zeros) and other.count(0) < 0.05 * len(other):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError:
                return None
            return Decoded(text, codec, "no byte-order mark")
    return None


def _mostly_utf8(data: bytes) -> Decoded | None:
    """UTF-8 with a few bytes that are not (an edit in a Windows-1252 editor): those bytes as Windows-1252."""
    bad = 0
    position = 0
    while position < len(data):
        try:
            data[position:].decode("utf-8")
            break
        except UnicodeDecodeError as exc:
            bad += 1
            position += exc.start + 1
        if bad > max(2, len(data) // 2000):
            return None
    valid = sum(1 for ch in data.decode("utf-8", errors="ignore") if ord(ch) > 0x7F)
    if valid < 2 * bad:
        return None  # hardly any real UTF-8 letters: the file is in another encoding altogether
    return _stray_bytes(data, "utf-8")


def _stray_bytes(data: bytes, encoding: str) -> Decoded:
    parts: list[str] = []
    stray = 0
    rest = data
    while rest:
        try:
            parts.append(rest.decode("utf-8"))
            break
        except UnicodeDecodeError as exc:
            parts.append(rest[: exc.start].decode("utf-8"))
            parts.append(rest[exc.start : exc.start + 1].decode("windows-1252", errors="replace"))
            stray += 1
            rest = rest[exc.start + 1 :]
    text = "".join(parts)
    line = text[: len(parts[0]) if parts else 0].count("\n") + 1
    plural = "byte" if stray == 1 else "bytes"
    return Decoded(text, encoding, f"{stray} stray {plural} read as Windows-1252 (first on line {line})")


# The scripts each legacy encoding is used for: text read in it should be words in these.
_SCRIPTS: dict[str, tuple[str, ...]] = {
    "windows-1252": ("LATIN",), "windows-1250": ("LATIN",), "iso-8859-15": ("LATIN",), "windows-1254": ("LATIN",),
    "windows-1251": ("CYRILLIC",), "koi8-r": ("CYRILLIC",), "windows-1253": ("GREEK",),
    "shift_jis": ("CJK", "HIRAGANA", "KATAKANA"), "gb18030": ("CJK",), "big5": ("CJK",), "euc-kr": ("HANGUL",),
}  # fmt: skip


def _script(ch: str) -> str:
    import unicodedata

    name = unicodedata.name(ch, "")
    return name.split(" ", 1)[0] if name else ""


def _plausibility(text: str, scripts: tuple[str, ...]) -> float:
    """The share of non-ASCII characters that are letters of the expected scripts, in words that
    look like words (one script; in cased scripts no capital after a small letter)."""
    import re as _re

    wide = sum(1 for ch in text if ord(ch) > 0x7F)
    if not wide:
        return 0.0
    good = 0
    for word in _re.findall(r"[^\W\d_]+", text):
        letters = [ch for ch in word if ord(ch) > 0x7F]
        if not letters:
            continue
        if {_script(ch) for ch in word if ord(ch) > 0x7F} - set(scripts):
            continue
        if any(a.islower() and b.isupper() for a, b in zip(word, word[1:], strict=False)):
            continue
        good += len(letters)
    return good / wide


def _guess(data: bytes) -> str | None:
    """The legacy encoding in which the file reads as words of that encoding's script.

    Each candidate that decodes the bytes is scored; ties (Western code pages, Chinese and
    Korean double-byte ranges) go to charset-normalizer's guess, then to the order of ENCODINGS.
    """
    from charset_normalizer import from_bytes

    sample = data[:200_000]
    scores = {}
    for codec, scripts in _SCRIPTS.items():
        try:
            scores[codec] = _plausibility(sample.decode(codec), scripts)
        except UnicodeDecodeError:
            continue
    if not scores:
        return None
    top = max(scores.values())
    tied = [codec for codec, _label in ENCODINGS if codec in scores and scores[codec] >= top - 0.02]
    if len(tied) > 1:
        best = from_bytes(sample).best()
        named = _ALIASES.get(best.encoding, best.encoding) if best is not None else ""
        if named in tied and not (named != "windows-1252" and "windows-1252" in tied and _SCRIPTS[named] == ("LATIN",)):
            return named
    return tied[0]


def encoding_name(codec: str) -> str:
    """A file's text encoding as people know it: 'UTF-8' (with or without a byte-order mark,
    never Python's 'UTF-8-SIG'), 'Windows-1252', 'UTF-16'."""
    return encoding_label(codec.lower()).split(" (")[0]


def _sniff_delimiter(text: str) -> str:
    header = text.split("\n", 1)[0]
    counts = {d: header.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


@dataclass
class Table:
    """An opened CSV file: its header, its rows (line number, cells), how it was read."""

    header: list[str]
    rows: Iterator[tuple[int, list[str]]]
    decoded: Decoded
    delimiter: str


def read_table(path: str | Path) -> tuple[list[str], Iterator[tuple[int, list[str]]], str, str]:
    """Open a CSV file: (header cells, iterator of (line number, cells), encoding, delimiter)."""
    table = open_table(path)
    return table.header, table.rows, table.decoded.encoding, table.delimiter


def open_table(path: str | Path, encoding: str | None = None) -> Table:
    """Open a CSV file in the given encoding, or the one detected."""
    file = Path(path)
    size = file.stat().st_size
    if size == 0:
        raise ValidationError("The file is empty.")
    if size > MAX_BYTES:
        raise ValidationError(f"The file is too large ({size / 1e6:.0f} MB; the limit is {MAX_BYTES // 1_000_000} MB).")
    decoded = decode_text(file.read_bytes(), encoding)
    text = decoded.text
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

    return Table(header, rows(), decoded, delimiter)


def _unneutralise(value: str) -> str:
    """Undo the export's protection ("'=x" -> "=x", "''x" -> "'x") so a round trip changes nothing."""
    if len(value) > 1 and value[0] == "'" and (value[1] in FORMULA_START or value[1] == "'"):
        return value[1:]
    return value


# ---------------------------------------------------------------------------- dates

DATE_ORDERS = {
    "dmy": "day first (01.09.2025 is 1 September 2025)",
    "mdy": "month first (09/01/2025 is 1 September 2025)",
}
_ISO = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y%m%d")
_NUMERIC = re.compile(r"(\d{1,2})\s*[./-]\s*(\d{1,2})\s*[./-]\s*(\d{4}|\d{2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?")


def _iso(text: str) -> dt.date | None:
    for fmt in _ISO:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _numeric(text: str, order: str) -> dt.date | None:
    """01.09.2025, 1/9/25, 09-01-2025 read day first ("dmy") or month first ("mdy"); None if not a date."""
    m = _NUMERIC.fullmatch(text)
    if m is None:
        return None
    a, b, year = int(m.group(1)), int(m.group(2)), int(m.group(3))
    if len(m.group(3)) == 2:
        year += 2000 if year < 70 else 1900
    day, month = (a, b) if order == "dmy" else (b, a)
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def parse_date(text: str, order: str = "dmy") -> dt.date:
    """A hire date in any of the common forms: ISO, numeric in the file's order, or with the month in words."""
    text = text.strip()
    found = _iso(text) or _numeric(text, order)
    if found is None and any(ch.isalpha() for ch in text):
        from dateutil import parser

        try:
            found = parser.parse(text, dayfirst=order == "dmy", default=dt.datetime(2000, 1, 1)).date()
        except (ValueError, OverflowError):
            found = None
    if found is None:
        raise ValueError(f"hire date '{_clip(text)}' is not a date like 2025-09-01 or 01.09.2025")
    return found


def date_order(values: list[str]) -> tuple[str | None, bool]:
    """How a file writes its numeric dates: ("dmy" or "mdy", ambiguous?); (None, False) when none are numeric.

    A date like 25.12.2025 can only be day first, 12/25/2025 only month first; when every date
    reads both ways the file is ambiguous and day first (most of the world) is assumed.
    """
    numeric = [v.strip() for v in values if _NUMERIC.fullmatch(v.strip())]
    if not numeric:
        return None, False
    fits = {order: sum(_numeric(v, order) is not None for v in numeric) for order in DATE_ORDERS}
    if fits["dmy"] == fits["mdy"]:
        return "dmy", fits["dmy"] == len(numeric)
    return max(fits, key=lambda order: fits[order]), False


def _clip(text: str, width: int = 60) -> str:
    """A cell as it appears in a message: at most width characters."""
    return text if len(text) <= width else text[: width - 1] + "…"


def _row_to_participant(
    cells: dict[str, str], existing: Participant | None, default_tz: str, order: str = "dmy"
) -> Participant:
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
        values["hire_date"] = parse_date(cells["hire_date"], order) if cells["hire_date"].strip() else None
    if cells.get("role", "").strip():
        word = cells["role"].strip().casefold()
        if word not in ROLE_WORDS:
            raise ValueError(f"role '{_clip(cells['role'].strip())}' is not mentor, mentee, both or peer")
        values["role"] = ROLE_WORDS[word]
    if cells.get("status", "").strip():
        word = cells["status"].strip().casefold()
        if word not in STATUS_WORDS:
            raise ValueError(f"status '{_clip(cells['status'].strip())}' is not active, paused or alumni")
        values["status"] = STATUS_WORDS[word]
    if cells.get("capacity", "").strip():
        text = cells["capacity"].strip()
        if not re.fullmatch(r"\d{1,3}", text):
            raise ValueError(f"capacity '{_clip(text)}' is not a whole number")
        values["capacity"] = int(text)
    if "teaches" in cells:
        values["teaches"] = parse_skills(cells["teaches"])
    if "learns" in cells:
        values["learns"] = parse_skills(cells["learns"])
    if "availability" in cells:
        values["availability"] = parse_availability(cells["availability"])
    for key in ("prefers", "avoids"):
        if key in cells:
            values[key] = parse_email_list(cells[key])
    if "keep_mentor" in cells:
        values["keep_mentor"] = intake.yes_no(cells["keep_mentor"])
    return replace(base, **values)  # type: ignore[arg-type]


class NeedsMapping(ValidationError):
    """The file's headers are not the participant columns (a form export): map its columns first."""


def plan_import(
    db: Database,
    path: str | Path,
    *,
    encoding: str | None = None,
    dates: str | None = None,
    mapping: ColumnMapping | None = None,
) -> ImportPlan:
    """Read a participant CSV and work out what importing it would add, update and reject.

    encoding and dates ("dmy"/"mdy") override what is detected; the plan says what was used.
    The columns are read through `mapping` when given, else through the mapping remembered for
    files with the same headers, else by their names (the CSV contract); NeedsMapping is raised
    when none of these finds a name and an e-mail column.
    """
    if dates is not None and dates not in DATE_ORDERS:
        raise ValidationError(f"The date order must be one of {', '.join(DATE_ORDERS)}, not {dates!r}.")
    table = open_table(path, encoding)
    header, delimiter = table.header, table.delimiter
    source = "given" if mapping is not None else ""
    if mapping is None:
        mapping = _remembered(db, header)
        source = "remembered" if mapping is not None else ""
    rows = list(table.rows)
    positions: list[tuple[int, str | intake.ColumnMap]] = (
        list(mapping.resolve(header)) if mapping is not None else _named_columns(header)
    )
    hire = next((i for i, col in positions if _field(col) == "hire_date"), None)
    detected, ambiguous = date_order([raw[hire] for _line, raw in rows if hire is not None and hire < len(raw)])
    order = dates or detected
    present = {_field(col) for _i, col in positions}
    plan = ImportPlan(
        encoding=table.decoded.encoding,
        delimiter=delimiter,
        columns=sorted(present),
        encoding_note=table.decoded.note,
        date_order=order,
        dates_ambiguous=ambiguous and dates is None,
        header=list(header),
        mapping=mapping,
        mapping_source=source,
        ignored=[h.strip() for i, h in enumerate(header) if h.strip() and i not in {i for i, _c in positions}],
    )
    existing = list_participants(db)
    by_email = {p.email: p for p in existing}
    settings = load_settings(db)
    default_tz = settings.timezone
    read: list[tuple[int, dict[str, str]]] = []
    for line, raw in rows:
        try:
            if mapping is not None:
                cells = intake.cells_of([(i, c) for i, c in positions if isinstance(c, intake.ColumnMap)], raw)
            else:
                cells = {
                    col: _unneutralise(raw[i]) if i < len(raw) else "" for i, col in positions if isinstance(col, str)
                }
        except ValueError as exc:
            plan.errors.append(RowError(line, _sentence(str(exc)), _clip(_email_in(raw, positions), 120)))
            continue
        read.append((line, cells))
    names = _names(existing, [cells for _line, cells in read])
    seen: dict[str, int] = {}
    good: list[tuple[int, Participant]] = []
    for line, cells in read:
        email = cells.get("email", "").strip().lower()
        try:
            if email in seen:
                raise ValueError(f"{email} appears again (first on line {seen[email]})")
            cells = _choices_by_email(cells, names, line, plan.notes)
            candidate = validate(_row_to_participant(cells, by_email.get(email), default_tz, order or "dmy"))
        except (ValueError, ValidationError) as exc:
            plan.errors.append(RowError(line, _sentence(str(exc)), _clip(email, 120)))
            continue
        seen[candidate.email] = line
        good.append((line, candidate))
    known = set(by_email) | set(seen)
    for line, candidate in good:
        candidate = _known_choices(candidate, known, line, plan.notes)
        old = by_email.get(candidate.email)
        if old is None:
            plan.added.append(candidate)
        elif replace(old, id=None) == replace(candidate, id=None):
            plan.unchanged += 1
        else:
            plan.updated.append((old, candidate))
    named = [p.name for p in plan.added] + [new.name for old, new in plan.updated if new.name != old.name]
    plan.name_warnings = [warning for name in named for warning in name_warnings(name, settings)]
    return plan


@dataclass(frozen=True)
class Intake:
    """What the mapping step shows of a file: its header, a few rows, and the mapping to start from."""

    header: list[str]
    rows: list[list[str]]  # the first rows (samples and availability answers come from them)
    mapping: ColumnMapping  # remembered for these headers, else suggested
    remembered: bool
    needs_mapping: bool  # the headers are not the participant columns
    new_answers: bool = False  # the remembered mapping lacks availability answers of this file


INTAKE_ROWS = 2000


def read_intake(db: Database, path: str | Path, *, encoding: str | None = None) -> Intake:
    """Open a file for the mapping step: its header and first rows, and the mapping to start from."""
    table = open_table(path, encoding)
    rows = _first_rows(table)
    remembered = _remembered(db, table.header)
    suggested = intake.suggest_mapping(table.header, rows, SYNONYMS)
    try:
        named = {i for i, _col in _named_columns(table.header)}
        # a form export: questions the column names do not cover, which the words of the question would map
        needs = any(c.field and i not in named for i, c in enumerate(suggested.columns))
    except NeedsMapping:
        needs = True
    mapping = intake.with_answers(remembered or suggested, table.header, rows)
    new_answers = remembered is not None and mapping != remembered
    return Intake(table.header, rows, mapping, remembered is not None, needs, new_answers)


def suggested_mapping(path: str | Path, *, encoding: str | None = None) -> ColumnMapping:
    """A first column mapping of a file (its own column names, then the words of its questions)."""
    table = open_table(path, encoding)
    return intake.suggest_mapping(table.header, _first_rows(table), SYNONYMS)


def _first_rows(table: Table) -> list[list[str]]:
    return [cells for _k, (_line, cells) in zip(range(INTAKE_ROWS), table.rows, strict=False)]


def _field(col: str | intake.ColumnMap) -> str:
    return col if isinstance(col, str) else col.field or ""


def _named_columns(header: list[str]) -> list[tuple[int, str | intake.ColumnMap]]:
    """The contract's columns by their names (synonyms too); NeedsMapping when there is no name or e-mail."""
    columns: dict[int, str] = {}
    for i, cell in enumerate(header):
        col = SYNONYMS.get(normalise_header(cell))
        if col and col not in columns.values():
            columns[i] = col
    present = set(columns.values())
    if "email" not in present or not ({"name"} & present or {"first_name", "last_name"} <= present):
        missing = [c for c in ("name", "email") if c not in present and not (c == "name" and "first_name" in present)]
        found = [_clip(h.strip(), 40) for h in header if h.strip()]
        listed = ", ".join(found[:12]) + (f" and {len(found) - 12} more" if len(found) > 12 else "")
        raise NeedsMapping(
            f"The file has no {' or '.join(missing)} column. Found: {listed or 'no headers'}. "
            "Map its columns to participant fields first."
        )
    return list(columns.items())


def _remembered(db: Database, header: list[str]) -> ColumnMapping | None:
    data = remembered_mapping(db, intake.headers_key(header))
    if data is None:
        return None
    try:
        mapping = ColumnMapping.from_json(data)
        mapping.resolve(header)
    except ValidationError:
        return None  # kept by an older version, or for headers that only look the same: map again
    return mapping


def _email_in(raw: list[str], positions: list[tuple[int, str | intake.ColumnMap]]) -> str:
    at = next((i for i, col in positions if _field(col) == "email"), None)
    return raw[at].strip().lower() if at is not None and at < len(raw) else ""


def _names(existing: list[Participant], rows: list[dict[str, str]]) -> dict[str, set[str]]:
    """Everyone's e-mails by their name (in the program file and in this file), for choices given by name."""
    names: dict[str, set[str]] = {}
    for p in existing:
        names.setdefault(" ".join(p.name.split()).casefold(), set()).add(p.email)
    for cells in rows:
        name = cells.get("name", "").strip() or f"{cells.get('first_name', '')} {cells.get('last_name', '')}"
        email = cells.get("email", "").strip().lower()
        if " ".join(name.split()) and email:
            names.setdefault(" ".join(name.split()).casefold(), set()).add(email)
    return names


_CHOICE_WORDS = {"prefers": "preferred partner", "avoids": "person to avoid"}


def _choices_by_email(
    cells: dict[str, str], names: dict[str, set[str]], line: int, notes: list[RowError]
) -> dict[str, str]:
    """The row's preferred and avoided partners as e-mails: a name that exactly one person has
    becomes their e-mail; any other name is left out, with a note."""
    out = dict(cells)
    for key, what in _CHOICE_WORDS.items():
        if key not in cells:
            continue
        emails = []
        for entry in intake.split_answers(cells[key]):
            if "@" in entry:
                emails.append(entry.strip("<> ").lower())
                continue
            found = names.get(" ".join(entry.split()).casefold(), set())
            if len(found) == 1:
                emails.append(next(iter(found)))
            else:
                why = "several people have that name" if found else "nobody has that name or e-mail"
                notes.append(
                    RowError(line, f"{what.capitalize()} '{_clip(entry)}' left out: {why}", cells.get("email", ""))
                )
        out[key] = "; ".join(emails)
    return out


def _known_choices(p: Participant, known: set[str], line: int, notes: list[RowError]) -> Participant:
    """The participant without choices of people who are neither in the program file nor in this file."""
    kept: dict[str, tuple[str, ...]] = {}
    for key, what in _CHOICE_WORDS.items():
        emails: tuple[str, ...] = getattr(p, key)
        for e in emails:
            if e not in known:
                note = f"{what.capitalize()} {e} left out: not a participant here or in the file"
                notes.append(RowError(line, note, p.email))
        kept[key] = tuple(e for e in emails if e in known)
    return replace(p, prefers=kept["prefers"], avoids=kept["avoids"])


def _sentence(text: str) -> str:
    text = _clip(text.strip().rstrip("."), 300)
    return text[:1].upper() + text[1:] if text else "Invalid row"


@bulk("import")
def apply_import(db: Database, plan: ImportPlan, *, good_rows: bool = False) -> int:
    """Write a plan in one transaction; return how many people were added or updated."""
    if plan.errors and not good_rows:
        raise ValidationError(
            f"{plural(len(plan.errors), 'row')} {have(len(plan.errors))} problems; nothing was imported. Fix them or import the good rows only."
        )
    with db.atomic():
        # Everyone first, then whom they chose: a choice may name someone further down the file.
        written = [add_participant(db, p, choices=False) for p in plan.added]
        written += [update_participant(db, new, choices=False) for _old, new in plan.updated]
        for p in written:
            write_choices(db, p)
        if plan.mapping is not None:
            remember_mapping(db, intake.headers_key(plan.header), plan.header, plan.mapping.to_json())
    return plan.changes


def neutralise(value: str) -> str:
    """Make a cell safe for spreadsheets: a leading =, +, -, @ is never run as a formula.

    A genuine leading apostrophe is doubled, so that importing removes exactly what was added.
    """
    return "'" + value if value.startswith((*FORMULA_START, "'")) else value


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
        "preferred_partners": format_email_list(p.prefers),
        "keep_mentor": "yes" if p.keep_mentor else "",
    }


EXPORT_DELIMITERS = {",": "comma (most spreadsheets)", ";": "semicolon (Excel in much of Europe)", "\t": "tab"}


def export_participants(db: Database, path: str | Path, *, include_archived: bool = True, delimiter: str = ",") -> int:
    """Write everyone to a UTF-8 CSV (with BOM, for spreadsheets), owner-only; return the number of rows.

    delimiter ";" is what Excel expects where the decimal separator is a comma (much of Europe).
    """
    if delimiter not in EXPORT_DELIMITERS:
        raise ValidationError(f"The separator must be a comma, a semicolon or a tab, not {delimiter!r}.")
    people = list_participants(db, include_archived=include_archived)
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=EXPORT_COLUMNS, lineterminator="\r\n", delimiter=delimiter)
    writer.writeheader()
    for p in people:
        writer.writerow({k: neutralise(v) for k, v in participant_row(p).items()})
    write_bytes(Path(path), ("\ufeff" + buffer.getvalue()).encode("utf-8"))
    return len(people)
