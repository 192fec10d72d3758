"""Who qualifies for a certificate, and why: rules per kind, editable per program.

Rules live in the program's config JSON under "certificates":

    {"recognition": {"enabled": true, "heading": "Certificate of Recognition",
                     "conditions": [{"figure": "hours_mentored", "at_least": 10},
                                    {"figure": "rating_avg", "at_least": 4}]},
     "completion":  {"enabled": true, "conditions": [{"figure": "program_completed", "at_least": 1}]},
     "custom":      {"enabled": true}}

Every condition must hold. A person who misses only by a little (each missed condition at
least CLOSE_SHARE of its threshold; a yes/no condition such as "program completed" may be
missing) is listed as "close". Figures come from
peerdesk.metrics.people.people_figures (the leaderboard's figures), over the program and a
period.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from peerdesk.metrics import numbers
from peerdesk.metrics.people import PersonFigures, ProgramCompletion, people_figures
from peerdesk.metrics.scope import Period, Scope, done_on
from peerdesk.store.db import Database
from peerdesk.store.errors import NotFound, ValidationError
from peerdesk.store.programs import update_program_config

KINDS: dict[str, str] = {
    "recognition": "Recognition (mentor or host)",
    "completion": "Completion (mentee or circle member)",
    "custom": "Custom award",
}
CLOSE_SHARE = 0.75


@dataclass(frozen=True)
class Figure:
    """A per-person figure a rule can test, read from metrics.people.PersonFigures."""

    key: str
    label: str  # as printed after the value: "hours mentored"
    unit: str  # count | hours | rating | yesno
    read: Callable[[PersonFigures, int | None], float | None]


def _completed(f: PersonFigures, program_id: int | None) -> float:
    done = f.program(program_id) if program_id is not None else None
    return 1.0 if done is not None and done.completed_on is not None else 0.0


# people_figures takes a list of ids as an SQL IN list: quick for a few people, slow for
# thousands, where computing everyone in the scope and picking the members is faster.
MAX_ID_LIST = 300


FIGURES: dict[str, Figure] = {
    f.key: f
    for f in (
        Figure("sessions_led", "sessions led", "count", lambda f, _: f.sessions_led),
        Figure("hours_mentored", "hours mentored", "hours", lambda f, _: f.hours_mentored),
        Figure("people_helped", "people helped", "count", lambda f, _: f.people_helped),
        Figure("rating_avg", "average rating", "rating", lambda f, _: f.average_rating_received),
        Figure("good_ratings", "good ratings", "count", lambda f, _: f.good_ratings),
        Figure("sessions_attended", "sessions attended", "count", lambda f, _: f.sessions_attended),
        Figure("learning_hours", "hours of learning", "hours", lambda f, _: f.hours_learning),
        Figure("program_completed", "program completed", "yesno", _completed),
    )
}


def figure_value(figures: PersonFigures, key: str, program_id: int | None = None) -> float | None:
    value = FIGURES[key].read(figures, program_id)
    return None if value is None else float(value)


def format_figure(value: float | None, unit: str) -> str:
    """12 · 36.5 · 4.4 · 83% · yes; '–' when unknown (rounded as every figure: halves up)."""
    if value is None:
        return "–"
    if unit == "yesno":
        return "yes" if value >= 1 else "no"
    if unit == "percent":
        return numbers.percent(value)
    if unit == "rating":
        return numbers.rating(value)
    if unit == "hours":
        return numbers.fixed(value, 1).removesuffix(".0")
    return numbers.fixed(value, 0)


@dataclass(frozen=True)
class Condition:
    figure: str
    at_least: float

    def describe(self) -> str:
        f = FIGURES[self.figure]
        if f.unit == "yesno":
            return f.label
        return f"at least {format_figure(self.at_least, f.unit)} {f.label}"


@dataclass(frozen=True)
class KindRule:
    kind: str
    enabled: bool = True
    heading: str = ""
    conditions: tuple[Condition, ...] = ()


DEFAULT_HEADINGS = {
    "recognition": "Certificate of Recognition",
    "completion": "Certificate of Completion",
    "custom": "Certificate of Achievement",
}
DEFAULT_RULES: dict[str, KindRule] = {
    "recognition": KindRule(
        "recognition",
        True,
        DEFAULT_HEADINGS["recognition"],
        (Condition("hours_mentored", 10), Condition("rating_avg", 4)),
    ),
    "completion": KindRule(
        "completion",
        True,
        DEFAULT_HEADINGS["completion"],
        (Condition("program_completed", 1), Condition("sessions_attended", 4)),
    ),
    "custom": KindRule("custom", True, DEFAULT_HEADINGS["custom"], ()),
}


def parse_rules(config: Mapping[str, Any]) -> dict[str, KindRule]:
    """The rules stored in a program config, with defaults for what is not there."""
    stored = config.get("certificates") if isinstance(config, Mapping) else None
    rules = dict(DEFAULT_RULES)
    if not isinstance(stored, Mapping):
        return rules
    for kind in KINDS:
        raw = stored.get(kind)
        if not isinstance(raw, Mapping):
            continue
        rule = rules[kind]
        conditions = rule.conditions
        if isinstance(raw.get("conditions"), list):
            conditions = tuple(
                Condition(str(c["figure"]), float(c["at_least"]))
                for c in raw["conditions"]
                if isinstance(c, Mapping) and c.get("figure") in FIGURES and _number(c.get("at_least"))
            )
        rules[kind] = KindRule(
            kind,
            bool(raw.get("enabled", rule.enabled)),
            str(raw.get("heading") or rule.heading),
            conditions,
        )
    return rules


def _number(value: Any) -> bool:
    try:
        float(value)
    except (TypeError, ValueError):
        return False
    return True


def validate_rule(rule: KindRule) -> KindRule:
    if rule.kind not in KINDS:
        raise ValidationError(f"'{rule.kind}' is not a certificate kind.", "kind")
    seen = set()
    for c in rule.conditions:
        if c.figure not in FIGURES:
            raise ValidationError(f"'{c.figure}' is not a figure a rule can test.", "conditions")
        if c.figure in seen:
            raise ValidationError(f"{FIGURES[c.figure].label.capitalize()} appears twice.", "conditions")
        seen.add(c.figure)
        unit = FIGURES[c.figure].unit
        top = {"rating": 5, "yesno": 1}.get(unit, 100_000)
        if not 0 <= c.at_least <= top:
            raise ValidationError(f"The threshold for {FIGURES[c.figure].label} must be 0 to {top}.", "conditions")
    return replace(rule, heading=" ".join(rule.heading.split()) or DEFAULT_HEADINGS[rule.kind])


def rules_for(db: Database, program_id: int | None) -> dict[str, KindRule]:
    if program_id is None:
        return dict(DEFAULT_RULES)
    row = db.execute("SELECT config FROM programs WHERE id = ?", (program_id,)).fetchone()
    if row is None:
        raise NotFound(f"Program {program_id} does not exist.")
    try:
        config = json.loads(row[0] or "{}")
    except ValueError:
        config = {}
    return parse_rules(config)


def save_rules(db: Database, program_id: int, rules: Mapping[str, KindRule]) -> dict[str, KindRule]:
    """Store the rules in the program's config JSON (other config keys are kept)."""
    checked = {kind: validate_rule(rule) for kind, rule in rules.items()}
    certificates = {
        kind: {
            "enabled": rule.enabled,
            "heading": rule.heading,
            "conditions": [{"figure": c.figure, "at_least": c.at_least} for c in rule.conditions],
        }
        for kind, rule in checked.items()
    }
    update_program_config(db, program_id, {"certificates": certificates})
    return checked


