"""Every command and option of the command line is in README's Command line section (as sqlite-utils does)."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from peerdesk.cli import build_parser

README = Path(__file__).resolve().parents[2] / "README.md"


def documented() -> dict[str, str]:
    """README's usage lines by subcommand ('' for the top level), continuation lines joined."""
    text = README.read_text(encoding="utf-8")
    section = text.split("## Command line", 1)[1].split("\n#", 1)[0]
    entries: dict[str, str] = {}
    current = None
    for line in section.splitlines():
        found = re.match(r"\s{4}peerdesk(?:\s+([a-z][\w-]*))?", line)
        if found:
            current = found.group(1) or ""
            entries[current] = entries.get(current, "") + " " + line
        elif current is not None and line.startswith("        ") and line.strip().startswith("["):
            entries[current] += " " + line
    return entries


def options(parser: argparse.ArgumentParser) -> list[str]:
    return [
        o
        for a in parser._actions
        if not isinstance(a, argparse._HelpAction)
        for o in a.option_strings
        if o.startswith("--")
    ]


def test_every_command_and_option_is_documented():
    parser = build_parser()
    usage = documented()
    missing = [f"peerdesk {o}" for o in options(parser) if o not in usage.get("", "")]
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    for name, sub in commands.choices.items():
        if name not in usage:
            missing.append(f"peerdesk {name}")
            continue
        missing += [f"peerdesk {name} {o}" for o in options(sub) if o not in usage[name]]
    assert missing == []


def test_the_check_reads_continuation_lines():
    assert "--accept" in documented()["match"]
