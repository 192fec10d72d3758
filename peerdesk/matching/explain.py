"""Why a pair or circle was proposed, and why someone was left out: concrete, readable facts."""

from __future__ import annotations

from collections import Counter

import numpy as np

from peerdesk.matching.availability import SLOT_MIN
from peerdesk.matching.circles import CircleResult
from peerdesk.matching.model import PARTS, Person
from peerdesk.matching.scoring import Features, gap_fit, priority, score_block
from peerdesk.wording import plural

CHUNK = 256


def parts_of_pairs(f: Features, rows: list[int], cols: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """Every part (P x 6) and the score (P) of the pairs (rows[k], cols[k]), in chunks."""
    out = np.zeros((len(rows), len(PARTS)), dtype=np.float64)
    score = np.zeros(len(rows), dtype=np.float64)
    r_all, c_all = np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64)
    for start in range(0, len(rows), CHUNK):
        r, c = r_all[start : start + CHUNK], c_all[start : start + CHUNK]
        # A person may be in several pairs: score distinct people, then pick the pairs.
        ur, r_at = np.unique(r, return_inverse=True)
        uc, c_at = np.unique(c, return_inverse=True)
        block = score_block(f, ur, uc, keep=True)
        assert block.parts is not None
        for k, name in enumerate(PARTS):
            out[start : start + len(r), k] = block.parts[name][r_at, c_at]
        total = f.problem.weights.total
        weights = np.array([getattr(f.problem.weights, name) / total for name in PARTS])
        score[start : start + len(r)] = out[start : start + len(r)] @ weights
    return out, score


def _first(name: str) -> str:
    return name.split()[0] if name.split() else name


def best_skill(teacher: Person, learner: Person) -> tuple[str, int, int, float] | None:
    """The skill the teacher serves best among what the learner wants: (skill, taught, wanted, fit)."""
    taught = {s.skill.casefold(): s for s in teacher.teaches}
    best = None
    for pos, want in enumerate(learner.learns):
        have = taught.get(want.skill.casefold())
        if have is None:
            continue
        fit = gap_fit(have.level, want.level) * priority(pos)
        if fit > 0 and (best is None or fit > best[3]):
            best = (want.skill, have.level, want.level, fit)
    return best


def skill_fact(teacher: Person, learner: Person) -> str | None:
    found = best_skill(teacher, learner)
    if found is None:
        return None
    skill, taught, wanted, _ = found
    return f"{_first(teacher.name)} teaches {skill} {taught}, {_first(learner.name)} wants {skill} {wanted}"


def hours(minutes: float) -> str:
    h = minutes / 60
    return f"{h:.0f} h" if abs(h - round(h)) < 0.05 else f"{h:.1f} h"


def pair_facts(f: Features, a: int, b: int, *, directed: bool) -> list[str]:
    """The concrete facts behind one pair's score (a mentors b when directed)."""
    pa, pb = f.people[a], f.people[b]
    facts: list[str] = []
    fact = skill_fact(pa, pb)
    if fact is None and not directed:
        fact = skill_fact(pb, pa)
    if fact is not None:
        facts.append(fact)
    facts.append(overlap_fact(f, a, b))
    off = (f.offset[a] - f.offset[b]) / 60
    if off == 0:
        facts.append("same time zone")
    else:
        ahead, behind = (pa, pb) if off > 0 else (pb, pa)
        facts.append(f"{_first(ahead.name)} is {hours(abs(off) * 60)} ahead")
    if pa.department and pb.department:
        if pa.department.casefold() == pb.department.casefold():
            facts.append(f"both in {pa.department}")
        else:
            facts.append(f"{pa.department}↔{pb.department}")
    if directed:
        facts.append(f"{_first(pa.name)} {_tenure(pa, f)}, {_first(pb.name)} {_tenure(pb, f)}")
    facts.append(novelty_fact(f, pa.id, pb.id))
    return facts


