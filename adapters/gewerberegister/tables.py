"""The Gewerberegister mirror: one row per business with search columns.

The whole import record is kept as a JSON document (``record``); the other columns exist to
search (name, Geschäftsbezeichnung, betriebliche Anschrift) without reading the document.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import JSON, Date, Index, String
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from adapters.sql.base import RegisterBase

_Json = JSON().with_variant(JSONB(), "postgresql")


class GwBusiness(RegisterBase):
    __tablename__ = "gw_businesses"
    __table_args__ = (
        Index("ix_gw_businesses_name_normalised", "name_normalised"),
        Index("ix_gw_businesses_name_phonetic", "name_phonetic"),
        Index("ix_gw_businesses_designation_normalised", "designation_normalised"),
        Index("ix_gw_businesses_designation_phonetic", "designation_phonetic"),
        Index("ix_gw_businesses_street_house", "street_normalised", "house_number"),
    )

    business_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    # Family name of the trader.
    name_normalised: Mapped[str] = mapped_column(String(200))
    name_phonetic: Mapped[str] = mapped_column(String(200))
    # Geschäftsbezeichnung, when the business has one.
    designation_normalised: Mapped[str | None] = mapped_column(String(200))
    designation_phonetic: Mapped[str | None] = mapped_column(String(200))
    # Betriebliche Anschrift.
    street_normalised: Mapped[str] = mapped_column(String(200))
    house_number: Mapped[str] = mapped_column(String(32))
    postal_code: Mapped[str] = mapped_column(String(12))
    betriebsende: Mapped[date | None] = mapped_column(Date)
    record: Mapped[dict[str, Any]] = mapped_column(_Json)
