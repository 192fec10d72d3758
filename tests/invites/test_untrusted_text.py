"""Arbitrary typed text never breaks a calendar or adds to it, and reads back as cleaned."""

from __future__ import annotations

import datetime as dt
import io

import icalendar
import vobject
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from invites_helpers import parse, structure

from peerdesk.invites.build import REQUEST, Options, Organizer, build_calendar, description
from peerdesk.invites.model import Person, SessionItem
from peerdesk.invites.text import UniqueNames, clean_param, clean_text, safe_stem

UTC = dt.UTC
NASTY = "\\\\\r\n\x00\x01\x07\x08\x0b\x0c\x1b\x7f\x85\u2028\u2029\ufeff\\;,:\"'^ END:VEVENT BEGIN:VALARM X-A:1"
any_text = st.text(st.one_of(st.characters(exclude_categories=["Cs"]), st.sampled_from(NASTY)), max_size=120)
some_text = any_text.filter(lambda t: clean_text(t).strip() != "")


def _session(title: str, desc: str, loc: str, name: str, program: str, skill: str) -> SessionItem:
    return SessionItem(
        id=1,
        uid="u-1@test",
        title=title,
        kind="workshop",
        start=dt.datetime(2027, 3, 28, 0, 30, tzinfo=UTC),
        duration_min=90,
        timezone="Europe/Berlin",
        description=desc,
        location=loc,
        online_url="https://x.example/y",
        program=program,
        skills=(skill,),
        people=(Person(1, name, "a@example.com", role="host"), Person(2, "B", "b@example.com")),
    )


OPTIONS = Options(Organizer("Coordinator", "c@example.com"), dt.datetime(2026, 11, 2, 9, tzinfo=UTC), 15)
EXPECTED = [
    ("VCALENDAR", ("CALSCALE", "METHOD", "PRODID", "VERSION")),
    ("VTIMEZONE", ("TZID",)),
    ("STANDARD", ("DTSTART", "TZNAME", "TZOFFSETFROM", "TZOFFSETTO")),
    ("DAYLIGHT", ("DTSTART", "RRULE", "TZNAME", "TZOFFSETFROM", "TZOFFSETTO")),
    ("STANDARD", ("DTSTART", "RRULE", "TZNAME", "TZOFFSETFROM", "TZOFFSETTO")),
    (
        "VEVENT",
        tuple(
            sorted(
                (
                    "ATTENDEE CATEGORIES DESCRIPTION DTEND DTSTAMP DTSTART LOCATION ORGANIZER SEQUENCE STATUS "
                    "SUMMARY TRANSP UID URL"
                ).split()
            )
        ),
    ),
    ("VALARM", ("ACTION", "DESCRIPTION", "TRIGGER")),
]


def test_a_typed_backslash_n_stays_a_backslash_and_an_n():
    """icalendar alone writes a typed backslash-N as a line break."""
    s = _session(r"Paths like C:\New and \n", "see \\N; and, \\", r"Room \N2", "", "", "")
    data = build_calendar([s], REQUEST, OPTIONS).to_ical()
    (ev,) = parse(data).walk("VEVENT")
    assert str(ev["SUMMARY"]) == r"Paths like C:\New and \n"
    assert str(ev["LOCATION"]) == r"Room \N2"
    assert str(ev["DESCRIPTION"]).startswith("see \\N; and, \\")
    vev = vobject.readOne(io.StringIO(data.decode("utf-8"))).vevent
    assert vev.summary.value == r"Paths like C:\New and \n"
    assert vev.location.value == r"Room \N2"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(title=some_text, desc=any_text, loc=some_text, name=any_text, program=any_text, skill=any_text)
def test_any_text_parses_round_trips_and_adds_nothing(title, desc, loc, name, program, skill):
    s = _session(title, desc, loc, name, program, skill)
    data = build_calendar([s], REQUEST, OPTIONS).to_ical()
    cal = parse(data)
    assert structure(cal) == EXPECTED
    (ev,) = cal.walk("VEVENT")
    assert str(ev["SUMMARY"]) == clean_text(title)
    assert str(ev["LOCATION"]) == clean_text(loc)
    assert str(ev["DESCRIPTION"]) == description(s)
    assert str(ev["DESCRIPTION"]).startswith(clean_text(desc).strip("\n"))
    hosts = [a for a in ev["ATTENDEE"] if a.params["ROLE"] == "CHAIR"]
    assert [a.params.get("CN", "") for a in hosts] == [clean_param(name)]
    assert len(ev["ATTENDEE"]) == 2
    vev = vobject.readOne(io.StringIO(data.decode("utf-8"))).vevent
    assert vev.summary.value == clean_text(title)
    assert vev.location.value == clean_text(loc)
    assert vev.description.value == description(s)


@given(value=any_text)
def test_clean_text_leaves_no_line_breaks_but_lf_and_no_controls(value):
    cleaned = clean_text(value)
    assert all(ch == "\n" or ch == "\t" or ord(ch) >= 0x20 for ch in cleaned)
    assert not set(cleaned) & set("\r\x85\u2028\u2029\x7f")
    assert clean_text(cleaned) == cleaned
    line = clean_param(value)
    assert "\n" not in line and '"' not in line and "\\" not in line and line == line.strip()
    # A parameter value never needs RFC 6868 escapes a calendar program might not decode.
    prop = icalendar.vCalAddress("mailto:a@example.com")
    prop.params["CN"] = line
    assert b"^" not in prop.params.to_ical().replace(b"^^", b"")


WINDOWS_FORBIDDEN = set('<>:"/\\|?*')


@given(value=any_text)
def test_file_stems_are_safe_everywhere(value):
    stem = safe_stem(value)
    assert stem
    assert not set(stem) & WINDOWS_FORBIDDEN
    assert all(ord(ch) >= 0x20 for ch in stem)
    assert not stem.startswith(".") and not stem.endswith((".", " "))
    assert len(stem.encode("utf-8")) <= 130
    assert stem.split(".")[0].upper() not in {"CON", "PRN", "AUX", "NUL", "COM1", "LPT1"}


def test_file_stems_examples():
    assert safe_stem("Zoë Ødegård") == "Zoë Ødegård"
    assert safe_stem("李小龍") == "李小龍"
    assert safe_stem("a/b\\c:d") == "a-b-c-d"
    assert safe_stem("Mentoring: Zoë") == "Mentoring - Zoë"
    assert safe_stem("..hidden..") == "hidden"
    assert safe_stem("CON") == "CON_"
    assert safe_stem("nul.txt") == "nul.txt_"
    assert safe_stem(" \n\x00 ") == "invite"
    assert len(safe_stem("ß" * 200).encode()) <= 120
    # NFD (as macOS hands it out) and NFC spellings are one name.
    assert safe_stem("Zoe\u0308") == "Zoë"


def test_unique_names_ignore_case_and_normalisation():
    names = UniqueNames()
    assert names.claim("Ana Silva") == "Ana Silva"
    assert names.claim("ana silva") == "ana silva (2)"
    assert names.claim("ANA SILVA") == "ANA SILVA (3)"
    assert names.claim("Zoë") == "Zoë"
    assert names.claim("Zoe\u0308") == "Zoë (2)"
    assert names.claim("CON") == "CON_"
