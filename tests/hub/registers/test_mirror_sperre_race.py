"""A Sperre pushed while queries for the person run: no answer after the ack releases her.

The hub runs as ``hub serve`` (real HTTP, SQLite file and PostgreSQL), with one worker and
with two (the push lands on one, queries on both). Query loops ask for P-1 without pause;
the register's procedure pushes her new Auskunftssperre. Every answer that arrives after the
push's acknowledgement, and every query sent after it, must be neutral; before the push the
same query was released (so the test can fail).
"""

from __future__ import annotations

import asyncio
import subprocess
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from hub.db import create_sync_engine
from hub.models.drain import DrainWorker
from tests.fixtures.changes import upsert
from tests.fixtures.factories import blocked, import_persons, load_default_catalogue, person
from tests.fixtures.melderegister_queries import URL, query
from tests.fixtures.paths import REPO
from tests.fixtures.served_hub import HUB, hub_environment, start_hub
from tests.fixtures.servers import free_port

LOOPS = 8
BEFORE_PUSH_SECONDS = 1.5
AFTER_PUSH_SECONDS = 1.5


@dataclass
class Observed:
    """(sent, received, outcome) per answer, on the test's monotonic clock."""

    answers: list[tuple[float, float, str]] = field(default_factory=list)
    stop: asyncio.Event = field(default_factory=asyncio.Event)


async def _token(http: httpx.AsyncClient, database_url: str, authority: str, scope: str) -> str:
    from tests.fixtures.factories import new_client  # noqa: PLC0415

    client = new_client(database_url, authority=authority, scopes=[scope])
    response = await http.post(
        "/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(client.client_id, client.client_secret),
    )
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


async def _ask_until_stopped(http: httpx.AsyncClient, token: str, seen: Observed) -> None:
    headers = {"Authorization": f"Bearer {token}"}
    while not seen.stop.is_set():
        sent = time.monotonic()
        response = await http.post(URL, json=query(), headers=headers)
        received = time.monotonic()
        assert response.status_code == 200, response.text
        seen.answers.append((sent, received, str(response.json()["outcome"])))


async def _race(port: int, database_url: str) -> tuple[float, Observed]:
    limits = httpx.Limits(max_connections=LOOPS + 2)
    async with httpx.AsyncClient(
        base_url=f"http://127.0.0.1:{port}", timeout=30, limits=limits
    ) as http:
        asker = await _token(http, database_url, "wohngeldstelle", "register:query")
        writer = await _token(http, database_url, "meldebehoerde", "register:write")
        seen = Observed()
        loops = [asyncio.create_task(_ask_until_stopped(http, asker, seen)) for _ in range(LOOPS)]
        await asyncio.sleep(BEFORE_PUSH_SECONDS)
        now = datetime.now(UTC).isoformat().replace("+00:00", "Z")
        push = await http.post(
            "/v1/registers/melderegister/changes",
            content=upsert(1, person("P-1", blocks=blocked()), at=now).encode(),
            headers={"Authorization": f"Bearer {writer}", "Content-Type": "application/jsonl"},
        )
        acknowledged = time.monotonic()
        assert push.status_code == 200, push.text
        await asyncio.sleep(AFTER_PUSH_SECONDS)
        seen.stop.set()
        await asyncio.wait_for(asyncio.gather(*loops), timeout=30)
    return acknowledged, seen


def _serve_workers(database_url: str, tmp_path: Path, port: int) -> subprocess.Popen[bytes]:
    """``hub serve --workers 2``, ready once both workers have registered for the drain."""
    log = (tmp_path / "server.log").open("wb")
    server = subprocess.Popen(  # noqa: S603 - our own CLI, fixed arguments
        [str(HUB), "serve", "--port", str(port), "--workers", "2"],
        cwd=REPO,
        env=hub_environment(database_url, tmp_path),
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    log.close()
    engine = create_sync_engine(database_url)
    try:
        deadline = time.monotonic() + 40
        while time.monotonic() < deadline:
            with engine.connect() as connection:
                workers = connection.execute(select(func.count()).select_from(DrainWorker))
                if workers.scalar_one() == 2:
                    return server
            time.sleep(0.2)
    finally:
        engine.dispose()
    server.kill()
    log_text = (tmp_path / "server.log").read_text("utf-8", errors="replace")
    raise AssertionError(f"hub serve --workers 2 did not start:\n{log_text[-3000:]}")


@pytest.mark.parametrize("workers", [1, 2])
def test_no_answer_after_the_acknowledgement_releases_the_person(
    clean_database: str, tmp_path: Path, workers: int
) -> None:
    load_default_catalogue(clean_database)
    import_persons(clean_database, [person("P-1")])
    port = free_port()
    start = start_hub if workers == 1 else _serve_workers
    server = start(clean_database, tmp_path, port)
    try:
        acknowledged, seen = asyncio.run(_race(port, clean_database))
    finally:
        server.terminate()
        server.wait(timeout=20)
    released_before = [a for a in seen.answers if a[1] < acknowledged and a[2] == "released"]
    assert released_before, "the person was never released before the push: no race to test"
    after = [a for a in seen.answers if a[1] > acknowledged]
    assert len(after) >= LOOPS, "too few answers after the acknowledgement"
    leaked = [a for a in after if a[2] != "neutral"]
    assert leaked == [], f"{len(leaked)} answers after the acknowledgement released P-1"
    sent_after = [a for a in seen.answers if a[0] > acknowledged]
    assert sent_after and all(a[2] == "neutral" for a in sent_after)
