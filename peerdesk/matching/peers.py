"""Buddy and cross-functional rounds: a maximum-weight matching with repeats forbidden.

Small pools are solved exactly by rustworkx's blossom algorithm. Larger pools are solved
with an assignment relaxation: a perfect matching is a permutation made of swaps, so the
optimal assignment of the symmetric score matrix (with "stay single" on the diagonal) is
at least twice the best matching. Its value is a certified upper bound, its 2-cycles are
pairs, and its longer cycles are split and repaired, then improved by exchanging partners.
Pools of more than BLOCK people are solved in blocks with their seams re-solved, and every
assignment is preconditioned with Lagrangian potentials, which leaves its optimum alone.
Either way the matching first covers as many people as possible, then maximises the score.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import rustworkx as rx
from scipy.optimize import linear_sum_assignment

from peerdesk.matching.common import Steps, solver_weights
from peerdesk.matching.scoring import Block, Features, score_block

EXACT_LIMIT = 150  # people; above this the assignment method is faster
BLOCK = 2500  # people per assignment block
SEAM = 2500  # people re-solved across each seam between blocks
NEIGHBOURS = 30  # partners tried per person when exchanging
REGION_DENSE = 300  # people re-solved exactly on all their edges
REGION_EDGES = 10  # best edges per person kept in larger regions
POTENTIAL_STEPS = 50  # subgradient steps that precondition each assignment
POTENTIAL_PARTNERS = 64  # best partners per person those steps look at
SCALE = 10**7  # integer weights for the blossom algorithm
NEG = -1e9


@dataclass
class PairResult:
    pairs: list[tuple[int, int]]  # positions in the features
    trios: list[tuple[int, int, int]]
    sat_out: list[int]  # positions who sit out this round
    block: Block
    upper_bound: float | None  # certified bound on the score of any round as large as this one
    optimal: bool


def solve_pairs(
    f: Features,
    steps: Steps,
    *,
    exact: bool | None = None,
    block: Block | None = None,
    may_sit_out: np.ndarray | None = None,
) -> PairResult:
    """Pair everyone who can be paired, best total score; odd one out per the options;
    `block` gives the scores (and the pairs allowed) when the caller has them already, and
    `may_sit_out` who may sit out when the caller has decided it (empty: nobody)."""
    everyone = np.arange(f.n, dtype=np.int64)
    steps(0.05, "Scoring every possible pair")
    if block is None:
        block = score_block(f, everyone, everyone)
    ids = np.array([p.id for p in f.people], dtype=np.int64)
    w = solver_weights(block.score, block.allowed, ids, ids, f.problem.options.seed, f.problem.previous, NEG)
    degree = block.allowed.sum(axis=1)
    pool = np.flatnonzero(degree > 0)
    dummy = None
    if may_sit_out is not None:
        dummy = np.intersect1d(may_sit_out, pool) if len(may_sit_out) else None
    elif f.problem.options.odd_person == "sitout" and len(pool) % 2 == 1:
        dummy = _sitout_candidates(f, pool)
    steps(0.4, "Finding the best pairs")
    use_exact = exact if exact is not None else len(pool) <= EXACT_LIMIT
    if use_exact:
        pairs, bound, optimal = _exact(w, pool, dummy)
    else:
        order_key = _block_order(f)
        at = {int(p): k for k, p in enumerate(pool)}
        index = {p.id: k for k, p in enumerate(f.people)}
        together = [
            (at[index[a]], at[index[b]])
            for a, b in f.problem.previous
            if a in index and b in index and index[a] in at and index[b] in at
        ]
        pairs, bound, optimal = _assignment(w, pool, dummy, steps, order_key, together)
    sat_out = [b for a, b in pairs if a == -1]
    pairs = [(a, b) for a, b in pairs if a != -1]
    trios: list[tuple[int, int, int]] = []
    if f.problem.options.odd_person == "trio":
        pairs, trios = _trios(w, pool, pairs)
    return PairResult(sorted(pairs), trios, sat_out, block, bound, optimal)


def _block_order(f: Features) -> np.ndarray:
    """A sort key that puts likely partners next to each other: at what time of day (UTC)
    they are usually free (the circular mean of their free quarter-hours), then their zone."""
    table = f.slots
    free = table.unique[table.inverse]
    angle = 2 * np.pi * (table.columns % 96) / 96.0
    x = free @ np.cos(angle)
    y = free @ np.sin(angle)
    centre = np.where(table.has_windows, np.mod(np.arctan2(y, x), 2 * np.pi), 0.0)
    return centre * 1e4 + f.offset.astype(np.float64)


def _sitout_candidates(f: Features, pool: np.ndarray) -> np.ndarray:
    """Who may sit out: those who sat out least recently (never counts as longest ago)."""
    last = f.problem.history.last_sat_out
    rounds = np.array([last.get(f.people[k].id, -1) for k in pool])
    least: np.ndarray = pool[rounds == rounds.min()]
    return least


def _exact(
    w: np.ndarray, pool: np.ndarray, dummy: np.ndarray | None
) -> tuple[list[tuple[int, int]], float | None, bool]:
    """Maximum-cardinality, then maximum-weight matching (blossom algorithm).

    The stand-in who marks who sits out counts in the cardinality, so a candidate is left
    over whenever the round can do it; a real pair weighs more than every score together,
    so it never costs a pair: the most pairs, then the rotation, then the total.
    """
    sub = w[np.ix_(pool, pool)]
    iu = np.argwhere(np.triu(sub > NEG / 2, 1))
    pair_base = 4 * SCALE * (len(pool) + 1)
    weights = np.rint(sub[iu[:, 0], iu[:, 1]] * SCALE).astype(np.int64) + pair_base
    g = rx.PyGraph()
    g.add_nodes_from(range(len(pool) + (1 if dummy is not None else 0)))
    edges = list(zip(iu[:, 0].tolist(), iu[:, 1].tolist(), weights.tolist(), strict=True))
    if dummy is not None:
        at = {int(p): k for k, p in enumerate(pool)}
        edges += [(len(pool), at[int(c)], SCALE) for c in dummy]
    g.add_edges_from(edges)
    matching = rx.max_weight_matching(g, max_cardinality=True, weight_fn=int)
    pairs = []
    for a, b in matching:
        if a == len(pool) or b == len(pool):
            pairs.append((-1, int(pool[b if a == len(pool) else a])))
        else:
            x, y = int(pool[a]), int(pool[b])
            pairs.append((min(x, y), max(x, y)))
    return pairs, None, True


def _assignment(
    w: np.ndarray,
    pool: np.ndarray,
    dummy: np.ndarray | None,
    steps: Steps,
    order_key: np.ndarray,
    keep_together: list[tuple[int, int]] | None = None,
) -> tuple[list[tuple[int, int]], float | None, bool]:
    """The assignment relaxation, its cycles turned into pairs, then partner exchanges.

    Pools larger than BLOCK are split into blocks of people close in time zone and
    department (who are also the likely partners), each solved by assignment; exchanges
    between all pairs then repair the seams. Only a single block's relaxation is a
    certified bound; for split pools use upper_bound().
    """
    m = len(pool)
    size = m + (1 if dummy is not None else 0)
    if dummy is None and m == len(w):
        local_w = w  # everyone can be paired: no copy of the big matrix
    else:
        local_w = np.full((size, size), NEG)
        local_w[:m, :m] = w[np.ix_(pool, pool)]
    at = np.searchsorted(pool, dummy) if dummy is not None else None
    if at is not None:
        local_w[m, at] = local_w[at, m] = 0.0
    blocks = -(-m // BLOCK)
    order = np.argsort(order_key[pool], kind="stable")
    chunks = [order[k * m // blocks : (k + 1) * m // blocks] for k in range(blocks)]
    if blocks > 1 and keep_together:
        # Partners of the previous proposal stay in one block, so that one more person
        # moving the block edges does not pull kept pairs apart.
        block_of = np.empty(m, dtype=np.int64)
        for k, chunk in enumerate(chunks):
            block_of[chunk] = k
        for a, b in keep_together:
            block_of[b] = block_of[a]
        chunks = [np.flatnonzero(block_of == k) for k in range(blocks)]
        chunks = [c[np.argsort(order_key[pool][c], kind="stable")] for c in chunks]
    if at is not None:
        # The one who sits out comes from the block holding most of the candidates.
        best = max(range(blocks), key=lambda k: np.isin(chunks[k], at).sum())
        chunks[best] = np.append(chunks[best], m)
    mate = np.full(size, -1, dtype=np.int64)
    relaxed = 0.0
    for k, chunk in enumerate(chunks):
        cw = local_w[np.ix_(chunk, chunk)]
        perm, value = _relax(cw)
        relaxed += value
        part = _cycles_to_matching(perm, cw)
        _settle_region(cw, perm, part)
        inside = part >= 0
        mate[chunk[inside]] = chunk[part[inside]]
        steps(0.4 + 0.3 * (k + 1) / blocks, "Finding the best pairs")
    steps(0.7, "Repairing and improving the pairs")
    adj = local_w > NEG / 2
    neighbours = _neighbours(local_w, NEIGHBOURS)
    mate = _improve(local_w, adj, neighbours, mate, steps)
    if blocks > 1:
        # Re-solve windows across each seam between blocks, keeping what scores more.
        flat = np.concatenate(chunks)
        cuts = np.cumsum([len(c) for c in chunks])[:-1]
        for cut in cuts:
            window = flat[max(0, cut - SEAM // 2) : cut + SEAM // 2]
            _resolve_window(local_w, mate, window)
        steps(0.8, "Repairing the seams")
        mate = _improve(local_w, adj, neighbours, mate, steps)
    pairs = []
    for a in range(size):
        b = int(mate[a])
        if b > a:
            if b == m:
                pairs.append((-1, int(pool[a])))
            else:
                pairs.append((int(pool[a]), int(pool[b])))
    if blocks > 1:
        return pairs, None, False
    value = sum(local_w[a, mate[a]] for a in range(size) if mate[a] > a)
    return pairs, relaxed, value >= relaxed - 1e-9


def _resolve_window(w: np.ndarray, mate: np.ndarray, window: np.ndarray) -> bool:
    """Solve again the people of a window whose partners are inside it; keep it if better."""
    inside = np.zeros(len(mate), dtype=bool)
    inside[window] = True
    keep = window[(mate[window] < 0) | inside[np.maximum(mate[window], 0)]]
    if len(keep) < 4:
        return False
    cw = w[np.ix_(keep, keep)]
    at = {int(p): k for k, p in enumerate(keep)}
    before = sum(cw[k, at[int(mate[p])]] for k, p in enumerate(keep) if mate[p] > p)
    perm, _ = _relax(cw)
    part = _cycles_to_matching(perm, cw)
    _settle_region(cw, perm, part)
    count_before = int((mate[keep] >= 0).sum())
    count_after = int((part >= 0).sum())
    after = sum(cw[k, part[k]] for k in range(len(keep)) if part[k] > k)
    if (count_after, after) <= (count_before, before + 1e-12):
        return False
    mate[keep] = -1
    matched = part >= 0
    mate[keep[matched]] = keep[part[matched]]
    return True


def _relax(w: np.ndarray) -> tuple[np.ndarray, float]:
    """The optimal assignment of w (NEG forbidden, staying single on the diagonal at 0)
    and half its value: a certified bound on any matching of these people.

    The costs are first reduced by Lagrangian multipliers, estimated on each person's best
    POTENTIAL_PARTNERS only (see _multipliers). That adds the same constant to every
    assignment, so the optimum does not change, but with near-tight potentials the
    shortest augmenting paths are short: 5 times faster on 2,500 people.
    """
    n = len(w)
    cost = np.where(w > NEG / 2, -w, 4.0 * n)
    np.fill_diagonal(cost, 0.0)
    k = min(POTENTIAL_PARTNERS, n - 1)
    if k >= 1:
        ww = w.astype(np.float32)
        np.fill_diagonal(ww, NEG)
        partners = np.argpartition(-ww, k - 1, axis=1)[:, :k].copy()
        lam = _multipliers(np.take_along_axis(ww, partners, axis=1), partners, POTENTIAL_STEPS)
        del ww
        cost += lam[:, None]
        cost += lam[None, :]
    rows, perm = linear_sum_assignment(cost)
    paired = perm != rows
    return perm, float(w[rows[paired], perm[paired]].sum()) / 2.0


def _multipliers(ww: np.ndarray, partners: np.ndarray, iterations: int) -> np.ndarray:
    """Estimated Lagrangian multipliers lam >= 0 of the matching relaxation, one per person.

    ww[u, j] is the weight of u with partners[u, j] (float32, very negative if forbidden).
    For any lam >= 0 and any matching M,
        w(M) <= sum(lam) + 1/2 * sum_u max(0, max_v (w_uv - lam_u - lam_v)),
    because every matched edge's reduced weight is at most the mean of its two ends' best.
    Subgradient steps lower that value (here estimated on the partner lists only), each
    toward a target just below the best value so far that closes in whenever progress
    stalls. Returns the best multipliers seen.
    """
    n = len(ww)
    lam: np.ndarray = np.maximum(ww.max(axis=1), 0.0).astype(np.float64) / 2.0
    best, best_lam = np.inf, lam
    rows = np.arange(n)
    gap, stalled = 0.02, 0
    for _ in range(iterations):
        lam32 = lam.astype(np.float32)
        reduced = ww - lam32[:, None] - lam32[partners]
        j = reduced.argmax(axis=1)
        top = reduced[rows, j].astype(np.float64)
        positive = top > 0
        value = float(lam.sum() + 0.5 * top[positive].sum())
        if value < best:
            best, best_lam, stalled = value, lam, 0
        else:
            stalled += 1
            if stalled == 2:
                gap, stalled = gap / 2, 0
        grad = 1.0 - 0.5 * positive
        np.subtract.at(grad, partners[rows, j][positive], 0.5)
        grad[(lam <= 0) & (grad > 0)] = 0.0
        norm = float((grad * grad).sum())
        if norm == 0:
            break
        lam = np.maximum(0.0, lam - (value - best * (1 - gap)) / norm * grad)
    return best_lam


def upper_bound(w: np.ndarray) -> float:
    """A certified upper bound on the weight of any matching (w: symmetric, -inf forbidden):
    the optimum of its linear relaxation, half the best assignment with staying single free."""
    if len(w) < 2:
        return 0.0
    return _relax(np.where(np.isfinite(w), w, NEG))[1]


def _settle_region(w: np.ndarray, perm: np.ndarray, mate: np.ndarray) -> None:
    """Re-solve exactly the people the relaxation left in longer cycles or alone.

    2-cycles of the optimal assignment are pairs the relaxation itself vouches for; the
    rest (usually a small share) is matched optimally among themselves by the blossom
    algorithm, on their REGION_EDGES best edges each when the region is large.
    """
    n = len(perm)
    idx = np.arange(n)
    in_pair = (perm != idx) & (perm[perm] == idx)
    region = np.flatnonzero(~in_pair & (w > NEG / 2).any(axis=1))
    if len(region) < 2:
        return
    sub = w[np.ix_(region, region)]
    ok = sub > NEG / 2
    np.fill_diagonal(ok, False)
    if len(region) > REGION_DENSE:
        k = min(REGION_EDGES, len(region) - 1)
        top = np.argpartition(-sub, k - 1, axis=1)[:, :k]
        keep = np.zeros_like(ok)
        keep[np.repeat(np.arange(len(region)), k), top.ravel()] = True
        ok &= keep | keep.T
    iu = np.argwhere(np.triu(ok, 1))
    weights = np.rint(sub[iu[:, 0], iu[:, 1]] * SCALE).astype(np.int64) + SCALE
    g = rx.PyGraph()
    g.add_nodes_from(range(len(region)))
    g.add_edges_from(list(zip(iu[:, 0].tolist(), iu[:, 1].tolist(), weights.tolist(), strict=True)))
    found = rx.max_weight_matching(g, max_cardinality=True, weight_fn=int)
    mate[region] = -1
    for a, b in found:
        x, y = int(region[a]), int(region[b])
        mate[x], mate[y] = y, x


def _cycles_to_matching(perm: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Split the permutation's cycles into pairs: 2-cycles as they are, longer ones alternately."""
    n = len(perm)
    mate = np.full(n, -1, dtype=np.int64)
    seen = np.zeros(n, dtype=bool)
    for start in range(n):
        if seen[start]:
            continue
        cycle = [start]
        seen[start] = True
        nxt = int(perm[start])
        while nxt != start:
            cycle.append(nxt)
            seen[nxt] = True
            nxt = int(perm[nxt])
        k = len(cycle)
        if k == 1:
            continue
        if k == 2:
            a, b = cycle
            if w[a, b] > NEG / 2:
                mate[a], mate[b] = b, a
            continue
        best: list[tuple[int, int]] = []
        best_value = -np.inf
        # Leave out each position in turn for odd cycles; try both alternations for even ones.
        for shift in range(k if k % 2 else 2):
            order = cycle[shift:] + cycle[:shift]
            chosen = [(order[i], order[i + 1]) for i in range(0, k - 1, 2)]
            value = sum(w[a, b] for a, b in chosen)
            if value > best_value:
                best_value, best = value, chosen
        for a, b in best:
            if w[a, b] > NEG / 2:
                mate[a], mate[b] = b, a
    return mate


