"""The coordinator's edits of a proposal: swap two members, compare two proposals."""

from __future__ import annotations

from dataclasses import dataclass, replace

from peerdesk.matching import rules
from peerdesk.matching.model import Group, Pair, Problem, Proposal
from peerdesk.matching.scoring import Features
from peerdesk.matching.solve import _make_groups, with_choices
from peerdesk.wording import plural


def score_group(problem: Problem, members: list[tuple[int, str]]) -> Group:
    """Score and explain one group of (participant id, role) as the solver would."""
    by_id = {p.id: p for p in problem.people}
    people = tuple(by_id[i] for i, _ in members)
    f = Features(problem, people)
    roles = [r for _, r in members]
    directed = problem.mode == "mentoring" and roles[:2] == ["mentor", "mentee"]
    return _make_groups(f, [list(range(len(people)))], [roles], directed=directed, circles=problem.mode == "circles")[0]


def group_problems(problem: Problem, members: list[tuple[int, str]]) -> list[str]:
    """The hard rules a group would break."""
    by_id = {p.id: p for p in problem.people}
    people = [by_id[i] for i, _ in members]
    role_of = dict(members)
    out = []
    for i, a in enumerate(people):
        for b in people[i + 1 :]:
            if problem.mode == "mentoring":
                if {role_of[a.id], role_of[b.id]} != {"mentor", "mentee"}:
                    continue
                mentor, mentee = (a, b) if role_of[a.id] == "mentor" else (b, a)
                if problem.options.require_skill and mentee.learns and not rules.teaches_wanted(mentor, mentee):
                    out.append(f"{mentor.name} teaches nothing {mentee.name} wants")
                if problem.options.only_trained_mentors and not mentor.trained:
                    out.append(f"{mentor.name} has not finished the mentor training")
            out += rules.pair_violations(problem, a, b)
    if problem.mode == "circles":
        out += rules.circle_violations(problem, people, None)
    return out


def swap_members(problem: Problem, proposal: Proposal, a: int, b: int) -> Proposal:
    """Exchange two people between their groups; both groups are then locked.

    Raises ValueError with the reason when the swap would break a hard rule.
    """
    ga = next((k for k, g in enumerate(proposal.groups) if a in g.ids), None)
    gb = next((k for k, g in enumerate(proposal.groups) if b in g.ids), None)
    if ga is None or gb is None:
        raise ValueError("Both people must be in a proposed group.")
    if ga == gb:
        raise ValueError("They are already in the same group.")
    role_a = next(m.role for m in proposal.groups[ga].members if m.id == a)
    role_b = next(m.role for m in proposal.groups[gb].members if m.id == b)
    if problem.mode == "mentoring" and role_a != role_b:
        raise ValueError("Swap a mentor with a mentor, or a mentee with a mentee.")
    new_a = [(b if m.id == a else m.id, m.role) for m in proposal.groups[ga].members]
    new_b = [(a if m.id == b else m.id, m.role) for m in proposal.groups[gb].members]
    broken = group_problems(problem, new_a) + group_problems(problem, new_b)
    if broken:
        raise ValueError("That swap breaks a rule: " + "; ".join(broken))
    groups = list(proposal.groups)
    groups[ga] = replace(score_group(problem, new_a), locked=True)
    groups[gb] = replace(score_group(problem, new_b), locked=True)
    total = sum(g.objective for g in groups)
    return with_choices(
        problem, replace(proposal, groups=tuple(groups), total_score=total, optimal=False, blocking_pairs=None)
    )


@dataclass(frozen=True)
class Comparison:
    """How a new proposal differs from the previous one."""

    kept: int
    added: frozenset[Pair]
    removed: frozenset[Pair]
    delta: float

    def summary(self) -> str:
        if not self.added and not self.removed:
            return f"Same pairs as before (total {self.delta:+.2f})."
        return f"{plural(self.kept, 'pair')} kept, {len(self.added)} new, {len(self.removed)} gone; total {self.delta:+.2f}."


def compare(previous: Proposal, new: Proposal) -> Comparison:
    before, after = previous.pairs(), new.pairs()
    return Comparison(
        kept=len(before & after),
        added=frozenset(after - before),
        removed=frozenset(before - after),
        delta=new.total_score - previous.total_score,
    )
