"""`peerdesk match [--program NAME] --mode M [--group-size N] [--objective O] [--accept] [--json]`.

Proposes a round (optimal for mentoring and pairs; circles by local search) from the
program's members, or from every active participant without --program; --accept records
it: the groups become active pairings starting today. --objective chooses what a mentoring
or pair round is best at: the total score, the lowest pair score, or stability.
"""

from __future__ import annotations

import argparse
from dataclasses import replace

from peerdesk.commands import CommandFailed, UsageError, db_path, open_existing, print_json
from peerdesk.matching import propose
from peerdesk.matching.load import flag_unschedulable, load_problem, round_of, stored_options
from peerdesk.matching.model import MAX_GROUP, MIN_GROUP, OBJECTIVE_MODES, Proposal
from peerdesk.matching.objectives import OBJECTIVE_LABELS
from peerdesk.store.pairings import record_round
from peerdesk.store.programs import find_program
from peerdesk.store.workspace import Workspace
from peerdesk.wording import plural


def run(args: argparse.Namespace) -> int:
    if args.mode == "circles" and not MIN_GROUP <= args.group_size <= MAX_GROUP:
        raise UsageError(f"--group-size must be {MIN_GROUP} to {MAX_GROUP}, not {args.group_size}")
    if args.objective not in (None, "best") and args.mode not in OBJECTIVE_MODES:
        raise UsageError(
            f"--objective {args.objective} is for mentoring, buddies and cross_functional, not {args.mode}"
        )
    db = open_existing(args, readonly=not args.accept)
    try:
        program_id = None
        if args.program:
            program = find_program(db, args.program)
            if program is None or program.id is None:
                raise CommandFailed(f"no program named '{args.program}'")
            program_id = program.id
        options = replace(stored_options(db, program_id), group_size=args.group_size, seed=args.seed)
        if args.objective is not None:
            options = replace(options, objective=args.objective)
        elif options.objective != "best" and args.mode not in OBJECTIVE_MODES:
            options = replace(options, objective="best")
        problem = load_problem(db, args.mode, program_id=program_id, options=options)
        if not problem.people:
            raise CommandFailed("nobody to match: the program has no active participants")
        proposal = flag_unschedulable(db, propose(problem), duration_min=problem.meeting_minutes)
        round_id = None
        if args.accept:
            round_id, _changes = Workspace(db, db_path(args)).run(
                "Accept matching round", record_round, round_of(proposal, options=options), program_id=program_id
            )
    finally:
        db.close()
    if args.json:
        out = proposal.to_json()
        if round_id is not None:
            out["round_id"] = round_id
        print_json(out)
    else:
        _print_text(proposal, round_id)
    return 0


def _print_text(proposal: Proposal, round_id: int | None) -> None:
    for k, g in enumerate(proposal.groups, 1):
        names = " + ".join(f"{m.name} <{m.email}> ({m.role})" for m in g.members)
        lock = " [locked]" if g.locked else ""
        print(f"{k:>4}. {g.score:.2f}  {names}{lock}")
        if g.facts:
            print(f"       {'; '.join(g.facts)}")
        if g.cannot_meet:
            print(f"       cannot meet: {g.cannot_meet}")
    if proposal.unmatched:
        print(f"\nUnmatched ({len(proposal.unmatched)}):")
        for u in proposal.unmatched:
            print(f"  {u.name} <{u.email}>: {u.reason}")
    bound = ""
    if proposal.upper_bound:
        bound = f" (at least {100 * proposal.total_score / proposal.upper_bound:.2f}% of the best possible)"
    elif proposal.optimal:
        bound = " (optimal)"
    print(f"\n{plural(len(proposal.groups), 'group')}, total score {proposal.total_score:.2f}{bound}")
    if proposal.blocking_pairs is not None:
        lowest = "none" if proposal.lowest_score is None else f"{proposal.lowest_score:.2f}"
        print(
            f"Objective: {OBJECTIVE_LABELS[proposal.objective]}; lowest score {lowest}; "
            f"{plural(proposal.blocking_pairs, 'blocking pair')}"
        )
    if proposal.choices.stated:
        print(f"Stated choices: {proposal.choices.summary()}")
    stuck = sum(1 for g in proposal.groups if g.cannot_meet)
    if stuck:
        print(f"{stuck} of them cannot hold a first meeting in the next 4 weeks (see 'cannot meet').")
    if round_id is not None:
        print(f"Accepted as round {round_id}: the pairings are active from today.")
