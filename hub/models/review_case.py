from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import DateTime, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from governance.types import BigId, JsonColumn
from hub.models.base import Base


class ReviewCase(Base):
    """A pattern in the access ledger that an anomaly rule flagged for the DPO.

    Ids, codes and counts only: the subject names a user, client, person or case reference
    by its id as the ledger records it, never a field value. One open case per rule and
    subject: detection extends it while its window overlaps instead of opening another.
    """

    __tablename__ = "review_cases"
    __table_args__ = (
        Index("ix_review_cases_rule_subject", "rule", "subject_key", "status"),
        Index("ix_review_cases_status_opened", "status", "opened_at"),
    )

    case_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    rule: Mapped[str] = mapped_column(String(32))
    # e.g. {"client_id": ..., "user_id": ...} or {"register": ..., "person_id": ...}
    subject_kind: Mapped[str] = mapped_column(String(32))
    subject: Mapped[dict[str, str]] = mapped_column(JsonColumn)
    subject_key: Mapped[str] = mapped_column(String(64))  # SHA-256 of rule + canonical subject
    window_start: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    window_end: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    first_seq: Mapped[int] = mapped_column(BigId)
    last_seq: Mapped[int] = mapped_column(BigId)
    entry_ids: Mapped[list[str]] = mapped_column(JsonColumn)  # capped; entry_count is the total
    entry_count: Mapped[int] = mapped_column(Integer)
    observed: Mapped[int] = mapped_column(Integer)  # the figure compared with the threshold
    severity: Mapped[str] = mapped_column(String(16))
    summary: Mapped[str] = mapped_column(String(1000))
    parameters: Mapped[dict[str, Any]] = mapped_column(JsonColumn)
    status: Mapped[str] = mapped_column(String(16))
    opened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
    closed_by: Mapped[str | None] = mapped_column(String(200), default=None)
    close_note: Mapped[str | None] = mapped_column(String(4000), default=None)
