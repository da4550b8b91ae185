"""Mirror feed figures, on SQLite and PostgreSQL.

Changes/s, Sperre push to effect under query load, query latency while a sync runs.

The mirror is the full demo (``BENCH_MIRROR_PERSONS``, default the 160,000 of the search
section, generated once into ``var/bench/``): SQLite works on a copy of the cached file,
PostgreSQL gets the same records through ``hub register reload`` into a scratch database
(timed: the nightly full reload; ``BENCH_MIRROR_PG_PERSONS`` takes fewer of them).
``BENCH_MIRROR_CHANGES`` (default 100,000) changes touch persons outside the 200 the query
load asks for: 80 % updates (1 % of them a new Auskunftssperre), 10 % new persons,
10 % deletions.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select

from adapters.base import AdapterContext
from adapters.melderegister import MelderegisterAdapter
from adapters.melderegister.tables import MrPerson
from adapters.sql.applying import BatchOrigin
from adapters.sql.feed import MirrorFeed
from adapters.sql.mirror import MirrorSettings
from bench import search
from bench.http import HUB, Load, Server, wrk
from bench.hub_load import QUERY_PATH, Register, prepare_register, query_script, sample_persons
from hub.admin.service import create_client
from hub.clients.service import NewClient
from hub.config import Settings
from hub.db import create_sync_engine

MIRROR_PERSONS = int(os.environ.get("BENCH_MIRROR_PERSONS", "160000"))
CHANGES = int(os.environ.get("BENCH_MIRROR_CHANGES", "100000"))
# PostgreSQL gets the first N records of the demo (parsing 160,000 records takes minutes).
PG_PERSONS = int(os.environ.get("BENCH_MIRROR_PG_PERSONS", str(MIRROR_PERSONS)))
CHUNK = 2_000
PUSHES = 40
SYNC_DURING_LOAD = 20_000
BASE = datetime.now(UTC) - timedelta(minutes=2)  # the feed is current: no register-stale


@dataclass
class Figures:
    backend: str
    persons: int
    reload_seconds: float | None = None
    parse_per_second: float = 0.0
    apply_per_second: float = 0.0
    protection_first: int = 0
    push_p50_ms: float = 0.0
    push_p99_ms: float = 0.0
    pushes_effective: int = 0
    quiet: Load | None = None
    during_sync: Load | None = None
    sync_seconds: float = 0.0


def _feed(database_url: str) -> tuple[MelderegisterAdapter, MirrorFeed]:
    context = AdapterContext(hub_database_url=database_url, municipality_name="Darmstadt")
    adapter = MelderegisterAdapter.create(MirrorSettings(), context=context)
    return adapter, adapter.change_feed()


def _records(database_url: str) -> list[dict[str, Any]]:
    engine = create_sync_engine(database_url)
    try:
        with engine.connect() as connection:
            return list(connection.execute(select(MrPerson.record)).scalars())
    finally:
        engine.dispose()


def _stamp(seq: int) -> str:
    return (BASE + timedelta(milliseconds=seq)).isoformat().replace("+00:00", "Z")


def _standalone(record: dict[str, Any], person_id: str) -> dict[str, Any]:
    return {
        **record,
        "person_id": person_id,
        "spouse_id": None,
        "children_ids": [],
        "legal_rep_ids": [],
    }


def _changed(record: dict[str, Any], rng: random.Random) -> dict[str, Any]:
    changed: dict[str, Any] = json.loads(json.dumps(record))
    changed["addresses"][0]["house_number"] = str(rng.randint(1, 250))
    if rng.random() < 0.01:
        changed["blocks"]["auskunftssperre"] = {"basis": "antrag", "initiator": "meldebehoerde"}
    return changed


def change_lines(
    records: list[dict[str, Any]], *, count: int, first_seq: int, spare: set[str], seed: int
) -> list[str]:
    """Updates, new persons and deletions of persons outside ``spare``."""
    rng = random.Random(seed)
    pool = [record for record in records if record["person_id"] not in spare]
    lines = []
    for seq in range(first_seq, first_seq + count):
        roll, record = rng.random(), rng.choice(pool)
        if roll < 0.8:
            change = {"op": "upsert", "record": _changed(record, rng)}
        elif roll < 0.9:
            change = {"op": "upsert", "record": _standalone(record, f"N-{seq}")}
        else:
            change = {"op": "delete", "key": record["person_id"]}
        lines.append(json.dumps({**change, "seq": seq, "changed_at": _stamp(seq)}))
    return lines


@contextmanager
def mirror(backend: str, postgres: str | None, figures: Figures) -> Iterator[Register]:
    """A copy of the full demo on SQLite, or the same records reloaded into PostgreSQL."""
    cached = search.full_register(MIRROR_PERSONS)
    with tempfile.TemporaryDirectory() as scratch:
        if backend == "sqlite":
            source = search.cached_demo_path(MIRROR_PERSONS).parent
            shutil.copytree(source, scratch, dirs_exist_ok=True)
            url = f"sqlite:///{Path(scratch) / 'hub.db'}"
            yield Register(url, Path(scratch) / "keys", cached.client, cached.persons)
            return
        from bench.ledger import _drop_postgres, _scratch_postgres  # noqa: PLC0415

        assert postgres is not None
        name, url = _scratch_postgres(postgres)
        try:
            register = prepare_register(url, Path(scratch), persons=21)
            lines = [json.dumps(r) for r in _records(cached.database_url)[:PG_PERSONS]]
            adapter, feed = _feed(url)
            started = time.perf_counter()
            feed.reload(
                lines,
                origin=BatchOrigin(source="reload", actor="bench"),
                seq=None,
                exported_at=None,
            )
            figures.reload_seconds = time.perf_counter() - started
            asyncio.run(adapter.close())
            yield Register(url, register.key_dir, register.client, sample_persons(url, 200))
        finally:
            _drop_postgres(postgres, name)


def apply_figures(register: Register, figures: Figures) -> list[dict[str, Any]]:
    records = _records(register.database_url)
    figures.persons = len(records)
    spare = {person["person_id"] for person in register.persons}
    lines = change_lines(records, count=CHANGES, first_seq=1, spare=spare, seed=15)
    adapter, feed = _feed(register.database_url)
    try:
        started = time.perf_counter()
        changes = feed.parse(lines)
        parsed = time.perf_counter()
        summary = feed.apply(
            changes, origin=BatchOrigin(source="file", actor="bench"), chunk_size=CHUNK
        )
        applied = time.perf_counter()
    finally:
        asyncio.run(adapter.close())
    figures.parse_per_second = CHANGES / (parsed - started)
    figures.apply_per_second = CHANGES / (applied - parsed)
    figures.protection_first = summary.protection_first
    return records


def _writer(database_url: str) -> NewClient:
    """The Meldebehörde's procedure (made before the server starts: one SQLite writer)."""
    return create_client(
        Settings(database_url=database_url),
        authority="meldebehoerde",
        name=None,
        scopes=["register:write"],
        trusted_roles=None,
    )


