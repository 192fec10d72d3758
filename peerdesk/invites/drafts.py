"""E-mail drafts (.eml, RFC 5322) that carry an invitation, for the coordinator to open and send."""

from __future__ import annotations

import datetime as dt
import email.policy
import re
from collections.abc import Sequence
from email.charset import Charset
from email.errors import HeaderParseError
from email.header import Header
from email.headerregistry import Address, HeaderRegistry
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from peerdesk.invites.build import CANCEL, Entry, Organizer, entry_sessions
from peerdesk.invites.model import Person, SessionItem
from peerdesk.invites.series import SeriesPlan
from peerdesk.invites.text import clean_line, clean_text, header_text
from peerdesk.invites.timezones import zone
from peerdesk.wording import plural

UTC = dt.UTC


# Headers set raw (encoded words made by email.header.Header) are written as they are.
class _Registry(HeaderRegistry):
    """The header classes of the standard registry, each made once (the registry makes a class per header set)."""

    def __init__(self) -> None:
        super().__init__()
        self._made: dict[str, type] = {}

    def __getitem__(self, name: str) -> type:
        key = name.lower()
        if key not in self._made:
            self._made[key] = super().__getitem__(name)
        return self._made[key]


POLICY = email.policy.SMTP.clone(refold_source="none", header_factory=_Registry())
UTF8 = Charset("utf-8")


def _address(name: str, email_address: str) -> Address:
    display = header_text(clean_line(name))
    addr = "".join(clean_line(email_address).split())
    try:
        return Address(display_name=display, addr_spec=addr)
    except (ValueError, IndexError, HeaderParseError):
        user, _, domain = addr.rpartition("@")
        return Address(display_name=display, username=user or addr, domain=domain)


def _plain(text: str) -> bool:
    """Text the SMTP policy writes as it is (no encoded words needed, none to be mistaken for)."""
    return text.isascii() and "=?" not in text


# A display name written as it is: letters, digits and the atext symbols of RFC 5322, spaces between.
_PLAIN_NAME = re.compile(r"[A-Za-z0-9!#$%&'*+\-/?^_`{|}~ ]*")


def _set_address(msg: EmailMessage, header: str, address: Address) -> None:
    if _PLAIN_NAME.fullmatch(address.display_name) and "=?" not in address.display_name:
        msg[header] = address
    else:
        # Anything else (other scripts, quotes, ':' or '@', which Python's folder would let start a
        # group or an address) is one encoded word for the whole name: Python's folder drops or adds
        # spaces in long names, and readers (Python's own among them) keep the white space between
        # encoded words of a phrase.
        msg.set_raw(header, f"{UTF8.header_encode(address.display_name)} <{address.addr_spec}>")


def _set_text(msg: EmailMessage, header: str, text: str) -> None:
    if _plain(text):
        msg[header] = text
    else:
        msg.set_raw(header, Header(text, "utf-8", header_name=header).encode())


def when_text(s: SessionItem, tzname: str) -> str:
    """A session's time in someone's zone: 'Thu 05 Nov 2026, 10:00–11:00 (Europe/Oslo)'."""
    tz = zone(tzname) or UTC
    start = s.start.astimezone(tz)
    end = s.end.astimezone(tz)
    label = tzname if zone(tzname) is not None else "UTC"
    return f"{start:%a %d %b %Y, %H:%M}–{end:%H:%M} ({label})"


def _lines(e: Entry, person: Person, method: str) -> list[str]:
    if isinstance(e, SeriesPlan):
        s = e.master
        upcoming = [o for o in e.occurrences if not o.cancelled]
        first = upcoming[0] if upcoming else s
        head = f"- {clean_line(s.title)}: a series, first {when_text(first, person.timezone)}"
        if e.exdates and method != CANCEL:
            head += f"; {plural(len(e.exdates), 'date')} called off"
    else:
        s = e
        head = f"- {clean_line(s.title)}: {when_text(s, person.timezone)}"
    lines = [head]
    if s.step_label:
        lines.append(f"  {clean_line(s.step_label)}")
    where = clean_line(s.location)
    if where:
        lines.append(f"  Where: {where}")
    if s.online_url.strip():
        lines.append(f"  Join online: {clean_line(s.online_url)}")
    return lines


def subject(items: Sequence[Entry], method: str) -> str:
    sessions = [s for e in items for s in entry_sessions(e)]
    prefix = "Cancelled" if method == CANCEL else "Invitation"
    if len(items) == 1:
        first = items[0].master if isinstance(items[0], SeriesPlan) else items[0]
        return f"{prefix}: {clean_line(first.title)}"
    return f"{prefix}: {len(sessions)} peer-learning sessions"


def new_draft(organizer: Organizer, person: Person, subject_line: str, body: str, stamp: dt.datetime) -> EmailMessage:
    """An unsent message from the coordinator to the person (X-Unsent: 1, which Outlook opens as a
    draft ready to send; Thunderbird and Apple Mail open any .eml as a message to send on).

    Every header value is one clean line, so nothing typed (a name, a title, a template) can start
    a header of its own; non-ASCII text is written as RFC 2047 encoded words, for any script.
    """
    msg = EmailMessage(policy=POLICY)
    _set_address(msg, "From", _address(organizer.name, organizer.email))
    _set_address(msg, "To", _address(person.name, person.email))
    _set_text(msg, "Subject", header_text(subject_line))
    msg["Date"] = format_datetime(stamp.astimezone(UTC))
    domain = organizer.email.rpartition("@")[2] or "peerdesk.invalid"
    msg["Message-ID"] = make_msgid(domain="".join(clean_line(domain).split()) or "peerdesk.invalid")
    msg["X-Unsent"] = "1"
    msg.set_content(clean_text(body).rstrip("\n") + "\n", cte="quoted-printable")
    return msg


def attach_calendar(msg: EmailMessage, calendar: bytes, method: str) -> None:
    """The invitation inline (text/calendar, what mail programs show as an invite) and attached."""
    msg.add_alternative(calendar, maintype="text", subtype="calendar", params={"method": method, "charset": "UTF-8"})
    msg.add_attachment(calendar, maintype="application", subtype="ics", filename="invite.ics")


def build_draft(
    organizer: Organizer,
    person: Person,
    items: Sequence[Entry],
    calendar: bytes,
    method: str,
    stamp: dt.datetime,
) -> bytes:
    """One unsent message from the coordinator to the person, the calendar inline and attached."""
    name = clean_line(person.name)
    if method == CANCEL:
        intro = "The following peer-learning sessions are cancelled; your calendar removes them when you open the attachment."
    else:
        intro = "You are invited to the following peer-learning sessions; please accept or decline in your calendar."
    body = [f"Hello {name}," if name else "Hello,", "", intro, ""]
    for e in items:
        body.extend(_lines(e, person, method))
    body.extend(["", "Times are shown in your time zone.", "", clean_line(organizer.name) or "Your coordinator"])
    msg = new_draft(organizer, person, subject(items, method), "\n".join(body), stamp)
    attach_calendar(msg, calendar, method)
    return msg.as_bytes()
