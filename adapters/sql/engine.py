"""Engines for databases reached through SQLAlchemy: PostgreSQL (psycopg 3) and SQLite.

URLs are given in their plain form (``sqlite:///…``, ``postgresql+psycopg://…``); the
async driver is chosen here. The hub's own database uses the same factories.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from adapters.sql.sqlite_driver import one_hop_dbapi

SQLITE_BEGIN_OPTION = "sqlite_begin"
# No BEGIN: every statement reads its own snapshot, as under PostgreSQL's READ COMMITTED.
# For read-only work: it spares SQLite three trips to aiosqlite's thread per session.
SQLITE_PER_STATEMENT = "PER STATEMENT"


def is_sqlite(url: str | URL) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def sync_url(url: str | URL) -> URL:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return parsed.set(drivername="sqlite")
    return parsed.set(drivername="postgresql+psycopg")


def async_url(url: str | URL) -> URL:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return parsed.set(drivername="sqlite+aiosqlite")
    return parsed.set(drivername="postgresql+psycopg")


def _prepare_sqlite_file(url: URL) -> None:
    if url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)


def install_sqlite_hooks(engine: Engine, *, busy_timeout_ms: int = 30_000) -> None:
    """Take over transaction control from pysqlite so a writer can BEGIN IMMEDIATE.

    SQLite allows one writer; starting the ledger transaction IMMEDIATE serialises the
    chain head instead of failing late with SQLITE_BUSY (SQLAlchemy's documented recipe).
    """

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        mode = connection.get_execution_options().get(SQLITE_BEGIN_OPTION, "DEFERRED")
        if mode != SQLITE_PER_STATEMENT:
            connection.exec_driver_sql(f"BEGIN {mode}")


def begin_writing(engine: Engine) -> contextlib.AbstractContextManager[Connection]:
    """A transaction that will write, begun as a writer (SQLite: ``BEGIN IMMEDIATE``).

    SQLite lets a transaction begun as a reader (``BEGIN DEFERRED``) write only if no other
    connection committed since its first read; otherwise the write fails at once with
    "database is locked", whatever the busy timeout. A command that reads and then writes
    (a client's authority, then the client; the keys already stored, then an import) failed
    so whenever a serving worker wrote meanwhile (its Sperre-drain heartbeat writes every
    second). Begun as a writer it waits for the lock instead. PostgreSQL ignores the option.
    """
    return engine.execution_options(**{SQLITE_BEGIN_OPTION: "IMMEDIATE"}).begin()


def begin_per_statement(engine: AsyncEngine) -> Any:
    """A unit of single-statement writes; on SQLite each statement commits on its own.

    For the background writers (a worker's heartbeat, the limiter's claims and purges): no
    BEGIN, so SQLite's one write lock is held for one statement on the driver's thread and
    never across an ``await``. Held across awaits, a busy event loop stretched it, and a
    blocking writer on the same thread (a command run in-process, as tests do) waited for a
    transaction that could not finish until it gave up. Only for writes whose statements need
    no common transaction. PostgreSQL: an ordinary transaction.
    """
    return engine.execution_options(**{SQLITE_BEGIN_OPTION: SQLITE_PER_STATEMENT}).begin()


def create_async_database_engine(
    url: str | URL,
    *,
    application_name: str,
    pool_size: int = 10,
    statement_timeout_ms: int = 5_000,
    pool_timeout_seconds: float = 30.0,
    connect_timeout_seconds: int | None = None,
    busy_timeout_ms: int = 30_000,
    async_connect: Callable[..., Any] | None = None,
) -> AsyncEngine:
    """``async_connect`` replaces psycopg's ``AsyncConnection.connect`` (client-side bounds).

    Bound parameters never appear in error messages (``hide_parameters``): they carry
    register and ledger values, and exceptions end up in logs.
    """
    target = async_url(url)
    # A fixed pool whose connections stay open: no overflow connections opened and closed
    # under load (a PostgreSQL backend forked, or a SQLite thread started, per request).
    # A request that finds every connection busy waits for one (``pool_timeout``).
    if is_sqlite(target):
        _prepare_sqlite_file(target)
        in_memory = target.database in (None, "", ":memory:")  # a StaticPool, no sizes
        pool: dict[str, Any] = (
            {}
            if in_memory
            else {"pool_size": pool_size, "max_overflow": 0, "pool_timeout": pool_timeout_seconds}
        )
        engine = create_async_engine(
            target,
            connect_args={"timeout": busy_timeout_ms / 1000},
            hide_parameters=True,
            module=one_hop_dbapi(),  # one thread hop per statement (adapters.sql.sqlite_driver)
            **pool,
        )
        install_sqlite_hooks(engine.sync_engine, busy_timeout_ms=busy_timeout_ms)
        return engine
    # Server options given in the URL (e.g. ``?options=-c role=hub_app``) are kept.
    url_options = str(target.query.get("options", ""))
    connect_args: dict[str, Any] = {
        "application_name": application_name,
        "options": f"{url_options} -c statement_timeout={statement_timeout_ms}".strip(),
    }
    if connect_timeout_seconds is not None:
        connect_args["connect_timeout"] = connect_timeout_seconds
    if async_connect is not None:
        connect_args["async_creator_fn"] = async_connect
    return create_async_engine(
        target.difference_update_query(["options"]),
        pool_size=pool_size,
        max_overflow=0,
        pool_timeout=pool_timeout_seconds,
        pool_pre_ping=True,
        hide_parameters=True,
        connect_args=connect_args,
    )


def create_sync_database_engine(url: str | URL, *, application_name: str) -> Engine:
    """A blocking engine for command-line work (bulk imports, migrations)."""
    target = sync_url(url)
    if is_sqlite(target):
        _prepare_sqlite_file(target)
        engine = create_engine(target, connect_args={"timeout": 30}, hide_parameters=True)
        install_sqlite_hooks(engine)
        return engine
    return create_engine(
        target,
        pool_pre_ping=True,
        hide_parameters=True,
        connect_args={"application_name": application_name},
    )
