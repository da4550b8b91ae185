"""CPU per query in-process, without a server: the steady figure for before/after changes.

``python -m bench.query_cpu [sqlite|postgresql] [queries]`` drives the app's ASGI callable
directly (no sockets, no uvicorn) with the bench's Wohngeldstelle query, one request at a
time, and prints process CPU (all threads) and register/ledger statements per query. On a
busy machine this moves far less than wrk's figures; the server's own share is what
``python -m bench --only http`` adds on top.
"""

from __future__ import annotations

import asyncio
import base64
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import event

from bench import hub_load
from bench.http import REPO
from bench.ledger_throughput import _postgres_server
from hub.app import create_app
from hub.config import Settings

Message = dict[str, Any]


async def call(app: Any, method: str, path: str, headers: dict[str, str], body: bytes) -> Message:
    """One request through the ASGI app; returns status and body."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "client": ("127.0.0.1", 40000),
        "server": ("127.0.0.1", 8000),
    }
    sent = False
    answer: Message = {"status": 0, "body": b""}

    async def receive() -> Message:
        nonlocal sent
        if sent:
            await asyncio.Event().wait()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: Message) -> None:
        if message["type"] == "http.response.start":
            answer["status"] = message["status"]
        elif message["type"] == "http.response.body":
            answer["body"] += message.get("body", b"")

    await app(scope, receive, send)
    return answer


@contextmanager
def counted_statements(app: Any) -> Iterator[dict[str, int]]:
    """Statements sent on the hub's and the adapters' engines."""
    counts = {"statements": 0}

    def count(*_: Any) -> None:
        counts["statements"] += 1

    engines = [app.state.engine.sync_engine] + [
        adapter._mirror.engine.sync_engine
        for adapter in app.state.adapters.values()
        if hasattr(adapter, "_mirror")
    ]
    for engine in engines:
        event.listen(engine, "before_cursor_execute", count)
    try:
        yield counts
    finally:
        for engine in engines:
            event.remove(engine, "before_cursor_execute", count)


async def query_headers(app: Any, register: hub_load.Register) -> dict[str, str]:
    """The bench client's token from the app itself, as headers for the bench query."""
    basic = f"{register.client['client_id']}:{register.client['client_secret']}"
    grant = await call(
        app,
        "POST",
        "/oauth/token",
        {
            "authorization": "Basic " + base64.b64encode(basic.encode()).decode(),
            "content-type": "application/x-www-form-urlencoded",
        },
        b"grant_type=client_credentials",
    )
    token = orjson.loads(grant["body"])["access_token"]
    return {"authorization": f"Bearer {token}", "content-type": "application/json"}


async def run(register: hub_load.Register, queries: int) -> None:
    settings = Settings(
        database_url=register.database_url,
        key_dir=register.key_dir,
        policy_dir=REPO / "policies",
        issuer="http://hub",
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        headers = await query_headers(app, register)
        body = hub_load.query_body(register.persons[0]).encode()
        for _ in range(50):  # warm-up: caches, prepared statements
            answer = await call(app, "POST", hub_load.QUERY_PATH, headers, body)
        if answer["status"] != 200 or orjson.loads(answer["body"])["outcome"] != "released":
            raise RuntimeError(f"the bench query is not released: {answer['body'][:300]!r}")
        with counted_statements(app) as counts:
            cpu, wall = time.process_time(), time.perf_counter()
            for _ in range(queries):
                await call(app, "POST", hub_load.QUERY_PATH, headers, body)
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        print(
            f"{queries} queries: CPU {cpu * 1000 / queries:.3f} ms/query,"
            f" wall {wall * 1000 / queries:.3f} ms/query,"
            f" {counts['statements'] / queries:.1f} statements/query"
        )


def main() -> None:
    backend = sys.argv[1] if len(sys.argv) > 1 else "sqlite"
    queries = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
    postgres = _postgres_server() if backend == "postgresql" else None
    with (
        tempfile.TemporaryDirectory() as scratch,
        hub_load.scratch_register(backend, Path(scratch), postgres) as register,
    ):
        asyncio.run(run(register, queries))


if __name__ == "__main__":
    main()
