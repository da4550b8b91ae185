"""The hash-chained ledger: serialised under concurrency, every kind of tampering detected."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from hub.audit.ledger.chain import CHAINED_COLUMNS
from hub.db import create_sync_engine
from tests.fixtures.factories import import_persons, person
from tests.fixtures.ledger import ledger_rows, tamper, write_checkpoint_at
from tests.fixtures.melderegister_queries import URL, query
from tests.fixtures.tokens import TokenFactory


@pytest.fixture
def key_dir(tmp_path: Path) -> Path:
    return tmp_path / "keys"  # the app fixture's Settings.key_dir


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
    tamper(database_url, statement)  # past the append-only triggers, as a superuser could


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


async def test_inserted_entry_is_detected(
    http: httpx.AsyncClient, audited: str, clean_database: str
) -> None:
    # A forged copy of entry 5 appended as seq 6 with a fresh id: prev_hash/hash do not fit.
    columns = ", ".join(c for c in CHAINED_COLUMNS if c not in {"seq", "entry_id"})
    _sql(
        clean_database,
        f"INSERT INTO ledger_entries (seq, entry_id, {columns}, entry_hash) "
        # A constant forged hash: deriving it from entry 5's could reproduce that very hash.
        f"SELECT 6, 'forged-entry', {columns}, '{'f' * 64}' "
        "FROM ledger_entries WHERE seq = 5",
    )
    report = await _verify(http, audited)
    assert report["ok"] is False
    assert report["first_broken"]["seq"] == 6  # type: ignore[index]


async def test_deleting_the_newest_entries_is_detected_by_a_checkpoint(
    http: httpx.AsyncClient, audited: str, clean_database: str, key_dir: Path
) -> None:
    assert await write_checkpoint_at(clean_database, key_dir) == 5
    assert (await _verify(http, audited))["ok"] is True
    _sql(clean_database, "DELETE FROM ledger_entries WHERE seq >= 4")
    report = await _verify(http, audited)
    assert report["ok"] is False
    assert report["first_broken"]["seq"] == 4  # type: ignore[index]


async def test_application_cannot_update_or_delete(audited: str, clean_database: str) -> None:
    engine = create_sync_engine(clean_database)
    try:
        for statement in (
            "UPDATE ledger_entries SET purpose = 'x' WHERE seq = 1",
            "DELETE FROM ledger_entries WHERE seq = 1",
        ):
            with engine.begin() as connection:
                if connection.dialect.name == "postgresql":
                    connection.execute(text("SET LOCAL ROLE hub_app"))
                with pytest.raises(DBAPIError):
                    connection.execute(text(statement))
    finally:
        engine.dispose()
    assert len(ledger_rows(clean_database)) == 5
