"""Stable rounds: no two people who would both rather be with each other than as they are.

Mentoring is the hospitals/residents problem (mentors with capacities): mentee-proposing
deferred acceptance always finds a stable round, the best one for every mentee.
Buddies is the stable roommates problem: Irving's algorithm finds a stable round or proves
that none exists; then the round with the fewest blocking pairs found is returned instead.

When both sides' preference is the pair score, a stable round always exists and is unique,
and the greedy round (highest-scoring pair first) is it (see greedy_pairs). Both greedy
functions run in a few heap operations per person over each person's best few partners,
so they are the fast path used whenever the preferences are symmetric.

Preferences are strict orders given as int64 keys (objectives.order_keys): larger is
preferred, objectives.NOT_ALLOWED where a rule forbids the pair.
"""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

from peerdesk.matching.objectives import NOT_ALLOWED, order_keys

CHUNK = 32  # partners looked at per person at a time by the greedy functions
ROWS = 512  # rows of keys built at a time (the full key matrix of 5,000 people is 200 MB)
EXHAUSTIVE_UPTO = 10  # people; up to this many the fewest-blocking fallback is exact
LOCAL_STEPS = 400  # moves of the fewest-blocking local search


# -- the greedy rounds (one shared order of pairs) -------------------------------------------


class _Candidates:
    """Each row's partners best first, CHUNK at a time, skipping the ones no longer free."""

    def __init__(self, rows: Callable[[np.ndarray], np.ndarray], n_rows: int) -> None:
        self.rows = rows
        self.chunk: list[np.ndarray] = [np.empty(0, dtype=np.int64)] * n_rows
        self.keys: list[np.ndarray] = [np.empty(0, dtype=np.int64)] * n_rows
        self.pos = [0] * n_rows

    def first(self, free: np.ndarray) -> list[tuple[int, int]]:
        """(key, column) of every row's best free partner, built ROWS rows at a time."""
        out: list[tuple[int, int]] = []
        for start in range(0, len(self.pos), ROWS):
            idx = np.arange(start, min(start + ROWS, len(self.pos)))
            keys = self.rows(idx)
            keys[:, ~free] = NOT_ALLOWED
            best = keys.argmax(axis=1)
            top = keys[np.arange(len(idx)), best]
            for i, j, k in zip(idx.tolist(), best.tolist(), top.tolist(), strict=True):
                self.chunk[i] = np.array([j], dtype=np.int64)
                self.keys[i] = np.array([k], dtype=np.int64)
                out.append((k, j))
        return out

    def next(self, i: int, free: np.ndarray) -> tuple[int, int] | None:
        """(key, column) of row i's best partner still free, or None when there is none."""
        chunk = self.chunk[i]
        rest = chunk[self.pos[i] :]
        alive = np.flatnonzero(free[rest])
        if len(alive):
            self.pos[i] += int(alive[0])
            return int(self.keys[i][self.pos[i]]), int(chunk[self.pos[i]])
        keys = self.rows(np.array([i]))[0]
        keys[~free] = NOT_ALLOWED
        k = min(CHUNK, len(keys))
        top = np.argpartition(keys, len(keys) - k)[len(keys) - k :]  # (-keys would overflow at NOT_ALLOWED)
        top = top[keys[top] > NOT_ALLOWED]
        if not len(top):
            return None
        top = top[np.argsort(-keys[top], kind="stable")]
        self.chunk[i], self.keys[i], self.pos[i] = top, keys[top], 0
        return int(keys[top[0]]), int(top[0])

    def current(self, i: int) -> int:
        return int(self.chunk[i][self.pos[i]])


def greedy_pairs(keys: Callable[[np.ndarray], np.ndarray], n: int) -> np.ndarray:
    """The stable roommates round when everyone's order is one shared order of the pairs.

    keys(rows) gives those rows' keys of the pairs (row, j): the same value for (i, j) and
    (j, i), and different for two pairs that share a person. Returns mate (-1: single).

    Why this is stable, and the only stable round: take the highest pair (i, j) left.
    Both prefer it to every other pair they are in, so a round without it, where i and j
    are not both taken by better pairs (there are none), has (i, j) as a blocking pair:
    every stable round contains it. Remove i and j and repeat: every stable round is the
    greedy round, and the greedy round is stable, because when a pair (i, j) of it is
    passed over, one of the two already has a partner they prefer. Such a round always
    exists: pair scores, being symmetric, are such a shared order once exact ties are
    broken by the ranks of the two people (objectives.order_keys).

    A heap holds each single person's best single partner; the top entry, when both are
    still single, is the highest pair left, so it is matched.
    """
    free = np.ones(n, dtype=bool)
    mate = np.full(n, -1, dtype=np.int64)
    lists = _Candidates(keys, n)
    heap = [(-k, i) for i, (k, _) in enumerate(lists.first(free)) if k > NOT_ALLOWED]
    heapq.heapify(heap)
    while heap:
        _, i = heapq.heappop(heap)
        if not free[i]:
            continue
        j = lists.current(i)
        if free[j]:
            mate[i], mate[j] = j, i
            free[i] = free[j] = False
            continue
        found = lists.next(i, free)
        if found is not None:
            heapq.heappush(heap, (-found[0], i))
    return mate


