"""A fourth register installed as a package touches its own folder only.

The Hundesteuerregister of ``tests/fixtures/hundesteuer`` is installed the way a register
package is: a distribution on the import path whose ``hub.adapters`` entry point names its
adapter (a dist-info folder, as pip writes one). Nothing else is told about it. Then:
its tables come from its own migration branch and Alembic sees them through the entry
point; ``hub catalogue sync`` adds its fields (unreviewed) and its retention duty; a steward
approves the fields and admits a purpose (the law check asks the policy with the match keys
its spec declares); a lawful query is answered through the HTTP API and ledgered with the
retention class its spec declares; ``hub duties run`` carries out its retention rule; its
Art. 30 record names the data subjects and the admission its spec declares. Its Rego is
added to a copy of ``policies/`` as a deployment adds it to the policy bundle.
"""

from __future__ import annotations

import asyncio
import json
import shutil
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from alembic import command
from fastapi import FastAPI
from sqlalchemy import select
from typer.testing import CliRunner

from adapters.registry import installed_adapter_names, installed_specs
from governance.models import Duty, DutyRun
from hub.catalogue.commands import run_sync
from hub.catalogue.duties_service import run_duties
from hub.cli import app as cli
from hub.db import create_sync_engine
from hub.kit.migrate import alembic_config, upgrade_head
from hub.policy.rego_tests import run_policy_tests
from tests.fixtures.factories import load_default_catalogue, settings_for
from tests.fixtures.hub_app import asgi_client, client_token, hub_settings, running_hub
from tests.fixtures.hundesteuer.installing import write_distribution
from tests.fixtures.hundesteuer.samples import registration
from tests.fixtures.hundesteuer.spec import HUNDESTEUER_SPEC, RETENTION_RULE
from tests.fixtures.ledger import ledger_rows
from tests.fixtures.paths import REPO

REGISTER = "hundesteuerregister"
PURPOSE = "hundesteuer_veranlagung"
BASIS = "HessKAG §7"
FIXTURE = Path(__file__).parent / "fixtures" / "hundesteuer"
FIELDS = list(HUNDESTEUER_SPEC.dataset().field_names())
WRITE = ["catalogue:read", "catalogue:write"]
TODAY = datetime.now(UTC).date()


@pytest.fixture
def catalogue(clean_database: str) -> str:
    """The city's catalogue as it stands before the new register is installed."""
    load_default_catalogue(clean_database)
    return clean_database


