"""A program's expected cadence: how often its pairs meet (program config key "cadence").

A pairing is *behind its cadence* on a day when it has been running longer than its allowed
gap and held no meeting in the allowed gap up to that day. The allowed gap is the cadence's
interval plus GRACE_DAYS of slack (a weekly pair whose Tuesday meeting moved to Thursday is
not behind); a program without a cadence keeps the former fixed rule of UNSET_DAYS.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from peerdesk.store.errors import ValidationError

GRACE_DAYS = 3
UNSET_DAYS = 30


@dataclass(frozen=True)
class Cadence:
    """How often a program's pairs are expected to meet."""

    key: str
    label: str  # "Weekly"
    words: str  # "every week"
    days: int  # the interval

    @property
    def allowed_gap(self) -> int:
        """Days without a held meeting after which a pair is behind."""
        return self.days + GRACE_DAYS


CADENCES: dict[str, Cadence] = {
    c.key: c
    for c in (
        Cadence("weekly", "Weekly", "every week", 7),
        Cadence("fortnightly", "Every two weeks", "every two weeks", 14),
        Cadence("monthly", "Monthly", "every month", 30),
    )
}


def cadence_of(config: Mapping[str, Any]) -> Cadence | None:
    """The cadence stored in a program's config, or None when unset (or not one PeerDesk knows)."""
    key = config.get("cadence") if isinstance(config, Mapping) else None
    return CADENCES.get(key) if isinstance(key, str) else None


def allowed_gap(cadence: Cadence | None) -> int:
    return cadence.allowed_gap if cadence is not None else UNSET_DAYS


def check_cadence(config: Mapping[str, Any]) -> None:
    """ValidationError when the config names a cadence PeerDesk does not know."""
    key = config.get("cadence")
    if key is not None and key not in CADENCES:
        raise ValidationError(
            f"The cadence is one of: {', '.join(c.label.lower() for c in CADENCES.values())}.", "cadence"
        )


def gap_sql(program_id_column: str) -> str:
    """SQL expression: the allowed gap in days of the pairing whose program id is in the column."""
    cases = " ".join(f"WHEN '{c.key}' THEN {c.allowed_gap}" for c in CADENCES.values())
    return (
        f"coalesce((SELECT CASE json_extract(g.config, '$.cadence') {cases} END FROM programs g "
        f"WHERE g.id = {program_id_column} AND json_valid(g.config)), {UNSET_DAYS})"
    )
