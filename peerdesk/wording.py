"""Words that depend on a number: '1 pair', '2 pairs', never '2 pair(s)'."""

from __future__ import annotations


def plural(n: int, one: str, many: str | None = None) -> str:
    """'1 session', '2 sessions', '1,204 people' (`many` for irregular words: person/people)."""
    word = one if n == 1 else many if many is not None else one + "s"
    return f"{n:,} {word}"


def were(n: int) -> str:
    """'was' for one, 'were' for any other number."""
    return "was" if n == 1 else "were"


def have(n: int) -> str:
    """'has' for one, 'have' for any other number."""
    return "has" if n == 1 else "have"
