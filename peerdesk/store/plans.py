"""Meeting plans (session guides): a program's meetings in order, and where each pairing is in it.

A plan is an ordered list of steps, each with a title, an agenda, questions and links (one
per line). A session of a pairing takes at most one step (sessions.plan_step_id). A new
session saved with plan_step_id NEXT_STEP takes the step after the furthest one its pairing
has reached with sessions that are not cancelled (the first step when it has none; no step
once the plan is done or when the pairing's program has no plan).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from peerdesk.store.db import Database
from peerdesk.store.errors import NotFound, ValidationError

# Session.plan_step_id for "the next step of its pairing's plan, decided when saved".
NEXT_STEP = 0
MAX_STEPS = 52
MAX_TITLE = 120
_URL = re.compile(r"https?://\S+\.\S+", re.IGNORECASE)


@dataclass(frozen=True)
class PlanStep:
    """One meeting of a plan: what it is for, what to talk about, what to ask, what to read."""

    title: str
    agenda: str = ""
    questions: str = ""  # one per line
    links: str = ""  # one per line: a web address, optionally after a label ("Guide https://…")
    position: int = 0  # 1-based once saved
    id: int | None = None

    @property
    def question_list(self) -> list[str]:
        return [q.strip() for q in self.questions.splitlines() if q.strip()]

    @property
    def link_list(self) -> list[str]:
        return [link.strip() for link in self.links.splitlines() if link.strip()]


@dataclass(frozen=True)
class StepOfSession:
    """The step a session takes, with its place in the plan ('2 of 6')."""

    step: PlanStep
    total: int

    @property
    def label(self) -> str:
        return f"Meeting {self.step.position} of {self.total}: {self.step.title}"

    def guide(self) -> str:
        """The session guide as plain text: which meeting, its agenda, questions and links."""
        return guide_text(self.step, self.total)


def guide_text(step: PlanStep, total: int) -> str:
    """'Meeting 2 of 6: Skills plan', then the agenda, the questions and the links, as plain text."""
    parts = [f"Meeting {step.position} of {total}: {step.title}"]
    if step.agenda.strip():
        parts.append(step.agenda.strip())
    if step.question_list:
        parts.append("Questions to talk about:\n" + "\n".join(f"- {q}" for q in step.question_list))
    if step.link_list:
        parts.append("To read or use:\n" + "\n".join(f"- {link}" for link in step.link_list))
    return "\n\n".join(parts)


@dataclass(frozen=True)
class PlanProgress:
    """Where a pairing is in its program's plan."""

    pairing_id: int
    total: int  # steps in the plan (0: the program has no plan)
    reached: int  # position of the furthest step among its sessions that are not cancelled (0: none)
    held: int  # steps of its held sessions
    next_title: str = ""  # the step its next meeting takes ('' when the plan is done)

    @property
    def text(self) -> str:
        """'3 of 6 · next: Shadowing', 'not started · next: Goals', 'all 6 held', 'all 6 booked, 4 held';
        '' without a plan."""
        if not self.total:
            return ""
        if self.reached >= self.total:
            return f"all {self.total} held" if self.held >= self.total else f"all {self.total} booked, {self.held} held"
        head = f"{self.reached} of {self.total}" if self.reached else "not started"
        return f"{head} · next: {self.next_title}"


_COLS = "id, position, title, agenda, questions, links"


def _step(row: tuple[object, ...]) -> PlanStep:
    return PlanStep(
        id=int(row[0]),  # type: ignore[call-overload]
        position=int(row[1]),  # type: ignore[call-overload]
        title=str(row[2]),
        agenda=str(row[3]),
        questions=str(row[4]),
        links=str(row[5]),
    )


def plan_of(db: Database, program_id: int) -> list[PlanStep]:
    """A program's plan, first meeting first (empty when it has none)."""
    return [
        _step(r)
        for r in db.execute(f"SELECT {_COLS} FROM plan_steps WHERE program_id = ? ORDER BY position, id", (program_id,))
    ]


