"""The golden decisions and the Rego unit tests agree on the real OPA engine.

Production evaluates ``policies/`` with regorus. Here the same modules are loaded into OPA
itself (the ``opa-golib-python-bindings`` wheel, test-only, installed by ``make dev`` with
``--ignore-requires-python``) and every golden input must give the expected decision on OPA
*and* the very decision regorus gives. Every ``test_*`` rule must also be true on OPA (the
bindings have no ``opa test``, so each rule is evaluated as ``data.<package>.<rule>``, as
``hub policy test`` does on regorus).

Without the bindings the module skips locally and fails when ``CI`` is set.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from hub.policy.rego_tests import (
    EXPECTED_SUFFIX,
    INPUT_SUFFIX,
    TESTDATA_DIR,
    discover_tests,
    evaluate_decision,
    golden_cases,
    load_engine,
    rego_files,
)

try:
    import opa_bindings
except ImportError:  # pragma: no cover - depends on the environment
    opa_bindings = None

POLICY_DIR = Path(__file__).resolve().parents[2] / "policies"
TESTDATA = POLICY_DIR / TESTDATA_DIR
DECISION_DOCUMENT = "hub.authz.decision"  # data.hub.authz.decision
MIN_GOLDEN_CASES = 12
MIN_REGO_TESTS = 150
MISSING_BINDINGS = (
    "opa_bindings is not importable: install the test-only OPA engine with "
    '`.venv/bin/pip install --ignore-requires-python --no-deps "opa-golib-python-bindings==0.4.4"` '
    "(or `make dev`)"
)


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in {"", "0", "false", "no"}


def _rego_test_names() -> list[str]:
    """``<package>.<rule>`` of every test rule, discovered as ``hub policy test`` does."""
    engine, _ = load_engine(rego_files(POLICY_DIR), root=POLICY_DIR)
    return [f"{test.package}.{test.name}" for test in discover_tests(engine)]


GOLDEN_CASES = golden_cases(POLICY_DIR)
REGO_TESTS = _rego_test_names()


def _load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def _dump(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, indent=1)


def _new_opa_engine(files: list[Path]) -> Any:
    if opa_bindings is None:
        if _in_ci():
            pytest.fail(f"CI is set but {MISSING_BINDINGS}", pytrace=False)
        pytest.skip(MISSING_BINDINGS)
    engine = opa_bindings.OpaEngine()
    for path in files:
        engine.add_policy(str(path.relative_to(POLICY_DIR)), path.read_text(encoding="utf-8"))
    return engine


@pytest.fixture(scope="module")
def opa_policy() -> Iterator[Any]:
    """OPA with the policy modules only, as deployed (no ``*_test.rego``)."""
    engine = _new_opa_engine(rego_files(POLICY_DIR, include_tests=False))
    with engine:
        yield engine


@pytest.fixture(scope="module")
def opa_with_tests() -> Iterator[Any]:
    """OPA with every module, test files included, as ``opa test policies/`` loads them."""
    engine = _new_opa_engine(rego_files(POLICY_DIR))
    with engine:
        yield engine


@pytest.fixture(scope="module")
def regorus_policy() -> Any:
    engine, failures = load_engine(rego_files(POLICY_DIR, include_tests=False), root=POLICY_DIR)
    assert not failures, failures
    return engine


def test_suites_are_not_empty() -> None:
    assert len(GOLDEN_CASES) >= MIN_GOLDEN_CASES
    assert len(REGO_TESTS) >= MIN_REGO_TESTS


@pytest.mark.parametrize("name", GOLDEN_CASES)
def test_golden_decision_agrees_on_opa(name: str, opa_policy: Any, regorus_policy: Any) -> None:
    input_text = (TESTDATA / f"{name}{INPUT_SUFFIX}").read_text(encoding="utf-8")
    expected = _load(TESTDATA / f"{name}{EXPECTED_SUFFIX}")

    on_opa = opa_policy.eval_document(DECISION_DOCUMENT, json.loads(input_text))
    on_regorus = evaluate_decision(regorus_policy, input_text)

    assert on_opa == expected, f"{name}: OPA\n{_dump(on_opa)}\nexpected\n{_dump(expected)}"
    assert on_opa == on_regorus, f"{name}: OPA\n{_dump(on_opa)}\nregorus\n{_dump(on_regorus)}"


@pytest.mark.parametrize("rule", REGO_TESTS)
def test_rego_unit_test_passes_on_opa(rule: str, opa_with_tests: Any) -> None:
    # No input, as under `opa test`.
    try:
        value = opa_with_tests.eval_document(rule)
    except opa_bindings.OpaUndefinedError:
        pytest.fail(f"data.{rule} is undefined on OPA", pytrace=False)
    assert value is True, f"data.{rule} is {value!r}, not true"
