"""A Sperre pushed through one worker waits for the answers another worker is still sending.

Two apps on one database stand for two ``hub serve`` workers (or replicas). App A answers a
query about P-1 and is held at its last byte; the Sperre is pushed through app B. B may
acknowledge only after A's answer went out (hub.registers.drain).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import insert
from starlette.types import Message, Receive, Scope, Send

from hub.db import create_sync_engine
from hub.models.drain import DrainWorker
from hub.registers.commands import sync_file
from tests.fixtures.changes import upsert
from tests.fixtures.factories import (
    blocked,
    import_persons,
    load_default_catalogue,
    person,
    settings_for,
)
from tests.fixtures.hub_app import HUB_URL, asgi_client, client_token, hub_settings, running_hub
from tests.fixtures.melderegister_queries import URL, query

_MELDE = "melderegister"
CHANGES = f"/v1/registers/{_MELDE}/changes"
PROBLEM = "application/problem+json"
NOTICE_SECONDS = 0.8  # several watcher polls (0.1 s) and confirmation polls (0.05 s)


class HeldAnswers:
    """App A as its client sees it: a query's last byte waits until ``release`` is set."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app
        self.holding = asyncio.Event()
        self.release = asyncio.Event()
        self.sent_at: float | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def held_send(message: Message) -> None:
            if message["type"] == "http.response.body" and not message.get("more_body", False):
                self.holding.set()
                await self.release.wait()
                self.sent_at = time.monotonic()
            await send(message)

        await self.app(scope, receive, held_send)


@dataclass
class TwoWorkers:
    held: HeldAnswers
    a: httpx.AsyncClient  # through the held app
    b: httpx.AsyncClient
    asker: str
    writer: str


@asynccontextmanager
async def two_workers(
    database_url: str, tmp_path: Path, **b_settings: Any
) -> AsyncIterator[TwoWorkers]:
    load_default_catalogue(database_url)
    import_persons(database_url, [person("P-1")])
    async with (
        running_hub(hub_settings(database_url, tmp_path)) as first,
        running_hub(hub_settings(database_url, tmp_path, **b_settings)) as second,
        asgi_client(second) as b,
    ):
        held = HeldAnswers(first)
        transport = httpx.ASGITransport(app=held)
        async with httpx.AsyncClient(transport=transport, base_url=HUB_URL, timeout=30) as a:
            asker = await client_token(b, database_url, authority="wohngeldstelle")
            writer = await client_token(
                b, database_url, authority="meldebehoerde", scopes=["register:write"]
            )
            yield TwoWorkers(held, a, b, asker, writer)


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _change(record: dict[str, Any]) -> str:
    return upsert(1, record, at=datetime.now(UTC).isoformat().replace("+00:00", "Z"))


async def _push(http: httpx.AsyncClient, token: str, line: str) -> httpx.Response:
    headers = {**_bearer(token), "Content-Type": "application/jsonl"}
    return await http.post(CHANGES, content=line.encode(), headers=headers)


async def _push_sperre(http: httpx.AsyncClient, token: str) -> httpx.Response:
    return await _push(http, token, _change(person("P-1", blocks=blocked())))


async def _outcome(http: httpx.AsyncClient, token: str) -> str:
    response = await http.post(URL, json=query(), headers=_bearer(token))
    assert response.status_code == 200, response.text
    return str(response.json()["outcome"])


async def _hold_a_query(workers: TwoWorkers) -> asyncio.Task[httpx.Response]:
    asked = asyncio.create_task(workers.a.post(URL, json=query(), headers=_bearer(workers.asker)))
    await asyncio.wait_for(workers.held.holding.wait(), timeout=10)
    return asked


async def test_the_acknowledgement_waits_for_an_answer_of_another_worker(
    clean_database: str, tmp_path: Path
) -> None:
    async with two_workers(clean_database, tmp_path) as workers:
        asked = await _hold_a_query(workers)  # A read P-1 before the Sperre; not sent yet
        push = asyncio.create_task(_push_sperre(workers.b, workers.writer))
        await asyncio.sleep(NOTICE_SECONDS)
        assert not push.done(), "B acknowledged while A was still sending an earlier answer"
        workers.held.release.set()
        answer = await asyncio.wait_for(asked, timeout=10)
        response = await asyncio.wait_for(push, timeout=10)
        acknowledged = time.monotonic()
        assert response.status_code == 200, response.text
        assert answer.json()["outcome"] == "released"  # the race was real
        assert workers.held.sent_at is not None and workers.held.sent_at < acknowledged
        assert await _outcome(workers.a, workers.asker) == "neutral"
        assert await _outcome(workers.b, workers.asker) == "neutral"