def get_step(db: Database, step_id: int) -> PlanStep:
    row = db.execute(f"SELECT {_COLS} FROM plan_steps WHERE id = ?", (step_id,)).fetchone()
    if row is None:
        raise NotFound(f"Plan step {step_id} does not exist.")
    return _step(row)


def validate_step(step: PlanStep, number: int) -> PlanStep:
    """The step tidied up, or ValidationError naming the meeting by its number."""
    title = " ".join(step.title.split())
    if not title:
        raise ValidationError(f"Meeting {number} needs a title.", "title")
    if len(title) > MAX_TITLE:
        raise ValidationError(f"The title of meeting {number} is longer than {MAX_TITLE} characters.", "title")
    for line in step.link_list:
        if not _URL.search(line):
            raise ValidationError(
                f"Meeting {number}: '{line}' is not a web link (one link per line, starting with https://).", "links"
            )
    tidy = "\n".join
    return replace(
        step,
        title=title,
        agenda=step.agenda.strip(),
        questions=tidy(step.question_list),
        links=tidy(step.link_list),
        position=number,
    )


def save_plan(db: Database, program_id: int, steps: Sequence[PlanStep]) -> list[PlanStep]:
    """Make a program's plan exactly these steps, in this order (steps keep their ids, so the
    sessions that took them keep them); steps left out are removed. Returns the saved plan."""
    if not db.execute("SELECT 1 FROM programs WHERE id = ?", (program_id,)).fetchone():
        raise NotFound(f"Program {program_id} does not exist.")
    if len(steps) > MAX_STEPS:
        raise ValidationError(f"A plan has at most {MAX_STEPS} meetings.", "steps")
    checked = [validate_step(s, i) for i, s in enumerate(steps, 1)]
    current = {s.id: s for s in plan_of(db, program_id)}
    saved: list[PlanStep] = []
    with db.atomic():
        kept = {s.id for s in checked if s.id in current}
        for step_id in set(current) - kept:
            db.execute("DELETE FROM plan_steps WHERE id = ?", (step_id,))
        for s in checked:
            values = (s.position, s.title, s.agenda, s.questions, s.links)
            if s.id in current:
                if current[s.id] != s:
                    db.execute(
                        "UPDATE plan_steps SET position=?, title=?, agenda=?, questions=?, links=? WHERE id=?",
                        (*values, s.id),
                    )
                saved.append(s)
            else:
                cur = db.execute(
                    "INSERT INTO plan_steps(program_id, position, title, agenda, questions, links) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (program_id, *values),
                )
                saved.append(replace(s, id=int(cur.lastrowid or 0)))
    return saved


def _pairing_program(db: Database, pairing_id: int) -> int | None:
    row = db.execute("SELECT program_id FROM pairings WHERE id = ?", (pairing_id,)).fetchone()
    return None if row is None or row[0] is None else int(row[0])


def next_step(db: Database, pairing_id: int, *, exclude_session: int | None = None) -> PlanStep | None:
    """The step a new meeting of the pairing takes, or None (no plan, or the plan is done)."""
    program_id = _pairing_program(db, pairing_id)
    if program_id is None:
        return None
    reached = db.execute(
        "SELECT coalesce(max(ps.position), 0) FROM sessions s JOIN plan_steps ps ON ps.id = s.plan_step_id "
        "WHERE s.pairing_id = ? AND s.status != 'cancelled' AND s.id IS NOT ?",
        (pairing_id, exclude_session),
    ).fetchone()[0]
    row = db.execute(
        f"SELECT {_COLS} FROM plan_steps WHERE program_id = ? AND position > ? ORDER BY position, id LIMIT 1",
        (program_id, reached),
    ).fetchone()
    return _step(row) if row else None