def overlap_fact(f: Features, a: int, b: int) -> str:
    pa, pb = f.people[a], f.people[b]
    missing = [_first(p.name) for p in (pa, pb) if not p.availability]
    if missing:
        return f"no availability given by {' and '.join(missing)}"
    return f"{hours(f.slots.pair_minutes(a, b))}/week overlap"


def novelty_fact(f: Features, a: int, b: int) -> str:
    key = (a, b) if a < b else (b, a)
    if key in f.problem.history.recent:
        return "met recently"
    times = f.problem.history.met.get(key, 0)
    if times:
        return f"met before ({times}×)"
    return "first time together"


def _tenure(p: Person, f: Features) -> str:
    parts = []
    if p.title:
        parts.append(p.title)
    if p.hire_date is not None:
        years = (f.problem.reference_monday - p.hire_date).days / 365.25
        parts.append("new hire" if years < 1 else f"{years:.0f} y here")
    return "(" + ", ".join(parts) + ")" if parts else "(no title)"


def circle_skill(f: Features, members: list[int], key: str | None = None) -> tuple[str | None, int | None, list[str]]:
    """The skill the circle gathers around (the given key, else the one most of them want),
    its host (position) if a member also teaches it, and facts."""
    if key is None:
        wanted: Counter[str] = Counter()
        weight: dict[str, float] = {}
        for m in members:
            for pos, s in enumerate(f.people[m].learns):
                k = s.skill.casefold()
                wanted[k] += 1
                weight[k] = weight.get(k, 0.0) + priority(pos)
        if not wanted:
            return None, None, []
        key = max(wanted, key=lambda k: (wanted[k], weight[k], k))
    name = f.skill_names.get(key, key)
    learners = [m for m in members if any(s.skill.casefold() == key for s in f.people[m].learns)]
    host, host_level = None, 0
    for m in members:
        for s in f.people[m].teaches:
            if s.skill.casefold() == key and s.level > host_level:
                host, host_level = m, s.level
    if len(learners) == len(members):
        facts = [f"all {len(members)} want to learn {name}"]
    else:
        facts = [f"{len(learners)} of {len(members)} want to learn {name}"]
    if host is not None:
        facts.append(f"hosted by {_first(f.people[host].name)} (teaches {name} {host_level})")
    return name, host, facts


def common_minutes(f: Features, members: list[int]) -> int | None:
    """Weekly minutes when every member (who stated hours) is free; None when nobody stated any."""
    has_windows = np.asarray(f.slots.has_windows, dtype=bool)
    known = [m for m in members if has_windows[m]]
    if not known:
        return None
    rows = f.slots.unique[f.slots.inverse[np.asarray(known, dtype=np.int64)]]
    return int(np.logical_and.reduce(rows > 0, axis=0).sum()) * SLOT_MIN


def group_facts(f: Features, members: list[int]) -> list[str]:
    """Facts about a trio or circle: departments, common hours, time zones."""
    depts = sorted({f.people[m].department for m in members if f.people[m].department})
    facts = []
    if depts:
        facts.append("↔".join(depts) if len(depts) > 1 else f"all in {depts[0]}")
    together = common_minutes(f, members)
    if together is not None:
        facts.append(f"{hours(together)}/week when all are free")
    zones = sorted({f.people[m].timezone for m in members})
    facts.append("same time zone" if len(zones) == 1 else f"{len(zones)} time zones")
    return facts


