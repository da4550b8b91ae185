"""``python -m bench.ledger_search``: the DPO's ledger search and the chain check on a big ledger.

``BENCH_LEDGER_SEARCH_ENTRIES`` entries (default 1,000,000; any size from 1,000, so a quick
run proves the section works) are bulk-inserted with their real hash chain (version 2):
SQLite through one executemany per batch, PostgreSQL through COPY. Then, each the median of
``ROUNDS`` runs in a fresh session, the pages the workbench asks for (hub.audit.ledger.search:
50 rows and the total, disclosures only, as /ui/audit shows them): the newest page, the
oldest (last) page, the page after the newest, a day 200 days back, the Sozialamt's newest,
sorted by authority, a case reference and a person. Last, ``verify`` of the whole chain, as
the chain page's background job runs it. SQLite in a temporary directory; PostgreSQL in a
scratch database on the server of bench/ledger_throughput.py, dropped afterwards.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import JSON, insert, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bench.ledger import _drop_postgres, _scratch_postgres
from bench.ledger_throughput import _postgres_server
from hub.audit.integrity.verify import verify
from hub.audit.ledger import search as ledger_search
from hub.audit.ledger.chain import GENESIS_HASH, HASH_VERSION, content_digest, link_hash
from hub.audit.ledger.reads import AUDIT_REGISTER, AuditFilters
from hub.db import create_hub_engine, create_sessionmaker, create_sync_engine
from hub.kit.migrate import upgrade_head
from hub.models import LedgerEntry, LedgerPersonRef

BATCH = 20_000
PERSON = "P-BENCH"
ROUNDS = 5
PAGE = 50
SPAN = timedelta(days=400)
# (authority, purpose, retention class): recipients of the Melderegister.
RECIPIENTS = (
    ("wohngeldstelle", "wohngeld_antrag", "L-MELDE"),
    ("sozialamt", "sgb12_leistung", "L-MELDE"),
    ("jugendamt", "sgb8_hilfe", "L-MELDE"),
    ("ordnungsamt", "owi_anhoerung", "L-MELDE"),
    ("jobcenter", "sgb2_leistung", "L-MELDE"),
    ("steueramt", "hundesteuer", "L-MELDE"),
    ("polizei", "gefahrenabwehr", "L-MELDE-SEC"),
)
OUTCOMES = (("released", 200), ("neutral", 200), ("manual", 202), ("denied", 403))
JSON_COLUMNS = frozenset(
    column.name for column in LedgerEntry.__table__.columns if isinstance(column.type, JSON)
)


def _entries(
    total: int, now: datetime
) -> Iterator[tuple[list[dict[str, Any]], list[dict[str, Any]]]]:
    """Batches of (entries, person refs): 1 in 20 a ledger read, the rest register calls."""
    rng = random.Random(18)
    prev, entries, refs = GENESIS_HASH, [], []
    for seq in range(1, total + 1):
        occurred = now - SPAN * ((total - seq) / total)
        entry_id = str(uuid.UUID(int=rng.getrandbits(128)))
        if seq % 20 == 0:
            values = _read(entry_id, occurred)
        else:
            values = _call(rng, seq, entry_id, occurred)
            refs.append(
                {
                    "entry_id": entry_id,
                    "person_id": values["hit_person_ids"][0],
                    "register": "melderegister",
                    "occurred_at": occurred,
                    "released": bool(values["released_person_ids"]),
                }
            )
        values.update(seq=seq, prev_hash=prev, hash_version=HASH_VERSION)
        values["entry_hash"] = prev = link_hash(prev, seq, content_digest(values))
        entries.append(values)
        if len(entries) == BATCH:
            yield entries, refs
            entries, refs = [], []
    if entries:
        yield entries, refs


def _common(entry_id: str, occurred: datetime) -> dict[str, Any]:
    return {
        "entry_id": entry_id,
        "occurred_at": occurred,
        "request_id": entry_id,
        "user_roles": [],
        "user_roles_ignored": [],
        "hit_ids": [],
        "fields_withheld": [],
        "decision_id": None,
        "policy_revision": "bench",
        "catalogue_revision": 1,
        "reasons": [],
        "fields_transformed": None,
    }


def _call(rng: random.Random, seq: int, entry_id: str, occurred: datetime) -> dict[str, Any]:
    authority, purpose, retention = rng.choice(RECIPIENTS)
    outcome, status = rng.choices(OUTCOMES, weights=(80, 8, 7, 5))[0]
    # One person in a thousand entries is the one the person filter looks for.
    person = PERSON if seq % 1000 == 1 else f"P-{rng.randrange(200_000)}"
    released = outcome == "released"
    return {
        **_common(entry_id, occurred),
        "client_id": f"c-{authority}",
        "authority": authority,
        "user_id": f"u.{authority}.{seq % 40}",
        "purpose": purpose,
        "case_reference": f"AZ-{seq}",
        "register": "melderegister",
        "kind": "person",
        "hit_person_ids": [person],
        "released_person_ids": [person] if released else [],
        "fields_requested": ["name", "addresses"],
        "fields_released": ["name", "addresses"] if released else [],
        "outcome": outcome,
        "http_status": status,
        "tag": f"query:melderegister:{outcome}",
        "legal_basis": ["BMG §37 Abs. 1"],
        "retention_class": retention,
    }


def _read(entry_id: str, occurred: datetime) -> dict[str, Any]:
    return {
        **_common(entry_id, occurred),
        "client_id": "ui-workbench",
        "authority": "datenschutzbeauftragter",
        "user_id": "dpo.bench",
        "purpose": None,
        "case_reference": None,
        "register": AUDIT_REGISTER,
        "kind": "read",
        "hit_person_ids": [],
        "released_person_ids": [],
        "fields_requested": ["ui.entries"],
        "fields_released": [],
        "outcome": "released",
        "http_status": 200,
        "tag": "read:audit:released",
        "legal_basis": ["BMG §40 Abs. 5"],
        "retention_class": "L-DECISION",
    }


def _copy(engine: Engine, table: str, rows: list[dict[str, Any]]) -> None:
    """PostgreSQL COPY of ``rows`` (JSON columns as their text)."""
    columns = list(rows[0])
    raw = engine.raw_connection()
    try:
        with raw.cursor() as cursor:  # type: ignore[attr-defined]
            names = ", ".join(f'"{name}"' for name in columns)
            with cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(
                        [
                            json.dumps(row[c], ensure_ascii=False)
                            if c in JSON_COLUMNS and row[c] is not None
                            else row[c]
                            for c in columns
                        ]
                    )
        raw.commit()
    finally:
        raw.close()


def fill(url: str, total: int) -> float:
    engine = create_sync_engine(url)
    started = time.perf_counter()
    try:
        postgres = engine.dialect.name == "postgresql"
        for entries, refs in _entries(total, datetime.now(UTC)):
            if postgres:
                _copy(engine, "ledger_entries", entries)
                _copy(engine, "ledger_person_refs", refs)
                continue
            with engine.begin() as connection:
                connection.execute(insert(LedgerEntry), entries)
                connection.execute(insert(LedgerPersonRef), refs)
        with engine.begin() as connection:
            connection.execute(text("ANALYZE"))
    finally:
        engine.dispose()
    return time.perf_counter() - started


Page = Callable[[AsyncSession], Awaitable[dict[str, Any]]]


def _pages(total: int) -> dict[str, Page]:
    disclosures = AuditFilters(without_reads=True)
    newest = ledger_search.Order()
    day = datetime.now(UTC) - timedelta(days=200)

    def page(
        filters: AuditFilters = disclosures, order: ledger_search.Order = newest, **how: Any
    ) -> Page:
        return lambda session: ledger_search.search(
            session, filters, order=order, limit=PAGE, **how
        )

    async def following(session: AsyncSession) -> dict[str, Any]:
        first = await ledger_search.search(session, disclosures, order=newest, limit=PAGE)
        position = ledger_search.decode_position(first["next"], newest)
        return await ledger_search.search(
            session, disclosures, order=newest, limit=PAGE, position=position
        )

    return {
        "newest page": page(),
        "last (oldest) page": page(last=True),
        "first + next page": following,
        "a day 200 days back": page(
            position=ledger_search.day_position(newest, day, day + timedelta(days=1))
        ),
        "Sozialamt, newest": page(AuditFilters(without_reads=True, authority="sozialamt")),
        "sorted by authority": page(order=ledger_search.Order(key="authority", descending=False)),
        "case reference": page(
            AuditFilters(without_reads=True, case_reference=f"az-{total // 2 + 1}")
        ),
        "person": page(AuditFilters(without_reads=True, register="melderegister", person=PERSON)),
    }


async def measure(url: str, total: int) -> tuple[dict[str, tuple[float, int]], dict[str, Any]]:
    engine = create_hub_engine(url, statement_timeout_ms=600_000)
    sessions: async_sessionmaker[AsyncSession] = create_sessionmaker(engine)
    figures: dict[str, tuple[float, int]] = {}
    try:
        for name, page in _pages(total).items():
            samples, shown = [], 0
            for _ in range(ROUNDS):
                async with sessions() as session:
                    started = time.perf_counter()
                    found = await page(session)
                    samples.append(time.perf_counter() - started)
                    shown = len(found["entries"])
            figures[name] = (statistics.median(samples) * 1000, shown)
        heard: list[int] = []
        async with sessions() as session:
            started = time.perf_counter()
            report = await verify(session, progress=heard.append)
            seconds = time.perf_counter() - started
        verified = {"seconds": seconds, "report": report.as_json(), "progress_reports": len(heard)}
        return figures, verified
    finally:
        await engine.dispose()


def run(url: str, total: int) -> None:
    backend = make_url(url).get_backend_name()
    upgrade_head(url)
    fill_seconds = fill(url, total)
    figures, verified = asyncio.run(measure(url, total))
    print(
        f"ledger search ({backend}, {total:,} entries, filled in {fill_seconds:.1f} s;"
        f" {PAGE} rows + total, median of {ROUNDS}):"
    )
    for name, (milliseconds, shown) in figures.items():
        print(f"  {name:<24} {milliseconds:8.1f} ms  ({shown} rows)")
    report = verified["report"]
    print(
        f"  verify whole chain       {verified['seconds']:8.1f} s   ok={report['ok']}"
        f" entries={report['entries']} ({verified['progress_reports']} progress reports)"
    )


def main() -> None:
    total = max(int(os.environ.get("BENCH_LEDGER_SEARCH_ENTRIES", "1000000")), 1000)
    with tempfile.TemporaryDirectory() as scratch:
        run(f"sqlite:///{Path(scratch) / 'ledger.db'}", total)
    server = _postgres_server()
    if server is None:
        print("ledger search (postgresql): skipped, no server reachable")
        return
    name, url = _scratch_postgres(server)
    try:
        run(url, total)
    finally:
        _drop_postgres(server, name)


if __name__ == "__main__":
    main()
