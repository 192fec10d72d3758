"""Files shipped with PeerDesk (resources/ in the repository, the package peerdesk.resources
once installed), read through importlib.resources so that a checkout, an installed wheel and
a bundle find them the same way."""

from __future__ import annotations

import atexit
import contextlib
from importlib.resources import as_file, files
from importlib.resources.abc import Traversable
from pathlib import Path

PACKAGE = "peerdesk.resources"
_extracted = contextlib.ExitStack()
atexit.register(_extracted.close)


def resource(*parts: str) -> Traversable:
    """A shipped file or folder, e.g. resource("fonts", "DejaVuSans.ttf")."""
    node = files(PACKAGE)
    for part in parts:
        node = node / part
    return node


def read_text(*parts: str) -> str:
    return resource(*parts).read_text(encoding="utf-8")


def read_bytes(*parts: str) -> bytes:
    return resource(*parts).read_bytes()


def path(*parts: str) -> Path | None:
    """A shipped file as a path on disk (for libraries that open files by name); None when absent.

    Installed packages and bundles keep their files on disk; from a zipped install the file is
    extracted once and kept until PeerDesk exits."""
    node = resource(*parts)
    if not node.is_file():
        return None
    if isinstance(node, Path):
        return node
    return _extracted.enter_context(as_file(node))


def names(*parts: str) -> list[str]:
    """The file names in a shipped folder, sorted."""
    return sorted(child.name for child in resource(*parts).iterdir() if child.is_file())
