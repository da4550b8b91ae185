"""Apply validated changes (adapters.sql.changes) to a mirror: in order, idempotently.

A batch is applied in one transaction, so it lands whole or not at all. A file larger than
``chunk_size`` changes is applied in consecutive transactions of that size (each whole, each
advancing ``mirror_state.last_seq``), so a crash at any line resumes after the last one
committed and readers are never held up by one long write. Before those, the changes that
add or widen a protection (Sperre) commit in a transaction of their own: the register never
answers from an older record of a person whose Sperre is already in the queue.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, delete, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from adapters.sql.changes import Change, RecordKind
from adapters.sql.engine import begin_writing
from adapters.sql.feed_tables import MirrorAhead, MirrorState, MirrorSyncLog
from adapters.sql.importing import batches

IN_LIST = 500  # keys per IN (...) list


@dataclass(frozen=True, slots=True, kw_only=True)
class BatchOrigin:
    """Who delivered the changes (ledger: by whom), and how."""

    source: str  # push | file | reload
    actor: str
    authority: str | None = None
    request_id: str = ""


@dataclass(slots=True)
class SyncSummary:
    """What one batch did, in counts; ``log_ids`` are the committed sync-log rows."""

    upserts: int = 0
    deletes: int = 0
    skipped: int = 0
    protection_first: int = 0
    last_seq: int = 0
    last_change_at: datetime | None = None
    log_ids: list[int] = field(default_factory=list)

    def add(self, log: dict[str, Any]) -> None:
        self.upserts += log["upserts"]
        self.deletes += log["deletes"]
        self.skipped += log["skipped"]
        self.protection_first += log["protection_first"]


@dataclass(slots=True)
class _State:
    last_seq: int
    last_change_at: datetime | None
    confirmed_at: datetime | None


def _aware(value: datetime | None) -> datetime | None:
    # SQLite returns naive datetimes; every time the feed stores is UTC.
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


def lock_state(connection: Connection, register: str, *, now: datetime) -> _State:
    """The register's feed state, created empty on first use, locked until commit."""
    values = {"register": register, "last_seq": 0, "updated_at": now}
    make = pg_insert if connection.dialect.name == "postgresql" else sqlite_insert
    connection.execute(make(MirrorState).values(values).on_conflict_do_nothing())
    statement = select(MirrorState.last_seq, MirrorState.last_change_at, MirrorState.confirmed_at)
    row = connection.execute(
        statement.where(MirrorState.register == register).with_for_update()
    ).one()
    return _State(row[0], _aware(row[1]), _aware(row[2]))


def save_state(connection: Connection, register: str, state: _State, *, now: datetime) -> None:
    connection.execute(
        update(MirrorState)
        .where(MirrorState.register == register)
        .values(
            last_seq=state.last_seq,
            last_change_at=state.last_change_at,
            confirmed_at=state.confirmed_at,
            updated_at=now,
        )
    )
    connection.execute(
        delete(MirrorAhead).where(
            MirrorAhead.register == register, MirrorAhead.seq <= state.last_seq
        )
    )


def lag_seconds(state: _State, *, now: datetime) -> int | None:
    marks = [moment for moment in (state.last_change_at, state.confirmed_at) if moment]
    return max(0, int((now - max(marks)).total_seconds())) if marks else None


def _ahead(connection: Connection, register: str) -> dict[str, int]:
    rows = connection.execute(
        select(MirrorAhead.record_key, MirrorAhead.seq).where(MirrorAhead.register == register)
    )
    ahead: dict[str, int] = {}
    for key, seq in rows:
        ahead[key] = max(seq, ahead.get(key, 0))
    return ahead


def _pending(changes: Sequence[Change], state: _State, ahead: dict[str, int]) -> list[Change]:
    """Changes not applied yet: newer than the state and than a protective change ahead."""
    return [c for c in changes if c.seq > state.last_seq and c.seq > ahead.get(c.key, 0)]


def _last_per_key(changes: Sequence[Change]) -> list[Change]:
    """Within one transaction only each record's newest change matters."""
    final = {change.key: change for change in changes}
    return sorted(final.values(), key=lambda change: change.seq)


def _chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def stored_documents(
    connection: Connection, kind: RecordKind, keys: Sequence[str]
) -> dict[str, dict[str, Any]]:
    table, key_column = kind.tables[0], kind.key_columns[0]
    documents: dict[str, dict[str, Any]] = {}
    for part in _chunks(keys, IN_LIST):
        rows = connection.execute(select(key_column, table.record).where(key_column.in_(part)))
        documents.update((key, document) for key, document in rows)
    return documents


def protective(connection: Connection, kind: RecordKind, pending: Sequence[Change]) -> list[Change]:
    """Each record's newest change, where it carries a protection the stored record lacks."""
    candidates = [
        change
        for change in _last_per_key(pending)
        if change.document is not None and kind.protection(change.document)
    ]
    stored = stored_documents(connection, kind, [change.key for change in candidates])
    return [
        change
        for change in candidates
        if change.document is not None
        and kind.protection(change.document) - kind.protection(stored.get(change.key) or {})
    ]


def remove_records(connection: Connection, kind: RecordKind, keys: Sequence[str]) -> None:
    """Children first (not every mirror's foreign keys cascade)."""
    for part in _chunks(keys, IN_LIST):
        for table, key_column in reversed(tuple(zip(kind.tables, kind.key_columns, strict=True))):
            connection.execute(delete(table).where(key_column.in_(part)))


