"""Matching: scores and solvers over plain data (no database), plus a loader from the store.

problem = Problem(mode="buddies", people=...)   # or load.problem_from_store(db, ...)
proposal = propose(problem, progress, cancel)
"""

from peerdesk.matching.common import Cancelled
from peerdesk.matching.model import (
    DEFAULT_WEIGHTS,
    MODES,
    PARTS,
    Group,
    History,
    LockedGroup,
    Member,
    Mode,
    Options,
    Person,
    Problem,
    Proposal,
    Unmatched,
    Weights,
    pair_key,
)
from peerdesk.matching.rules import violations
from peerdesk.matching.solve import propose

__all__ = [
    "DEFAULT_WEIGHTS",
    "MODES",
    "PARTS",
    "Cancelled",
    "Group",
    "History",
    "LockedGroup",
    "Member",
    "Mode",
    "Options",
    "Person",
    "Problem",
    "Proposal",
    "Unmatched",
    "Weights",
    "pair_key",
    "propose",
    "violations",
]
