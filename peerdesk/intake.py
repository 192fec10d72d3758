"""Intake from any form export: which column holds what, and how a form's answers become participant fields.

A Microsoft Forms or Google Forms export has free-text questions for headers ("Which skills
can you teach others?"), multi-select answers ("Python;SQL;" or "Python, SQL"), a level asked
in its own question, availability as words ("Mornings", "Mon/Wed afternoons") and columns of
its own (a timestamp, a response id). A ColumnMapping says, column by column, which field an
answer fills (or that the column is ignored); `cells_of` turns one row into the cells of the
participant CSV contract, which the import then reads as any other file (peerdesk.importing).
Plain values only: the window edits a mapping, the command line reads one from JSON.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from peerdesk.store.errors import ValidationError
from peerdesk.store.records import DEFAULT_LEVEL, Window, format_availability, merge_windows, parse_availability

FORMAT = "PeerDesk column mapping"
VERSION = 1
# What a column can fill, in the order the mapping step offers it.
FIELDS: dict[str, str] = {
    "name": "Name",
    "first_name": "First name",
    "last_name": "Last name",
    "email": "E-mail",
    "department": "Department",
    "title": "Job title",
    "location": "Location",
    "timezone": "Time zone",
    "hire_date": "Hire date",
    "role": "Role",
    "capacity": "Mentoring capacity",
    "manager_email": "Manager's e-mail",
    "teaches": "Teaches (skills)",
    "learns": "Wants to learn (skills)",
    "level": "Level of a skill column",
    "availability": "Availability",
    "status": "Status",
    "notes": "Notes",
    "prefers": "Preferred partners",
    "keep_mentor": "Keeps their mentor (yes/no)",
    "avoids": "Never pair with",
}
SKILL_FIELDS = ("teaches", "learns")
# Fields that several columns may fill together (their answers are merged); the others once at most.
MERGED = frozenset({"teaches", "learns", "availability", "notes", "prefers", "avoids", "level"})
SUGGESTED_LEVEL = {"teaches": 4, "learns": 2}  # a mentor must teach above the learner's level to fit
MAX_ANSWERS = 80  # distinct answers of a column offered for the availability table
MAX_CELL = 10_000

LEVEL_WORDS = (
    (re.compile(r"\b(expert|master|guru)", re.I), 5),
    (re.compile(r"\b(advanced|proficient|strong|very good)", re.I), 4),
    (re.compile(r"\b(intermediate|competent|good|working knowledge)", re.I), 3),
    (re.compile(r"\b(basic|elementary|some)", re.I), 2),
    (re.compile(r"\b(beginner|novice|none|new to|no experience)", re.I), 1),
)
YES = frozenset({"yes", "y", "true", "1", "x", "✓", "✔", "ja", "oui", "si", "sí", "keep", "please"})
NO = frozenset({"no", "n", "false", "0", "nein", "non", "-"})


@dataclass(frozen=True)
class ColumnMap:
    """What one column of the file fills."""

    header: str
    field: str | None = None  # a key of FIELDS; None: the column is ignored
    level: int = DEFAULT_LEVEL  # teaches / learns: the level of an answer that gives none
    of: str | None = None  # "level": the header of the skill column whose level this answer gives
    answers: tuple[tuple[str, str], ...] = ()  # availability: answer -> weekly windows ("" = none)

    def windows_for(self) -> dict[str, str]:
        return {a.casefold(): w for a, w in self.answers}


@dataclass(frozen=True)
class ColumnMapping:
    """The mapping of a file's columns, in the file's order."""

    columns: tuple[ColumnMap, ...] = field(default_factory=tuple)

    @property
    def fields(self) -> set[str]:
        return {c.field for c in self.columns if c.field}

    def check(self) -> None:
        """Raise ValidationError when the mapping cannot import anyone (what is missing or doubled)."""
        mapped = [c.field for c in self.columns if c.field]
        for f in mapped:
            if f not in FIELDS:
                raise ValidationError(f"'{f}' is not a field a column can be mapped to.")
        if "email" not in mapped:
            raise ValidationError("Map a column to E-mail: it is how PeerDesk knows each person.")
        if "name" not in mapped and not {"first_name", "last_name"} <= set(mapped):
            raise ValidationError("Map a column to Name (or one to First name and one to Last name).")
        for f in set(mapped) - MERGED:
            if mapped.count(f) > 1:
                doubled = [c.header for c in self.columns if c.field == f]
                raise ValidationError(f"{FIELDS[f]} is mapped twice: {_quote(doubled[0])} and {_quote(doubled[1])}.")
        skill_columns = {c.header for c in self.columns if c.field in SKILL_FIELDS}
        for c in self.columns:
            if c.field in SKILL_FIELDS and not 1 <= c.level <= 5:
                raise ValidationError(f"The default level of {_quote(c.header)} must be 1-5, not {c.level}.")
            if c.field == "level" and c.of not in skill_columns:
                raise ValidationError(f"Choose which skill column {_quote(c.header)} gives the level of.")
            for answer, windows in c.answers:
                try:
                    parse_availability(windows)
                except ValueError as exc:
                    raise ValidationError(f"Availability answer {_quote(answer)}: {exc}.") from None

    def resolve(self, header: Sequence[str]) -> list[tuple[int, ColumnMap]]:
        """The file's column index of each mapped column, matched by header text in order.

        Raises ValidationError when a mapped column is not in the file."""
        free = [" ".join(h.split()) for h in header]
        used: set[int] = set()
        out = []
        for c in self.columns:
            wanted = " ".join(c.header.split())
            at = next((i for i, h in enumerate(free) if i not in used and h == wanted), None)
            if at is None:
                at = next((i for i, h in enumerate(free) if i not in used and h.casefold() == wanted.casefold()), None)
            if at is None:
                if c.field is None:
                    continue
                raise ValidationError(f"The mapping's column {_quote(c.header)} is not in this file.")
            used.add(at)
            if c.field is not None:
                out.append((at, c))
        return out

    def to_json(self) -> dict[str, Any]:
        columns = []
        for c in self.columns:
            entry: dict[str, Any] = {"header": c.header, "field": c.field}
            if c.field in SKILL_FIELDS:
                entry["level"] = c.level
            if c.field == "level":
                entry["of"] = c.of
            if c.field == "availability":
                entry["answers"] = dict(c.answers)
            columns.append(entry)
        return {"format": FORMAT, "version": VERSION, "columns": columns}

    @classmethod
    def from_json(cls, data: Any) -> ColumnMapping:
        """A mapping from its JSON form; ValidationError says what is wrong with it."""
        if not isinstance(data, dict) or not isinstance(data.get("columns"), list):
            raise ValidationError('A column mapping is a JSON object with a "columns" list.')
        if data.get("version", VERSION) != VERSION:
            raise ValidationError(f"This column mapping is version {data.get('version')}; PeerDesk reads {VERSION}.")
        columns = []
        for k, entry in enumerate(data["columns"], start=1):
            if not isinstance(entry, dict) or not isinstance(entry.get("header"), str):
                raise ValidationError(f'Column {k} of the mapping needs a "header" text.')
            f = entry.get("field")
            if f is not None and (not isinstance(f, str) or f not in FIELDS):
                raise ValidationError(
                    f"Column {_quote(entry['header'])}: field {f!r} is not one of {', '.join(FIELDS)} (or null)."
                )
            level = entry.get("level", SUGGESTED_LEVEL.get(f or "", DEFAULT_LEVEL))
            if isinstance(level, bool) or not isinstance(level, int):
                raise ValidationError(f"Column {_quote(entry['header'])}: level must be a whole number 1-5.")
            answers = entry.get("answers", {})
            if not isinstance(answers, dict) or not all(
                isinstance(a, str) and isinstance(w, str) for a, w in answers.items()
            ):
                raise ValidationError(f'Column {_quote(entry["header"])}: "answers" maps answer texts to windows.')
            of = entry.get("of")
            columns.append(
                ColumnMap(entry["header"], f, level, of if isinstance(of, str) else None, tuple(answers.items()))
            )
        mapping = cls(tuple(columns))
        mapping.check()
        return mapping

    def dumps(self) -> str:
        return json.dumps(self.to_json(), ensure_ascii=False, indent=2) + "\n"


def _quote(text: str) -> str:
    text = " ".join(text.split())
    return f"“{text if len(text) <= 60 else text[:59] + '…'}”"


def headers_key(header: Sequence[str]) -> str:
    """What identifies files with the same headers (case and spacing aside): a hash of them."""
    norm = [" ".join(h.split()).casefold() for h in header]
    return hashlib.sha256(json.dumps(norm, ensure_ascii=False).encode("utf-8")).hexdigest()[:32]


# ---------------------------------------------------------------------------- answers


def split_answers(text: str) -> list[str]:
    """The options of a multi-select answer: 'Python;SQL;' (Microsoft Forms), 'Python, SQL' (Google
    Forms), one per line; a single answer as it is."""
    text = (text or "")[:MAX_CELL]
    parts = re.split(r"[;\n]", text) if re.search(r"[;\n]", text) else text.split(",")
    return [" ".join(p.split()) for p in parts if p.strip()]


def parse_level(text: str) -> int | None:
    """A level answer as 1-5: a number ('4', '3 - Intermediate', '4/5') or a word ('Advanced'); None when blank."""
    text = (text or "").strip()
    if not text:
        return None
    number = re.search(r"(?<!\d)([1-5])(?!\d)", text)
    if number:
        return int(number.group(1))
    for pattern, level in LEVEL_WORDS:
        if pattern.search(text):
            return level
    raise ValueError(f"level '{_clip(text)}' is not 1-5 or a word like beginner, intermediate or expert")


def _clip(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def skill_text(answer: str, level: int) -> str:
    """'Python; SQL:5' from a multi-select answer: each skill at `level` unless it gives its own."""
    out = []
    for part in split_answers(answer):
        name, sep, given = part.rpartition(":")
        if sep and given.strip().isdigit():
            out.append(f"{name.strip()}:{given.strip()}")
        else:
            out.append(f"{part.replace(':', ' ').strip()}:{level}")
    return "; ".join(out)


def yes_no(text: str) -> bool:
    """A yes/no answer ('Yes', 'No', 'Yes, please', blank = no)."""
    words = re.findall(r"[\w✓✔-]+", (text or "").casefold())
    if not words or words[0] in NO:
        return False
    if words[0] in YES:
        return True
    raise ValueError(f"'{_clip(text.strip())}' is not a yes or a no")


def role_of(text: str) -> str:
    """A form's role answer as mentor, mentee, both or peer ('I'd like a mentor', 'Both', 'Mentor others')."""
    t = " ".join((text or "").casefold().split())
    if not t:
        return ""
    wants = re.search(r"\b(mentee|be mentored|(find|get|have|like|want|need) a mentor)\b", t)
    gives = re.search(r"\b(to mentor|be a mentor|mentor others|as a mentor|mentoring others)\b", t) or t == "mentor"
    if "both" in t or (wants and gives):
        return "both"
    if wants:
        return "mentee"
    if gives or re.search(r"\bmentor\b", t):
        return "mentor"
    if re.search(r"\b(peer|buddy|buddies)\b", t):
        return "peer"
    raise ValueError(f"role '{_clip(text.strip())}' is not mentor, mentee, both or peer")


# Parts of the day as people answer them, in the person's own time.
DAY_PARTS = (
    (re.compile(r"\b(all day|any ?time|anytime|flexible|whole day|full day)\b"), (9 * 60, 17 * 60)),
    (re.compile(r"\b(early mornings?|before work)\b"), (8 * 60, 9 * 60)),
    (re.compile(r"\bmornings?\b|\bam\b"), (9 * 60, 12 * 60)),
    (re.compile(r"\b(lunch|lunchtime|midday|noon)\b"), (12 * 60, 13 * 60)),
    (re.compile(r"\bafternoons?\b|\bpm\b"), (13 * 60, 17 * 60)),
    (re.compile(r"\b(evenings?|after work)\b"), (17 * 60, 19 * 60)),
)
_DAY_NAMES = {
    "mon": 0, "monday": 0, "mondays": 0, "tue": 1, "tues": 1, "tuesday": 1, "tuesdays": 1,
    "wed": 2, "weds": 2, "wednesday": 2, "wednesdays": 2, "thu": 3, "thur": 3, "thurs": 3, "thursday": 3,
    "thursdays": 3, "fri": 4, "friday": 4, "fridays": 4, "sat": 5, "saturday": 5, "saturdays": 5,
    "sun": 6, "sunday": 6, "sundays": 6,
}  # fmt: skip
_DAY = r"(mon|tue|tues|wed|weds|thu|thur|thurs|fri|sat|sun)[a-z]*"
_TIME = r"(\d{1,2})(?::(\d{2}))?\s*(am|pm)?"


def _days(t: str) -> list[int]:
    days: set[int] = set()
    for a, b in re.findall(rf"\b{_DAY}\s*(?:-|–|to|through|until)\s*{_DAY}\b", t):
        first, last = _DAY_NAMES[a], _DAY_NAMES[b]
        days.update(range(first, last + 1) if first <= last else [*range(first, 7), *range(0, last + 1)])
    for word in re.findall(r"[a-z]+", t):
        if word in _DAY_NAMES:
            days.add(_DAY_NAMES[word])
    if re.search(r"\bweekdays?\b|\bworkdays?\b|\bevery ?day\b|\bdaily\b", t):
        days.update(range(5))
    if re.search(r"\bweekends?\b", t):
        days.update((5, 6))
    return sorted(days) or list(range(5))


def _clock(h: str, m: str, half: str) -> int:
    hour = int(h) % 24
    if half == "pm" and hour < 12:
        hour += 12
    if half == "am" and hour == 12:
        hour = 0
    return hour * 60 + int(m or 0)


def suggest_windows(answer: str) -> str:
    """Weekly windows for an availability answer, as a first suggestion to check: 'Mornings' is
    Mon-Fri 09:00-12:00, 'Mon/Wed afternoons' Mon and Wed 13:00-17:00, 'Tue 9-11am' Tue 09:00-11:00;
    '' when the answer says nothing recognisable."""
    try:
        windows = parse_availability(answer)
        if windows:
            return format_availability(windows)
    except ValueError:
        pass
    t = " ".join(answer.casefold().split())
    spans: list[tuple[int, int]] = []
    for h1, m1, a1, h2, m2, a2 in re.findall(rf"\b{_TIME}\s*(?:-|–|to|until)\s*{_TIME}", t):
        end_half = a2 or a1
        start, end = _clock(h1, m1, a1 or end_half), _clock(h2, m2, end_half)
        if not a1 and not a2 and int(h1) < 8:
            start, end = start + 12 * 60, end + 12 * 60  # "2-5": in the afternoon
        elif not a1 and not a2 and int(h2) < int(h1):
            end += 12 * 60  # "10-2": past noon
        if 0 <= start < end <= 24 * 60:
            spans.append((start, end))
    if not spans:
        spans = [span for pattern, span in DAY_PARTS if pattern.search(t)]
    if not spans:
        if not re.search(rf"\b{_DAY}\b|weekday|weekend|workday", t):
            return ""
        spans = [(9 * 60, 17 * 60)]
    return format_availability(merge_windows([Window(d, s, e) for d in _days(t) for s, e in spans]))


def availability_text(answer: str, table: Mapping[str, str]) -> str:
    """The weekly windows of an availability answer through the mapping's table (options of a
    multi-select answer each looked up); answers already written as windows are read as they are."""
    out = []
    for option in split_answers(answer):
        windows = table.get(option.casefold())
        if windows is None:
            try:
                parse_availability(option)
            except ValueError:
                raise ValueError(
                    f"availability answer '{_clip(option)}' has no weekly windows in the column mapping"
                ) from None
            windows = option
        if windows.strip():
            out.append(windows)
    return "; ".join(out)


# ---------------------------------------------------------------------------- rows


def cells_of(columns: Sequence[tuple[int, ColumnMap]], raw: Sequence[str]) -> dict[str, str]:
    """One row of the file as the participant CSV's cells (name, email, teaches 'Python:4; SQL:4',
    availability 'Mon 09:00-12:00', prefers, keep_mentor 'yes'...). Raises ValueError for an
    answer the mapping cannot read (the row is then reported by its line)."""

    def cell(i: int) -> str:
        return raw[i][:MAX_CELL] if i < len(raw) else ""

    levels: dict[str, int] = {}
    for i, c in columns:
        if c.field == "level" and c.of is not None:
            found = parse_level(cell(i))
            if found is not None:
                levels[" ".join(c.of.split()).casefold()] = found
    out: dict[str, str] = {}
    merged: dict[str, list[str]] = {}
    notes: list[tuple[str, str]] = []
    for i, c in columns:
        value = cell(i)
        f = c.field
        if f is None or f == "level":
            continue
        if f in SKILL_FIELDS:
            level = levels.get(" ".join(c.header.split()).casefold(), c.level)
            merged.setdefault(f, []).append(skill_text(value, level))
        elif f == "availability":
            merged.setdefault(f, []).append(availability_text(value, c.windows_for()))
        elif f in ("prefers", "avoids"):
            merged.setdefault(f, []).append("; ".join(split_answers(value)))
        elif f == "notes":
            notes.append((c.header, value.strip()))
        elif f == "keep_mentor":
            out[f] = "yes" if yes_no(value) else "no"
        elif f == "role":
            out[f] = role_of(value)
        else:
            out[f] = value
    for f, parts in merged.items():
        out[f] = "; ".join(p for p in parts if p.strip())
    if notes:
        filled = [(h, v) for h, v in notes if v]
        out["notes"] = filled[0][1] if len(notes) == 1 and filled else "\n".join(f"{h.strip()}: {v}" for h, v in filled)
    return out


# ---------------------------------------------------------------------------- suggestions

# (pattern over the question, field), first match wins; for columns whose header is not a known name.
_RULES: tuple[tuple[re.Pattern[str], str | None], ...] = tuple(
    (re.compile(p), f)
    for p, f in (
        (r"^(id|response id|submission id|respondent id)$|timestamp|start time|completion time|last modified", None),
        (r"manager", "manager_email"),
        (r"\bnot (to )?be paired|\bavoid\b|rather not (be )?(paired|matched)|do not pair|not matched with", "avoids"),
        (r"\bkeep\b.*\bmentor|\bmentor\b.*\bkeep\b|same mentor|continue with", "keep_mentor"),
        (
            r"take part\b|participate as|join as|mentor,? (or )?(a )?mentee|mentor or (a )?mentee|role in the program",
            "role",
        ),
        (
            r"(who|prefer|would you like|wish).*(mentor|buddy|partner|paired|matched with)|preferred (mentor|partner)",
            "prefers",
        ),
        (r"e-?mail|mail address", "email"),
        (r"first name|given name|forename", "first_name"),
        (r"last name|surname|family name", "last_name"),
        (r"\bname\b", "name"),
        (r"time ?zone", "timezone"),
        (r"job title|your title|position|job role", "title"),
        (r"department|\bteam\b|business unit|\bfunction\b|division", "department"),
        (r"location|office|\bcity\b|where are you based|\bsite\b|country", "location"),
        (r"hire date|start date|joined|when did you (join|start)", "hire_date"),
        (r"how many mentees|capacity", "capacity"),
        (r"\blevel\b|\brate\b|rating|proficien|how (experienced|confident|good)|experience (in|with|level)", "level"),
        (r"teach|share|expert|help others|can offer|mentor others|good at", "teaches"),
        (r"learn|develop|improve|grow|get better|work on", "learns"),
        (r"availab|when (can|are) you|best time|\btimes?\b|which days", "availability"),
        (r"\brole\b|like to be a", "role"),
        (r"\bstatus\b", "status"),
        (r"comment|anything else|notes?\b|goals?\b|\bwhy\b|tell us", "notes"),
    )
)


def guess_field(header: str) -> str | None:
    """The field a question most likely asks for (None: ignore it), from its words."""
    t = " ".join(header.casefold().split())
    for pattern, f in _RULES:
        if pattern.search(t):
            return f
    return None


def distinct_answers(values: Iterable[str], limit: int = MAX_ANSWERS) -> list[str]:
    """The options answered in a column (multi-select answers split), in order of first appearance."""
    seen: dict[str, str] = {}
    for value in values:
        for option in split_answers(value):
            seen.setdefault(option.casefold(), option)
            if len(seen) >= limit:
                return list(seen.values())
    return list(seen.values())


def suggest_mapping(
    header: Sequence[str], rows: Sequence[Sequence[str]], known: Mapping[str, str] | None = None
) -> ColumnMapping:
    """A first mapping of a file's columns to check: known header names (the CSV contract's and
    their synonyms, by `known` over normalised headers) first, then the words of each question.
    Each field is suggested once (a merged field may take several columns); a level question
    gives the level of the nearest skill column before it; availability answers come with
    suggested windows."""
    taken: set[str] = set()
    out: list[ColumnMap] = []
    last_skill: str | None = None
    for i, h in enumerate(header):
        norm = re.sub(r"[\s\-_.:/()]+", "", h.strip().lstrip("\ufeff").casefold())
        f = (known or {}).get(norm) or guess_field(h)
        if f is not None and f not in MERGED and f in taken:
            f = None
        if f == "level" and last_skill is None:
            f = None
        column = ColumnMap(h.strip(), f)
        if f in SKILL_FIELDS:
            column = replace(column, level=SUGGESTED_LEVEL[f])
            last_skill = h.strip()
        elif f == "level":
            column = replace(column, of=last_skill)
        elif f == "availability":
            answers = distinct_answers(r[i] for r in rows if i < len(r))
            column = replace(column, answers=tuple((a, suggest_windows(a)) for a in answers))
        if f is not None:
            taken.add(f)
        out.append(column)
    return ColumnMapping(tuple(out))


def with_answers(mapping: ColumnMapping, header: Sequence[str], rows: Sequence[Sequence[str]]) -> ColumnMapping:
    """The mapping with every availability answer of these rows in its table (new ones suggested),
    so that a remembered or edited mapping covers a file with answers it has not seen yet."""
    where = {id(c): i for i, c in mapping.resolve(header)}
    columns = []
    for c in mapping.columns:
        if c.field == "availability" and id(c) in where:
            known = {a.casefold() for a, _ in c.answers}
            new = [a for a in distinct_answers(r[where[id(c)]] for r in rows if where[id(c)] < len(r))]
            extra = tuple((a, suggest_windows(a)) for a in new if a.casefold() not in known)
            c = replace(c, answers=c.answers + extra)
        columns.append(c)
    return ColumnMapping(tuple(columns))


def samples(rows: Sequence[Sequence[str]], column: int, count: int = 3) -> list[str]:
    """The first few distinct answers of a column, for the mapping step."""
    found: list[str] = []
    for r in rows:
        value = " ".join((r[column] if column < len(r) else "").split())
        if value and value not in found:
            found.append(value)
            if len(found) >= count:
                break
    return found
