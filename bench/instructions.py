"""Instructions per request, counted by valgrind's callgrind: the figure a busy machine cannot move.

On a shared machine wall-clock and CPU figures drift by tens of percent with the neighbours'
load; an instruction count is the same within a few percent whatever runs beside it. So a
change to the request path is judged here first: ``python -m bench.instructions`` (or
``make bench BENCH_ARGS="--only instructions --baseline ../other-checkout"``) runs the app
in-process under ``valgrind --tool=callgrind --instr-atstart=no``, warms it up uninstrumented,
switches counting on for N requests only, and prints instructions per request for the bare
JWKS document and the bench's Wohngeldstelle query (all threads of the hub process: event
loop, aiosqlite, thread pools; a PostgreSQL server's own work is not in it), beside two
yardsticks that are not the hub: a one-route FastAPI app and the floor app (bench/floor.py,
the least work a lawful, ledgered answer needs on the same stack).

Valgrind slows the process some 50-fold, which would make every time-based housekeeping
(limiter flushes every 2 s, client status and catalogue re-reads, the Sperre drain's
poll every 100 ms and heartbeat every second) run fifty times as often per
request as in service; the run stretches those intervals so the count is the request's own.
A baseline checkout needs ``bench/hub_load.py`` and ``bench/query_cpu.py`` (third speed round
on). A small spread remains (batch sizes and loop turns depend on thread timing): compare runs of
a few percent apart as equal.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# Housekeeping intervals stretched so that valgrind's slowness does not multiply them.
QUIET_HOUSEKEEPING = {
    "HUB_AUTH_LIMIT__FLUSH_SECONDS": "60",
    "HUB_CLIENT_STATUS_CACHE_SECONDS": "60",
    "HUB_CATALOGUE_REFRESH_SECONDS": "3600",
    "HUB_DRAIN_POLL_SECONDS": "60",
    "HUB_DRAIN_HEARTBEAT_SECONDS": "600",
}
WARM_UP = 30
_TOTALS = re.compile(r"^(?:summary|totals):\s+(\d+)", re.MULTILINE)


@dataclass(frozen=True)
class Count:
    route: str
    requests: int
    instructions: int

    @property
    def per_request(self) -> float:
        return self.instructions / self.requests


def _callgrind(command: str, pid: int) -> None:
    subprocess.run(  # noqa: S603 - our own process id, fixed commands
        ["callgrind_control", command, str(pid)],  # noqa: S607 - valgrind's tool, from PATH
        check=True,
        capture_output=True,
    )


# Not the hub: a one-route FastAPI app and the floor of a ledgered query (bench/floor.py).
YARDSTICKS = ("oneroute", "floor")
Request = tuple[str, str, dict[str, str], bytes]


def _yardstick(register: Any, route: str) -> tuple[Any, Request]:
    from bench import hub_load  # noqa: PLC0415

    if route == "oneroute":
        from bench.oneroute import app  # noqa: PLC0415

        return app, ("GET", "/health", {}, b"")
    os.environ.update(register.environment())  # the floor reads its database and keys there
    from bench.floor import app as floor  # noqa: PLC0415

    token = hub_load.floor_token(register)
    headers = {"authorization": f"Bearer {token}", "content-type": "application/json"}
    body = hub_load.query_body(register.persons[0]).encode()
    return floor, ("POST", hub_load.FLOOR_PATH, headers, body)


async def _hub_request(app: Any, register: Any, route: str) -> Request:
    from bench import hub_load  # noqa: PLC0415
    from bench.query_cpu import query_headers  # noqa: PLC0415

    if route == "jwks":
        return "GET", hub_load.JWKS_PATH, {}, b""
    headers = await query_headers(app, register)
    return "POST", hub_load.QUERY_PATH, headers, hub_load.query_body(register.persons[0]).encode()


async def _count(register: Any, route: str, requests: int, repo: Path) -> None:
    """Inside valgrind: warm up, count ``requests`` requests of ``route``, dump."""
    # The checkout under test's own modules (PYTHONPATH), baseline or ours.
    from bench.query_cpu import call  # noqa: PLC0415
    from hub.app import create_app  # noqa: PLC0415
    from hub.config import Settings  # noqa: PLC0415

    if route in YARDSTICKS:
        app, (method, path, headers, body) = _yardstick(register, route)
    else:
        settings = Settings(
            database_url=register.database_url,
            key_dir=register.key_dir,
            policy_dir=repo / "policies",
            issuer="http://hub",
        )
        app = create_app(settings)
    async with app.router.lifespan_context(app):
        if route not in YARDSTICKS:
            method, path, headers, body = await _hub_request(app, register, route)
        for _ in range(WARM_UP):
            answer = await call(app, method, path, headers, body)
        if answer["status"] != 200:
            raise RuntimeError(f"{route} answered {answer['status']}: {answer['body'][:200]!r}")
        await asyncio.sleep(0.2)  # the warm-up's ledger batches are committed
        pid = os.getpid()
        _callgrind("--instr=on", pid)
        _callgrind("--zero", pid)
        for _ in range(requests):
            await call(app, method, path, headers, body)
        await asyncio.sleep(0.3)  # the last ledger batch is committed and counted
        _callgrind("--dump=counted", pid)
        _callgrind("--instr=off", pid)


def _inner() -> None:
    """``python bench/instructions.py --inner BACKEND ROUTE N REPO``: the counted process."""
    backend, route, requests, repo = sys.argv[2], sys.argv[3], int(sys.argv[4]), Path(sys.argv[5])
    from bench import hub_load  # noqa: PLC0415
    from bench.ledger_throughput import _postgres_server  # noqa: PLC0415

    postgres = _postgres_server() if backend == "postgresql" else None
    with (
        tempfile.TemporaryDirectory() as scratch,
        hub_load.scratch_register(backend, Path(scratch), postgres) as register,
    ):
        asyncio.run(_count(register, route, requests, repo))


def count(source: Path, *, backend: str, route: str, requests: int) -> Count:
    """Instructions for ``requests`` requests of ``route`` by the checkout at ``source``."""
    if shutil.which("valgrind") is None:
        raise RuntimeError("valgrind is not installed (apt-get install valgrind)")
    with tempfile.TemporaryDirectory(prefix="hub-callgrind-") as out:
        environment = {**os.environ, **QUIET_HOUSEKEEPING, "PYTHONPATH": str(source)}
        command = [
            "valgrind",
            "--tool=callgrind",
            "--instr-atstart=no",
            f"--callgrind-out-file={out}/callgrind.%p",
            sys.executable,
            # By path, so that PYTHONPATH's checkout (maybe the baseline) provides hub and bench.
            str(Path(__file__).resolve()),
            "--inner",
            backend,
            route,
            str(requests),
            str(source),
        ]
        done = subprocess.run(  # noqa: S603 - our own interpreter and script
            command, cwd=source, env=environment, capture_output=True, text=True, check=False
        )
        dumps = sorted(Path(out).glob("callgrind.*.1"))
        if done.returncode != 0 or not dumps:
            raise RuntimeError(f"callgrind run failed: {done.stderr[-800:]}")
        totals = _TOTALS.search(dumps[0].read_text(errors="replace"))
        if totals is None:
            raise RuntimeError("no totals in the callgrind dump")
        return Count(route, requests, int(totals.group(1)))


def run_instructions(baseline: str | None, *, requests: int = 60) -> None:
    """The section of ``make bench``: ours, and the baseline checkout's when given."""
    sources: list[tuple[str, Path]] = [("this checkout", Path(__file__).resolve().parents[1])]
    if baseline is not None:
        sources.insert(0, ("baseline", Path(baseline).resolve()))
    print(f"\n== Instructions per request (callgrind, in-process, {requests} requests each)")
    figures: dict[tuple[str, str, str], float] = {}
    routes = (("oneroute", 4 * requests), ("jwks", 4 * requests), ("floor", requests))
    for backend in ("sqlite", "postgresql"):
        for route, count_of in (*routes, ("query", requests)):
            if route == "oneroute" and backend != "sqlite":
                continue  # no database
            for label, source in sources:
                if route in YARDSTICKS and label == "baseline":
                    continue  # not the hub: the same code in both checkouts
                try:
                    counted = count(source, backend=backend, route=route, requests=count_of)
                except RuntimeError as error:
                    print(f"{backend:<11} {route:<6} {label:<14} failed: {error}")
                    continue
                figures[(backend, route, label)] = counted.per_request
                before = figures.get((backend, route, "baseline"))
                ratio = f"  ({counted.per_request / before:.2f} of baseline)" if before else ""
                if label == "baseline":
                    ratio = ""
                print(
                    f"{backend:<11} {route:<6} {label:<14}"
                    f" {counted.per_request / 1e6:7.2f} M instructions/request{ratio}"
                )


def main(argv: list[str] | None = None) -> Any:
    arguments = sys.argv if argv is None else argv
    if len(arguments) > 1 and arguments[1] == "--inner":
        return _inner()
    baseline = arguments[1] if len(arguments) > 1 else None
    return run_instructions(baseline)


if __name__ == "__main__":
    if sys.path and Path(sys.path[0]).resolve() == Path(__file__).resolve().parent:
        sys.path.pop(0)  # run by path: bench/http.py must not stand in for the standard http
    main()