def _improve(
    w: np.ndarray, adj: np.ndarray, neighbours: np.ndarray, mate: np.ndarray, steps: Steps, rounds: int = 60
) -> np.ndarray:
    """Augment through singles, then exchange partners with near neighbours while it pays."""
    _augment_paths(w, adj, mate)
    for _ in range(rounds):
        changed = _two_opt(w, mate, neighbours)
        changed |= _replace_partner(w, mate, neighbours)
        if changed:
            _augment_paths(w, adj, mate)
        else:
            break
        steps(0.85, "Improving the pairs")
    return mate


def _neighbours(w: np.ndarray, k: int) -> np.ndarray:
    """Each person's k best allowed partners (by weight)."""
    n = len(w)
    k = max(1, min(k, n - 1))
    out = np.empty((n, k), dtype=np.int64)
    for start in range(0, n, 512):  # a few rows at a time: n x n indices would take 8 bytes a pair
        rows = slice(start, start + 512)
        out[rows] = np.argpartition(-w[rows].astype(np.float32), k - 1, axis=1)[:, :k]
    return out


def _augment_paths(w: np.ndarray, adj: np.ndarray, mate: np.ndarray) -> bool:
    """Match more people: for each single, follow alternating paths to another single."""
    changed = False
    for u in np.flatnonzero(mate < 0):
        if mate[u] >= 0 or not adj[u].any():
            continue
        path = _find_path(w, adj, mate, int(u))
        if path:
            for x, y in path:
                mate[x], mate[y] = y, x
            changed = True
    return changed


