"""Helpers to look inside generated PDFs: text, fonts, page sizes."""

from __future__ import annotations

import io
import unicodedata

from pypdf import PdfReader


def reader(data: bytes | str) -> PdfReader:
    return PdfReader(io.BytesIO(data) if isinstance(data, bytes) else data)


def page_texts(data: bytes | str) -> list[str]:
    return [page.extract_text() or "" for page in reader(data).pages]


def folded(text: str) -> str:
    """NFKC (Arabic presentation forms back to letters) and spaces collapsed."""
    return " ".join(unicodedata.normalize("NFKC", text).split())


def fonts_of(data: bytes | str) -> dict[str, bool]:
    """Every font used on any page -> whether its glyphs are embedded in the file."""
    found: dict[str, bool] = {}
    for page in reader(data).pages:
        resources = page.get("/Resources") or {}
        fonts = resources.get_object().get("/Font") if resources else None
        if not fonts:
            continue
        for ref in fonts.get_object().values():
            font = ref.get_object()
            name = str(font.get("/BaseFont"))
            descriptor = font.get("/FontDescriptor")
            if descriptor is None and "/DescendantFonts" in font:
                descriptor = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            embedded = False
            if descriptor is not None:
                d = descriptor.get_object()
                embedded = any(k in d for k in ("/FontFile", "/FontFile2", "/FontFile3"))
            found[name] = embedded
    return found


def contains_name(text: str, name: str) -> bool:
    """True when every word of the name appears in the page text (RTL text comes back in
    logical order from pypdf's extraction; Arabic as presentation forms, folded by NFKC)."""
    page = folded(text)
    return all(folded(word) in page for word in name.split())
