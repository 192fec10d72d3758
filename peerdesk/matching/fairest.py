"""Fairest rounds: as many people matched as any valid round can, then the highest lowest
pair score, then the highest total among those.

The lowest score is a bottleneck: the highest threshold t such that the pairs scoring t or
more still admit a matching as large as the best round's. bottleneck_* find t exactly;
the caller then solves best-total on the pairs scoring at least t (solve.py).

Both start from an upper bound on t (someone matched must get a partner, and k matched
people cannot all have their best partner above the k-th highest best score) and check
it first: on real pools the bound is usually the answer, so one check suffices. Otherwise
a binary search over the distinct scores between a known round's lowest score and the
bound finds it, each check being a maximum-cardinality matching: a maximum flow for
mentoring (scipy, Dinic), the double cover and blossom augmentation for peers
(cardinality.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import maximum_flow

from peerdesk.matching import cardinality


@dataclass(frozen=True)
class Bottleneck:
    """The fairest lowest score and how many pairs a largest round has."""

    threshold: float | None  # None when no pair is allowed
    pairs: int


def _search(values: np.ndarray, feasible: Callable[[float], bool]) -> float:
    """The largest of the sorted distinct values that is feasible (values[0] must be)."""
    lo, hi = 0, len(values) - 1  # values[lo] feasible; answer in [lo, hi]
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if feasible(float(values[mid])):
            lo = mid
        else:
            hi = mid - 1
    return float(values[lo])


def _kth_largest(values: np.ndarray, k: int) -> float:
    return float(np.partition(values, len(values) - k)[len(values) - k])


# -- mentoring (bipartite, capacities) ---------------------------------------------------------


def _flow_value(rows: np.ndarray, cols: np.ndarray, capacity: np.ndarray, n_cols: int) -> tuple[int, csr_matrix]:
    """Maximum number of (row, col) edges with each row used at most capacity times, each col once."""
    n_rows = len(capacity)
    sink = n_rows + n_cols + 1
    src = np.concatenate([np.zeros(n_rows, dtype=np.int64), 1 + rows, 1 + n_rows + np.arange(n_cols)])
    dst = np.concatenate([1 + np.arange(n_rows), 1 + n_rows + cols, np.full(n_cols, sink)])
    cap = np.concatenate([capacity, np.ones(len(rows) + n_cols, dtype=np.int64)]).astype(np.int32)
    g = csr_matrix((cap, (src, dst)), shape=(sink + 1, sink + 1))
    result = maximum_flow(g, 0, sink, method="dinic")
    return int(result.flow_value), result.flow


def bottleneck_bipartite(score: np.ndarray, allowed: np.ndarray, capacity: np.ndarray) -> Bottleneck:
    """Mentors (rows, with capacities) x mentees: the highest t at which the allowed pairs
    scoring t or more still match as many mentees as all allowed pairs do."""
    capacity = np.minimum(np.asarray(capacity, dtype=np.int64), allowed.sum(axis=1))
    n_rows, n_cols = allowed.shape
    rows, cols = np.nonzero(allowed & (capacity[:, None] > 0))
    if not len(rows):
        return Bottleneck(None, 0)
    values = score[rows, cols]
    k, flow = _flow_value(rows, cols, capacity, n_cols)
    # k matched mentees each get at most their best score; so do the mentors who take them.
    col_best = np.full(n_cols, -np.inf, dtype=np.float64)
    np.maximum.at(col_best, cols, values)
    row_best = np.full(n_rows, -np.inf, dtype=np.float64)
    np.maximum.at(row_best, rows, values)
    by_row = np.argsort(-row_best, kind="stable")
    enough = int(np.searchsorted(np.cumsum(capacity[by_row]), k))
    bound = min(_kth_largest(col_best[np.isfinite(col_best)], k), float(row_best[by_row[enough]]))
    flows = np.asarray(flow[1 + rows, 1 + n_rows + cols]).ravel()
    known = float(values[flows > 0].min())  # the lowest pair of a largest round

    def feasible(t: float) -> bool:
        keep = values >= t
        return _flow_value(rows[keep], cols[keep], capacity, n_cols)[0] == k

    if bound <= known or feasible(bound):
        return Bottleneck(max(bound, known), k)
    candidates = np.unique(values[(values >= known) & (values < bound)])
    return Bottleneck(_search(candidates, feasible), k)


# -- peers (general graph) ----------------------------------------------------------------------


def bottleneck_pairs(score: np.ndarray, allowed: np.ndarray) -> tuple[Bottleneck, np.ndarray]:
    """Symmetric scores: the highest t at which the allowed pairs scoring t or more still
    match as many people as all allowed pairs do; with a largest matching at t (mate).

    Pairs that must always be available (the stand-in who marks who sits out) score +inf.
    """
    n = len(score)
    ok = allowed.copy()
    np.fill_diagonal(ok, False)
    degree = ok.sum(axis=1)
    live = degree > 0
    if not live.any():
        return Bottleneck(None, 0), np.full(n, -1, dtype=np.int64)
    best = np.where(ok, score, -np.inf).max(axis=1)[live]
    people = int(live.sum())

    def bound(k: int) -> float:
        # 2k people are matched, so one of them has a best score no higher than the
        # (people - 2k + 1)-th lowest.
        return float(np.partition(best, people - 2 * k)[people - 2 * k])

    def at(t: float, k: int, start: np.ndarray | None = None) -> np.ndarray:
        """A matching of k pairs scoring t or more, if there is one (else a smaller one)."""
        g = cardinality.graph(ok & (score >= t))
        bound, sigma = cardinality.cover_bound(g)
        mate = cardinality.cover_matching(sigma)
        if bound < k:
            return mate
        if start is not None:
            kept = start.copy()
            low = (kept >= 0) & (score[np.arange(n), np.maximum(kept, 0)] < t)
            kept[low] = -1
            if cardinality.size(kept) > cardinality.size(mate):
                mate = kept
        return cardinality.augment(g, mate, target=k)

    k = people // 2
    t = bound(k)
    mate = at(t, k)
    if cardinality.size(mate) == k:  # as large as any matching can be: the bound is reached
        return Bottleneck(t, k), mate
    full, _ = cardinality.maximum_matching(cardinality.graph(ok), target=k)
    k = cardinality.size(full)
    t = bound(k)
    matched = np.flatnonzero(full > np.arange(n))
    known = float(score[matched, full[matched]].min())
    if t <= known:
        return Bottleneck(known, k), full
    mate = at(t, k, mate)
    if cardinality.size(mate) == k:
        return Bottleneck(t, k), mate
    upper = np.triu(ok, 1)
    values = score[upper]
    candidates = np.unique(values[(values >= known) & (values < t)])
    found: dict[float, np.ndarray] = {}

    def feasible(value: float) -> bool:
        m = at(value, k, mate)
        found[value] = m
        return cardinality.size(m) == k

    best_t = _search(candidates, feasible)
    return Bottleneck(best_t, k), found.get(best_t, full)
