"""``make bench`` (``python -m bench``): the hub's performance figures, side by side, from one run.

Sections (``--only http,ledger`` runs some; the default runs all but ``verify``):

- ``http``: ``hub serve`` under ``wrk`` (installed with apt-get if missing): the bare JWKS
  document, the query at 1, 32 and 128 connections, SQLite and PostgreSQL, 1 and 2 workers;
  requests/s, p50, p99, process CPU per request, query/bare ratio, resident memory per
  worker; the one-route FastAPI yardstick; CPU per query split into stages.
- ``instructions``: instructions per request (valgrind's callgrind, in-process) for the bare
  JWKS document and the query, SQLite and PostgreSQL, beside the baseline's: the figure a
  busy machine does not move (bench/instructions.py).
- ``ledger``: ledger entries/s with 1, 2 and 4 writer processes on PostgreSQL.
- ``search``: the person search over the full demo (in-process p50/p99), the query over HTTP
  on it and the worker's resident memory.
- ``policy``, ``xmeld``: policy decision and XMeld round-trip micro-benchmarks.
- ``floods``: secret guessing, garbage tokens and big XMeld messages against a legitimate
  query; thread against process pool for the XMeld schema check.
- ``mirror``: the mirror feed: changes/s applied to the full demo, Sperre push to
  effect under query load (p50/p99), query latency while a sync runs (bench/mirror_sync.py).
- ``ledgersearch``: the DPO's ledger search pages and the chain check on
  ``BENCH_LEDGER_SEARCH_ENTRIES`` entries (default 1,000,000; bench/ledger_search.py).
- ``verify``: ledger verify of a million entries (minutes; only when asked for).
- ``soak``: 32 connections of mixed outcomes for ``BENCH_SOAK_SECONDS`` (600) with a
  PostgreSQL restart halfway (bench/soak.py; only when asked for).
- ``neutral``: a protected person's neutral answer against a no-match one, per route and
  kind (bench/neutral.py): medians, quartiles, Kolmogorov-Smirnov.
- ``opendata``: ``hub opendata publish`` of every proposed aggregate on the full demo.

PostgreSQL: a scratch database on ``BENCH_DATABASE_URL``/``HUB_BENCH_DATABASE_URL`` or the
local server at 127.0.0.1:5432, dropped afterwards; skipped if none answers. ``BENCH_SECONDS``
(default 5) sets each load's length. Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from bench import hub_load, search
from bench.floods import run_floods
from bench.http import REPO, Load, ensure_wrk
from bench.instructions import run_instructions
from bench.ledger_throughput import _postgres_server, entries_per_second
from bench.policy import bench_compiled_policy, bench_opa_remote, bench_policy
from bench.xmeld import bench_xmeld
from hub.config import Settings
from hub.kit.stages import STAGES

SECTIONS = (
    "instructions",
    "http",
    "ledger",
    "search",
    "policy",
    "xmeld",
    "floods",
    "mirror",
    "neutral",
    "opendata",
    "ledgersearch",
    "verify",
    "soak",
)
# verify (a million entries) and soak (ten minutes) run only when named in --only.
DEFAULT_SECTIONS = tuple(section for section in SECTIONS if section not in {"verify", "soak"})
WORKERS = (1, 2)
FULL_PERSONS = int(os.environ.get("BENCH_FULL_PERSONS", "160000"))


def _ratio(numerator: float, denominator: float) -> str:
    return f"{numerator / denominator:.2f}" if denominator else "-"


def _cell(load: Load | None) -> str:
    if load is None:
        return "-"
    errors = f" !{load.errors}err" if load.errors else ""
    return f"{load.per_second:7.0f}/s {load.p50_ms:6.1f} {load.p99_ms:6.1f}{errors}"


def _row(label: str, cells: list[str]) -> None:
    print(f"{label:<26}" + "".join(f"{cell:>28}" for cell in cells))


def _print_http(
    figures: list[hub_load.ServerFigures],
    one_route: dict[int, Load],
    stages: dict[str, dict[str, float]],
) -> None:
    print("\n== HTTP: hub serve under wrk (1 thread); cells: req/s, p50 ms, p99 ms")
    _row("", [f"{f.backend} {f.workers} worker(s)" for f in figures])
    _row("one-route app, 32 conns", [_cell(one_route.get(f.workers)) for f in figures])
    _row("JWKS (bare), 32 conns", [_cell(f.bare) for f in figures])
    for connections in hub_load.QUERY_CONNECTIONS:
        _row(f"query, {connections} conns", [_cell(f.queries.get(connections)) for f in figures])
    ratio = [
        _ratio(f.queries[32].per_second, f.bare.per_second) if f.bare else "-" for f in figures
    ]
    _row("query/bare (32 conns)", ratio)
    if any(f.floor for f in figures):
        for connections in (1, 32):
            _row(
                f"floor app, {connections} conns",
                [_cell(f.floor.get(connections)) for f in figures],
            )
        _row(
            "floor/bare (32 conns)",
            [
                _ratio(f.floor[32].per_second, f.bare.per_second) if f.floor and f.bare else "-"
                for f in figures
            ],
        )
    yardstick = [
        _ratio(f.bare.per_second, one_route[f.workers].per_second)
        if f.bare and f.workers in one_route
        else "-"
        for f in figures
    ]
    _row("JWKS/one-route (32 conns)", yardstick)
    _row(
        "CPU ms/JWKS (32 conns)",
        [f"{f.bare.cpu_ms_per_request:.3f}" if f.bare else "-" for f in figures],
    )
    _row(
        "CPU ms/query (1|32 conns)",
        [
            f"{f.queries[1].cpu_ms_per_request:.2f} | {f.queries[32].cpu_ms_per_request:.2f}"
            for f in figures
        ],
    )
    _row(
        "workers' CPU shares, 32 c.",
        [" ".join(f"{share:.2f}" for share in f.queries[32].worker_cpu_shares) for f in figures],
    )
    if any(f.floor for f in figures):
        _row(
            "CPU ms/floor (1|32 conns)",
            [
                f"{f.floor[1].cpu_ms_per_request:.2f} | {f.floor[32].cpu_ms_per_request:.2f}"
                if f.floor
                else "-"
                for f in figures
            ],
        )
    _row("resident MB per worker", [" ".join(f"{mb:.0f}" for mb in f.rss_mb) for f in figures])
    by_backend = {f.backend: f for f in figures if f.workers == 1}
    for backend, one in by_backend.items():
        two = next((f for f in figures if f.backend == backend and f.workers == 2), None)
        if two is not None:
            print(
                f"{backend}: 2 workers / 1 worker at 32 conns:"
                f" {_ratio(two.queries[32].per_second, one.queries[32].per_second)}x, at 128"
                f" conns: {_ratio(two.queries[128].per_second, one.queries[128].per_second)}x"
            )
    if stages:
        print("\n== CPU ms per query by stage (1 worker, 1 connection; hub.kit.stages)")
        _row("", list(stages))
        for stage in (*STAGES, "process"):
            label = "whole process" if stage == "process" else stage
            _row(label, [f"{split.get(stage, 0.0):.3f}" for split in stages.values()])
        _row(
            "rest (server, framework)",
            [
                f"{split['process'] - sum(split.get(s, 0.0) for s in STAGES):.3f}"
                for split in stages.values()
            ],
        )


def run_http(seconds: float, baseline: str | None) -> None:
    """With ``baseline`` (another checkout of the hub), its servers run in turn with ours."""
    ensure_wrk()
    postgres = _postgres_server()
    backends = ["sqlite", *(["postgresql"] if postgres else [])]
    figures: list[hub_load.ServerFigures] = []
    before: list[hub_load.ServerFigures] = []
    stages: dict[str, dict[str, float]] = {}
    for backend in backends:
        with (
            tempfile.TemporaryDirectory() as scratch,
            hub_load.scratch_register(backend, Path(scratch), postgres) as register,
        ):
            for workers in WORKERS:
                if baseline is not None:
                    before.append(
                        hub_load.measure_server(
                            register,
                            backend=backend,
                            workers=workers,
                            seconds=seconds,
                            source=baseline,
                        )
                    )
                figures.append(
                    hub_load.measure_server(
                        register, backend=backend, workers=workers, seconds=seconds
                    )
                )
                if baseline is None:
                    figures[-1].floor = hub_load.floor_figures(
                        register, workers=workers, seconds=seconds
                    )
            stages[backend] = hub_load.measure_stages(register, Path(scratch), seconds=seconds)
    one_route = {w: hub_load.one_route_figures(w, seconds=seconds) for w in WORKERS}
    if before:
        print(f"\n== BEFORE: {baseline} (same run, servers taking turns with the ones below)")
        _print_http(before, {}, {})
    _print_http(figures, one_route, stages)
    if not postgres:
        print("postgresql: skipped, no server reachable")


def run_ledger(seconds: float) -> None:
    print("\n== Ledger entries/s on PostgreSQL (32 concurrent callers split over processes)")
    for processes in (1, 2, 4):
        rate = entries_per_second(processes, seconds=seconds)
        shown = "skipped (no PostgreSQL)" if math.isnan(rate) else f"{rate:,.0f} entries/s"
        print(f"{processes} writer process(es): {shown}")


def run_search(seconds: float) -> None:
    print(f"\n== Full demo ({FULL_PERSONS:,} persons, SQLite, kept in var/bench/)")
    started = time.perf_counter()
    register = search.full_register(FULL_PERSONS)
    print(f"demo ready in {time.perf_counter() - started:.0f} s")
    figures = search.search_figures(register)
    print(
        f"person search, in-process: p50 {figures['p50_ms']:.2f} ms,"
        f" p99 {figures['p99_ms']:.2f} ms over {figures['searches']:.0f} searches"
    )
    load, rss = search.full_demo_server(register, seconds=seconds)
    print(f"query over HTTP, 1 worker, 32 conns, 200 persons in turn: {_cell(load)}")
    print(f"resident MB per worker after it: {' '.join(f'{mb:.0f}' for mb in rss)}")


def run_opendata() -> None:
    from bench.opendata import publish_figures  # noqa: PLC0415 - only when asked for

    figures = publish_figures(FULL_PERSONS)
    print(f"\n== Open data: hub opendata publish on {figures['persons']:,} persons")
    print(f"publish (all approved aggregates): {figures['seconds']:.1f} s (target < 60 s)")
    for result in figures["results"]:
        print(
            f"  {result['aggregate']:<32} {result.get('reference', '-'):<11}"
            f" {result['outcome']:<10} rows {result.get('rows', 0):>5}"
            f" suppressed {result.get('suppressed', 0):>4}"
        )


def run_xmeld() -> None:
    with tempfile.TemporaryDirectory() as scratch:
        register = hub_load.prepare_register(
            f"sqlite:///{Path(scratch) / 'hub.db'}", Path(scratch), persons=21
        )
        settings = Settings(
            database_url=register.database_url,
            key_dir=register.key_dir,
            policy_dir=REPO / "policies",
            issuer="http://hub",
        )
        asyncio.run(bench_xmeld(settings, register.client, register.persons[0]))


def _run_policy() -> None:
    bench_policy()
    bench_compiled_policy()
    bench_opa_remote()


def _run_mirror(seconds: float) -> None:
    from bench.mirror_sync import run_mirror  # noqa: PLC0415

    run_mirror(seconds, _postgres_server())


def _run_neutral() -> None:
    from bench.neutral import main as neutral  # noqa: PLC0415

    neutral()


def _run_soak() -> None:  # minutes (BENCH_SOAK_SECONDS, default 600)
    from bench.soak import run_soak  # noqa: PLC0415

    run_soak()


def _run_ledger_search() -> None:
    from bench.ledger_search import main as ledger_search  # noqa: PLC0415

    print("\n== The DPO's ledger search and chain check (bench/ledger_search.py)")
    ledger_search()


def _run_verify() -> None:
    from bench.ledger_throughput import main as ledger_verify  # noqa: PLC0415

    ledger_verify()


def _run_section(section: str, seconds: float, baseline: str | None) -> None:
    runners: dict[str, Callable[[], None]] = {
        "instructions": lambda: run_instructions(baseline),
        "http": lambda: run_http(seconds, baseline),
        "ledger": lambda: run_ledger(seconds),
        "search": lambda: run_search(seconds),
        "policy": _run_policy,
        "xmeld": run_xmeld,
        "floods": run_floods,
        "mirror": lambda: _run_mirror(seconds),
        "neutral": _run_neutral,
        "opendata": run_opendata,
        "ledgersearch": _run_ledger_search,
        "verify": _run_verify,
        "soak": _run_soak,
    }
    runners[section]()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--only", default=",".join(DEFAULT_SECTIONS), help="sections, a,b,...")
    parser.add_argument(
        "--baseline",
        help="another checkout of the hub to compare (http section); checkout[:dir...]",
    )
    arguments = parser.parse_args()
    chosen = arguments.only.split(",")
    unknown = set(chosen) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown sections {sorted(unknown)}; choose from {SECTIONS}")
    seconds = float(os.environ.get("BENCH_SECONDS", "5"))
    started = time.perf_counter()
    print(f"make bench: {', '.join(chosen)}; {os.cpu_count()} cores, load {os.getloadavg()}")
    for section in SECTIONS:  # always in this order, whatever order --only names them
        if section in chosen:
            _run_section(section, seconds, arguments.baseline)
    print(f"\nmake bench took {time.perf_counter() - started:.0f} s; load {os.getloadavg()}")


if __name__ == "__main__":
    main()
