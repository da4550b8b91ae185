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

from sqlalchemy import Engine, select, text

from adapters.sql.applying import (
    BatchOrigin,
    add_log,
    begin_feed_transaction,
    insert_records,
    lock_state,
    remove_records,
    save_state,
)
from adapters.sql.changes import RecordKind


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
    key_column, table = kind.key_columns[0], kind.tables[0]
    with begin_feed_transaction(engine) as connection:
        now = datetime.now(UTC)
        stored = dict(connection.execute(select(key_column, table.record)).all())
        removed = [key for key in stored if key not in incoming]
        changed = [key for key in incoming if key in stored and stored[key] != incoming[key]]
        added = [key for key in incoming if key not in stored]
        remove_records(connection, kind, removed + changed)
        insert_records(connection, kind, [incoming[key] for key in changed + added])
        counts = {"added": len(added), "changed": len(changed), "removed": len(removed)}
        state = lock_state(connection, kind.register, now=now)
        if seq is not None:
            state.last_seq = max(state.last_seq, seq)
            state.confirmed_at = exported_at or now
        save_state(connection, kind.register, state, now=now)
        add_log(connection, kind, origin, now=now, state=state, seq_to=seq, **counts)
        if kind.analyze:
            for mirrored in kind.tables:
                connection.execute(text(f"ANALYZE {mirrored.__tablename__}"))
        last_seq = state.last_seq if seq is not None else None
    unchanged = len(incoming) - len(added) - len(changed)
    return ReloadSummary(len(added), len(changed), len(removed), unchanged, last_seq)
