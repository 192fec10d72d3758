"""Stated choices: ranked preferred partners and a mentor to keep, as one part of a pair's score.

A 1st choice (or the mentor someone asked to keep) is worth 1, each later rank 0.15 less, down
to 0.4 for a 5th choice. A pair's part is the larger of what the two are worth to each other,
so it is the same both ways (the solvers' scores are symmetric); the mentor to keep counts
only with that mentor as the mentor. A choice never overrides a hard rule: the score of a
forbidden pair is 0 whatever anyone chose, and someone asked to be avoided is a hard rule of
its own (scoring.Features.allowed).
"""

from __future__ import annotations

from collections.abc import Iterable

from peerdesk.matching.model import ChoicesGranted, Group, Mode, Person, Problem
from peerdesk.store.records import MAX_PREFERRED

RANK_STEP = 0.15


def choice_value(rank: int) -> float:
    """What a choice of this rank (0 = 1st) is worth to the person who made it."""
    return 1.0 - RANK_STEP * rank


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th ..."""
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def ranks_of(p: Person, mode: Mode) -> dict[int, int]:
    """The people p chose, by id, with the rank of each (0 = 1st); in mentoring, the mentor they
    ask to keep ranks first."""
    ranks: dict[int, int] = {}
    if mode == "mentoring" and p.keep_mentor is not None and p.keep_mentor != p.id:
        ranks[p.keep_mentor] = 0
    for rank, other in enumerate(p.prefers[:MAX_PREFERRED]):
        if other != p.id:
            ranks.setdefault(other, rank)
    return ranks


def pair_values(people: tuple[Person, ...], index: dict[int, int], mode: Mode) -> dict[tuple[int, int], float]:
    """(row position, column position) -> the pair's choice part, for every chosen pair among people.

    Preferred partners count both ways round; the mentor to keep only as (mentor, mentee)."""
    best: dict[tuple[int, int], float] = {}

    def put(key: tuple[int, int], value: float) -> None:
        if best.get(key, 0.0) < value:
            best[key] = value

    for k, p in enumerate(people):
        for rank, other in enumerate(p.prefers[:MAX_PREFERRED]):
            j = index.get(other)
            if j is not None and j != k:
                put((k, j), choice_value(rank))
                put((j, k), choice_value(rank))
        if mode == "mentoring" and p.keep_mentor is not None:
            j = index.get(p.keep_mentor)
            if j is not None and j != k:
                put((j, k), choice_value(0))
    return best


def _first(name: str) -> str:
    return name.split()[0] if name.split() else name


def choice_facts(people: list[Person], roles: list[str], mode: Mode) -> list[str]:
    """The choices a group grants, in words: "Max's 1st choice", "Zoë asked to keep Ana as mentor"."""
    facts: list[str] = []
    pair = len(people) == 2
    granted: list[tuple[Person, Person, int]] = []  # (who chose, whom, rank)
    for i, a in enumerate(people):
        for j, b in enumerate(people):
            if i == j:
                continue
            if mode == "mentoring" and a.keep_mentor == b.id and roles[i] == "mentee" and roles[j] == "mentor":
                facts.append(f"{_first(a.name)} asked to keep {_first(b.name)} as mentor")
                continue
            if b.id in a.prefers[:MAX_PREFERRED]:
                granted.append((a, b, a.prefers.index(b.id)))
    if pair and len(granted) == 2 and granted[0][2] == granted[1][2]:
        return facts + [f"each other's {ordinal(granted[0][2] + 1)} choice"]
    for a, b, rank in granted:
        words = f"{_first(a.name)}'s {ordinal(rank + 1)} choice"
        facts.append(words if pair else f"{_first(b.name)} is {words}")
    return facts


def rank_with(p: Person, other: int, role: str, other_role: str, mode: Mode) -> int | None:
    """The rank (0 = 1st) of `other` among p's choices in a group where p has `role` and they have
    `other_role`, or None: a mentor to keep counts only as p's mentor."""
    ranks = []
    if other != p.id and other in p.prefers[:MAX_PREFERRED]:
        ranks.append(p.prefers.index(other))
    if mode == "mentoring" and p.keep_mentor == other and (role, other_role) == ("mentee", "mentor"):
        ranks.append(0)
    return min(ranks) if ranks else None


def granted(problem: Problem, groups: Iterable[Group], population: Iterable[int]) -> ChoicesGranted:
    """How many people of the population (who stated a choice among the problem's people) got
    their 1st choice, one of their top 3, or none."""
    by_id = {p.id: p for p in problem.people}
    best: dict[int, int] = {}
    for g in groups:
        for m in g.members:
            p = by_id.get(m.id)
            if p is None:
                continue
            for o in g.members:
                rank = rank_with(p, o.id, m.role, o.role, problem.mode) if o.id != m.id else None
                if rank is not None:
                    best[m.id] = min(rank, best.get(m.id, rank))
    stated = first = top3 = none = 0
    for pid in set(population):
        p = by_id.get(pid)
        if p is None or not any(other in by_id for other in ranks_of(p, problem.mode)):
            continue
        stated += 1
        rank = best.get(pid)
        if rank is None:
            none += 1
            continue
        first += rank == 0
        top3 += rank <= 2
    return ChoicesGranted(stated, first, top3, none)
