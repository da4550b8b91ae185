"""Where a mirror keeps track of its change feed, next to the register rows.

The state commits in the same transaction as the register rows it describes, so a crash
can never leave the mirror at one sequence number and its bookkeeping at another.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, DateTime, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from adapters.sql.base import RegisterBase


class MirrorState(RegisterBase):
    """One row per mirrored register that ever received a change or a reload with a seq.

    ``confirmed_at``: when the source last said the mirror is current (a push or file,
    even an empty one); the lag is measured from the later of it and ``last_change_at``.
    """

    __tablename__ = "mirror_state"

    register: Mapped[str] = mapped_column(String(64), primary_key=True)
    last_seq: Mapped[int] = mapped_column(BigInteger, default=0)
    last_change_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    confirmed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class MirrorAhead(RegisterBase):
    """Protective changes applied before the changes queued ahead of them (by seq).

    A change for ``record_key`` with a lower seq is older than what the mirror holds and is
    skipped; rows at or below ``MirrorState.last_seq`` are removed as the feed passes them.
    """

    __tablename__ = "mirror_ahead"

    register: Mapped[str] = mapped_column(String(64), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    record_key: Mapped[str] = mapped_column(String(64))


class MirrorSyncLog(RegisterBase):
    """One committed feed transaction: seq range and counts, never record data.

    Written in the transaction it describes; the hub turns each row into a ledger entry
    (``ledger_entry_id``, fixed beforehand, so a retry cannot write the entry twice) and
    sets ``ledgered``. Rows still unledgered after a crash are ledgered on the next run.
    """

    __tablename__ = "mirror_sync_log"
    __table_args__ = (
        Index("ix_mirror_sync_log_register_applied", "register", "applied_at"),
        Index("ix_mirror_sync_log_ledgered", "ledgered"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    register: Mapped[str] = mapped_column(String(64))
    ledger_entry_id: Mapped[str] = mapped_column(String(36), unique=True)
    source: Mapped[str] = mapped_column(String(16))  # push | file | reload
    actor: Mapped[str] = mapped_column(String(200))  # client id or operator
    authority: Mapped[str | None] = mapped_column(String(64))
    request_id: Mapped[str] = mapped_column(String(64))
    seq_from: Mapped[int | None] = mapped_column(BigInteger)
    seq_to: Mapped[int | None] = mapped_column(BigInteger)
    upserts: Mapped[int] = mapped_column(Integer, default=0)
    deletes: Mapped[int] = mapped_column(Integer, default=0)
    skipped: Mapped[int] = mapped_column(Integer, default=0)
    protection_first: Mapped[int] = mapped_column(Integer, default=0)
    added: Mapped[int] = mapped_column(Integer, default=0)  # reloads: records new, changed,
    changed: Mapped[int] = mapped_column(Integer, default=0)  # and gone from the export
    removed: Mapped[int] = mapped_column(Integer, default=0)
    applied_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_change_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    lag_seconds: Mapped[int | None] = mapped_column(Integer)  # at commit, for the lag history
    ledgered: Mapped[bool] = mapped_column(Boolean, default=False)