def circle_reason(f: Features, person: int, result: CircleResult) -> str:
    """Why someone is in no circle: what they want to learn, who else does, the hour, the rules."""
    p = f.people[person]
    if f.n < 3:
        return "a circle needs at least 3 people"
    if not p.learns:
        return "wants to learn nothing: a circle's members all want to learn the same skill"
    assert result.learns is not None and result.meets is not None
    wanted = ", ".join(s.skill for s in p.learns[:3])
    mine = result.learns[person]
    others = np.asarray(result.learns[:, mine].any(axis=1), dtype=bool)
    others[person] = False
    if not others.any():
        return f"nobody else wants to learn {wanted}"
    co = np.flatnonzero(others)
    meets = result.meets[person]
    fit = [int(k) for k in co if result.meets[int(k)] & meets]
    length = _meeting_words(f.problem.meeting_minutes)
    if not fit:
        return f"shares no free {length} a week with anyone else who wants to learn {wanted}"
    allowed = [k for k in fit if result.block.allowed[person, k]]
    if not allowed:
        return blocked_reason(f, person, np.asarray(fit, dtype=np.int64), "member").replace(
            "every member", f"everyone who wants to learn {wanted} and shares the hour"
        )
    skills_of_circles = result.skills or []
    if not any(k in {s.skill.casefold() for s in p.learns} for k in skills_of_circles):
        what = "it" if len(p.learns) == 1 else "one of them"
        span = "an hour" if length == "hour" else length
        return (
            f"no circle could be formed around {wanted}: too few who want to learn {what} are free together for {span}"
        )
    return (
        f"no circle of people who want to learn {wanted} has room for them "
        f"and a free {length} in common with all its members"
    )


def _meeting_words(minutes: int) -> str:
    return "hour" if minutes == 60 else f"{minutes} minutes"


RULE_WORDS = {
    "no_overlap": "no common hours",
    "little_overlap": "too few common hours",
    "manager": "is their manager",
    "excluded": "marked never to pair",
    "avoids": "they asked not to be paired",
    "avoided_by": "asked not to be paired with them",
    "recent": "met in the last rounds",
    "same_department": "same department",
    "no_skill": "teaches nothing they want",
}
# Rules that rule out a pair because someone asked (or the coordinator decided), not because it
# cannot work: a candidate ruled out by these alone is a feasible partner kept apart on request.
REQUEST_RULES = ("avoids", "avoided_by", "excluded")
NAMES_SHOWN = 3


def _rule_masks(f: Features, person: int, others: np.ndarray, role: str) -> dict[str, np.ndarray]:
    """Each hard rule over the candidates, from the person's side (avoids: they asked)."""
    if role == "mentor":
        block = score_block(f, others, np.array([person]), keep=True)
        masks = {k: v[:, 0] for k, v in (block.rules or {}).items()}
        masks["avoids"], masks["avoided_by"] = masks["avoided_by"], masks["avoids"]
    else:
        block = score_block(f, np.array([person]), others, keep=True)
        masks = {k: v[0] for k, v in (block.rules or {}).items()}
    return masks


def _names(f: Features, positions: list[int]) -> str:
    names = [f.people[k].name for k in positions[:NAMES_SHOWN]]
    if len(positions) > NAMES_SHOWN:
        names.append(plural(len(positions) - NAMES_SHOWN, "other"))
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def kept_apart(f: Features, person: int, others: np.ndarray, role: str, *, only: bool) -> str | None:
    """Why the candidates who would fit but for a request are kept apart from the person, or None
    when there are none. only: they are the person's only feasible ones (the reason they are left
    out); else a note after the reason (others fit, and are taken)."""
    others = others[others != person]
    if not len(others):
        return None
    masks = _rule_masks(f, person, others, role)
    structural = np.zeros(len(others), dtype=bool)
    for name, mask in masks.items():
        if name not in REQUEST_RULES and name != "self":
            structural |= mask
    asked = masks["avoids"] & ~structural
    asked_by = masks["avoided_by"] & ~structural
    marked = masks["excluded"] & ~structural & ~asked & ~asked_by
    near = np.flatnonzero(asked | asked_by | marked)
    if not len(near):
        return None
    if only and len(near) == 1:
        k = int(others[near[0]])
        them = f"their only feasible {role} ({f.people[k].name})"
        if asked[near[0]] and asked_by[near[0]]:
            return f"asked not to be paired with {them}, who asked the same"
        if asked[near[0]]:
            return f"asked not to be paired with {them}"
        if asked_by[near[0]]:
            return f"{them} asked not to be paired with them"
        return f"{them} is marked never to pair with them"
    pieces = []
    who_asked = [int(others[i]) for i in np.flatnonzero(asked)]
    by = [int(others[i]) for i in np.flatnonzero(asked_by & ~asked)]
    never = [int(others[i]) for i in np.flatnonzero(marked)]
    if who_asked:
        pieces.append(f"asked not to be paired with {_names(f, who_asked)}")
    if by:
        pieces.append(f"{_names(f, by)} asked not to be paired with them")
    if never:
        pieces.append(f"marked never to pair with {_names(f, never)}")
    if only:
        return f"all {len(near)} feasible {role}s are kept apart on request: " + "; ".join(pieces)
    who = f"{plural(len(near), role)} who would fit {'is' if len(near) == 1 else 'are'}"
    return f"besides, {who} kept apart on request: " + "; ".join(pieces)


