"""Fairest and stable solvers over plain arrays, checked against brute force.

Every reference here is the slow, obvious one: all matchings enumerated, every pair of
people tried for blocking, a rustworkx blossom for the largest matching.
"""

from __future__ import annotations

import numpy as np
import pytest
import rustworkx as rx
from hypothesis import given, settings
from hypothesis import strategies as st

from peerdesk.matching import cardinality, stable
from peerdesk.matching.fairest import bottleneck_bipartite, bottleneck_pairs
from peerdesk.matching.objectives import (
    NOT_ALLOWED,
    blocking_pairs,
    blocking_pairs_bipartite,
    exact_order,
    order_keys,
)

# -- brute force ---------------------------------------------------------------------------------


def all_b_matchings(allowed, capacity):
    """Every assignment of mentees (columns) to at most one mentor (row) each, within capacity."""
    n_rows, n_cols = allowed.shape

    def rec(e, load, chosen):
        if e == n_cols:
            yield list(chosen)
            return
        yield from rec(e + 1, load, chosen)
        for m in range(n_rows):
            if allowed[m, e] and load[m] < capacity[m]:
                load[m] += 1
                chosen.append((m, e))
                yield from rec(e + 1, load, chosen)
                chosen.pop()
                load[m] -= 1

    yield from rec(0, [0] * n_rows, [])


def all_matchings(allowed):
    """Every matching of a symmetric allowed matrix, as lists of pairs (i < j)."""
    n = len(allowed)

    def rec(i, used, chosen):
        while i < n and used[i]:
            i += 1
        if i == n:
            yield list(chosen)
            return
        yield from rec(i + 1, used, chosen)
        for j in range(i + 1, n):
            if not used[j] and allowed[i, j]:
                used[i] = used[j] = True
                chosen.append((i, j))
                yield from rec(i + 1, used, chosen)
                chosen.pop()
                used[i] = used[j] = False

    yield from rec(0, [False] * n, [])


def fairest_key(scores):
    """(pairs, lowest, total): what a fairest round maximises, in that order."""
    return (len(scores), min(scores) if scores else 0.0, sum(scores))


def naive_blocking_bipartite(mentor_pref, mentee_pref, allowed, capacity, mentor_of):
    count = 0
    for m in range(allowed.shape[0]):
        mine = [e for e in range(allowed.shape[1]) if mentor_of[e] == m]
        for e in range(allowed.shape[1]):
            if not allowed[m, e] or mentor_of[e] == m:
                continue
            mentee_wants = mentor_of[e] < 0 or mentee_pref[m, e] > mentee_pref[mentor_of[e], e]
            mentor_wants = len(mine) < capacity[m] or any(mentor_pref[m, e] > mentor_pref[m, x] for x in mine)
            count += mentee_wants and mentor_wants
    return count


def naive_blocking_pairs(pref, allowed, groups, out=()):
    n = len(pref)
    group_of = {i: g for g in groups for i in g}
    count = 0
    for i in range(n):
        for j in range(i + 1, n):
            if not allowed[i, j] or i in out or j in out:
                continue
            if i in group_of and j in group_of[i]:
                continue

            def better(a, b):
                partners = [x for x in group_of.get(a, ()) if x != a]
                return all(pref[a, b] > pref[a, x] for x in partners)

            count += better(i, j) and better(j, i)
    return count


def symmetric_instance(rng, n, density, levels=None):
    allowed = np.triu(rng.random((n, n)) < density, 1)
    allowed |= allowed.T
    if levels:
        score = (rng.integers(0, levels, size=(n, n)) / levels).astype(np.float32)
    else:
        score = rng.random((n, n)).astype(np.float32)
    score = np.triu(score, 1)
    return score + score.T, allowed


# -- blocking pairs and orders --------------------------------------------------------------------


