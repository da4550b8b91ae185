"""The ledger writer's SQL: append under the chain-head lock, walk the chain; no updates."""

from __future__ import annotations

import contextlib
import functools
import json
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from typing import Any

import orjson
from sqlalchemy import JSON, Dialect, RowMapping, Text, cast, select, union_all
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from hub.audit.ledger.chain import GENESIS_HASH, link_hash
from hub.db import SQLITE_BEGIN_OPTION
from hub.models import HitRef, LedgerEntry, LedgerPersonRef, LedgerTombstone

# pg_advisory_xact_lock key for the ledger head ("LEDGER" in ASCII).
LEDGER_LOCK_KEY = 0x4C4544474552


# Core tables: a multi-row INSERT of plain dicts, no ORM unit of work per entry.
_ENTRIES = LedgerEntry.metadata.tables[LedgerEntry.__tablename__]
_PERSON_REFS = LedgerPersonRef.metadata.tables[LedgerPersonRef.__tablename__]
_HIT_REFS = HitRef.metadata.tables[HitRef.__tablename__]


def _newest(table: Any) -> Any:
    return select(table.c.seq, table.c.entry_hash).order_by(table.c.seq.desc()).limit(1).subquery()


# The newest position, entry or tombstone (a purge may have removed the newest entry, then its
# tombstone holds the head): one statement, one round trip.
_BOTH = union_all(
    select(_newest(LedgerEntry.__table__)), select(_newest(LedgerTombstone.__table__))
).subquery()
_HEAD = select(_BOTH.c.seq, _BOTH.c.entry_hash).order_by(_BOTH.c.seq.desc()).limit(1)


# PostgreSQL goes through the driver connection of the session's transaction: a statement
# there costs a third of the CPU of one through the async ORM session.
_PG_LOCK = "SELECT pg_advisory_xact_lock(%s)"
_PG_HEAD = (  # _HEAD as PostgreSQL SQL
    "SELECT seq, entry_hash FROM ("
    "(SELECT seq, entry_hash FROM ledger_entries ORDER BY seq DESC LIMIT 1) UNION ALL"
    " (SELECT seq, entry_hash FROM ledger_tombstones ORDER BY seq DESC LIMIT 1)"
    ") AS head ORDER BY seq DESC LIMIT 1"
)


# PostgreSQL chains in the statement itself : the head read, every entry's
# seq, prev_hash and version 2 link hash (hub.audit.ledger.chain.link_hash, computed by the server's
# sha256 over the same ASCII text) and both INSERTs, sent with the lock in one pipeline. The
# lock is then held for the server's work and the COMMIT only, never across a round trip to
# this process or its Python CPU.
_PG_CHAIN = (
    "WITH RECURSIVE head AS (" + _PG_HEAD + "),"  # noqa: S608 - constants only
    " digests AS (SELECT digest, n FROM unnest(%s::text[]) WITH ORDINALITY AS d(digest, n)),"
    " chain (n, seq, prev_hash, entry_hash) AS ("
    "  SELECT 0::bigint, COALESCE((SELECT seq FROM head), 0)::bigint, NULL::text,"
    f"  COALESCE((SELECT entry_hash FROM head), '{GENESIS_HASH}')::text"
    "  UNION ALL"
    "  SELECT d.n, c.seq + 1, c.entry_hash, encode(sha256(convert_to("
    "   'ledger-entry/2|' || c.entry_hash || '|' || (c.seq + 1)::text || '|' || d.digest,"
    "   'UTF8')), 'hex')"
    "  FROM chain AS c JOIN digests AS d ON d.n = c.n + 1)"
)


# Sent only when the service asks (``commit``): transactions stay the services' decision, but
# this COMMIT must ride in the lock's pipeline, or the lock is held across a round trip.
_PG_COMMIT = "COMMIT"
# Planning the statement costs more than running it (~1.4 ms for a batch of 8): once psycopg
# has prepared it (its 5th run on a connection), run the prepared plan, never re-plan it.
_PG_GENERIC_PLAN = "SET LOCAL plan_cache_mode = force_generic_plan"


