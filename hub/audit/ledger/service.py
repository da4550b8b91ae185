"""Writing the access ledger; ``hub.audit.integrity.verify`` checks the chain."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from governance.retention import log_retention_class
from hub.audit.ledger import repository
from hub.audit.ledger.chain import HASH_VERSION, HASHED_COLUMNS, content_digest
from hub.domain import EntryKind, Outcome, ledger_tag


@dataclass(frozen=True, kw_only=True)
class LedgerRecord:
    """What happened, as the ledger keeps it: names and ids, never field values.

    Built once per answered call from what was found (``dataclasses.replace`` makes a
    changed copy), never filled in piece by piece.
    """

    request_id: str
    register: str
    outcome: Outcome
    http_status: int
    client_id: str | None = None
    authority: str | None = None
    authority_category: str | None = None
    user_id: str | None = None
    user_roles: list[str] = field(default_factory=list)
    user_roles_ignored: list[str] = field(default_factory=list)
    purpose: str | None = None
    case_reference: str | None = None
    kind: EntryKind | None = None
    hit_person_ids: list[str] = field(default_factory=list)
    released_person_ids: list[str] = field(default_factory=list)
    hit_ids: list[str] = field(default_factory=list)
    fields_requested: list[str] = field(default_factory=list)
    fields_released: list[str] = field(default_factory=list)
    fields_withheld: list[str] = field(default_factory=list)
    decision_id: str | None = None
    policy_revision: str | None = None
    catalogue_revision: int | None = None
    legal_basis: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    # Released field -> transformation applied (value-level minimisation); None when none.
    fields_transformed: dict[str, str] | None = None


def retention_class(record: LedgerRecord) -> str:
    """The entry's retention class (governance.retention; the Art. 30 records name the same)."""
    return log_retention_class(
        record.register, authority_category=record.authority_category, fields=record.fields_released
    )


@dataclass(frozen=True, slots=True)
class WrittenEntry:
    """A committed entry as its caller learns of it (an ORM object costs ~70 µs to make)."""

    seq: int
    entry_id: str
    entry_hash: str
    occurred_at: datetime


# What must commit with an entry (register-office tasks, markers), given the entry's id. It
# runs before the entry is placed in the chain (seq and hash are not known yet).
Extras = Callable[[AsyncSession, str], Awaitable[None]]


def _new_id() -> str:
    return str(uuid.uuid4())


@dataclass(kw_only=True)
class LedgerUnit:
    """One answer's ledger entry and the rows that live and die with it.

    ``entry_id`` is fixed when the unit is made: a retry of a unit whose first COMMIT did
    land fails on the unique ``entry_id`` instead of writing the entry twice.
    ``extras`` may run more than once (after a rolled-back batch): it must only add rows.
    ``hit_refs``: rows of ``hit_refs`` (column -> value) but ``ledger_entry_id``, which the
    writer fills with ``entry_id``; inserted with the entry by the ledger's own statements
    (no ORM unit of work, and on PostgreSQL no round trip of their own).
    """

    record: LedgerRecord
    extras: Extras | None = None
    hit_refs: Sequence[Mapping[str, Any]] = ()
    entry_id: str = field(default_factory=_new_id)


_RECORD_COLUMNS = tuple(
    column for column in HASHED_COLUMNS if column in {f.name for f in fields(LedgerRecord)}
)


def _content(record: LedgerRecord, *, entry_id: str) -> dict[str, Any]:
    """An entry's values but its place (seq, prev_hash, entry_hash): made outside the lock."""
    values = {column: getattr(record, column) for column in _RECORD_COLUMNS}
    values.update(
        entry_id=entry_id,
        occurred_at=datetime.now(UTC),
        tag=ledger_tag(record.register, record.outcome),
        retention_class=retention_class(record),
        hash_version=HASH_VERSION,
    )
    return values


async def _append_all(
    session: AsyncSession,
    contents: list[dict[str, Any]],
    *,
    commit: bool = False,
    hit_refs: Sequence[Mapping[str, Any]] = (),
) -> list[WrittenEntry]:
    """The one place entries are chained (hub.audit.ledger.chain, version 2) and inserted.

    Content digests are computed before the chain-head lock; under it only seq, prev_hash and
    the short link hash are made (on PostgreSQL by the server, in the INSERT itself).
    """
    digests = [content_digest(values) for values in contents]
    placed = await repository.append_chained(
        session, contents, digests, commit=commit, hit_refs=hit_refs
    )
    return _written(contents, placed)


def _written(
    contents: Sequence[Mapping[str, Any]], placed: Sequence[tuple[int, str]]
) -> list[WrittenEntry]:
    return [
        WrittenEntry(seq, values["entry_id"], entry_hash, values["occurred_at"])
        for values, (seq, entry_hash) in zip(contents, placed, strict=True)
    ]


async def append(session: AsyncSession, record: LedgerRecord) -> WrittenEntry:
    """Add the entry to the session's transaction; the caller's commit makes it durable."""
    [entry] = await _append_all(session, [_content(record, entry_id=_new_id())])
    return entry


async def commit_batch(session: AsyncSession, units: Sequence[LedgerUnit]) -> list[WrittenEntry]:
    """Group commit: every unit's extras, then the chain head once, every entry, one COMMIT.

    The extras run first, before the chain-head lock (they only add rows naming the entry's
    fixed ``entry_id``), so the lock is held for the entries and the COMMIT alone.
    Returns only after COMMIT returned, so each entry is durable when its caller hears of it.
    Raises whatever the database raised; the caller rolls back (hub.audit.ledger.writer).
    """
    contents, hit_refs = _batch_rows(units)
    await repository.begin(session)
    for unit in units:
        if unit.extras is not None:
            await unit.extras(session, unit.entry_id)
    entries = await _append_all(session, contents, commit=True, hit_refs=hit_refs)
    # PostgreSQL: COMMIT went with the INSERT; this ends the session's transaction to match.
    await session.commit()
    return entries


async def commit_plain_batch(
    connection: AsyncConnection, units: Sequence[LedgerUnit]
) -> list[WrittenEntry]:
    """``commit_batch`` for units without extras on PostgreSQL, on a connection, no session.

    The same rows, chain and single COMMIT (``repository.append_chained_committed``); returns
    only after COMMIT returned. Raises ``ValueError`` for a unit with extras (they need the
    session) and whatever the database raised, its transaction already rolled back.
    """
    if any(unit.extras is not None for unit in units):
        raise ValueError("a unit with extras is committed by commit_batch")
    contents, hit_refs = _batch_rows(units)
    digests = [content_digest(values) for values in contents]
    placed = await repository.append_chained_committed(
        connection, contents, digests, hit_refs=hit_refs
    )
    return _written(contents, placed)


def _batch_rows(
    units: Sequence[LedgerUnit],
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The units' entry contents and their hit-ref rows, each naming its unit's entry."""
    contents = [_content(unit.record, entry_id=unit.entry_id) for unit in units]
    hit_refs = [
        {**row, "ledger_entry_id": unit.entry_id} for unit in units for row in unit.hit_refs
    ]
    return contents, hit_refs
