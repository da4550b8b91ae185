"""``python -m bench.ledger_throughput``: the ledger's group-commit throughput and verify time.

Entries/s through :class:`hub.audit.writer.LedgerWriter` with 1 and 32 concurrent writers
(each a caller that waits for its entry before writing the next, as a request does), on a
SQLite file and on PostgreSQL; then the time ``verify`` needs for ``BENCH_VERIFY_ENTRIES``
entries (default 1,000,000), bulk-inserted with their real hash chain.

PostgreSQL: ``BENCH_DATABASE_URL`` or ``HUB_BENCH_DATABASE_URL`` (a server URL; a scratch
database is created there and dropped), else the local server at 127.0.0.1:5432 if it
answers; otherwise SQLite only. ``BENCH_WRITER_SECONDS`` (default 5) sets each run's length.
"""

from __future__ import annotations

import asyncio
import os
import socket
import tempfile
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime, timedelta
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from sqlalchemy import insert
from sqlalchemy.engine import make_url

from bench.ledger import _drop_postgres, _scratch_postgres
from hub.audit import service
from hub.audit.chain import CHAINED_COLUMNS, GENESIS_HASH, entry_hash
from hub.audit.service import LedgerRecord, LedgerUnit, retention_class
from hub.audit.writer import LedgerWriter
from hub.db import create_hub_engine, create_sessionmaker, create_sync_engine
from hub.kit.migrate import upgrade_head
from hub.models import LedgerEntry

LOCAL_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
FILL_BATCH = 10_000
WRITER_COUNTS = (1, 32)


def _record(caller: int, number: int) -> LedgerRecord:
    return LedgerRecord(
        request_id=f"bench-{caller}-{number}",
        register="melderegister",
        outcome="released",
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


async def _caller(writer: LedgerWriter, caller: int, until: float) -> int:
    written = 0
    while time.perf_counter() < until:
        await writer.write(LedgerUnit(record=_record(caller, written)))
        written += 1
    return written


async def measure_writer(url: str, *, writers: int, seconds: float) -> dict[str, float]:
    engine = create_hub_engine(url, pool_size=4)
    writer = LedgerWriter(create_sessionmaker(engine))
    writer.start()
    try:
        started = time.perf_counter()
        counts = await asyncio.gather(
            *(_caller(writer, n, started + seconds) for n in range(writers))
        )
        elapsed = time.perf_counter() - started
    finally:
        await writer.stop()
        await engine.dispose()
    stats = writer.stats
    return {
        "entries_per_second": round(sum(counts) / elapsed),
        "entries": sum(counts),
        "mean_batch": round(stats.entries / max(stats.batches, 1), 1),
        "largest_batch": stats.largest_batch,
    }


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


async def measure_verify(url: str) -> tuple[float, service.VerifyReport]:
    engine = create_hub_engine(url)
    try:
        async with create_sessionmaker(engine)() as session:
            started = time.perf_counter()
            report = await service.verify(session)
            return time.perf_counter() - started, report
    finally:
        await engine.dispose()


def run(writer_url: str, verify_url: str, *, seconds: float, verify_entries: int) -> None:
    backend = make_url(writer_url).get_backend_name()
    upgrade_head(writer_url)
    for writers in WRITER_COUNTS:
        figures = asyncio.run(measure_writer(writer_url, writers=writers, seconds=seconds))
        print(
            f"ledger group commit ({backend}, {writers} concurrent writer(s)):"
            f" {figures['entries_per_second']} entries/s ({figures['entries']} in {seconds} s,"
            f" mean batch {figures['mean_batch']}, largest {figures['largest_batch']})"
        )
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


def _writer_process(url: str, callers: int, seconds: float, start_at: float) -> int:
    time.sleep(max(0.0, start_at - time.time()))  # all processes write at the same time
    return int(asyncio.run(measure_writer(url, writers=callers, seconds=seconds))["entries"])


def entries_per_second(writer_processes: int, *, callers: int = 32, seconds: float = 5.0) -> float:
    """Entries/s on PostgreSQL from ``writer_processes`` processes (one LedgerWriter each).

    ``callers`` concurrent callers in all, split evenly over the processes, as requests over
    hub workers; a scratch database on the local server (see ``_postgres_server``).
    For ``make bench`` (issue 14); NaN without a reachable PostgreSQL.
    """
    server = _postgres_server()
    if server is None:
        return float("nan")
    name, url = _scratch_postgres(server)
    try:
        upgrade_head(url)
        start_at = time.time() + 3.0  # spawned interpreters need a moment to import
        with ProcessPoolExecutor(writer_processes, mp_context=get_context("spawn")) as pool:
            written = pool.map(
                _writer_process,
                [url] * writer_processes,
                [max(callers // writer_processes, 1)] * writer_processes,
                [seconds] * writer_processes,
                [start_at] * writer_processes,
            )
            return sum(written) / seconds
    finally:
        _drop_postgres(server, name)


def main() -> None:
    seconds = float(os.environ.get("BENCH_WRITER_SECONDS", "5"))
    verify_entries = int(os.environ.get("BENCH_VERIFY_ENTRIES", "1000000"))
    with tempfile.TemporaryDirectory() as scratch:
        run(
            f"sqlite:///{Path(scratch) / 'writer.db'}",
            f"sqlite:///{Path(scratch) / 'verify.db'}",
            seconds=seconds,
            verify_entries=verify_entries,
        )
    server = _postgres_server()
    if server is None:
        print("ledger group commit (postgresql): skipped, no server reachable")
        return
    names = [_scratch_postgres(server), _scratch_postgres(server)]
    try:
        run(names[0][1], names[1][1], seconds=seconds, verify_entries=verify_entries)
    finally:
        for name, _url in names:
            _drop_postgres(server, name)


if __name__ == "__main__":
    main()
