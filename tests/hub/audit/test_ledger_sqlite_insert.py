"""SQLite: the ledger's direct INSERT (one hop to aiosqlite's thread) stores what SQLAlchemy did.

The writer inserts entries, person refs and hit refs with the columns' own bind processors
instead of a Core ``insert()`` through the session. Every column must be stored byte for
byte as the Core statement stored it, or verify and every reader would see other values.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from hub.audit.ledger.chain import CONTENT_COLUMNS
from hub.audit.ledger.repository import _bound, _sqlite_insert
from hub.models import Base, HitRef, LedgerEntry, LedgerPersonRef

_ENTRIES = Base.metadata.tables[LedgerEntry.__tablename__]
_REFS = Base.metadata.tables[LedgerPersonRef.__tablename__]
_HITS = Base.metadata.tables[HitRef.__tablename__]


def _entry(entry_id: str, seq: int, **changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = dict.fromkeys(CONTENT_COLUMNS)
    values.update(
        entry_id=entry_id,
        occurred_at=datetime(2026, 12, 6, 18, 5, 3, 123456, tzinfo=timezone(timedelta(hours=1))),
        request_id="r",
        user_roles=["a", "ß"],
        user_roles_ignored=[],
        register="melderegister",
        hit_person_ids=["P-1"],
        released_person_ids=["P-1"],
        hit_ids=[],
        fields_requested=["name"],
        fields_released=["name"],
        fields_withheld=[],
        outcome="released",
        http_status=200,
        tag="query:melderegister:released",
        catalogue_revision=3,
        legal_basis=["BMG §37"],
        reasons=[],
        retention_class="L-MELDE",
        hash_version=2,
        seq=seq,
        prev_hash="0" * 64,
        entry_hash=f"{seq:064d}",
    )
    values.update(changes)
    return values


@pytest.fixture
async def engine(tmp_path: Path) -> Any:
    engine: AsyncEngine = create_async_engine(f"sqlite+aiosqlite:///{tmp_path / 'ledger.db'}")
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.create_all, tables=[_ENTRIES, _REFS, _HITS])
    yield engine
    await engine.dispose()


def _stored(path: Path, table: str, columns: list[str], key: str, value: str) -> list[Any]:
    """Each column's storage class and SQL literal, as SQLite holds it."""
    selected = ", ".join(f'typeof("{name}"), quote("{name}")' for name in columns)
    with sqlite3.connect(path) as connection:
        row = connection.execute(
            f'SELECT {selected} FROM {table} WHERE "{key}" = ?',
            [value],
        ).fetchone()
    return list(row)


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"fields_transformed": {"birth_date": "year"}, "user_id": "m.schmidt"},
        {"occurred_at": datetime(2026, 12, 6, 17, 5, 3, tzinfo=UTC), "catalogue_revision": None},
    ],
    ids=["plain", "transformed", "utc-no-microseconds"],
)
async def test_direct_insert_stores_what_the_core_insert_stored(
    engine: AsyncEngine, tmp_path: Path, changes: dict[str, Any]
) -> None:
    core_entry = _entry("core", 1, **changes)
    direct_entry = _entry("direct", 2, **changes)
    core_ref = {
        "entry_id": "core",
        "person_id": "P-1",
        "register": "melderegister",
        "occurred_at": core_entry["occurred_at"],
        "released": True,
    }
    direct_ref = {**core_ref, "entry_id": "direct"}
    core_hit = {
        "hit_id": "core",
        "register": "melderegister",
        "subject_id": "P-1",
        "client_id": "c-1",
        "request_id": "r",
        "ledger_entry_id": "core",
        "created_at": core_entry["occurred_at"],
        "expires_at": core_entry["occurred_at"] + timedelta(hours=48),
    }
    direct_hit = {**core_hit, "hit_id": "direct", "ledger_entry_id": "direct"}
    async with engine.begin() as connection:
        await connection.execute(insert(_ENTRIES), [core_entry])
        await connection.execute(insert(_REFS), [core_ref])
        await connection.execute(insert(_HITS), [core_hit])
        driver: Any = (await connection.get_raw_connection()).driver_connection
        for table, row in ((_ENTRIES, direct_entry), (_REFS, direct_ref), (_HITS, direct_hit)):
            statement, columns = _sqlite_insert(connection.dialect, table.name, tuple(row))
            await driver.executemany(statement, [_bound(row, columns)])
    path = tmp_path / "ledger.db"
    compared = [
        column.name
        for column in _ENTRIES.columns
        if column.name not in {"entry_id", "seq", "entry_hash"}
    ]
    assert _stored(path, "ledger_entries", compared, "entry_id", "direct") == _stored(
        path, "ledger_entries", compared, "entry_id", "core"
    )
    ref_columns = [column.name for column in _REFS.columns if column.name != "entry_id"]
    assert _stored(path, "ledger_person_refs", ref_columns, "entry_id", "direct") == _stored(
        path, "ledger_person_refs", ref_columns, "entry_id", "core"
    )
    hit_columns = [c.name for c in _HITS.columns if c.name not in {"hit_id", "ledger_entry_id"}]
    assert _stored(path, "hit_refs", hit_columns, "hit_id", "direct") == _stored(
        path, "hit_refs", hit_columns, "hit_id", "core"
    )


def test_only_ledger_columns_reach_the_sql() -> None:
    from sqlalchemy.dialects import sqlite  # noqa: PLC0415

    with pytest.raises(ValueError, match="not a ledger column"):
        _sqlite_insert(sqlite.dialect(), "ledger_entries", ("seq", 'x"; DROP TABLE y; --'))
