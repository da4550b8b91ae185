"""The person search over the full demo population, in-process, and a worker's memory with it.

The demo (160,000 persons by default, ``BENCH_FULL_PERSONS``) takes minutes to generate, so
it is kept in ``var/bench/`` (git-ignored) and reused while its size and seed match; Alembic
brings it to the current head first.
"""

from __future__ import annotations

import asyncio
import statistics
import time
import uuid
from pathlib import Path
from typing import Any

from adapters.base import QueryOrigin, SearchRequest
from bench.http import REPO, Load, Server, wrk
from bench.hub_load import QUERY_PATH, Register, prepare_register, query_script
from hub.app import create_app
from hub.config import Settings

CACHE_DIR = REPO / "var" / "bench"


def full_register(persons: int) -> Register:
    scratch = CACHE_DIR / f"demo-{persons}-seed2026"
    scratch.mkdir(parents=True, exist_ok=True)
    return prepare_register(f"sqlite:///{scratch / 'hub.db'}", scratch, persons=persons)


def _percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def _search_times(register: Register, rounds: int) -> list[float]:
    settings = Settings(
        database_url=register.database_url,
        key_dir=register.key_dir,
        policy_dir=REPO / "policies",
    )
    app = create_app(settings)
    origin = QueryOrigin(
        purpose="wohngeld_antrag", case_reference="BENCH", user_id="bench", authority="bench"
    )
    samples = []
    async with app.router.lifespan_context(app):
        adapter = app.state.adapters["melderegister"]
        for number in range(rounds):
            person: dict[str, Any] = register.persons[number % len(register.persons)]
            request = SearchRequest(
                dataset=adapter.spec.dataset().name,
                kind="person",
                keys={
                    "name": person["name"],
                    "given_names": person["given_names"][0],
                    "birth_date": person["birth"]["date"],
                },
                request_id=str(uuid.uuid4()),
                max_hits=1000,
                subject_ids=(),
                origin=origin,
            )
            started = time.perf_counter()
            hits = await adapter.search(request)
            samples.append(time.perf_counter() - started)
            if not hits:
                raise RuntimeError("the bench search found nobody")
    return samples[len(samples) // 10 :]  # the first tenth warms caches


def search_figures(register: Register, *, rounds: int = 2_000) -> dict[str, float]:
    samples = asyncio.run(_search_times(register, rounds))
    return {
        "p50_ms": statistics.median(samples) * 1000,
        "p99_ms": _percentile(samples, 0.99) * 1000,
        "searches": len(samples),
    }


def full_demo_server(register: Register, *, seconds: float) -> tuple[Load, list[float]]:
    """The query over HTTP on the full demo (200 persons in turn) and the worker's RSS after."""
    with Server(environment=register.environment(), workers=1) as server:
        script = query_script(server, register, register.persons)
        wrk(server, QUERY_PATH, connections=8, seconds=1, script=script)
        load = wrk(server, QUERY_PATH, connections=32, seconds=seconds, script=script)
        return load, server.rss_mb()


def cached_demo_path(persons: int) -> Path:
    return CACHE_DIR / f"demo-{persons}-seed2026" / "hub.db"
