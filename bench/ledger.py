"""``python -m bench.ledger``: the citizen view (and the DPO's person filter) on a big ledger.

One person has ``BENCH_LEDGER_PERSON_ENTRIES`` entries (default 10,000) among
``BENCH_LEDGER_ENTRIES`` (default 200,000, at most 5,000,000). SQLite by default; with
``BENCH_DATABASE_URL`` (a PostgreSQL server URL) a scratch database is created on that
server and dropped afterwards. Rows are bulk-inserted as the ledger stores them (the chain
hashes are placeholders: the view never checks them).
"""

from __future__ import annotations

import asyncio
import os
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, insert, text
from sqlalchemy.engine import make_url

from governance.catalogue import load_catalogue
from hub.admin.service import load_catalogue as load_default_catalogue
from hub.audit.ledger import reads
from hub.config import Settings
from hub.db import create_hub_engine, create_sessionmaker, create_sync_engine
from hub.kit.migrate import upgrade_head
from hub.models import LedgerEntry, LedgerPersonRef

MAX_ENTRIES = 5_000_000
BATCH = 10_000
TARGET = "P-TARGET"
SPAN = timedelta(days=900)
# (authority, category, purpose) of the recipients; police and prosecutors stay hidden.
RECIPIENTS = (
    ("wohngeldstelle", "city_office", "wohngeld_antrag"),
    ("sozialamt", "city_office", "sgb12_leistung"),
    ("jobcenter", "public_body", "sgb2_leistung"),
    ("polizei", "security_authority", "gefahrenabwehr"),
    ("staatsanwaltschaft", "justice_authority", "strafverfolgung"),
)


