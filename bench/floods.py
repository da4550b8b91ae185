"""``make bench`` section ``floods``: what floods cost the hub.

One ``hub serve`` (1 worker, SQLite, 21 persons, production Argon2) per setting. A legitimate
client sends JSON queries one after another while

- eight connections guess a client secret at ``/oauth/token`` (limiter off, then on),
- one loop sends a garbage bearer token to the query path (ledger entries written per s),
- eight 515 KB XMeld 1330 messages (7,000 ``anforderungselement``) arrive at once, with the
  element limit raised so they are processed, and with the default limit (refused, 413).

Then the XMeld schema check of such a message in a thread pool against a process pool:
how late the event loop's 1 ms ticks come while eight messages are checked.
"""

from __future__ import annotations

import asyncio
import functools
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
from lxml import etree
from sqlalchemy import delete, func, select

from bench.http import Server
from bench.hub_load import QUERY_PATH, Register, prepare_register, query_body
from bench.xmeld import personensuche, xoev_dir
from hub.db import create_sync_engine
from hub.models import AuthLimitWindow, LedgerEntry

SECONDS = 6.0
BIG_CODES = 7_000
_SCHEMA: Any = None


def _ms(samples: list[float]) -> str:
    if not samples:
        return "no answers"
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return (
        f"p50 {statistics.median(ordered) * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms,"
        f" max {ordered[-1] * 1000:.1f} ms ({len(ordered)} queries)"
    )


async def _token(http: httpx.AsyncClient, client: dict[str, str]) -> dict[str, str]:
    answer = await http.post(
        "/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(client["client_id"], client["client_secret"]),
    )
    answer.raise_for_status()
    return {
        "Authorization": f"Bearer {answer.json()['access_token']}",
        "Content-Type": "application/json",
    }


async def _legitimate(
    http: httpx.AsyncClient, headers: dict[str, str], body: bytes, until: float
) -> list[float]:
    samples = []
    while time.monotonic() < until:
        started = time.perf_counter()
        answer = await http.post(QUERY_PATH, content=body, headers=headers)
        samples.append(time.perf_counter() - started)
        if answer.status_code != 200:
            raise RuntimeError(f"legitimate query answered {answer.status_code}")
    return samples


async def _repeat(
    send: Callable[[], Awaitable[httpx.Response]], until: float, statuses: dict[int, int]
) -> None:
    while time.monotonic() < until:
        status = (await send()).status_code
        statuses[status] = statuses.get(status, 0) + 1


def _ledger_size(database_url: str) -> int:
    engine = create_sync_engine(database_url)
    with engine.connect() as connection:
        count = connection.execute(select(func.count()).select_from(LedgerEntry)).scalar_one()
    engine.dispose()
    return int(count)


async def _under_load(
    server: Server,
    register: Register,
    senders: list[Callable[[httpx.AsyncClient], Awaitable[httpx.Response]]],
) -> tuple[list[float], dict[int, int]]:
    limits = httpx.Limits(max_connections=len(senders) + 2)
    async with httpx.AsyncClient(base_url=server.url, timeout=60, limits=limits) as http:
        headers = await _token(http, register.client)
        body = query_body(register.persons[0]).encode()
        until = time.monotonic() + SECONDS
        statuses: dict[int, int] = {}
        floods = [_repeat(functools.partial(send, http), until, statuses) for send in senders]
        samples, _ = await asyncio.gather(
            _legitimate(http, headers, body, until), asyncio.gather(*floods)
        )
    return samples, statuses


def _serve(register: Register, **environment: str) -> Server:
    """A fresh ``hub serve``; the limiter's counts of the previous one are forgotten."""
    engine = create_sync_engine(register.database_url)
    with engine.begin() as connection:
        connection.execute(delete(AuthLimitWindow))
    engine.dispose()
    return Server(environment=register.environment(**environment))


def _secret_guesses(register: Register) -> None:
    client_id = "sozialamt-0123456789ab"  # unknown ids cost the same hash as known ones

    def guess(http: httpx.AsyncClient) -> Awaitable[httpx.Response]:
        form = {"grant_type": "client_credentials"}
        return http.post("/oauth/token", data=form, auth=(client_id, "guess"))

    for label, enabled in (("limiter off", "false"), ("limiter on", "true")):
        with _serve(register, HUB_AUTH_LIMIT__ENABLED=enabled) as server:
            samples, statuses = asyncio.run(_under_load(server, register, [guess] * 8))
        rate = sum(statuses.values()) / SECONDS
        print(f"8 connections guessing a secret ({label}): {rate:.0f} guesses/s {statuses}")
        print(f"  legitimate query meanwhile: {_ms(samples)}")


def _garbage_tokens(register: Register) -> None:
    headers = {"Authorization": "Bearer garbage", "Content-Type": "application/json"}

    def garbage(http: httpx.AsyncClient) -> Awaitable[httpx.Response]:
        return http.post(QUERY_PATH, content=b"{}", headers=headers)

    for label, enabled in (("limiter off", "false"), ("limiter on", "true")):
        with _serve(register, HUB_AUTH_LIMIT__ENABLED=enabled) as server:
            before = _ledger_size(register.database_url)
            samples, statuses = asyncio.run(_under_load(server, register, [garbage]))
        written = _ledger_size(register.database_url) - before - len(samples)
        print(
            f"1 loop with a garbage bearer token ({label}): {statuses};"
            f" {written / SECONDS:.0f} refusal entries/s"
        )
        print(f"  legitimate query meanwhile: {_ms(samples)}")


