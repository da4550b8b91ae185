"""A full reload (the register's nightly export) swapped in atomically: one transaction.

Records keep their ids, so hit references and register-office tasks (which name record ids)
still point at the same persons; records the export no longer has are removed. Readers see
the old copy until COMMIT and the new one after it, never a mixture.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Engine, select, text

from adapters.sql.applying import (
    BatchOrigin,
    add_log,
    insert_records,
    lock_state,
    remove_records,
    save_state,
)
from adapters.sql.changes import RecordKind
from adapters.sql.engine import begin_writing
from adapters.sql.feed_tables import MirrorState

ANALYZE_AFTER = 1_000  # records added or removed before the planner statistics are refreshed


@dataclass(frozen=True, slots=True)
class ReloadSummary:
    added: int
    changed: int
    removed: int
    unchanged: int
    last_seq: int | None


def reload_records(
    engine: Engine,
    kind: RecordKind,
    documents: Sequence[dict[str, Any]],
    *,
    origin: BatchOrigin,
    seq: int | None,
    exported_at: datetime | None,
) -> ReloadSummary:
    """Replace the mirror's records by ``documents`` (validated import records, JSON form).

    ``seq``: the source sequence the export reflects; later changes continue from it. Without
    it the sequence is left as it is; a register that never synced stays without a lag limit
    (its state row then has neither a change time nor a confirmation).
    """
    incoming = {document[kind.key_name]: document for document in documents}
    # The copy is compared outside the write transaction, so SQLite's single writer (the
    # ledger too) waits only for the records that differ, not for reading every one.
    with engine.connect() as connection:
        seq_read = _last_seq(connection, kind.register)
        stored = _stored(connection, kind)
    with begin_writing(engine) as connection:  # PostgreSQL: lock_state locks the row
        now = datetime.now(UTC)
        state = lock_state(connection, kind.register, now=now)
        if state.last_seq != seq_read:  # a change arrived meanwhile: compare again
            stored = _stored(connection, kind)
        removed = [key for key in stored if key not in incoming]
        changed = [key for key in incoming if key in stored and stored[key] != incoming[key]]
        added = [key for key in incoming if key not in stored]
        remove_records(connection, kind, removed + changed)
        insert_records(connection, kind, [incoming[key] for key in changed + added])
        counts = {"added": len(added), "changed": len(changed), "removed": len(removed)}
        if seq is not None:
            state.last_seq = max(state.last_seq, seq)
            state.confirmed_at = exported_at or now
        save_state(connection, kind.register, state, now=now)
        add_log(connection, kind, origin, now=now, state=state, seq_to=seq, **counts)
        if kind.analyze and len(added) + len(removed) > ANALYZE_AFTER:
            for mirrored in kind.tables:
                connection.execute(text(f"ANALYZE {mirrored.__tablename__}"))
        last_seq = state.last_seq if seq is not None else None
    unchanged = len(incoming) - len(added) - len(changed)
    return ReloadSummary(len(added), len(changed), len(removed), unchanged, last_seq)


def _last_seq(connection: Connection, register: str) -> int:
    statement = select(MirrorState.last_seq).where(MirrorState.register == register)
    return int(connection.execute(statement).scalar_one_or_none() or 0)


def _stored(connection: Connection, kind: RecordKind) -> dict[str, Any]:
    statement = select(kind.key_columns[0], kind.tables[0].record)
    return dict(connection.execute(statement).all())
