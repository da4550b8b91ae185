"""``kill -9`` of the real server under load: no answer that arrived lacks its ledger entry.

The hub runs as ``hub serve`` in a child process over the test database (a SQLite file, and
PostgreSQL when configured); 32 client loops query it over HTTP until the process is killed
with SIGKILL. Every answer that arrived completely must then have exactly one ledger entry
(by its ``X-Request-ID``), every released hit ID its hit reference, and ``hub audit verify``
must pass. Answers lost in flight may have entries; that is allowed.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import subprocess
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from hub.models import HitRef
from tests.fixtures.factories import (
    blocked,
    import_persons,
    load_default_catalogue,
    new_client,
    person,
)
from tests.fixtures.ledger import ledger_rows, table_rows
from tests.fixtures.melderegister_queries import URL, query
from tests.fixtures.paths import REPO
from tests.fixtures.served_hub import HUB, hub_environment, start_hub
from tests.fixtures.servers import free_port

LOOPS = 32
KILL_AFTER_ANSWERS = 300
KILL_AFTER_SECONDS = 8.0
MATCHES: tuple[dict[str, Any], ...] = (
    query(),  # released
    query(match={"name": "Niemand", "given_names": "Nora", "birth_date": "1999-09-09"}),
    query(match={"name": "Groß", "given_names": "Erika", "birth_date": "1964-08-12"}),  # held
    query(purpose="strafverfolgung"),  # denied
    query(fields=["name", "no_such_field"]),  # invalid
)


@dataclass
class Received:
    """Answers that arrived completely, and how many requests died with the server."""

    answers: list[tuple[int, str, dict[str, Any]]] = field(default_factory=list)
    lost: int = 0
    enough: asyncio.Event = field(default_factory=asyncio.Event)


async def _loop(
    http: httpx.AsyncClient, headers: dict[str, str], number: int, received: Received
) -> None:
    for turn in range(10_000):
        body = MATCHES[(number + turn) % len(MATCHES)]
        try:
            response = await http.post(URL, json=body, headers=headers)
        except httpx.TransportError:
            received.lost += 1
            return
        received.answers.append(
            (response.status_code, response.headers["X-Request-ID"], response.json())
        )
        if len(received.answers) >= KILL_AFTER_ANSWERS:
            received.enough.set()


async def _load_until_killed(port: int, token: str, server: subprocess.Popen[bytes]) -> Received:
    received = Received()
    headers = {"Authorization": f"Bearer {token}"}
    limits = httpx.Limits(max_connections=LOOPS, max_keepalive_connections=LOOPS)
    async with httpx.AsyncClient(
        base_url=f"http://127.0.0.1:{port}", timeout=30, limits=limits
    ) as http:
        loops = [asyncio.create_task(_loop(http, headers, n, received)) for n in range(LOOPS)]
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(received.enough.wait(), timeout=KILL_AFTER_SECONDS)
        os.kill(server.pid, signal.SIGKILL)  # mid-load: every loop has a request in flight
        await asyncio.wait_for(asyncio.gather(*loops), timeout=30)
    return received


def _token(port: int, database_url: str) -> str:
    client = new_client(database_url, authority="wohngeldstelle")
    response = httpx.post(
        f"http://127.0.0.1:{port}/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(client.client_id, client.client_secret),
    )
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


def _not_written(status: int, body: dict[str, Any]) -> bool:
    """The writer's own refusal: 503 audit-unavailable, the only answer without an entry."""
    return status == 503 and str(body.get("type", "")).endswith("/audit-unavailable")


def test_kill_9_under_load_loses_no_entry_of_a_sent_answer(
    clean_database: str, tmp_path: Path
) -> None:
    load_default_catalogue(clean_database)
    held = person(
        "P-3", name="Groß", given_names=("Erika",), birth_date="1964-08-12", blocks=blocked()
    )
    import_persons(clean_database, [person("P-1"), held])
    port = free_port()
    server = start_hub(clean_database, tmp_path, port)
    try:
        token = _token(port, clean_database)
        received = asyncio.run(_load_until_killed(port, token, server))
    finally:
        server.kill()
        server.wait(timeout=10)
    assert server.returncode == -signal.SIGKILL
    assert len(received.answers) >= 50, "the load never got going"
    assert received.lost > 0, "the kill did not hit requests in flight"
    statuses = Counter(status for status, _, _ in received.answers)
    assert {200, 403, 422} <= set(statuses), statuses

    entries = Counter(row["request_id"] for row in ledger_rows(clean_database))
    sent = [(rid, body) for status, rid, body in received.answers if not _not_written(status, body)]
    missing = [rid for rid, _ in sent if entries[rid] != 1]
    assert missing == [], f"{len(missing)} sent answers without exactly one entry"
    refs = {row["hit_id"] for row in table_rows(clean_database, HitRef.__table__)}
    released = [r["hit_id"] for _, body in sent for r in body.get("records", [])]
    assert released and set(released) <= refs

    verify = subprocess.run(  # noqa: S603 - our own CLI, fixed arguments
        [str(HUB), "audit", "verify"],
        cwd=REPO,
        env=hub_environment(clean_database, tmp_path),
        capture_output=True,
        check=False,
        timeout=60,
    )
    assert verify.returncode == 0, verify.stdout + verify.stderr
    report = json.loads(verify.stdout)
    assert report["ok"] is True
    assert report["entries"] >= len(sent)
