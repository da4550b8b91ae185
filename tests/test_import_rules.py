"""Architecture invariants checked on the source, not left to a wiki page."""

from __future__ import annotations

import ast
import tomllib
from collections.abc import Iterator
from pathlib import Path

from tests.fixtures.paths import REPO

# package -> packages it must not import
FORBIDDEN = {"adapters": ("hub", "governance"), "governance": ("hub",)}


def _python_files(package: str) -> Iterator[Path]:
    yield from (REPO / package).rglob("*.py")


def _imported_modules(path: Path) -> Iterator[str]:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module


def test_import_direction() -> None:
    violations = [
        f"{path.relative_to(REPO)} imports {module}"
        for package, forbidden in FORBIDDEN.items()
        for path in _python_files(package)
        for module in _imported_modules(path)
        if module.split(".")[0] in forbidden
    ]
    assert violations == []


def test_hub_never_imports_a_concrete_adapter() -> None:
    # The adapter kit (contract, errors, registry, shared lookup rules), not a register.
    shared = {
        "adapters",
        "adapters.base",
        "adapters.errors",
        "adapters.registry",
        "adapters.lookup",
        "adapters.text",  # which characters caller text may hold (hub readers and imports)
    }
    kits = ("adapters.sql", "adapters.xmeld")  # shared SQL mirror and XÖV kits
    violations = [
        f"{path.relative_to(REPO)} imports {module}"
        for path in _python_files("hub")
        for module in _imported_modules(path)
        if module.startswith("adapters") and module not in shared and not module.startswith(kits)
    ]
    assert violations == []


def test_the_ledger_never_imports_its_integrity() -> None:
    """``hub.audit.integrity`` (verify, checkpoints, purge) builds on the ledger, never reverse."""
    violations = [
        f"{path.relative_to(REPO)} imports {module}"
        for path in _python_files("hub/audit/ledger")
        for module in _imported_modules(path)
        if module == "hub.audit.integrity" or module.startswith("hub.audit.integrity.")
    ]
    assert violations == []


def test_commit_only_in_services() -> None:
    """Transactions belong to service modules: ``service.py`` or ``<area>_service.py``."""
    offenders = []
    for package in ("hub", "governance"):
        for path in _python_files(package):
            if path.name == "service.py" or path.name.endswith("_service.py"):
                continue
            if ".commit()" in path.read_text(encoding="utf-8"):
                offenders.append(str(path.relative_to(REPO)))
    assert offenders == []


def test_every_adapter_package_has_an_entry_point() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    entry_points = project["project"]["entry-points"]["hub.adapters"]
    packages = {path.parent.name for path in (REPO / "adapters").glob("*/adapter.py")}
    assert packages == set(entry_points)
    for name, target in entry_points.items():
        assert target.startswith(f"adapters.{name}:")


# Packages whose SQL lives in repository modules (``repository.py``, ``<area>_repository.py``).
SQL_PACKAGES = ("hub", "governance")
# Calls that send SQL: SQLAlchemy's sessions, connections and results, and the DB-API drivers
# the ledger and the query path use directly for speed.
SQL_METHODS = frozenset(
    {
        "execute",
        "executemany",
        "exec_driver_sql",
        "execute_fetchall",
        "scalar",
        "scalars",
        "stream_scalars",
    }
)
# Where a statement outside a repository is right: "path" -> why. Keep it short.
SQL_OUTSIDE_REPOSITORIES: dict[str, str] = {}


def _is_repository(path: Path) -> bool:
    return path.name == "repository.py" or path.name.endswith("_repository.py")


def _imported_names(tree: ast.AST) -> set[str]:
    """Names the module binds by importing: ``service.execute(...)`` calls a module's function."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.asname or alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            names |= {alias.asname or alias.name for alias in node.names}
    return names


def _sql_calls(path: Path) -> Iterator[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    imported = _imported_names(tree)
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        if node.func.attr not in SQL_METHODS:
            continue
        receiver = node.func.value
        if isinstance(receiver, ast.Name) and receiver.id in imported:
            continue
        # A use case handed the session (``QueryService.execute(session, ...)``): SQL runs on
        # a session, it never takes one as an argument.
        if any(isinstance(arg, ast.Name) and arg.id == "session" for arg in node.args):
            continue
        yield f"{path.relative_to(REPO)}:{node.lineno} .{node.func.attr}()"


def test_sql_only_in_repositories() -> None:
    """Statements are sent from repository modules only; services and routes call those."""
    violations = [
        call
        for package in SQL_PACKAGES
        for path in _python_files(package)
        if not _is_repository(path) and str(path.relative_to(REPO)) not in SQL_OUTSIDE_REPOSITORIES
        for call in _sql_calls(path)
    ]
    assert violations == []
