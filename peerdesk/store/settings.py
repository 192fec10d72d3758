"""Organisation settings, stored in the database so a program file carries its own."""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, fields, replace

from peerdesk.store.db import Database
from peerdesk.store.errors import ValidationError
from peerdesk.store.participants import EMAIL, is_time_zone

PAPER_SIZES = ("A4", "Letter")


@dataclass(frozen=True)
class Settings:
    """What the coordinator sets up once for their organisation."""

    organisation: str = "Our organisation"
    logo_path: str = ""
    coordinator_name: str = ""
    coordinator_email: str = ""
    timezone: str = "UTC"
    paper_size: str = "A4"
    signer_name: str = ""
    signer_title: str = ""
    signature_path: str = ""
    backups_kept: int = 10
    reminder_minutes: int = 15
    buddy_no_repeat_rounds: int = 6
    survey_url: str = ""  # the feedback survey that feedback requests link to


def validate_settings(s: Settings) -> Settings:
    email = s.coordinator_email.strip().lower()
    if email and not EMAIL.match(email):
        raise ValidationError(f"'{s.coordinator_email}' is not a well-formed e-mail address.", "coordinator_email")
    if not is_time_zone(s.timezone):
        raise ValidationError(f"'{s.timezone}' is not a time zone.", "timezone")
    if s.paper_size not in PAPER_SIZES:
        raise ValidationError("Paper size must be A4 or Letter.", "paper_size")
    if not 1 <= s.backups_kept <= 100:
        raise ValidationError("Keep between 1 and 100 backups.", "backups_kept")
    if not 0 <= s.reminder_minutes <= 7 * 24 * 60:
        raise ValidationError("The reminder must be between 0 minutes and a week.", "reminder_minutes")
    if not 1 <= s.buddy_no_repeat_rounds <= 100:
        raise ValidationError("Rounds without repeats must be 1 to 100.", "buddy_no_repeat_rounds")
    survey = s.survey_url.strip()
    if survey and not re.fullmatch(r"https?://[^\s/]+\.[^\s]+", survey, re.IGNORECASE):
        raise ValidationError(f"'{survey}' is not a web link (start it with https://).", "survey_url")
    return replace(s, coordinator_email=email, organisation=s.organisation.strip(), survey_url=survey)


def load_settings(db: Database) -> Settings:
    stored = {k: v for k, v in db.execute("SELECT key, value FROM settings")}
    values = {}
    for f in fields(Settings):
        if f.name in stored:
            try:
                values[f.name] = json.loads(stored[f.name])
            except ValueError:
                continue
    try:
        return Settings(**values)
    except TypeError:
        return Settings()


def save_settings(db: Database, s: Settings) -> Settings:
    s = validate_settings(s)
    current = load_settings(db)
    with db.atomic():
        for key, value in asdict(s).items():
            if (
                getattr(current, key) != value
                or not db.execute("SELECT 1 FROM settings WHERE key=?", (key,)).fetchone()
            ):
                db.execute(
                    "INSERT INTO settings(key, value) VALUES (?, ?) "
                    "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                    (key, json.dumps(value)),
                )
    return s
