"""Floods cost the attacker: the limiter in front of authentication.

Compressed time: windows of one or a few seconds instead of a minute. Refused bearer tokens
and token requests are counted per source address (and wrong secrets per client id) in the
database; past a limit the answer is 429 with ``Retry-After`` and no entry of its own, and
each source's closed window is ledgered once, aggregated, with its count.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from hub.audit.integrity.verify import verify
from hub.clients.service import NewClient
from hub.limits.aggregate_service import OUTCOME, flush
from tests.fixtures.factories import load_default_catalogue, new_client
from tests.fixtures.hub_app import HUB_URL, hub_settings, running_hub
from tests.fixtures.ledger import ledger_rows

QUERY_URL = "/v1/registers/melderegister/queries"
ATTACKER, OFFICE = "203.0.113.7", "10.20.30.40"
GARBAGE = {"Authorization": "Bearer not-a-token", "Content-Type": "application/json"}


@asynccontextmanager
async def client_from(app: FastAPI, address: str) -> AsyncIterator[httpx.AsyncClient]:
    """An httpx client whose requests reach the app from ``address``."""
    transport = httpx.ASGITransport(app=app, client=(address, 40000))
    async with httpx.AsyncClient(transport=transport, base_url=HUB_URL) as client:
        yield client


def _limits(**values: Any) -> dict[str, Any]:
    settings = {"window_seconds": 60, "flush_seconds": 60, **values}
    return {"auth_limit": settings}


@pytest.fixture
def office_client(clean_database: str) -> NewClient:
    load_default_catalogue(clean_database)
    return new_client(clean_database, authority="wohngeldstelle")


async def _token(http: httpx.AsyncClient, client: NewClient, secret: str | None = None) -> int:
    response = await http.post(
        "/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(client.client_id, secret or client.client_secret),
    )
    return response.status_code


async def _bearer_token(http: httpx.AsyncClient, client: NewClient) -> dict[str, str]:
    response = await http.post(
        "/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(client.client_id, client.client_secret),
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


def _aggregates(database_url: str) -> list[dict[str, Any]]:
    return [row for row in ledger_rows(database_url) if row["outcome"] == OUTCOME]


def _reason(entry: dict[str, Any], name: str) -> str:
    [value] = [str(r).split(":", 1)[1] for r in entry["reasons"] if str(r).startswith(f"{name}:")]
    return value


async def _wait_for_closed_windows(app: FastAPI) -> None:
    """Until every window of the flood is past the flush's grace (whole seconds, so +1)."""
    settings = app.state.settings.auth_limit
    await asyncio.sleep(settings.window_seconds + 2 * settings.flush_seconds + 3.1)


async def test_a_flood_grows_the_ledger_by_a_bounded_number_of_entries(
    clean_database: str, tmp_path: Path, office_client: NewClient
) -> None:
    """Garbage tokens for 3 s in windows of 1 s while an office keeps querying."""
    settings = hub_settings(
        clean_database,
        tmp_path,
        **_limits(window_seconds=1, failures_per_source=5, flush_seconds=0.2),
    )
    statuses: dict[int, int] = {}
    office_statuses: list[int] = []
    async with (
        running_hub(settings) as app,
        client_from(app, ATTACKER) as attacker,
        client_from(app, OFFICE) as office,
    ):
        headers = await _bearer_token(office, office_client)
        before = len(ledger_rows(clean_database))
        started = time.monotonic()
        while time.monotonic() - started < 3:
            for _ in range(10):
                answer = await attacker.post(QUERY_URL, content=b"{}", headers=GARBAGE)
                statuses[answer.status_code] = statuses.get(answer.status_code, 0) + 1
                if answer.status_code == 429:
                    assert int(answer.headers["retry-after"]) >= 1
                    assert answer.headers["content-type"] == "application/problem+json"
            office_statuses.append((await office.get("/v1/registers", headers=headers)).status_code)
        windows_touched = math.ceil(time.monotonic() - started) + 1
        await _wait_for_closed_windows(app)
        await flush(app.state.auth_limiter, app.state.ledger_writer)
        entries = ledger_rows(clean_database)[before:]
    assert set(office_statuses) == {200}
    assert set(statuses) == {401, 429}
    # Per window of 1 s at most 5 single 401 entries and one aggregate: the ledger grows with
    # the flood's duration, not with its number of requests.
    assert len(entries) <= windows_touched * (5 + 1)
    aggregated = [row for row in entries if row["outcome"] == OUTCOME]
    assert len(aggregated) >= 3
    assert sum(int(_reason(row, "rate_limited")) for row in aggregated) == statuses[429]
    for row in entries:
        if row["outcome"] == OUTCOME:
            assert _reason(row, "source") == ATTACKER
            assert row["http_status"] == 429
            assert row["client_id"] is None


