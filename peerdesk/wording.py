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


def bullets(sentences: list[str], shown: int | None = None) -> str:
    """Sentences as a bulleted list, each capitalised and ended with a full stop; past `shown`,
    one line says how many more."""
    told = [f"• {s[:1].upper()}{s[1:]}." for s in sentences[:shown]]
    if shown is not None and len(sentences) > shown:
        told.append(f"• And {len(sentences) - shown} more.")
    return "\n".join(told)
