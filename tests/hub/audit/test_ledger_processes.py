"""Several writer processes on one ledger, on both backends.

Each process has its own LedgerWriter, as each hub worker has. Whatever they interleave, the
ledger stays one chain: contiguous seqs, linked hashes, version-2 hashes for new entries while
version-1 entries written before still verify; verify, exported slices, the citizen view's
person index, purge tombstones and tamper detection all work over what they wrote.
"""

from __future__ import annotations

import asyncio
import multiprocessing
from datetime import UTC, datetime
from pathlib import Path

import pytest

from hub.audit.integrity.checkpoints import load_or_create_key
from hub.audit.integrity.export import export_slice, verify_export
from hub.audit.integrity.service import purge, write_checkpoint
from hub.audit.integrity.verify import VerifyReport, verify
from hub.audit.ledger.retention import is_due
from hub.audit.ledger.service import LedgerRecord, LedgerUnit
from hub.audit.ledger.writer import LedgerWriter
from hub.db import create_hub_engine, create_sessionmaker
from hub.domain import Outcome, QueryKind
from hub.models import LedgerPersonRef
from tests.fixtures.hub_app import freeze_ledger_clock
from tests.fixtures.ledger import ledger_rows, table_rows, tamper
from tests.fixtures.ledger_history import HISTORY, write_history

PROCESSES = 3
CALLERS = 4  # per process, each waiting for its entry before the next, as requests do
PER_CALLER = 8


def _record(request_id: str, person_id: str) -> LedgerRecord:
    return LedgerRecord(
        request_id=request_id,
        register="melderegister",
        outcome=Outcome.RELEASED,
        http_status=200,
        client_id="c-wohngeldstelle",
        authority="wohngeldstelle",
        authority_category="city_office",
        purpose="wohngeld_antrag",
        kind=QueryKind.PERSON,
        hit_person_ids=[person_id],
        released_person_ids=[person_id],
        fields_requested=["name"],
        fields_released=["name"],
        legal_basis=["BMG §37 Abs. 1"],
    )


async def _write(database_url: str, tag: str) -> list[str]:
    """One process's writer and callers; the entry ids they were answered with, in order."""
    engine = create_hub_engine(database_url)
    writer = LedgerWriter(create_sessionmaker(engine))
    writer.start()

    async def caller(number: int) -> list[str]:
        written = []
        for index in range(PER_CALLER):
            unit = LedgerUnit(record=_record(f"{tag}-{number}-{index}", f"P-{tag}-{number}"))
            entry = await writer.write(unit)
            assert entry.entry_id == unit.entry_id
            written.append(entry.entry_id)
        return written

    try:
        results = await asyncio.gather(*(caller(number) for number in range(CALLERS)))
    finally:
        await writer.stop()
        await engine.dispose()
    return [entry_id for result in results for entry_id in result]


def _process(database_url: str, tag: str) -> list[str]:
    return asyncio.run(_write(database_url, tag))


def _write_in_processes(database_url: str) -> list[str]:
    tags = [(database_url, f"w{number}") for number in range(PROCESSES)]
    with multiprocessing.get_context("spawn").Pool(PROCESSES) as pool:
        return [entry_id for ids in pool.starmap(_process, tags) for entry_id in ids]


async def _verify(database_url: str, key_dir: Path) -> VerifyReport:
    engine = create_hub_engine(database_url)
    try:
        async with create_sessionmaker(engine)() as session:
            return await verify(session, load_or_create_key(key_dir).public_key())
    finally:
        await engine.dispose()


async def _checkpoint_and_export(database_url: str, key_dir: Path) -> list[str]:
    key = load_or_create_key(key_dir)
    engine = create_hub_engine(database_url)
    try:
        async with create_sessionmaker(engine)() as session:
            checkpoint = await write_checkpoint(session, key)
            await session.commit()
        async with create_sessionmaker(engine)() as session:
            return await export_slice(session, key.public_key(), to_checkpoint=checkpoint.id)
    finally:
        await engine.dispose()


async def test_processes_writing_at_once_make_one_chain(
    clean_database: str, tmp_path: Path
) -> None:
    write_history(clean_database)  # version-1 entries from before the upgrade
    old = len(HISTORY)
    written = _write_in_processes(clean_database)
    total = old + PROCESSES * CALLERS * PER_CALLER
    rows = ledger_rows(clean_database)
    assert [row["seq"] for row in rows] == list(range(1, total + 1))
    assert all(rows[i]["prev_hash"] == rows[i - 1]["entry_hash"] for i in range(1, total))
    assert [row["hash_version"] for row in rows] == [1] * old + [2] * (total - old)
    assert sorted(row["entry_id"] for row in rows[old:]) == sorted(written)
    # The citizen view's index was written with every entry, in its transaction.
    refs = table_rows(clean_database, LedgerPersonRef.__table__)
    assert {ref["entry_id"] for ref in refs} >= set(written)
    key_dir = tmp_path / "keys"
    report = await _verify(clean_database, key_dir)
    assert (report.ok, report.entries) == (True, total)
    lines = await _checkpoint_and_export(clean_database, key_dir)
    exported = verify_export(lines)
    assert (exported.ok, exported.entries) == (True, total)

    altered = old + 5
    tamper(clean_database, f"UPDATE ledger_entries SET purpose = 'x' WHERE seq = {altered}")
    broken = await _verify(clean_database, key_dir)
    assert (broken.ok, broken.first_broken_seq) == (False, altered)
    assert broken.problem is not None and "altered" in broken.problem


async def test_a_version_2_entry_cannot_pass_as_version_1(
    clean_database: str, tmp_path: Path
) -> None:
    await _write(clean_database, "solo")
    tamper(clean_database, "UPDATE ledger_entries SET hash_version = 1 WHERE seq = 3")
    report = await _verify(clean_database, tmp_path / "keys")
    assert (report.ok, report.first_broken_seq) == (False, 3)


async def test_purge_leaves_tombstones_in_a_version_2_chain(
    clean_database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = freeze_ledger_clock(monkeypatch)
    for at in (datetime(2023, 3, 1, tzinfo=UTC), datetime(2025, 4, 1, tzinfo=UTC)):
        clock.at = at
        await _write(clean_database, f"at-{at.year}")
    clock.at = None
    now = datetime(2025, 5, 1, tzinfo=UTC)
    rows = ledger_rows(clean_database)
    due = [row["seq"] for row in rows if is_due(row["retention_class"], row["occurred_at"], now)]
    assert 0 < len(due) < len(rows)
    key = load_or_create_key(tmp_path / "keys")
    engine = create_hub_engine(clean_database)
    try:
        async with create_sessionmaker(engine)() as session:
            purged = await purge(session, key, now=now)
            await session.commit()
    finally:
        await engine.dispose()
    assert purged.purged == len(due)
    report = await _verify(clean_database, tmp_path / "keys")
    assert (report.ok, report.entries, report.tombstones) == (True, len(rows) - len(due), len(due))
    lines = await _checkpoint_and_export(clean_database, tmp_path / "keys")
    assert verify_export(lines).ok
