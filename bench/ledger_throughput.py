"""``python -m bench.ledger_throughput``: the ledger's group-commit throughput and verify time.

Entries/s through :class:`hub.audit.ledger.writer.LedgerWriter` with 1 and 32 concurrent writers
(each a caller that waits for its entry before writing the next, as a request does) spread
over 1, 2 and 4 writer processes (one writer each, like hub workers), with the CPU time per
entry (robust on a shared machine); the chain must verify afterwards. Then the time
``verify`` needs for ``BENCH_VERIFY_ENTRIES`` entries (default 1,000,000), bulk-inserted with
their real hash chain. ``run(writer_processes)`` gives one PostgreSQL figure to ``make bench``.

PostgreSQL: ``BENCH_DATABASE_URL`` or ``HUB_BENCH_DATABASE_URL`` (a server URL; a scratch
database is created there and dropped), else the local server at 127.0.0.1:5432 if it
answers; otherwise SQLite only. ``BENCH_WRITER_SECONDS`` (default 5) sets each run's length.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import socket
import tempfile
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert
from sqlalchemy.engine import make_url

from bench.ledger import _drop_postgres, _scratch_postgres
from hub.audit.integrity.verify import VerifyReport, verify
from hub.audit.ledger.chain import CHAINED_COLUMNS, GENESIS_HASH, entry_hash
from hub.audit.ledger.service import LedgerRecord, LedgerUnit, retention_class
from hub.audit.ledger.writer import LedgerWriter
from hub.db import create_hub_engine, create_sessionmaker, create_sync_engine
from hub.domain import Outcome
from hub.kit.migrate import upgrade_head
from hub.models import LedgerEntry

LOCAL_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
FILL_BATCH = 10_000
CONCURRENT_WRITERS = 32
WRITER_PROCESSES = (1, 2, 4)


def _record(caller: int | str, number: int) -> LedgerRecord:
    return LedgerRecord(
        request_id=f"bench-{caller}-{number}",
        register="melderegister",
        outcome=Outcome.RELEASED,
        http_status=200,
        client_id="c-wohngeldstelle",
        authority="wohngeldstelle",
        authority_category="city_office",
        user_id="bench",
        purpose="wohngeld_antrag",
        case_reference=f"WG-{caller}-{number}",
        kind="person",
        hit_person_ids=[f"P-{number % 5000}"],
        released_person_ids=[f"P-{number % 5000}"],
        fields_requested=["name", "given_names", "birth", "addresses"],
        fields_released=["name", "given_names", "birth", "addresses"],
        decision_id=str(uuid.uuid4()),
        policy_revision="bench",
        catalogue_revision=1,
        legal_basis=["BMG §37 Abs. 1"],
        reasons=["purpose_allows_fields"],
    )


async def _caller(writer: LedgerWriter, caller: str, until: float) -> int:
    written = 0
    while time.time() < until:
        await writer.write(LedgerUnit(record=_record(caller, written)))
        written += 1
    return written


async def _write_for(url: str, *, callers: int, seconds: float, ready: Any) -> dict[str, Any]:
    """One process's writer and its ``callers``, for ``seconds`` once every process is ready."""
    engine = create_hub_engine(url, pool_size=2)
    writer = LedgerWriter(create_sessionmaker(engine))
    writer.start()
    name = f"{os.getpid()}"
    try:
        async with engine.connect():  # open the pooled connection before the clock starts
            pass
        ready.wait()  # a barrier with the other processes and the parent
        cpu, until = time.process_time(), time.time() + seconds
        counts = await asyncio.gather(
            *(_caller(writer, f"{name}-{n}", until) for n in range(callers))
        )
        cpu = time.process_time() - cpu
    finally:
        await writer.stop()
        await engine.dispose()
    return {
        "entries": sum(counts),
        "cpu_seconds": cpu,
        "batches": writer.stats.batches,
        "largest_batch": writer.stats.largest_batch,
    }


def _process(url: str, callers: int, seconds: float, ready: Any, results: Any) -> None:
    results.put(asyncio.run(_write_for(url, callers=callers, seconds=seconds, ready=ready)))