def big_1330(xoev: Path, person: dict[str, Any]) -> bytes:
    """A valid 1330 of ~515 KB: the official example asking 7,000 times for data elements."""
    root = etree.fromstring(personensuche(xoev, person))
    steering = root.find("{*}steuerungsinformationen")
    assert steering is not None
    asked = steering.findall("{*}anforderungselement")
    codes = [node.findtext("code") or "1" for node in asked]
    for node in asked:
        steering.remove(node)
    for index in range(BIG_CODES):
        element = etree.Element(asked[0].tag)
        etree.SubElement(element, "code").text = codes[index % len(codes)]
        element.tail = "\n  "
        steering.insert(index, element)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


def _big_messages(register: Register, xoev: Path) -> None:
    message = big_1330(xoev, register.persons[0])
    print(f"eight XMeld 1330 of {len(message) / 1024:.0f} KB ({BIG_CODES} codes) at once:")

    for label, limit in (("processed", "100000"), ("default element limit", None)):
        extra = {"HUB_XOEV_SCHEMA_DIR": str(xoev), "HUB_XOEV_MAX_BODY_BYTES": str(600 * 1024)}
        if limit is not None:
            extra["HUB_XOEV_MAX_ELEMENTS"] = limit
        with _serve(register, **extra) as server:
            samples, statuses = asyncio.run(_xml_load(server, register, message))
        print(f"  {label}: XMeld answers {statuses}; legitimate query {_ms(samples)}")


async def _xml_load(
    server: Server, register: Register, message: bytes
) -> tuple[list[float], dict[int, int]]:
    async with httpx.AsyncClient(base_url=server.url, timeout=120) as http:
        headers = await _token(http, register.client)
        xml_headers = {**headers, "Content-Type": "application/xml"}

        def send() -> Awaitable[httpx.Response]:
            return http.post("/v1/xoev/xmeld", content=message, headers=xml_headers)

        body = query_body(register.persons[0]).encode()
        until = time.monotonic() + SECONDS
        statuses: dict[int, int] = {}
        samples, _ = await asyncio.gather(
            _legitimate(http, headers, body, until),
            asyncio.gather(*[_repeat(send, until, statuses) for _ in range(8)]),
        )
    return samples, statuses


def _load_schema(xoev: str) -> None:
    global _SCHEMA  # noqa: PLW0603 - one schema per pool process, built by the initializer
    from adapters.xmeld.schema import load_schema  # noqa: PLC0415

    _SCHEMA = load_schema(Path(xoev))


def _check(message: bytes) -> int:
    from adapters.xmeld.safe import parse_untrusted  # noqa: PLC0415

    return len(_SCHEMA.violations(parse_untrusted(message, max_bytes=1 << 20), limit=1))


async def _loop_lateness(pool: Executor, message: bytes) -> tuple[float, float, float]:
    """Eight checks in ``pool``; the loop's 1 ms ticks meanwhile: (p50, max late, seconds)."""
    loop = asyncio.get_running_loop()
    late: list[float] = []
    started = time.perf_counter()
    jobs = asyncio.gather(*[loop.run_in_executor(pool, _check, message) for _ in range(8)])
    while not jobs.done():
        tick = time.perf_counter()
        await asyncio.sleep(0.001)
        late.append(time.perf_counter() - tick - 0.001)
    await jobs
    return statistics.median(late), max(late), time.perf_counter() - started


def _thread_or_process(register: Register, xoev: Path) -> None:
    message = big_1330(xoev, register.persons[0])
    _load_schema(str(xoev))
    print("schema check of eight such messages, 2 workers; event loop tick lateness:")
    pools: list[tuple[str, Executor]] = [
        ("thread pool", ThreadPoolExecutor(2)),
        ("process pool", ProcessPoolExecutor(2, initializer=_load_schema, initargs=(str(xoev),))),
    ]
    for label, pool in pools:
        with pool:
            pool.submit(_check, message).result()  # warm: schema built in every process
            pool.submit(_check, message).result()
            p50, worst, took = asyncio.run(_loop_lateness(pool, message))
        print(
            f"  {label}: ticks late p50 {p50 * 1000:.2f} ms, max {worst * 1000:.1f} ms;"
            f" all eight checked in {took:.1f} s"
        )


def run_floods() -> None:
    print("\n== Floods: hub serve, 1 worker, SQLite, production Argon2")
    with tempfile.TemporaryDirectory() as scratch:
        register = prepare_register(
            f"sqlite:///{Path(scratch) / 'hub.db'}", Path(scratch), persons=21
        )
        with _serve(register) as server:
            samples, _ = asyncio.run(_under_load(server, register, []))
        print(f"legitimate query alone: {_ms(samples)}")
        _secret_guesses(register)
        _garbage_tokens(register)
        xoev = xoev_dir()
        if xoev is None:
            print("XMeld floods: skipped (no XÖV folder; set HUB_XOEV_SCHEMA_DIR)")
            return
        _big_messages(register, xoev)
        _thread_or_process(register, xoev)
