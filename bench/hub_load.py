"""The HTTP figures of ``make bench``: bare JWKS document and the query, per backend and workers.

The register holds 21 persons (as first measured); the query is the README's Wohngeldstelle
person search releasing ``name`` and ``addresses``. Each (backend, workers) pair gets its own
``hub serve``; with one worker a second server with ``HUB_STAGE_TIMES_FILE`` measures the CPU
per stage at one connection, since per-stage process CPU only means something one request
at a time.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select

from bench.http import REPO, Load, Server, lua_script, stage_times, wrk
from hub.admin.demo import credentials_file, load_demo
from hub.config import Settings
from hub.db import create_sync_engine
from hub.kit.migrate import upgrade_head

QUERY_PATH = "/v1/registers/melderegister/queries"
JWKS_PATH = "/.well-known/jwks.json"
QUERY_CONNECTIONS = (1, 32, 128)
BARE_CONNECTIONS = 32


@dataclass
class Register:
    """A scratch hub database with the demo population and the Wohngeldstelle's client."""

    database_url: str
    key_dir: Path
    client: dict[str, str]
    persons: list[dict[str, Any]]

    def environment(self, **extra: str) -> dict[str, str]:
        environment = {k: v for k, v in os.environ.items() if not k.startswith("HUB_")}
        environment.update(
            HUB_DATABASE_URL=self.database_url,
            HUB_KEY_DIR=str(self.key_dir),
            HUB_POLICY_DIR=str(REPO / "policies"),
            **extra,
        )
        return environment


def sample_persons(database_url: str, count: int) -> list[dict[str, Any]]:
    """Persons a Wohngeldstelle search releases: no block, alive, not moved away."""
    from adapters.melderegister.tables import MrPerson  # noqa: PLC0415 - bench only

    engine = create_sync_engine(database_url)
    with engine.connect() as connection:
        records = connection.execute(
            select(MrPerson.record)
            .where(
                MrPerson.sperre_basis.is_(None),
                MrPerson.death_date.is_(None),
                MrPerson.moved_away_date.is_(None),
            )
            .order_by(MrPerson.person_id)
            .limit(count)
        ).scalars()
        persons = [dict(record) for record in records]
    engine.dispose()
    return persons


def prepare_register(database_url: str, scratch: Path, *, persons: int) -> Register:
    upgrade_head(database_url)
    settings = Settings(database_url=database_url, key_dir=scratch / "keys")
    load_demo(settings, persons=persons, seed=2026, if_empty=True)  # kept if already there
    clients = json.loads(credentials_file(settings).read_text("utf-8"))["clients"]
    client = next(c for c in clients if c["authority"] == "wohngeldstelle")
    return Register(
        database_url=database_url,
        key_dir=settings.key_dir,
        client=client,
        persons=sample_persons(database_url, 200),
    )


def query_body(person: dict[str, Any]) -> str:
    return json.dumps(
        {
            "kind": "person",
            "purpose": "wohngeld_antrag",
            "case_reference": "WG-2026-0042",
            "user": {"id": "m.schmidt", "roles": []},
            "match": {
                "name": person["name"],
                "given_names": person["given_names"][0],
                "birth_date": person["birth"]["date"],
            },
            "fields": ["name", "addresses"],
        },
        ensure_ascii=False,
    )


def query_script(server: Server, register: Register, persons: list[dict[str, Any]]) -> Path:
    response = httpx.post(
        f"{server.url}/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(register.client["client_id"], register.client["client_secret"]),
        timeout=30,
    )
    response.raise_for_status()
    headers = {
        "Authorization": f"Bearer {response.json()['access_token']}",
        "Content-Type": "application/json",
    }
    bodies = [query_body(person) for person in persons]
    answer = httpx.post(
        server.url + QUERY_PATH, content=bodies[0].encode(), headers=headers, timeout=30
    )
    if answer.status_code != 200 or answer.json()["outcome"] != "released":
        raise RuntimeError(f"the bench query is not released: {answer.text[:300]}")
    return lua_script(method="POST", headers=headers, bodies=bodies)


@dataclass
class ServerFigures:
    backend: str
    workers: int
    bare: Load | None = None
    queries: dict[int, Load] = field(default_factory=dict)
    floor: dict[int, Load] = field(default_factory=dict)  # bench/floor.py on the same database
    rss_mb: list[float] = field(default_factory=list)


