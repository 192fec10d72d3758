"""The house layout holds: Qt only in peerdesk/ui (and the app.py that starts it), dependencies point one way."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

import peerdesk

ROOT = Path(peerdesk.__file__).parent
QT = ("PySide6", "shiboken6", "PyQt5", "PyQt6", "PySide2")
# DESIGN.md: "app.py starts Qt and the main window" - the one module outside ui/ that may.
QT_ALLOWED_OUTSIDE_UI = {"app.py"}
# What the store may use outside itself: it sits at the bottom of ui -> capabilities -> store.
STORE_MAY_IMPORT = ("peerdesk.store", "peerdesk.clock", "peerdesk.textfold")
# SQL as written in this code base: a statement's first words, upper case (UI text says "Select a person").
SQL = re.compile(
    r"\b(SELECT\s|INSERT\s+INTO|UPDATE\s+\S+\s+SET|DELETE\s+FROM|PRAGMA\s|CREATE\s+(TEMP\s+)?(TABLE|TRIGGER|INDEX|VIEW)"
    r"|DROP\s+(TABLE|TRIGGER|INDEX|VIEW)|ALTER\s+TABLE|WITH\s+\w+\s+AS\s*\()"
)
RAW_CALLS = ("execute", "executemany", "executescript", "query")


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


def module_name(file: Path) -> str:
    parts = file.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def dynamic_imports(file: Path) -> Iterator[tuple[int, str]]:
    """importlib.import_module("peerdesk.x") and import_module(f"peerdesk.x.{name}"): the prefix is imported."""
    tree = ast.parse(file.read_text(encoding="utf-8"), filename=str(file))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) == "import_module":
            arg = node.args[0] if node.args else None
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                yield node.lineno, arg.value
            elif isinstance(arg, ast.JoinedStr) and arg.values and isinstance(arg.values[0], ast.Constant):
                yield node.lineno, str(arg.values[0].value).rstrip(".") + ".*"


def import_graph() -> dict[str, set[str]]:
    """Which peerdesk modules each peerdesk module imports (at top level, in functions, or through importlib)."""
    files = {module_name(f): f for f in modules()}
    graph: dict[str, set[str]] = {name: set() for name in files}
    for name, file in files.items():
        found = [t for _l, t in imports(file)]
        # `from peerdesk.metrics import catalogue` imports the submodule, not the package's re-exports
        package_only = {t.rpartition(".")[0] for t in found if t in files and t.rpartition(".")[0] in files}
        for target in [*found, *(t for _l, t in dynamic_imports(file))]:
            if target.endswith(".*"):
                prefix = target[:-1]
                graph[name].update(m for m in files if m.startswith(prefix))
            elif target in files and target != name and not (target in package_only and name.startswith(target)):
                graph[name].add(target)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_no_import_cycles():
    assert cycles(import_graph()) == []


def test_no_import_cycles_between_the_parts_of_peerdesk():
    """Between peerdesk's top-level packages and modules too (store <-> safefile was one)."""

    def part(module: str) -> str:
        return ".".join(module.split(".")[:2])

    parts: dict[str, set[str]] = {}
    for module, targets in import_graph().items():
        parts.setdefault(part(module), set()).update(part(t) for t in targets if part(t) != part(module))
    assert cycles(parts) == []


def test_the_cycle_check_sees_a_cycle_through_importlib():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]
    cli = ROOT / "cli.py"
    assert any(target == "peerdesk.commands.*" for _l, target in dynamic_imports(cli))


def sql_in(file: Path) -> Iterator[tuple[int, str]]:
    """(line, text) of every SQL string and raw database call in a file."""
    tree = ast.parse(file.read_text(encoding="utf-8"), filename=str(file))
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and SQL.search(node.value):
            yield node.lineno, node.value[:60]
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in RAW_CALLS:
            yield node.lineno, f".{node.func.attr}(...)"


def test_no_sql_in_the_ui():
    offenders = [
        f"{file.relative_to(ROOT.parent)}:{line} {text!r}"
        for file in modules(under="ui")
        for line, text in sql_in(file)
    ]
    assert offenders == []


WRITES = re.compile(r"\b(INSERT\s+(OR\s+\w+\s+)?INTO|UPDATE\s+\S+\s+SET|DELETE\s+FROM|REPLACE\s+INTO)\b")
# The demo builder fills a new, empty file with 105,000 sessions in bulk statements, not through undo.
WRITES_ALLOWED_OUTSIDE_STORE = {"demo.py"}


def test_only_the_store_writes_tables():
    offenders = [
        f"{file.relative_to(ROOT.parent)}:{node.lineno} {node.value[:50]!r}"
        for file in modules(outside="store")
        if file.relative_to(ROOT).as_posix() not in WRITES_ALLOWED_OUTSIDE_STORE
        for node in ast.walk(ast.parse(file.read_text(encoding="utf-8")))
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and WRITES.search(node.value)
    ]
    assert offenders == []


def test_the_sql_check_sees_sql(tmp_path):
    probe = tmp_path / "probe.py"
    probe.write_text(
        'def f(db, ids):\n    db.execute(f"SELECT id FROM participants WHERE id IN ({ids})")\n'
        'TEXT = "Select a person to see their sessions."\n',
        encoding="utf-8",
    )
    found = list(sql_in(probe))
    assert (2, ".execute(...)") in found and any("SELECT id" in text for _line, text in found)
    assert not any("Select a person" in text for _line, text in found)


def test_the_walk_sees_imports_inside_functions(tmp_path):
    probe = ROOT / "store" / "db.py"
    names = [n for _l, n in imports(probe)]
    assert "sqlite3" in names and "peerdesk.store.errors" in names
