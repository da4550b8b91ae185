"""Heavy XMeld messages: an element limit refuses them before validation."""

from __future__ import annotations

import copy
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from lxml import etree

from tests.fixtures.factories import load_default_catalogue
from tests.fixtures.hub_app import asgi_client, hub_settings, running_hub
from tests.fixtures.ledger import ledger_rows
from tests.fixtures.tokens import TokenFactory
from tests.fixtures.xmeld_messages import NS, personensuche, post, to_bytes

MAX_ELEMENTS = 600


@pytest.fixture
async def app(clean_database: str, tmp_path: Path, xoev_schema_dir: Path) -> AsyncIterator[FastAPI]:
    """Validation on and a low element limit (overrides tests/hub/conftest.py)."""
    load_default_catalogue(clean_database)
    settings = hub_settings(
        clean_database, tmp_path, xoev_schema_dir=xoev_schema_dir, xoev_max_elements=MAX_ELEMENTS
    )
    async with running_hub(settings) as application:
        yield application


@pytest.fixture
async def http(app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with asgi_client(app) as client:
        yield client


def _asking(xoev_schema_dir: Path, codes: int) -> bytes:
    """The official example, its data element requests repeated to ``codes`` in all."""
    root = personensuche(xoev_schema_dir, codes=(1,))
    steering = root.find("x:steuerungsinformationen", NS)
    assert steering is not None
    [asked] = steering.findall("x:anforderungselement", NS)
    for _ in range(codes - 1):
        steering.insert(0, copy.deepcopy(asked))
    return to_bytes(root)


def _elements(message: bytes) -> int:
    return sum(1 for _ in etree.fromstring(message).iter(tag=etree.Element))


async def test_too_many_elements_is_413_with_its_ledger_entry(
    http: httpx.AsyncClient, token_for: TokenFactory, clean_database: str, xoev_schema_dir: Path
) -> None:
    message = _asking(xoev_schema_dir, codes=400)
    assert _elements(message) > MAX_ELEMENTS
    response = await post(http, await token_for("wohngeldstelle"), message)
    assert response.status_code == 413
    assert response.headers["content-type"] == "application/problem+json"
    assert f"more than {MAX_ELEMENTS} elements" in response.json()["detail"]
    entry = ledger_rows(clean_database)[-1]
    assert entry["http_status"] == 413
    assert entry["request_id"] == response.json()["instance"]
    assert entry["fields_released"] == []


async def test_a_message_under_the_limit_is_answered(
    http: httpx.AsyncClient, token_for: TokenFactory, xoev_schema_dir: Path
) -> None:
    message = _asking(xoev_schema_dir, codes=100)
    assert _elements(message) <= MAX_ELEMENTS
    response = await post(http, await token_for("wohngeldstelle"), message)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/xml")