def _token(server: Server, client: NewClient) -> str:
    response = httpx.post(
        f"{server.url}/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(client.client_id, client.client_secret),
        timeout=30,
    )
    response.raise_for_status()
    return str(response.json()["access_token"])


def _percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def _background(
    server: Server, script: Path, seconds: float
) -> tuple[threading.Thread, list[Load]]:
    loads: list[Load] = []

    def run() -> None:
        loads.append(wrk(server, QUERY_PATH, connections=32, seconds=seconds, script=script))

    thread = threading.Thread(target=run)
    thread.start()
    return thread, loads


def push_figures(
    server: Server,
    client: NewClient,
    *,
    register: Register,
    records: list[dict[str, Any]],
    figures: Figures,
    script: Path,
) -> None:
    """Sperre pushes under 32 connections of query load: push sent -> acknowledged."""
    writer = _token(server, client)
    headers = {"Authorization": f"Bearer {writer}", "Content-Type": "application/jsonl"}
    spare = {person["person_id"] for person in register.persons}
    targets = [r for r in records if r["person_id"] not in spare][-PUSHES:]
    thread, _ = _background(server, script, seconds=max(5.0, PUSHES * 0.2))
    time.sleep(1)
    timings = []
    with httpx.Client(base_url=server.url, timeout=60) as http:
        for number, record in enumerate(targets):
            blocked = {
                **record,
                "blocks": {
                    **record["blocks"],
                    "auskunftssperre": {"basis": "antrag", "initiator": "meldebehoerde"},
                },
            }
            seq = CHANGES + 10 + number
            line = json.dumps(
                {"op": "upsert", "seq": seq, "changed_at": _stamp(seq), "record": blocked}
            )
            started = time.perf_counter()
            response = http.post(
                "/v1/registers/melderegister/changes", content=line.encode(), headers=headers
            )
            timings.append((time.perf_counter() - started) * 1000)
            figures.pushes_effective += response.status_code == 200
    thread.join()
    figures.push_p50_ms = _percentile(timings, 0.5)
    figures.push_p99_ms = _percentile(timings, 0.99)


