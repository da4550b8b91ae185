"""The hub with the default catalogue, synced, and a long catalogue refresh interval.

``catalogue_refresh_seconds`` is an hour here, so a decision that follows a catalogue write
proves that the write itself invalidated the snapshot (not the timer). The duties' tests get
a catalogue builder, sessions and a real Melderegister mirror here.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from adapters.melderegister import MelderegisterAdapter
from hub.catalogue.commands import run_sync
from hub.db import create_hub_engine, create_sessionmaker
from tests.fixtures.catalogue_factories import CatalogueBuilder, catalogue
from tests.fixtures.duties import MELDE
from tests.fixtures.factories import load_default_catalogue, melderegister, settings_for
from tests.fixtures.hub_app import asgi_client, client_token, hub_settings, running_hub
from tests.fixtures.tokens import TokenFactory


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


@pytest.fixture
def builder(clean_database: str) -> Iterator[CatalogueBuilder]:
    with catalogue(clean_database) as built:
        built.register(MELDE, mirrored=True)
        built.dataset(MELDE, "person")
        built.register("fremdregister", mirrored=False)
        built.dataset("fremdregister", "eintraege")
        yield built


@pytest.fixture
async def sessions(clean_database: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_hub_engine(clean_database)
    yield create_sessionmaker(engine)
    await engine.dispose()


@pytest.fixture
async def register(clean_database: str) -> AsyncIterator[MelderegisterAdapter]:
    adapter = melderegister(clean_database)
    yield adapter
    await adapter.close()