def insert_records(
    connection: Connection, kind: RecordKind, documents: Sequence[dict[str, Any]]
) -> None:
    per_table: dict[Any, list[dict[str, Any]]] = {table: [] for table in kind.tables}
    for document in documents:  # each record's rows are made once (names are normalised)
        for table, rows in kind.rows(document).items():
            per_table[table].extend(rows)
    for table in kind.tables:  # parents first
        for batch in batches(per_table[table]):
            connection.execute(insert(table), batch)


def write_changes(connection: Connection, kind: RecordKind, changes: Sequence[Change]) -> None:
    final = _last_per_key(changes)
    remove_records(connection, kind, [change.key for change in final])
    insert_records(
        connection, kind, [change.document for change in final if change.document is not None]
    )


def add_log(
    connection: Connection,
    kind: RecordKind,
    origin: BatchOrigin,
    *,
    now: datetime,
    state: _State,
    **counts: Any,
) -> dict[str, Any]:
    values: dict[str, Any] = {
        "register": kind.register,
        "ledger_entry_id": str(uuid.uuid4()),
        "source": origin.source,
        "actor": origin.actor,
        "authority": origin.authority,
        "request_id": origin.request_id,
        "applied_at": now,
        "last_change_at": state.last_change_at,
        "lag_seconds": lag_seconds(state, now=now),
        "ledgered": False,
        "upserts": 0,
        "deletes": 0,
        "skipped": 0,
        "protection_first": 0,
        "added": 0,
        "changed": 0,
        "removed": 0,
        "seq_from": None,
        "seq_to": None,
        **counts,
    }
    result = connection.execute(insert(MirrorSyncLog).values(values))
    values["id"] = result.inserted_primary_key[0] if result.inserted_primary_key else None
    return values


def _counts(applied: Sequence[Change], *, skipped: int, first: int) -> dict[str, int | None]:
    return {
        "upserts": sum(1 for change in applied if not change.is_delete),
        "deletes": sum(1 for change in applied if change.is_delete),
        "skipped": skipped,
        "protection_first": first,
        "seq_from": applied[0].seq if applied else None,
        "seq_to": applied[-1].seq if applied else None,
    }


def _advance(state: _State, changes: Sequence[Change], *, now: datetime) -> None:
    if changes:
        state.last_seq = max(state.last_seq, changes[-1].seq)
        newest = max(change.changed_at for change in changes)
        state.last_change_at = max(filter(None, (state.last_change_at, newest)))
    else:  # an empty batch is the source's heartbeat: nothing newer as of now
        state.confirmed_at = now


def apply_changes(
    engine: Engine,
    kind: RecordKind,
    changes: Sequence[Change],
    *,
    origin: BatchOrigin,
    chunk_size: int | None = None,
) -> SyncSummary:
    """Apply a validated batch; ``chunk_size`` None: one transaction whatever its size."""
    summary = SyncSummary()
    with begin_writing(engine) as connection:  # PostgreSQL: lock_state locks the row
        now = datetime.now(UTC)
        state = lock_state(connection, kind.register, now=now)
        pending = _pending(changes, state, _ahead(connection, kind.register))
        first = protective(connection, kind, pending)
        skipped = len(changes) - len(pending)
        if chunk_size is None or len(pending) <= chunk_size:
            write_changes(connection, kind, pending)
            if pending or not changes:
                _advance(state, pending, now=now)
            save_state(connection, kind.register, state, now=now)
            counts = _counts(pending, skipped=skipped, first=len(first))
            _record(summary, add_log(connection, kind, origin, now=now, state=state, **counts))
            _finish(summary, state)
            return summary
        if first:  # protection first, committed before any other queued change
            write_changes(connection, kind, first)
            connection.execute(
                insert(MirrorAhead),
                [{"register": kind.register, "seq": c.seq, "record_key": c.key} for c in first],
            )
            counts = _counts(first, skipped=skipped, first=len(first))
            _record(summary, add_log(connection, kind, origin, now=now, state=state, **counts))
    for chunk in _chunks(pending, chunk_size):
        _apply_chunk(engine, kind, chunk, origin=origin, summary=summary)
    # A protective change is counted where it was applied, not again where it was passed.
    summary.skipped = len(changes) - summary.upserts - summary.deletes
    return summary


def _apply_chunk(
    engine: Engine,
    kind: RecordKind,
    chunk: Sequence[Change],
    *,
    origin: BatchOrigin,
    summary: SyncSummary,
) -> None:
    with begin_writing(engine) as connection:  # PostgreSQL: lock_state locks the row
        now = datetime.now(UTC)
        state = lock_state(connection, kind.register, now=now)
        todo = _pending(chunk, state, _ahead(connection, kind.register))
        write_changes(connection, kind, todo)
        _advance(state, chunk, now=now)
        save_state(connection, kind.register, state, now=now)
        counts = _counts(todo, skipped=len(chunk) - len(todo), first=0)
        _record(summary, add_log(connection, kind, origin, now=now, state=state, **counts))
        _finish(summary, state)


def _record(summary: SyncSummary, log: dict[str, Any]) -> None:
    summary.add(log)
    summary.log_ids.append(int(log["id"]))


def _finish(summary: SyncSummary, state: _State) -> None:
    summary.last_seq = state.last_seq
    summary.last_change_at = state.last_change_at