@functools.cache
def _pg_insert(
    entry_columns: tuple[str, ...], ref_columns: tuple[str, ...], hit_columns: tuple[str, ...]
) -> str:
    """Entries (chained by ``_PG_CHAIN``), person refs and hit refs in one statement.

    Each table's rows come as one JSON array (the hit refs' may be empty). Returns (seq,
    entry_id, entry_hash) per entry in seq order. The columns are named, so a column the
    writer does not fill keeps its default.
    """
    # Only the model's own column names reach the SQL.
    if (
        not set(entry_columns) <= set(_ENTRIES.c.keys())
        or not set(ref_columns) <= set(_PERSON_REFS.c.keys())
        or not set(hit_columns) <= set(_HIT_REFS.c.keys())
    ):
        raise ValueError("not a ledger column")
    if {"seq", "prev_hash", "entry_hash"} & set(entry_columns):
        raise ValueError("the chain columns are made by the statement")
    entries = ", ".join(f'"{name}"' for name in entry_columns)
    chosen = ", ".join(f'r."{name}"' for name in entry_columns)
    refs = ", ".join(f'"{name}"' for name in ref_columns)
    hits = ", ".join(f'"{name}"' for name in hit_columns)
    return (
        f"{_PG_CHAIN}, entries AS (INSERT INTO ledger_entries ({entries}, seq, prev_hash,"  # noqa: S608 - names checked above
        f" entry_hash) SELECT {chosen}, c.seq, c.prev_hash, c.entry_hash"
        " FROM jsonb_populate_recordset(NULL::ledger_entries, %s::jsonb) WITH ORDINALITY AS r"
        " JOIN chain AS c ON c.n = r.ordinality RETURNING seq, entry_id, entry_hash),"
        f" refs AS (INSERT INTO ledger_person_refs ({refs}) SELECT {refs}"
        " FROM jsonb_populate_recordset(NULL::ledger_person_refs, %s::jsonb)),"
        f" hits AS (INSERT INTO hit_refs ({hits}) SELECT {hits}"
        " FROM jsonb_populate_recordset(NULL::hit_refs, %s::jsonb))"
        " SELECT seq, entry_id, entry_hash FROM entries ORDER BY seq"
    )


async def _driver(session: AsyncSession) -> Any:
    """The psycopg connection under the session (same transaction), or None on SQLite.

    Opens the transaction if the session has none (SQLite: BEGIN IMMEDIATE, one writer).
    """
    opens = not session.in_transaction()
    options = {SQLITE_BEGIN_OPTION: "IMMEDIATE"} if opens else None
    connection = await session.connection(execution_options=options)
    if connection.dialect.name != "postgresql":
        return None
    return (await connection.get_raw_connection()).driver_connection


async def lock_chain_head(session: AsyncSession) -> tuple[int, str]:
    """Serialise writers and return (last seq, last hash). Must open the transaction.

    PostgreSQL: the advisory lock, then the head read in a statement of its own (its snapshot
    is taken after the lock is held), one pipeline; SQLite: BEGIN IMMEDIATE (one writer).
    """
    driver = await _driver(session)
    if driver is None:
        row = (await session.execute(_HEAD)).first()
    else:
        async with driver.pipeline():
            await driver.execute(_PG_LOCK, [LEDGER_LOCK_KEY])
            head = await driver.execute(_PG_HEAD)
        row = await head.fetchone()
    return (0, GENESIS_HASH) if row is None else (int(row[0]), str(row[1]))


async def begin(session: AsyncSession) -> None:
    """Open the session's transaction as a ledger write (SQLite: BEGIN IMMEDIATE, one writer)."""
    await _driver(session)


async def append_chained(
    session: AsyncSession,
    contents: Sequence[dict[str, Any]],
    digests: Sequence[str],
    *,
    commit: bool = False,
    hit_refs: Sequence[Mapping[str, Any]] = (),
) -> list[tuple[int, str]]:
    """Take the chain-head lock, place each entry after the head, insert it; (seq, hash) each.

    ``contents``: every column but the chain's three (seq, prev_hash, entry_hash), in order;
    ``digests``: their version 2 content digests; ``hit_refs``: ``hit_refs`` rows, every
    column each, inserted in the same statements. Opens the session's transaction if needed.
    PostgreSQL: a transaction-scoped advisory lock, then ``_pg_insert`` (a statement of its
    own, so its snapshot sees the previous holder's commit) and, with ``commit``, COMMIT: one
    pipeline, one round trip, returning only once COMMIT did (the caller then ends its
    session's transaction). SQLite: BEGIN IMMEDIATE holds the one write lock; the chain is
    made here in Python; the caller commits.
    """
    refs = [ref for row in contents for ref in _person_refs(row)]
    driver = await _driver(session)
    if driver is None:  # the service's commit commits on SQLite
        return await _append_sqlite(session, contents, digests, refs, hit_refs)
    if commit:  # rows the session still holds (the units' extras) go into this transaction
        await session.flush()
    return await _pg_append(driver, contents, digests, refs, hit_refs, commit=commit)


