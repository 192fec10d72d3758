"""What the solvers share: progress and cancelling, tie-breaking, and the solver's own weights."""

from __future__ import annotations

import numpy as np

from peerdesk.jobs import CancelCheck, Cancelled, Progress, never, no_progress
from peerdesk.matching.model import Pair

__all__ = ["CancelCheck", "Cancelled", "Progress", "Steps", "never", "no_progress"]
STEPS = 1000  # a run's progress is reported in thousandths

JITTER = 1e-6  # tie-break: far below any difference a person could notice
STABILITY_BONUS = 0.05  # previous proposal's pairs win near-ties, so one edit changes one or two pairs


class Steps:
    """Reports progress and honours cancelling between the steps of a run."""

    def __init__(self, progress: Progress | None, cancel: CancelCheck | None) -> None:
        self.progress = progress or no_progress
        self.cancel = cancel or never

    def __call__(self, fraction: float, message: str) -> None:
        if self.cancel():
            raise Cancelled("Matching was cancelled.")
        self.progress(round(STEPS * min(1.0, max(0.0, fraction))), STEPS, message)


def _unit(ids: np.ndarray, seed: int) -> np.ndarray:
    """A pseudo-random value in [0.5, 1) per participant id (splitmix64 of id and seed)."""
    with np.errstate(over="ignore"):
        x = ids.astype(np.uint64) + np.uint64(seed & 0xFFFFFFFF) * np.uint64(0x9E3779B97F4A7C15)
        x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        x ^= x >> np.uint64(31)
    return 0.5 + (x >> np.uint64(11)).astype(np.float64) / float(1 << 54)


def tie_break(ids_rows: np.ndarray, ids_cols: np.ndarray, seed: int) -> np.ndarray:
    """A symmetric pseudo-random value in [0, JITTER) per pair of participant ids.

    It is the product of one value per person, so it depends only on the two ids and the
    seed (adding a person leaves every other pair's value alone), and, being a product
    rather than a sum, it differs between two matchings of the same people.
    """
    jitter: np.ndarray = np.multiply.outer(_unit(ids_rows, seed) * JITTER, _unit(ids_cols, seed))
    return jitter


def stability(ids_rows: np.ndarray, ids_cols: np.ndarray, previous: frozenset[Pair]) -> np.ndarray | None:
    """STABILITY_BONUS where (row, column) was a pair of the previous proposal."""
    if not previous:
        return None
    pos_r = {int(v): k for k, v in enumerate(ids_rows)}
    pos_c = {int(v): k for k, v in enumerate(ids_cols)}
    out = np.zeros((len(ids_rows), len(ids_cols)), dtype=np.float64)
    for a, b in previous:
        for x, y in ((a, b), (b, a)):
            if x in pos_r and y in pos_c:
                out[pos_r[x], pos_c[y]] = STABILITY_BONUS
    return out


def solver_weights(
    score: np.ndarray,
    allowed: np.ndarray,
    ids_rows: np.ndarray,
    ids_cols: np.ndarray,
    seed: int,
    previous: frozenset[Pair],
    forbidden: float = -np.inf,
) -> np.ndarray:
    """The values the solver maximises: score + tie-break + stability; `forbidden` where a rule forbids."""
    w = tie_break(ids_rows, ids_cols, seed)
    w += score
    bonus = stability(ids_rows, ids_cols, previous)
    if bonus is not None:
        w += bonus
    w[~allowed] = forbidden
    return w
