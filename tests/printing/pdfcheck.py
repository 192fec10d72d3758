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


def text_runs(data: bytes | str, page: int) -> list[tuple[str, float, float]]:
    """(text, baseline y in points, font size) of every text run on a page."""
    runs: list[tuple[str, float, float]] = []

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if text.strip():
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            runs.append((text, y, size * abs(tm[3] or 1) * abs(cm[3] or 1)))

    reader(data).pages[page].extract_text(visitor_text=visit)
    return runs


def tinted_box(data: bytes | str, page: int, hexval: str, scale: float = 2.0) -> tuple[float, float, float, float]:
    """(left, bottom, right, top) in points of the pixels painted in a colour ('0xeef5f5')."""
    import numpy as np
    import pypdfium2

    pdf = pypdfium2.PdfDocument(data)
    try:
        image = pdf[page].render(scale=scale).to_pil().convert("RGB")
    finally:
        pdf.close()
    want = np.array([int(hexval[i : i + 2], 16) for i in (2, 4, 6)])
    pixels = np.asarray(image).astype(int)
    height, width = pixels.shape[:2]
    match = (np.abs(pixels - want) <= 2).all(axis=2)
    rows = np.flatnonzero(match.sum(axis=1) > width / 4)  # a box, not the anti-aliased edge of something else
    if not len(rows):
        raise AssertionError(f"no box of colour {hexval} on page {page + 1}")
    cols = np.flatnonzero(match[rows].any(axis=0))
    return cols[0] / scale, (height - rows[-1] - 1) / scale, (cols[-1] + 1) / scale, (height - rows[0]) / scale
