"""The Personenstandsregister mirror: one row per entry, one row per person in the entry.

The whole import record is kept as a JSON document (``record``); the columns exist to match
a request against the stored entry (PStG §68 Abs. 2) and to give the policy its facts.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from adapters.sql.base import RegisterBase

_Json = JSON().with_variant(JSONB(), "postgresql")


class PsEntry(RegisterBase):
    __tablename__ = "ps_entries"
    __table_args__ = (
        Index("ix_ps_entries_kind_year_number", "entry_kind", "entry_year", "entry_number"),
    )

    entry_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    entry_kind: Mapped[str] = mapped_column(String(32))
    entry_year: Mapped[int] = mapped_column(Integer)
    entry_number: Mapped[str] = mapped_column(String(20))
    registry_office: Mapped[str] = mapped_column(String(64))
    event_date: Mapped[date] = mapped_column(Date)
    sperrvermerk: Mapped[bool] = mapped_column(Boolean)
    stillgelegt: Mapped[bool] = mapped_column(Boolean)
    adoption: Mapped[bool] = mapped_column(Boolean)
    record: Mapped[dict[str, Any]] = mapped_column(_Json)


class PsEntryPerson(RegisterBase):
    __tablename__ = "ps_entry_persons"
    __table_args__ = (Index("ix_ps_entry_persons_entry_id", "entry_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    entry_id: Mapped[str] = mapped_column(String(64), ForeignKey("ps_entries.entry_id"))
    name_normalised: Mapped[str] = mapped_column(String(200))
    birth_date: Mapped[date | None] = mapped_column(Date)
