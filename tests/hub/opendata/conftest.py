"""A small Darmstadt population in the Melderegister mirror, and a publisher over it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from hub.db import create_hub_engine, create_sessionmaker
from tests.fixtures.factories import import_persons
from tests.fixtures.opendata import population


@pytest.fixture
def residents(clean_database: str) -> list[dict[str, Any]]:
    records = population()
    import_persons(clean_database, records)
    return records


@pytest.fixture
async def session(clean_database: str) -> AsyncIterator[AsyncSession]:
    engine = create_hub_engine(clean_database)
    async with create_sessionmaker(engine)() as opened:
        yield opened
    await engine.dispose()
