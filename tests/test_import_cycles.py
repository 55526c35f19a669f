"""How earned's modules depend on each other, read from their import statements (AST):
no import cycles, and render() in the web layer only formats.

Deferred imports (inside a function, as the CLI's fast path and render() once did) count
as much as those at the top of a module: a cycle through them still means neither module
can be understood or changed alone, and it becomes an import-time failure as soon as
someone hoists the import. Imports under `if TYPE_CHECKING:` never run and are left out.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def modules(root: Path, package: str = "earned") -> dict[str, Path]:
    """Every module of `package` under `root`, by dotted name (a package by its __init__)."""
    found = {}
    for path in sorted((root / package).rglob("*.py")):
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path
    return found


def _type_checking_only(node: ast.stmt) -> bool:
    if not isinstance(node, ast.If):
        return False
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _owner(name: str, known: dict[str, Path]) -> str | None:
    """The module of ours that `name` (a module, or a name inside one) belongs to."""
    while name and name not in known:
        name = name.rpartition(".")[0]
    return name or None


def imports_of(name: str, known: dict[str, Path]) -> set[str]:
    """The modules of ours that module `name` imports, at its top level or deferred."""
    path = known[name]
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.Import):
            found.update(m for a in node.names if (m := _owner(a.name, known)))
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # from . import x, from ..store import y
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            for alias in node.names:
                # `from earned.web import deps` imports the module earned.web.deps.
                target = f"{base}.{alias.name}"
                owner = target if target in known else _owner(base, known)
                if owner:
                    found.add(owner)
        for child in ast.iter_child_nodes(node):
            if not (isinstance(child, ast.stmt) and _type_checking_only(child)):
                visit(child)

    visit(ast.parse(path.read_text(encoding="utf-8"), filename=str(path)))
    found.discard(name)
    return found


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Groups of modules that import each other, directly or round a loop (Tarjan's SCCs)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def connect(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                connect(w)
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
                groups.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            connect(v)
    return sorted(groups)


def import_graph(root: Path, package: str = "earned") -> dict[str, set[str]]:
    known = modules(root, package)
    return {name: imports_of(name, known) for name in known}


# --- earned itself -----------------------------------------------------------------------------


def test_no_import_cycles_among_earned_modules() -> None:
    graph = import_graph(ROOT)
    assert len(graph) > 50  # the scan found the package
    assert cycles(graph) == []


def test_render_only_formats() -> None:
    # render() gets what it shows from the page context (earned.web.page); reading the
    # database, the vault or the routes from here is what the page context replaced.
    uses = import_graph(ROOT)["earned.web.render"]
    assert not {m for m in uses if m.startswith(("earned.store", "earned.web.routes"))}
    assert "earned.web.security" not in uses


# --- the scan finds what it should --------------------------------------------------------------


def _package(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def test_a_deferred_import_cycle_is_found(tmp_path: Path) -> None:
    # The shape render.py and routes/safety.py had: one import at the top, one in a function.
    root = _package(
        tmp_path,
        {
            "earned/__init__.py": "",
            "earned/web/__init__.py": "",
            "earned/web/routes/__init__.py": "",
            "earned/web/render.py": (
                "def care():\n    from earned.web.routes.safety import region_of\n"
            ),
            "earned/web/routes/safety.py": "from earned.web.render import render\n",
            "earned/web/routes/other.py": "from ..render import render\n",
        },
    )
    assert cycles(import_graph(root)) == [["earned.web.render", "earned.web.routes.safety"]]


@pytest.mark.parametrize(
    ("statement", "cyclic"),
    [
        ("from earned import a", True),
        ("import earned.a", True),
        ("from earned.a import thing", True),
        ("from . import a", True),
        ("if TYPE_CHECKING:\n    from earned import a", False),
        ("import typing\nif typing.TYPE_CHECKING:\n    from earned import a", False),
        ("from earned import c", False),
    ],
)
def test_each_kind_of_import_statement(tmp_path: Path, statement: str, cyclic: bool) -> None:
    root = _package(
        tmp_path,
        {
            "earned/__init__.py": "",
            "earned/a.py": "from earned import b\n",
            "earned/b.py": statement + "\n",
            "earned/c.py": "",
        },
    )
    assert cycles(import_graph(root)) == ([["earned.a", "earned.b"]] if cyclic else [])
