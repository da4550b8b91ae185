"""The hub with its workbench per test, accounts made through the real service, a login helper."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from selenium.webdriver.remote.webdriver import WebDriver

from tests.fixtures.factories import load_default_catalogue
from tests.fixtures.hub_app import (
    asgi_client,
    freeze_ledger_clock,
    hub_settings,
    running_hub,
)
from tests.fixtures.workbench import Clock
from tests.hub.ui.browser import headless_chrome


@pytest.fixture
def chrome() -> Iterator[WebDriver]:
    yield from headless_chrome()


@pytest.fixture
def ui_overrides() -> dict[str, Any]:
    """Settings for the app under test; modules override this fixture."""
    return {}


@pytest.fixture
async def ui_app(
    clean_database: str, tmp_path: Path, ui_overrides: dict[str, Any]
) -> AsyncIterator[FastAPI]:
    load_default_catalogue(clean_database)
    async with running_hub(hub_settings(clean_database, tmp_path, **ui_overrides)) as application:
        yield application


@pytest.fixture
async def browser(ui_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """A cookie-keeping client, like a browser without JavaScript."""
    async with asgi_client(ui_app) as client:
        yield client


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    return freeze_ledger_clock(monkeypatch)
