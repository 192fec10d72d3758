"""Optimality: the solvers' totals equal an exact optimum found another way (MILP, blossom)."""

from __future__ import annotations

import itertools
from dataclasses import replace

import numpy as np
import pytest
from scipy.optimize import Bounds, LinearConstraint, linear_sum_assignment, milp
from scipy.sparse import lil_matrix

from peerdesk.matching import peers, rules, synthetic
from peerdesk.matching.circles import group_sizes, solve_circles
from peerdesk.matching.common import Steps
from peerdesk.matching.mentoring import solve_mentoring
from peerdesk.matching.model import Options, Problem
from peerdesk.matching.peers import solve_pairs, upper_bound
from peerdesk.matching.rules import violations
from peerdesk.matching.scoring import Features, score_block
from peerdesk.matching.solve import pool_of, propose
from peerdesk.store.records import SkillLevel

STEPS = Steps(None, None)


def _milp_max(values: np.ndarray, rows: list[list[int]], caps: list[float], integrality: bool = True) -> float:
    """max values.x  subject to  sum(x[row]) <= cap for each row, x binary."""
    a = lil_matrix((len(rows), len(values)))
    for r, cols in enumerate(rows):
        for c in cols:
            a[r, c] = 1
    res = milp(
        -values,
        constraints=LinearConstraint(a.tocsr(), -np.inf, np.array(caps, dtype=float)),
        integrality=np.ones(len(values)) if integrality else None,
        bounds=Bounds(0, 1),
        options={"mip_rel_gap": 0.0},  # the exact optimum (HiGHS stops within 0.01% by default)
    )
    assert res.success, res.message
    return -float(res.fun)