def measure_processes(
    url: str, *, processes: int, concurrent_writers: int, seconds: float
) -> dict[str, float]:
    """Entries/s of ``processes`` writer processes sharing ``concurrent_writers`` callers.

    Each process has one LedgerWriter, as a hub worker has; each caller waits for its entry
    before it writes the next, as a request does.
    """
    if concurrent_writers < processes:
        raise ValueError("at least one concurrent writer per process")
    shares = [concurrent_writers // processes] * processes
    for extra in range(concurrent_writers % processes):
        shares[extra] += 1
    context = multiprocessing.get_context("spawn")
    ready, queue = context.Barrier(processes), context.Queue()
    children = [
        context.Process(target=_process, args=(url, share, seconds, ready, queue))
        for share in shares
    ]
    for child in children:
        child.start()
    results = [queue.get(timeout=seconds + 120) for _ in children]
    for child in children:
        child.join()
    entries = sum(int(result["entries"]) for result in results)
    batches = sum(int(result["batches"]) for result in results)
    return {
        "entries_per_second": round(entries / seconds),
        "entries": entries,
        "cpu_us_per_entry": round(sum(r["cpu_seconds"] for r in results) / max(entries, 1) * 1e6),
        "mean_batch": round(entries / max(batches, 1), 1),
        "largest_batch": max(int(result["largest_batch"]) for result in results),
    }


async def _verified(url: str) -> VerifyReport:
    engine = create_hub_engine(url)
    try:
        async with create_sessionmaker(engine)() as session:
            return await verify(session)
    finally:
        await engine.dispose()


def run(
    writer_processes: int,
    *,
    database_url: str | None = None,
    concurrent_writers: int = 32,
    seconds: float = 5.0,
) -> float:
    """Ledger entries/s on PostgreSQL with ``writer_processes`` processes writing at once.

    ``database_url``: a database to migrate and write into; by default a scratch database on
    the PostgreSQL server (``_postgres_server``), dropped afterwards. The chain must verify
    after the run, or ``RuntimeError``: throughput over a broken chain means nothing.
    """
    figures = _run_figures(
        writer_processes,
        database_url=database_url,
        concurrent_writers=concurrent_writers,
        seconds=seconds,
    )
    return figures["entries_per_second"]


def _run_figures(
    writer_processes: int, *, database_url: str | None, concurrent_writers: int, seconds: float
) -> dict[str, float]:
    scratch: tuple[str, str, str] | None = None
    if database_url is None:
        server = _postgres_server()
        if server is None:
            raise RuntimeError("no PostgreSQL server reachable for the ledger benchmark")
        name, database_url = _scratch_postgres(server)
        scratch = (server, name, database_url)
    try:
        upgrade_head(database_url)
        figures = measure_processes(
            database_url,
            processes=writer_processes,
            concurrent_writers=concurrent_writers,
            seconds=seconds,
        )
        report = asyncio.run(_verified(database_url))
        if not report.ok:
            raise RuntimeError(f"the ledger does not verify after the run: {report.as_json()}")
        return figures
    finally:
        if scratch is not None:
            _drop_postgres(scratch[0], scratch[1])


def _chain(total: int, start: datetime) -> Iterator[list[dict[str, Any]]]:
    """Rows as the writer stores them, with the real chain (seq, prev_hash, entry_hash)."""
    prev, batch = GENESIS_HASH, []
    for seq in range(1, total + 1):
        record = _record(seq % 97, seq)
        values = {c: getattr(record, c) for c in CHAINED_COLUMNS if hasattr(record, c)}
        values.update(
            seq=seq,
            entry_id=str(uuid.uuid4()),
            occurred_at=start + timedelta(milliseconds=seq),
            tag=f"query:{record.register}:{record.outcome}",
            retention_class=retention_class(record),
            prev_hash=prev,
        )
        values["entry_hash"] = prev = entry_hash(values)
        batch.append(values)
        if len(batch) == FILL_BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def fill_chain(url: str, total: int) -> float:
    started = time.perf_counter()
    engine = create_sync_engine(url)
    try:
        start = datetime.now(UTC) - timedelta(days=30)
        for batch in _chain(total, start):
            with engine.begin() as connection:
                connection.execute(insert(LedgerEntry), batch)
    finally:
        engine.dispose()
    return time.perf_counter() - started


async def measure_verify(url: str) -> tuple[float, VerifyReport]:
    engine = create_hub_engine(url)
    try:
        async with create_sessionmaker(engine)() as session:
            started = time.perf_counter()
            report = await verify(session)
            return time.perf_counter() - started, report
    finally:
        await engine.dispose()


def _print(backend: str, processes: int, writers: int, figures: dict[str, float]) -> None:
    print(
        f"ledger group commit ({backend}, {processes} writer process(es),"
        f" {writers} concurrent writer(s)): {figures['entries_per_second']} entries/s"
        f" ({figures['entries']} entries, {figures['cpu_us_per_entry']} µs CPU per entry,"
        f" mean batch {figures['mean_batch']}, largest {figures['largest_batch']})"
    )


def run_backend(
    writer_url: str,
    verify_url: str,
    *,
    seconds: float,
    verify_entries: int,
    processes: tuple[int, ...],
) -> None:
    backend = make_url(writer_url).get_backend_name()
    upgrade_head(writer_url)
    _print(
        backend,
        1,
        1,
        measure_processes(writer_url, processes=1, concurrent_writers=1, seconds=seconds),
    )
    for count in processes:
        figures = measure_processes(
            writer_url, processes=count, concurrent_writers=CONCURRENT_WRITERS, seconds=seconds
        )
        _print(backend, count, CONCURRENT_WRITERS, figures)
    chained = asyncio.run(_verified(writer_url))
    print(f"ledger after the runs ({backend}): verify ok={chained.ok} entries={chained.entries}")
    upgrade_head(verify_url)
    fill_seconds = fill_chain(verify_url, verify_entries)
    seconds_taken, report = asyncio.run(measure_verify(verify_url))
    print(
        f"ledger verify ({backend}, {verify_entries} entries): {round(seconds_taken, 1)} s,"
        f" ok={report.ok} entries={report.entries} (fill {round(fill_seconds, 1)} s)"
    )


def _postgres_server() -> str | None:
    for name in ("BENCH_DATABASE_URL", "HUB_BENCH_DATABASE_URL"):
        configured = os.environ.get(name)
        if configured and make_url(configured).get_backend_name() == "postgresql":
            return configured
    try:
        socket.create_connection(("127.0.0.1", 5432), timeout=1).close()
    except OSError:
        return None
    return LOCAL_POSTGRES


def entries_per_second(writer_processes: int, *, callers: int = 32, seconds: float = 5.0) -> float:
    """``run`` for ``make bench``: NaN instead of an error without a reachable PostgreSQL."""
    if _postgres_server() is None:
        return float("nan")
    return run(writer_processes, concurrent_writers=callers, seconds=seconds)


def main() -> None:
    seconds = float(os.environ.get("BENCH_WRITER_SECONDS", "5"))
    verify_entries = int(os.environ.get("BENCH_VERIFY_ENTRIES", "1000000"))
    with tempfile.TemporaryDirectory() as scratch:
        run_backend(
            f"sqlite:///{Path(scratch) / 'writer.db'}",
            f"sqlite:///{Path(scratch) / 'verify.db'}",
            seconds=seconds,
            verify_entries=verify_entries,
            processes=(1, 2),  # SQLite has one writer at a time, whatever the processes
        )
    server = _postgres_server()
    if server is None:
        print("ledger group commit (postgresql): skipped, no server reachable")
        return
    names = [_scratch_postgres(server), _scratch_postgres(server)]
    try:
        run_backend(
            names[0][1],
            names[1][1],
            seconds=seconds,
            verify_entries=verify_entries,
            processes=WRITER_PROCESSES,
        )
    finally:
        for name, _url in names:
            _drop_postgres(server, name)


if __name__ == "__main__":
    main()