def test_exact_order_keeps_the_order_of_floats_and_their_ties():
    values = np.array([0.5, -0.0, 0.0, -1.5, 1e-30, -1e-30, np.inf, 0.5], dtype=np.float32)
    keys = exact_order(values)
    for a in range(len(values)):
        for b in range(len(values)):
            assert (values[a] < values[b]) == (keys[a] < keys[b])
            assert (values[a] == values[b]) == (keys[a] == keys[b])
    wide = np.array([3.0, 1.0, 3.0, 2.0])
    assert list(exact_order(wide)) == [2, 0, 2, 1]


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 10_000))
def test_blocking_counts_equal_a_check_of_every_pair(seed):
    rng = np.random.default_rng(seed)
    n_rows, n_cols = int(rng.integers(1, 5)), int(rng.integers(1, 7))
    allowed = rng.random((n_rows, n_cols)) < 0.7
    capacity = rng.integers(0, 3, size=n_rows)
    mentor_pref = (rng.integers(0, 3, size=allowed.shape) / 3).astype(np.float32)
    mentee_pref = (rng.integers(0, 3, size=allowed.shape) / 3).astype(np.float32)
    room = capacity.copy()
    mentor_of = np.full(n_cols, -1)
    for e in range(n_cols):
        options = [m for m in range(n_rows) if allowed[m, e] and room[m] > 0]
        if options and rng.random() < 0.7:
            m = options[int(rng.integers(len(options)))]
            mentor_of[e], room[m] = m, room[m] - 1
    assert blocking_pairs_bipartite(mentor_pref, mentee_pref, allowed, capacity, mentor_of) == (
        naive_blocking_bipartite(mentor_pref, mentee_pref, allowed, capacity, mentor_of)
    )
    n = int(rng.integers(1, 9))
    pref = (rng.integers(0, 4, size=(n, n)) / 4).astype(np.float32)
    allowed = np.triu(rng.random((n, n)) < 0.7, 1)
    allowed |= allowed.T
    order = [int(x) for x in rng.permutation(n)]
    groups, k = [], 0
    while k + 1 < len(order):
        size = 3 if k + 2 < len(order) and rng.random() < 0.3 else 2
        groups.append(order[k : k + size])
        k += size
    out = tuple(int(x) for x in order[k:]) if rng.random() < 0.5 else ()
    counted = np.ones(n, dtype=bool)
    counted[list(out)] = False
    assert blocking_pairs(pref, allowed, groups, counted=counted) == naive_blocking_pairs(pref, allowed, groups, out)


# -- largest matchings ----------------------------------------------------------------------------


@settings(max_examples=120, deadline=None)
@given(st.integers(0, 10_000), st.integers(1, 40), st.floats(0.02, 0.6))
def test_maximum_matching_is_as_large_as_the_blossom_algorithm_finds(seed, n, density):
    rng = np.random.default_rng(seed)
    allowed = np.triu(rng.random((n, n)) < density, 1)
    allowed |= allowed.T
    g = cardinality.graph(allowed)
    mate, bound = cardinality.maximum_matching(g)
    for v in range(n):
        if mate[v] >= 0:
            assert mate[mate[v]] == v and allowed[v, mate[v]]
    ref = rx.PyGraph()
    ref.add_nodes_from(range(n))
    ref.add_edges_from_no_data([tuple(e) for e in np.argwhere(np.triu(allowed, 1)).tolist()])
    expected = len(rx.max_weight_matching(ref, max_cardinality=True, weight_fn=lambda _: 1))
    assert cardinality.size(mate) == expected <= bound
    # augmenting any matching (here a random greedy one) reaches the same size
    start = np.full(n, -1)
    for a, b in np.argwhere(np.triu(allowed, 1))[rng.permutation(int(np.triu(allowed, 1).sum()))]:
        if start[a] < 0 and start[b] < 0:
            start[a], start[b] = b, a
    assert cardinality.size(cardinality.augment(g, start)) == expected


# -- fairest --------------------------------------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(st.integers(0, 10_000), st.sampled_from([None, 3, 5]))
def test_bipartite_bottleneck_is_the_fairest_lowest_score_of_a_largest_round(seed, levels):
    rng = np.random.default_rng(seed)
    n_rows, n_cols = int(rng.integers(1, 5)), int(rng.integers(1, 7))
    allowed = rng.random((n_rows, n_cols)) < rng.uniform(0.3, 1.0)
    capacity = rng.integers(0, 3, size=n_rows)
    score = (
        (rng.integers(0, levels, size=allowed.shape) / levels).astype(np.float32)
        if levels
        else rng.random(allowed.shape).astype(np.float32)
    )
    best = max(
        (fairest_key([float(score[m, e]) for m, e in mt]) for mt in all_b_matchings(allowed, capacity)),
        key=lambda k: k[:2],
    )
    neck = bottleneck_bipartite(score, allowed, capacity)
    if best[0] == 0:
        assert neck.pairs == 0
        return
    assert (neck.pairs, neck.threshold) == (best[0], pytest.approx(best[1]))


