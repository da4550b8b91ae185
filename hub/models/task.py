from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from governance.types import JsonColumn
from hub.models.base import Base


class Task(Base):
    """Work for the register office: a neutral hold (blocked person) or a manual request."""

    __tablename__ = "tasks"
    __table_args__ = (Index("ix_tasks_status_created", "status", "created_at"),)

    task_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    status: Mapped[str] = mapped_column(String(16))
    register: Mapped[str] = mapped_column(String(64))
    person_id: Mapped[str | None] = mapped_column(String(64))
    request_id: Mapped[str] = mapped_column(String(64))
    ledger_entry_id: Mapped[str] = mapped_column(String(36))
    authority: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[str] = mapped_column(String(200))
    purpose: Mapped[str] = mapped_column(String(64))
    case_reference: Mapped[str] = mapped_column(String(200))
    reasons: Mapped[list[str]] = mapped_column(JsonColumn)
    # A neutral hold's Auskunftssperre: on what basis and for whom it was entered, so the office
    # knows whom to hear or notify (BMG §34 Abs. 5 S. 1, 3). None for other tasks.
    sperre_basis: Mapped[str | None] = mapped_column(String(16), default=None)
    sperre_initiator: Mapped[str | None] = mapped_column(String(64), default=None)
    query_kind: Mapped[str] = mapped_column(String(32))
    fields_requested: Mapped[list[str]] = mapped_column(JsonColumn)
    # Match keys and values as the requester gave them, so the office can find the entry of a
    # manual request. Kept here only: never in the ledger or the logs.
    match: Mapped[dict[str, str] | None] = mapped_column(JsonColumn, default=None)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    closed_by: Mapped[str | None] = mapped_column(String(200), default=None)
    resolution: Mapped[str | None] = mapped_column(String(2000), default=None)
    # The checklist steps the official confirmed when closing (their texts at that time).
    checklist_done: Mapped[list[str] | None] = mapped_column(JsonColumn, default=None)
    # The workbench account working the task; None while nobody has taken it.
    assigned_to: Mapped[str | None] = mapped_column(String(100), default=None)