@dataclass(frozen=True)
class Candidate:
    """A person considered for one certificate, with the verdict and the reasons."""

    participant_id: int
    name: str
    email: str
    kind: str
    program_id: int | None
    program: str
    qualifies: bool
    close: bool
    reasons: tuple[str, ...]  # what they have, against each condition
    missing: tuple[str, ...]  # what they still need
    figures: PersonFigures
    award_id: int | None = None
    award_title: str = ""
    award_reason: str = ""
    heading: str = ""
    extra: dict[str, str] = field(default_factory=dict)
    # The day the certificate honours (printed on it): the award's date, or the completion
    # of the program; None for recognition, which is awarded the day it is issued.
    awarded_on: dt.date | None = None

    @property
    def why(self) -> str:
        return "; ".join(self.reasons)


def _judge(rule: KindRule, figures: PersonFigures, program_id: int | None) -> tuple[bool, bool, list[str], list[str]]:
    reasons: list[str] = []
    missing: list[str] = []
    close = True
    for c in rule.conditions:
        f = FIGURES[c.figure]
        value = figure_value(figures, c.figure, program_id)
        shown = format_figure(value, f.unit)
        if f.unit == "yesno":
            ok = value is not None and value >= 1
            reasons.append(f"{f.label}: {shown}")
            if not ok:
                missing.append(f"{f.label} not yet recorded")  # still "close": only a record away
            continue
        ok = value is not None and round(value, 6) >= c.at_least
        reasons.append(f"{shown} {f.label} (needs {format_figure(c.at_least, f.unit)})")
        if not ok:
            if value is None:
                missing.append(f"no {f.label} yet")
                close = False
            else:
                missing.append(f"{f.label}: {shown} of {format_figure(c.at_least, f.unit)}")
                close = close and value >= CLOSE_SHARE * c.at_least
    qualifies = not missing
    return qualifies, (not qualifies and close), reasons, missing


