"""Message templates with named placeholders: the shipped defaults, checking, and filling in.

A template is a one-line subject and a body in which `{name}` stands for a value PeerDesk fills
in for each person ('{{' and '}}' write a brace). Only the placeholders of its kind are
accepted: a template naming any other, or using format syntax ('{name:>5}', '{name.attr}',
'{0}'), is refused with a message that lists the names it may use. The coordinator's own
templates are stored in the program file (peerdesk.store.messages); the defaults ship in
resources/messages/<kind>.txt ('Subject: ...', a blank line, the body).
"""

from __future__ import annotations

import functools
import re
import string
from collections.abc import Mapping
from dataclasses import dataclass

from peerdesk import shipped
from peerdesk.store.db import Database
from peerdesk.store.errors import ValidationError
from peerdesk.store.messages import reset_template, save_template, stored_template

KINDS: dict[str, str] = {
    "feedback": "Feedback requests",
    "reminders": "Cadence reminders",
    "welcome": "Welcome to new pairs",
    "training": "Training reminders",
}

COMMON: dict[str, str] = {
    "first_name": "the person's first name",
    "name": "the person's full name",
    "program": "the program's name",
    "coordinator": "your name (Settings)",
    "organisation": "the organisation (Settings)",
}
PLACEHOLDERS: dict[str, dict[str, str]] = {
    "feedback": {
        **COMMON,
        "session_title": "the session's title",
        "session_date": "its day, in the person's zone",
        "session_ref": "its reference for the survey, like #42",
        "hosts": "who hosted it",
        "survey_link": "the survey link (Settings), or 'reply to this e-mail'",
    },
    "reminders": {
        **COMMON,
        "partners": "the other members of the pairing",
        "last_met": "'12 days ago', or 'not yet'",
        "cadence": "how often the program's pairs meet, like 'every week'",
        "next_step": "the next meeting of their plan",
        "next_step_agenda": "its agenda and questions",
    },
    "welcome": {
        **COMMON,
        "partners": "the other members of the pairing",
        "partner_details": "one line per partner: name, role, department, e-mail",
        "role": "the person's role in the pairing",
        "first_meeting": "when and where the first meeting is, or that it is not booked yet",
        "plan": "the meetings of the program's plan, one per line",
        "cadence": "how often the program's pairs meet",
    },
    "training": {
        **COMMON,
        "mentees": "the people they mentor",
        "mentee_count": "how many they mentor",
        "modules": "the required training modules still open, one per line",
    },
}
MAX_SUBJECT = 200
MAX_BODY = 20_000


@dataclass(frozen=True)
class Template:
    """One kind's subject and body, as the coordinator wrote them (or as shipped)."""

    kind: str
    subject: str
    body: str
    is_default: bool = False


def _kind(kind: str) -> str:
    if kind not in KINDS:
        raise ValidationError(f"'{kind}' is not a kind of message (use one of {', '.join(KINDS)}).", "kind")
    return kind


@functools.cache
def default_template(kind: str) -> Template:
    """The template PeerDesk ships for a kind."""
    text = shipped.read_text("messages", f"{_kind(kind)}.txt").replace("\r\n", "\n")
    head, _, body = text.partition("\n\n")
    subject = head.removeprefix("Subject:").strip()
    return Template(kind, subject, body.strip("\n") + "\n", is_default=True)


def load_template(db: Database, kind: str) -> Template:
    """The coordinator's template for a kind, or the shipped one when they have none."""
    stored = stored_template(db, _kind(kind))
    if stored is None:
        return default_template(kind)
    return Template(kind, stored[0], stored[1])


def placeholders_in(text: str) -> list[str]:
    """The placeholder names a text uses, in order; ValidationError for broken braces or format syntax."""
    names: list[str] = []
    try:
        parsed = list(string.Formatter().parse(text))
    except ValueError as exc:
        raise ValidationError(
            f"A brace is not closed or not doubled ({exc}): write {{name}} for a value, {{{{ for a brace.", "template"
        ) from None
    for _literal, field, spec, conversion in parsed:
        if field is None:
            continue
        if not re.fullmatch(r"[a-z_]+", field) or spec or conversion:
            shown = "{" + field + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}"
            raise ValidationError(
                f"{shown} is not a placeholder: write a name alone in braces, like {{name}}.", "template"
            )
        names.append(field)
    return names


def check_template(t: Template) -> Template:
    """The template tidied up, or ValidationError naming what is wrong (unknown placeholders first)."""
    allowed = PLACEHOLDERS[_kind(t.kind)]
    subject = t.subject.strip()
    if not subject:
        raise ValidationError("A message needs a subject.", "subject")
    if "\n" in subject or "\r" in subject:
        raise ValidationError("The subject is one line.", "subject")
    if len(subject) > MAX_SUBJECT:
        raise ValidationError(f"The subject is longer than {MAX_SUBJECT} characters.", "subject")
    if not t.body.strip():
        raise ValidationError("A message needs a text.", "body")
    if len(t.body) > MAX_BODY:
        raise ValidationError(f"The text is longer than {MAX_BODY:,} characters.", "body")
    for field, text in (("subject", subject), ("body", t.body)):
        unknown = [n for n in dict.fromkeys(placeholders_in(text)) if n not in allowed]
        if unknown:
            names = ", ".join("{" + n + "}" for n in unknown)
            known = ", ".join("{" + n + "}" for n in allowed)
            word = "is not a placeholder" if len(unknown) == 1 else "are not placeholders"
            raise ValidationError(f"{names} {word} of {KINDS[t.kind].lower()}. Use: {known}.", field)
    return Template(t.kind, subject, t.body.replace("\r\n", "\n").strip("\n") + "\n", t.is_default)


class _Values(dict[str, str]):
    """Values to fill in; a name that has no value yet (checked templates never ask) stays as typed."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def fill(t: Template, values: Mapping[str, str]) -> tuple[str, str]:
    """(subject, body) with the values filled in; blank lines left by empty values collapse."""
    vals = _Values(values)
    subject = string.Formatter().vformat(t.subject, (), vals)
    body = string.Formatter().vformat(t.body, (), vals)
    body = re.sub(r"[ \t]+\n", "\n", body)
    body = re.sub(r"\n{3,}", "\n\n", body)
    return " ".join(subject.split()), body


def save_checked_template(db: Database, t: Template) -> Template:
    """Check a template and store it in the program file (the write the window runs for 'Save template')."""
    checked = check_template(t)
    save_template(db, checked.kind, checked.subject, checked.body)
    return Template(checked.kind, checked.subject, checked.body)


def restore_default(db: Database, kind: str) -> Template:
    """Drop the coordinator's template of a kind: the shipped one is used again."""
    reset_template(db, _kind(kind))
    return default_template(kind)
