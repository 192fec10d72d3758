"""Folding text for search: case, accents and scripts, so 'zoe' finds 'Zoë' and 'lukasz' 'Łukasz'."""

from __future__ import annotations

import unicodedata

from anyascii import anyascii


def fold(text: str) -> str:
    """Lower-case text with accents removed (Ł→l, ø→o, ß→ss); other scripts kept as they are."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return "".join(
        anyascii(ch).lower() if ch.isalpha() and ord(ch) < 0x0370 or ch in "ŁłĐđØøÆæŒœÞþ" else ch for ch in stripped
    )


def search_key(*parts: str) -> str:
    """One string to search in: the folded parts, plus a Latin transliteration of other scripts."""
    joined = " ".join(p for p in parts if p)
    folded = fold(joined)
    latin = anyascii(joined).lower()
    return folded if latin == folded else f"{folded} {latin}"


def matches(key: str, query: str) -> bool:
    """True when every word of the query occurs in the key (any order)."""
    return all(word in key for word in fold(query).split())
