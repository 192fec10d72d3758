"""The `peerdesk` command line: parses arguments and calls the same functions the window calls.

Each subcommand's handler lives in peerdesk/commands/<name>.py as `run(args) -> int`.
Errors are one clear line on stderr; exit 0 success, 1 failed operation, 2 usage error.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sqlite3
import sys
from collections.abc import Sequence

from peerdesk import __version__
from peerdesk.commands import CommandFailed, UsageError, db_path
from peerdesk.paths import default_db_path

__all__ = ["CommandFailed", "UsageError", "build_parser", "db_path", "default_db_path", "main"]
EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{self.prog}: {message}")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="peerdesk", description="Run a workplace peer-learning program.")
    parser.add_argument("--version", action="version", version=f"PeerDesk {__version__}")
    parser.add_argument(
        "--db", metavar="PATH", help="program database file (default: $PEERDESK_DB or the user data folder)"
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        help="open the app on the demo program (as you left it; File > Start the demo over for a fresh copy)",
    )
    sub = parser.add_subparsers(dest="command", parser_class=_Parser, metavar="COMMAND")

    p = sub.add_parser("demo", help="write a demo database")
    p.add_argument("path", metavar="PATH")
    p.add_argument("--participants", type=int, default=60, metavar="N")
    p.add_argument("--seed", type=int, default=7, metavar="S")

    p = sub.add_parser("list", help="list participants, programs, pairings or sessions")
    p.add_argument("what", choices=["participants", "programs", "pairings", "sessions"])
    p.add_argument("--json", action="store_true", help="print a JSON array")

    p = sub.add_parser("import", help="import participants from CSV")
    p.add_argument("what", choices=["participants"])
    p.add_argument("file", metavar="FILE.csv")
    p.add_argument("--dry-run", action="store_true", help="show what would change; write nothing")
    p.add_argument("--good-rows", action="store_true", help="import the good rows even if some rows are bad")
    p.add_argument("--encoding", metavar="NAME", help="the file's text encoding, when the detected one is wrong")
    p.add_argument("--dates", choices=["dmy", "mdy"], help="numeric dates are day first (dmy) or month first (mdy)")
    p.add_argument("--mapping", metavar="MAP.json", help="read a form export's columns through this column mapping")
    p.add_argument(
        "--suggest-mapping", metavar="MAP.json", help="write a first column mapping of the file to edit, import nothing"
    )

    p = sub.add_parser("export", help="export participants to CSV")
    p.add_argument("what", choices=["participants"])
    p.add_argument("file", metavar="FILE.csv")
    p.add_argument(
        "--delimiter", choices=[",", ";", "tab"], default=",", help="';' for Excel where the decimal mark is a comma"
    )

    p = sub.add_parser("match", help="propose (and with --accept, record) a matching round")
    p.add_argument("--program", metavar="NAME")
    p.add_argument("--mode", required=True, choices=["mentoring", "buddies", "cross_functional", "circles"])
    p.add_argument("--group-size", type=int, default=4, metavar="N")
    p.add_argument(
        "--objective",
        choices=["best", "fairest", "stable"],
        help="best total (default), fairest (highest lowest pair score), or stable (no blocking pair)",
    )
    p.add_argument("--accept", action="store_true")
    p.add_argument("--json", action="store_true")
    p.add_argument("--seed", type=int, default=0, metavar="S")

    p = sub.add_parser("ics", help="export calendar invites (.ics)")
    p.add_argument("--out", required=True, metavar="DIR")
    p.add_argument("--session", type=int, metavar="ID")
    p.add_argument("--participant", metavar="EMAIL")
    p.add_argument("--program", metavar="NAME")
    p.add_argument("--eml", action="store_true", help="also write an e-mail draft per participant")

    p = sub.add_parser("drafts", help="write e-mail drafts (.eml) to send from your mail program")
    p.add_argument("--kind", required=True, choices=["feedback", "reminders", "welcome", "training"])
    p.add_argument("--out", required=True, metavar="DIR")
    p.add_argument("--program", metavar="NAME")

    p = sub.add_parser("certificates", help="print certificates for everyone eligible")
    p.add_argument("--out", required=True, metavar="PATH")
    p.add_argument("--program", metavar="NAME")
    p.add_argument("--participant", metavar="EMAIL")
    p.add_argument("--design", choices=["classic", "modern"], default="classic")

    p = sub.add_parser("report", help="write a progress report (PDF)")
    p.add_argument("what", choices=["program", "participant"])
    p.add_argument("name", metavar="NAME|EMAIL")
    p.add_argument("--out", required=True, metavar="FILE.pdf")
    p.add_argument("--from", dest="date_from", metavar="YYYY-MM-DD")
    p.add_argument("--to", dest="date_to", metavar="YYYY-MM-DD")

    sub.add_parser("check", help="integrity check of the database")

    p = sub.add_parser("backup", help="consistent copy of the database")
    p.add_argument("--out", required=True, metavar="FILE")
    return parser


def _run_command(args: argparse.Namespace) -> int:
    module = importlib.import_module(f"peerdesk.commands.{args.command.replace('-', '_')}")
    return int(module.run(args))


def main(argv: Sequence[str] | None = None) -> int:
    from peerdesk import logfile
    from peerdesk.store.errors import StoreError

    try:
        args = build_parser().parse_args(argv)
    except UsageError as exc:
        print(exc, file=sys.stderr)
        return EXIT_USAGE
    try:
        if args.command is None:
            from peerdesk.app import run_app

            return int(run_app(db_path(args) if (args.db or os.environ.get("PEERDESK_DB")) else None, demo=args.demo))
        logfile.setup()
        return _run_command(args)
    except UsageError as exc:
        print(f"peerdesk: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except (CommandFailed, StoreError, OSError, sqlite3.Error) as exc:
        known = _known(exc, args)
        if known is None:
            return _bug(args, exc)
        logfile.log.warning("%s failed: %s", args.command, _one_line(known))
        print(f"peerdesk: {_one_line(known)}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("peerdesk: interrupted", file=sys.stderr)
        return EXIT_FAILED
    except Exception as exc:
        return _bug(args, exc)


def _known(exc: BaseException, args: argparse.Namespace) -> BaseException | None:
    """The failure in words a coordinator understands; None when it is a bug."""
    if isinstance(exc, sqlite3.Error):
        from peerdesk.store.db import translate

        return translate(exc, db_path(args).name)
    if isinstance(exc, OSError) and exc.filename and not isinstance(exc, FileNotFoundError):
        from peerdesk.store.safefile import explain

        return explain(exc, exc.filename)
    return exc


def _bug(args: argparse.Namespace, exc: BaseException) -> int:
    """A bug: one line on stderr, the traceback in the log file."""
    from peerdesk import logfile

    logfile.log.error("%s: unexpected error", args.command, exc_info=exc)
    where = logfile.current()
    detail = f"; the details are in {where}" if where else ""
    print(f"peerdesk: unexpected error ({type(exc).__name__}: {_one_line(exc)}){detail}", file=sys.stderr)
    return EXIT_FAILED


def _one_line(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        where = f": {exc.filename}" if exc.filename else ""
        return f"{exc.strerror}{where}"
    return " ".join(str(exc).split()) or type(exc).__name__


if __name__ == "__main__":
    sys.exit(main())
