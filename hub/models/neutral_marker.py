from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from governance.types import JsonColumn
from hub.models.base import Base


class NeutralMarker(Base):
    """A row a neutral answer about nobody writes where a protected person's answer writes one.

    A blocked person's neutral answer commits, with its ledger entry, a task (if held) and the
    entry's reference to the person; a no-match answer to the same request commits these rows
    in their place (hub.query.neutral), so both do the same writes and take the same time
    (BMG §34a Abs. 5). ``stands_for`` says which: ``task`` or ``person_ref``. Nobody reads
    them: the register office's lists show tasks only. A marker names the request and its
    ledger entry, never a person or a search value.
    """

    __tablename__ = "neutral_markers"
    __table_args__ = (Index("ix_neutral_markers_created", "created_at"),)

    marker_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    register: Mapped[str] = mapped_column(String(64))
    request_id: Mapped[str] = mapped_column(String(64))
    ledger_entry_id: Mapped[str] = mapped_column(String(36))
    stands_for: Mapped[str] = mapped_column(String(16))
    query_kind: Mapped[str] = mapped_column(String(32))
    fields_requested: Mapped[list[str]] = mapped_column(JsonColumn)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
