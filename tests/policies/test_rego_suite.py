"""The Rego suite under policies/ runs green on the embedded engine, and the runner can fail."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from hub.policy.engine import EmbeddedRegoEngine, parse_decision
from hub.policy.rego_tests import (
    GoldenMismatch,
    PolicyTestReport,
    PolicyTestResult,
    evaluate_golden,
    golden_cases,
    run_policy_tests,
)

POLICY_DIR = Path(__file__).resolve().parents[2] / "policies"
MIN_REGO_TESTS = 150
MIN_GOLDEN_CASES = 12


def _by_name(report: PolicyTestReport) -> dict[str, PolicyTestResult]:
    return {result.name: result for result in report.results}


class TestPolicySuite:
    def test_every_rego_test_passes(self) -> None:
        report = run_policy_tests(POLICY_DIR)
        assert len(report.results) >= MIN_REGO_TESTS, report.summary()
        assert not report.failed, report.summary()

    def test_every_policy_file_has_a_sibling_test_file(self) -> None:
        policies = [
            path for path in POLICY_DIR.rglob("*.rego") if not path.name.endswith("_test.rego")
        ]
        assert policies
        missing = [
            str(path.relative_to(POLICY_DIR))
            for path in policies
            if not path.with_name(f"{path.stem}_test.rego").is_file()
        ]
        assert not missing


class TestRunnerCanFail:
    def test_outcomes_of_each_kind_of_test_rule(self, tmp_path: Path) -> None:
        (tmp_path / "sample.rego").write_text(
            """package sample

import rego.v1

test_passes if true

test_assigned := true

test_false if 1 == 2

test_undefined if input.missing == 1

test_non_boolean := "yes"

test_value_false := false

test_set contains 1 if true

test_twice if false

test_twice if true

test_error if {
\tx := [1, 2]
\tx[0] == sum("not a number")
}

test_function(x) if x

p.test_nested if true

q["test_bracket"] := true

helper := false
""",
            encoding="utf-8",
        )
        report = run_policy_tests(tmp_path)
        results = _by_name(report)

        assert set(results) == {
            "test_passes",
            "test_assigned",
            "test_false",
            "test_undefined",
            "test_non_boolean",
            "test_value_false",
            "test_set",
            "test_twice",
            "test_error",
            "p.test_nested",
            "q.test_bracket",
        }
        assert {result.name for result in report.passed} == {
            "test_passes",
            "test_assigned",
            "p.test_nested",
            "q.test_bracket",
        }
        assert results["test_false"].error == "undefined"
        assert results["test_non_boolean"].error == "value is 'yes', not true"
        assert results["test_value_false"].error == "value is False, not true"
        assert "defined 2 times" in (results["test_twice"].error or "")
        assert results["test_error"].error
        assert all(result.package == "sample" for result in report.results)
        assert not report.ok
        assert "7 failed" in report.summary()

    def test_unparsable_file_is_a_failure(self, tmp_path: Path) -> None:
        (tmp_path / "good.rego").write_text(
            "package good\n\nimport rego.v1\n\ntest_ok if true\n", encoding="utf-8"
        )
        (tmp_path / "bad.rego").write_text("package bad\n\ntest_x if {\n", encoding="utf-8")
        report = run_policy_tests(tmp_path)
        failed = report.failed
        assert [(result.package, result.name) for result in failed] == [("bad.rego", "<load>")]
        assert _by_name(report)["test_ok"].passed

    def test_empty_directory_is_not_ok(self, tmp_path: Path) -> None:
        report = run_policy_tests(tmp_path)
        assert report.results == []
        assert not report.ok


class TestGoldenSet:
    def test_golden_decisions_match(self) -> None:
        names = golden_cases(POLICY_DIR)
        assert len(names) >= MIN_GOLDEN_CASES
        mismatches = evaluate_golden(POLICY_DIR)
        assert not mismatches, "\n".join(mismatch.describe() for mismatch in mismatches)

    def test_every_golden_input_has_an_expected_decision(self) -> None:
        testdata = POLICY_DIR / "testdata"
        for name in golden_cases(POLICY_DIR):
            expected = json.loads((testdata / f"{name}.expected.json").read_text("utf-8"))
            members = {"outcome", "fields", "withheld", "reasons", "legal_basis", "hits", "notice"}
            # "transforms" only when a released field leaves as a coarser value (transforms.rego)
            assert members <= set(expected) <= {*members, "transforms"}, name

    def test_changed_expectation_is_reported(self, tmp_path: Path) -> None:
        policies = tmp_path / "policies"
        shutil.copytree(POLICY_DIR, policies)
        name = "wohngeld_request_released"
        expected_path = policies / "testdata" / f"{name}.expected.json"
        expected = json.loads(expected_path.read_text("utf-8"))
        expected["fields"] = [*expected["fields"], "religion"]
        expected_path.write_text(json.dumps(expected), encoding="utf-8")
        (policies / "testdata" / "orphan.input.json").write_text("{}", encoding="utf-8")

        mismatches = {mismatch.name: mismatch for mismatch in evaluate_golden(policies)}

        assert set(mismatches) == {name, "orphan"}
        assert mismatches[name].expected == expected
        assert isinstance(mismatches[name].actual, dict)
        assert "religion" not in mismatches[name].actual["fields"]
        assert mismatches["orphan"].error == "orphan.expected.json missing"
        assert isinstance(mismatches["orphan"], GoldenMismatch)


@pytest.mark.parametrize("name", golden_cases(POLICY_DIR))
async def test_compiled_program_decides_as_expected_and_as_the_interpreter(name: str) -> None:
    """The hub decides with the compiled RVM program; it must agree with the golden set."""
    engine = EmbeddedRegoEngine(POLICY_DIR, revision="test")
    try:
        policy_input = json.loads((POLICY_DIR / "testdata" / f"{name}.input.json").read_text())
        expected = json.loads((POLICY_DIR / "testdata" / f"{name}.expected.json").read_text())
        compiled = (await engine.decide(policy_input)).model_dump(exclude={"revision"})
        assert compiled == parse_decision(expected).model_dump(exclude={"revision"})
        assert compiled == engine.interpreted(policy_input).model_dump(exclude={"revision"})
    finally:
        engine.close()
