"""E-mail drafts (.eml, RFC 5322) that carry an invitation, for the coordinator to open and send."""

from __future__ import annotations

import datetime as dt
import email.policy
from collections.abc import Sequence
from email.errors import HeaderParseError
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

from peerdesk.invites.build import CANCEL, Entry, Organizer, entry_sessions
from peerdesk.invites.model import Person, SessionItem
from peerdesk.invites.series import SeriesPlan
from peerdesk.invites.text import clean_line, clean_text
from peerdesk.invites.timezones import zone
from peerdesk.wording import plural

UTC = dt.UTC


def _address(name: str, email_address: str) -> Address:
    display = clean_line(name)
    addr = "".join(clean_line(email_address).split())
    try:
        return Address(display_name=display, addr_spec=addr)
    except (ValueError, IndexError, HeaderParseError):
        user, _, domain = addr.rpartition("@")
        return Address(display_name=display, username=user or addr, domain=domain)


def _when(s: SessionItem, tzname: str) -> str:
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
        head = f"- {clean_line(s.title)}: a series, first {_when(first, person.timezone)}"
        if e.exdates and method != CANCEL:
            head += f"; {plural(len(e.exdates), 'date')} called off"
    else:
        s = e
        head = f"- {clean_line(s.title)}: {_when(s, person.timezone)}"
    lines = [head]
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


def build_draft(
    organizer: Organizer,
    person: Person,
    items: Sequence[Entry],
    calendar: bytes,
    method: str,
    stamp: dt.datetime,
) -> bytes:
    """One unsent message from the coordinator to the person, the calendar inline and attached."""
    msg = EmailMessage(policy=email.policy.SMTP)
    msg["From"] = _address(organizer.name, organizer.email)
    msg["To"] = _address(person.name, person.email)
    msg["Subject"] = subject(items, method)
    msg["Date"] = format_datetime(stamp.astimezone(UTC))
    domain = organizer.email.rpartition("@")[2] or "peerdesk.invalid"
    msg["Message-ID"] = make_msgid(domain="".join(clean_line(domain).split()) or "peerdesk.invalid")
    msg["X-Unsent"] = "1"  # Outlook opens the file as a draft ready to send
    name = clean_line(person.name)
    if method == CANCEL:
        intro = "The following peer-learning sessions are cancelled; your calendar removes them when you open the attachment."
    else:
        intro = "You are invited to the following peer-learning sessions; please accept or decline in your calendar."
    body = [f"Hello {name}," if name else "Hello,", "", intro, ""]
    for e in items:
        body.extend(_lines(e, person, method))
    body.extend(["", "Times are shown in your time zone.", "", clean_line(organizer.name) or "Your coordinator"])
    msg.set_content(clean_text("\n".join(body)) + "\n")
    msg.add_alternative(calendar, maintype="text", subtype="calendar", params={"method": method, "charset": "UTF-8"})
    msg.add_attachment(calendar, maintype="application", subtype="ics", filename="invite.ics")
    return msg.as_bytes()
