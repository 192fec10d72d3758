"""Words a coordinator reads (issue 16 point 9): real singular and plural, never "pair(s)", and no
codec names such as "UTF-8-SIG"."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import peerdesk
from peerdesk.wording import plural

ROOT = Path(peerdesk.__file__).parent


def _texts(file: Path):
    """(line, text) of every string literal and f-string piece in a module, docstrings left out."""
    tree = ast.parse(file.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            yield node.lineno, node.value


def test_no_message_says_thing_s():
    found = [
        f"{file.relative_to(ROOT)}:{line}: {text!r}"
        for file in sorted(ROOT.rglob("*.py"))
        for line, text in _texts(file)
        if "(s)" in text
    ]
    assert not found, "write the singular and the plural (peerdesk.wording.plural):\n" + "\n".join(found)


@pytest.mark.parametrize(
    "n,one,many,text",
    [(1, "pair", None, "1 pair"), (2, "pair", None, "2 pairs"), (0, "row", None, "0 rows"),
     (1, "person", "people", "1 person"), (1204, "person", "people", "1,204 people")],
)  # fmt: skip
def test_plural(n, one, many, text):
    assert plural(n, one, many) == text


def test_encodings_are_named_as_people_know_them():
    from peerdesk.importing import encoding_name

    assert encoding_name("utf-8-sig") == "UTF-8"
    assert encoding_name("utf-8") == "UTF-8"
    assert encoding_name("windows-1252") == "Windows-1252"
    assert encoding_name("utf-16") == "UTF-16"
