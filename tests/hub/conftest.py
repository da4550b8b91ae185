"""An app per test over the migrated test database, driven through httpx's ASGI transport."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from tests.fixtures.factories import load_default_catalogue
from tests.fixtures.hub_app import asgi_client, client_token, hub_settings, running_hub
from tests.fixtures.melderegister_queries import import_residents
from tests.fixtures.tokens import TokenFactory


@pytest.fixture
async def app(clean_database: str, tmp_path: Path) -> AsyncIterator[FastAPI]:
    load_default_catalogue(clean_database)
    async with running_hub(hub_settings(clean_database, tmp_path)) as application:
        yield application


@pytest.fixture
async def http(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with asgi_client(app) as client:
        yield client


@pytest.fixture
def token_for(http: httpx.AsyncClient, clean_database: str) -> TokenFactory:
    """Register a client for an authority and fetch a real token from /oauth/token."""

    async def _token(
        authority: str, *, scopes: list[str] | None = None, trusted_roles: list[str] | None = None
    ) -> str:
        return await client_token(
            http, clean_database, authority=authority, scopes=scopes, trusted_roles=trusted_roles
        )

    return _token


@pytest.fixture
def residents(clean_database: str) -> str:
    """The Melderegister persons the query tests ask about (modules may override it)."""
    return import_residents(clean_database)
