"""Names in any script: font fallback, bidi order, shaping, embedding, and text round-trip.

What is checked for right-to-left names: (1) the layout puts the pieces in visual order by
the bidi rules; (2) Arabic letters are drawn as their joined (presentation) forms, which
proves HarfBuzz shaped them; (3) pypdf's extraction of the page, folded with NFKC, gives
the words of the name back in logical order.
"""

from __future__ import annotations

import io
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from peerdesk.printing import fonts, text
from tests.printing.pdfcheck import contains_name, fonts_of, page_texts

SAMPLES = {
    "latin": "Zoë Ødegård-Łukasiewicz",
    "vietnamese": "Nguyễn Văn Ánh",
    "greek": "Ελένη Παπαδοπούλου",
    "cyrillic": "Дмитрий Иванов",
    "chinese": "王小明",
    "japanese": "山田 たろう",
    "korean": "김민준",
    "arabic": "محمد عبد الله",
    "hebrew": "דוד בן-גוריון",
}


def _pdf(lines: list[str], family: str = "serif-bold") -> bytes:
    buf = io.BytesIO()
    c = fonts.new_canvas(buf, (600, 800))
    y = 780
    for line in lines:
        text.draw_line(c, 300, y, line, family, 20, "centre")
        y -= 40
    c.save()
    return buf.getvalue()


@pytest.mark.parametrize("script", list(SAMPLES))
@pytest.mark.parametrize("family", ["serif-bold", "sans"])
def test_every_script_round_trips(script, family):
    name = SAMPLES[script]
    assert fonts.uncovered(name, family) == []
    data = _pdf([name], family)
    extracted = page_texts(data)[0]
    assert contains_name(extracted, name), (script, extracted)


def test_every_font_is_embedded():
    data = _pdf(list(SAMPLES.values()))
    used = fonts_of(data)
    assert used, "no fonts found"
    assert all(used.values()), used
    # Latin in DejaVu Serif, Arabic/Hebrew in DejaVu Sans, CJK in Droid, Hangul in Nanum.
    names = " ".join(used)
    for face in ("DejaVuSerif", "DejaVuSans", "DroidSansFallback", "NanumSquare"):
        assert face in names, (face, names)
    assert not any(base in names for base in ("Helvetica", "Times", "Courier"))


def test_arabic_is_shaped_into_joined_forms():
    data = _pdf([SAMPLES["arabic"]])
    raw = page_texts(data)[0]
    forms = [ch for ch in raw if 0xFE70 <= ord(ch) <= 0xFEFF]
    assert len(forms) >= 8, raw  # initial/medial/final forms, not isolated base letters


def test_rtl_pieces_are_in_visual_order():
    line = text.layout("محمد Ali 42", "sans")
    assert line.rtl
    # Visual left-to-right: the Latin+number run first, the Arabic name on the right.
    assert [p.text.strip() for p in line.pieces if p.text.strip()] == ["Ali 42", "محمد"]
    hebrew = text.layout("Anna (אנה) Levi", "sans")
    assert not hebrew.rtl
    assert "".join(p.text for p in hebrew.pieces) == "Anna (אנה) Levi"


def test_numbers_inside_rtl_stay_left_to_right():
    line = text.layout("שלום 123", "sans")
    texts = [p.text.strip() for p in line.pieces]
    assert "123" in texts
    assert texts.index("123") < texts.index("שלום")


def test_fallback_picks_a_face_per_script():
    line = text.layout("Zoë 山田 김", "serif")
    faces = {p.text.strip(): p.face for p in line.pieces if p.text.strip()}
    assert faces["Zoë"] == "PD-Serif"
    assert faces["山田"] == "PD-CJK"
    assert faces["김"] == "PD-Hangul"


def test_uncovered_reports_characters_no_font_has():
    assert fonts.uncovered("Zoë \U00013000") == ["\U00013000"]


def test_missing_font_names_the_package(monkeypatch, tmp_path):
    monkeypatch.setattr(fonts, "SHIPPED_FOLDER", "no-such-folder")
    monkeypatch.setattr(fonts, "_system_font_dirs", lambda: [tmp_path])
    monkeypatch.setitem(fonts.FONT_FILES, "PD-Test", fonts.FontFile("PD-Test", "Nope.ttf", "fonts-nope"))
    fonts.locate.cache_clear()
    try:
        with pytest.raises(fonts.FontMissing, match="Nope.ttf.*fonts-nope"):
            fonts.register("PD-Test")
    finally:
        fonts.locate.cache_clear()


def test_fit_size_never_exceeds_width():
    long = "Maximiliana Alexandra-Konstantinopoulou von Hohenzollern-Sigmaringen " * 2
    size = text.fit_size(long, "serif-bold", 40, 500)
    assert size < 40
    assert text.text_width(long, "serif-bold", size) <= 500


@settings(max_examples=40, deadline=None)
@given(st.text(alphabet=st.sampled_from("abc éЖλ山김محדו 12-()"), min_size=1, max_size=30))
def test_layout_keeps_every_character(sample):
    line = text.layout(sample, "sans")
    expected = unicodedata.normalize("NFC", " ".join(sample.split()))
    assert sorted("".join(p.text for p in line.pieces)) == sorted(expected)


@settings(max_examples=25, deadline=None)
@given(st.text(alphabet=st.sampled_from("abcdefgh ijkl 山田김민 محمد"), min_size=1, max_size=60))
def test_wrapped_lines_fit(sample):
    lines = text.wrap_lines(sample, "sans", 12, 80)
    for line in lines:
        if len(line.split()) > 1 and not any(text._is_cjk(c) for c in line):
            assert text.text_width(line, "sans", 12) <= 80 + 1e-6
