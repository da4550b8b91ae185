from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from governance.types import BigId
from hub.models.base import Base


class ProtectionEpoch(Base):
    """One row: raised after every committed batch that carries a Sperre (hub.registers.drain).

    Every worker and replica reads it; a push of a Sperre is acknowledged once each live
    worker has drained its queries begun before the raise.
    """

    __tablename__ = "protection_epoch"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    epoch: Mapped[int] = mapped_column(BigId, default=0)


class DrainWorker(Base):
    """A running hub process (one per app lifespan): alive as of ``heartbeat_at``.

    ``drained_epoch``: every query this process began before that epoch was raised has sent
    its last byte. The row is removed at shutdown; a crashed worker's row goes stale.
    """

    __tablename__ = "drain_workers"

    worker_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    heartbeat_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    drained_epoch: Mapped[int] = mapped_column(BigId, default=0)
