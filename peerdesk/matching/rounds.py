"""One mentoring or pair round for each objective, and its count of blocking pairs.

"best" is today's solver as it is. "fairest" finds the bottleneck score (fairest.py) and
runs the same best-total solver on the pairs scoring at least that much, so it keeps every
rule, lock and the "as many matched as possible" priority. "stable" runs deferred
acceptance (mentoring) or the greedy stable roommates round (peers, symmetric scores),
with exact ties broken by the previous proposal's pairs, then by the seed's ranks.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from peerdesk.matching import cardinality, stable
from peerdesk.matching.common import Steps, solver_weights, stability
from peerdesk.matching.fairest import _search, bottleneck_bipartite, bottleneck_pairs
from peerdesk.matching.mentoring import MentoringResult, mentoring_sides, solve_mentoring
from peerdesk.matching.model import Objective
from peerdesk.matching.objectives import blocking_pairs, blocking_pairs_bipartite, order_keys, person_ranks
from peerdesk.matching.peers import EXACT_LIMIT, NEG, PairResult, _sitout_candidates, _trios, solve_pairs
from peerdesk.matching.scoring import Block, Features, score_block


def _ids(f: Features, positions: np.ndarray) -> np.ndarray:
    return np.array([f.people[int(k)].id for k in positions], dtype=np.int64)


def _kept(f: Features, rows: np.ndarray, cols: np.ndarray) -> np.ndarray | None:
    """Where (row, col) was a pair of the previous proposal."""
    bonus = stability(_ids(f, rows), _ids(f, cols), f.problem.previous)
    return None if bonus is None else bonus > 0


# -- mentoring -----------------------------------------------------------------------------------


def mentoring_round(f: Features, capacity: dict[int, int], steps: Steps, objective: Objective) -> MentoringResult:
    """The mentoring round for the objective (see the module docstring)."""
    if objective == "best":
        return solve_mentoring(f, capacity, steps)
    mentors, mentees = mentoring_sides(f, capacity)
    steps(0.1, "Scoring mentor and mentee pairs")
    block = score_block(f, mentors, mentees)
    room = np.array([capacity.get(int(m), 0) for m in mentors], dtype=np.int64)
    if objective == "fairest":
        steps(0.3, "Finding the fairest lowest score")
        neck = bottleneck_bipartite(block.score, block.allowed, room)
        if neck.threshold is None:
            return solve_mentoring(f, capacity, steps, block=block)
        fair = replace(block, allowed=block.allowed & (block.score >= np.float32(neck.threshold)))
        return replace(solve_mentoring(f, capacity, steps, block=fair), block=block)
    steps(0.4, "Finding a stable round")
    seed = f.problem.options.seed
    rank = person_ranks(_ids(f, mentors), seed)[:, None] + person_ranks(_ids(f, mentees), seed)[None, :]
    keys = order_keys(block.score, block.allowed, rank, _kept(f, mentors, mentees))
    mentor_of = stable.deferred_acceptance(np.ascontiguousarray(keys.T), keys, room)
    pairs = [(int(mentors[m]), int(mentees[e])) for e, m in enumerate(mentor_of) if m >= 0]
    pairs.sort(key=lambda mc: (f.people[mc[0]].name.casefold(), f.people[mc[1]].name.casefold()))
    return MentoringResult(pairs, block, capacity)


def mentoring_blocking(f: Features, result: MentoringResult) -> int:
    """Blocking (mentor, mentee) pairs of a mentoring round, each mentor with their free places."""
    mentors, mentees = mentoring_sides(f, result.capacity)
    row = {int(m): k for k, m in enumerate(mentors)}
    col = {int(e): k for k, e in enumerate(mentees)}
    mentor_of = np.full(len(mentees), -1, dtype=np.int64)
    for m, e in result.pairs:
        mentor_of[col[e]] = row[m]
    room = np.array([result.capacity.get(int(m), 0) for m in mentors], dtype=np.int64)
    score = result.block.score
    return blocking_pairs_bipartite(score, score, result.block.allowed, room, mentor_of)


# -- pairs ----------------------------------------------------------------------------------------


def pairs_round(f: Features, steps: Steps, objective: Objective) -> PairResult:
    """The buddy or cross-functional round for the objective (see the module docstring)."""
    if objective == "best":
        return solve_pairs(f, steps)
    everyone = np.arange(f.n, dtype=np.int64)
    steps(0.05, "Scoring every possible pair")
    block = score_block(f, everyone, everyone)
    pool = np.flatnonzero(block.allowed.any(axis=1))
    sitout = f.problem.options.odd_person == "sitout" and len(pool) % 2 == 1
    if objective == "fairest":
        return _fairest_pairs(f, steps, block, pool, sitout)
    return _stable_pairs(f, steps, block, pool, sitout)


def _fairest_pairs(f: Features, steps: Steps, block: Block, pool: np.ndarray, sitout: bool) -> PairResult:
    steps(0.2, "Finding the fairest lowest score")
    neck, mate = bottleneck_pairs(block.score, block.allowed)
    candidates = np.empty(0, dtype=np.int64)
    if sitout:
        # A stand-in partner for whoever sits out: always available, never the lowest. It is
        # worth having only when the round then has one more "pair" than the real pairs can
        # make: a sit-out never takes the place of a pair.
        n = f.n
        score = np.zeros((n + 1, n + 1), dtype=np.float32)
        score[:n, :n] = block.score
        allowed = np.zeros((n + 1, n + 1), dtype=bool)
        allowed[:n, :n] = block.allowed
        can_sit = _sitout_candidates(f, pool)
        score[n, can_sit] = score[can_sit, n] = np.inf
        allowed[n, can_sit] = allowed[can_sit, n] = True
        with_stand_in, stand_in_mate = bottleneck_pairs(score, allowed)
        if with_stand_in.pairs > neck.pairs:
            neck, mate, candidates = with_stand_in, stand_in_mate, can_sit
    if neck.threshold is None or not np.isfinite(neck.threshold):
        return solve_pairs(f, steps, block=block)
    fair = replace(block, allowed=block.allowed & (block.score >= np.float32(neck.threshold)))
    # Who sits out is decided here, on the whole pool: none for an even one, even if the
    # threshold left the solver an odd one; else one of the candidates.
    idle = candidates[~fair.allowed[candidates].any(axis=1)]
    if len(idle):  # a candidate without a partner at the threshold is left over anyway
        result = solve_pairs(f, steps, block=fair, may_sit_out=np.empty(0, dtype=np.int64))
        result = replace(result, sat_out=[int(mate[f.n]) if int(mate[f.n]) in idle else int(idle[0])])
    else:
        result = solve_pairs(f, steps, block=fair, may_sit_out=candidates)
    result = _largest(fair, result, neck.pairs - (1 if len(candidates) else 0))
    if f.problem.options.odd_person == "trio":
        # Whoever is left joins a pair, as in a best-total round: being matched comes first.
        result = _as_many_as_best(f, steps, block, pool, _join(f, block, pool, result), neck.threshold)
    return replace(result, block=block)


def _largest(fair: Block, result: PairResult, pairs: int) -> PairResult:
    """The large-pool solver may stop short of the pairs the threshold admits: augment its
    matching (trios back to their pair, whoever sits out left out) to as many; the one left
    over then joins a pair as before."""
    matched = [*result.pairs, *(t[:2] for t in result.trios)]
    if len(matched) >= pairs:
        return result
    n = len(fair.score)
    mate = np.full(n, -1, dtype=np.int64)
    for a, b in matched:
        mate[a], mate[b] = b, a
    allowed = fair.allowed.copy()
    allowed[result.sat_out, :] = allowed[:, result.sat_out] = False
    mate = cardinality.augment(cardinality.graph(allowed), mate, target=pairs)
    return replace(result, pairs=[(a, int(mate[a])) for a in range(n) if mate[a] > a], trios=[])


def _join(f: Features, block: Block, pool: np.ndarray, result: PairResult) -> PairResult:
    """Whoever of the pool is in no group joins the pair they fit best with (all rules kept)."""
    in_trios = [m for t in result.trios for m in t]
    pairs, trios = _trios(_weights(f, block), np.setdiff1d(pool, in_trios), result.pairs)
    return replace(result, pairs=sorted(pairs), trios=result.trios + trios)


def _placed(result: PairResult) -> int:
    return 2 * len(result.pairs) + 3 * len(result.trios)


def _as_many_as_best(
    f: Features, steps: Steps, block: Block, pool: np.ndarray, result: PairResult, threshold: float
) -> PairResult:
    """The fairest pairs may leave over someone who fits none of them while the best-total
    round has them join a pair: then the highest lower threshold whose round places as many.

    The search starts from the best-total round's lowest pair score, at which the best-total
    round itself is the answer, so it always ends on a round that places as many people and
    whose lowest pair is no lower. Pools the exact solver does not take keep the fairest
    pairs (each probe would be a whole large solve).
    """
    if _placed(result) == len(pool) or len(pool) > EXACT_LIMIT:
        return result
    best = solve_pairs(f, steps, block=block)
    wanted = _placed(best)
    if _placed(result) >= wanted:
        return result
    floor = min(float(block.score[a, b]) for a, b in [*best.pairs, *(t[:2] for t in best.trios)])
    nobody = np.empty(0, dtype=np.int64)
    found: dict[float, PairResult] = {}

    def places_as_many(t: float) -> bool:
        fair = replace(block, allowed=block.allowed & (block.score >= np.float32(t)))
        found[t] = _join(f, block, pool, solve_pairs(f, steps, block=fair, may_sit_out=nobody))
        return _placed(found[t]) >= wanted

    values = np.unique(block.score[np.triu(block.allowed, 1)])
    lower = values[(values >= np.float32(floor)) & (values < np.float32(threshold))]
    if not len(lower):
        return result
    t = _search(lower, places_as_many)
    if t not in found:  # the best-total round's lowest score, never probed: its own round
        places_as_many(t)
    return found[t]


def _weights(f: Features, block: Block) -> np.ndarray:
    ids = _ids(f, np.arange(f.n))
    return solver_weights(block.score, block.allowed, ids, ids, f.problem.options.seed, f.problem.previous, NEG)


def _stable_pairs(f: Features, steps: Steps, block: Block, pool: np.ndarray, sitout: bool) -> PairResult:
    steps(0.4, "Finding a stable round")
    everyone = np.arange(f.n, dtype=np.int64)
    rank = person_ranks(_ids(f, everyone), f.problem.options.seed)
    kept = _kept(f, everyone, everyone)
    symmetric = np.array_equal(block.score, block.score.T)

    def solve(out: int | None) -> np.ndarray:
        allowed = block.allowed
        if out is not None:
            allowed = allowed.copy()
            allowed[out, :] = allowed[:, out] = False
        if not symmetric:  # everyone's own order: Irving, else the fewest blocking pairs found
            keys = order_keys(block.score, allowed, rank[None, :], kept)
            result = stable.stable_roommates(keys)
            return result.mate if result.stable else stable.fewest_blocking(keys)

        def rows(idx: np.ndarray) -> np.ndarray:
            return order_keys(
                block.score[idx], allowed[idx], rank[idx][:, None] + rank[None, :], None if kept is None else kept[idx]
            )

        return stable.greedy_pairs(rows, f.n)

    mate = solve(None)
    sat_out: list[int] = []
    if sitout:
        # Someone who sat out least recently sits out; the round is stable among the others.
        candidates = _sitout_candidates(f, pool)
        single = candidates[mate[candidates] < 0]
        if len(single):
            sat_out = [int(single[0])]
        else:
            own = block.score[candidates, mate[candidates]]
            out = int(candidates[int(np.argmin(own))])
            again = solve(out)
            if (again >= 0).sum() >= (mate >= 0).sum():  # a sit-out never costs a pair
                sat_out, mate = [out], again
    pairs = [(int(a), int(mate[a])) for a in range(f.n) if mate[a] > a]
    trios: list[tuple[int, int, int]] = []
    if f.problem.options.odd_person == "trio":
        # A trio member counts their better partner, so whoever joins a pair breaks nothing.
        pairs, trios = _trios(_weights(f, block), pool, pairs)
    return PairResult(sorted(pairs), trios, sat_out, block, None, False)


def pairs_blocking(result: PairResult) -> int:
    """Blocking pairs of a pair round; whoever sits out by the rotation rule is not in play."""
    counted = np.ones(len(result.block.score), dtype=bool)
    counted[result.sat_out] = False
    groups = [list(p) for p in result.pairs] + [list(t) for t in result.trios]
    return blocking_pairs(result.block.score, result.block.allowed, groups, counted=counted)
