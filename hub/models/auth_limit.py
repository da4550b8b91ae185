from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from governance.types import BigId
from hub.models.base import Base


class AuthLimitWindow(Base):
    """Counts of one subject (``source:<address>`` or ``client:<id>``) in one fixed window.

    Shared by every worker and replica (hub.limits). ``unledgered`` counts the refusals that
    got no ledger entry of their own; the closed window's aggregated entry carries them, and
    ``ledger_entry_id`` names that entry once a process claimed the writing of it.
    """

    __tablename__ = "auth_limit_windows"
    __table_args__ = (Index("ix_auth_limit_windows_window_start", "window_start"),)

    subject: Mapped[str] = mapped_column(String(128), primary_key=True)
    window_start: Mapped[int] = mapped_column(BigId, primary_key=True, autoincrement=False)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    limited: Mapped[int] = mapped_column(Integer, default=0)
    unledgered: Mapped[int] = mapped_column(Integer, default=0)
    ledger_entry_id: Mapped[str | None] = mapped_column(String(36), default=None)
    claimed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)
