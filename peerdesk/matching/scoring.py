"""Pair scores, built for whole blocks of people at once with numpy.

A pair's score is the weighted mean of seven parts, each 0..1 (see PARTS). Every part is
computed for a block of rows x columns in a few array operations, never pair by pair in
Python: at thousands of people building the matrix is what costs, not solving it.
The same block code scores a single pair for its explanation, so what the window shows is
exactly what the solver optimised.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from peerdesk.matching.availability import SlotTable, utc_offset_minutes
from peerdesk.matching.choices import pair_values
from peerdesk.matching.model import PAIR_MODES, PARTS, Mode, Pair, Person, Problem, Weights

FULL_OVERLAP_HOURS = 4.0  # this many common hours a week or more scores 1
UNKNOWN_OVERLAP = 0.5  # someone who stated no availability: neither good nor bad
SENIORITY_SPAN = 3.0  # a seniority gap this large or larger scores 1
MET_BEFORE = 0.5  # novelty of a pair who met, but not recently

_TITLE_LEVELS = (
    (re.compile(r"\b(intern|trainee|apprentice|graduate|junior|jr)\b", re.I), 0.0),
    (re.compile(r"\b(chief|vp|vice president|cto|ceo|cfo|coo|svp|evp)\b", re.I), 6.0),
    (re.compile(r"\b(director|head)\b", re.I), 5.0),
    (re.compile(r"\b(principal|manager|architect)\b", re.I), 4.0),
    (re.compile(r"\b(staff|lead)\b", re.I), 3.0),
    (re.compile(r"\b(senior|sr)\b", re.I), 2.0),
)


def required_overlap(problem: Problem) -> float:
    """Weekly minutes two people with stated availability must share to be paired.

    At least the coordinator's minimum, which defaults to the program's meeting length, and
    always at least one common quarter-hour (or they could never meet). A circle's members
    must moreover all be free together for a whole meeting (peerdesk.matching.circles).
    """
    return max(15.0, problem.min_overlap_minutes)


@lru_cache(maxsize=8192)
def title_level(title: str) -> float:
    """A rough seniority level read from a job title: junior 0, plain 1 ... chief 6."""
    for pattern, level in _TITLE_LEVELS:
        if pattern.search(title):
            return level
    return 1.0


def seniority(p: Person, today: dt.date) -> float:
    """Title level plus tenure (up to 2 points for 10 years)."""
    years = 0.0
    if p.hire_date is not None:
        years = max(0.0, (today - p.hire_date).days / 365.25)
    return title_level(p.title) + min(years, 10.0) / 5.0


def priority(position: int) -> float:
    """How much a learner cares about a skill by its place in their list (first = 1.0)."""
    return max(0.5, 1.0 - 0.15 * position)


def gap_fit(teach_level: int, learn_level: int) -> float:
    """How well a teacher's level serves a learner's: one level above 0.5, two or more 1."""
    return min(1.0, max(0.0, (teach_level - learn_level) / 2.0))


@lru_cache(maxsize=65536)
def _skill_key(name: str) -> str:
    return name.casefold()


@dataclass
class _SkillIndex:
    people: np.ndarray  # positions of the people with this skill
    level: np.ndarray  # their level
    weight: np.ndarray  # learners: priority; teachers: 1


class Features:
    """Per-person arrays of one problem, from which every block of scores is computed."""

    def __init__(self, problem: Problem, people: tuple[Person, ...] | None = None) -> None:
        people = problem.people if people is None else people
        self.problem = problem
        self.people = people
        self.n = len(people)
        self.mode: Mode = problem.mode
        self.index = {p.id: k for k, p in enumerate(people)}
        today = problem.reference_monday
        depts: dict[str, int] = {}
        self.dept = np.array(
            [depts.setdefault(p.department.casefold(), len(depts)) if p.department else -1 for p in people],
            dtype=np.int32,
        )
        levels = np.array([title_level(p.title) for p in people], dtype=np.float32)
        hired = np.array([p.hire_date.toordinal() if p.hire_date else today.toordinal() for p in people])
        years = np.clip((today.toordinal() - hired) / 365.25, 0.0, 10.0) if len(people) else np.zeros(0)
        self.seniority = (levels + years / 5.0).astype(np.float32)
        zones = {p.timezone for p in people}
        offsets = {z: utc_offset_minutes(z, today) for z in zones}
        self.offset = np.array([offsets[p.timezone] for p in people], dtype=np.float32)
        self.slots = SlotTable([(p.timezone, p.availability) for p in people], today)
        by_email = {p.email.casefold(): k for k, p in enumerate(people)}
        self.manager = np.array([by_email.get(p.manager_email.casefold(), -1) for p in people], dtype=np.int64)
        self.teach: dict[str, _SkillIndex] = {}
        self.learn: dict[str, _SkillIndex] = {}
        self.skill_names: dict[str, str] = {}
        teach_rows: dict[str, list[tuple[int, int, float]]] = {}
        learn_rows: dict[str, list[tuple[int, int, float]]] = {}
        for k, p in enumerate(people):
            for s in p.teaches:
                self.skill_names.setdefault(_skill_key(s.skill), s.skill)
                teach_rows.setdefault(_skill_key(s.skill), []).append((k, s.level, 1.0))
            for pos, s in enumerate(p.learns):
                self.skill_names.setdefault(_skill_key(s.skill), s.skill)
                learn_rows.setdefault(_skill_key(s.skill), []).append((k, s.level, priority(pos)))
        for target, rows in ((self.teach, teach_rows), (self.learn, learn_rows)):
            for key, entries in rows.items():
                arr = np.array(entries, dtype=np.float64)
                target[key] = _SkillIndex(arr[:, 0].astype(np.int64), arr[:, 1].astype(np.int8), arr[:, 2])
        self.learns_any = np.array([bool(p.learns) for p in people], dtype=bool)
        # Who asked not to be paired with whom: (asker, other) positions, one order.
        asked = [(k, self.index[o]) for k, p in enumerate(people) for o in p.avoids if self.index.get(o, k) != k]
        self.avoid_dir = (
            np.array([a for a, _ in asked], dtype=np.int64),
            np.array([b for _, b in asked], dtype=np.int64),
        )
        self.pair_sets = self._pair_arrays(problem, frozenset((people[a].id, people[b].id) for a, b in asked))
        # Stated choices: (row, column) positions and the pair's choice part (choices.pair_values).
        chosen = pair_values(people, self.index, self.mode)
        self.choices = (
            np.array([a for a, _ in chosen], dtype=np.int64),
            np.array([b for _, b in chosen], dtype=np.int64),
            np.array(list(chosen.values()), dtype=np.float32),
        )

    def _pair_arrays(self, problem: Problem, avoided: frozenset[Pair]) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """Exclusions, requests to be kept apart, recent and earlier contacts as position arrays (both orders)."""
        out: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        sources = {
            "excluded": problem.exclusions,
            "avoided": avoided,
            "recent": problem.history.recent,
            "met": frozenset(problem.history.met),
        }
        for name, pairs in sources.items():
            a_list, b_list = [], []
            for a, b in pairs:
                ia, ib = self.index.get(a), self.index.get(b)
                if ia is not None and ib is not None and ia != ib:
                    a_list += [ia, ib]
                    b_list += [ib, ia]
            out[name] = (np.array(a_list, dtype=np.int64), np.array(b_list, dtype=np.int64))
        return out

    # -- parts -------------------------------------------------------------------------

    def _positions(self, idx: np.ndarray) -> np.ndarray:
        pos = np.full(self.n, -1, dtype=np.int64)
        pos[idx] = np.arange(len(idx))
        return pos

    def directional_skills(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """How well each row person can teach each column person what they want to learn."""
        out = np.zeros((len(rows), len(cols)), dtype=np.float32)
        pr, pc = self._positions(rows), self._positions(cols)
        for key, learners in self.learn.items():
            teachers = self.teach.get(key)
            if teachers is None:
                continue
            tr = pr[teachers.people]
            lc = pc[learners.people]
            tk, lk = tr >= 0, lc >= 0
            if not tk.any() or not lk.any():
                continue
            gap = (teachers.level[tk].astype(np.float32)[:, None] - learners.level[lk].astype(np.float32)[None, :]) / 2
            value = np.clip(gap, 0.0, 1.0) * learners.weight[lk].astype(np.float32)[None, :]
            block = np.ix_(tr[tk], lc[lk])
            out[block] = np.maximum(out[block], value)
        return out

    def shared_learning(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """How much each two want to learn the same skill (product of their priorities)."""
        out = np.zeros((len(rows), len(cols)), dtype=np.float32)
        pr, pc = self._positions(rows), self._positions(cols)
        for learners in self.learn.values():
            r, c = pr[learners.people], pc[learners.people]
            rk, ck = r >= 0, c >= 0
            if not rk.any() or not ck.any():
                continue
            value = (learners.weight[rk][:, None] * learners.weight[ck][None, :]).astype(np.float32)
            block = np.ix_(r[rk], c[ck])
            out[block] = np.maximum(out[block], value)
        return out

    def skills(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        if self.mode == "mentoring":
            return self.directional_skills(rows, cols)
        forward = self.directional_skills(rows, cols)
        backward = forward if rows is cols else self.directional_skills(cols, rows)
        out: np.ndarray = np.maximum(forward, backward.T)
        if self.mode == "circles":
            np.maximum(out, self.shared_learning(rows, cols), out=out)
        return out

    def availability(self, overlap: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        part = overlap * np.float32(1.0 / (FULL_OVERLAP_HOURS * 60.0))
        np.minimum(part, np.float32(1.0), out=part)
        part[~self.slots.has_windows[rows], :] = UNKNOWN_OVERLAP
        part[:, ~self.slots.has_windows[cols]] = UNKNOWN_OVERLAP
        return part

    def timezone(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        zones, code = np.unique(self.offset, return_inverse=True)
        d = np.abs(zones[:, None] - zones[None, :]) / 60.0
        d = np.minimum(d, 24.0 - d)
        table = np.clip(1.0 - d / 12.0, 0.0, 1.0).astype(np.float32)
        zoned: np.ndarray = table[code[rows]][:, code[cols]]
        return zoned

    def cross_functional(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        a, b = self.dept[rows][:, None], self.dept[cols][None, :]
        apart: np.ndarray = ((a != b) & (a >= 0) & (b >= 0)).astype(np.float32)
        return apart

    def seniority_fit(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        gap: np.ndarray = np.subtract.outer(self.seniority[rows], self.seniority[cols])
        if self.mode != "mentoring":
            np.abs(gap, out=gap)
        gap *= np.float32(1.0 / SENIORITY_SPAN)
        np.clip(gap, 0.0, 1.0, out=gap)
        return gap

    def _place(self, name: str, rows: np.ndarray, cols: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        a, b = self.pair_sets[name]
        return self._place_arrays(a, b, rows, cols)[:2]

    def _place_arrays(
        self, a: np.ndarray, b: np.ndarray, rows: np.ndarray, cols: np.ndarray, values: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        """The (row, column) places in this block of the pairs (a[k], b[k]), with their values if given."""
        if not len(a):
            return a, b, values
        ra, cb = self._positions(rows)[a], self._positions(cols)[b]
        keep = (ra >= 0) & (cb >= 0)
        return ra[keep], cb[keep], None if values is None else values[keep]

    def placed_choices(self, rows: np.ndarray, cols: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The stated choices inside this block: row places, column places, the pair's choice part."""
        a, b, v = self.choices
        ra, cb, values = self._place_arrays(a, b, rows, cols, v)
        assert values is not None
        return ra, cb, values

    def preferences(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """The stated-choice part of each pair (0 where neither chose the other)."""
        out = np.zeros((len(rows), len(cols)), dtype=np.float32)
        ra, cb, values = self.placed_choices(rows, cols)
        out[ra, cb] = values
        return out

    def novelty(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        out = np.ones((len(rows), len(cols)), dtype=np.float32)
        out[self._place("met", rows, cols)] = MET_BEFORE
        out[self._place("recent", rows, cols)] = 0.0
        return out

    # -- rules -------------------------------------------------------------------------

    def min_overlap_minutes(self) -> float:
        """Known availabilities must share at least this much (see required_overlap)."""
        return required_overlap(self.problem)

    def rule_masks(self, rows: np.ndarray, cols: np.ndarray, overlap: np.ndarray) -> dict[str, np.ndarray]:
        """Each hard rule as a boolean matrix: True where it forbids the pair."""
        masks: dict[str, np.ndarray] = {}
        masks["self"] = rows[:, None] == cols[None, :]
        masks["manager"] = (self.manager[rows][:, None] == cols[None, :]) | (
            self.manager[cols][None, :] == rows[:, None]
        )
        excluded = np.zeros((len(rows), len(cols)), dtype=bool)
        excluded[self._place("excluded", rows, cols)] = True
        masks["excluded"] = excluded
        asker, other = self.avoid_dir
        for name, (a, b) in (("avoids", (asker, other)), ("avoided_by", (other, asker))):
            mask = np.zeros((len(rows), len(cols)), dtype=bool)
            mask[self._place_arrays(a, b, rows, cols)[:2]] = True
            masks[name] = mask  # avoids: the row asked not to be paired with the column; avoided_by: the other way
        known = self.slots.has_windows[rows][:, None] & self.slots.has_windows[cols][None, :]
        needed = self.min_overlap_minutes()
        masks["no_overlap"] = known & (overlap < min(15.0, needed))
        masks["little_overlap"] = known & (overlap >= min(15.0, needed)) & (overlap < needed)
        if self.mode in PAIR_MODES:
            recent = np.zeros((len(rows), len(cols)), dtype=bool)
            recent[self._place("recent", rows, cols)] = True
            masks["recent"] = recent
        if self.mode == "cross_functional":
            a, b = self.dept[rows][:, None], self.dept[cols][None, :]
            masks["same_department"] = (a == b) & (a >= 0)
        return masks

    def allowed(self, rows: np.ndarray, cols: np.ndarray, overlap: np.ndarray) -> np.ndarray:
        """True where no hard rule forbids the pair (the same as rule_masks, without the detail)."""
        allowed = overlap >= np.float32(self.min_overlap_minutes())
        allowed[~self.slots.has_windows[rows], :] = True
        allowed[:, ~self.slots.has_windows[cols]] = True
        pr, pc = self._positions(rows), self._positions(cols)
        both = np.flatnonzero((pr >= 0) & (pc >= 0))
        allowed[pr[both], pc[both]] = False
        has_manager = np.flatnonzero(self.manager >= 0)
        for a, b in ((has_manager, self.manager[has_manager]), (self.manager[has_manager], has_manager)):
            ra, cb = pr[a], pc[b]
            keep = (ra >= 0) & (cb >= 0)
            allowed[ra[keep], cb[keep]] = False
        allowed[self._place("excluded", rows, cols)] = False
        allowed[self._place("avoided", rows, cols)] = False
        if self.mode in PAIR_MODES:
            allowed[self._place("recent", rows, cols)] = False
        if self.mode == "cross_functional":
            a, b = self.dept[rows], self.dept[cols]
            same = a[:, None] == b[None, :]
            same[a < 0, :] = False
            allowed &= ~same
        return allowed

    def mentoring_masks(self, rows: np.ndarray, cols: np.ndarray, skills: np.ndarray) -> dict[str, np.ndarray]:
        """Mentoring's own rules: the mentor teaches something the mentee wants, above their level."""
        masks: dict[str, np.ndarray] = {}
        if self.problem.options.require_skill:
            masks["no_skill"] = self.learns_any[cols][None, :] & (skills <= 0.0)
        return masks


@dataclass
class Block:
    """Scores of rows x columns: score 0..1 where allowed; optionally every part and rule."""

    rows: np.ndarray
    cols: np.ndarray
    score: np.ndarray  # float32
    allowed: np.ndarray  # bool
    parts: dict[str, np.ndarray] | None = None
    rules: dict[str, np.ndarray] | None = None


def score_block(f: Features, rows: np.ndarray, cols: np.ndarray, *, keep: bool = False) -> Block:
    """Score every (row, column) pair and apply the hard rules, part by part to save memory."""
    rows = np.asarray(rows, dtype=np.int64)
    cols = np.asarray(cols, dtype=np.int64)
    w = f.problem.weights
    total_weight = w.total
    overlap = f.slots.overlap_minutes(rows, cols)
    rules: dict[str, np.ndarray] = {}
    if keep:
        rules = f.rule_masks(rows, cols, overlap)
        allowed = np.ones((len(rows), len(cols)), dtype=bool)
        for mask in rules.values():
            allowed &= ~mask
    else:
        allowed = f.allowed(rows, cols, overlap)
    score = np.zeros((len(rows), len(cols)), dtype=np.float32)
    parts: dict[str, np.ndarray] = {}
    for name in PARTS:
        if name == "availability":
            part = f.availability(overlap, rows, cols)
            del overlap
        elif name == "skills":
            part = f.skills(rows, cols)
            if f.mode == "mentoring":
                extra = f.mentoring_masks(rows, cols, part)
                for mask in extra.values():
                    allowed &= ~mask
                rules.update(extra)
        elif name == "timezone":
            part = f.timezone(rows, cols)
        elif name == "cross_functional":
            part = f.cross_functional(rows, cols)
        elif name == "seniority":
            part = f.seniority_fit(rows, cols)
        elif name == "novelty":
            part = f.novelty(rows, cols)
        elif not keep:
            # Stated choices are few (at most five a person): added where they are, no matrix.
            weight = np.float32(getattr(w, name) / total_weight)
            if weight:
                ra, cb, values = f.placed_choices(rows, cols)
                score[ra, cb] += weight * values
            continue
        else:
            part = f.preferences(rows, cols)
        weight = np.float32(getattr(w, name) / total_weight)
        if keep:
            parts[name] = part
            score += weight * part
        elif weight:
            part *= weight
            score += part
        del part
    score[~allowed] = 0.0
    return Block(rows, cols, score, allowed, parts if keep else None, rules if keep else None)


def pair_parts(f: Features, a: int, b: int) -> dict[str, float]:
    """Every part of one pair's score (positions a as row, b as column)."""
    block = score_block(f, np.array([a]), np.array([b]), keep=True)
    assert block.parts is not None
    return {name: float(block.parts[name][0, 0]) for name in PARTS}


def weighted(parts: dict[str, float], weights: Weights) -> dict[str, float]:
    """Each part times its share of the weights: the contributions that add up to the score."""
    total = weights.total
    return {name: getattr(weights, name) / total * value for name, value in parts.items()}