def _mentoring_optimum(problem: Problem) -> tuple[int, float]:
    """(most mentees matched, best total score among those), by integer programming."""
    people, capacity = pool_of(problem)
    f = Features(problem, people)
    only_trained = problem.options.only_trained_mentors
    mentors = [k for k, p in enumerate(people) if p.can_mentor and capacity[k] > 0 and (p.trained or not only_trained)]
    mentees = [k for k, p in enumerate(people) if p.can_be_mentee]
    if not mentors or not mentees:
        return 0, 0.0
    block = score_block(f, np.array(mentors), np.array(mentees))
    edges = [(r, c) for r in range(len(mentors)) for c in range(len(mentees)) if block.allowed[r, c]]
    if not edges:
        return 0, 0.0
    score = np.array([float(block.score[r, c]) for r, c in edges])
    big = len(edges) + 10.0
    rows = [[e for e, (r, _) in enumerate(edges) if r == i] for i in range(len(mentors))]
    rows += [[e for e, (_, c) in enumerate(edges) if c == j] for j in range(len(mentees))]
    caps = [capacity[m] for m in mentors] + [1] * len(mentees)
    best = _milp_max(score + big, rows, caps)
    count = int(round(best // big))
    while count * big > best + 1e-9:
        count -= 1
    return count, best - count * big


@pytest.mark.parametrize("seed", range(12))
def test_mentoring_equals_the_integer_programming_optimum(seed):
    n = 12 + 5 * seed
    problem = synthetic.problem(
        n, "mentoring", seed=seed, options=Options(seed=seed, only_trained_mentors=seed % 3 == 0)
    )
    proposal = propose(problem)
    assert violations(problem, proposal) == []
    count, best = _mentoring_optimum(problem)
    assert len(proposal.groups) == count
    assert proposal.total_score == pytest.approx(best, abs=1e-4 * max(1, count))


def test_mentoring_brute_force_on_a_tiny_instance():
    problem = synthetic.problem(9, "mentoring", seed=41)
    people, capacity = pool_of(problem)
    f = Features(problem, people)
    result = solve_mentoring(f, capacity, STEPS)
    mentors = [k for k, p in enumerate(people) if p.can_mentor and capacity[k] > 0]
    mentees = [k for k, p in enumerate(people) if p.can_be_mentee]
    block = score_block(f, np.array(mentors), np.array(mentees))
    best = (0, 0.0)
    # every mentee picks a mentor or nobody; keep assignments within capacity and rules
    for choice in itertools.product([None, *range(len(mentors))], repeat=len(mentees)):
        used = [c for c in choice if c is not None]
        if any(used.count(r) > capacity[mentors[r]] for r in set(used)):
            continue
        if any(c is not None and not block.allowed[c, j] for j, c in enumerate(choice)):
            continue
        total = sum(float(block.score[c, j]) for j, c in enumerate(choice) if c is not None)
        best = max(best, (len(used), total))
    got = sum(float(block.score[mentors.index(m), mentees.index(e)]) for m, e in result.pairs)
    assert (len(result.pairs), got) == (best[0], pytest.approx(best[1], abs=1e-5))


def _pair_optimum(w: np.ndarray) -> tuple[int, float]:
    """Maximum-cardinality, then maximum-weight matching by integer programming."""
    n = len(w)
    edges = [(a, b) for a in range(n) for b in range(a + 1, n) if np.isfinite(w[a, b])]
    if not edges:
        return 0, 0.0
    values = np.array([w[a, b] for a, b in edges])
    big = n + 10.0
    rows = [[e for e, (a, b) in enumerate(edges) if v in (a, b)] for v in range(n)]
    best = _milp_max(values + big, rows, [1] * n)
    count = int(best // big)
    while count * big > best + 1e-9:
        count -= 1
    return count, best - count * big


def _matching(result) -> list[tuple[int, int]]:
    """The pairs as the matching found them, before an odd one out joined a pair as a trio."""
    return list(result.pairs) + [(a, b) for a, b, _ in result.trios]


@pytest.mark.parametrize("seed", range(10))
def test_buddy_pairs_are_optimal_and_the_bound_is_sound(seed):
    n = 14 + 7 * seed
    for mode in ("buddies", "cross_functional"):
        problem = synthetic.problem(n, mode, seed=seed)
        f = Features(problem)
        everyone = np.arange(f.n)
        block = score_block(f, everyone, everyone)
        w = np.where(block.allowed, block.score.astype(np.float64), -np.inf)
        count, best = _pair_optimum(w)
        exact = _matching(solve_pairs(f, STEPS, exact=True))
        assert len(exact) == count
        assert sum(w[a, b] for a, b in exact) == pytest.approx(best, abs=1e-4)
        relaxed_result = solve_pairs(f, STEPS, exact=False)
        relaxed = _matching(relaxed_result)
        value = sum(w[a, b] for a, b in relaxed)
        assert len(relaxed) == count
        assert value >= 0.99 * best  # tiny pools are solved exactly in use; this is the large-pool method
        assert relaxed_result.upper_bound is not None and relaxed_result.upper_bound >= best - 1e-6
        assert upper_bound(w) >= best - 1e-6


def test_assignment_method_is_within_a_fraction_of_a_percent_of_the_blossom_optimum():
    problem = synthetic.problem(300, "buddies", seed=1)
    f = Features(problem)
    everyone = np.arange(f.n)
    block = score_block(f, everyone, everyone)
    w = np.where(block.allowed, block.score.astype(np.float64), -np.inf)
    exact = _matching(solve_pairs(f, STEPS, exact=True))
    relaxed = _matching(solve_pairs(f, STEPS, exact=False))
    assert len(relaxed) == len(exact) == 150
    assert sum(w[a, b] for a, b in relaxed) >= 0.998 * sum(w[a, b] for a, b in exact)


def test_relaxation_bound_is_sound_and_close_on_a_larger_instance():
    problem = synthetic.problem(300, "buddies", seed=8)
    proposal = propose(problem)
    f = Features(problem)
    everyone = np.arange(f.n)
    block = score_block(f, everyone, everyone)
    w = np.where(block.allowed, block.score.astype(np.float64), -np.inf)
    bound = upper_bound(w)
    assert proposal.upper_bound is not None
    assert proposal.total_score <= bound + 1e-6
    assert proposal.total_score >= 0.995 * min(bound, proposal.upper_bound)


@pytest.mark.parametrize("seed", range(6))
def test_preconditioned_assignment_finds_the_plain_optimum(seed):
    """Reducing the costs by multipliers must not change the optimal assignment's value."""
    rng = np.random.default_rng(seed)
    n = 40 + 30 * seed
    w = rng.random((n, n))
    w = np.triu(w, 1) + np.triu(w, 1).T
    w[rng.random((n, n)) < 0.5] = peers.NEG
    w = np.minimum(w, w.T)
    np.fill_diagonal(w, peers.NEG)
    cost = np.where(w > peers.NEG / 2, -w, 4.0 * n)
    np.fill_diagonal(cost, 0.0)
    rows, cols = linear_sum_assignment(cost)
    perm, value = peers._relax(w)
    assert value == pytest.approx(-cost[rows, cols].sum() / 2, abs=1e-9)
    assert sorted(perm) == list(range(n))


def _valid_circle(problem, f, allowed, group) -> bool:
    """The circle rules, stated plainly: a skill all want to learn, allowed pairs, free together."""
    people = [f.people[k] for k in group]
    wanted = set.intersection(*({s.skill.casefold() for s in p.learns} for p in people))
    return (
        bool(wanted)
        and all(allowed[a, b] for a, b in itertools.combinations(group, 2))
        and rules.meet_together(problem, people)
    )


def _circle_optimum(problem, f, w, allowed, sizes: list[int]) -> float | None:
    """Best circles with these sizes, each person in one at most (set packing by integer programming)."""
    n = len(w)
    candidates = []
    for size in sorted(set(sizes)):
        for group in itertools.combinations(range(n), size):
            if _valid_circle(problem, f, allowed, group):
                candidates.append(group)
    if not candidates:
        return None
    values = np.array([sum(w[a, b] for a, b in itertools.combinations(g, 2)) for g in candidates])
    a = lil_matrix((n + len(set(sizes)), len(candidates)))
    for j, g in enumerate(candidates):
        for v in g:
            a[v, j] = 1
        a[n + sorted(set(sizes)).index(len(g)), j] = 1
    counts = [sizes.count(s) for s in sorted(set(sizes))]
    res = milp(
        -values,
        constraints=LinearConstraint(a.tocsr(), [0] * n + counts, [1] * n + counts),
        integrality=np.ones(len(candidates)),
        bounds=Bounds(0, 1),
    )
    return -float(res.fun) if res.success else None


def test_circles_are_within_a_few_percent_of_the_exact_optimum():
    """Against the best arrangement of circles of the same sizes under the same rules."""
    ratios = []
    for seed in range(10):
        n = 16 if seed % 2 else 17
        problem = synthetic.problem(n, "circles", seed=seed, options=Options(group_size=4, seed=seed))
        # a few skills that several people want, so that circles have choices to make
        rng = np.random.default_rng(seed)
        few = ("Python", "SQL", "Coaching", "Storytelling")
        people = tuple(
            replace(p, learns=tuple(SkillLevel(few[k], 2) for k in rng.choice(4, size=2, replace=False)))
            for p in problem.people
        )
        problem = replace(problem, people=people)
        f = Features(problem)
        result = solve_circles(f, STEPS)
        everyone = np.arange(f.n)
        block = score_block(f, everyone, everyone)
        w = np.where(block.allowed, block.score.astype(np.float64), 0.0)
        assert all(_valid_circle(problem, f, block.allowed, g) for g in result.groups)
        sizes = [len(g) for g in result.groups]
        if not sizes:
            continue
        best = _circle_optimum(problem, f, w, block.allowed, sizes)
        assert best is not None
        got = sum(w[a, b] for g in result.groups for a, b in itertools.combinations(g, 2))
        assert got <= best + 1e-6
        ratios.append(got / best)
    assert len(ratios) >= 4
    assert min(ratios) >= 0.95
    assert float(np.mean(ratios)) >= 0.985


def test_group_sizes_stay_between_three_and_six():
    for n in range(3, 60):
        for size in range(3, 7):
            sizes = group_sizes(n, size)
            assert sum(sizes) == n
            assert all(3 <= s <= 6 for s in sizes)
            assert max(sizes) - min(sizes) <= 1
    assert group_sizes(2, 4) == []
