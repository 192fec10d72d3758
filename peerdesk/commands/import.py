"""`peerdesk import participants FILE.csv [--dry-run] [--good-rows] [--mapping MAP.json] [--suggest-mapping MAP.json]`.

A form export (headers that are questions) is read through a column mapping: given with
--mapping, or the one remembered for files with the same headers when an import with it was
accepted; --suggest-mapping writes a first one to edit.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from peerdesk.commands import CommandFailed, db_path, open_for_write
from peerdesk.importing import (
    DATE_ORDERS,
    ImportPlan,
    NeedsMapping,
    apply_import,
    encoding_name,
    plan_import,
    suggested_mapping,
)
from peerdesk.intake import ColumnMapping
from peerdesk.store.errors import ValidationError
from peerdesk.store.safefile import write_text
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
        if args.suggest_mapping:
            mapping = suggested_mapping(source, encoding=args.encoding)
            write_text(Path(args.suggest_mapping), mapping.dumps())
            mapped = sum(1 for c in mapping.columns if c.field)
            print(
                f"wrote a column mapping of {mapped} of {len(mapping.columns)} columns to {args.suggest_mapping}; check it, then --mapping"
            )
            return 0
        try:
            plan = plan_import(
                db, source, encoding=args.encoding, dates=args.dates, mapping=_read_mapping(args.mapping)
            )
        except NeedsMapping as exc:
            raise CommandFailed(
                f"{exc} (--suggest-mapping MAP.json writes one to edit; then --mapping MAP.json)"
            ) from None
        for err in plan.errors:
            print(f"line {err.line}: {err.reason}", file=sys.stderr)
        for note in plan.notes:
            print(f"line {note.line}: note: {note.reason}", file=sys.stderr)
        if plan.mapping_source == "remembered":
            print("columns read through the mapping remembered for files with these headers")
        if plan.ignored and plan.mapping is None:
            shown = ", ".join(f"'{h[:40]}'" for h in plan.ignored[:6]) + (" ..." if len(plan.ignored) > 6 else "")
            print(f"columns not read: {shown} (to read them, --suggest-mapping MAP.json, edit it, then --mapping)")
        for warning in plan.name_warnings:
            print(f"peerdesk: warning: {warning}", file=sys.stderr)
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


def _read_mapping(name: str | None) -> ColumnMapping | None:
    if not name:
        return None
    try:
        data = json.loads(Path(name).read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise CommandFailed(f"no such mapping file: {name}") from None
    except (OSError, ValueError) as exc:
        raise CommandFailed(f"{name} is not a readable JSON column mapping ({exc})") from None
    try:
        return ColumnMapping.from_json(data)
    except ValidationError as exc:
        raise CommandFailed(f"{name}: {exc}") from None
