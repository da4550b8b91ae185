"""The hub with the default catalogue, synced, and a long catalogue refresh interval.

``catalogue_refresh_seconds`` is an hour here, so a decision that follows a catalogue write
proves that the write itself invalidated the snapshot (not the timer).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from hub.app import create_app
from hub.catalogue.commands import run_sync
from tests.conftest import REPO
from tests.fixtures.factories import load_default_catalogue, new_client, settings_for

TokenFactory = Callable[..., Awaitable[str]]
READ = ["catalogue:read"]
WRITE = ["catalogue:read", "catalogue:write"]


@pytest.fixture
async def app(clean_database: str, tmp_path: Path) -> AsyncIterator[FastAPI]:
    load_default_catalogue(clean_database)
    run_sync(settings_for(clean_database))
    settings = settings_for(
        clean_database,
        key_dir=tmp_path / "keys",
        policy_dir=REPO / "policies",
        catalogue_refresh_seconds=3600,
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
    async def _token(authority: str, *, scopes: list[str] | None = None) -> str:
        client = new_client(clean_database, authority=authority, scopes=scopes)
        response = await http.post(
            "/oauth/token",
            data={"grant_type": "client_credentials"},
            auth=(client.client_id, client.client_secret),
        )
        assert response.status_code == 200, response.text
        return str(response.json()["access_token"])

    return _token


def bearer(token: str, **extra: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", **extra}


async def steward_token(token_for: TokenFactory) -> str:
    return await token_for("meldebehoerde", scopes=WRITE)


async def write(
    http: httpx.AsyncClient, token: str, method: str, url: str, body: Any = None, **params: str
) -> httpx.Response:
    return await http.request(
        method,
        url,
        json=body,
        params=params or None,
        headers=bearer(token, **{"X-User-Id": "s.steward"}),
    )
