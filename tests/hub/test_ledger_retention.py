"""Retention purge (law-matrix §5): exactly the due entries go, the chain still verifies."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert, select

from hub.audit.integrity.checkpoints import load_or_create_key
from hub.audit.integrity.export import export_slice, verify_export
from hub.audit.integrity.service import purge
from hub.audit.ledger.chain import GENESIS_HASH, entry_hash
from hub.audit.ledger.service import verify
from hub.db import create_hub_engine, create_sessionmaker, create_sync_engine
from hub.models import LedgerEntry, LedgerPurge
from tests.hub.ledger_helpers import ledger_rows, tamper

# (stored at, retention class); entries are interleaved on purpose.
HISTORY = [
    (datetime(2023, 3, 1, tzinfo=UTC), "L-MELDE"),  # due from 2025-01-01
    (datetime(2024, 1, 10, tzinfo=UTC), "L-GEWERBE"),  # due from 2024-07-10
    (datetime(2024, 2, 1, tzinfo=UTC), "L-MELDE"),  # kept until 2026-01-01
    (datetime(2024, 3, 1, tzinfo=UTC), "L-IDNR"),  # kept until 2026-03-01
    (datetime(2024, 12, 1, tzinfo=UTC), "L-GEWERBE"),  # kept until 2025-06-01
    (datetime(2024, 12, 31, 23, 30, tzinfo=UTC), "L-PSTR"),  # 2025 in Berlin: until 2027
]
NOW = datetime(2025, 5, 1, tzinfo=UTC)


def _write_history(database_url: str) -> None:
    previous, rows = GENESIS_HASH, []
    for seq, (occurred_at, retention) in enumerate(HISTORY, start=1):
        values: dict[str, Any] = {
            "seq": seq,
            "entry_id": str(uuid.uuid4()),
            "occurred_at": occurred_at,
            "request_id": f"req-{seq}",
            "client_id": "c",
            "authority": "a",
            "user_id": None,
            "user_roles": [],
            "user_roles_ignored": [],
            "purpose": "p",
            "case_reference": None,
            "register": "melderegister",
            "kind": "person",
            "hit_person_ids": [f"P-{seq}"],
            "released_person_ids": [],
            "hit_ids": [],
            "fields_requested": [],
            "fields_released": [],
            "fields_withheld": [],
            "outcome": "permit",
            "http_status": 200,
            "tag": "query",
            "decision_id": None,
            "policy_revision": None,
            "catalogue_revision": None,
            "legal_basis": [],
            "reasons": [],
            "retention_class": retention,
            "prev_hash": previous,
        }
        values["entry_hash"] = previous = entry_hash(values)
        rows.append(values)
    engine = create_sync_engine(database_url)
    with engine.begin() as connection:
        connection.execute(insert(LedgerEntry), rows)  # appending is allowed
    engine.dispose()


async def _purge_and_verify(
    database_url: str, key_dir: Path, now: datetime
) -> tuple[dict[str, object], dict[str, object]]:
    key = load_or_create_key(key_dir)
    engine = create_hub_engine(database_url)
    try:
        async with create_sessionmaker(engine)() as session:
            purged = (await purge(session, key, now=now)).as_json()
            await session.commit()
        async with create_sessionmaker(engine)() as session:
            report = (await verify(session, key.public_key())).as_json()
        return purged, report
    finally:
        await engine.dispose()


async def _verify(database_url: str, key_dir: Path) -> dict[str, object]:
    engine = create_hub_engine(database_url)
    try:
        async with create_sessionmaker(engine)() as session:
            return (await verify(session, load_or_create_key(key_dir).public_key())).as_json()
    finally:
        await engine.dispose()


async def test_purge_deletes_exactly_the_due_entries(clean_database: str, tmp_path: Path) -> None:
    _write_history(clean_database)
    purged, report = await _purge_and_verify(clean_database, tmp_path, NOW)
    assert purged["purged"] == 2
    assert purged["counts"] == {"L-MELDE": 1, "L-GEWERBE": 1}
    assert [row["seq"] for row in ledger_rows(clean_database)] == [3, 4, 5, 6]
    assert report == {"ok": True, "entries": 4, "tombstones": 2, "checkpoints": 1}
    engine = create_sync_engine(clean_database)
    with engine.connect() as connection:
        log = connection.execute(select(LedgerPurge.__table__)).one()
    engine.dispose()
    assert (log.first_seq, log.last_seq, log.purged_count) == (1, 2, 2)
    # A second run as of the same time has nothing left to do.
    again, _ = await _purge_and_verify(clean_database, tmp_path, NOW)
    assert again["purged"] == 0


async def test_deleting_a_kept_entry_after_purge_is_detected(
    clean_database: str, tmp_path: Path
) -> None:
    _write_history(clean_database)
    await _purge_and_verify(clean_database, tmp_path, NOW)
    tamper(clean_database, "DELETE FROM ledger_entries WHERE seq = 4")
    report = await _verify(clean_database, tmp_path)
    assert report["ok"] is False
    assert report["first_broken"]["seq"] == 5  # type: ignore[index]


async def test_forged_tombstone_is_detected(clean_database: str, tmp_path: Path) -> None:
    _write_history(clean_database)
    await _purge_and_verify(clean_database, tmp_path, NOW)
    tamper(
        clean_database,
        "INSERT INTO ledger_tombstones SELECT 3, entry_hash, prev_hash, occurred_at, "
        "retention_class, purged_at, checkpoint_id, key_id, signature "
        "FROM ledger_tombstones WHERE seq = 2",
    )
    tamper(clean_database, "DELETE FROM ledger_entries WHERE seq = 3")
    report = await _verify(clean_database, tmp_path)
    assert report["ok"] is False
    assert report["first_broken"]["seq"] == 3  # type: ignore[index]


async def test_now_in_the_future_is_refused(clean_database: str, tmp_path: Path) -> None:
    _write_history(clean_database)
    with pytest.raises(ValueError, match="future"):
        await _purge_and_verify(clean_database, tmp_path, datetime(2999, 1, 1, tzinfo=UTC))
    assert len(ledger_rows(clean_database)) == len(HISTORY)


async def test_exported_slice_verifies_without_the_database(
    clean_database: str, tmp_path: Path
) -> None:
    _write_history(clean_database)
    purged, _ = await _purge_and_verify(clean_database, tmp_path, NOW)
    key = load_or_create_key(tmp_path)
    engine = create_hub_engine(clean_database)
    try:
        async with create_sessionmaker(engine)() as session:
            lines = await export_slice(
                session, key.public_key(), to_checkpoint=int(str(purged["checkpoint_id"]))
            )
    finally:
        await engine.dispose()
    report = verify_export(lines).as_json()
    assert report["ok"] is True
    assert (report["entries"], report["tombstones"]) == (4, 2)
    tampered = [line.replace('"purpose": "p"', '"purpose": "q"') for line in lines]
    assert verify_export(tampered).as_json()["first_broken"] == {
        "line": 4,
        "problem": "entry_hash does not match the entry's content",
    }
    dropped = [line for number, line in enumerate(lines) if number != 4]
    assert verify_export(dropped).ok is False
