"""Read the ledger and tasks straight from the database, as the DPO's tools would."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select, text

from hub.audit.integrity.checkpoints import load_or_create_key
from hub.audit.integrity.service import write_checkpoint
from hub.db import create_hub_engine, create_sessionmaker, create_sync_engine
from hub.models import LedgerEntry, Task


def table_rows(database_url: str, table: Any, *, order_by: Any = None) -> list[dict[str, Any]]:
    """Every row of ``table`` as a dict, straight from the database."""
    engine = create_sync_engine(database_url)
    try:
        with engine.connect() as connection:
            statement = select(table) if order_by is None else select(table).order_by(order_by)
            return [dict(row._mapping) for row in connection.execute(statement)]
    finally:
        engine.dispose()


def run_statement(database_url: str, statement: Any) -> None:
    """Run one statement in its own transaction (test set-up, not the hub's path)."""
    engine = create_sync_engine(database_url)
    try:
        with engine.begin() as connection:
            connection.execute(statement)
    finally:
        engine.dispose()


def ledger_rows(database_url: str) -> list[dict[str, Any]]:
    return table_rows(database_url, LedgerEntry.__table__, order_by=LedgerEntry.seq)


def task_rows(database_url: str) -> list[dict[str, Any]]:
    return table_rows(database_url, Task.__table__)


def tamper(database_url: str, statement: str) -> None:
    """Run raw SQL as an attacker with database superuser rights: past the append-only triggers.

    PostgreSQL: session_replication_role=replica skips triggers; SQLite: drop and re-create
    the triggers around the statement in one transaction.
    """
    engine = create_sync_engine(database_url)
    try:
        with engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(text("SET LOCAL session_replication_role = replica"))
                connection.execute(text(statement))
                return
            triggers = connection.execute(
                text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
            ).all()
            for name, _sql in triggers:
                connection.execute(text(f"DROP TRIGGER {name}"))
            connection.execute(text(statement))
            for _name, sql in triggers:
                connection.execute(text(sql))
    finally:
        engine.dispose()


async def write_checkpoint_at(database_url: str, key_dir: Path) -> int:
    """Sign the current head as ``hub audit checkpoint`` does; returns the covered seq."""
    engine = create_hub_engine(database_url)
    try:
        async with create_sessionmaker(engine)() as session:
            checkpoint = await write_checkpoint(session, load_or_create_key(key_dir))
            await session.commit()
            return checkpoint.head_seq
    finally:
        await engine.dispose()