async def append_chained_committed(
    connection: AsyncConnection,
    contents: Sequence[dict[str, Any]],
    digests: Sequence[str],
    *,
    hit_refs: Sequence[Mapping[str, Any]] = (),
) -> list[tuple[int, str]]:
    """``append_chained`` with ``commit`` on a PostgreSQL connection outside any session.

    The same pipeline (lock, chain statement, COMMIT) in a transaction of its own, begun by the
    driver; for a batch with nothing else to write, which then needs no ORM session around it
    (its set-up and teardown were a fifth of the writer's CPU per batch). On any error the
    transaction is rolled back before the error is raised.
    """
    if connection.dialect.name != "postgresql":
        raise ValueError("a committed append outside a session is PostgreSQL's alone")
    refs = [ref for row in contents for ref in _person_refs(row)]
    driver: Any = (await connection.get_raw_connection()).driver_connection
    try:
        return await _pg_append(driver, contents, digests, refs, hit_refs, commit=True)
    except BaseException:
        with contextlib.suppress(Exception):  # a dead connection: its owner invalidates it
            await driver.rollback()
        raise


async def _pg_append(
    driver: Any,
    contents: Sequence[dict[str, Any]],
    digests: Sequence[str],
    refs: Sequence[Mapping[str, Any]],
    hit_refs: Sequence[Mapping[str, Any]],
    *,
    commit: bool,
) -> list[tuple[int, str]]:
    """Lock, chain statement and (``commit``) COMMIT on psycopg's connection: one pipeline."""
    statement = _pg_insert(
        tuple(contents[0]), tuple(_PERSON_REFS.c.keys()), tuple(_HIT_REFS.c.keys())
    )
    async with driver.pipeline():
        await driver.execute(_PG_LOCK, [LEDGER_LOCK_KEY])
        await driver.execute(_PG_GENERIC_PLAN)
        placed = await driver.execute(
            statement,
            [list(digests), _json_array(contents), _json_array(refs), _json_array(hit_refs)],
        )
        if commit:  # the service's COMMIT, queued behind the INSERT in the same round trip
            await driver.execute(_PG_COMMIT)
    rows = await placed.fetchall()
    if [row[1] for row in rows] != [values["entry_id"] for values in contents]:
        raise RuntimeError("the ledger statement did not place every entry in order")
    return [(int(row[0]), str(row[2])) for row in rows]


async def _append_sqlite(
    session: AsyncSession,
    contents: Sequence[dict[str, Any]],
    digests: Sequence[str],
    refs: list[dict[str, Any]],
    hit_refs: Sequence[Mapping[str, Any]],
) -> list[tuple[int, str]]:
    """Head read and the INSERTs straight on aiosqlite's connection: one hop to its thread each.

    Through the session each statement took four hops (cursor, execute, fetch, close) plus the
    ORM's statement handling. Same transaction (the session's BEGIN IMMEDIATE), same
    stored values: the columns' own bind processors turn them into what SQLite stores.
    """
    connection = await session.connection()
    driver: Any = (await connection.get_raw_connection()).driver_connection  # aiosqlite's
    head = list(await driver.execute_fetchall(_SQLITE_HEAD))
    last_seq, last_hash = (0, GENESIS_HASH) if not head else (int(head[0][0]), str(head[0][1]))
    placed: list[tuple[int, str]] = []
    rows = []
    for values, digest in zip(contents, digests, strict=True):
        last_seq += 1
        row = {**values, "seq": last_seq, "prev_hash": last_hash}
        row["entry_hash"] = last_hash = link_hash(last_hash, last_seq, digest)
        rows.append(row)
        placed.append((last_seq, last_hash))
    dialect = connection.dialect
    for table, batch in ((_ENTRIES, rows), (_PERSON_REFS, refs), (_HIT_REFS, hit_refs)):
        if batch:
            statement, columns = _sqlite_insert(dialect, table.name, tuple(batch[0]))
            await driver.executemany(statement, [_bound(row, columns) for row in batch])
    return placed


# The chain head as SQLite reads it (no parenthesised members in a UNION ALL there).
_SQLITE_HEAD = (
    "SELECT seq, entry_hash FROM (SELECT seq, entry_hash FROM ledger_entries"
    " ORDER BY seq DESC LIMIT 1) UNION ALL SELECT seq, entry_hash FROM (SELECT seq, entry_hash"
    " FROM ledger_tombstones ORDER BY seq DESC LIMIT 1) ORDER BY seq DESC LIMIT 1"
)

_Bind = Callable[[Any], Any] | None


