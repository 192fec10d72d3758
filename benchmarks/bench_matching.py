"""Matching at scale: speed, memory and quality of every format, against baselines.

    .venv/bin/python benchmarks/bench_matching.py [--sizes 500,5000] [--runs 3] [--quick] [--objectives-only]
                                                  [--choices-only] [--modes circles]

A realistic synthetic organisation (peerdesk.matching.synthetic: 12 departments, 60 skills,
6 time zones, managers, ~50% of pairs ruled out by the rules or no common hours). For each
format and size it prints the median time of score build + solve ("solve s", what a re-solve
after an edit costs) and of a full run with explanations and reasons ("full s"),
peak memory (tracemalloc, a separate run), hard-rule violations, people matched out of
those who could be, the total as % of the optimum (exact solver) or of a certified upper
bound (">="), the same for greedy and random baselines, the lowest pair score, and for
buddies, repeats over 6 rotation rounds and how many pairs change when one person joins.
A second table compares the objectives (best total, fairest, stable) on the same pools:
median seconds of score build + solve and of a full run (propose, with explanations and the
blocking-pair count), measured in turns within the same run, each as a multiple of best
total's, with people matched, lowest group score, total and blocking pairs.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
import tracemalloc
from dataclasses import replace

import numpy as np

from peerdesk.matching import propose, rounds, synthetic
from peerdesk.matching.circles import (
    CircleSearch,
    circles_value,
    group_sizes,
    learner_matrix,
    meeting_starts,
    solve_circles,
)
from peerdesk.matching.common import Steps
from peerdesk.matching.mentoring import mentoring_sides, solve_mentoring
from peerdesk.matching.model import OBJECTIVES, History, Objective, Options, Problem, Proposal
from peerdesk.matching.peers import solve_pairs, upper_bound
from peerdesk.matching.rules import violations
from peerdesk.matching.scoring import Features, score_block
from peerdesk.matching.solve import pool_of

STEPS = Steps(None, None)


def timed(problem: Problem, runs: int) -> tuple[float, Proposal]:
    times = []
    proposal = None
    for _ in range(runs):
        start = time.perf_counter()
        proposal = propose(problem)
        times.append(time.perf_counter() - start)
    assert proposal is not None
    return statistics.median(times), proposal


def solve_only(problem: Problem, runs: int) -> float:
    """Median seconds of score build + solver alone (what re-solving after an edit costs)."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        people, capacity = pool_of(problem)
        f = Features(problem, people)
        if problem.mode == "mentoring":
            solve_mentoring(f, capacity, STEPS)
        elif problem.mode == "circles":
            solve_circles(f, STEPS)
        else:
            solve_pairs(f, STEPS)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def peak_mb(problem: Problem) -> float:
    tracemalloc.start()
    propose(problem)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak / 2**20


def lowest(p: Proposal) -> float:
    return min((g.score for g in p.groups), default=0.0)


# -- baselines -----------------------------------------------------------------------------


def mentoring_baselines(problem: Problem, rng: random.Random) -> dict[str, tuple[float, int, int]]:
    """(total score, matched, violations) of greedy and random mentoring."""
    people, capacity = pool_of(problem)
    f = Features(problem, people)
    mentors, mentees = mentoring_sides(f, capacity)
    block = score_block(f, mentors, mentees)
    r, c = np.nonzero(block.allowed)
    order = np.argsort(-block.score[r, c], kind="stable")
    left = {int(m): capacity[int(m)] for m in mentors}
    taken: set[int] = set()
    total = 0.0
    for k in order:
        mentor, mentee = int(mentors[r[k]]), int(mentees[c[k]])
        if left[mentor] > 0 and mentee not in taken:
            left[mentor] -= 1
            taken.add(mentee)
            total += float(block.score[r[k], c[k]])
    greedy = (total, len(taken), 0)
    # random: each mentee gets a random mentor with room, rules unchecked (what a bot does)
    slots = [int(i) for i, m in enumerate(mentors) for _ in range(capacity[int(m)])]
    rng.shuffle(slots)
    total, bad = 0.0, 0
    for j, slot in zip(range(len(mentees)), slots, strict=False):
        if block.allowed[slot, j]:
            total += float(block.score[slot, j])
        else:
            bad += 1
    return {"greedy": greedy, "random": (total, min(len(mentees), len(slots)), bad)}


