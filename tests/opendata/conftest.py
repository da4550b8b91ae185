"""A small Darmstadt population in the Melderegister mirror, and a publisher over it."""

from __future__ import annotations

import random
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from governance.opendata.defaults import AGGREGATES
from hub.db import create_hub_engine, create_sessionmaker
from hub.opendata.definitions_service import define, set_status
from hub.opendata.service import Publisher
from tests.fixtures.factories import import_persons, person

SECRET = b"cell-key secret of the tests, 32+ bytes"
POSTAL_CODES = ("64283", "64285", "64289")
NATIONALITIES = (["DE"], ["DE"], ["DE"], ["FR"], ["TR"])
MOVER = "p-mover"  # moves in on 2026-11-10: in November's figures, not October's


def population() -> list[dict[str, Any]]:
    chooser = random.Random(19)
    records = []
    for number in range(90):
        year = chooser.randint(1935, 2024)
        records.append(
            person(
                f"p-{number:03d}",
                birth_date=f"{year}-{chooser.randint(1, 12):02d}-{chooser.randint(1, 28):02d}",
                sex=chooser.choice("mmmmwwwwd"),
                postal_code=chooser.choice(POSTAL_CODES),
                nationality=chooser.choice(NATIONALITIES),
            )
        )
    mover = person(MOVER, birth_date="1990-02-03", sex="w", postal_code="64289")
    mover["addresses"][0]["moved_in"] = "2026-11-10"
    records.append(mover)
    return records


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


async def approve(
    session: AsyncSession, codes: Sequence[str], *, define_only: Sequence[str] = ()
) -> None:
    """A steward defines the city's aggregates and approves ``codes``."""
    for default in AGGREGATES:
        if default.code in codes or default.code in define_only:
            await define(session, default, actor="s.steward")
    for code in codes:
        await set_status(session, code, status="approved", actor="s.steward", reason="geprüft")


def publisher(database_url: str, directory: Path) -> tuple[Publisher, Any]:
    engine = create_hub_engine(database_url)
    sessionmaker = create_sessionmaker(engine)
    made = Publisher(
        sessionmaker,
        registers={"melderegister": sessionmaker, "gewerberegister": sessionmaker},
        directory=directory,
        secret=SECRET,
    )
    return made, engine