def greedy_bipartite(keys: Callable[[np.ndarray], np.ndarray], n_mentees: int, capacity: np.ndarray) -> np.ndarray:
    """The stable mentoring round when both sides follow one shared order of the pairs.

    keys(mentees) gives those mentees' keys of every mentor (the shared order of the
    pairs; different for two pairs that share a person). Returns each mentee's mentor or
    -1. Highest pair first: the mentee takes the mentor while they have room. The same
    argument as greedy_pairs shows it is the only stable round, so it is also what
    mentee-proposing deferred acceptance finds (the tests check both).
    """
    room = np.asarray(capacity, dtype=np.int64).copy()
    has_room = room > 0
    mentor_of = np.full(n_mentees, -1, dtype=np.int64)
    if not len(room):
        return mentor_of
    lists = _Candidates(keys, n_mentees)
    heap = [(-k, e) for e, (k, _) in enumerate(lists.first(has_room)) if k > NOT_ALLOWED]
    heapq.heapify(heap)
    while heap:
        _, e = heapq.heappop(heap)
        m = lists.current(e)
        if has_room[m]:
            mentor_of[e] = m
            room[m] -= 1
            has_room[m] = room[m] > 0
            continue
        found = lists.next(e, has_room)
        if found is not None:
            heapq.heappush(heap, (-found[0], e))
    return mentor_of


# -- deferred acceptance (hospitals/residents) ---------------------------------------------


def deferred_acceptance(mentee_keys: np.ndarray, mentor_keys: np.ndarray, capacity: np.ndarray) -> np.ndarray:
    """Mentee-proposing deferred acceptance with capacities; returns each mentee's mentor or -1.

    mentee_keys[e, m] is mentee e's order of the mentors, mentor_keys[m, e] mentor m's
    order of the mentees (NOT_ALLOWED where a rule forbids; a pair is allowed for both or
    neither). All rejected mentees propose again at once, to their best mentor not yet
    tried; each mentor keeps the best of what they hold and what they are offered, up to
    their capacity. The result is stable and, of all stable rounds, the best for every
    mentee (Gale and Shapley; Roth for capacities).
    """
    n_mentees = len(mentee_keys)
    capacity = np.asarray(capacity, dtype=np.int64)
    left = mentee_keys.copy()
    left[:, capacity <= 0] = NOT_ALLOWED
    mentor_of = np.full(n_mentees, -1, dtype=np.int64)
    free = np.arange(n_mentees) if mentee_keys.shape[1] else np.empty(0, dtype=np.int64)
    while len(free):
        choice = left[free].argmax(axis=1)
        ok = left[free, choice] > NOT_ALLOWED
        free, choice = free[ok], choice[ok]
        if not len(free):
            break
        held = np.flatnonzero(mentor_of >= 0)
        cand_e = np.concatenate([held, free])
        cand_m = np.concatenate([mentor_of[held], choice])
        order = np.lexsort((-mentor_keys[cand_m, cand_e], cand_m))
        cand_e, cand_m = cand_e[order], cand_m[order]
        starts = np.flatnonzero(np.r_[True, cand_m[1:] != cand_m[:-1]])
        place = np.arange(len(cand_m)) - np.repeat(starts, np.diff(np.r_[starts, len(cand_m)]))
        keep = place < capacity[cand_m]
        mentor_of[cand_e[keep]] = cand_m[keep]
        free = cand_e[~keep]
        mentor_of[free] = -1
        left[free, cand_m[~keep]] = NOT_ALLOWED
    return mentor_of


# -- stable roommates (Irving) ----------------------------------------------------------------