@settings(max_examples=150, deadline=None)
@given(st.integers(0, 10_000), st.integers(1, 9), st.sampled_from([None, 3, 5]))
def test_pairs_bottleneck_is_the_fairest_lowest_score_of_a_largest_round(seed, n, levels):
    rng = np.random.default_rng(seed)
    score, allowed = symmetric_instance(rng, n, rng.uniform(0.2, 1.0), levels)
    best = max((fairest_key([float(score[a, b]) for a, b in mt]) for mt in all_matchings(allowed)), key=lambda k: k[:2])
    neck, mate = bottleneck_pairs(score, allowed)
    if best[0] == 0:
        assert neck.pairs == 0
        return
    assert (neck.pairs, neck.threshold) == (best[0], pytest.approx(best[1]))
    pairs = [(a, int(mate[a])) for a in range(n) if mate[a] > a]
    assert len(pairs) == neck.pairs
    assert all(allowed[a, b] and score[a, b] >= neck.threshold for a, b in pairs)


def test_pairs_bottleneck_when_not_everyone_can_be_matched():
    # A triangle with a tail among 80 sparse peers: not everyone can be matched, so the
    # first guess fails and the threshold is searched for.
    rng = np.random.default_rng(3)
    score, allowed = symmetric_instance(rng, 80, 0.08)
    allowed[:5, :] = allowed[:, :5] = False
    for a, b, s in ((0, 1, 0.9), (1, 2, 0.9), (0, 2, 0.9), (2, 3, 0.1), (3, 4, 0.9)):
        allowed[a, b] = allowed[b, a] = True
        score[a, b] = score[b, a] = s
    neck, mate = bottleneck_pairs(score, allowed)
    g = cardinality.graph(allowed)
    assert neck.pairs == cardinality.size(cardinality.maximum_matching(g)[0])
    chosen = [(a, int(mate[a])) for a in range(80) if mate[a] > a]
    assert min(score[a, b] for a, b in chosen) == pytest.approx(neck.threshold)
    for t in np.unique(score[allowed]):
        if t > neck.threshold:
            m, _ = cardinality.maximum_matching(cardinality.graph(allowed & (score >= t)))
            assert cardinality.size(m) < neck.pairs


# -- stable -----------------------------------------------------------------------------------------


def test_pair_scores_always_have_one_stable_round_and_greedy_finds_it():
    """The theorem greedy_pairs relies on, on many random symmetric instances with ties:
    a stable round exists, it is unique under the strict order, and greedy is it."""
    rng = np.random.default_rng(0)
    for _ in range(400):
        n = int(rng.integers(1, 10))
        score, allowed = symmetric_instance(rng, n, rng.uniform(0.3, 1.0), levels=int(rng.integers(2, 5)))
        rank = rng.permutation(n)
        keys = order_keys(score, allowed, rank[:, None] + rank[None, :])
        stable_rounds = []
        for mt in all_matchings(allowed):
            mate = np.full(n, -1)
            for a, b in mt:
                mate[a], mate[b] = b, a
            if stable.count_blocking(keys, mate) == 0:
                stable_rounds.append(mate)
        assert len(stable_rounds) == 1
        greedy = stable.greedy_pairs(lambda rows, k=keys: k[rows].copy(), n)
        assert (greedy == stable_rounds[0]).all()
        assert (stable.stable_roommates(keys).mate == greedy).all()
        groups = [[a, int(greedy[a])] for a in range(n) if greedy[a] > a]
        assert naive_blocking_pairs(score, allowed, groups) == 0


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 100_000), st.integers(1, 8))
def test_irving_finds_a_stable_round_exactly_when_one_exists(seed, n):
    rng = np.random.default_rng(seed)
    allowed = np.triu(rng.random((n, n)) < rng.uniform(0.3, 1.0), 1)
    allowed |= allowed.T
    pref = rng.random((n, n)).astype(np.float32)  # not symmetric: i and j may like each other differently
    keys = order_keys(pref, allowed, np.arange(n)[None, :])
    exists = False
    for mt in all_matchings(allowed):
        mate = np.full(n, -1)
        for a, b in mt:
            mate[a], mate[b] = b, a
        if stable.count_blocking(keys, mate) == 0:
            exists = True
            break
    result = stable.stable_roommates(keys)
    assert result.stable == exists
    if exists:
        mate = result.mate
        assert all(mate[i] < 0 or (mate[mate[i]] == i and allowed[i, mate[i]]) for i in range(n))
        groups = [[a, int(mate[a])] for a in range(n) if mate[a] > a]
        assert naive_blocking_pairs(pref, allowed, groups) == 0
    else:
        assert result.proof is not None and result.proof.rotation
        fallback = stable.fewest_blocking(keys)
        fewest = min(naive_blocking_pairs(pref, allowed, [list(p) for p in mt]) for mt in all_matchings(allowed))
        groups = [[a, int(fallback[a])] for a in range(n) if fallback[a] > a]
        assert naive_blocking_pairs(pref, allowed, groups) == fewest >= 1


