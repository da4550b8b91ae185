"""One mirrored register's change feed: parse, apply, reload, report.

Blocking calls (``apply``, ``reload``, the sync-log reads) run on a blocking engine of the
mirror's own; callers in async code run them in a worker thread.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol, runtime_checkable

from sqlalchemy import select, update

from adapters.sql.applying import BatchOrigin, SyncSummary, apply_changes
from adapters.sql.changes import Change, RecordKind, parse_changes
from adapters.sql.feed_tables import MirrorState, MirrorSyncLog
from adapters.sql.importing import parse_numbered
from adapters.sql.mirror import SqlMirror
from adapters.sql.reloading import ReloadSummary, reload_records


@dataclass(frozen=True, slots=True, kw_only=True)
class MirrorStatus:
    """Where the mirror stands in its source's sequence; no record data."""

    last_seq: int
    last_change_at: datetime | None
    confirmed_at: datetime | None

    def current_as_of(self) -> datetime | None:
        """The latest moment the mirror is known to match its source; None: never synced."""
        moments = [moment for moment in (self.last_change_at, self.confirmed_at) if moment]
        return max(moments) if moments else None

    def lag_seconds(self, now: datetime) -> int | None:
        current = self.current_as_of()
        return None if current is None else max(0, int((now - current).total_seconds()))


def _aware(value: datetime | None) -> datetime | None:
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


LOG_COLUMNS = (
    "id",
    "register",
    "ledger_entry_id",
    "source",
    "actor",
    "authority",
    "request_id",
    "seq_from",
    "seq_to",
    "upserts",
    "deletes",
    "skipped",
    "protection_first",
    "added",
    "changed",
    "removed",
    "applied_at",
    "last_change_at",
    "lag_seconds",
)


class MirrorFeed:
    def __init__(self, mirror: SqlMirror, kind: RecordKind) -> None:
        self._mirror = mirror
        self.kind = kind

    @property
    def register(self) -> str:
        return self.kind.register

    def parse(self, lines: Iterable[str]) -> list[Change]:
        """Validate every line (``ImportRejected`` naming line and member)."""
        return parse_changes(lines, self.kind)

    def apply(
        self, changes: Sequence[Change], *, origin: BatchOrigin, chunk_size: int | None = None
    ) -> SyncSummary:
        return apply_changes(
            self._mirror.sync_engine(), self.kind, changes, origin=origin, chunk_size=chunk_size
        )

    def reload(
        self,
        lines: Iterable[str],
        *,
        origin: BatchOrigin,
        seq: int | None,
        exported_at: datetime | None,
    ) -> ReloadSummary:
        """A whole export in the import format, validated like an import, swapped in at once."""
        records = parse_numbered(
            lines,
            parse=self.kind.model.model_validate_json,
            key=lambda record: str(getattr(record, self.kind.key_name)),
            key_name=self.kind.key_name,
        )
        documents = [record.model_dump(mode="json") for _, record in records]
        return reload_records(
            self._mirror.sync_engine(),
            self.kind,
            documents,
            origin=origin,
            seq=seq,
            exported_at=exported_at,
        )

    async def status(self) -> MirrorStatus | None:
        statement = select(
            MirrorState.last_seq, MirrorState.last_change_at, MirrorState.confirmed_at
        ).where(MirrorState.register == self.register)
        async with self._mirror.read_session() as session:
            row = (await session.execute(statement)).one_or_none()
        if row is None:
            return None
        return MirrorStatus(
            last_seq=int(row[0]), last_change_at=_aware(row[1]), confirmed_at=_aware(row[2])
        )

    def unledgered(self) -> list[dict[str, Any]]:
        """Committed feed transactions whose ledger entry is not confirmed yet, oldest first."""
        return self.log_rows(unledgered_only=True)

    def log_rows(
        self, *, unledgered_only: bool = False, since: datetime | None = None
    ) -> list[dict[str, Any]]:
        columns = [getattr(MirrorSyncLog, name) for name in LOG_COLUMNS]
        statement = select(*columns).where(MirrorSyncLog.register == self.register)
        if unledgered_only:
            statement = statement.where(MirrorSyncLog.ledgered.is_(False))
        if since is not None:
            statement = statement.where(MirrorSyncLog.applied_at >= since)
        with self._mirror.sync_engine().connect() as connection:
            rows = connection.execute(statement.order_by(MirrorSyncLog.id)).all()
        return [dict(zip(LOG_COLUMNS, row, strict=True)) for row in rows]

    def mark_ledgered(self, log_ids: Sequence[int]) -> None:
        if not log_ids:
            return
        with self._mirror.sync_engine().begin() as connection:
            connection.execute(
                update(MirrorSyncLog).where(MirrorSyncLog.id.in_(log_ids)).values(ledgered=True)
            )


@runtime_checkable
class SupportsChangeFeed(Protocol):
    """Mirrored registers that take changes (``hub register sync``, the push endpoint)."""

    def change_feed(self) -> MirrorFeed: ...
