"""The layering rule: domain modules import no web framework, no ORM, no store and no web
code, at the top or inside a function. An AST scan, so the rule cannot quietly break.

Domain = every module of the `earned` package outside the edges that talk to the world
(web, store, reports, the CLI, `python -m earned`, and the key agent, a process of its own
that checks the journal's pages before handing out its key).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import earned

PACKAGE = Path(earned.__file__).parent
EDGES = ("web", "store", "reports", "cli", "cli.py", "__main__.py", "agent.py")
FORBIDDEN = (
    "sqlalchemy",
    "alembic",
    "fastapi",
    "starlette",
    "jinja2",
    "uvicorn",
    "psycopg",
    "sqlcipher3",
    "earned.web",
    "earned.store",
    "earned.reports",
    "earned.cli",
)


def domain_modules() -> list[Path]:
    return sorted(
        path for path in PACKAGE.rglob("*.py") if path.relative_to(PACKAGE).parts[0] not in EDGES
    )


def imported_names(source: str) -> set[str]:
    """Every module an `import` or `from … import` names, wherever it sits in the file."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            # `from earned import store` names the module earned.store.
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def violations(source: str) -> list[str]:
    return sorted(
        name
        for name in imported_names(source)
        if any(name == bad or name.startswith(bad + ".") for bad in FORBIDDEN)
    )


def test_the_scan_sees_every_kind_of_import() -> None:
    source = (
        "import sqlalchemy.orm\n"
        "from earned import store\n"
        "def later():\n"
        "    from fastapi import Request\n"
        "    import earned.web.render\n"
        "from earned import episodes\n"
    )
    assert violations(source) == [
        "earned.store",
        "earned.web.render",
        "fastapi",
        "fastapi.Request",
        "sqlalchemy.orm",
    ]


def test_there_are_domain_modules_to_check() -> None:
    names = {p.relative_to(PACKAGE).as_posix() for p in domain_modules()}
    assert {"episodes.py", "urges.py", "regulation.py", "toolkit.py", "text.py"} <= names
    assert {"instruments/scoring.py", "assessment.py", "safety.py"} <= names
    assert not any(n.startswith(("web/", "store/", "reports/")) for n in names)


@pytest.mark.parametrize("path", domain_modules(), ids=lambda p: p.relative_to(PACKAGE).as_posix())
def test_no_domain_module_imports_web_orm_or_store(path: Path) -> None:
    assert violations(path.read_text(encoding="utf-8")) == []