def _find_path(w: np.ndarray, adj: np.ndarray, mate: np.ndarray, u: int) -> list[tuple[int, int]] | None:
    """Breadth-first alternating path from single u to another single (heaviest edges first)."""
    n = len(mate)
    parent = np.full(n, -1, dtype=np.int64)
    seen = np.zeros(n, dtype=bool)
    seen[u] = True
    frontier = np.array([u], dtype=np.int64)
    while len(frontier):
        reach = adj[frontier]
        reach[:, seen] = False
        ys = np.flatnonzero(reach.any(axis=0))
        if not len(ys):
            return None
        weights = np.where(reach[:, ys], w[np.ix_(frontier, ys)], -np.inf)
        parent[ys] = frontier[weights.argmax(axis=0)]
        seen[ys] = True
        singles = ys[mate[ys] < 0]
        if len(singles):
            y = int(singles[int(np.argmax(w[parent[singles], singles]))])
            path = []
            while True:
                x = int(parent[y])
                path.append((x, y))
                if x == u:
                    return path
                y = int(mate[x])
        nxt = mate[ys]
        nxt = nxt[~seen[nxt]]
        seen[nxt] = True
        frontier = nxt
    return None


def _two_opt(w: np.ndarray, mate: np.ndarray, neighbours: np.ndarray) -> bool:
    """Exchange partners between two pairs, (a,b)+(c,d) -> (a,c)+(b,d) or (a,d)+(b,c),
    trying for each pair the pairs of its members' nearest neighbours."""
    n = len(mate)
    a = np.flatnonzero(mate > np.arange(n))
    if len(a) < 2:
        return False
    b = mate[a]
    pair_of = np.full(n, -1, dtype=np.int64)
    pair_of[a] = np.arange(len(a))
    pair_of[b] = np.arange(len(a))
    cur = w[a, b]
    cand = pair_of[np.concatenate([neighbours[a], neighbours[b]], axis=1)]
    valid = (cand >= 0) & (cand != np.arange(len(a))[:, None])
    cj = np.where(valid, cand, 0)
    aj, bj = a[cj], b[cj]
    A, B = a[:, None], b[:, None]
    base = cur[:, None] + cur[cj]
    straight = w[A, aj] + w[B, bj] - base
    crossed = w[A, bj] + w[B, aj] - base
    use_crossed = crossed > straight
    gain = np.where(use_crossed, crossed, straight)
    gain[~valid] = -np.inf
    best = gain.argmax(axis=1)
    best_gain = gain[np.arange(len(a)), best]
    used = np.zeros(len(a), dtype=bool)
    changed = False
    for i in np.argsort(-best_gain, kind="stable"):
        if best_gain[i] <= 1e-12:
            break
        j = int(cj[i, best[i]])
        if used[i] or used[j]:
            continue
        used[i] = used[j] = True
        ai, bi, aj_, bj_ = int(a[i]), int(b[i]), int(a[j]), int(b[j])
        if use_crossed[i, best[i]]:
            mate[ai], mate[bj_], mate[bi], mate[aj_] = bj_, ai, aj_, bi
        else:
            mate[ai], mate[aj_], mate[bi], mate[bj_] = aj_, ai, bj_, bi
        changed = True
    return changed


