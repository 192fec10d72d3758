"""One matching run: from a Problem to a Proposal with scores, reasons and the unmatched."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from peerdesk.matching import choices, explain, rounds
from peerdesk.matching.circles import solve_circles
from peerdesk.matching.common import CancelCheck, Progress, Steps
from peerdesk.matching.mentoring import mentoring_sides
from peerdesk.matching.model import OBJECTIVE_MODES, PARTS, Group, Member, Person, Problem, Proposal, Unmatched
from peerdesk.matching.scoring import Features


def pool_of(problem: Problem) -> tuple[tuple[Person, ...], dict[int, int]]:
    """People the solver may place, and each one's free mentoring places (by position).

    Paused, alumni and archived people are left out. Members of locked groups are placed
    already, except that in mentoring a locked pair's mentor may take more mentees while
    they have room.
    """
    locked_mentees: dict[int, int] = {}
    placed: set[int] = set()
    for g in problem.locked:
        for pid, role in g.members:
            if problem.mode == "mentoring" and role == "mentor":
                locked_mentees[pid] = locked_mentees.get(pid, 0) + sum(1 for _, r in g.members if r == "mentee")
            else:
                placed.add(pid)
    people = tuple(p for p in problem.people if p.matchable and p.id not in placed)
    capacity = {k: max(0, p.capacity - locked_mentees.get(p.id, 0)) for k, p in enumerate(people)}
    return people, capacity


def propose(problem: Problem, progress: Progress | None = None, cancel: CancelCheck | None = None) -> Proposal:
    """Solve one round for the options' objective (circles: always best total);
    raises common.Cancelled if cancel() turns true."""
    if problem.options.objective != "best" and problem.mode not in OBJECTIVE_MODES:
        problem = replace(problem, options=replace(problem.options, objective="best"))
    steps = Steps(progress, cancel)
    steps(0.0, "Preparing")
    people, capacity = pool_of(problem)
    f = Features(problem, people)
    if problem.mode == "mentoring":
        proposal = _mentoring(f, capacity, steps)
    elif problem.mode == "circles":
        proposal = _circles(f, steps)
    else:
        proposal = _pairs(f, steps)
    locked = _locked_groups(problem)
    if locked:
        groups = tuple(locked) + proposal.groups
        total = sum(g.objective for g in groups)
        proposal = replace(
            proposal,
            groups=groups,
            total_score=total,
            upper_bound=None if proposal.upper_bound is None else proposal.upper_bound + total - proposal.total_score,
        )
    proposal = with_choices(problem, proposal)
    steps(1.0, "Done")
    return proposal


def with_choices(problem: Problem, proposal: Proposal) -> Proposal:
    """The proposal with its count of choices granted, over everyone who takes part in the round:
    the people placed and left out, and in mentoring the mentors with a free place."""
    population = proposal.matched_ids | {u.id for u in proposal.unmatched}
    if problem.mode == "mentoring":
        people, capacity = pool_of(problem)
        only_trained = problem.options.only_trained_mentors
        population |= {
            p.id
            for k, p in enumerate(people)
            if p.can_mentor and capacity.get(k, 0) > 0 and (p.trained or not only_trained)
        }
    return replace(proposal, choices=choices.granted(problem, proposal.groups, population))


def _member(p: Person, role: str) -> Member:
    return Member(p.id, p.email, p.name, role, p.department)


def _make_groups(
    f: Features,
    groups: Sequence[Sequence[int]],
    roles: Sequence[Sequence[str]],
    *,
    directed: bool,
    circles: bool,
    skills: Sequence[str | None] | None = None,
) -> list[Group]:
    """Groups with score (mean of their pairs), weighted breakdown and facts (circles: around
    the given skill keys, else the skill they all want)."""
    rows: list[int] = []
    cols: list[int] = []
    spans = []
    for members in groups:
        start = len(rows)
        if directed:
            rows.append(members[0])
            cols.append(members[1])
        else:
            for i, a in enumerate(members):
                for b in members[i + 1 :]:
                    rows.append(a)
                    cols.append(b)
        spans.append((start, len(rows)))
    parts, scores = explain.parts_of_pairs(f, rows, cols)
    total = f.problem.weights.total
    weights = np.array([getattr(f.problem.weights, name) / total for name in PARTS])
    starts = np.array([s for s, _ in spans], dtype=np.int64)
    counts = np.array([e - s for s, e in spans], dtype=np.float64)
    if len(spans) and len(rows):
        mean_parts_all = np.add.reduceat(parts, starts, axis=0) / counts[:, None] * weights
        mean_scores = np.add.reduceat(scores, starts) / counts
    else:
        mean_parts_all = np.zeros((len(spans), len(PARTS)))
        mean_scores = np.zeros(len(spans))
    out = []
    for k, (members, member_roles) in enumerate(zip(groups, roles, strict=True)):
        breakdown = {name: float(v) for name, v in zip(PARTS, mean_parts_all[k], strict=True)}
        score = float(mean_scores[k])
        skill = None
        if circles:
            skill, host, facts = explain.circle_skill(f, list(members), skills[k] if skills else None)
            if host is not None:
                member_roles = ["host" if m == host else "peer" for m in members]
            facts += explain.group_facts(f, list(members))
        elif len(members) == 2:
            facts = explain.pair_facts(f, members[0], members[1], directed=directed)
        else:
            facts = explain.pair_facts(f, members[0], members[1], directed=False)
            facts.append(f"{explain._first(f.people[members[2]].name)} joins as the odd one out")
        facts = choices.choice_facts([f.people[m] for m in members], list(member_roles), f.mode) + facts
        out.append(
            Group(
                members=tuple(_member(f.people[m], r) for m, r in zip(members, member_roles, strict=True)),
                score=score,
                breakdown=breakdown,
                facts=tuple(facts),
                skill=skill,
            )
        )
    return out


def _mentoring(f: Features, capacity: dict[int, int], steps: Steps) -> Proposal:
    objective = f.problem.options.objective
    result = rounds.mentoring_round(f, capacity, steps, objective)
    groups = _make_groups(
        f, [[m, e] for m, e in result.pairs], [["mentor", "mentee"]] * len(result.pairs), directed=True, circles=False
    )
    mentors, mentees = mentoring_sides(f, capacity)
    matched = {e for _, e in result.pairs}
    mentors_in_round: dict[int, str] = {}
    for g in groups:
        mentor, mentee = g.members
        mentors_in_round[mentor.id] = (
            f"{mentors_in_round[mentor.id]}, {mentee.name}" if mentor.id in mentors_in_round else mentee.name
        )
    allowed = result.block.allowed
    col_of = {int(c): k for k, c in enumerate(mentees)}
    unmatched = []
    for e in mentees:
        e = int(e)
        if e in matched:
            continue
        fits = int(allowed[:, col_of[e]].sum()) if len(mentors) else 0
        p = f.people[e]
        reason = explain.mentee_reason(f, e, capacity, fits)
        if p.id in mentors_in_round:
            # a "both" who mentors someone this round: only their own mentee side is unmatched
            reason = f"unmatched as mentee (mentors {mentors_in_round[p.id]} this round): {reason}"
        unmatched.append(Unmatched(p.id, p.email, p.name, reason))
    could = int(allowed.any(axis=0).sum()) if len(mentors) else 0
    return Proposal(
        mode="mentoring",
        groups=tuple(groups),
        unmatched=tuple(sorted(unmatched, key=lambda u: u.name.casefold())),
        total_score=sum(g.score for g in groups),
        optimal=objective != "stable",  # exact for its objective; a stable round optimises none
        eligible=len(mentees),
        could_match=could,
        objective=objective,
        blocking_pairs=rounds.mentoring_blocking(f, result),
    )


def _pairs(f: Features, steps: Steps) -> Proposal:
    result = rounds.pairs_round(f, steps, f.problem.options.objective)
    steps(0.9, "Explaining the pairs")
    groups = _make_groups(f, result.pairs, [["peer", "peer"]] * len(result.pairs), directed=False, circles=False)
    groups += _make_groups(f, result.trios, [["peer"] * 3] * len(result.trios), directed=False, circles=False)
    matched = {m for g in result.pairs for m in g} | {m for g in result.trios for m in g}
    allowed = result.block.allowed
    last = f.problem.history.last_sat_out
    unmatched = []
    everyone = np.arange(f.n, dtype=np.int64)
    for k in range(f.n):
        if k in matched:
            continue
        p = f.people[k]
        if k in result.sat_out:
            when = f"last sat out in round {last[p.id]}" if p.id in last else "has never sat out before"
            unmatched.append(Unmatched(p.id, p.email, p.name, f"sits out this round (odd number; {when})", True))
        elif not allowed[k].any():
            unmatched.append(Unmatched(p.id, p.email, p.name, explain.blocked_reason(f, k, everyone, "partner")))
        else:
            n = int(allowed[k].sum())
            reason = (
                "the one possible partner is paired with someone who has fewer options or fits better"
                if n == 1
                else f"all {n} possible partners are paired with people who have fewer options or fit better"
            )
            note = explain.kept_apart(f, k, everyone, "partner", only=False)
            unmatched.append(Unmatched(p.id, p.email, p.name, reason if note is None else f"{reason}; {note}"))
    total = sum(g.objective for g in groups)
    bound = result.upper_bound
    if bound is not None and result.trios:
        # The relaxation bounds matchings; a trio scores three pairs where a matching has one,
        # so each trio may add at most two pair scores beyond it.
        best = float(result.block.score[result.block.allowed].max()) if result.block.allowed.any() else 0.0
        bound += 2 * best * len(result.trios)
    return Proposal(
        mode=f.mode,
        groups=tuple(groups),
        unmatched=tuple(sorted(unmatched, key=lambda u: (not u.sat_out, u.name.casefold()))),
        total_score=total,
        upper_bound=bound,
        optimal=result.optimal,
        eligible=f.n,
        could_match=int(allowed.any(axis=1).sum()),
        objective=f.problem.options.objective,
        blocking_pairs=rounds.pairs_blocking(result),
    )


def _circles(f: Features, steps: Steps) -> Proposal:
    result = solve_circles(f, steps)
    steps(0.95, "Explaining the circles")
    groups = _make_groups(
        f,
        result.groups,
        [["peer"] * len(g) for g in result.groups],
        directed=False,
        circles=True,
        skills=result.skills,
    )
    placed = {m for g in result.groups for m in g}
    unmatched = []
    for k in range(f.n):
        if k in placed:
            continue
        p = f.people[k]
        unmatched.append(Unmatched(p.id, p.email, p.name, explain.circle_reason(f, k, result)))
    return Proposal(
        mode="circles",
        groups=tuple(groups),
        unmatched=tuple(sorted(unmatched, key=lambda u: u.name.casefold())),
        total_score=sum(g.objective for g in groups),
        eligible=f.n,
        could_match=int(result.block.allowed.any(axis=1).sum()),
    )


def _locked_groups(problem: Problem) -> list[Group]:
    """The coordinator's locked groups, scored like the others and marked locked."""
    if not problem.locked:
        return []
    by_id = {p.id: p for p in problem.people}
    groups: list[Group] = []
    for lg in problem.locked:
        members = [by_id[i] for i in lg.ids if i in by_id]
        if len(members) < 2:
            continue
        f = Features(problem, tuple(members))
        roles = [r for i, r in lg.members if i in by_id]
        directed = problem.mode == "mentoring" and roles[:2] == ["mentor", "mentee"]
        made = _make_groups(
            f, [list(range(len(members)))], [roles], directed=directed, circles=problem.mode == "circles"
        )[0]
        groups.append(replace(made, locked=True))
    return groups
