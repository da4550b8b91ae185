"""A no-match's markers (hub.query.neutral) go with the ledger entry they name, never later.

A marker stands in for a task and for the entry's person reference, which the retention
purge deletes with the entry: the purge deletes the entry's markers too.
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert

from hub.db import create_sync_engine
from hub.models import NeutralMarker
from hub.query.neutral import PERSON_REF, TASK
from tests.fixtures.ledger import ledger_rows, table_rows
from tests.fixtures.ledger_history import NOW, purge_and_verify, write_history


def _marker(entry: dict[str, Any], stands_for: str) -> dict[str, Any]:
    return {
        "marker_id": str(uuid.uuid4()),
        "register": "melderegister",
        "request_id": entry["request_id"],
        "ledger_entry_id": entry["entry_id"],
        "stands_for": stands_for,
        "query_kind": "person",
        "fields_requested": [],
        # made with the answer, a moment before the entry's time is taken at its commit
        "created_at": entry["occurred_at"] - timedelta(milliseconds=3),
    }


def _add_markers(database_url: str, rows: list[dict[str, Any]]) -> None:
    engine = create_sync_engine(database_url)
    with engine.begin() as connection:
        connection.execute(insert(NeutralMarker), rows)
    engine.dispose()


async def test_the_purge_deletes_the_markers_of_the_entries_it_deletes(
    clean_database: str, tmp_path: Path
) -> None:
    write_history(clean_database)
    entries = {row["seq"]: row for row in ledger_rows(clean_database)}
    due, kept = entries[1], entries[3]  # L-MELDE of 2023 (due), L-MELDE of 2024 (kept)
    _add_markers(
        clean_database,
        [_marker(due, TASK), _marker(due, PERSON_REF), _marker(kept, TASK)],
    )
    purged, report = await purge_and_verify(clean_database, tmp_path, NOW)
    assert purged["purged"] == 2 and report["ok"]
    left = table_rows(clean_database, NeutralMarker.__table__)
    assert [row["ledger_entry_id"] for row in left] == [kept["entry_id"]]
