from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from hub.models.base import Base


class HitRef(Base):
    """An opaque hit ID handed out with a released record (BMeldDAV §9: usable 48 h).

    Only ids, never register data. No foreign key to the ledger: refs are purged after
    48 h while ledger entries stay, and the ledger's insert-only chain stays independent.
    """

    __tablename__ = "hit_refs"
    __table_args__ = (Index("ix_hit_refs_expires_at", "expires_at"),)

    hit_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    register: Mapped[str] = mapped_column(String(64))
    subject_id: Mapped[str] = mapped_column(String(64))
    client_id: Mapped[str] = mapped_column(String(64))
    request_id: Mapped[str] = mapped_column(String(64))
    ledger_entry_id: Mapped[str] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
