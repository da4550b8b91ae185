from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from hub.models.base import Base


class LedgerPersonRef(Base):
    """Which register persons a ledger entry touched: the index behind the citizen view.

    Written in the transaction of its entry. No foreign key, like ``hit_refs``: the chained
    ledger stays independent; a ref whose entry was purged simply joins nothing.
    """

    __tablename__ = "ledger_person_refs"
    __table_args__ = (
        Index("ix_ledger_person_refs_person_time", "register", "person_id", "occurred_at"),
    )

    entry_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    person_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    register: Mapped[str] = mapped_column(String(64))
    # Copied from the entry so the index alone answers "this person, newest first".
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    released: Mapped[bool] = mapped_column(Boolean)