@dataclass(frozen=True)
class NoStableRound:
    """Why no stable round exists: eliminating this rotation of Irving's phase 2 left
    `emptied` with nobody, so in any round someone would have a better offer accepted."""

    rotation: tuple[tuple[int, int], ...]  # (x_i, y_i): y_i first on x_i's list (see stable_roommates)
    emptied: int

    def people(self) -> tuple[int, ...]:
        return tuple(dict.fromkeys(p for pair in self.rotation for p in pair))


@dataclass(frozen=True)
class RoommatesResult:
    mate: np.ndarray  # partner per person, -1 single
    stable: bool
    proof: NoStableRound | None = None  # when not stable: why no stable round exists


class _Table:
    """Irving's preference table: each person's list, best first, with pairs deleted both ways."""

    def __init__(self, keys: np.ndarray) -> None:
        n = len(keys)
        self.lists: list[list[int]] = []
        self.rank: list[dict[int, int]] = []
        for i in range(n):
            row = keys[i]
            ok = np.flatnonzero(row > NOT_ALLOWED)
            ok = ok[ok != i]
            order = ok[np.argsort(-row[ok], kind="stable")].tolist()
            self.lists.append(order)
            self.rank.append({j: r for r, j in enumerate(order)})
        self.alive = [set(lst) for lst in self.lists]
        self.head = [0] * n
        self.tail = [len(lst) - 1 for lst in self.lists]

    def delete(self, a: int, b: int) -> None:
        self.alive[a].discard(b)
        self.alive[b].discard(a)

    def first(self, x: int) -> int | None:
        lst, alive = self.lists[x], self.alive[x]
        while self.head[x] < len(lst) and lst[self.head[x]] not in alive:
            self.head[x] += 1
        return lst[self.head[x]] if self.head[x] < len(lst) else None

    def second(self, x: int) -> int | None:
        lst, alive = self.lists[x], self.alive[x]
        self.first(x)
        k = self.head[x] + 1
        while k < len(lst) and lst[k] not in alive:
            k += 1
        return lst[k] if k < len(lst) else None

    def last(self, x: int) -> int | None:
        lst, alive = self.lists[x], self.alive[x]
        while self.tail[x] >= 0 and lst[self.tail[x]] not in alive:
            self.tail[x] -= 1
        return lst[self.tail[x]] if self.tail[x] >= 0 else None

    def truncate_after(self, y: int, x: int) -> None:
        """y deletes everyone it likes less than x."""
        lst, r = self.lists[y], self.rank[y][x]
        for z in lst[r + 1 : self.tail[y] + 1]:
            if z in self.alive[y]:
                self.delete(y, z)
        self.tail[y] = min(self.tail[y], r)

    def size(self, x: int) -> int:
        return len(self.alive[x])


def stable_roommates(keys: np.ndarray) -> RoommatesResult:
    """Irving's algorithm (with incomplete lists): a stable round, or proof that none exists.

    keys[i, j] is i's strict order of j (NOT_ALLOWED: not acceptable; acceptability must
    be mutual). Phase 1: everyone proposes down their list; whoever receives a proposal
    holds the best and deletes everyone they like less. Someone whose list empties is
    single in every stable round. Phase 2: while a list has two or more people, find a
    rotation (x_0, y_0), ..., (x_r-1, y_r-1) with y_i first and y_i+1 second on x_i's list
    and x_i+1 last on y_i+1's, and eliminate it: each y_i+1 deletes everyone after x_i.
    A list that empties in phase 2 proves no stable round exists (Irving 1985; Gusfield and
    Irving 1989 for incomplete lists); otherwise everyone is left with their partner.
    """
    n = len(keys)
    t = _Table(keys)
    holder: list[int | None] = [None] * n
    queue = deque(range(n))
    while queue:
        x = queue.popleft()
        y = t.first(x)
        if y is None:
            continue
        before = holder[y]
        holder[y] = x
        t.truncate_after(y, x)
        if before is not None and before != x:
            queue.append(before)
    nonempty = [x for x in range(n) if t.size(x) > 0]
    while True:
        start = next((x for x in nonempty if t.size(x) >= 2), None)
        if start is None:
            break
        xs: list[int] = [start]
        ys: list[int] = []
        seen = {start: 0}
        while True:
            q = t.second(xs[-1])
            assert q is not None
            ys.append(q)
            nxt = t.last(q)
            assert nxt is not None
            if nxt in seen:
                break
            seen[nxt] = len(xs)
            xs.append(nxt)
        k = seen[nxt]
        cycle_x, cycle_y = xs[k:], ys[k:]
        rotation = tuple((x, int(t.first(x) or 0)) for x in cycle_x)
        for x, y in zip(cycle_x, cycle_y, strict=True):
            t.truncate_after(y, x)
        emptied = next((x for x in nonempty if t.size(x) == 0), None)
        if emptied is not None:
            return RoommatesResult(np.full(n, -1, dtype=np.int64), False, NoStableRound(rotation, emptied))
    mate = np.full(n, -1, dtype=np.int64)
    for x in nonempty:
        y = t.first(x)
        assert y is not None
        mate[x] = y
    return RoommatesResult(mate, True)


