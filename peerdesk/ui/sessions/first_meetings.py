"""Schedule first meetings: the one action the Sessions page and the Pairings page share."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtWidgets import QWidget

from peerdesk import clock
from peerdesk.jobs import Cancelled
from peerdesk.sessions.scheduling import (
    FirstMeeting,
    book_first_meetings,
    pairings_without_sessions,
    plan_first_meetings,
)
from peerdesk.store import pairings as store
from peerdesk.store.errors import StoreError
from peerdesk.ui.common import widgets
from peerdesk.ui.common.context import AppContext
from peerdesk.ui.common.jobs import run_read_job
from peerdesk.wording import plural as _plural

TITLE = "Schedule first meetings"
WEEKS = 4
SHOWN_FAILURES = 12


def nothing_to_schedule(db: Any, program_id: int | None, program: str = "") -> str:
    """Why there is nothing to book: no active pairing at all, or every one has a session."""
    where = f" in {program}" if program else ""
    if store.count_active(db, program_id) == 0:
        return (
            f"There are no active pairings{where} yet. Propose and accept a matching round "
            "on the Pairings page, then schedule their first meetings."
        )
    return f"Every active pairing{where} already has a session."


def summary(results: list[FirstMeeting]) -> str:
    """What was booked and, for the rest, why not (the first few)."""
    booked = [r for r in results if r.session is not None]
    failed = [r for r in results if r.session is None]
    text = f"Booked {_plural(len(booked), 'first meeting', 'first meetings')}."
    if failed:
        text += "\n\nNot booked:\n" + "\n".join(f"• {r.names}: {r.message}" for r in failed[:SHOWN_FAILURES])
        if len(failed) > SHOWN_FAILURES:
            text += f"\n…and {len(failed) - SHOWN_FAILURES} more"
    return text


def schedule_first_meetings(
    ctx: AppContext,
    parent: QWidget | None,
    *,
    display_tz: str,
    program_id: int | None = None,
    round_id: int | None = None,
    program: str = "",
    say: Callable[[str], None] | None = None,
) -> list[FirstMeeting] | None:
    """Ask, plan off the UI thread, book in one undoable step and report; None when nothing was booked.

    `say` shows a one-line outcome (a status bar), such as a cancelled search.
    """
    todo = pairings_without_sessions(ctx.db, program_id, round_id=round_id)
    if not todo:
        widgets.inform(parent, TITLE, nothing_to_schedule(ctx.db, program_id, program))
        return None
    lengths = sorted({t.duration_min for t in todo})
    length = f"{lengths[0]} minutes" if len(lengths) == 1 else "as long as its program's meetings"
    later = [t for t in todo if t.started_on > clock.today()]
    start = "that suits its members"
    if later:
        start = "that suits its members, on or after the day the pairing starts"
    n = len(todo)
    if not widgets.confirm(
        parent,
        TITLE,
        f"{_plural(n, 'active pairing has', 'active pairings have')} no session yet. Book each one's first meeting "
        f"({length}) at the earliest time within {WEEKS} weeks {start}?",
        "Schedule",
    ):
        return None
    try:
        plan = run_read_job(
            parent,
            ctx,
            "Finding first meetings",
            plan_first_meetings,
            weeks=WEEKS,
            program_id=program_id,
            round_id=round_id,
            display_tz=display_tz,
        )
    except Cancelled as exc:
        if say is not None:
            say(str(exc))
        return None
    except StoreError as exc:
        widgets.warn(parent, TITLE, str(exc))
        return None
    results = widgets.run_write(ctx, parent, TITLE, book_first_meetings, plan)
    if results is None:
        return None
    text = summary(results)
    widgets.inform(parent, TITLE, text)
    if say is not None:
        say(text.splitlines()[0])
    return results
