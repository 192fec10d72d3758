"""The thin loader: turns what the store holds into a matching Problem of plain values."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import fields, replace
from typing import Any

from peerdesk import clock
from peerdesk.matching.model import (
    DEFAULT_WEIGHTS,
    MAX_GROUP,
    MIN_GROUP,
    OBJECTIVES,
    History,
    LockedGroup,
    Mode,
    Options,
    Pair,
    Person,
    Problem,
    Proposal,
    Weights,
)
from peerdesk.sessions.scheduling import first_meeting_problems
from peerdesk.store import pairings as store
from peerdesk.store.db import Database
from peerdesk.store.participants import list_participants
from peerdesk.store.programs import member_ids, program_meeting_minutes
from peerdesk.store.settings import load_settings
from peerdesk.store.training import trained_ids


def reference_monday(today: dt.date | None = None) -> dt.date:
    """The Monday of the week being planned (this week)."""
    day = today or clock.today()
    return day - dt.timedelta(days=day.weekday())


def stored_weights(db: Database, program_id: int | None, mode: Mode) -> Weights:
    config = store.matching_config(db, program_id)
    saved = config.get("weights", {}).get(mode) if isinstance(config.get("weights"), dict) else None
    return Weights.from_dict(saved, DEFAULT_WEIGHTS[mode]) if isinstance(saved, dict) else DEFAULT_WEIGHTS[mode]


def stored_options(db: Database, program_id: int | None) -> Options:
    saved = store.matching_config(db, program_id).get("options")
    return options_from_dict(saved if isinstance(saved, dict) else {})


def options_from_dict(data: dict[str, Any], base: Options | None = None) -> Options:
    """Options from stored JSON; values of the wrong type are ignored."""
    base = base or Options()
    values: dict[str, Any] = {}
    overlap = data.get("min_overlap_hours")
    if isinstance(overlap, int | float) and not isinstance(overlap, bool):
        # 0 was the old default, saved with every other option: it now means the meeting length.
        values["min_overlap_hours"] = float(overlap) if overlap > 0 else None
    for f in fields(Options):
        if f.name == "min_overlap_hours":
            continue
        raw = data.get(f.name)
        current = getattr(base, f.name)
        if raw is None or type(raw) is not type(current):
            if isinstance(current, float) and isinstance(raw, int) and not isinstance(raw, bool):
                raw = float(raw)
            else:
                continue
        values[f.name] = raw
    opts = replace(base, **values)
    if opts.odd_person not in ("trio", "sitout"):
        opts = replace(opts, odd_person=base.odd_person)
    if opts.objective not in OBJECTIVES:
        opts = replace(opts, objective=base.objective)
    return replace(opts, group_size=min(MAX_GROUP, max(MIN_GROUP, opts.group_size)))


def options_to_dict(options: Options) -> dict[str, Any]:
    return {f.name: getattr(options, f.name) for f in fields(Options) if f.name != "seed"}


def load_problem(
    db: Database,
    mode: Mode,
    *,
    program_id: int | None = None,
    options: Options | None = None,
    weights: Weights | None = None,
    rejected: Iterable[Pair] = (),
    locked: Iterable[LockedGroup] = (),
    previous: Iterable[Pair] = (),
) -> Problem:
    """Everything a round needs from the store: people (the program's members, or everyone),
    free mentoring capacity, training, what they asked for (preferred partners and people to
    avoid among the people loaded, and in mentoring the current or latest mentor to keep),
    exclusions (plus pairs rejected in this session), who met whom, who sat out, and locked
    pairings that carry on."""
    settings = load_settings(db)
    participants = list_participants(db, include_archived=False)
    if program_id is not None:
        members = member_ids(db, program_id)
        participants = [p for p in participants if p.id in members]
    trained = trained_ids(db)
    active = store.active_pairings(db)
    mentoring_load: Counter[int] = Counter()
    has_mentor_here: set[int] = set()
    for pairing in active:
        if pairing.kind != "mentoring":
            continue
        for m in pairing.members:
            if m.role == "mentor":
                mentoring_load[m.participant_id] += sum(1 for x in pairing.members if x.role == "mentee")
            elif m.role == "mentee" and pairing.program_id == program_id:
                has_mentor_here.add(m.participant_id)
    ids_of = {p.email: p.id for p in participants}
    known = set(ids_of.values())
    mentor_of = store.latest_mentors(db) if mode == "mentoring" else {}
    people = []
    for p in participants:
        assert p.id is not None
        if mode == "mentoring" and p.id in has_mentor_here and p.role == "mentee":
            continue  # already has a mentor in this program
        keep = mentor_of.get(p.id) if p.keep_mentor else None
        people.append(
            Person(
                id=p.id,
                name=p.name,
                email=p.email,
                department=p.department,
                title=p.title,
                timezone=p.timezone,
                hire_date=p.hire_date,
                role=("mentor" if p.role == "both" and p.id in has_mentor_here else p.role),
                capacity=max(0, p.capacity - mentoring_load[p.id]),
                manager_email=p.manager_email,
                status=p.status,
                archived=p.archived,
                trained=p.id in trained,
                teaches=p.teaches,
                learns=p.learns,
                availability=p.availability,
                prefers=tuple(i for i in (ids_of.get(e) for e in p.prefers) if i is not None),
                keep_mentor=keep if keep in known else None,
                avoids=tuple(i for i in (ids_of.get(e) for e in p.avoids) if i is not None),
            )
        )
    kind = store.KINDS[mode]
    carried: list[LockedGroup] = list(locked)
    if mode in store.ROTATING:
        ids = {p.id for p in people}
        for pairing in active:
            if pairing.locked and pairing.kind == kind and pairing.program_id == program_id:
                if all(i in ids for i in pairing.member_ids):
                    carried.append(LockedGroup(tuple((m.participant_id, m.role) for m in pairing.members)))
    return Problem(
        mode=mode,
        people=tuple(people),
        weights=weights or stored_weights(db, program_id, mode),
        options=options or stored_options(db, program_id),
        exclusions=store.exclusions(db) | frozenset(tuple(sorted(p)) for p in rejected),  # type: ignore[misc]
        history=History(
            recent=store.recent_pairs(db, program_id, settings.buddy_no_repeat_rounds),
            met=store.met_counts(db),
            last_sat_out=store.last_sat_out(db, program_id),
        ),
        locked=tuple(carried),
        previous=frozenset(tuple(sorted(p)) for p in previous),  # type: ignore[misc]
        reference_monday=reference_monday(),
        no_repeat_rounds=settings.buddy_no_repeat_rounds,
        meeting_minutes=program_meeting_minutes(db, program_id),
    )


def flag_unschedulable(
    db: Database, proposal: Proposal, *, starts_on: dt.date | None = None, weeks: int = 4, duration_min: int = 60
) -> Proposal:
    """The proposal with each group that could not hold its first meeting in `weeks` weeks from
    the start date marked, and why (the scheduling assistant's search, over stated hours and
    booked sessions, one group after another)."""
    if not proposal.groups:
        return proposal
    problems = first_meeting_problems(
        db,
        [g.ids for g in proposal.groups],
        starts_on or clock.today(),
        duration_min,
        weeks=weeks,
        display_tz=load_settings(db).timezone,
    )
    groups = tuple(replace(g, cannot_meet=why) for g, why in zip(proposal.groups, problems, strict=True))
    return replace(proposal, groups=groups)


def round_of(proposal: Proposal, *, options: Options | None = None) -> store.NewRound:
    """What accepting a proposal records (store.record_round): its groups, score, options, who sat out."""
    groups = tuple(
        store.NewGroup(
            members=tuple((m.id, m.role) for m in g.members),
            score=g.score,
            breakdown=dict(g.breakdown),
            skill=g.skill,
            locked=g.locked,
        )
        for g in proposal.groups
    )
    params: dict[str, Any] = {"groups": len(groups), "unmatched": len(proposal.unmatched)}
    if options is not None:
        params.update(options_to_dict(options))
    sat_out = {u.id: u.reason for u in proposal.unmatched if u.sat_out}
    return store.NewRound(proposal.mode, groups, proposal.total_score, params, sat_out)