def resolve_step(
    db: Database, pairing_id: int | None, step_id: int | None, session_id: int | None = None
) -> int | None:
    """The plan_step_id to store for a session: NEXT_STEP becomes the pairing's next step; an
    explicit step must belong to the plan of the pairing's program."""
    if step_id is None:
        return None
    if step_id == NEXT_STEP:
        if pairing_id is None:
            return None
        step = next_step(db, pairing_id, exclude_session=session_id)
        return step.id if step else None
    row = db.execute("SELECT program_id FROM plan_steps WHERE id = ?", (step_id,)).fetchone()
    if row is None:
        raise ValidationError(f"Plan step {step_id} does not exist.", "plan_step")
    if pairing_id is None or _pairing_program(db, pairing_id) != row[0]:
        raise ValidationError("A plan step belongs to the meetings of a pairing of its program.", "plan_step")
    return step_id


def steps_of_sessions(db: Database, session_ids: Iterable[int]) -> dict[int, StepOfSession]:
    """The step each of these sessions takes (sessions without one are left out)."""
    ids = sorted(set(session_ids))
    out: dict[int, StepOfSession] = {}
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        marks = ",".join("?" * len(chunk))
        for row in db.execute(
            f"SELECT s.id, ps.id, ps.position, ps.title, ps.agenda, ps.questions, ps.links, "
            "(SELECT count(*) FROM plan_steps t WHERE t.program_id = ps.program_id) "
            f"FROM sessions s JOIN plan_steps ps ON ps.id = s.plan_step_id WHERE s.id IN ({marks})",
            chunk,
        ):
            out[int(row[0])] = StepOfSession(_step(row[1:7]), int(row[7]))
    return out


def plan_progress(db: Database, pairing_ids: Iterable[int] | None = None) -> dict[int, PlanProgress]:
    """Where each pairing (all of them when None) is in its program's plan; pairings whose
    program has no plan are left out."""
    where, params = "", []
    if pairing_ids is not None:
        ids = sorted(set(pairing_ids))
        if not ids:
            return {}
        where, params = f" AND pr.id IN ({','.join('?' * len(ids))})", ids
    totals: dict[int, list[tuple[int, str]]] = {}
    for program_id, position, title in db.execute(
        "SELECT program_id, position, title FROM plan_steps ORDER BY program_id, position, id"
    ):
        totals.setdefault(program_id, []).append((position, title))
    out: dict[int, PlanProgress] = {}
    for pid, program_id, reached, held in db.execute(
        "SELECT pr.id, pr.program_id, "
        "(SELECT coalesce(max(ps.position), 0) FROM sessions s JOIN plan_steps ps ON ps.id = s.plan_step_id "
        " WHERE s.pairing_id = pr.id AND s.status != 'cancelled'), "
        "(SELECT count(DISTINCT s.plan_step_id) FROM sessions s WHERE s.pairing_id = pr.id AND s.status = 'held') "
        f"FROM pairings pr WHERE pr.program_id IS NOT NULL{where}",
        params,
    ):
        steps = totals.get(program_id)
        if not steps:
            continue
        later = [title for position, title in steps if position > reached]
        out[int(pid)] = PlanProgress(int(pid), len(steps), int(reached), int(held), later[0] if later else "")
    return out


def number_meetings(db: Database, program_id: int) -> int:
    """Give the plan's steps, in start order, to the meetings of the program's pairings that
    have none yet (after a plan is set on a program with history); return how many got one."""
    steps = [s.id for s in plan_of(db, program_id)]
    if not steps:
        return 0
    n = 0
    with db.atomic():
        for (pairing_id,) in db.execute("SELECT id FROM pairings WHERE program_id = ?", (program_id,)).fetchall():
            taken = {
                r[0]
                for r in db.execute(
                    "SELECT plan_step_id FROM sessions WHERE pairing_id = ? AND status != 'cancelled' "
                    "AND plan_step_id IS NOT NULL",
                    (pairing_id,),
                )
            }
            free = [s for s in steps if s not in taken]
            sessions = db.execute(
                "SELECT id FROM sessions WHERE pairing_id = ? AND status != 'cancelled' AND plan_step_id IS NULL "
                "ORDER BY start_utc, id",
                (pairing_id,),
            ).fetchall()
            for (sid,), step_id in zip(sessions, free, strict=False):
                db.execute("UPDATE sessions SET plan_step_id = ? WHERE id = ?", (step_id, sid))
                n += 1
    return n