def candidates(
    db: Database,
    program_id: int | None = None,
    *,
    period: Period | None = None,
    participant_id: int | None = None,
    kinds: tuple[str, ...] = tuple(KINDS),
) -> list[Candidate]:
    """Everyone considered for each enabled kind in a program (or in every program when
    program_id is None), qualified first, then close, then the rest; names A-Z."""
    if program_id is None:
        programs = [(pid, name) for pid, name in db.execute("SELECT id, name FROM programs ORDER BY name")]
    else:
        row = db.execute("SELECT id, name FROM programs WHERE id = ?", (program_id,)).fetchone()
        if row is None:
            raise NotFound(f"Program {program_id} does not exist.")
        programs = [tuple(row)]
    out: list[Candidate] = []
    for pid, pname in programs:
        out.extend(_program_candidates(db, pid, pname, period or Period.all(), participant_id, kinds))
    if program_id is None and "custom" in kinds:
        out.extend(_award_candidates(db, None, "", period or Period.all(), participant_id, {}))
    out.sort(key=lambda c: (not c.qualifies, not c.close, c.name.casefold(), c.kind, c.program.casefold()))
    return out


def _program_candidates(
    db: Database, program_id: int, program: str, period: Period, only: int | None, kinds: tuple[str, ...]
) -> list[Candidate]:
    rules = rules_for(db, program_id)
    scope = Scope(period=period, program_id=program_id)
    members: dict[int, tuple[str, str, str]] = {}
    completions: list[ProgramCompletion] = []
    for pid, name, email, role, enrolled, done in db.execute(
        "SELECT p.id, p.name, p.email, p.role, m.enrolled_on, m.completed_on FROM program_members m "
        "JOIN participants p ON p.id = m.participant_id WHERE m.program_id = ? AND p.archived = 0 "
        "AND m.enrolled_on <= ?",
        (program_id, scope.as_of.isoformat()),
    ):
        if only is None or pid == only:
            members[pid] = (name, email, role)
            when = done_on(dt.date.fromisoformat(done) if done else None, scope.as_of)
            completions.append(ProgramCompletion(program_id, program, dt.date.fromisoformat(enrolled), when))
    if len(members) <= MAX_ID_LIST:
        figures = people_figures(db, scope, members)
    else:
        everyone = people_figures(db, scope)
        figures = {pid: everyone.get(pid) or PersonFigures(pid) for pid in members}
    # Completion of this program, whatever the figures carried.
    by_person = dict(zip(members, completions, strict=True))
    figures = {pid: replace(f, programs=(by_person[pid],)) for pid, f in figures.items()}
    out: list[Candidate] = []
    for pid, (name, email, role) in members.items():
        f = figures[pid]
        for kind in ("recognition", "completion"):
            rule = rules[kind]
            if kind not in kinds or not rule.enabled:
                continue
            if kind == "recognition" and not (f.sessions_led or role in ("mentor", "both")):
                continue
            done = _completed(f, program_id)
            if kind == "completion" and not (f.sessions_attended or done or role in ("mentee", "peer")):
                continue
            ok, close, reasons, missing = _judge(rule, f, program_id)
            out.append(
                Candidate(
                    pid,
                    name,
                    email,
                    kind,
                    program_id,
                    program,
                    ok,
                    close,
                    tuple(reasons),
                    tuple(missing),
                    f,
                    heading=rule.heading,
                    awarded_on=by_person[pid].completed_on if kind == "completion" else None,
                )
            )
    if "custom" in kinds and rules["custom"].enabled:
        out.extend(_award_candidates(db, program_id, program, period, only, figures))
    return out


def _award_candidates(
    db: Database,
    program_id: int | None,
    program: str,
    period: Period,
    only: int | None,
    figures: Mapping[int, PersonFigures],
) -> list[Candidate]:
    """One custom certificate per award given (in the program, or with no program)."""
    sql = (
        "SELECT a.id, a.participant_id, p.name, p.email, a.title, a.reason, a.awarded_on FROM awards a "
        "JOIN participants p ON p.id = a.participant_id WHERE p.archived = 0 AND "
        + ("a.program_id = ?" if program_id is not None else "a.program_id IS NULL")
    )
    params: list[Any] = [program_id] if program_id is not None else []
    lo, _ = period.bounds()
    if lo:
        sql += " AND a.awarded_on >= ?"
        params.append(lo)
    sql += " AND a.awarded_on <= ?"  # nothing dated after the period's end (or today) counts
    params.append(Scope(period=period).as_of.isoformat())
    if only is not None:
        sql += " AND a.participant_id = ?"
        params.append(only)
    out = []
    for award_id, pid, name, email, title, reason, awarded_on in db.execute(sql + " ORDER BY a.id", params):
        f = figures.get(pid) or PersonFigures(pid)
        out.append(
            Candidate(
                pid, name, email, "custom", program_id, program, True, False,
                (f"award “{title}” given on {awarded_on}",), (), f,
                award_id=award_id, award_title=title, award_reason=reason, heading=title,
                awarded_on=dt.date.fromisoformat(awarded_on),
            )
        )  # fmt: skip
    return out