def test_three_who_each_prefer_the_next_have_no_stable_round():
    # a likes b most, b likes c, c likes a; everyone likes d least: no stable round (Gale and Shapley).
    pref = np.array([[0, 3, 2, 1], [2, 0, 3, 1], [3, 2, 0, 1], [3, 2, 1, 0]], dtype=np.float32)
    allowed = ~np.eye(4, dtype=bool)
    result = stable.stable_roommates(order_keys(pref, allowed, np.arange(4)[None, :]))
    assert not result.stable
    assert result.proof is not None
    assert set(result.proof.people()) <= {0, 1, 2, 3}
    fallback = stable.fewest_blocking(order_keys(pref, allowed, np.arange(4)[None, :]))
    assert naive_blocking_pairs(pref, allowed, [[a, int(fallback[a])] for a in range(4) if fallback[a] > a]) == 1


def test_fewest_blocking_local_search_never_does_worse_than_its_start():
    rng = np.random.default_rng(5)
    n = 30
    allowed = ~np.eye(n, dtype=bool)
    pref = rng.random((n, n)).astype(np.float32)
    keys = order_keys(pref, allowed, np.arange(n)[None, :])
    start = stable.greedy_pairs(stable._mutual_keys(keys, allowed).__getitem__, n)
    found = stable.fewest_blocking(keys)
    assert stable.count_blocking(keys, found) <= stable.count_blocking(keys, start)
    assert all(found[i] < 0 or found[found[i]] == i for i in range(n))


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 100_000), st.sampled_from([None, 3]))
def test_deferred_acceptance_leaves_no_blocking_pair_and_respects_capacities(seed, levels):
    rng = np.random.default_rng(seed)
    n_rows, n_cols = int(rng.integers(1, 6)), int(rng.integers(1, 9))
    allowed = rng.random((n_rows, n_cols)) < rng.uniform(0.3, 1.0)
    capacity = rng.integers(0, 4, size=n_rows)
    score = (
        (rng.integers(0, levels, size=allowed.shape) / levels).astype(np.float32)
        if levels
        else rng.random(allowed.shape).astype(np.float32)
    )
    rank = rng.permutation(n_rows)[:, None] + rng.permutation(n_cols)[None, :]
    keys = order_keys(score, allowed, rank)
    mentor_of = stable.deferred_acceptance(np.ascontiguousarray(keys.T), keys, capacity)
    assert all(mentor_of[e] < 0 or allowed[mentor_of[e], e] for e in range(n_cols))
    assert (np.bincount(mentor_of[mentor_of >= 0], minlength=n_rows) <= capacity).all()
    assert naive_blocking_bipartite(score, score, allowed, capacity, mentor_of) == 0
    # one shared order: the greedy round is the same (the only stable one)
    greedy = stable.greedy_bipartite(lambda rows: np.ascontiguousarray(keys.T)[rows].copy(), n_cols, capacity)
    assert (greedy == mentor_of).all()
    # mentors with their own, different order of the mentees: still stable for both orders
    mentor_pref = rng.random(allowed.shape).astype(np.float32)
    mentor_keys = order_keys(mentor_pref, allowed, np.arange(n_cols)[None, :])
    mentor_of = stable.deferred_acceptance(np.ascontiguousarray(keys.T), mentor_keys, capacity)
    assert (np.bincount(mentor_of[mentor_of >= 0], minlength=n_rows) <= capacity).all()
    assert naive_blocking_bipartite(mentor_pref, score, allowed, capacity, mentor_of) == 0


def test_not_allowed_is_below_every_key():
    score = np.array([[0.0, -5.0], [-5.0, 0.0]], dtype=np.float32)
    allowed = np.array([[False, True], [True, False]])
    keys = order_keys(score, allowed, np.zeros((2, 2), dtype=np.int64))
    assert keys[0, 1] > NOT_ALLOWED and keys[0, 0] == NOT_ALLOWED


def test_stable_rounds_without_anyone_on_the_other_side():
    empty = np.zeros((3, 0), dtype=np.int64)
    assert list(stable.deferred_acceptance(empty, empty.T.copy(), np.zeros(0, dtype=np.int64))) == [-1, -1, -1]
    assert list(stable.greedy_bipartite(lambda rows: empty[rows], 3, np.zeros(0, dtype=np.int64))) == [-1, -1, -1]
    assert list(stable.greedy_pairs(lambda rows: np.full((len(rows), 1), NOT_ALLOWED), 1)) == [-1]
