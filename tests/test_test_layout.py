"""The tests' own layout: shared builders live in tests/fixtures/, never in a test or conftest.

A module that imports from a test module runs that module's import-time code and ties two
files that look independent; a conftest is pytest's to load, not a library. Builders and
helpers used by more than one module belong in ``tests/fixtures/``.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent


def _is_test_or_conftest(module: str) -> bool:
    last = module.rsplit(".", 1)[-1]
    return module.startswith("tests.") and (last == "conftest" or last.startswith("test_"))


def _absolute(path: Path, module: str | None, level: int) -> str:
    """The dotted name an import refers to, relative imports resolved against ``path``."""
    if level == 0:
        return module or ""
    package = path.relative_to(TESTS.parent).with_suffix("").parts[:-level]
    return ".".join([*package, *([module] if module else [])])


def _imported_modules(source: str, path: Path) -> Iterator[str]:
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = _absolute(path, node.module, node.level)
            yield base
            # ``from tests.hub import test_x`` imports the module test_x itself.
            yield from (f"{base}.{alias.name}" for alias in node.names)


def test_no_module_imports_a_test_module_or_a_conftest() -> None:
    wrong = [
        f"{path.relative_to(TESTS.parent)} imports {module}"
        for path in sorted(TESTS.rglob("*.py"))
        for module in _imported_modules(path.read_text(encoding="utf-8"), path)
        if _is_test_or_conftest(module)
    ]
    assert wrong == []


@pytest.mark.parametrize(
    ("source", "wrong"),
    [
        ("from tests.hub.conftest import TokenFactory", True),
        ("from tests.hub import test_auth as auth", True),
        ("import tests.hub.ui.test_login", True),
        ("from .test_auth import forge", True),
        ("from . import conftest", True),
        ("from tests.fixtures.ledger import ledger_rows", False),
        ("from tests import fixtures", False),
        ("from hub.audit import test_vectors", False),
    ],
)
def test_the_check_sees_each_form_of_import(source: str, wrong: bool) -> None:
    probe = TESTS / "hub" / "probe.py"  # a module inside tests/, for the relative imports
    assert any(_is_test_or_conftest(m) for m in _imported_modules(source, probe)) is wrong


def test_the_tests_mirror_the_repository_s_folders() -> None:
    """tests/X/Y holds the tests of the folder X/Y (fixtures/ holds what they share)."""
    repository = TESTS.parent
    strays = [
        folder.relative_to(TESTS).as_posix()
        for folder in TESTS.rglob("*")
        if folder.is_dir()
        and folder.name != "__pycache__"
        and "fixtures" not in folder.relative_to(TESTS).parts
        and not (repository / folder.relative_to(TESTS)).is_dir()
    ]
    assert strays == []
