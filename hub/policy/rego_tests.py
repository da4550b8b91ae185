"""Run the Rego unit tests and the golden decision set on the embedded engine (regorus).

`run_policy_tests` loads every ``.rego`` file under a directory into one regorus
``Engine``, discovers every rule whose name starts with ``test_`` in every
package from the engine's AST (so tests written with ``if`` bodies, ``:=``,
``contains`` or ref heads are all found) and evaluates each one as
``data.<package>.<rule>``. A test passes only if its value is ``true``;
``false``, undefined, any other value or an engine error fails it. This is
stricter than ``opa test`` for set-valued test rules, which are always a
mistake here.

`evaluate_golden` evaluates ``data.hub.authz.decision`` for every
``testdata/<name>.input.json`` and compares it with ``<name>.expected.json``.

Both check the inputs they feed against the policy input model
(``hub.policy.input.PolicyInput``, whose JSON schema is ``policies/input.schema.json``):
every golden input, and every Rego fixture rule named ``*_input`` that is a value (the
base inputs the Rego tests patch). An input that does not fit is a failure, so the tests
cannot drift from what the hub really sends. The golden cases in ``OFF_SCHEMA_CASES`` are
the exception: inputs the hub never sends, kept to show that the policy fails closed on
them; they must *not* fit, or they test nothing the others do not.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import regorus

from hub.policy.input import input_problems

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence
    from pathlib import Path

DECISION_RULE = "data.hub.authz.decision"
TEST_PREFIX = "test_"
TESTDATA_DIR = "testdata"
INPUT_SUFFIX = ".input.json"
EXPECTED_SUFFIX = ".expected.json"
_LOAD_TEST_NAME = "<load>"
FIXTURE_SUFFIX = "_input"
# Golden inputs malformed on purpose (the policy must deny them); see the module docstring.
OFF_SCHEMA_CASES = frozenset(
    {"empty_input_denied", "fields_malformed_denied", "missing_case_reference_denied"}
)


@dataclass(frozen=True, slots=True, kw_only=True)
class PolicyTestResult:
    package: str
    name: str
    passed: bool
    error: str | None = None

    @property
    def qualified_name(self) -> str:
        return f"data.{self.package}.{self.name}"


@dataclass(frozen=True, slots=True)
class PolicyTestReport:
    results: list[PolicyTestResult] = field(default_factory=list)

    @property
    def passed(self) -> list[PolicyTestResult]:
        return [result for result in self.results if result.passed]

    @property
    def failed(self) -> list[PolicyTestResult]:
        return [result for result in self.results if not result.passed]

    @property
    def ok(self) -> bool:
        return bool(self.results) and not self.failed

    def summary(self) -> str:
        lines = [f"{result.qualified_name}: {result.error or 'failed'}" for result in self.failed]
        lines.append(f"{len(self.passed)} passed, {len(self.failed)} failed")
        return "\n".join(lines)


@dataclass(frozen=True, slots=True, kw_only=True)
class GoldenMismatch:
    name: str
    expected: Any = None
    actual: Any = None
    error: str | None = None

    def describe(self) -> str:
        if self.error is not None:
            return f"{self.name}: {self.error}"
        return (
            f"{self.name}: expected {json.dumps(self.expected, ensure_ascii=False, sort_keys=True)}"
            f" got {json.dumps(self.actual, ensure_ascii=False, sort_keys=True)}"
        )


@dataclass(frozen=True, slots=True)
class _DiscoveredTest:
    package: str
    name: str
    definitions: int


def engine_error(exc: BaseException) -> str:
    """Return the readable part of a regorus error (without the Rust backtrace)."""
    text = str(exc).split("Stack backtrace:", 1)[0].strip()
    return (
        " ".join(line.strip() for line in text.splitlines() if line.strip()) or type(exc).__name__
    )


def rego_files(policy_dir: Path, *, include_tests: bool = True) -> list[Path]:
    files = sorted(path for path in policy_dir.rglob("*.rego") if path.is_file())
    if include_tests:
        return files
    return [path for path in files if not path.name.endswith("_test.rego")]


def load_engine(files: Iterable[Path], *, root: Path) -> tuple[Any, list[PolicyTestResult]]:
    """Load policy files into a new engine; a file that does not load is a failed result."""
    engine = regorus.Engine()
    failures: list[PolicyTestResult] = []
    for path in files:
        try:
            engine.add_policy(str(path.relative_to(root)), path.read_text(encoding="utf-8"))
        except Exception as exc:  # noqa: BLE001 - regorus raises plain RuntimeError
            failures.append(
                PolicyTestResult(
                    package=str(path.relative_to(root)),
                    name=_LOAD_TEST_NAME,
                    passed=False,
                    error=engine_error(exc),
                )
            )
    return engine, failures


def _ref_path(node: Any) -> list[str] | None:
    """Turn a regorus AST reference (Var / RefDot / RefBrack) into path segments.

    Returns None when a segment is not a literal (e.g. ``p[x]``): such a rule
    cannot be a test.
    """
    if not isinstance(node, dict) or len(node) != 1:
        return None
    ((kind, body),) = node.items()
    handler = _REF_HANDLERS.get(kind)
    if handler is None or not isinstance(body, dict):
        return None
    return handler(body)


def _var_path(body: dict[str, Any]) -> list[str] | None:
    value = body.get("value")
    return [value] if isinstance(value, str) else None


def _dot_path(body: dict[str, Any]) -> list[str] | None:
    base = _ref_path(body.get("refr"))
    field_node = body.get("field")  # [span, name]
    segment = field_node[-1] if isinstance(field_node, list) and field_node else None
    return [*base, segment] if base is not None and isinstance(segment, str) else None


def _brack_path(body: dict[str, Any]) -> list[str] | None:
    base = _ref_path(body.get("refr"))
    index = body.get("index")
    literal = index.get("String") or index.get("RawString") if isinstance(index, dict) else None
    segment = literal.get("value") if isinstance(literal, dict) else None
    return [*base, segment] if base is not None and isinstance(segment, str) else None


_REF_HANDLERS: dict[str, Callable[[dict[str, Any]], list[str] | None]] = {
    "Var": _var_path,
    "RefDot": _dot_path,
    "RefBrack": _brack_path,
}


def _value_rule_path(rule: Any) -> list[str] | None:
    """The path of a rule that is a value (not a function, not a default), else None."""
    if not isinstance(rule, dict) or "Spec" not in rule:
        return None  # default rules and anything else are not test definitions
    head = rule["Spec"].get("head")
    if not isinstance(head, dict) or len(head) != 1:
        return None
    ((kind, body),) = head.items()
    if kind == "Func" or not isinstance(body, dict):
        return None  # a function with arguments is not a test
    return _ref_path(body.get("refr")) or None


def _value_rules(engine: Any) -> Counter[tuple[str, str]]:
    """Every value rule of every loaded module as (package, path), with its definitions."""
    modules = json.loads(engine.get_ast_as_json())
    counts: Counter[tuple[str, str]] = Counter()
    for module in modules:
        ast = module.get("ast", {}) if isinstance(module, dict) else {}
        package_path = _ref_path(ast.get("package", {}).get("refr"))
        if not package_path:
            continue
        package = ".".join(package_path)
        for rule in ast.get("rules", []):
            path = _value_rule_path(rule)
            if path is not None:
                counts[(package, ".".join(path))] += 1
    return counts


def discover_tests(engine: Any) -> list[_DiscoveredTest]:
    """Find every test rule in every loaded module, counting its definitions."""
    return [
        _DiscoveredTest(package=package, name=name, definitions=definitions)
        for (package, name), definitions in sorted(_value_rules(engine).items())
        if name.rsplit(".", 1)[-1].startswith(TEST_PREFIX)
    ]


def _check_fixture(engine: Any, package: str, name: str) -> PolicyTestResult:
    """A Rego fixture input (``*_input``) must be a policy input the hub could send."""
    try:
        value = json.loads(engine.eval_rule_as_json(f"data.{package}.{name}"))
    except Exception as exc:  # noqa: BLE001 - regorus raises plain RuntimeError
        return PolicyTestResult(package=package, name=name, passed=False, error=engine_error(exc))
    problems = input_problems(value)
    error = "does not fit the policy input schema: " + "; ".join(problems) if problems else None
    return PolicyTestResult(package=package, name=name, passed=not problems, error=error)


def check_fixture_inputs(engine: Any) -> list[PolicyTestResult]:
    """Check every value rule named ``*_input`` (not a test) against the policy input model."""
    return [
        _check_fixture(engine, package, name)
        for package, name in sorted(_value_rules(engine))
        if name.endswith(FIXTURE_SUFFIX) and not name.rsplit(".", 1)[-1].startswith(TEST_PREFIX)
    ]


def _run_one(engine: Any, test: _DiscoveredTest) -> PolicyTestResult:
    if test.definitions > 1:
        return PolicyTestResult(
            package=test.package,
            name=test.name,
            passed=False,
            error=(
                f"defined {test.definitions} times; Rego ORs the definitions, "
                "so one can hide another's failure: rename"
            ),
        )
    try:
        value = engine.eval_rule(f"data.{test.package}.{test.name}")
    except Exception as exc:  # noqa: BLE001 - regorus raises plain RuntimeError
        return PolicyTestResult(
            package=test.package, name=test.name, passed=False, error=engine_error(exc)
        )
    if value is True:
        return PolicyTestResult(package=test.package, name=test.name, passed=True)
    error = "undefined" if value is None else f"value is {value!r}, not true"
    return PolicyTestResult(package=test.package, name=test.name, passed=False, error=error)


def run_policy_tests(policy_dir: Path) -> PolicyTestReport:
    """Run every ``test_*`` rule of every package under ``policy_dir``."""
    engine, results = load_engine(rego_files(policy_dir), root=policy_dir)
    engine.set_input_json("{}")
    try:
        tests = discover_tests(engine)
    except Exception as exc:  # noqa: BLE001 - regorus raises plain RuntimeError
        results.append(
            PolicyTestResult(
                package="<ast>", name=_LOAD_TEST_NAME, passed=False, error=engine_error(exc)
            )
        )
        return PolicyTestReport(results)
    results.extend(_run_one(engine, test) for test in tests)
    results.extend(check_fixture_inputs(engine))
    return PolicyTestReport(results)


def golden_cases(policy_dir: Path) -> list[str]:
    """Names of the golden cases (``testdata/<name>.input.json``), sorted."""
    testdata = policy_dir / TESTDATA_DIR
    return sorted(
        path.name.removesuffix(INPUT_SUFFIX) for path in testdata.glob(f"*{INPUT_SUFFIX}")
    )


def evaluate_decision(engine: Any, input_json: str) -> Any:
    engine.set_input_json(input_json)
    return json.loads(engine.eval_rule_as_json(DECISION_RULE))


def _golden_schema_error(name: str, policy_input: Any) -> str | None:
    """Why a golden input breaks the schema rule (fit, or misfit when off-schema), else None."""
    problems = input_problems(policy_input)
    if name in OFF_SCHEMA_CASES:
        return None if problems else "is listed as off-schema but fits the policy input schema"
    if problems:
        return "does not fit the policy input schema: " + "; ".join(problems)
    return None


def evaluate_golden(
    policy_dir: Path, *, names: Sequence[str] | None = None
) -> list[GoldenMismatch]:
    """Compare ``data.hub.authz.decision`` with the expected file of every golden case."""
    testdata = policy_dir / TESTDATA_DIR
    engine, load_failures = load_engine(
        rego_files(policy_dir, include_tests=False), root=policy_dir
    )
    mismatches = [
        GoldenMismatch(name=failure.package, error=failure.error) for failure in load_failures
    ]
    for name in names if names is not None else golden_cases(policy_dir):
        input_path = testdata / f"{name}{INPUT_SUFFIX}"
        expected_path = testdata / f"{name}{EXPECTED_SUFFIX}"
        if not expected_path.is_file():
            mismatches.append(GoldenMismatch(name=name, error=f"{expected_path.name} missing"))
            continue
        try:
            expected = json.loads(expected_path.read_text(encoding="utf-8"))
            input_json = input_path.read_text(encoding="utf-8")
            schema_error = _golden_schema_error(name, json.loads(input_json))
            actual = evaluate_decision(engine, input_json)
        except Exception as exc:  # noqa: BLE001 - JSON and engine errors are all mismatches
            mismatches.append(GoldenMismatch(name=name, error=engine_error(exc)))
            continue
        if schema_error is not None:
            mismatches.append(GoldenMismatch(name=name, error=schema_error))
        if actual != expected:
            mismatches.append(GoldenMismatch(name=name, expected=expected, actual=actual))
    return mismatches
