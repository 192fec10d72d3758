"""The house layout holds: Qt only in peerdesk/ui (and the app.py that starts it), dependencies point one way."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import peerdesk

ROOT = Path(peerdesk.__file__).parent
QT = ("PySide6", "shiboken6", "PyQt5", "PyQt6", "PySide2")
# DESIGN.md: "app.py starts Qt and the main window" - the one module outside ui/ that may.
QT_ALLOWED_OUTSIDE_UI = {"app.py"}
# What the store may use outside itself: it sits at the bottom of ui -> capabilities -> store.
STORE_MAY_IMPORT = ("peerdesk.store", "peerdesk.clock", "peerdesk.textfold", "peerdesk.safefile")


def imports(file: Path) -> Iterator[tuple[int, str]]:
    """(line, module) of every import in a file, including those inside functions."""
    tree = ast.parse(file.read_text(encoding="utf-8"), filename=str(file))
    package = ".".join(("peerdesk", *file.relative_to(ROOT).parent.parts))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            yield node.lineno, module
            for alias in node.names:  # `from peerdesk import ui`
                yield node.lineno, f"{module}.{alias.name}"


def modules(*, outside: str | None = None, under: str | None = None) -> list[Path]:
    files = sorted(ROOT.rglob("*.py"))
    if outside:
        files = [f for f in files if f.relative_to(ROOT).parts[0] != outside]
    if under:
        files = [f for f in files if f.relative_to(ROOT).parts[0] == under]
    return files


def test_nothing_outside_ui_imports_qt():
    offenders = [
        f"{file.relative_to(ROOT.parent)}:{line} imports {name}"
        for file in modules(outside="ui")
        if file.relative_to(ROOT).as_posix() not in QT_ALLOWED_OUTSIDE_UI
        for line, name in imports(file)
        if name.split(".")[0] in QT
    ]
    assert offenders == []


def test_only_the_entry_points_reach_the_ui():
    offenders = [
        f"{file.relative_to(ROOT.parent)}:{line} imports {name}"
        for file in modules(outside="ui")
        if file.name not in ("app.py", "cli.py")
        for line, name in imports(file)
        if name.startswith(("peerdesk.ui", "peerdesk.app"))
    ]
    assert offenders == []


def test_the_store_depends_on_nothing_above_it():
    offenders = [
        f"{file.relative_to(ROOT.parent)}:{line} imports {name}"
        for file in modules(under="store")
        for line, name in imports(file)
        if name.startswith("peerdesk.")
        and not name.startswith(STORE_MAY_IMPORT)
        and name not in ("peerdesk.clock", "peerdesk.textfold")
    ]
    assert offenders == []


def test_the_walk_sees_imports_inside_functions(tmp_path):
    probe = ROOT / "store" / "db.py"
    names = [n for _l, n in imports(probe)]
    assert "sqlite3" in names and "peerdesk.store.errors" in names
