"""Mentoring: the optimal assignment of mentees to mentors' free slots.

Each mentor becomes as many rows as they have free places (never more than the mentees
they could take), each mentee a column, and scipy's linear_sum_assignment solves the
rectangular assignment exactly. A forbidden pair costs more than every score together,
so the solution first matches as many mentees as any valid round can, then has the
highest total score among those: optimal, not greedy.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import linear_sum_assignment

from peerdesk.matching.common import Steps, solver_weights
from peerdesk.matching.scoring import Block, Features, score_block


@dataclass
class MentoringResult:
    pairs: list[tuple[int, int]]  # (mentor position, mentee position) in the features
    block: Block  # scores of mentors x mentees
    capacity: dict[int, int]  # mentor position -> free places used by the solver


def mentoring_sides(f: Features, capacity: dict[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """Positions of the mentors who may take a mentee now, and of the mentees."""
    only_trained = f.problem.options.only_trained_mentors
    mentors = [
        k for k, p in enumerate(f.people) if p.can_mentor and capacity.get(k, 0) > 0 and (p.trained or not only_trained)
    ]
    mentees = [k for k, p in enumerate(f.people) if p.can_be_mentee]
    return np.array(mentors, dtype=np.int64), np.array(mentees, dtype=np.int64)


def solve_mentoring(
    f: Features, capacity: dict[int, int], steps: Steps, *, block: Block | None = None
) -> MentoringResult:
    """Assign mentees to mentors optimally (most mentees matched, then highest total score);
    `block` gives the scores (and the pairs allowed) when the caller has them already."""
    mentors, mentees = mentoring_sides(f, capacity)
    steps(0.1, "Scoring mentor and mentee pairs")
    if block is None:
        block = score_block(f, mentors, mentees)
    steps(0.5, "Solving the assignment")
    if not len(mentors) or not len(mentees):
        return MentoringResult([], block, capacity)
    ids = np.array([p.id for p in f.people], dtype=np.int64)
    previous = f.problem.previous
    w = solver_weights(block.score, block.allowed, ids[mentors], ids[mentees], f.problem.options.seed, previous)
    useful_rows = np.flatnonzero(block.allowed.any(axis=1))
    useful_cols = np.flatnonzero(block.allowed.any(axis=0))
    if not len(useful_rows) or not len(useful_cols):
        return MentoringResult([], block, capacity)
    w = w[np.ix_(useful_rows, useful_cols)]
    allowed_counts = block.allowed[np.ix_(useful_rows, useful_cols)].sum(axis=1)
    slots = np.repeat(
        np.arange(len(useful_rows)),
        [min(capacity[int(mentors[r])], int(c)) for r, c in zip(useful_rows, allowed_counts, strict=True)],
    )
    cost = -w[slots]
    big = 2.0 * (min(len(slots), len(useful_cols)) + 2)
    cost[~np.isfinite(cost)] = big
    rows, cols = linear_sum_assignment(cost)
    pairs = []
    for r, c in zip(rows, cols, strict=True):
        if cost[r, c] < big:
            pairs.append((int(mentors[useful_rows[slots[r]]]), int(mentees[useful_cols[c]])))
    steps(0.8, "Explaining the pairs")
    pairs.sort(key=lambda mc: (f.people[mc[0]].name.casefold(), f.people[mc[1]].name.casefold()))
    return MentoringResult(pairs, block, capacity)
