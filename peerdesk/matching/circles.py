"""Learning circles: groups of a chosen size around shared skills, mixing people.

A circle's value is the sum of the scores of every two of its members (for circles the
skill part rewards wanting to learn the same thing, or teaching what another wants).
No two members may be a forbidden pair. Greedy construction (hardest person first, then
whoever adds most) is followed by local search: swapping two people between circles while
the total rises, evaluated for everyone at once from a person x circle sum matrix.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from peerdesk.matching.common import Steps, solver_weights
from peerdesk.matching.model import MAX_GROUP, MIN_GROUP
from peerdesk.matching.scoring import Block, Features, score_block

FORBIDDEN = -1e6
BATCH_FROM = 1500  # people; from here on the search is bounded (no restarts, few passes)
LARGE_PASSES = 25  # person-by-person swap passes on large pools


@dataclass
class CircleResult:
    groups: list[list[int]]  # positions in the features
    block: Block
    value: float  # sum of pair scores (solver weights) inside the circles


def group_sizes(n: int, size: int) -> list[int]:
    """Circle sizes for n people: as close to `size` as possible, never below 3 or above 6."""
    size = min(MAX_GROUP, max(MIN_GROUP, size))
    if n < MIN_GROUP:
        return []
    count = max(1, int(n / size + 0.5))  # the count that keeps sizes nearest the chosen one
    while count > 1 and n // count < MIN_GROUP:
        count -= 1
    while -(-n // count) > MAX_GROUP:
        count += 1
    base, extra = divmod(n, count)
    return [base + 1] * extra + [base] * (count - extra)


def solve_circles(f: Features, steps: Steps, *, passes: int = 25) -> CircleResult:
    everyone = np.arange(f.n, dtype=np.int64)
    steps(0.05, "Scoring every two people")
    block = score_block(f, everyone, everyone)
    ids = np.array([p.id for p in f.people], dtype=np.int64)
    w = solver_weights(block.score, block.allowed, ids, ids, f.problem.options.seed, f.problem.previous)
    w[~np.isfinite(w)] = FORBIDDEN
    np.fill_diagonal(w, 0.0)
    steps(0.3, "Forming circles")
    groups = greedy_circles(w, block.allowed, group_sizes(f.n, f.problem.options.group_size))
    steps(0.4, "Improving the circles")
    groups = improve_circles(w, groups, passes=passes if f.n <= BATCH_FROM else LARGE_PASSES)
    groups = _iterated(w, groups, f.problem.options.seed, steps, passes)
    groups = [sorted(g) for g in groups if len(g) >= MIN_GROUP]
    groups.sort(key=lambda g: g[0])
    return CircleResult(groups, block, circles_value(w, groups))


def restarts_for(n: int) -> int:
    """How many perturb-and-improve rounds fit the time budget at this size."""
    if n > BATCH_FROM:
        return 0
    return max(2, min(40, 6000 // max(n, 1)))


def _iterated(w: np.ndarray, groups: list[list[int]], seed: int, steps: Steps, passes: int) -> list[list[int]]:
    """Iterated local search: shake part of the best circles, improve, keep what scores more."""
    rng = np.random.default_rng(seed)
    best, best_value = groups, circles_value(w, groups)
    placed = [m for g in groups for m in g]
    rounds = restarts_for(len(placed))
    if len(groups) < 2:
        return groups
    for r in range(rounds):
        steps(0.4 + 0.5 * (r + 1) / rounds, "Improving the circles")
        trial = [list(g) for g in best]
        chosen = rng.choice(len(placed), size=max(2, len(placed) // 4), replace=False)
        people = [placed[k] for k in chosen]
        slots = [(gi, pos) for gi, g in enumerate(trial) for pos, m in enumerate(g) if m in set(people)]
        for (gi, pos), m in zip(slots, rng.permutation(people), strict=True):
            trial[gi][pos] = int(m)
        trial = improve_circles(w, trial, passes=passes)
        value = circles_value(w, trial)
        if value > best_value + 1e-9:
            best, best_value = trial, value
            placed = [m for g in best for m in g]
    return best


def circles_value(w: np.ndarray, groups: list[list[int]]) -> float:
    total = 0.0
    for g in groups:
        sub = w[np.ix_(g, g)]
        total += float(np.triu(sub, 1).sum())
    return total


def greedy_circles(w: np.ndarray, allowed: np.ndarray, sizes: list[int]) -> list[list[int]]:
    """Build circles one by one: seed with the person with fewest options, add the best fit."""
    n = len(w)
    free = np.ones(n, dtype=bool)
    options = allowed.sum(axis=1).astype(np.float64)
    groups: list[list[int]] = []
    for size in sizes:
        if not free.any():
            break
        seed = int(np.flatnonzero(free)[np.argmin(options[free])])
        group = [seed]
        free[seed] = False
        fits = allowed[seed] & free
        gain = w[seed].copy()
        while len(group) < size and fits.any():
            cand = np.flatnonzero(fits)
            k = int(cand[np.argmax(gain[cand] - 1e-3 * options[cand] / max(1.0, options.max()))])
            group.append(k)
            free[k] = False
            fits &= allowed[k] & free
            gain += w[k]
        groups.append(group)
    # Whoever is left joins a circle still short of its size, else one with room for one more.
    targets = dict(zip(map(id, groups), sizes, strict=False))
    for k in (int(x) for x in np.flatnonzero(free)):
        for limit in (0, 1):
            best, best_value = None, -np.inf
            for g in groups:
                if len(g) < min(MAX_GROUP, targets[id(g)] + limit) and all(allowed[k, m] for m in g):
                    value = float(w[k, g].sum())
                    if value > best_value:
                        best, best_value = g, value
            if best is not None:
                best.append(int(k))
                free[k] = False
                break
    return groups


def improve_circles(w: np.ndarray, groups: list[list[int]], *, passes: int = 25) -> list[list[int]]:
    """Swap two people between circles while it raises the total (each person's best swap).

    sums[c, p] (the sum of w between person p and the members of circle c) turns the gain
    of every swap of one person into a few vector operations.
    """
    k = len(groups)
    if k < 2:
        return groups
    placed = np.array(sorted(m for g in groups for m in g), dtype=np.int64)
    m = len(placed)
    at = {int(p): x for x, p in enumerate(placed)}
    wp = w if m == len(w) and np.array_equal(placed, np.arange(m)) else w[np.ix_(placed, placed)]
    where = np.empty(m, dtype=np.int64)
    for g, members in enumerate(groups):
        where[[at[p] for p in members]] = g
    sums = np.zeros((k, m), dtype=np.float64)
    for g, members in enumerate(groups):
        sums[g] = wp[[at[p] for p in members]].sum(axis=0)
    everyone = np.arange(m)
    own = sums[where, everyone]
    for _ in range(passes):
        improved = 0
        for i in range(m):
            a = where[i]
            gain = sums[a] + sums[:, i][where]
            gain -= 2.0 * wp[i]
            gain -= own
            gain -= sums[a, i]
            gain[where == a] = 0.0
            j = int(np.argmax(gain))
            if gain[j] <= 1e-9:
                continue
            b = where[j]
            sums[a] += wp[j] - wp[i]
            sums[b] += wp[i] - wp[j]
            where[i], where[j] = b, a
            own = sums[where, everyone]
            improved += 1
        if not improved:
            break
    out: list[list[int]] = [[] for _ in range(k)]
    for x in range(m):
        out[where[x]].append(int(placed[x]))
    return out