def sync_load_figures(
    server: Server,
    *,
    register: Register,
    records: list[dict[str, Any]],
    figures: Figures,
    script: Path,
    seconds: float,
) -> None:
    """The query load alone, then again while ``hub register sync`` applies a file."""
    figures.quiet = wrk(server, QUERY_PATH, connections=32, seconds=seconds, script=script)
    spare = {person["person_id"] for person in register.persons}
    lines = change_lines(
        records, count=SYNC_DURING_LOAD, first_seq=CHANGES + 1000, spare=spare, seed=16
    )
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as file:
        file.write("\n".join(lines) + "\n")
    started = time.perf_counter()
    syncing = subprocess.Popen(  # noqa: S603 - our own CLI
        [str(HUB), "register", "sync", "melderegister", file.name, "--chunk", str(CHUNK)],
        env=register.environment(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    figures.during_sync = wrk(server, QUERY_PATH, connections=32, seconds=seconds, script=script)
    syncing.wait(timeout=600)
    figures.sync_seconds = time.perf_counter() - started
    Path(file.name).unlink()


def measure(backend: str, postgres: str | None, seconds: float) -> Figures:
    figures = Figures(backend=backend, persons=0)
    with mirror(backend, postgres, figures) as register:
        records = apply_figures(register, figures)
        client = _writer(register.database_url)
        with Server(environment=register.environment(), workers=1) as server:
            script = query_script(server, register, register.persons)
            wrk(server, QUERY_PATH, connections=8, seconds=1, script=script)  # warm-up
            push_figures(
                server, client, register=register, records=records, figures=figures, script=script
            )
            sync_load_figures(
                server,
                register=register,
                records=records,
                figures=figures,
                script=script,
                seconds=seconds,
            )
    return figures


def _load(load: Load | None) -> str:
    return (
        "-"
        if load is None
        else f"{load.per_second:.0f}/s p50 {load.p50_ms:.1f} ms p99 {load.p99_ms:.1f} ms"
    )


def report(figures: list[Figures]) -> None:
    print(f"\n== Mirror feed: {CHANGES:,} changes, chunks of {CHUNK:,}, then the HTTP figures")
    for f in figures:
        print(f"-- {f.backend}, {f.persons:,} persons in the mirror")
        if f.reload_seconds is not None:
            print(f"full reload of the export into it: {f.reload_seconds:.1f} s")
        print(
            f"parse+validate: {f.parse_per_second:,.0f} changes/s;"
            f" apply: {f.apply_per_second:,.0f} changes/s"
            f" ({f.protection_first} Sperren applied first)"
        )
        print(
            f"Sperre push -> acknowledged (= in effect), 32 conns of queries:"
            f" p50 {f.push_p50_ms:.1f} ms, p99 {f.push_p99_ms:.1f} ms"
            f" ({f.pushes_effective}/{PUSHES} acknowledged)"
        )
        print(f"queries, 32 conns, quiet:            {_load(f.quiet)}")
        print(
            f"queries, 32 conns, during a sync:    {_load(f.during_sync)}"
            f" (sync of {SYNC_DURING_LOAD:,} changes took {f.sync_seconds:.1f} s)"
        )


def run_mirror(seconds: float, postgres: str | None) -> None:
    backends = ["sqlite", *(["postgresql"] if postgres else [])]
    report([measure(backend, postgres, seconds) for backend in backends])
    if not postgres:
        print("postgresql: skipped, no server reachable")
