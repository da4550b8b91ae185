"""The policy input has one model; its schema beside the Rego is current and every input fits it."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pytest
from jsonschema_rs import Draft202012Validator
from typer.testing import CliRunner

from governance.catalogue import AllowanceEntry, AuthorityEntry, Catalogue, PurposeEntry
from hub.cli import app
from hub.policy.input import build_policy_input, policy_input_schema_text, schema_path
from hub.policy.rego_tests import (
    INPUT_SUFFIX,
    OFF_SCHEMA_CASES,
    TESTDATA_DIR,
    evaluate_golden,
    golden_cases,
    run_policy_tests,
)

POLICY_DIR = Path(__file__).resolve().parents[2] / "policies"
TODAY = date(2026, 11, 22)


def _validator() -> Draft202012Validator:
    return Draft202012Validator(json.loads(schema_path(POLICY_DIR).read_text(encoding="utf-8")))


def _golden_input(name: str) -> Any:
    path = POLICY_DIR / TESTDATA_DIR / f"{name}{INPUT_SUFFIX}"
    return json.loads(path.read_text(encoding="utf-8"))


def _catalogue() -> Catalogue:
    allowance = AllowanceEntry(
        kinds=("person",),
        fields=("name", "birth"),
        legal_basis=("BMG §37 Abs. 1",),
        approval_reference="test",
        valid_from=None,
        valid_to=None,
        transforms=MappingProxyType({"birth": "year_month"}),
    )
    return Catalogue(
        revision=1,
        authorities=MappingProxyType(
            {"wohngeldstelle": AuthorityEntry(code="wohngeldstelle", title="W", category="x")}
        ),
        purposes=MappingProxyType(
            {
                "wohngeld_antrag": PurposeEntry(
                    code="wohngeld_antrag",
                    title="Wohngeld",
                    register="melderegister",
                    legal_basis=("BMG §37 Abs. 1",),
                    archive_exceptions=("wahlzwecke",),
                )
            }
        ),
        allowances=MappingProxyType(
            {("wohngeld_antrag", "wohngeldstelle", "melderegister"): allowance}
        ),
        releases=MappingProxyType(
            {"melderegister": MappingProxyType({"name": "approved", "birth": "unreviewed"})}
        ),
    )


def _built(**overrides: Any) -> dict[str, Any]:
    arguments: dict[str, Any] = {
        "catalogue": _catalogue(),
        "today": TODAY,
        "client_id": "c-1",
        "authority": "wohngeldstelle",
        "user_id": "m.schmidt",
        "trusted_roles": ["behoerdenleitung"],
        "register": "melderegister",
        "kind": "person",
        "purpose": "wohngeld_antrag",
        "case_reference": "WG-1",
        "fields": ["name", "birth"],
        "match_keys": ["name", "birth_date"],
        **overrides,
    }
    return build_policy_input(**arguments)


class TestCommittedSchema:
    def test_is_the_one_generated_from_the_model(self) -> None:
        committed = schema_path(POLICY_DIR).read_text(encoding="utf-8")
        assert committed == policy_input_schema_text(), "run `hub policy schema`"

    def test_closes_every_member_but_the_adapters_hit_facts(self) -> None:
        schema = json.loads(schema_path(POLICY_DIR).read_text(encoding="utf-8"))
        assert schema["additionalProperties"] is False
        assert set(schema["required"]) == {
            "phase",
            "now",
            "client",
            "user",
            "request",
            "purpose",
            "register",
        }
        assert schema["$defs"]["HitInput"]["additionalProperties"] is True


def _schema_command(policy_dir: Path, *options: str) -> Any:
    return CliRunner().invoke(app, ["policy", "schema", *options, "--policy-dir", str(policy_dir)])


class TestSchemaCommand:
    def test_check_passes_on_the_repository(self) -> None:
        result = _schema_command(POLICY_DIR, "--check")
        assert result.exit_code == 0, result.output
        expected = {"schema": str(schema_path(POLICY_DIR)), "written": False}
        assert json.loads(result.stdout) == expected

    def test_writes_a_missing_schema_and_check_refuses_a_stale_one(self, tmp_path: Path) -> None:
        stale = _schema_command(tmp_path, "--check")
        assert stale.exit_code == 1
        assert not schema_path(tmp_path).exists()
        written = _schema_command(tmp_path)
        assert written.exit_code == 0, written.output
        assert schema_path(tmp_path).read_text(encoding="utf-8") == policy_input_schema_text()


class TestGoldenInputs:
    @pytest.mark.parametrize(
        "name", [name for name in golden_cases(POLICY_DIR) if name not in OFF_SCHEMA_CASES]
    )
    def test_fits_the_schema(self, name: str) -> None:
        errors = [error.message for error in _validator().iter_errors(_golden_input(name))]
        assert errors == []

    @pytest.mark.parametrize("name", sorted(OFF_SCHEMA_CASES))
    def test_malformed_on_purpose_does_not_fit(self, name: str) -> None:
        assert name in golden_cases(POLICY_DIR)
        assert not _validator().is_valid(_golden_input(name))


class TestBuiltInputs:
    def test_a_request_phase_input_fits(self) -> None:
        assert _validator().is_valid(_built())

    def test_a_records_phase_input_fits(self) -> None:
        hits = [{"auskunftssperre": None, "related": []}, {"entry_year": 1990}]
        built = _built(hits=hits, wildcard_keys=["name"], waive_follow_up=True)
        assert [hit["index"] for hit in built["hits"]] == [0, 1]
        assert _validator().is_valid(built)

    def test_an_unknown_authority_and_purpose_fit(self) -> None:
        built = _built(authority="nobody", purpose="nothing")
        assert built["client"]["category"] is None
        assert built["purpose"] is None
        assert _validator().is_valid(built)


class TestRunnerChecksItsInputs:
    def test_a_golden_input_that_does_not_fit_is_a_mismatch(self, tmp_path: Path) -> None:
        policies = tmp_path / "policies"
        shutil.copytree(POLICY_DIR, policies)
        name = next(name for name in golden_cases(policies) if name not in OFF_SCHEMA_CASES)
        path = policies / TESTDATA_DIR / f"{name}{INPUT_SUFFIX}"
        changed = {**json.loads(path.read_text(encoding="utf-8")), "surplus": True}
        path.write_text(json.dumps(changed), encoding="utf-8")
        mismatches = [m for m in evaluate_golden(policies, names=[name]) if m.error]
        assert mismatches
        assert "does not fit the policy input schema" in (mismatches[0].error or "")

    def test_an_off_schema_case_that_fits_is_a_mismatch(self, tmp_path: Path) -> None:
        policies = tmp_path / "policies"
        shutil.copytree(POLICY_DIR, policies)
        name = min(OFF_SCHEMA_CASES)
        path = policies / TESTDATA_DIR / f"{name}{INPUT_SUFFIX}"
        path.write_text(json.dumps(_built()), encoding="utf-8")
        errors = [m.error or "" for m in evaluate_golden(policies, names=[name])]
        assert any("listed as off-schema" in error for error in errors)

    def test_a_rego_fixture_input_that_does_not_fit_fails(self, tmp_path: Path) -> None:
        (tmp_path / "sample.rego").write_text(
            "package sample\n\nimport rego.v1\n\ntest_passes if true\n\n"
            'broken_input := {"phase": "later"}\n\nshaped_input(x) := {"phase": x}\n',
            encoding="utf-8",
        )
        report = run_policy_tests(tmp_path)
        results = {result.name: result for result in report.results}
        assert results["test_passes"].passed
        assert not results["broken_input"].passed
        assert "does not fit" in (results["broken_input"].error or "")
        assert "shaped_input" not in results  # a function is no input

    def test_the_repository_fixtures_fit(self) -> None:
        report = run_policy_tests(POLICY_DIR)
        fixtures = [result for result in report.results if result.name.endswith("_input")]
        assert fixtures
        assert all(result.passed for result in fixtures), report.summary()