# -- when no stable round exists --------------------------------------------------------------


def count_blocking(keys: np.ndarray, mate: np.ndarray) -> int:
    """Blocking pairs of a round under strict orders: both prefer each other to their partner."""
    n = len(keys)
    own = np.full(n, NOT_ALLOWED, dtype=np.int64)
    paired = mate >= 0
    own[paired] = keys[np.flatnonzero(paired), mate[paired]]
    wants = keys > own[:, None]
    block = wants & wants.T
    np.fill_diagonal(block, False)
    return int(np.triu(block, 1).sum())


def fewest_blocking(keys: np.ndarray, start: np.ndarray | None = None, seed: int = 0) -> np.ndarray:
    """The round with the fewest blocking pairs found: exact up to EXHAUSTIVE_UPTO people,
    else local search from `start` (default: the greedy round on both scores' sum)."""
    n = len(keys)
    allowed = (keys > NOT_ALLOWED) & (keys.T > NOT_ALLOWED)
    np.fill_diagonal(allowed, False)
    if n <= EXHAUSTIVE_UPTO:
        best, best_count = np.full(n, -1, dtype=np.int64), count_blocking(keys, np.full(n, -1, dtype=np.int64))
        for mate in _all_rounds(allowed):
            c = count_blocking(keys, mate)
            if c < best_count:
                best, best_count = mate, c
        return best
    if start is None:
        start = greedy_pairs(_mutual_keys(keys, allowed).__getitem__, n)
    rng = np.random.default_rng(seed)
    mate = start.copy()
    best, best_count = mate.copy(), count_blocking(keys, mate)
    current = best_count
    for _ in range(LOCAL_STEPS):
        pairs = _blocking_list(keys, mate)
        if not pairs:
            break
        a, b = pairs[int(rng.integers(len(pairs)))]
        trial = mate.copy()
        for x in (a, b):
            if trial[x] >= 0:
                trial[trial[x]] = -1
        trial[a], trial[b] = b, a
        c = count_blocking(keys, trial)
        if c <= current or rng.random() < 0.1:
            mate, current = trial, c
            if c < best_count:
                best, best_count = trial.copy(), c
    return best


def _mutual_keys(keys: np.ndarray, allowed: np.ndarray) -> np.ndarray:
    """One shared order of the pairs: by how high each of the two puts the other, summed."""
    place = np.zeros(keys.shape, dtype=np.float64)
    for i in range(len(keys)):
        place[i, np.argsort(keys[i], kind="stable")[::-1]] = np.arange(len(keys))
    rank = np.arange(len(keys))
    return order_keys(-(place + place.T), allowed, rank[:, None] + rank[None, :])


def _blocking_list(keys: np.ndarray, mate: np.ndarray) -> list[tuple[int, int]]:
    n = len(keys)
    own = np.full(n, NOT_ALLOWED, dtype=np.int64)
    paired = mate >= 0
    own[paired] = keys[np.flatnonzero(paired), mate[paired]]
    wants = keys > own[:, None]
    block = np.triu(wants & wants.T, 1)
    return [(int(a), int(b)) for a, b in np.argwhere(block)]


def _all_rounds(allowed: np.ndarray) -> Iterator[np.ndarray]:
    """Every matching of the allowed pairs (people may stay single)."""
    n = len(allowed)
    mate = np.full(n, -1, dtype=np.int64)

    def rec(i: int) -> Iterator[np.ndarray]:
        while i < n and mate[i] >= 0:
            i += 1
        if i == n:
            yield mate.copy()
            return
        yield from rec(i + 1)
        for j in range(i + 1, n):
            if mate[j] < 0 and allowed[i, j]:
                mate[i], mate[j] = j, i
                yield from rec(i + 1)
                mate[i] = mate[j] = -1

    yield from rec(0)