def pair_baselines(problem: Problem, rng: random.Random) -> dict[str, tuple[float, int, int]]:
    f = Features(problem)
    everyone = np.arange(f.n)
    block = score_block(f, everyone, everyone)
    iu = np.argwhere(np.triu(block.allowed, 1))
    values = block.score[iu[:, 0], iu[:, 1]]
    mate = np.full(f.n, -1)
    total = 0.0
    for k in np.argsort(-values, kind="stable"):
        a, b = iu[k]
        if mate[a] < 0 and mate[b] < 0:
            mate[a], mate[b] = b, a
            total += float(values[k])
    greedy = (total, int((mate >= 0).sum()), 0)
    order = list(range(f.n))
    rng.shuffle(order)
    total, bad = 0.0, 0
    for a, b in zip(order[0::2], order[1::2], strict=False):
        if block.allowed[a, b]:
            total += float(block.score[a, b])
        else:
            bad += 1
    return {"greedy": greedy, "random": (total, 2 * (f.n // 2), bad)}


def circle_baselines(problem: Problem, rng: random.Random) -> dict[str, tuple[float, int, int]]:
    f = Features(problem)
    everyone = np.arange(f.n)
    block = score_block(f, everyone, everyone)
    w = np.where(block.allowed, block.score.astype(np.float64), -1e6)
    np.fill_diagonal(w, 0.0)
    sizes = group_sizes(f.n, problem.options.group_size)
    # greedy: the solver's own construction under the circle rules, without the local search
    priority, _ = learner_matrix(f)
    search = CircleSearch(w, block.allowed, priority > 0, meeting_starts(f))
    greedy = [g for g in search.greedy(problem.options.group_size) if len(g) >= 3]
    g_value = circles_value(np.where(w > 0, w, 0.0), greedy)
    order = list(range(f.n))
    rng.shuffle(order)
    groups, start = [], 0
    for s in sizes:
        groups.append(order[start : start + s])
        start += s
    r_value = circles_value(np.where(block.allowed, block.score, 0.0).astype(np.float64), groups)
    bad = sum(1 for g in groups for i, a in enumerate(g) for b in g[i + 1 :] if not block.allowed[a, b])
    return {
        "greedy": (g_value, sum(len(g) for g in greedy), 0),
        "random": (r_value, f.n, bad),  # random circles of the planned sizes, rules unchecked
    }


# -- quality references ----------------------------------------------------------------


def pair_bound(problem: Problem, proposal: Proposal) -> float:
    f = Features(problem)
    everyone = np.arange(f.n)
    block = score_block(f, everyone, everyone)
    bound = upper_bound(np.where(block.allowed, block.score.astype(np.float64), -np.inf))
    if proposal.upper_bound is not None:
        bound = min(bound, proposal.upper_bound)
    return bound


def best_known_circles(problem: Problem, own: float) -> float:
    best = own
    for seed in (101, 202):
        f = Features(replace(problem, options=replace(problem.options, seed=seed)))
        result = solve_circles(f, STEPS, passes=60)
        everyone = np.arange(f.n)
        block = score_block(f, everyone, everyone)
        value = circles_value(np.where(block.allowed, block.score, 0.0).astype(np.float64), result.groups)
        best = max(best, value)
    return best


def rotation(n: int, mode: str, rounds: int = 6) -> tuple[float, int, int]:
    """Six rounds in a row, each forbidding the pairs of the last six: (seconds, repeats, violations)."""
    problem = synthetic.problem(n, mode, seed=11)
    seen: set[tuple[int, int]] = set()
    recent: set[tuple[int, int]] = set(problem.history.recent)
    met = dict(problem.history.met)
    repeats = bad = 0
    seconds = 0.0
    for _ in range(rounds):
        current = replace(problem, history=History(recent=frozenset(recent), met=met))
        start = time.perf_counter()
        proposal = propose(current)
        seconds += time.perf_counter() - start
        bad += len(violations(current, proposal))  # the referee is not timed
        pairs = proposal.pairs()
        repeats += len(pairs & seen)
        seen |= pairs
        recent |= pairs
        for p in pairs:
            met[p] = met.get(p, 0) + 1
    return seconds, repeats, bad


def stability(n: int, mode: str) -> int:
    """Pairs of the previous proposal that change when one more person joins."""
    problem = synthetic.problem(n, mode, seed=5)
    first = propose(problem)
    newcomer = synthetic.organisation(n + 1, seed=5)[-1]
    again = propose(replace(problem, people=(*problem.people, newcomer), previous=frozenset(first.pairs())))
    return len(first.pairs() - again.pairs())


# -- objectives ------------------------------------------------------------------------------


def objective_round(problem: Problem, objective: Objective) -> tuple[float, list[float], int, int]:
    """(seconds of score build + solve, the group scores, people matched, blocking pairs) of one round."""
    start = time.perf_counter()
    people, capacity = pool_of(problem)
    f = Features(problem, people)
    if problem.mode == "mentoring":
        result = rounds.mentoring_round(f, capacity, STEPS, objective)
        seconds = time.perf_counter() - start
        row = {int(m): k for k, m in enumerate(result.block.rows)}
        col = {int(e): k for k, e in enumerate(result.block.cols)}
        scores = [float(result.block.score[row[m], col[e]]) for m, e in result.pairs]
        return seconds, scores, len(scores), rounds.mentoring_blocking(f, result)
    pairs = rounds.pairs_round(f, STEPS, objective)
    seconds = time.perf_counter() - start
    score = pairs.block.score
    scores = [float(score[a, b]) for a, b in pairs.pairs]
    scores += [float(score[a, b] + score[a, c] + score[b, c]) / 3 for a, b, c in pairs.trios]
    return seconds, scores, 2 * len(pairs.pairs) + 3 * len(pairs.trios), rounds.pairs_blocking(pairs)


def objectives_table(sizes: list[int], runs: int) -> None:
    header = (
        f"{'format':<17}{'people':>7}{'objective':>10}{'solve s':>9}{'x best':>8}{'full s':>8}{'x best':>8}"
        f"{'matched':>9}{'lowest':>8}{'total':>10}{'blocking':>10}"
    )
    print(header)
    print("-" * len(header))
    for n in sizes:
        count = runs if n > 1000 else max(runs, 15)
        for mode in ("mentoring", "buddies", "cross_functional"):
            problem = synthetic.problem(n, mode, seed=0, options=Options(seed=0))
            times: dict[Objective, list[float]] = {o: [] for o in OBJECTIVES}
            full: dict[Objective, list[float]] = {o: [] for o in OBJECTIVES}
            last: dict[Objective, tuple[list[float], int, int]] = {}
            for _ in range(count):
                for objective in OBJECTIVES:  # in turns, so that every objective sees the same load
                    seconds, *figures = objective_round(problem, objective)
                    times[objective].append(seconds)
                    last[objective] = (figures[0], figures[1], figures[2])
                    chosen = replace(problem, options=replace(problem.options, objective=objective))
                    start = time.perf_counter()
                    proposal = propose(chosen)
                    full[objective].append(time.perf_counter() - start)
                    assert proposal.blocking_pairs == figures[2]
            base = statistics.median(times["best"])
            base_full = statistics.median(full["best"])
            for objective in OBJECTIVES:
                scores, matched, blocking = last[objective]
                median = statistics.median(times[objective])
                median_full = statistics.median(full[objective])
                print(
                    f"{mode:<17}{n:>7}{objective:>10}{median:>9.3f}{median / base:>8.2f}"
                    f"{median_full:>8.2f}{median_full / base_full:>8.2f}{matched:>9}"
                    f"{min(scores, default=0.0):>8.3f}{sum(scores):>10.1f}{blocking:>10}",
                    flush=True,
                )


# -- stated choices --------------------------------------------------------------------------


def score_build(problem: Problem) -> float:
    """Seconds to build the features and score every pair the round's solver scores."""
    start = time.perf_counter()
    people, capacity = pool_of(problem)
    f = Features(problem, people)
    if problem.mode == "mentoring":
        mentors, mentees = mentoring_sides(f, capacity)
        score_block(f, mentors, mentees)
    else:
        everyone = np.arange(f.n, dtype=np.int64)
        score_block(f, everyone, everyone)
    return time.perf_counter() - start


def choices_table(sizes: list[int], runs: int) -> None:
    """What stated choices add to the score build: the same pool without and with them (40% of people
    naming 1-5 preferred partners, one in thirty someone to avoid), timed in turns in the same run."""
    header = f"{'format':<17}{'people':>7}{'stated':>8}{'without s':>11}{'with s':>9}{'added':>8}{'granted 1st':>13}"
    print(header)
    print("-" * len(header))
    for n in sizes:
        for mode in ("mentoring", "buddies"):
            plain = synthetic.problem(n, mode, seed=0)
            chosen = replace(plain, people=tuple(synthetic.with_choices(list(plain.people), seed=0)))
            without: list[float] = []
            with_: list[float] = []
            for _ in range(max(runs, 5)):
                without.append(score_build(plain))
                with_.append(score_build(chosen))
            a, b = statistics.median(without), statistics.median(with_)
            granted = propose(chosen).choices
            print(
                f"{mode:<17}{n:>7}{granted.stated:>8}{a:>11.3f}{b:>9.3f}{100 * (b - a) / a:>7.1f}%"
                f"{f'{granted.first}/{granted.stated}':>13}",
                flush=True,
            )


# -- the table -----------------------------------------------------------------------------


def pct(value: float, reference: float) -> str:
    return f"{100 * value / reference:.2f}%" if reference > 0 else "n/a"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="500,5000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="skip rotation and stability")
    parser.add_argument("--rounds-only", action="store_true", help="only rotation and stability")
    parser.add_argument("--objectives-only", action="store_true", help="only the table of objectives")
    parser.add_argument("--choices-only", action="store_true", help="only what stated choices add to the score build")
    parser.add_argument("--modes", default="mentoring,buddies,cross_functional,circles", help="formats to measure")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    if args.objectives_only:
        objectives_table(sizes, args.runs)
        return
    if args.choices_only:
        choices_table(sizes, args.runs)
        return
    rng = random.Random(1)
    header = (
        f"{'format':<17}{'people':>7}{'solve s':>8}{'full s':>8}{'peak MB':>9}{'viol.':>6}{'matched':>13}"
        f"{'quality':>16}{'greedy':>10}{'random':>10}{'rnd viol.':>10}{'lowest':>8}"
    )
    print(header)
    print("-" * len(header))
    for n in sizes if not args.rounds_only else []:
        runs = args.runs if n > 1000 else max(args.runs, 15)  # small runs are short and noisy
        for mode in args.modes.split(","):
            options = Options(seed=0, group_size=4)
            problem = synthetic.problem(n, mode, seed=0, options=options)
            seconds, proposal = timed(problem, runs)
            solve_seconds = solve_only(problem, runs)
            peak = peak_mb(problem)
            bad = len(violations(problem, proposal))
            if mode == "mentoring":
                base = mentoring_baselines(problem, rng)
                reference, quality = proposal.total_score, "100% (exact)"
                matched = sum(1 for g in proposal.groups for m in g.members if m.role == "mentee")
            elif mode == "circles":
                base = circle_baselines(problem, rng)
                f = Features(problem)
                everyone = np.arange(f.n)
                block = score_block(f, everyone, everyone)
                own = circles_value(
                    np.where(block.allowed, block.score, 0.0).astype(np.float64),
                    [[f.index[i] for i in g.ids] for g in proposal.groups],
                )
                reference = best_known_circles(problem, own)
                quality = pct(own, reference) + " best"
                matched = len(proposal.matched_ids)
            else:
                base = pair_baselines(problem, rng)
                reference = pair_bound(problem, proposal)
                quality = ">=" + pct(proposal.total_score, reference)
                matched = len(proposal.matched_ids)
            print(
                f"{mode:<17}{n:>7}{solve_seconds:>8.3f}{seconds:>8.2f}{peak:>9.0f}{bad:>6}{f'{matched}/{proposal.could_match}':>13}"
                f"{quality:>16}{pct(base['greedy'][0], reference):>10}{pct(base['random'][0], reference):>10}"
                f"{base['random'][2]:>10}{lowest(proposal):>8.2f}",
                flush=True,
            )
            if mode == "mentoring":
                g_total, g_matched, _ = base["greedy"]
                print(f"{'':<17}{'':>7}  greedy matches {g_matched} mentees, optimal {matched}", flush=True)
    if not args.rounds_only:
        print()
        objectives_table(sizes, args.runs)
        print()
        choices_table(sizes, args.runs)
    if args.quick:
        return
    print()
    for n in sizes:
        for mode in ("buddies", "cross_functional"):
            seconds, repeats, bad = rotation(n, mode)
            changed = stability(n, mode)
            print(
                f"{mode:<17}{n:>7}  6 rounds: {seconds:6.1f} s, {repeats} repeats, {bad} violations; "
                f"one more person changes {changed} existing pair(s)",
                flush=True,
            )


if __name__ == "__main__":
    main()
