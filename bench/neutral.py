"""``make bench --only neutral``: a protected person's neutral answer against a no-match one.

For every route and kind that answers neutrally (BMG §34a Abs. 5, §38 Abs. 5, §39a Abs. 2,
BMeldDAV §8 Abs. 3, PStG §68) the same client sends two requests whose answers must be
indistinguishable: one about a person the hub protects (Auskunftssperre, a blocked spouse,
an entry that does not match) and one about nobody. ``ROUNDS`` of each go over HTTP to
``hub serve``, interleaved in a random order per round, on SQLite and PostgreSQL with one
and two workers. Printed per kind: medians, quartiles, the difference of the medians and a
two-sample Kolmogorov-Smirnov test. Before timing, each pair is checked once: same status,
same header names, same body size, and the ledger says which one was protected. The
in-process part also counts, per request, the CPU time and the statements sent through
SQLAlchemy (the costly way; the ledger's own go past it): work, which a loaded machine does
not blur as it blurs the clock.
"""

from __future__ import annotations

import asyncio
import math
import os
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from sqlalchemy import select

from bench.http import REPO, Server
from bench.hub_load import Register, scratch_register
from bench.neutral_cases import Pair, import_bench_data, pairs
from bench.query_cpu import counted_statements
from bench.xmeld import xoev_dir
from hub.admin.service import create_client
from hub.app import create_app
from hub.config import Settings
from hub.db import create_sync_engine
from hub.models import LedgerEntry

ROUNDS = int(os.environ.get("BENCH_NEUTRAL_ROUNDS", "200"))
# In-process CPU rounds (0: skipped); "person,confirm": only these kinds; "sqlite": one backend.
CPU_ROUNDS = int(os.environ.get("BENCH_NEUTRAL_CPU_ROUNDS", str(ROUNDS)))
KINDS = frozenset(filter(None, os.environ.get("BENCH_NEUTRAL_KINDS", "").split(",")))
BACKENDS = frozenset(filter(None, os.environ.get("BENCH_NEUTRAL_BACKENDS", "").split(",")))
WORKERS = (1, 2)
TARGET_MS = 0.3
ALPHA = 0.01


def _chosen(found: list[Pair]) -> list[Pair]:
    return [pair for pair in found if not KINDS or pair.kind in KINDS]


def _token(url: str, settings: Settings, authority: str) -> str:
    client = create_client(
        settings, authority=authority, name=None, scopes=None, trusted_roles=None
    )
    answer = httpx.post(
        f"{url}/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(client.client_id, client.client_secret),
        timeout=30,
    )
    answer.raise_for_status()
    return str(answer.json()["access_token"])


def _last_reasons(database_url: str) -> list[str]:
    engine = create_sync_engine(database_url)
    with engine.connect() as connection:
        reasons = connection.execute(
            select(LedgerEntry.reasons).order_by(LedgerEntry.seq.desc()).limit(1)
        ).scalar_one()
    engine.dispose()
    return list(reasons or [])


def check_pair(pair: Pair, http: httpx.Client, headers: dict[str, str], database_url: str) -> str:
    """One of each, untimed: same status, header names and body size; the ledger tells them."""
    first = http.post(pair.path, content=pair.protected, headers=headers)
    protected_reasons = _last_reasons(database_url)
    second = http.post(pair.path, content=pair.plain, headers=headers)
    plain_reasons = _last_reasons(database_url)
    problems = []
    if first.status_code != second.status_code:
        problems.append(f"status {first.status_code} vs {second.status_code}")
    if sorted(first.headers.keys()) != sorted(second.headers.keys()):
        problems.append("header names differ")
    if len(first.content) != len(second.content):
        problems.append(f"body size {len(first.content)} vs {len(second.content)}")
    if pair.protected_reason not in protected_reasons:
        problems.append(f"protected case not {pair.protected_reason}: {protected_reasons}")
    if pair.protected_reason != "no_match" and pair.protected_reason in plain_reasons:
        problems.append("the plain case is protected too")
    return (
        "; ".join(problems) or f"same status {first.status_code}, headers, {len(first.content)} B"
    )


@dataclass
class Samples:
    protected: list[float] = field(default_factory=list)
    plain: list[float] = field(default_factory=list)


def _timed(http: httpx.Client, path: str, body: bytes, headers: dict[str, str]) -> float:
    started = time.perf_counter()
    answer = http.post(path, content=body, headers=headers)
    elapsed = time.perf_counter() - started
    if answer.status_code >= 300:
        raise RuntimeError(f"{path}: {answer.status_code} {answer.text[:200]}")
    return elapsed * 1000


