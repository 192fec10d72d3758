"""Certificates: wording from the figures, issuing (serials), and printing to PDF in batches.

The flow, shared by the command line and the window:
1. eligibility.candidates(...) says who qualifies;
2. issue(db, qualified) records each certificate in the register (a write: the window runs
   it through ctx.run so it can be undone) and returns the issued rows;
3. write_pdf / write_files render them (no database needed, so the window runs this off
   the UI thread) with a progress callback and a cancel check.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from io import BytesIO
from pathlib import Path
from typing import Any

from reportlab.lib.units import mm

from peerdesk.jobs import CancelCheck, Cancelled, Progress
from peerdesk.printing import designs, fonts
from peerdesk.printing.eligibility import FIGURES, Candidate, figure_value, format_figure
from peerdesk.printing.register import Issued, Request
from peerdesk.printing.register import issue as issue_requests
from peerdesk.printing.text import fit_block
from peerdesk.store.db import Database
from peerdesk.store.settings import Settings

LEGIBLE_PT = 12.0  # smaller, a name on a certificate is no longer read across a room

# The figures printed on each kind (a custom award prints its own wording only).
PRINTED_FIGURES = {
    "recognition": ("sessions_led", "hours_mentored", "people_helped"),
    "completion": ("sessions_attended", "learning_hours"),
    "custom": (),
}


def content_for(c: Candidate) -> dict[str, Any]:
    """The wording and figures recorded for (and printed on) a candidate's certificate."""
    where = f" in the {c.program} program" if c.program else ""
    if c.kind == "recognition":
        statement = f"in recognition of their generous contribution as a mentor and host{where}"
    elif c.kind == "completion":
        statement = f"for successfully completing{' the ' + c.program + ' program' if c.program else ' the program'}"
    else:
        statement = c.award_reason.strip() or f"for an outstanding contribution{where}"
    figures = []
    for key in PRINTED_FIGURES[c.kind]:
        f = FIGURES[key]
        value = figure_value(c.figures, key, c.program_id)
        if value is not None and value > 0:
            figures.append([format_figure(value, f.unit), f.label])
    content: dict[str, Any] = {
        "name": c.name,
        "heading": c.heading or c.award_title or "Certificate",
        "statement": statement,
        "figures": figures,
        "program": c.program,
        "award_title": c.award_title,
    }
    if c.awarded_on is not None:
        content["awarded_on"] = c.awarded_on.isoformat()
    return content


def request_for(c: Candidate) -> Request:
    return Request(c.participant_id, c.program_id, c.kind, c.award_id, content_for(c))


def issue(db: Database, qualified: Iterable[Candidate]) -> list[Issued]:
    """Record certificates for qualified candidates (existing ones keep their serial and content)."""
    return issue_requests(db, [request_for(c) for c in qualified if c.qualifies])


def date_text(day: dt.date) -> str:
    return f"{day.day} {day.strftime('%B %Y')}"


def award_date(cert: Issued) -> dt.date:
    """The day a certificate honours: the award or the completion it records, else the day it
    was issued (never the day it is printed again)."""
    recorded = cert.content.get("awarded_on")
    try:
        return dt.date.fromisoformat(str(recorded)) if recorded else cert.issued_on
    except ValueError:
        return cert.issued_on


def view_of(cert: Issued, settings: Settings) -> designs.CertificateView:
    """What to print for an issued certificate: its recorded content plus today's settings."""
    content = cert.content
    return designs.CertificateView(
        serial=cert.serial,
        heading=str(content.get("heading") or "Certificate"),
        name=str(content.get("name") or cert.name),
        statement=str(content.get("statement", "")),
        figures=tuple((str(v), str(label)) for v, label in content.get("figures", [])),
        program=str(content.get("program") or cert.program),
        date_text=date_text(award_date(cert)),
        organisation=settings.organisation,
        signer_name=settings.signer_name,
        signer_title=settings.signer_title,
        logo_path=settings.logo_path,
        signature_path=settings.signature_path,
    )


def page_size(settings: Settings) -> tuple[float, float]:
    w, h = designs.PAGE_SIZES.get(settings.paper_size, designs.PAGE_SIZES["A4"])
    return float(w), float(h)


def _canvas(target: Any, settings: Settings, title: str) -> Any:
    c = fonts.new_canvas(target, page_size(settings), pageCompression=1)
    c.setTitle(title)
    c.setAuthor(settings.organisation)
    c.setCreator("PeerDesk")
    return c


def _check(cancel: CancelCheck | None, written: Sequence[Path] = ()) -> None:
    if cancel is not None and cancel():
        raise Cancelled("Printing was cancelled.", written)


