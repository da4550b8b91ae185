"""A hub with real ledger entries, tasks and the default catalogue behind the Digitalmonitor."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from fastapi import FastAPI

from tests.fixtures.hub_app import hub_settings, running_hub
from tests.fixtures.monitor_traffic import seed


@pytest.fixture
async def monitor_app(clean_database: str, tmp_path: Path) -> AsyncIterator[FastAPI]:
    await seed(clean_database)
    async with running_hub(hub_settings(clean_database, tmp_path)) as application:
        yield application