def run_rounds(
    url: str, work: list[tuple[Pair, dict[str, str]]], *, rounds: int, connections: int
) -> dict[str, Samples]:
    """``rounds`` of every request, one at a time, the order shuffled anew each round.

    ``connections`` kept connections take the requests in turn (with two workers each
    connection is usually served by another worker).
    """
    samples = {pair.kind: Samples() for pair, _ in work}
    rng = random.Random(2026)
    clients = [httpx.Client(base_url=url, timeout=30) for _ in range(connections)]
    sent = 0
    try:
        for _ in range(rounds):
            order = [
                (pair, headers, protected) for pair, headers in work for protected in (True, False)
            ]
            rng.shuffle(order)
            for pair, headers, protected in order:
                body = pair.protected if protected else pair.plain
                target = samples[pair.kind]
                http = clients[sent % connections]
                sent += 1
                (target.protected if protected else target.plain).append(
                    _timed(http, pair.path, body, headers)
                )
    finally:
        for http in clients:
            http.close()
    return samples


def ks_two_sample(first: list[float], second: list[float]) -> tuple[float, float]:
    """Two-sample Kolmogorov-Smirnov: D and its asymptotic p-value (Stephens' correction)."""
    a, b = sorted(first), sorted(second)
    n, m = len(a), len(b)
    i = j = 0
    d = 0.0
    while i < n and j < m:
        value = min(a[i], b[j])
        while i < n and a[i] == value:
            i += 1
        while j < m and b[j] == value:
            j += 1
        d = max(d, abs(i / n - j / m))
    effective = math.sqrt(n * m / (n + m))
    lam = (effective + 0.12 + 0.11 / effective) * d
    if lam < 1e-3:
        return d, 1.0
    total = sum((-1) ** (k - 1) * math.exp(-2 * k * k * lam * lam) for k in range(1, 101))
    return d, min(1.0, max(0.0, 2 * total))


def _quartiles(values: list[float]) -> tuple[float, float, float]:
    q1, q2, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return q1, q2, q3


def report(label: str, samples: dict[str, Samples], rounds: int) -> None:
    """Per kind: quartiles, the medians' difference, the paired difference and the KS test.

    The paired difference is the median of the per-round differences: both requests of a
    round share the machine's load at that moment.
    """
    print(f"\n== neutral answers: {label}; {rounds} of each, interleaved; ms", flush=True)
    print(
        f"{'kind':<16}{'protected p50 (p25-p75)':>26}{'no match p50 (p25-p75)':>26}"
        f"{'Δp50':>8}{'Δpaired':>8}{'KS D':>7}{'p':>8}  verdict"
    )
    for kind, pair in samples.items():
        p = _quartiles(pair.protected)
        q = _quartiles(pair.plain)
        d, pvalue = ks_two_sample(pair.protected, pair.plain)
        delta = p[1] - q[1]
        paired = statistics.median(a - b for a, b in zip(pair.protected, pair.plain, strict=True))
        ok = abs(delta) <= TARGET_MS and pvalue >= ALPHA
        print(
            f"{kind:<16}{p[1]:>9.2f} ({p[0]:.2f}-{p[2]:.2f}){q[1]:>11.2f} ({q[0]:.2f}-{q[2]:.2f})"
            f"{delta:>+8.2f}{paired:>+8.2f}{d:>7.3f}{pvalue:>8.3f}  {'ok' if ok else 'MISSED'}"
        )


def measure(register: Register, backend: str, workers: int, xoev: Path | None) -> None:
    settings = Settings(database_url=register.database_url, key_dir=register.key_dir)
    with Server(
        environment=register.environment(**({"HUB_XOEV_SCHEMA_DIR": str(xoev)} if xoev else {})),
        workers=workers,
        start_seconds=300,
    ) as server:
        work = []
        with httpx.Client(base_url=server.url, timeout=30) as http:
            for pair in _chosen(pairs(xoev)):
                token = _token(server.url, settings, pair.authority)
                headers = {"Authorization": f"Bearer {token}", "Content-Type": pair.media_type}
                print(
                    f"  {backend} {workers}w {pair.kind}: "
                    f"{check_pair(pair, http, headers, register.database_url)}"
                )
                work.append((pair, headers))
        run_rounds(server.url, work, rounds=10, connections=workers)  # warm-up
        samples = run_rounds(server.url, work, rounds=ROUNDS, connections=workers)
    report(f"{backend}, {workers} worker(s); load {os.getloadavg()[0]:.2f}", samples, ROUNDS)


