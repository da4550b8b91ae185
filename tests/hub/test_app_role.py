"""On PostgreSQL the running hub works as `hub_app` (README "Deployment"): every request path
that touches the database succeeds with that role's grants, and the ledger stays append-only."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from hub.app import create_app
from hub.db import create_sync_engine
from tests.fixtures.factories import load_default_catalogue, new_client, settings_for
from tests.fixtures.melderegister_queries import URL, query
from tests.fixtures.paths import REPO


def _as_app_role(database_url: str) -> str:
    # The test login is a superuser; the connection drops to hub_app for everything it does.
    url = make_url(database_url).update_query_dict({"options": "-c role=hub_app"})
    return url.render_as_string(hide_password=False)


@pytest.fixture
async def app_role_http(
    clean_database: str, tmp_path: Path, backend: str
) -> AsyncIterator[httpx.AsyncClient]:
    if backend != "postgresql":
        pytest.skip("roles exist on PostgreSQL only")
    load_default_catalogue(clean_database)
    settings = settings_for(
        _as_app_role(clean_database),
        key_dir=tmp_path / "keys",
        policy_dir=REPO / "policies",
        catalogue_refresh_seconds=0,
        issuer="http://hub.test",
    )
    application: FastAPI = create_app(settings)
    async with application.router.lifespan_context(application):
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://hub.test") as client:
            yield client


async def _token(
    http: httpx.AsyncClient, database_url: str, authority: str, scopes: list[str]
) -> str:
    client = new_client(database_url, authority=authority, scopes=scopes)
    response = await http.post(
        "/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(client.client_id, client.client_secret),
    )
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


@pytest.mark.usefixtures("residents")
class TestAppRole:
    async def test_queries_tasks_and_ledger_reads_work_as_hub_app(
        self, app_role_http: httpx.AsyncClient, clean_database: str
    ) -> None:
        http = app_role_http
        office = await _token(http, clean_database, "wohngeldstelle", ["register:query"])
        answer = await http.post(URL, json=query(), headers={"Authorization": f"Bearer {office}"})
        assert answer.status_code == 200, answer.text
        assert answer.json()["outcome"] == "released"
        dpo = await _token(http, clean_database, "meldebehoerde", ["audit:read", "tasks:read"])
        headers = {"Authorization": f"Bearer {dpo}", "X-User-Id": "dsb.weber"}
        entries = await http.get("/v1/audit/entries", headers=headers)
        assert entries.status_code == 200, entries.text
        assert entries.json()["total"] == 1
        tasks = await http.get("/v1/tasks", headers=headers)
        assert tasks.status_code == 200, tasks.text
        verify = await http.get("/v1/audit/verify", headers=headers)
        assert verify.json()["ok"] is True

    async def test_hub_app_cannot_rewrite_the_ledger(
        self, app_role_http: httpx.AsyncClient, clean_database: str
    ) -> None:
        office = await _token(app_role_http, clean_database, "wohngeldstelle", ["register:query"])
        await app_role_http.post(URL, json=query(), headers={"Authorization": f"Bearer {office}"})
        engine = create_sync_engine(_as_app_role(clean_database))
        try:
            for statement in (
                "UPDATE ledger_entries SET purpose = 'x'",
                "DELETE FROM ledger_entries",
                "TRUNCATE ledger_entries",
            ):
                with (
                    pytest.raises(DBAPIError, match=r"permission denied|append-only"),
                    engine.begin() as connection,
                ):
                    connection.execute(text(statement))
        finally:
            engine.dispose()
