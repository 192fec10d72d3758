"""`peerdesk import participants FILE.csv [--dry-run] [--good-rows]`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from peerdesk.commands import CommandFailed, db_path, open_for_write
from peerdesk.importing import DATE_ORDERS, ImportPlan, apply_import, encoding_name, plan_import
from peerdesk.store.workspace import Workspace
from peerdesk.wording import plural


def _summary(plan: ImportPlan) -> str:
    how = [
        encoding_name(plan.encoding) + (f": {plan.encoding_note}" if plan.encoding_note else ""),
        f"'{plan.delimiter}' separated",
    ]
    if plan.date_order:
        guessed = ", assumed: every date reads both ways; --dates mdy to change" if plan.dates_ambiguous else ""
        how.append(f"dates {DATE_ORDERS[plan.date_order]}{guessed}")
    return (
        f"{len(plan.added)} to add, {len(plan.updated)} to update, {plan.unchanged} unchanged, "
        f"{plural(len(plan.errors), 'bad row')} ({'; '.join(how)})"
    )


def run(args: argparse.Namespace) -> int:
    source = Path(args.file)
    if not source.is_file():
        raise CommandFailed(f"no such file: {source}")
    path = db_path(args)
    if args.dry_run and not path.exists():
        from peerdesk.store import open_db

        db = open_db(":memory:")
    else:
        db = open_for_write(args)
    try:
        plan = plan_import(db, source, encoding=args.encoding, dates=args.dates)
        for err in plan.errors:
            print(f"line {err.line}: {err.reason}", file=sys.stderr)
        print(_summary(plan))
        if args.dry_run:
            return 0
        if plan.errors and not args.good_rows:
            raise CommandFailed(
                f"{plural(len(plan.errors), 'bad row')}; nothing was imported (fix them, or pass --good-rows to import the rest)"
            )
        written = 0
        if plan.changes:
            written, _changes = Workspace(db, path).run("import", apply_import, plan, good_rows=args.good_rows)
        print(f"imported {plural(written, 'participant')} into {path}")
        return 0
    finally:
        db.close()