def _rows(total: int, person_entries: int, now: datetime) -> Iterator[tuple[dict[str, Any], ...]]:
    rng = random.Random(2026)
    every = max(total // person_entries, 1)
    for seq in range(1, total + 1):
        mine = seq % every == 0 and seq // every <= person_entries
        person = TARGET if mine else f"P-{rng.randrange(total // 3 + 1)}"
        authority, category, purpose = rng.choice(RECIPIENTS)
        outcome = rng.choices(("released", "denied", "manual"), weights=(8, 1, 1))[0]
        released = [person] if outcome == "released" else []
        # Spread over 900 days, so the oldest part is past its retention period.
        occurred = now - SPAN * ((total - seq) / total)
        entry_id = str(uuid.UUID(int=rng.getrandbits(128)))
        entry = {
            "seq": seq,
            "entry_id": entry_id,
            "occurred_at": occurred,
            "request_id": entry_id,
            "client_id": f"c-{authority}",
            "authority": authority,
            "user_id": "bench",
            "user_roles": [],
            "user_roles_ignored": [],
            "purpose": purpose,
            "case_reference": f"AZ-{seq}",
            "register": "melderegister",
            "kind": "person",
            "hit_person_ids": [person],
            "released_person_ids": released,
            "hit_ids": [],
            "fields_requested": ["name", "addresses"],
            "fields_released": ["name", "addresses"] if released else [],
            "fields_withheld": [],
            "outcome": outcome,
            "http_status": 200,
            "tag": f"query:melderegister:{outcome}",
            "decision_id": None,
            "policy_revision": "bench",
            "catalogue_revision": 1,
            "legal_basis": ["BMG §37"],
            "reasons": [],
            "retention_class": "L-MELDE-SEC"
            if category in {"security_authority", "justice_authority"}
            else "L-MELDE",
            "prev_hash": f"{seq - 1:064x}",
            "entry_hash": f"{seq:064x}",
        }
        ref = {
            "entry_id": entry_id,
            "person_id": person,
            "register": "melderegister",
            "occurred_at": occurred,
            "released": bool(released),
        }
        yield entry, ref


def fill(url: str, *, total: int, person_entries: int) -> float:
    engine = create_sync_engine(url)
    started = time.perf_counter()
    entries: list[dict[str, Any]] = []
    refs: list[dict[str, Any]] = []
    with engine.begin() as connection:
        for entry, ref in _rows(total, person_entries, datetime.now(UTC)):
            entries.append(entry)
            refs.append(ref)
            if len(entries) == BATCH:
                connection.execute(insert(LedgerEntry), entries)
                connection.execute(insert(LedgerPersonRef), refs)
                entries, refs = [], []
        if entries:
            connection.execute(insert(LedgerEntry), entries)
            connection.execute(insert(LedgerPersonRef), refs)
        if connection.dialect.name == "postgresql":
            connection.execute(text("ANALYZE ledger_entries"))
            connection.execute(text("ANALYZE ledger_person_refs"))
        else:
            connection.execute(text("ANALYZE"))
    engine.dispose()
    return time.perf_counter() - started


def _median_ms(samples: list[float]) -> float:
    return round(statistics.median(samples) * 1000, 1)


async def measure(url: str, *, rounds: int = 10) -> dict[str, Any]:
    engine = create_hub_engine(url, statement_timeout_ms=120_000)
    sessionmaker = create_sessionmaker(engine)
    try:
        async with sessionmaker() as session:
            catalogue = await load_catalogue(session)
        view_samples, filter_samples, shown = [], [], 0
        for _ in range(rounds):
            async with sessionmaker() as session:
                started = time.perf_counter()
                view = await reads.citizen_view(
                    session, catalogue, register="melderegister", person_id=TARGET
                )
                view_samples.append(time.perf_counter() - started)
                shown = int(view["total"])
            async with sessionmaker() as session:
                started = time.perf_counter()
                await reads.list_entries(
                    session,
                    reads.AuditFilters(register="melderegister", person=TARGET),
                    limit=100,
                    cursor=None,
                )
                filter_samples.append(time.perf_counter() - started)
        return {
            "citizen_view_ms": _median_ms(view_samples),
            "disclosures_shown": shown,
            "dpo_person_filter_page_ms": _median_ms(filter_samples),
        }
    finally:
        await engine.dispose()


def _scratch_postgres(server_url: str) -> tuple[str, str]:
    name = f"hub_bench_ledger_{uuid.uuid4().hex[:8]}"
    admin = create_engine(
        make_url(server_url).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return name, make_url(server_url).set(database=name).render_as_string(hide_password=False)


def _drop_postgres(server_url: str, name: str) -> None:
    admin = create_engine(
        make_url(server_url).set(drivername="postgresql+psycopg"), isolation_level="AUTOCOMMIT"
    )
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def run(url: str, *, total: int, person_entries: int) -> None:
    upgrade_head(url)
    load_default_catalogue(Settings(database_url=url))
    seconds = fill(url, total=total, person_entries=person_entries)
    figures = asyncio.run(measure(url))
    backend = make_url(url).get_backend_name()
    print(
        f"ledger citizen view ({backend}, {person_entries} entries of the person among {total}):"
        f" median {figures['citizen_view_ms']} ms for {figures['disclosures_shown']} disclosures"
        f" shown; DPO person filter, first page of 100 + total:"
        f" {figures['dpo_person_filter_page_ms']} ms (fill {round(seconds, 1)} s)"
    )


def main() -> None:
    total = min(int(os.environ.get("BENCH_LEDGER_ENTRIES", "200000")), MAX_ENTRIES)
    person_entries = min(int(os.environ.get("BENCH_LEDGER_PERSON_ENTRIES", "10000")), total)
    server = os.environ.get("BENCH_DATABASE_URL")
    if server and make_url(server).get_backend_name() == "postgresql":
        name, url = _scratch_postgres(server)
        try:
            run(url, total=total, person_entries=person_entries)
        finally:
            _drop_postgres(server, name)
        return
    with tempfile.TemporaryDirectory() as scratch:
        run(f"sqlite:///{Path(scratch) / 'ledger.db'}", total=total, person_entries=person_entries)


if __name__ == "__main__":
    main()