def blocked_reason(f: Features, person: int, others: np.ndarray, role: str = "anyone") -> str:
    """Why no one in `others` may be paired with `person` (the rules that rule each one out)."""
    others = others[others != person]
    if not len(others):
        return f"no {role} to pair with"
    if role in ("partner", "mentor"):
        apart = kept_apart(f, person, others, role, only=True)
        if apart is not None:
            return apart
    masks = _rule_masks(f, person, others, role)
    counts = {k: int(v.sum()) for k, v in masks.items() if k != "self" and v.any()}
    if not counts:
        return f"no {role} could be paired with them"
    total = len(others)
    if len(counts) == 1:
        ((rule, count),) = counts.items()
        if rule == "no_overlap":
            return f"no overlap in availability with any {role}"
        if rule == "same_department" and count == total:
            return f"every {role} left is in their department"
        if rule == "recent" and count == total:
            return f"has met every possible {role} in the recent rounds"
    parts = [f"{RULE_WORDS.get(k, k)}: {v}" for k, v in sorted(counts.items(), key=lambda kv: -kv[1])]
    return f"every {role} is ruled out ({'; '.join(parts)})"


def mentee_reason(f: Features, mentee: int, capacity: dict[int, int], allowed_mentors: int) -> str:
    """Why a mentee got no mentor, in terms of skills, capacity, training and rules."""
    p = f.people[mentee]
    mentors_all = [k for k, q in enumerate(f.people) if q.can_mentor and k != mentee]
    if not mentors_all:
        return "no mentor is taking part"
    if allowed_mentors:
        full = (
            "the mentor who fits is full with mentees they fit better"
            if allowed_mentors == 1
            else f"the {allowed_mentors} mentors who fit are full with mentees they fit better"
        )
        only_trained = f.problem.options.only_trained_mentors
        taking = [k for k in mentors_all if capacity.get(k, 0) > 0 and (f.people[k].trained or not only_trained)]
        note = kept_apart(f, mentee, np.array(taking, dtype=np.int64), "mentor", only=False)
        return full if note is None else f"{full}; {note}"
    wanted = ", ".join(s.skill for s in p.learns[:3])
    require = f.problem.options.require_skill and p.learns
    teachers = [k for k in mentors_all if best_skill(f.people[k], p) is not None] if require else mentors_all
    if require and not teachers:
        return f"no mentor teaches {wanted} above their level"
    with_room = [k for k in teachers if capacity.get(k, 0) > 0]
    if not with_room:
        return f"no mentor with free capacity teaches {wanted}" if require else "no mentor has free capacity"
    if f.problem.options.only_trained_mentors:
        trained = [k for k in with_room if f.people[k].trained]
        if not trained:
            return f"the mentors who teach {wanted} have not finished the required training"
        with_room = trained
    reason = blocked_reason(f, mentee, np.array(with_room, dtype=np.int64), "mentor")
    if require:
        reason = reason.replace("any mentor", f"any mentor who teaches {wanted}")
    return reason
