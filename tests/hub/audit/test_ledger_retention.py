"""Retention purge: exactly the due entries go, the chain still verifies."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from hub.audit.integrity.checkpoints import load_or_create_key
from hub.audit.integrity.export import export_slice, verify_export
from hub.audit.integrity.verify import verify
from hub.db import create_hub_engine, create_sessionmaker, create_sync_engine
from hub.models import LedgerPurge
from tests.fixtures.ledger import ledger_rows, tamper
from tests.fixtures.ledger_history import HISTORY, NOW, purge_and_verify, write_history


async def _verify(database_url: str, key_dir: Path) -> dict[str, object]:
    engine = create_hub_engine(database_url)
    try:
        async with create_sessionmaker(engine)() as session:
            return (await verify(session, load_or_create_key(key_dir).public_key())).as_json()
    finally:
        await engine.dispose()


async def test_purge_deletes_exactly_the_due_entries(clean_database: str, tmp_path: Path) -> None:
    write_history(clean_database)
    purged, report = await purge_and_verify(clean_database, tmp_path, NOW)
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
    again, _ = await purge_and_verify(clean_database, tmp_path, NOW)
    assert again["purged"] == 0


async def test_deleting_a_kept_entry_after_purge_is_detected(
    clean_database: str, tmp_path: Path
) -> None:
    write_history(clean_database)
    await purge_and_verify(clean_database, tmp_path, NOW)
    tamper(clean_database, "DELETE FROM ledger_entries WHERE seq = 4")
    report = await _verify(clean_database, tmp_path)
    assert report["ok"] is False
    assert report["first_broken"]["seq"] == 5  # type: ignore[index]


async def test_forged_tombstone_is_detected(clean_database: str, tmp_path: Path) -> None:
    write_history(clean_database)
    await purge_and_verify(clean_database, tmp_path, NOW)
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
    write_history(clean_database)
    with pytest.raises(ValueError, match="future"):
        await purge_and_verify(clean_database, tmp_path, datetime(2999, 1, 1, tzinfo=UTC))
    assert len(ledger_rows(clean_database)) == len(HISTORY)


async def test_exported_slice_verifies_without_the_database(
    clean_database: str, tmp_path: Path
) -> None:
    write_history(clean_database)
    purged, _ = await purge_and_verify(clean_database, tmp_path, NOW)
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