async def _cpu_rounds(
    settings: Settings, xoev: Path | None, *, rounds: int
) -> tuple[dict[str, Samples], dict[str, Samples]]:
    """CPU milliseconds of this process and statements per request (in-process over ASGI).

    Another process's load barely moves them, so they show the work each path does even
    when wall-clock times drown in a busy machine's noise. PostgreSQL's own CPU is not in.
    Statements include the authentication's occasional client and rate-window lookups.
    """
    app = create_app(settings)
    samples: dict[str, Samples] = {}
    statements: dict[str, Samples] = {}
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://hub") as http:
            work = []
            for pair in _chosen(pairs(xoev)):
                client = create_client(
                    settings, authority=pair.authority, name=None, scopes=None, trusted_roles=None
                )
                answer = await http.post(
                    "/oauth/token",
                    data={"grant_type": "client_credentials"},
                    auth=(client.client_id, client.client_secret),
                )
                token = answer.json()["access_token"]
                headers = {"Authorization": f"Bearer {token}", "Content-Type": pair.media_type}
                work.append((pair, headers))
                samples[pair.kind] = Samples()
                statements[pair.kind] = Samples()
            rng = random.Random(2026)
            with counted_statements(app) as counts:
                for round_number in range(rounds + 10):  # the first 10 warm up
                    order = [
                        (pair, headers, flag) for pair, headers in work for flag in (True, False)
                    ]
                    rng.shuffle(order)
                    for pair, headers, protected in order:
                        sent_before, started = counts["statements"], time.process_time()
                        await http.post(
                            pair.path,
                            content=pair.protected if protected else pair.plain,
                            headers=headers,
                        )
                        cpu_ms = (time.process_time() - started) * 1000
                        sent = float(counts["statements"] - sent_before)
                        if round_number >= 10:
                            for kept, value in ((samples, cpu_ms), (statements, sent)):
                                side = kept[pair.kind]
                                (side.protected if protected else side.plain).append(value)
    return samples, statements


def report_statements(statements: dict[str, Samples]) -> None:
    """Per kind: the statements a request sent through SQLAlchemy.

    The median decides; the mean shows the authentication's occasional lookups.
    """
    print("statements through SQLAlchemy per request, median (mean): protected | no match")
    for kind, sent in statements.items():
        medians = [statistics.median(side) for side in (sent.protected, sent.plain)]
        means = [statistics.fmean(side) for side in (sent.protected, sent.plain)]
        verdict = "same" if medians[0] == medians[1] else "DIFFERENT"
        print(
            f"  {kind:<16}{medians[0]:>4.0f} ({means[0]:.2f}) | {medians[1]:.0f} ({means[1]:.2f})"
            f"  {verdict}"
        )


def measure_cpu(register: Register, backend: str, xoev: Path | None) -> None:
    settings = Settings(
        database_url=register.database_url,
        key_dir=register.key_dir,
        policy_dir=REPO / "policies",
        issuer="http://hub",
        xoev_schema_dir=xoev,
    )
    samples, statements = asyncio.run(_cpu_rounds(settings, xoev, rounds=CPU_ROUNDS))
    report(f"{backend}, in-process CPU time per request (not wall clock)", samples, CPU_ROUNDS)
    report_statements(statements)


def run_neutral(postgres: str | None) -> None:
    xoev = xoev_dir()
    if xoev is None:
        print("neutral: XMeld kinds skipped (no XÖV folder; set HUB_XOEV_SCHEMA_DIR)")
    for backend in ["sqlite", *(["postgresql"] if postgres else [])]:
        if BACKENDS and backend not in BACKENDS:
            continue
        with (
            tempfile.TemporaryDirectory() as scratch,
            scratch_register(backend, Path(scratch), postgres) as register,
        ):
            import_bench_data(register.database_url)
            if CPU_ROUNDS:
                measure_cpu(register, backend, xoev)
            for workers in WORKERS:
                measure(register, backend, workers, xoev)
    if not postgres:
        print("neutral: postgresql skipped, no server reachable")


def main(select_backends: Callable[[], str | None] | None = None) -> None:
    from bench.ledger_throughput import _postgres_server  # noqa: PLC0415

    run_neutral((select_backends or _postgres_server)())


if __name__ == "__main__":
    main()
