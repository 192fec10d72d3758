"""The meeting plans PeerDesk ships (resources/plans/*.json): mentoring, new-hire buddy, learning circle.

A program starts from one of them and edits it freely (peerdesk.store.plans keeps the program's own).
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass

from peerdesk import shipped
from peerdesk.store.db import Database
from peerdesk.store.errors import ValidationError
from peerdesk.store.plans import PlanStep, save_plan

# Which shipped plan suits a program best, by its objective or its pairings' kind.
FOR_OBJECTIVE = {"onboarding": "buddy", "upskilling": "mentoring", "leadership": "mentoring", "collaboration": "circle"}
FOR_PAIRING_KIND = {"mentoring": "mentoring", "buddy": "buddy", "cross_functional": "buddy", "circle": "circle"}


@dataclass(frozen=True)
class DefaultPlan:
    """A plan shipped with PeerDesk."""

    key: str  # the file name without .json
    name: str
    description: str
    steps: tuple[PlanStep, ...]


@functools.cache
def default_plans() -> dict[str, DefaultPlan]:
    """Every shipped plan by key, in the order mentoring, buddy, circle (then any other)."""
    found: dict[str, DefaultPlan] = {}
    for file in shipped.names("plans"):
        if not file.endswith(".json"):
            continue
        data = json.loads(shipped.read_text("plans", file))
        steps = tuple(
            PlanStep(
                title=str(s["title"]),
                agenda=str(s.get("agenda", "")),
                questions="\n".join(str(q) for q in s.get("questions", [])),
                links="\n".join(str(link) for link in s.get("links", [])),
                position=i,
            )
            for i, s in enumerate(data["steps"], 1)
        )
        key = file.removesuffix(".json")
        found[key] = DefaultPlan(key, str(data["name"]), str(data.get("description", "")), steps)
    order = ["mentoring", "buddy", "circle"]
    return dict(sorted(found.items(), key=lambda kv: (order.index(kv[0]) if kv[0] in order else len(order), kv[0])))


def suggested_plan(objective: str, pairing_kinds: set[str] | frozenset[str] = frozenset()) -> str:
    """The shipped plan to offer a program: by the kind of its pairings when they agree, else its objective."""
    kinds = {FOR_PAIRING_KIND[k] for k in pairing_kinds if k in FOR_PAIRING_KIND}
    if len(kinds) == 1:
        return kinds.pop()
    return FOR_OBJECTIVE.get(objective, "mentoring")


def apply_default_plan(db: Database, program_id: int, key: str) -> list[PlanStep]:
    """Replace a program's plan with a copy of a shipped one."""
    plan = default_plans().get(key)
    if plan is None:
        raise ValidationError(
            f"PeerDesk ships no plan called '{key}' (use one of {', '.join(default_plans())}).", "plan"
        )
    return save_plan(db, program_id, list(plan.steps))