@functools.lru_cache(maxsize=16)
def _sqlite_insert(
    dialect: Dialect, table_name: str, columns: tuple[str, ...]
) -> tuple[str, tuple[tuple[str, _Bind], ...]]:
    """The INSERT for ``columns`` of a ledger table and each column's bind processor.

    The processors are the ones SQLAlchemy applies (JSON text, SQLite's datetime text, 0/1),
    so the rows are stored as a Core ``insert()`` stored them
    (tests/hub/test_ledger_sqlite_insert.py).
    """
    table = {_ENTRIES.name: _ENTRIES, _PERSON_REFS.name: _PERSON_REFS, _HIT_REFS.name: _HIT_REFS}[
        table_name
    ]
    if not set(columns) <= set(table.c.keys()):  # only the model's own names reach the SQL
        raise ValueError("not a ledger column")
    names = ", ".join(f'"{name}"' for name in columns)
    marks = ", ".join("?" for _ in columns)
    binds = tuple(
        (name, table.c[name].type.dialect_impl(dialect).bind_processor(dialect)) for name in columns
    )
    return f"INSERT INTO {table_name} ({names}) VALUES ({marks})", binds  # noqa: S608 - checked


def _bound(row: Mapping[str, Any], columns: tuple[tuple[str, _Bind], ...]) -> tuple[Any, ...]:
    return tuple(row[name] if bind is None else bind(row[name]) for name, bind in columns)


def _json_array(rows: Sequence[Mapping[str, Any]]) -> str:
    # orjson writes datetimes as isoformat() does (RFC 3339) and fails on any unknown type.
    return orjson.dumps(rows).decode("utf-8")


def _person_refs(row: dict[str, Any]) -> list[dict[str, Any]]:
    """Hit persons and released ones (flagged), each once, in the entry's transaction."""
    released = set(row["released_person_ids"])
    return [
        {
            "entry_id": row["entry_id"],
            "person_id": person_id,
            "register": row["register"],
            "occurred_at": row["occurred_at"],
            "released": person_id in released,
        }
        for person_id in dict.fromkeys([*row["hit_person_ids"], *row["released_person_ids"]])
    ]


# Verify reads millions of rows: plain rows instead of ORM objects, and the JSON columns as
# text decoded with one json.loads per batch instead of one per value (same values).
_JSON_COLUMNS = frozenset(
    column.name for column in LedgerEntry.__table__.columns if isinstance(column.type, JSON)
)
_ENTRY_SELECT = [
    cast(column, Text).label(column.name) if column.name in _JSON_COLUMNS else column
    for column in LedgerEntry.__table__.columns
]


def _decoded(rows: Sequence[RowMapping]) -> list[dict[str, Any]]:
    values = [dict(row) for row in rows]
    names = sorted(_JSON_COLUMNS)
    texts = ["null" if item[name] is None else item[name] for item in values for name in names]
    decoded = iter(json.loads("[" + ",".join(texts) + "]"))
    for item in values:
        for name in names:
            item[name] = next(decoded)
    return values


async def iterate_chain_values(
    session: AsyncSession, *, batch: int = 10_000
) -> AsyncIterator[dict[str, Any] | LedgerTombstone]:
    """Entries (as column dicts) and tombstones merged by seq, for verifying the chain.

    Like ``integrity_repository.iterate_chain``: a seq held by both is yielded twice, entry first.
    """
    last = 0
    while True:
        rows = await session.execute(
            select(*_ENTRY_SELECT)
            .where(LedgerEntry.seq > last)
            .order_by(LedgerEntry.seq)
            .limit(batch)
        )
        entries = _decoded(rows.mappings().all())
        tombs = list(
            (
                await session.execute(
                    select(LedgerTombstone)
                    .where(LedgerTombstone.seq > last)
                    .order_by(LedgerTombstone.seq)
                    .limit(batch)
                )
            ).scalars()
        )
        if not entries and not tombs:
            return
        # Only positions up to the smaller full batch's end are complete in both lists.
        bound = min(
            entries[-1]["seq"] if len(entries) == batch else float("inf"),
            tombs[-1].seq if len(tombs) == batch else float("inf"),
        )
        merged: list[tuple[int, bool, dict[str, Any] | LedgerTombstone]] = sorted(
            [(entry["seq"], False, entry) for entry in entries]
            + [(tomb.seq, True, tomb) for tomb in tombs],
            key=lambda item: (item[0], item[1]),
        )
        for seq, _is_tomb, row in merged:
            if seq > bound:
                break
            yield row
            last = seq
        session.expunge_all()