def measure_server(
    register: Register,
    *,
    backend: str,
    workers: int,
    seconds: float,
    source: str | None = None,
) -> ServerFigures:
    figures = ServerFigures(backend=backend, workers=workers)
    with Server(environment=register.environment(), workers=workers, source=source) as server:
        script = query_script(server, register, register.persons[:1])
        wrk(server, JWKS_PATH, connections=BARE_CONNECTIONS, seconds=1)  # warm-up
        figures.bare = wrk(server, JWKS_PATH, connections=BARE_CONNECTIONS, seconds=seconds)
        wrk(server, QUERY_PATH, connections=8, seconds=1, script=script)  # warm-up
        for connections in QUERY_CONNECTIONS:
            figures.queries[connections] = wrk(
                server, QUERY_PATH, connections=connections, seconds=seconds, script=script
            )
        figures.rss_mb = server.rss_mb()
    return figures


def measure_stages(register: Register, scratch: Path, *, seconds: float) -> dict[str, float]:
    """CPU ms per query in each stage (one worker, one connection), plus the whole process."""
    stage_file = scratch / "stages.json"
    environment = register.environment(HUB_STAGE_TIMES_FILE=str(stage_file))
    with Server(environment=environment, workers=1) as server:
        script = query_script(server, register, register.persons[:1])
        load = wrk(server, QUERY_PATH, connections=1, seconds=seconds, script=script)
    sums = stage_times(stage_file)
    queries = max(sums["calls"].get("ledger", 0), 1)  # one ledger entry per query
    split = {stage: value * 1000 / queries for stage, value in sums["seconds"].items()}
    split["process"] = load.cpu_ms_per_request
    return split


FLOOR_PATH = "/floor"


def floor_token(register: Register) -> str:
    """A token the floor app accepts: signed with the hub's key, naming the client."""
    from joserfc import jwt  # noqa: PLC0415

    from hub.auth.keys import SIGNING_ALGORITHM, load_or_create_signing_key  # noqa: PLC0415

    key = load_or_create_signing_key(register.key_dir)
    return jwt.encode(
        {"alg": SIGNING_ALGORITHM, "kid": key.kid},
        {"sub": register.client["client_id"]},
        key,
        algorithms=[SIGNING_ALGORITHM],
    )


def floor_figures(register: Register, *, workers: int, seconds: float) -> dict[int, Load]:
    """The floor app (bench/floor.py) on the register's database: 1 and 32 connections."""
    token = floor_token(register)
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    script = lua_script(method="POST", headers=headers, bodies=[query_body(register.persons[0])])
    server = _yardstick_server("bench.floor:app", register.environment(), workers)
    figures: dict[int, Load] = {}
    with server:
        answer = httpx.post(
            server.url + FLOOR_PATH,
            content=query_body(register.persons[0]).encode(),
            headers=headers,
            timeout=30,
        )
        if answer.status_code != 200 or not answer.json()["records"]:
            raise RuntimeError(f"the floor query found nobody: {answer.text[:300]}")
        wrk(server, FLOOR_PATH, connections=8, seconds=1, script=script)  # warm-up
        for connections in (1, 32):
            figures[connections] = wrk(
                server, FLOOR_PATH, connections=connections, seconds=seconds, script=script
            )
    return figures


def _yardstick_server(app: str, environment: dict[str, str], workers: int) -> Server:
    """``app`` under the same uvicorn options as ``hub serve``, on a free port."""
    port_holder = Server(environment=environment, workers=workers)
    # As hub serve runs them: one worker under uvicorn.run, several each on its own socket.
    code = (
        "import sys, uvicorn; from hub.cli.serve import server_options;"
        " from hub.cli.workers import serve_workers; port, workers = map(int, sys.argv[1:3]);"
        f" uvicorn.run({app!r}, port=port, **server_options()) if workers == 1 else"
        f" serve_workers(uvicorn.Config({app!r}, port=port, workers=workers, **server_options()))"
    )
    server = Server(
        environment=environment,
        workers=workers,
        command=[sys.executable, "-c", code, str(port_holder.port), str(workers)],
    )
    server.port, server.url = port_holder.port, port_holder.url
    return server


def one_route_figures(workers: int, *, seconds: float) -> Load:
    """The yardstick: a one-route FastAPI app under the same uvicorn options as ``hub serve``."""
    server = _yardstick_server("bench.oneroute:app", dict(os.environ), workers)
    with server:
        wrk(server, "/health", connections=BARE_CONNECTIONS, seconds=1)
        return wrk(server, "/health", connections=BARE_CONNECTIONS, seconds=seconds)


@contextmanager
def scratch_register(backend: str, scratch: Path, server_url: str | None) -> Iterator[Register]:
    """A 21-person register on a SQLite file or in a scratch PostgreSQL database."""
    from bench.ledger import _drop_postgres, _scratch_postgres  # noqa: PLC0415

    if backend == "sqlite":
        yield prepare_register(f"sqlite:///{scratch / 'hub.db'}", scratch, persons=21)
        return
    assert server_url is not None
    name, url = _scratch_postgres(server_url)
    try:
        yield prepare_register(url, scratch, persons=21)
    finally:
        _drop_postgres(server_url, name)
