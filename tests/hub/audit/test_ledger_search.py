"""hub.audit.ledger.search: every sort, both ways, walked page by page forwards and backwards,
shows each entry exactly once and in order, ties and missing values included. Both databases."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hub.audit.ledger.reads import AuditFilters
from hub.audit.ledger.search import SORTS, Order, day_position, decode_position, search
from hub.db import create_hub_engine, create_sessionmaker
from hub.errors import InvalidQuery
from tests.fixtures.hub_app import freeze_ledger_clock
from tests.fixtures.workbench import append, record

START = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
AUTHORITIES = ("sozialamt", "jugendamt", None, "wohngeldstelle")
OUTCOMES = ("released", "denied", "neutral")
ALL = AuditFilters()


@pytest.fixture
async def sessions(
    clean_database: str, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    """23 entries: pairs share a time (ties), one authority in four is missing."""
    clock = freeze_ledger_clock(monkeypatch)
    engine = create_hub_engine(clean_database)
    made = create_sessionmaker(engine)
    for index in range(23):
        entry = record(
            f"k{index:02d}",
            authority=AUTHORITIES[index % 4],
            outcome=OUTCOMES[index % 3],
            register="gewerberegister" if index % 5 == 0 else "melderegister",
        )
        await append(made, clock, entry, at=START + timedelta(hours=index // 2))
    yield made
    await engine.dispose()


def _key(entry: dict[str, Any], order: Order) -> tuple[Any, ...]:
    time_key = (entry["occurred_at"], entry["entry_id"])
    return time_key if order.key == "time" else (entry[order.key] or "", *time_key)


async def _walk(
    sessions: async_sessionmaker[AsyncSession], order: Order, *, backwards: bool
) -> list[str]:
    """Every page, from the first on (or from the last one back), as the links lead."""
    pages: list[list[str]] = []
    position, last, link = None, backwards, "previous" if backwards else "next"
    while True:
        async with sessions() as session:
            page = await search(session, ALL, order=order, limit=5, position=position, last=last)
        assert page["total"] == 23
        keys = [_key(entry, order) for entry in page["entries"]]
        assert keys == sorted(keys, reverse=order.descending)
        pages.append([entry["entry_id"] for entry in page["entries"]])
        if page[link] is None:
            break
        position, last = decode_position(page[link], order), False
    ordered = pages[::-1] if backwards else pages
    return [entry_id for entries in ordered for entry_id in entries]


@pytest.mark.parametrize("key", SORTS)
@pytest.mark.parametrize("descending", [True, False])
async def test_pages_forwards_and_backwards_hold_every_entry_once_in_order(
    sessions: async_sessionmaker[AsyncSession], key: str, descending: bool
) -> None:
    order = Order(key=key, descending=descending)
    forwards = await _walk(sessions, order, backwards=False)
    assert len(forwards) == len(set(forwards)) == 23
    assert await _walk(sessions, order, backwards=True) == forwards


async def test_the_first_page_is_the_newest_and_a_day_starts_its_own_page(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    newest = Order()
    async with sessions() as session:
        first = await search(session, ALL, order=newest, limit=5)
        assert first["previous"] is None
        assert first["entries"][0]["request_id"] == "k22"
        day = START + timedelta(hours=3)  # [12:00, 13:00): k06, k07 and older below
        jumped = await search(
            session,
            ALL,
            order=newest,
            limit=5,
            position=day_position(newest, START, day),
        )
        assert [entry["request_id"] for entry in jumped["entries"]][:1] in (["k05"], ["k04"])
        assert jumped["previous"] is not None  # the newer entries stay reachable
        oldest = Order(descending=False)
        later = await search(
            session, ALL, order=oldest, limit=5, position=day_position(oldest, day, day)
        )
        assert {entry["request_id"] for entry in later["entries"][:2]} == {"k06", "k07"}


async def test_a_position_of_another_order_is_refused() -> None:
    time_position = "WyJuZXh0IiwiMjAyNi0xMS0wMlQwOTowMDowMC4wMDAwMDBaIiwiYSJd"
    assert decode_position(time_position, Order()).step == "next"
    with pytest.raises(InvalidQuery):
        decode_position(time_position, Order(key="authority"))
    with pytest.raises(InvalidQuery):
        decode_position("not a cursor", Order())