async def test_a_valid_token_is_never_limited(
    clean_database: str, tmp_path: Path, office_client: NewClient
) -> None:
    """Same address as the flood: refused tokens are counted, valid ones pass."""
    settings = hub_settings(clean_database, tmp_path, **_limits(failures_per_source=3))
    async with running_hub(settings) as app, client_from(app, ATTACKER) as http:
        headers = await _bearer_token(http, office_client)
        refused = [
            (await http.post(QUERY_URL, content=b"{}", headers=GARBAGE)).status_code
            for _ in range(6)
        ]
        assert refused == [401, 401, 401, 429, 429, 429]
        assert (await http.get("/v1/registers", headers=headers)).status_code == 200


async def test_the_limit_ends_with_its_window(
    clean_database: str, tmp_path: Path, office_client: NewClient
) -> None:
    """Nobody is locked out for good: after Retry-After the address is answered again."""
    settings = hub_settings(
        clean_database, tmp_path, **_limits(window_seconds=1, failures_per_source=2)
    )
    async with running_hub(settings) as app, client_from(app, ATTACKER) as http:
        # A one-second window: on a busy machine three refusals may fall into two windows,
        # so refuse until the limit answers (two per window, a few windows at most).
        for _ in range(8):
            limited = await http.post(QUERY_URL, content=b"{}", headers=GARBAGE)
            if limited.status_code == 429:
                break
        assert limited.status_code == 429
        await asyncio.sleep(int(limited.headers["retry-after"]) + 0.05)
        again = await http.post(QUERY_URL, content=b"{}", headers=GARBAGE)
        assert again.status_code == 401


async def test_two_processes_share_the_limit(
    clean_database: str, tmp_path: Path, office_client: NewClient
) -> None:
    """Two apps on one database, as two workers or replicas: their refusals add up."""
    settings = hub_settings(clean_database, tmp_path, **_limits(failures_per_source=6))
    async with (
        running_hub(settings) as first,
        running_hub(settings) as second,
        client_from(first, ATTACKER) as http_a,
        client_from(second, ATTACKER) as http_b,
    ):
        on_a = [(await http_a.post(QUERY_URL, headers=GARBAGE)).status_code for _ in range(4)]
        on_b = [(await http_b.post(QUERY_URL, headers=GARBAGE)).status_code for _ in range(4)]
    assert on_a == [401] * 4
    assert on_b == [401, 401, 429, 429]


async def test_wrong_secrets_limit_the_client_id_from_any_address(
    clean_database: str, tmp_path: Path, office_client: NewClient
) -> None:
    """Guessing one client's secret: after 3 failures even the right secret waits."""
    settings = hub_settings(clean_database, tmp_path, **_limits(failures_per_client=3))
    other = new_client(clean_database, authority="sozialamt")
    async with (
        running_hub(settings) as app,
        client_from(app, ATTACKER) as attacker,
        client_from(app, "198.51.100.9") as elsewhere,
        client_from(app, OFFICE) as office,
    ):
        guesses = [await _token(attacker, office_client, "guess") for _ in range(3)]
        assert guesses == [401, 401, 401]
        assert await _token(elsewhere, office_client, "guess") == 429
        limited = await office.post(
            "/oauth/token",
            data={"grant_type": "client_credentials"},
            auth=(office_client.client_id, office_client.client_secret),
        )
        assert limited.status_code == 429
        assert limited.headers["content-type"] == "application/problem+json"
        assert int(limited.headers["retry-after"]) >= 1
        assert await _token(office, other) == 200  # other clients are not affected


async def test_token_requests_per_address_are_limited(
    clean_database: str, tmp_path: Path, office_client: NewClient
) -> None:
    settings = hub_settings(clean_database, tmp_path, **_limits(token_requests_per_source=4))
    async with running_hub(settings) as app, client_from(app, ATTACKER) as http:
        answers = [await _token(http, office_client, f"guess-{n}") for n in range(6)]
    assert answers == [401, 401, 401, 401, 429, 429]


async def test_refused_secrets_are_ledgered_aggregated_and_the_chain_verifies(
    clean_database: str, tmp_path: Path, office_client: NewClient
) -> None:
    settings = hub_settings(
        clean_database,
        tmp_path,
        **_limits(window_seconds=1, flush_seconds=0.2, failures_per_client=100),
    )
    async with running_hub(settings) as app, client_from(app, ATTACKER) as http:
        for _ in range(4):
            assert await _token(http, office_client, "guess") == 401
        await _wait_for_closed_windows(app)
        await flush(app.state.auth_limiter, app.state.ledger_writer)
        await flush(app.state.auth_limiter, app.state.ledger_writer)  # nothing twice
        async with app.state.sessionmaker() as session:
            report = await verify(session)
    aggregates = _aggregates(clean_database)
    assert sum(int(_reason(row, "refused")) for row in aggregates) == 4
    assert all(row["http_status"] == 401 for row in aggregates)
    assert report.ok
