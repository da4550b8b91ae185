"""Read the ledger and tasks straight from the database, as the DPO's tools would."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from hub.db import create_sync_engine
from hub.models import LedgerEntry, Task


def ledger_rows(database_url: str) -> list[dict[str, Any]]:
    engine = create_sync_engine(database_url)
    try:
        with engine.connect() as connection:
            rows = connection.execute(select(LedgerEntry.__table__).order_by(LedgerEntry.seq))
            return [dict(row._mapping) for row in rows]
    finally:
        engine.dispose()


def task_rows(database_url: str) -> list[dict[str, Any]]:
    engine = create_sync_engine(database_url)
    try:
        with engine.connect() as connection:
            return [dict(row._mapping) for row in connection.execute(select(Task.__table__))]
    finally:
        engine.dispose()
