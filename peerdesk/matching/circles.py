"""Learning circles: groups of a chosen size who want to learn the same skill and share an hour.

Every member of a circle wants to learn the circle's skill, no two members are a forbidden
pair (which includes sharing too few hours a week), and all of them are free together for a
whole meeting (the program's meeting length) somewhere in the week. A circle's value is the
sum of the scores of every two of its members.

Circles are built one by one around the person with the fewest possible partners, for each
skill they want, adding whoever adds most and still shares the free time; the best circle
is kept, and whoever is left joins a circle they fit. Local search then swaps two people
between circles, or someone in a circle for someone in none, while the total rises: the
gain of every move of one person is a few vector operations on a person x circle sum matrix
(skills as bit sets), and only the best moves are checked for the common hour (an AND of a
few bit masks of meeting starts).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from peerdesk.matching.availability import SLOT_MIN, SLOTS
from peerdesk.matching.common import Steps, solver_weights
from peerdesk.matching.model import MAX_GROUP, MIN_GROUP
from peerdesk.matching.scoring import Block, Features, score_block

FORBIDDEN = -1e6
BATCH_FROM = 1500  # people; from here on the search is bounded (no restarts, few passes)
LARGE_PASSES = 25  # person-by-person swap passes on large pools
CHECKED_SWAPS = 4  # best swaps of one person checked for a common hour before giving up on them
SETTLED = 500  # large pools stop once a pass improves fewer than one person in this many


@dataclass
class CircleResult:
    groups: list[list[int]]  # positions in the features
    block: Block
    value: float  # sum of pair scores (solver weights) inside the circles
    skills: list[str] | None = None  # each circle's skill (casefolded key), parallel to groups
    learns: np.ndarray | None = None  # person x skill: who wants to learn what
    meets: list[int] | None = None  # per person: the quarter-hours a meeting could start (bit mask)


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


def meeting_starts(f: Features) -> list[int]:
    """For each person, a bit per quarter-hour of the week at which a whole meeting fits their hours.

    A group can meet when the AND of its members' masks is not zero. Someone who stated no
    hours constrains nobody (all bits set), as in the pairwise rules.
    """
    need = max(1, -(-int(f.problem.meeting_minutes) // SLOT_MIN))
    table = f.slots
    free = np.zeros((len(table.unique), SLOTS), dtype=bool)
    free[:, table.columns] = table.unique > 0
    starts = free.copy()
    for shift in range(1, need):
        starts &= np.roll(free, -shift, axis=1)  # the week wraps from Sunday night to Monday
    packed = np.packbits(starts, axis=1)
    masks = [int.from_bytes(row.tobytes(), "big") for row in packed]
    everything = (1 << SLOTS) - 1
    has_windows = np.asarray(table.has_windows, dtype=bool)
    return [masks[u] if has else everything for u, has in zip(table.inverse, has_windows.tolist(), strict=True)]


def learner_matrix(f: Features) -> tuple[np.ndarray, tuple[str, ...]]:
    """How much each person wants to learn each skill (person x skill: their priority, 0 for
    not at all), and the skill of each column."""
    keys = tuple(sorted(f.learn))
    out = np.zeros((f.n, len(keys)), dtype=np.float32)
    for c, key in enumerate(keys):
        out[f.learn[key].people, c] = f.learn[key].weight
    return out, keys


def skill_words(learns: np.ndarray) -> np.ndarray:
    """Each person's wanted skills as a bit set in 64-bit words (person x words)."""
    n, k = learns.shape
    words = max(1, -(-k // 64))
    packed = np.packbits(learns > 0, axis=1, bitorder="little")
    out = np.zeros((n, words * 8), dtype=np.uint8)
    out[:, : packed.shape[1]] = packed
    return out.view(np.uint64)


def solve_circles(f: Features, steps: Steps, *, passes: int = 25) -> CircleResult:
    everyone = np.arange(f.n, dtype=np.int64)
    steps(0.05, "Scoring every two people")
    block = score_block(f, everyone, everyone)
    ids = np.array([p.id for p in f.people], dtype=np.int64)
    w = solver_weights(block.score, block.allowed, ids, ids, f.problem.options.seed, f.problem.previous)
    w[~np.isfinite(w)] = FORBIDDEN
    np.fill_diagonal(w, 0.0)
    priority, keys = learner_matrix(f)
    learns = priority > 0
    meets = meeting_starts(f)
    steps(0.3, "Forming circles")
    search = CircleSearch(w, block.allowed, learns, meets)
    circles = search.greedy(f.problem.options.group_size)
    steps(0.4, "Improving the circles")
    circles = search.improve(circles, passes=passes if f.n <= BATCH_FROM else LARGE_PASSES)
    circles = search.iterated(circles, f.problem.options.seed, steps, passes)
    groups = sorted((sorted(g) for g in circles if len(g) >= MIN_GROUP), key=lambda g: g[0])
    # each circle gathers around the skill all its members want that they want most
    skills = []
    for g in groups:
        shared = learns[g].all(axis=0)
        skills.append(keys[int(np.argmax(np.where(shared, priority[g].sum(axis=0), -1.0)))])
    return CircleResult(groups, block, circles_value(w, groups), skills, learns, meets)


def circles_value(w: np.ndarray, groups: list[list[int]]) -> float:
    total = 0.0
    for g in groups:
        sub = w[np.ix_(g, g)]
        total += float(np.triu(sub, 1).sum())
    return total


Circle = list[int]  # members (positions)


class CircleSearch:
    """Builds and improves circles under the rules: shared skill, allowed pairs, a common hour."""

    def __init__(self, w: np.ndarray, allowed: np.ndarray, learns: np.ndarray, meets: list[int]) -> None:
        self.w = w
        self.allowed = allowed
        self.learns = learns
        self.words = skill_words(learns)
        self.meets = meets
        self.n = len(w)
        # how many people one could share a circle with: the most allowed partners who want
        # one of the skills they want (row chunks keep the float copy of `allowed` small)
        self.options = np.zeros(self.n, dtype=np.float64)
        want = learns.astype(np.float32)
        for start in range(0, self.n, 1024):
            rows = slice(start, start + 1024)
            counts = allowed[rows].astype(np.float32) @ want
            counts[~learns[rows]] = 0.0
            self.options[rows] = counts.max(axis=1, initial=0.0)

    def can_meet(self, members: list[int]) -> bool:
        bits = -1
        for m in members:
            bits &= self.meets[m]
            if not bits:
                return False
        return True

    def _grow(self, seed: int, skill: int, size: int, free: np.ndarray) -> list[int]:
        """A circle around seed for one skill: add whoever adds most and still shares the hour."""
        group = [seed]
        bits = self.meets[seed]
        cand = free & self.learns[:, skill] & self.allowed[seed]
        cand[seed] = False
        gain = self.w[seed].copy()
        tie = 1e-3 * self.options / max(1.0, float(self.options.max(initial=1.0)))
        while len(group) < size:
            idx = np.flatnonzero(cand)
            if not len(idx):
                break
            k = int(idx[np.argmax(gain[idx] - tie[idx])])
            cand[k] = False
            shared = bits & self.meets[k]
            if not shared:
                continue  # never fits later either: the common time only shrinks
            group.append(k)
            bits = shared
            cand &= self.allowed[k]
            gain += self.w[k]
        return group

    def shares_skill(self, members: list[int]) -> bool:
        return bool(np.bitwise_and.reduce(self.words[members], axis=0).any())

    def greedy(self, size: int) -> list[Circle]:
        """Circles one by one: seed with the person with fewest options, keep their best skill's circle."""
        size = min(MAX_GROUP, max(MIN_GROUP, size))
        free = np.asarray(self.learns.any(axis=1), dtype=bool)
        seeds = free.copy()
        circles: list[Circle] = []
        while seeds.any():
            left = np.flatnonzero(seeds)
            seed = int(left[np.argmin(self.options[left])])
            seeds[seed] = False
            best: tuple[tuple[int, float], list[int], int] | None = None
            for skill in np.flatnonzero(self.learns[seed]):
                group = self._grow(seed, int(skill), size, free)
                key = (min(len(group), size), circles_value(self.w, [group]))
                if len(group) >= MIN_GROUP and (best is None or key > best[0]):
                    best = (key, group, int(skill))
            if best is None:
                continue  # may still join a circle below
            _, group, _skill = best
            free[group] = False
            seeds[group] = False
            circles.append(group)
        self._join_leftovers(circles, free, size)
        return circles

    def _join_leftovers(self, circles: list[Circle], free: np.ndarray, size: int) -> None:
        """Whoever is left joins a circle that wants a skill they want too, short of its size
        first, else one with room; allowed with everyone in it and free at the same time."""
        for k in (int(x) for x in np.flatnonzero(free)):
            common = [np.bitwise_and.reduce(self.words[g], axis=0) for g in circles]
            for limit in (size, MAX_GROUP):
                best, best_value = None, -np.inf
                for c, group in enumerate(circles):
                    if len(group) >= limit or not (common[c] & self.words[k]).any():
                        continue
                    if not self.allowed[k, group].all() or not self.can_meet([*group, k]):
                        continue
                    value = float(self.w[k, group].sum())
                    if value > best_value:
                        best, best_value = c, value
                if best is not None:
                    circles[best].append(k)
                    free[k] = False
                    break

    def improve(self, circles: list[Circle], *, passes: int = 25) -> list[Circle]:
        """Swap two people between circles, or someone in a circle for someone in none, while it
        raises the total (each person's best valid move).

        A move is valid when each circle still has a skill all its members want (kept as bit
        sets of everyone's circle-mates but them), and each is still free together. sums[c, p]
        (the sum of w between person p and the members of circle c, kept in both orientations)
        turns the gain of every move of one person into a few vector operations over the people
        who want a skill of their circle; the best move is then checked for the common hour.
        """
        k = len(circles)
        if not k:
            return circles
        pool = np.flatnonzero(self.learns.any(axis=1))
        m = len(pool)
        at = {int(p): x for x, p in enumerate(pool)}
        w = self.w
        wp = w if m == len(w) else w[np.ix_(pool, pool)]
        words = self.words[pool]
        members = [[at[p] for p in g] for g in circles]
        where = np.full(m, -1, dtype=np.int64)  # -1: in no circle
        for c, ms in enumerate(members):
            where[ms] = c
        # others[x]: the skills every other member of x's circle wants (everything when in none)
        others = np.full_like(words, np.iinfo(np.uint64).max)

        def refresh(c: int) -> None:
            ms = members[c]
            for x in ms:
                others[x] = np.bitwise_and.reduce(words[[y for y in ms if y != x]], axis=0)

        for c in range(k):
            refresh(c)
        meets = [self.meets[int(p)] for p in pool]
        sums = np.zeros((k, m), dtype=np.float64)
        for c, ms in enumerate(members):
            sums[c] = wp[ms].sum(axis=0)
        # a copy: with one circle, sums.T is already contiguous and would be the same memory,
        # so every update below would land twice
        sums_t = sums.T.copy()
        own = np.zeros(m, dtype=np.float64)
        inside = where >= 0
        own[inside] = sums[where[inside], np.flatnonzero(inside)]

        def meets_without(c: int, out: int, into: int) -> bool:
            bits = meets[into]
            for x in members[c]:
                if x != out:
                    bits &= meets[x]
                    if not bits:
                        return False
            return True

        def fits(i: int, j: int) -> bool:
            b = int(where[j])
            return meets_without(int(where[i]), i, j) and (b < 0 or meets_without(b, j, i))

        learners = [np.flatnonzero(self.learns[pool, c]) for c in range(self.learns.shape[1])]

        def wanting(bits: np.ndarray) -> np.ndarray:
            """Everyone (by position) who wants at least one of the skills in a bit set."""
            found = []
            for word, value in enumerate(int(v) for v in bits):
                while value:
                    low = value & -value
                    found.append(learners[word * 64 + low.bit_length() - 1])
                    value ^= low
            if len(found) == 1:
                return found[0]
            return np.unique(np.concatenate(found)) if found else np.zeros(0, dtype=np.int64)

        single = words.shape[1] == 1
        others_1, words_1 = others[:, 0], words[:, 0]  # views
        for _ in range(passes):
            improved = 0
            for i in (int(x) for x in np.flatnonzero(where >= 0)):
                a = int(where[i])
                # j may take i's place (j wants a skill i's circle-mates all want) and i may take j's
                cand = wanting(others[i])
                if single:  # the usual case: fewer than 64 skills, one word each
                    cand = cand[(others_1[cand] & words_1[i]) != 0]
                else:
                    cand = cand[(others[cand] & words[i]).any(axis=1)]
                if not len(cand):
                    continue
                there = where[cand]
                swap = there >= 0
                with_i = wp[i, cand]
                gain = sums[a, cand] - with_i
                gain -= own[i]
                # a swap: j also leaves circle b, which i joins (own is 0 for someone in no circle)
                extra = sums_t[i, np.maximum(there, 0)] - with_i
                extra -= own[cand]
                extra *= swap
                gain += extra
                gain *= there != a
                best = int(np.argmax(gain))
                if gain[best] <= 1e-9:
                    continue
                j = int(cand[best])
                if not fits(i, j):
                    # the best move loses the common hour: try the next best few
                    top = np.argpartition(-gain, min(CHECKED_SWAPS, len(gain) - 1))[:CHECKED_SWAPS]
                    order = top[np.argsort(-gain[top])]
                    j = next((int(cand[x]) for x in order if gain[x] > 1e-9 and fits(i, int(cand[x]))), -1)
                    if j < 0:
                        continue
                b = int(where[j])
                delta = wp[j] - wp[i]
                sums[a] += delta
                sums_t[:, a] += delta
                members[a][members[a].index(i)] = j
                where[j] = a
                if b >= 0:
                    sums[b] -= delta
                    sums_t[:, b] -= delta
                    members[b][members[b].index(j)] = i
                    where[i] = b
                else:
                    where[i] = -1
                    others[i] = np.iinfo(np.uint64).max
                    own[i] = 0.0
                for c in (a, b) if b >= 0 else (a,):
                    own[members[c]] = sums[c, members[c]]
                    refresh(c)
                improved += 1
            if improved <= (m // SETTLED if m > BATCH_FROM else 0):
                break  # large pools: a pass that moves almost nobody ends the search
        return [[int(pool[x]) for x in ms] for ms in members]

    def iterated(self, circles: list[Circle], seed: int, steps: Steps, passes: int) -> list[Circle]:
        """Iterated local search: shake the best circles with random valid swaps, improve, keep what scores more."""
        rng = np.random.default_rng(seed)
        placed = sum(len(g) for g in circles)
        rounds = restarts_for(placed)
        if len(circles) < 2:
            return circles
        best, best_value = circles, circles_value(self.w, circles)
        pool = np.flatnonzero(self.learns.any(axis=1))
        for r in range(rounds):
            steps(0.4 + 0.5 * (r + 1) / rounds, "Improving the circles")
            trial = [list(g) for g in best]
            circle_of = {x: c for c, g in enumerate(trial) for x in g}
            for _ in range(max(2, placed // 4)):
                a = int(rng.integers(len(trial)))
                i = trial[a][int(rng.integers(len(trial[a])))]
                j = int(pool[int(rng.integers(len(pool)))])
                b = circle_of.get(j)
                if b == a or j == i:
                    continue
                na = [j if x == i else x for x in trial[a]]
                nb = None if b is None else [i if x == j else x for x in trial[b]]
                if self.valid(na) and (nb is None or self.valid(nb)):
                    trial[a] = na
                    circle_of[j] = a
                    circle_of.pop(i)
                    if b is not None and nb is not None:
                        trial[b] = nb
                        circle_of[i] = b
            trial = self.improve(trial, passes=passes)
            value = circles_value(self.w, trial)
            if value > best_value + 1e-9:
                best, best_value = trial, value
        return best

    def valid(self, group: list[int]) -> bool:
        """Every rule of a circle: allowed pairs, a skill all want, free together."""
        sub = self.allowed[np.ix_(group, group)]
        np.fill_diagonal(sub, True)
        return bool(sub.all()) and self.shares_skill(group) and self.can_meet(group)


def restarts_for(n: int) -> int:
    """How many perturb-and-improve rounds fit the time budget at this size."""
    if n > BATCH_FROM:
        return 0
    return max(2, min(40, 6000 // max(n, 1)))
