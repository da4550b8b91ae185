"""Aggregate definitions a steward approves, and the publications made of them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from governance.opendata.vocab import DL_BY_DE_2
from governance.orm import Base
from governance.types import BigId, JsonColumn


class AggregateDefinition(Base):
    """An open aggregate: what is counted, along which dimensions, on which legal basis.

    Like a field release, nothing is published until a steward approved it; every change
    raises ``revision`` and sets the status back to ``unreviewed``.
    """

    __tablename__ = "opendata_aggregates"

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(String(4000), default="")
    source_register: Mapped[str] = mapped_column(String(64))
    statistic: Mapped[str] = mapped_column(String(32))  # governance/opendata/statistics.py
    dimensions: Mapped[list[str]] = mapped_column(JsonColumn)
    reference: Mapped[str] = mapped_column(String(16))  # stichtag (a date) | monat (a month)
    legal_basis: Mapped[list[str]] = mapped_column(JsonColumn)  # LegalBasis codes
    licence: Mapped[str] = mapped_column(String(300), default=DL_BY_DE_2)
    threshold: Mapped[int] = mapped_column(Integer, default=5)
    keywords: Mapped[list[str]] = mapped_column(JsonColumn, default=list)
    status: Mapped[str] = mapped_column(String(16), default="unreviewed")  # |approved|revoked
    revision: Mapped[int] = mapped_column(Integer, default=1)
    defined_by: Mapped[str] = mapped_column(String(200))
    approved_by: Mapped[str | None] = mapped_column(String(200), default=None)
    approved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)


class AggregatePublication(Base):
    """One published table: counts of rows and bytes, digests and the ledger entry, no values."""

    __tablename__ = "opendata_publications"
    __table_args__ = (UniqueConstraint("aggregate_code", "revision", "reference"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=True)
    aggregate_code: Mapped[str] = mapped_column(
        ForeignKey("opendata_aggregates.code", ondelete="RESTRICT")
    )
    revision: Mapped[int] = mapped_column(Integer)
    reference: Mapped[str] = mapped_column(String(10))  # 2026-11-30 or 2026-11
    published_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    row_count: Mapped[int] = mapped_column(Integer)
    suppressed: Mapped[int] = mapped_column(Integer)
    csv_sha256: Mapped[str] = mapped_column(String(64))
    csv_bytes: Mapped[int] = mapped_column(Integer)
    json_sha256: Mapped[str] = mapped_column(String(64))
    json_bytes: Mapped[int] = mapped_column(Integer)
    ledger_entry_id: Mapped[str] = mapped_column(String(36))
