"""`peerdesk list participants|programs|pairings|sessions [--json]`.

Each kind is listed by peerdesk/commands/list_<kind>.py, whose rows(db) returns
JSON-ready dicts and COLUMNS names the ones shown in the text table.
"""

from __future__ import annotations

import argparse
import importlib

from peerdesk.commands import open_existing, print_json, print_table


def run(args: argparse.Namespace) -> int:
    module = importlib.import_module(f"peerdesk.commands.list_{args.what}")
    db = open_existing(args, readonly=True)
    try:
        rows = module.rows(db)
    finally:
        db.close()
    if args.json:
        print_json(rows)
    else:
        print_table(rows, module.COLUMNS)
    return 0
