"""Architecture invariants (STYLE §1, §10) checked on the source, not left to a wiki page."""

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