@pytest.fixture
def installed(catalogue: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """The register package on the import path, found through its entry point only."""
    monkeypatch.syspath_prepend(str(write_distribution(tmp_path / "site")))
    monkeypatch.setenv("HUB_DATABASE_URL", catalogue)
    return catalogue


@pytest.fixture
def migrated(installed: str) -> Iterator[str]:
    """Its own migration branch applied; rolled back so the session's database stays as it was."""
    upgrade_head(installed)
    yield installed
    command.downgrade(alembic_config(installed), f"{REGISTER}@base")


@pytest.fixture
def synced(migrated: str) -> dict[str, Any]:
    return run_sync(settings_for(migrated))


@pytest.fixture
def policy_dir(tmp_path: Path) -> Path:
    """The policy bundle of a deployment serving the register: policies/ plus its Rego."""
    tree = tmp_path / "policies"
    shutil.copytree(REPO / "policies", tree)
    for rego in (FIXTURE / "policy").glob("*.rego"):
        shutil.copy(rego, tree / "hub" / "authz" / rego.name)
    return tree


@pytest.fixture
async def hub(
    synced: dict[str, Any], migrated: str, tmp_path: Path, policy_dir: Path
) -> AsyncIterator[FastAPI]:
    settings = hub_settings(migrated, tmp_path, policy_dir=policy_dir)
    async with running_hub(settings) as application:
        yield application


@pytest.fixture
async def http(hub: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with asgi_client(hub) as client:
        yield client


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def admit(http: httpx.AsyncClient, database_url: str) -> None:
    """What the Steueramt's data steward does: approve the fields, admit the purpose."""
    steward = bearer(await client_token(http, database_url, authority="steueramt", scopes=WRITE))
    base = "/v1/catalogue"
    for field in FIELDS:
        url = f"{base}/datasets/{REGISTER}/registrations/fields/{field}"
        body = {"status": "approved", "reason": "Freigabe HST 2026/1"}
        response = await http.patch(url, json=body, headers=steward)
        assert response.status_code == 200, response.text
    basis = {"code": BASIS, "norm": "HessKAG", "paragraph": "§7", "reason": "Satzung"}
    response = await http.post(f"{base}/legal-bases", json=basis, headers=steward)
    assert response.status_code in (201, 409), response.text
    purpose = {
        "code": PURPOSE,
        "title": "Veranlagung der Hundesteuer",
        "register": REGISTER,
        "legal_basis": [BASIS],
        "reason": "Satzung",
    }
    response = await http.post(f"{base}/purposes", json=purpose, headers=steward)
    assert response.status_code == 201, response.text
    allowance = {
        "authority": "steueramt",
        "register": REGISTER,
        "kinds": ["person"],
        "fields": FIELDS,
        "legal_basis": [BASIS],
        "approval_reference": "Magistratsbeschluss 2026/17",
        # The default catalogue does not know the register: the steward confirms every field.
        "confirm_sensitive": {"fields": FIELDS, "legal_basis": BASIS},
        "reason": "Zulassung",
    }
    url = f"{base}/purposes/{PURPOSE}/allowances"
    response = await http.post(url, json=allowance, headers=steward)
    assert response.status_code == 201, response.text


async def import_registrations(tmp_path: Path, *records: dict[str, Any]) -> None:
    """``hub register import``, as the register office runs it (its own event loop)."""
    file = tmp_path / "hundesteuer.jsonl"
    file.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    arguments = ["register", "import", REGISTER, str(file)]
    result = await asyncio.to_thread(CliRunner().invoke, cli, arguments)
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"imported": len(records)}


def test_found_through_the_entry_point_only(installed: str) -> None:
    assert REGISTER in installed_adapter_names()
    assert installed_specs()[REGISTER] is HUNDESTEUER_SPEC


def test_no_file_of_the_hub_names_it() -> None:
    named = [
        str(path.relative_to(REPO))
        for folder in ("hub", "governance", "migrations", "policies", "adapters")
        for path in (REPO / folder).rglob("*")
        if path.is_file()
        and path.suffix in {".py", ".rego", ".json", ".html", ".po"}
        and REGISTER in path.read_text(encoding="utf-8", errors="replace")
    ]
    assert named == []


def test_its_tables_are_migrated_and_known_to_alembic(migrated: str) -> None:
    # The database matches the metadata Alembic collects through the entry points: the
    # register's table is neither missing nor unknown.
    command.check(alembic_config(migrated))


def test_catalogue_sync_adds_its_fields_and_retention_duty(
    synced: dict[str, Any], migrated: str
) -> None:
    assert f"register:{REGISTER}" in synced["added"]
    for field in FIELDS:
        assert f"field:{REGISTER}/registrations/{field}" in synced["added"]
    assert f"duty:{REGISTER}/{RETENTION_RULE}" in synced["added"]
    again = run_sync(settings_for(migrated))
    assert (again["added"], again["revision"]) == ([], synced["revision"])


async def test_lawful_query_through_the_api(
    http: httpx.AsyncClient, migrated: str, tmp_path: Path
) -> None:
    await admit(http, migrated)
    token = await client_token(http, migrated, authority="steueramt")
    await import_registrations(tmp_path, registration("T-1", "DA-2026-0042"))
    listed = (await http.get("/v1/registers", headers=bearer(token))).json()["registers"]
    assert REGISTER in [register["id"] for register in listed]
    body = {
        "kind": "person",
        "purpose": PURPOSE,
        "case_reference": "HST-2026-0007",
        "user": {"id": "s.kasse", "roles": []},
        "match": {"tag_number": "DA-2026-0042"},
        "fields": ["holder_name", "dogs"],
    }
    url = f"/v1/registers/{REGISTER}/queries"
    response = await http.post(url, json=body, headers=bearer(token))
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["outcome"] == "released"
    assert answer["decision"]["released_fields"] == ["dogs", "holder_name"]
    assert BASIS in answer["decision"]["legal_basis"]
    assert [record["fields"] for record in answer["records"]] == [
        {"dogs": 2, "holder_name": "Hundhalterin Beispiel"}
    ]
    [entry] = ledger_rows(migrated)
    assert (entry["register"], entry["outcome"]) == (REGISTER, "released")
    assert entry["retention_class"] == HUNDESTEUER_SPEC.governance.ledger_retention
    assert sorted(entry["fields_released"]) == ["dogs", "holder_name"]
    assert "Hundhalterin" not in json.dumps(entry, default=str)

    other = await client_token(http, migrated, authority="ordnungsamt")
    refused = await http.post(url, json=body, headers=bearer(other))
    assert refused.status_code == 403, refused.text


async def test_its_retention_duty_runs_its_rule(
    synced: dict[str, Any], migrated: str, tmp_path: Path
) -> None:
    long_gone = (TODAY - timedelta(days=6 * 365)).isoformat()
    await import_registrations(
        tmp_path,
        registration("T-1", "DA-2026-0042"),
        registration("T-2", "DA-2019-0001", deregistered_on=long_gone),
    )
    engine = create_sync_engine(migrated)
    try:
        with engine.connect() as connection:
            duties = select(Duty.id, Duty.due_on, Duty.params).where(Duty.register == REGISTER)
            [duty] = connection.execute(duties).all()
        report = await run_duties(settings_for(migrated), today=duty.due_on)
        with engine.connect() as connection:
            runs = select(DutyRun.outcome, DutyRun.proof).where(DutyRun.duty_id == duty.id)
            outcomes = {row.outcome: row.proof for row in connection.execute(runs)}
    finally:
        engine.dispose()
    assert duty.params == {"rule": RETENTION_RULE}
    assert report.as_json()["runs"], report.as_json()
    assert sorted(outcomes) == ["done", "marked_due"]
    proof = outcomes["done"]
    assert (proof["rule"], proof["removed"], proof["unit"]) == (
        RETENTION_RULE,
        1,
        "registrations",
    )
    assert proof["cutoff"] == date(duty.due_on.year - 4, 1, 1).isoformat()


async def test_its_art30_record_comes_from_its_spec(http: httpx.AsyncClient, migrated: str) -> None:
    await admit(http, migrated)
    token = await client_token(http, migrated, authority="steueramt", scopes=["catalogue:read"])
    response = await http.get("/v1/catalogue/processing-records", headers=bearer(token))
    assert response.status_code == 200, response.text
    [record] = [
        record
        for record in response.json()["records"]
        if record["id"] == f"{REGISTER}/steueramt/{PURPOSE}"
    ]
    governance = HUNDESTEUER_SPEC.governance
    assert record["data_subjects"] == list(governance.data_subjects)
    assert record["toms"]["approval_basis"] == governance.admission["*"]
    assert record["retention"]["log_class"] == governance.ledger_retention
    [duty] = record["retention"]["register_duties"]
    assert duty["rule"] == RETENTION_RULE
    assert {category["field"] for category in record["data_categories"]} == set(FIELDS)


def test_its_rego_tests_pass_in_the_bundle(policy_dir: Path) -> None:
    report = run_policy_tests(policy_dir)
    assert not report.failed, report.failed
    mine = {result.name for result in report.passed if result.name.startswith("test_hundesteuer")}
    assert mine == {
        "test_hundesteuer_steueramt_gets_the_holder",
        "test_hundesteuer_other_offices_have_no_route",
        "test_hundesteuer_search_names_the_tag",
    }
