"""The hard rules, checked pair by pair in plain Python: the independent referee of a proposal.

The solvers apply the same rules as boolean matrices (scoring.Features.allowed); this
module restates them the slow, obvious way so tests and benchmarks can confirm that no
proposal ever breaks one.
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from peerdesk.matching.availability import SLOT_MIN, slot_row
from peerdesk.matching.model import MAX_GROUP, MIN_GROUP, PAIR_MODES, Person, Problem, Proposal, pair_key


def overlap_minutes(a: Person, b: Person, problem: Problem) -> int | None:
    """Weekly common minutes in UTC, or None when either stated no availability."""
    if not a.availability or not b.availability:
        return None
    ra = slot_row(a.availability, a.timezone, problem.reference_monday)
    rb = slot_row(b.availability, b.timezone, problem.reference_monday)
    return int((ra & rb).sum()) * SLOT_MIN


def pair_violations(problem: Problem, a: Person, b: Person) -> list[str]:
    """Every hard rule that forbids a and b sharing a pair or circle."""
    out = []
    if a.id == b.id:
        out.append("paired with themselves")
    if a.manager_email and a.manager_email.casefold() == b.email.casefold():
        out.append(f"{a.email} with their manager")
    if b.manager_email and b.manager_email.casefold() == a.email.casefold():
        out.append(f"{b.email} with their manager")
    key = pair_key(a.id, b.id)
    if key in problem.exclusions:
        out.append(f"{a.email} and {b.email} are excluded")
    for asker, other in ((a, b), (b, a)):
        if other.id in asker.avoids:
            out.append(f"{asker.email} asked not to be paired with {other.email}")
    minutes = overlap_minutes(a, b, problem)
    needed = max(15, problem.min_overlap_minutes)  # two people must have some common time
    if minutes is not None and minutes < needed:
        out.append(f"{a.email} and {b.email} have {minutes} min/week in common")
    if problem.mode in PAIR_MODES and key in problem.history.recent:
        out.append(f"{a.email} and {b.email} met in the last rounds")
    if problem.mode == "cross_functional" and a.department and a.department.casefold() == b.department.casefold():
        out.append(f"{a.email} and {b.email} are both in {a.department}")
    return out


def violations(problem: Problem, proposal: Proposal) -> list[str]:
    """Every broken hard rule in a proposal (an empty list means it is valid)."""
    by_id = {p.id: p for p in problem.people}
    out: list[str] = []
    seen: Counter[int] = Counter()
    mentees_of: Counter[int] = Counter()  # proposed by the solver
    locked_mentees: Counter[int] = Counter()  # kept from the coordinator's locks
    locked = {tuple(sorted(g.ids)) for g in problem.locked}
    proposed = {tuple(sorted(g.ids)) for g in proposal.groups}
    for ids in locked - proposed:
        out.append(f"locked group {ids} was changed")
    for g in proposal.groups:
        members = [by_id.get(i) for i in g.ids]
        if any(m is None for m in members):
            out.append(f"unknown person in {g.ids}")
            continue
        for m in g.members:
            seen[m.id] += 1
        is_locked = tuple(sorted(g.ids)) in locked
        people = [m for m in members if m is not None]
        for p in people:
            if not p.matchable and not is_locked:
                out.append(f"{p.email} is {p.status if p.status != 'active' else 'archived'}")
        if problem.mode == "mentoring":
            roles = {m.role: by_id[m.id] for m in g.members}
            if len(g.members) != 2 or set(roles) != {"mentor", "mentee"}:
                out.append(f"mentoring group {g.ids} is not a mentor with a mentee")
                continue
            mentor, mentee = roles["mentor"], roles["mentee"]
            (locked_mentees if is_locked else mentees_of)[mentor.id] += 1
            if not mentor.can_mentor and not is_locked:
                out.append(f"{mentor.email} is not a mentor")
            if not mentee.can_be_mentee and not is_locked:
                out.append(f"{mentee.email} is not a mentee")
            if problem.options.only_trained_mentors and not mentor.trained and not is_locked:
                out.append(f"{mentor.email} has not finished training")
            if not is_locked:
                out += pair_violations(problem, mentor, mentee)
                if problem.options.require_skill and mentee.learns and not teaches_wanted(mentor, mentee):
                    out.append(f"{mentor.email} teaches nothing {mentee.email} wants")
            continue
        if is_locked:
            continue
        size = len(people)
        if problem.mode == "circles":
            if not MIN_GROUP <= size <= MAX_GROUP:
                out.append(f"circle {g.ids} has {size} members")
            out += circle_violations(problem, people, g.skill)
        elif size not in (2, 3) or (size == 3 and problem.options.odd_person != "trio"):
            out.append(f"group {g.ids} has {size} members")
        for i, a in enumerate(people):
            for b in people[i + 1 :]:
                out += pair_violations(problem, a, b)
    for pid, count in seen.items():
        if count > 1 and problem.mode != "mentoring":
            out.append(f"{by_id[pid].email} is in {count} groups")
    if problem.mode == "mentoring":
        mentee_count = Counter(m.id for g in proposal.groups for m in g.members if m.role == "mentee")
        for pid, count in mentee_count.items():
            if count > 1:
                out.append(f"{by_id[pid].email} has {count} mentors")
        for pid, count in mentees_of.items():
            room = max(0, by_id[pid].capacity - locked_mentees[pid])
            if count > room:
                out.append(f"{by_id[pid].email} was given {count} mentees with room for {room}")
    return out


def circle_violations(problem: Problem, people: list[Person], skill: str | None) -> list[str]:
    """A circle's own rules: everyone wants to learn its skill (or, with none given, some skill in
    common), and all are free together for a meeting."""
    out = []
    if skill is None:
        wanted = set.intersection(*({s.skill.casefold() for s in p.learns} for p in people)) if people else set()
        if not wanted:
            out.append(f"{', '.join(p.name for p in people)} want to learn no skill in common")
    else:
        for p in people:
            if not any(s.skill.casefold() == skill.casefold() for s in p.learns):
                out.append(f"{p.name} does not want to learn {skill}")
    if not meet_together(problem, people):
        out.append(
            f"{', '.join(p.email for p in people)} are never free together for {problem.meeting_minutes} minutes"
        )
    return out


def meet_together(problem: Problem, people: list[Person]) -> bool:
    """Whether everyone who stated hours is free at once for a whole meeting in the reference week."""
    rows = [slot_row(p.availability, p.timezone, problem.reference_monday) for p in people if p.availability]
    if not rows:
        return True
    common = np.logical_and.reduce(rows)
    need = -(-problem.meeting_minutes // SLOT_MIN)
    run = common.copy()
    for shift in range(1, need):
        run &= np.roll(common, -shift)  # the week wraps from Sunday night to Monday
    return bool(run.any())


def teaches_wanted(mentor: Person, mentee: Person) -> bool:
    taught = {s.skill.casefold(): s.level for s in mentor.teaches}
    return any(taught.get(s.skill.casefold(), 0) > s.level for s in mentee.learns)
