"""Signed checkpoints, tombstones of purged entries and the purge log of the access ledger.

Append-only like ``ledger_entries`` (triggers in migration f1a2b3c4au01). No field values.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, DateTime, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from governance.types import BigId, JsonColumn
from hub.models.base import Base


class LedgerCheckpoint(Base):
    """An Ed25519-signed statement: the chain up to ``head_seq`` hashes to ``chain_hash``."""

    __tablename__ = "ledger_checkpoints"
    __table_args__ = (Index("ix_ledger_checkpoints_head_seq", "head_seq"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    head_seq: Mapped[int] = mapped_column(BigInteger)
    head_entry_id: Mapped[str | None] = mapped_column(String(36))
    chain_hash: Mapped[str] = mapped_column(String(64))
    entry_count: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    reason: Mapped[str] = mapped_column(String(32))
    key_id: Mapped[str] = mapped_column(String(32))
    signature: Mapped[str] = mapped_column(String(128))


class LedgerTombstone(Base):
    """What stays of a purged entry: its place and hash in the chain, signed by the purge."""

    __tablename__ = "ledger_tombstones"

    seq: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=False)
    entry_hash: Mapped[str] = mapped_column(String(64))
    prev_hash: Mapped[str] = mapped_column(String(64))
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    retention_class: Mapped[str] = mapped_column(String(32))
    purged_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    checkpoint_id: Mapped[int] = mapped_column(BigInteger)
    key_id: Mapped[str] = mapped_column(String(32))
    signature: Mapped[str] = mapped_column(String(128))


class LedgerPurge(Base):
    """One run of ``hub audit purge``: counts per retention class, seq range, checkpoint."""

    __tablename__ = "ledger_purges"

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    purged_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    cutoff_now: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    checkpoint_id: Mapped[int] = mapped_column(BigInteger)
    first_seq: Mapped[int | None] = mapped_column(BigInteger)
    last_seq: Mapped[int | None] = mapped_column(BigInteger)
    purged_count: Mapped[int] = mapped_column(Integer)
    counts: Mapped[dict[str, Any]] = mapped_column(JsonColumn)


class LedgerPurgeGrant(Base):
    """SQLite only: while a row is here, DELETE on ledger_entries passes the trigger.

    The purge inserts and removes it within its own transaction, so no commit ever holds it.
    """

    __tablename__ = "ledger_purge_grant"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    granted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