def _replace_partner(w: np.ndarray, mate: np.ndarray, neighbours: np.ndarray) -> bool:
    """A single takes the place of someone's partner when they fit that person better."""
    singles = np.flatnonzero(mate < 0)
    if not len(singles):
        return False
    changed = False
    for u in singles:
        if mate[u] >= 0:
            continue
        xs = neighbours[u]
        xs = xs[(mate[xs] >= 0) & (w[u, xs] > NEG / 2)]
        if not len(xs):
            continue
        gain = w[u, xs] - w[xs, mate[xs]]
        k = int(np.argmax(gain))
        if gain[k] > 1e-12:
            x = int(xs[k])
            dropped = int(mate[x])
            mate[x], mate[u], mate[dropped] = u, x, -1
            changed = True
    return changed


def _trios(
    w: np.ndarray, pool: np.ndarray, pairs: list[tuple[int, int]]
) -> tuple[list[tuple[int, int]], list[tuple[int, int, int]]]:
    """Each person left over joins the pair they fit best with (both pairs must be allowed)."""
    matched = {x for p in pairs for x in p}
    left = [int(k) for k in pool if int(k) not in matched]
    if not left or not pairs:
        return pairs, []
    a = np.array([p[0] for p in pairs])
    b = np.array([p[1] for p in pairs])
    taken = np.zeros(len(pairs), dtype=bool)
    options = {u: (w[u, a] > NEG / 2) & (w[u, b] > NEG / 2) for u in left}
    trios = []
    for u in sorted(left, key=lambda u: int(options[u].sum())):
        ok = options[u] & ~taken
        if not ok.any():
            continue
        value = np.where(ok, w[u, a] + w[u, b], -np.inf)
        k = int(np.argmax(value))
        taken[k] = True
        trios.append((int(a[k]), int(b[k]), u))
    kept = [p for k, p in enumerate(pairs) if not taken[k]]
    return kept, trios
