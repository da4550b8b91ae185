"""SQL of governance/ lives in repository modules (STYLE §1, §10), checked on the source.

A statement run outside a repository hides a query in logic that a reader of the
repository does not see; the rule is checked here so it cannot creep back in.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
# Methods that run a statement on a connection, session or result.
SQL_CALLS = frozenset({"execute", "scalar", "scalars", "exec_driver_sql"})
# Modules that may run statements although they are no repository (path -> reason). Empty:
# every statement of governance/ has a home in a repository module.
ALLOWED: dict[str, str] = {}


def _is_repository(path: Path) -> bool:
    return path.name == "repository.py" or path.name.endswith("_repository.py")


def _sql_calls(path: Path) -> Iterator[int]:
    """Line numbers of the statement-running calls in one module."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in SQL_CALLS
        ):
            yield node.lineno


def _offenders(package: str) -> list[str]:
    return [
        f"{path.relative_to(REPO)}:{line}"
        for path in sorted((REPO / package).rglob("*.py"))
        if not _is_repository(path) and str(path.relative_to(REPO)) not in ALLOWED
        for line in _sql_calls(path)
    ]


def test_sql_only_in_repositories_governance() -> None:
    assert _offenders("governance") == []


def test_the_check_finds_a_statement_outside_a_repository(tmp_path: Path) -> None:
    module = tmp_path / "loader.py"
    module.write_text("def load(connection):\n    return connection.execute(query).scalars()\n")
    assert list(_sql_calls(module)) == [2, 2]
    assert not _is_repository(module)
    assert _is_repository(tmp_path / "catalogue_repository.py")
