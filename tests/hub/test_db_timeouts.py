"""Client-side database bounds (hub.db): a silent database costs a bounded wait and a 503,
never an answer without its ledger entry. Frozen backends (SIGSTOP) and locks held by another
connection of the test's own database stand for a database that does not answer.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from fastapi import FastAPI
from sqlalchemy import exc as sa_exc
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection

from hub.db import ClientTimeouts, create_hub_engine
from tests.fixtures.factories import import_persons, load_default_catalogue, person
from tests.fixtures.hub_app import asgi_client, client_token, hub_settings, running_hub
from tests.fixtures.ledger import ledger_rows
from tests.fixtures.melderegister_queries import URL, query

PROBLEM = "application/problem+json"
BOUND_MS = 400


def _postgres_only(url: str) -> None:
    if make_url(url).get_backend_name() != "postgresql":
        pytest.skip("a frozen PostgreSQL backend")


@contextmanager
def _frozen(pid: int) -> Iterator[None]:
    """The backend process stops (as a hung server would); SIGCONT afterwards, always."""
    os.kill(pid, signal.SIGSTOP)
    try:
        yield
    finally:
        os.kill(pid, signal.SIGCONT)


async def _backend_pid(connection: AsyncConnection) -> int:
    return int((await connection.execute(text("SELECT pg_backend_pid()"))).scalar_one())


async def test_a_frozen_backend_fails_the_statement_within_the_bound(
    clean_database: str,
) -> None:
    _postgres_only(clean_database)
    engine = create_hub_engine(
        clean_database,
        pool_size=1,
        statement_timeout_ms=60_000,  # the server would never end it: the client must
        timeouts=ClientTimeouts(round_trip_ms=BOUND_MS),
    )
    try:
        async with engine.connect() as connection:
            pid = await _backend_pid(connection)
            with _frozen(pid):
                started = time.monotonic()
                with pytest.raises(sa_exc.OperationalError) as failure:
                    await connection.execute(text("SELECT 1"))
                waited = time.monotonic() - started
        assert failure.value.connection_invalidated  # the pool will not hand it out again
        assert BOUND_MS / 1000 <= waited < BOUND_MS / 1000 + 1.0
        async with engine.connect() as connection:  # recovery: a fresh connection at once
            assert await _backend_pid(connection) != pid
    finally:
        await engine.dispose()


@pytest.fixture
async def bounded_app(clean_database: str, tmp_path: Path) -> AsyncIterator[FastAPI]:
    """The hub with short client bounds and a server-side statement timeout far beyond them."""
    load_default_catalogue(clean_database)
    import_persons(clean_database, [person("P-1")])
    settings = hub_settings(
        clean_database,
        tmp_path,
        statement_timeout_ms=60_000,
        database_client_timeout_ms=BOUND_MS,
        database_busy_timeout_ms=BOUND_MS,
        database_pool_timeout_seconds=0.3,
        database_pool_size=2,
    )
    async with running_hub(settings) as application:
        yield application


@pytest.fixture
async def bounded_http(bounded_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with asgi_client(bounded_app) as client:
        yield client


async def _ask(http: httpx.AsyncClient, token: str) -> tuple[httpx.Response, float]:
    started = time.monotonic()
    response = await http.post(URL, json=query(), headers={"Authorization": f"Bearer {token}"})
    return response, time.monotonic() - started


def _assert_nothing_released(response: httpx.Response, slug: str) -> None:
    assert response.status_code == 503, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    assert response.json()["type"].endswith(f"/{slug}")
    assert "Müller" not in response.text
    assert "records" not in response.json()


@contextmanager
def _ledger_locked(database_url: str) -> Iterator[None]:
    """Another connection holds the lock the ledger write needs, and says nothing."""
    if make_url(database_url).get_backend_name() == "sqlite":
        path = make_url(database_url).database or ""
        holder = sqlite3.connect(path, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")  # the one write lock SQLite has
        try:
            yield
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        return
    plain = make_url(database_url).set(drivername="postgresql")
    with psycopg.connect(plain.render_as_string(hide_password=False)) as locker:
        locker.execute("LOCK TABLE ledger_entries IN ACCESS EXCLUSIVE MODE")
        yield
        locker.rollback()


async def test_an_unanswered_ledger_write_is_503_within_bounds_and_recovers(
    bounded_http: httpx.AsyncClient, clean_database: str
) -> None:
    token = await client_token(bounded_http, clean_database, authority="wohngeldstelle")
    first, _ = await _ask(bounded_http, token)
    assert first.status_code == 200
    with _ledger_locked(clean_database):
        refused, waited = await _ask(bounded_http, token)
    _assert_nothing_released(refused, "audit-unavailable")
    # The writer tries the batch, then the unit once more on a fresh connection: two bounds.
    assert waited < 4 * BOUND_MS / 1000 + 1.0
    again, _ = await _ask(bounded_http, token)  # no restart needed
    assert again.status_code == 200
    answered = {first.headers["X-Request-ID"], again.headers["X-Request-ID"]}
    # Every answer has its entry. The refused call may have one too: PostgreSQL may still run
    # what it had received once the lock is gone (an entry without an answer is allowed).
    written = {row["request_id"] for row in ledger_rows(clean_database)}
    assert answered <= written <= answered | {refused.headers["X-Request-ID"]}


async def test_a_frozen_ledger_connection_costs_one_bound_not_the_answer(
    bounded_app: FastAPI, bounded_http: httpx.AsyncClient, clean_database: str
) -> None:
    """What the bound is for: the writer's kept connection hangs; a fresh one writes the retry."""
    _postgres_only(clean_database)
    token = await client_token(bounded_http, clean_database, authority="wohngeldstelle")
    first, _ = await _ask(bounded_http, token)
    assert first.status_code == 200
    kept: Any = bounded_app.state.ledger_writer._connection
    assert kept is not None
    with _frozen(await _backend_pid(kept)):
        second, waited = await _ask(bounded_http, token)
    assert second.status_code == 200
    assert waited < BOUND_MS / 1000 + 1.5
    answered = {first.headers["X-Request-ID"], second.headers["X-Request-ID"]}
    assert {row["request_id"] for row in ledger_rows(clean_database)} == answered


async def test_an_exhausted_pool_is_503_after_the_checkout_bound(
    bounded_app: FastAPI, bounded_http: httpx.AsyncClient, clean_database: str
) -> None:
    token = await client_token(
        bounded_http, clean_database, authority="wohngeldstelle", scopes=["catalogue:read"]
    )
    held: list[AsyncConnection] = []
    try:
        while True:  # every pooled connection taken (the ledger writer may keep one)
            try:
                held.append(await bounded_app.state.engine.connect())
            except sa_exc.TimeoutError:
                break
        started = time.monotonic()
        response = await bounded_http.get(
            "/v1/catalogue/datasets", headers={"Authorization": f"Bearer {token}"}
        )
        waited = time.monotonic() - started
    finally:
        for connection in held:
            await connection.close()
    _assert_nothing_released(response, "database-unavailable")
    assert waited < 2.0
    ok = await bounded_http.get(
        "/v1/catalogue/datasets", headers={"Authorization": f"Bearer {token}"}
    )
    assert ok.status_code == 200
