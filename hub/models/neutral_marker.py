from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from governance.types import JsonColumn
from hub.models.base import Base


class NeutralMarker(Base):
    """The row a neutral answer about nobody writes where a held person's task would go.

    A blocked person's neutral answer commits a task with its ledger entry; a no-match answer
    to the same request commits this row instead (hub.query.neutral), so both answers do the
    same writes and take the same time (BMG §34a Abs. 5). Nobody reads it: the register
    office's lists show tasks only. It names the request and its ledger entry, never a
    person or a search value.
    """

    __tablename__ = "neutral_markers"
    __table_args__ = (Index("ix_neutral_markers_created", "created_at"),)

    marker_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    register: Mapped[str] = mapped_column(String(64))
    request_id: Mapped[str] = mapped_column(String(64))
    ledger_entry_id: Mapped[str] = mapped_column(String(36))
    query_kind: Mapped[str] = mapped_column(String(32))
    fields_requested: Mapped[list[str]] = mapped_column(JsonColumn)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
