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

from hub.catalogue.commands import run_sync
from tests.fixtures.factories import load_default_catalogue, settings_for
from tests.fixtures.hub_app import asgi_client, client_token, hub_settings, running_hub

TokenFactory = Callable[..., Awaitable[str]]
READ = ["catalogue:read"]
WRITE = ["catalogue:read", "catalogue:write"]


@pytest.fixture
async def app(clean_database: str, tmp_path: Path) -> AsyncIterator[FastAPI]:
    load_default_catalogue(clean_database)
    run_sync(settings_for(clean_database))
    settings = hub_settings(clean_database, tmp_path, catalogue_refresh_seconds=3600)
    async with running_hub(settings) as application:
        yield application


@pytest.fixture
async def http(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with asgi_client(app) as client:
        yield client


@pytest.fixture
def token_for(http: httpx.AsyncClient, clean_database: str) -> TokenFactory:
    async def _token(authority: str, *, scopes: list[str] | None = None) -> str:
        return await client_token(http, clean_database, authority=authority, scopes=scopes)

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
