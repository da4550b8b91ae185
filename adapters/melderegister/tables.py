"""The Melderegister mirror: persons with search columns, their names and addresses.

The whole import record is kept as a JSON document (``record``); the other columns exist to
search and to decide (blocks, death, move-away) without reading the document.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Index, Integer, String
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from adapters.sql.base import RegisterBase

_Json = JSON().with_variant(JSONB(), "postgresql")


class MrPerson(RegisterBase):
    __tablename__ = "mr_persons"

    person_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    birth_date: Mapped[date] = mapped_column(Date, index=True)
    birth_place: Mapped[str | None] = mapped_column(String(200))
    sex: Mapped[str] = mapped_column(String(1))
    death_date: Mapped[date | None] = mapped_column(Date)
    death_place: Mapped[str | None] = mapped_column(String(200))
    moved_away_date: Mapped[date | None] = mapped_column(Date)
    sperre_basis: Mapped[str | None] = mapped_column(String(16))
    sperre_initiator: Mapped[str | None] = mapped_column(String(64))
    bedingter_sperrvermerk: Mapped[bool] = mapped_column(Boolean)
    azr_no: Mapped[str | None] = mapped_column(String(12))
    record: Mapped[dict[str, Any]] = mapped_column(_Json)


class MrPersonName(RegisterBase):
    """Searchable names: family name, former names, religious or artist name."""

    __tablename__ = "mr_person_names"
    # Searches match kind and name, then join the person: the person_id in the index lets
    # the planner check a name for a person found by birth date without reading the row.
    __table_args__ = (
        Index("ix_mr_person_names_kind_normalised", "kind", "normalised", "person_id"),
        Index("ix_mr_person_names_kind_phonetic", "kind", "phonetic", "person_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    person_id: Mapped[str] = mapped_column(
        ForeignKey("mr_persons.person_id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(32))
    normalised: Mapped[str] = mapped_column(String(200))
    phonetic: Mapped[str] = mapped_column(String(200))


class MrAddress(RegisterBase):
    __tablename__ = "mr_addresses"
    __table_args__ = (Index("ix_mr_addresses_street_house", "street_normalised", "house_number"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    person_id: Mapped[str] = mapped_column(
        ForeignKey("mr_persons.person_id", ondelete="CASCADE"), index=True
    )
    street_normalised: Mapped[str] = mapped_column(String(200))
    house_number: Mapped[str] = mapped_column(String(32))
    postal_code: Mapped[str] = mapped_column(String(12))
    city_normalised: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(8))
    moved_in: Mapped[date | None] = mapped_column(Date)
    moved_out: Mapped[date | None] = mapped_column(Date)
