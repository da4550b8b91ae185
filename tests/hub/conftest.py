"""An app per test over the migrated test database, driven through httpx's ASGI transport."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from hub.app import create_app
from tests.conftest import REPO
from tests.fixtures.factories import load_default_catalogue, new_client, settings_for

TokenFactory = Callable[..., Awaitable[str]]


@pytest.fixture
async def app(clean_database: str, tmp_path: Path) -> AsyncIterator[FastAPI]:
    load_default_catalogue(clean_database)
    settings = settings_for(
        clean_database,
        key_dir=tmp_path / "keys",
        policy_dir=REPO / "policies",
        catalogue_refresh_seconds=0,
        issuer="http://hub.test",
    )
    application = create_app(settings)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
async def http(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://hub.test") as client:
        yield client


@pytest.fixture
def token_for(http: httpx.AsyncClient, clean_database: str) -> TokenFactory:
    """Register a client for an authority and fetch a real token from /oauth/token."""

    async def _token(
        authority: str, *, scopes: list[str] | None = None, trusted_roles: list[str] | None = None
    ) -> str:
        client = new_client(
            clean_database, authority=authority, scopes=scopes, trusted_roles=trusted_roles
        )
        response = await http.post(
            "/oauth/token",
            data={"grant_type": "client_credentials"},
            auth=(client.client_id, client.client_secret),
        )
        assert response.status_code == 200, response.text
        return str(response.json()["access_token"])

    return _token