async def test_a_change_without_a_sperre_does_not_wait_for_other_workers(
    clean_database: str, tmp_path: Path
) -> None:
    async with two_workers(clean_database, tmp_path) as workers:
        asked = await _hold_a_query(workers)
        renamed = _change(person("P-1", name="Neumann"))
        response = await asyncio.wait_for(_push(workers.b, workers.writer, renamed), timeout=5)
        assert response.status_code == 200, response.text
        workers.held.release.set()
        await asyncio.wait_for(asked, timeout=10)


async def test_past_the_bound_the_push_is_refused_but_applied(
    clean_database: str, tmp_path: Path
) -> None:
    async with two_workers(
        clean_database, tmp_path, push_acknowledgement_timeout_seconds=1.0
    ) as workers:
        asked = await _hold_a_query(workers)
        response = await asyncio.wait_for(_push_sperre(workers.b, workers.writer), timeout=10)
        assert response.status_code == 503, response.text
        assert response.headers["content-type"] == PROBLEM
        problem = response.json()
        assert problem["type"].endswith("/acknowledgement-unconfirmed")
        assert "applied" in problem["detail"]
        assert await _outcome(workers.b, workers.asker) == "neutral"  # committed all the same
        workers.held.release.set()
        await asyncio.wait_for(asked, timeout=10)
        again = await _push_sperre(workers.b, workers.writer)  # the procedure's retry
        assert again.status_code == 200, again.text
        assert again.json()["skipped"] == 1


@pytest.fixture
async def app(clean_database: str, tmp_path: Path) -> AsyncIterator[FastAPI]:
    load_default_catalogue(clean_database)
    import_persons(clean_database, [person("P-1")])
    async with running_hub(hub_settings(clean_database, tmp_path)) as application:
        yield application


def _add_worker(database_url: str, *, heartbeat_age: float) -> None:
    engine = create_sync_engine(database_url)
    beat = datetime.now(UTC) - timedelta(seconds=heartbeat_age)
    try:
        with engine.begin() as connection:
            connection.execute(
                insert(DrainWorker).values(
                    worker_id="gone", started_at=beat, heartbeat_at=beat, drained_epoch=0
                )
            )
    finally:
        engine.dispose()


async def test_a_worker_without_heartbeat_does_not_hold_the_push(
    app: FastAPI, clean_database: str
) -> None:
    _add_worker(clean_database, heartbeat_age=10)  # a killed process's row stays behind
    async with asgi_client(app) as http:
        writer = await client_token(
            http, clean_database, authority="meldebehoerde", scopes=["register:write"]
        )
        started = time.monotonic()
        response = await _push_sperre(http, writer)
        assert response.status_code == 200, response.text
        assert time.monotonic() - started < 3


async def test_a_worker_whose_drain_loop_stopped_is_not_ready(app: FastAPI) -> None:
    async with asgi_client(app) as http:
        assert (await http.get("/readyz")).json()["checks"]["drain"] == "ok"
        await app.state.drain_reporter.stop()
        response = await http.get("/readyz")
    assert response.status_code == 503
    assert response.json()["failing"] == ["drain"]


async def test_a_file_with_a_sperre_returns_after_the_workers_drained(
    clean_database: str, tmp_path: Path
) -> None:
    async with two_workers(clean_database, tmp_path) as workers:
        asked = await _hold_a_query(workers)
        lines = [_change(person("P-1", blocks=blocked()))]
        synced = asyncio.create_task(
            asyncio.to_thread(
                sync_file, settings_for(clean_database), register=_MELDE, lines=lines, actor="t"
            )
        )
        for _ in range(200):  # until the Sperre is committed
            if await _outcome(workers.b, workers.asker) == "neutral":
                break
            await asyncio.sleep(0.1)
        else:
            raise AssertionError("the file's Sperre was never applied")
        await asyncio.sleep(NOTICE_SECONDS)
        assert not synced.done(), "the sync returned while a worker was still sending"
        workers.held.release.set()
        assert (await asyncio.wait_for(synced, timeout=20))["protection_first"] == 1
        assert (await asyncio.wait_for(asked, timeout=10)).json()["outcome"] == "released"
