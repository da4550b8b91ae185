"""Fail closed, lose nothing: engine or ledger failures answer 503 and release no data."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from hub.app import create_app
from tests.fixtures.factories import (
    import_persons,
    load_default_catalogue,
    new_client,
    person,
    settings_for,
)
from tests.fixtures.ledger import allow_ledger_inserts, ledger_rows, refuse_ledger_inserts
from tests.fixtures.melderegister_queries import URL, query
from tests.fixtures.paths import REPO

BROKEN_RULE = """package hub.authz
import rego.v1
decision := {"outcome": "released", "fields": ["name"], "boom": 1 / count([])}
"""


async def _token(http: httpx.AsyncClient, database_url: str) -> str:
    client = new_client(database_url, authority="wohngeldstelle")
    response = await http.post(
        "/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(client.client_id, client.client_secret),
    )
    return str(response.json()["access_token"])


@pytest.fixture
async def broken_policy_http(
    clean_database: str, tmp_path: Path
) -> AsyncIterator[httpx.AsyncClient]:
    """The real hub over a policy tree whose decision rule fails to evaluate."""
    policy_dir = tmp_path / "policies"
    shutil.copytree(REPO / "policies", policy_dir)
    (policy_dir / "hub" / "authz" / "decision.rego").write_text(BROKEN_RULE, encoding="utf-8")
    for other in (policy_dir / "hub" / "authz").glob("*.rego"):
        if other.name != "decision.rego":
            other.unlink()
    load_default_catalogue(clean_database)
    import_persons(clean_database, [person("P-1")])
    app = create_app(
        settings_for(
            clean_database,
            key_dir=tmp_path / "keys",
            policy_dir=policy_dir,
            issuer="http://hub.test",
        )
    )
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://hub.test"
        ) as client,
    ):
        yield client


async def test_policy_engine_error_is_503_without_data(
    broken_policy_http: httpx.AsyncClient, clean_database: str
) -> None:
    token = await _token(broken_policy_http, clean_database)
    response = await broken_policy_http.post(
        URL, json=query(), headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 503
    assert response.json()["type"].endswith("/policy-unavailable")
    assert "Müller" not in response.text
    [entry] = ledger_rows(clean_database)
    assert entry["outcome"] == "policy_unavailable"
    assert entry["fields_released"] == []


async def test_no_ledger_entry_no_data(http: httpx.AsyncClient, clean_database: str) -> None:
    import_persons(clean_database, [person("P-1")])
    token = await _token(http, clean_database)
    refuse_ledger_inserts(clean_database)
    try:
        response = await http.post(URL, json=query(), headers={"Authorization": f"Bearer {token}"})
    finally:
        allow_ledger_inserts(clean_database)
    assert response.status_code == 503
    assert response.json()["type"].endswith("/audit-unavailable")
    assert "Müller" not in response.text and "records" not in response.json()
    assert ledger_rows(clean_database) == []


UNREACHABLE = "postgresql+psycopg://postgres@127.0.0.1:1/nowhere"


@pytest.fixture
async def unreachable_register_http(
    clean_database: str, tmp_path: Path
) -> AsyncIterator[httpx.AsyncClient]:
    """The real hub whose Melderegister mirror lives on a database that cannot be reached."""
    load_default_catalogue(clean_database)
    app = create_app(
        settings_for(
            clean_database,
            key_dir=tmp_path / "keys",
            issuer="http://hub.test",
            adapters={"melderegister": {"database_url": UNREACHABLE}},
        )
    )
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://hub.test") as client:
            yield client


async def test_unreachable_register_is_502_on_record(
    unreachable_register_http: httpx.AsyncClient, clean_database: str
) -> None:
    token = await _token(unreachable_register_http, clean_database)
    response = await unreachable_register_http.post(
        URL, json=query(), headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 502
    assert response.json()["type"].endswith("/register-unavailable")
    assert "127.0.0.1" not in response.text  # upstream details are logged, never echoed
    [entry] = ledger_rows(clean_database)
    assert entry["outcome"] == "upstream_error"
    assert entry["http_status"] == 502