def write_pdf(
    certs: Sequence[Issued],
    settings: Settings,
    out: str | os.PathLike[str],
    design: str = "classic",
    *,
    progress: Progress | None = None,
    cancel: CancelCheck | None = None,
) -> Path:
    """All certificates in one PDF, one per page, ready to print. Atomic: on cancel or
    failure no file is left behind."""
    from peerdesk.store.safefile import atomic_path

    if design not in designs.DESIGNS:
        raise ValueError(f"unknown design {design!r}")
    target = Path(out)
    page = page_size(settings)
    with atomic_path(target) as tmp:
        c = _canvas(str(tmp), settings, "Certificates")
        for i, cert in enumerate(certs):
            _check(cancel)
            designs.draw(c, view_of(cert, settings), design, page)
            c.showPage()
            if progress:
                progress(i + 1, len(certs))
        c.save()
    return target


def file_name(cert: Issued) -> str:
    """'PD-2026-00012 Zoë Ødegård.pdf': the serial keeps names unique, the name keeps them findable."""
    name = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', " ", cert.name or str(cert.content.get("name", ""))).strip(" .")
    name = " ".join(name.split())[:80]
    return f"{cert.serial} {name}.pdf" if name else f"{cert.serial}.pdf"


def write_files(
    certs: Sequence[Issued],
    settings: Settings,
    folder: str | os.PathLike[str],
    design: str = "classic",
    *,
    progress: Progress | None = None,
    cancel: CancelCheck | None = None,
) -> list[Path]:
    """One PDF per certificate in a folder. On cancel, the files already complete stay
    and are listed in Cancelled.written."""
    from peerdesk.store.errors import StoreError
    from peerdesk.store.safefile import atomic_path, check_folder, unfinished

    if design not in designs.DESIGNS:
        raise ValueError(f"unknown design {design!r}")
    where = check_folder(folder, create=True)
    page = page_size(settings)
    written: list[Path] = []
    for i, cert in enumerate(certs):
        _check(cancel, written)
        target = where / file_name(cert)
        try:
            with atomic_path(target) as tmp:
                c = _canvas(str(tmp), settings, f"Certificate {cert.serial}")
                designs.draw(c, view_of(cert, settings), design, page)
                c.showPage()
                c.save()
        except StoreError as exc:  # a full disk: say which certificates are missing
            raise unfinished(exc, len(written), [file_name(c) for c in certs[i:]]) from exc
        written.append(target)
        if progress:
            progress(i + 1, len(certs))
    return written


def pdf_bytes(certs: Sequence[Issued], settings: Settings, design: str = "classic") -> bytes:
    """The PDF in memory (previews)."""
    buf = BytesIO()
    c = _canvas(buf, settings, "Certificates")
    for cert in certs:
        designs.draw(c, view_of(cert, settings), design, page_size(settings))
        c.showPage()
    c.save()
    return buf.getvalue()


def name_size(name: str, settings: Settings) -> float:
    """About the size a certificate prints a name at: the larger design size, shrunk to the text width."""
    width = page_size(settings)[0] - 60 * mm
    return fit_block(name, "serif-bold", 40, width)[1]


def _clip(text: str, width: int = 40) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def name_warnings(name: str, settings: Settings, serial: str = "") -> list[str]:
    """What would print badly in a name on a certificate, one sentence per fault: letters no font
    prints (boxes), and a name too long to read. The one rule for the command line and the window,
    when certificates are printed and when participants are imported."""
    warnings = []
    of = f"the name of {_clip(name)}" if not serial else f"the name of {_clip(name)} ({serial})"
    missing = fonts.uncovered(name, "serif-bold")
    if missing:
        warnings.append(f"no font prints {' '.join(missing)} in {of}")
    size = name_size(name, settings)
    if size < LEGIBLE_PT:
        where = f"{serial}, " if serial else ""
        warnings.append(
            f"the name of {_clip(name)} ({where}{len(name)} characters) "
            f"prints at {size:.1f} pt on a certificate, too small to read; shorten it in the participant's record"
        )
    return warnings


def print_warnings(certs: Iterable[Issued], settings: Settings) -> list[str]:
    """What would print badly, one sentence per certificate and fault (see name_warnings)."""
    return [warning for cert in certs for warning in name_warnings(cert.name, settings, cert.serial)]


def preview_issued(c: Candidate) -> Issued:
    """An unsaved stand-in for a candidate's certificate, for a preview before issuing."""
    return Issued(
        id=0,
        serial="PD-PREVIEW",
        participant_id=c.participant_id,
        name=c.name,
        email=c.email,
        program_id=c.program_id,
        program=c.program,
        award_id=c.award_id,
        kind=c.kind,
        issued_on=_today(),
        content=content_for(c),
    )


def _today() -> dt.date:
    from peerdesk import clock

    return clock.today()


@dataclass
class BatchResult:
    """What a print run did."""

    issued: list[Issued] = field(default_factory=list)
    files: list[Path] = field(default_factory=list)
    new: int = 0  # certificates issued for the first time by this run


def is_single_file(out: str | os.PathLike[str]) -> bool:
    """`--out X.pdf` means one PDF; anything else is a folder with one file each."""
    return str(out).lower().endswith(".pdf")
