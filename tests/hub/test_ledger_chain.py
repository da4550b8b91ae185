"""The hash-chained ledger: serialised under concurrency, every kind of tampering detected."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from sqlalchemy import text

from hub.db import create_sync_engine
from tests.fixtures.factories import import_persons, person
from tests.hub.conftest import TokenFactory
from tests.hub.ledger_helpers import ledger_rows
from tests.hub.test_query_melderegister import URL, query


@pytest.fixture
async def audited(http: httpx.AsyncClient, token_for: TokenFactory, clean_database: str) -> str:
    """Five ledger entries of mixed outcomes, and an auditor's token."""
    import_persons(clean_database, [person("P-1")])
    token = await token_for("wohngeldstelle")
    for body in (
        query(),
        query(case_reference=None),
        query(),
        query(fields=["shoe_size"]),
        query(),
    ):
        await http.post(URL, json=body, headers={"Authorization": f"Bearer {token}"})
    return await token_for("meldebehoerde", scopes=["audit:read"])


def _sql(database_url: str, statement: str) -> None:
    engine = create_sync_engine(database_url)
    with engine.begin() as connection:
        connection.execute(text(statement))
    engine.dispose()


async def _verify(http: httpx.AsyncClient, token: str) -> dict[str, object]:
    response = await http.get("/v1/audit/verify", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    return dict(response.json())


async def test_intact_chain_verifies(http: httpx.AsyncClient, audited: str) -> None:
    assert await _verify(http, audited) == {"ok": True, "entries": 5}


async def test_altered_entry_is_named(
    http: httpx.AsyncClient, audited: str, clean_database: str
) -> None:
    _sql(clean_database, "UPDATE ledger_entries SET purpose = 'hundesteuer' WHERE seq = 3")
    report = await _verify(http, audited)
    assert report["ok"] is False
    assert report["first_broken"] == {
        "seq": 3,
        "problem": "entry_hash does not match the entry's content (entry altered)",
    }


async def test_deleted_entry_is_named(
    http: httpx.AsyncClient, audited: str, clean_database: str
) -> None:
    _sql(clean_database, "DELETE FROM ledger_entries WHERE seq = 2")
    report = await _verify(http, audited)
    assert report["ok"] is False
    assert report["first_broken"]["seq"] == 3  # type: ignore[index]


async def test_reordered_entries_are_detected(
    http: httpx.AsyncClient, audited: str, clean_database: str
) -> None:
    # Swap the sequence numbers of entries 2 and 4 (via a free number).
    _sql(clean_database, "UPDATE ledger_entries SET seq = 100 WHERE seq = 2")
    _sql(clean_database, "UPDATE ledger_entries SET seq = 2 WHERE seq = 4")
    _sql(clean_database, "UPDATE ledger_entries SET seq = 4 WHERE seq = 100")
    report = await _verify(http, audited)
    assert report["ok"] is False
    assert report["first_broken"]["seq"] == 2  # type: ignore[index]


async def test_concurrent_queries_keep_one_unbroken_chain(
    http: httpx.AsyncClient, token_for: TokenFactory, clean_database: str
) -> None:
    import_persons(clean_database, [person("P-1")])
    token = await token_for("wohngeldstelle")
    responses = await asyncio.gather(
        *(
            http.post(URL, json=query(), headers={"Authorization": f"Bearer {token}"})
            for _ in range(20)
        )
    )
    assert [r.status_code for r in responses] == [200] * 20
    rows = ledger_rows(clean_database)
    assert [row["seq"] for row in rows] == list(range(1, 21))
    assert all(rows[i]["prev_hash"] == rows[i - 1]["entry_hash"] for i in range(1, 20))
    auditor = await token_for("meldebehoerde", scopes=["audit:read"])
    assert await _verify(http, auditor) == {"ok": True, "entries": 20}
