from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Index, Integer, SmallInteger, String, text
from sqlalchemy.orm import Mapped, mapped_column

from governance.types import BigId, JsonColumn
from hub.models.base import Base


class LedgerEntry(Base):
    """One answered register call. Names and ids only, never field values.

    ``entry_hash`` = SHA-256 over ``prev_hash`` and every other column, made by the function
    ``hash_version`` names (see hub.audit.ledger.chain).
    """

    __tablename__ = "ledger_entries"
    __table_args__ = (
        Index("ix_ledger_entries_occurred_at", "occurred_at"),
        Index("ix_ledger_entries_client_occurred", "client_id", "occurred_at"),
    )

    seq: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=False)
    entry_id: Mapped[str] = mapped_column(String(36), unique=True)
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    request_id: Mapped[str] = mapped_column(String(64))
    client_id: Mapped[str | None] = mapped_column(String(64))
    authority: Mapped[str | None] = mapped_column(String(64))
    user_id: Mapped[str | None] = mapped_column(String(200))
    user_roles: Mapped[list[str]] = mapped_column(JsonColumn)
    user_roles_ignored: Mapped[list[str]] = mapped_column(JsonColumn)
    purpose: Mapped[str | None] = mapped_column(String(64))
    case_reference: Mapped[str | None] = mapped_column(String(200))
    register: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str | None] = mapped_column(String(32))
    hit_person_ids: Mapped[list[str]] = mapped_column(JsonColumn)
    released_person_ids: Mapped[list[str]] = mapped_column(JsonColumn)
    hit_ids: Mapped[list[str]] = mapped_column(JsonColumn)
    fields_requested: Mapped[list[str]] = mapped_column(JsonColumn)
    fields_released: Mapped[list[str]] = mapped_column(JsonColumn)
    fields_withheld: Mapped[list[str]] = mapped_column(JsonColumn)
    outcome: Mapped[str] = mapped_column(String(32))
    http_status: Mapped[int] = mapped_column(Integer)
    tag: Mapped[str] = mapped_column(String(100))
    decision_id: Mapped[str | None] = mapped_column(String(36))
    policy_revision: Mapped[str | None] = mapped_column(String(100))
    catalogue_revision: Mapped[int | None] = mapped_column(Integer)
    legal_basis: Mapped[list[str]] = mapped_column(JsonColumn)
    reasons: Mapped[list[str]] = mapped_column(JsonColumn)
    # Released field -> transformation applied (names only); null when none was.
    fields_transformed: Mapped[dict[str, str] | None] = mapped_column(JsonColumn, default=None)
    retention_class: Mapped[str] = mapped_column(String(32))
    prev_hash: Mapped[str] = mapped_column(String(64))
    entry_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # Which function made entry_hash (hub.audit.ledger.chain): 1 the first, sorted-key one; 2 since.
    hash_version: Mapped[int] = mapped_column(SmallInteger, server_default=text("1"))
