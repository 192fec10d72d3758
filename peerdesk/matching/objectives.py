"""What the objectives share, over plain arrays: strict preference orders and exact counts of blocking pairs.

"best" maximises the total score (today's optimum), "fairest" the lowest pair score and
then the total (fairest.py), and "stable" leaves no blocking pair (stable.py). Whatever
the objective, a proposal reports its total, its lowest score and how many blocking pairs
it has: two people, allowed together and not together, who would both score higher with
each other than with the partners they were given (a mentor with free places would take
anyone; a full one would swap their lowest-scoring mentee).

Preferences come as matrices: pref[i, j] is how much i likes j (today both directions are
the pair score). The solvers break exact ties one consistent way (order_keys): by the pair
of the previous proposal, then by a per-person rank, so a stable round under that strict
order has no blocking pair under the scores themselves.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from peerdesk.matching.common import _unit
from peerdesk.matching.model import Objective

OBJECTIVE_LABELS: dict[Objective, str] = {"best": "best total", "fairest": "fairest", "stable": "stable"}
NOT_ALLOWED = np.iinfo(np.int64).min


def exact_order(values: np.ndarray) -> np.ndarray:
    """An int64 array ordered exactly like `values` (equal values map to equal integers).

    float32 is mapped through its bit pattern (no sort, no rounding); other dtypes through
    their ranks among the distinct values.
    """
    if values.dtype == np.float32:
        bits = (values + np.float32(0.0)).view(np.int32).astype(np.int64)  # + 0.0 turns -0.0 into 0.0
        negative = bits < 0
        bits[negative] = -(bits[negative] & 0x7FFFFFFF) - 1
        return bits
    _, inverse = np.unique(values, return_inverse=True)
    return inverse.reshape(values.shape).astype(np.int64)


def order_keys(
    pref: np.ndarray,
    allowed: np.ndarray,
    rank: np.ndarray,
    keep: np.ndarray | None = None,
) -> np.ndarray:
    """Strict orders as int64 keys: larger is preferred, NOT_ALLOWED where a rule forbids.

    The key is (preference, pair of the previous proposal, rank): rank (broadcast against
    pref, values below 2**31) must differ between the entries of a row, so that no one
    has two equal choices. With rank[i, j] = r_i + r_j and symmetric pref and keep, every
    row orders its entries as one shared order of the pairs does.
    """
    key = exact_order(pref) << 32
    if keep is not None:
        key |= keep.astype(np.int64) << 31
    key |= np.broadcast_to(np.asarray(rank, dtype=np.int64), key.shape)
    key[~allowed] = NOT_ALLOWED
    return key


def person_ranks(ids: np.ndarray, seed: int) -> np.ndarray:
    """Distinct ranks 0..n-1 per person, pseudo-random from their id and the seed (ties by position)."""
    order = np.argsort(_unit(np.asarray(ids, dtype=np.int64), seed), kind="stable")
    ranks = np.empty(len(order), dtype=np.int64)
    ranks[order] = np.arange(len(order))
    return ranks


# -- blocking pairs --------------------------------------------------------------------------


def blocking_pairs_bipartite(
    mentor_pref: np.ndarray,
    mentee_pref: np.ndarray,
    allowed: np.ndarray,
    capacity: np.ndarray,
    mentor_of: np.ndarray,
) -> int:
    """Exact count of blocking (mentor, mentee) pairs; rows are mentors, columns mentees.

    mentor_pref[m, e] is how much mentor m likes mentee e, mentee_pref[m, e] how much e
    likes m; mentor_of[e] is e's mentor row or -1. A mentor with fewer mentees than their
    capacity accepts anyone allowed; a full one only someone they like more than their
    least-liked mentee.
    """
    n_mentors, n_mentees = allowed.shape
    if not n_mentors or not n_mentees:
        return 0
    mentor_of = np.asarray(mentor_of, dtype=np.int64)
    matched = np.flatnonzero(mentor_of >= 0)
    rows = mentor_of[matched]
    mine = np.full(n_mentees, -np.inf)
    mine[matched] = mentee_pref[rows, matched]
    load = np.bincount(rows, minlength=n_mentors)
    worst = np.full(n_mentors, np.inf)
    np.minimum.at(worst, rows, mentor_pref[rows, matched])
    worst[load < np.asarray(capacity)] = -np.inf
    block = allowed & (mentee_pref > mine[None, :]) & (mentor_pref > worst[:, None])
    block[rows, matched] = False
    return int(block.sum())


def blocking_pairs(
    pref: np.ndarray,
    allowed: np.ndarray,
    groups: Sequence[Sequence[int]],
    *,
    counted: np.ndarray | None = None,
) -> int:
    """Exact count of blocking pairs among peers placed in groups (pairs or trios).

    pref[i, j] is how much i likes j. A member of a group counts the partner they like
    best in it (someone in a trio keeps their better partner when the third leaves);
    someone in no group likes anyone better than nobody. Only people marked in `counted`
    (default: everyone) can block: those sitting out by the rotation rule are not in play.
    """
    n = len(pref)
    if n < 2:
        return 0
    value = np.full(n, -np.inf)
    group_of = np.full(n, -1, dtype=np.int64)
    for g, members in enumerate(groups):
        for i in members:
            group_of[i] = g
            others = [j for j in members if j != i]
            if others:
                value[i] = max(value[i], float(np.max(pref[i, others])))
    wants = pref > value[:, None]
    block = wants & wants.T & allowed
    same = (group_of[:, None] == group_of[None, :]) & (group_of[:, None] >= 0)
    block &= ~same
    np.fill_diagonal(block, False)
    if counted is not None:
        block &= counted[:, None] & counted[None, :]
    return int(np.triu(block, 1).sum())
