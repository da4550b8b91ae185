"""The group-commit ledger writer: shared commits, isolation of bad units, fail closed, drain."""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hub.audit.integrity.verify import VerifyReport, verify
from hub.audit.ledger import service
from hub.audit.ledger.service import LedgerRecord, LedgerUnit, WrittenEntry
from hub.audit.ledger.writer import LedgerWriter
from hub.db import create_hub_engine, create_sessionmaker
from hub.domain import Outcome, QueryKind
from hub.errors import AuditUnavailable
from hub.models import HitRef, Task
from hub.tasks.repository import add_task
from tests.fixtures.factories import (
    blocked,
    import_persons,
    load_default_catalogue,
    person,
)
from tests.fixtures.hub_app import asgi_client, client_token, hub_settings, running_hub
from tests.fixtures.ledger import ledger_rows, table_rows, task_rows
from tests.fixtures.melderegister_queries import URL, query

CONCURRENT = 48
UNKNOWN = {"name": "Niemand", "given_names": "Nora", "birth_date": "1999-09-09"}
BLOCKED = {"name": "Groß", "given_names": "Erika", "birth_date": "1964-08-12"}


def _record(request_id: str) -> LedgerRecord:
    return LedgerRecord(
        request_id=request_id,
        register="melderegister",
        outcome=Outcome.NEUTRAL,
        http_status=200,
        client_id="c-test",
        authority="wohngeldstelle",
        kind=QueryKind.PERSON,
        hit_person_ids=["P-1"],
    )


def _task(task_id: str, request_id: str) -> Task:
    return Task(
        task_id=task_id,
        kind="neutral_hold",
        status="open",
        register="melderegister",
        person_id="P-1",
        request_id=request_id,
        ledger_entry_id="",
        authority="wohngeldstelle",
        user_id="m.schmidt",
        purpose="wohngeld_antrag",
        case_reference="WG-1",
        reasons=["auskunftssperre"],
        query_kind="person",
        fields_requested=["name"],
        created_at=datetime.now(UTC),
    )


def _with_task(task_id: str) -> LedgerUnit:
    request_id = f"req-{uuid.uuid4()}"
    task = _task(task_id, request_id)

    async def extras(session: AsyncSession, entry_id: str) -> None:
        task.ledger_entry_id = entry_id
        add_task(session, task)

    return LedgerUnit(record=_record(request_id), extras=extras)


async def _verify(sessionmaker: async_sessionmaker[AsyncSession]) -> VerifyReport:
    async with sessionmaker() as session:
        return await verify(session)


@pytest.fixture
async def sessionmaker(clean_database: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_hub_engine(clean_database)
    try:
        yield create_sessionmaker(engine)
    finally:
        await engine.dispose()


@pytest.fixture
async def writer(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> AsyncIterator[LedgerWriter]:
    ledger_writer = LedgerWriter(sessionmaker)
    ledger_writer.start()
    try:
        yield ledger_writer
    finally:
        await ledger_writer.stop()


async def _token(http: httpx.AsyncClient, database_url: str) -> str:
    return await client_token(http, database_url, authority="wohngeldstelle")


class TestGroupCommit:
    async def test_concurrent_queries_share_commits_and_each_has_its_entry(
        self, app: FastAPI, http: httpx.AsyncClient, clean_database: str
    ) -> None:
        blocked_person = person(
            "P-3", name="Groß", given_names=("Erika",), birth_date="1964-08-12", blocks=blocked()
        )
        import_persons(clean_database, [person("P-1"), blocked_person])
        token = await _token(http, clean_database)
        matches = [query()["match"], UNKNOWN, BLOCKED]
        responses = await asyncio.gather(
            *(
                http.post(
                    URL,
                    json=query(match=matches[number % 3]),
                    headers={"Authorization": f"Bearer {token}"},
                )
                for number in range(CONCURRENT)
            )
        )
        outcomes = Counter(response.json()["outcome"] for response in responses)
        assert outcomes == {"released": 16, "neutral": 32}
        entries = ledger_rows(clean_database)
        per_request = Counter(entry["request_id"] for entry in entries)
        assert all(per_request[r.headers["X-Request-ID"]] == 1 for r in responses)
        assert len(entries) == CONCURRENT
        # The extras committed with their entries: a hit ref per released record, a task
        # per blocked person, each pointing at its own entry.
        by_id = {entry["entry_id"]: entry for entry in entries}
        refs = table_rows(clean_database, HitRef.__table__)
        assert len(refs) == 16
        assert all(by_id[ref["ledger_entry_id"]]["outcome"] == "released" for ref in refs)
        tasks = task_rows(clean_database)
        assert len(tasks) == 16
        assert all(
            by_id[task["ledger_entry_id"]]["request_id"] == task["request_id"] for task in tasks
        )
        stats = app.state.ledger_writer.stats
        assert stats.entries == CONCURRENT
        assert stats.largest_batch > 1
        assert stats.batches < CONCURRENT
        assert (await _verify(app.state.sessionmaker)).ok

    async def test_a_lone_request_is_committed_without_waiting_for_company(
        self, writer: LedgerWriter, sessionmaker: async_sessionmaker[AsyncSession]
    ) -> None:
        entry = await asyncio.wait_for(writer.write(LedgerUnit(record=_record("alone"))), 5)
        assert entry.seq == 1
        assert (writer.stats.batches, writer.stats.entries) == (1, 1)
        report = await _verify(sessionmaker)
        assert (report.ok, report.entries) == (True, 1)


class TestFailures:
    async def test_a_bad_unit_does_not_fail_the_others_in_its_batch(
        self,
        writer: LedgerWriter,
        sessionmaker: async_sessionmaker[AsyncSession],
        clean_database: str,
    ) -> None:
        taken = str(uuid.uuid4())
        await writer.write(_with_task(taken))
        good = [_with_task(str(uuid.uuid4())) for _ in range(5)]
        bad = _with_task(taken)  # the task's primary key exists: the batch cannot commit
        units = [*good[:2], bad, *good[2:]]
        results = await asyncio.gather(*(writer.write(u) for u in units), return_exceptions=True)
        assert isinstance(results[2], AuditUnavailable)
        assert all(isinstance(r, WrittenEntry) for i, r in enumerate(results) if i != 2)
        assert writer.stats.split_batches == 1
        assert writer.stats.failed == 1
        written = {entry["request_id"]: entry for entry in ledger_rows(clean_database)}
        assert bad.record.request_id not in written
        assert all(unit.record.request_id in written for unit in good)
        assert len(written) == 6
        tasks = {task["request_id"]: task for task in task_rows(clean_database)}
        for unit in good:
            assert tasks[unit.record.request_id]["ledger_entry_id"] == unit.entry_id
            assert written[unit.record.request_id]["entry_id"] == unit.entry_id
        assert (await _verify(sessionmaker)).ok

    async def test_a_bad_plain_unit_does_not_fail_the_others_in_its_batch(
        self,
        writer: LedgerWriter,
        sessionmaker: async_sessionmaker[AsyncSession],
        clean_database: str,
    ) -> None:
        """Units without extras (on PostgreSQL committed without a session) are split alike."""
        first = await writer.write(LedgerUnit(record=_record("first")))
        good = [LedgerUnit(record=_record(f"good-{n}")) for n in range(4)]
        # Its entry_id exists: the batch's statement fails and nothing of it may stay.
        bad = LedgerUnit(record=_record("bad"), entry_id=first.entry_id)
        units = [good[0], bad, *good[1:]]
        results = await asyncio.gather(*(writer.write(u) for u in units), return_exceptions=True)
        assert isinstance(results[1], AuditUnavailable)
        assert all(isinstance(r, WrittenEntry) for i, r in enumerate(results) if i != 1)
        assert (writer.stats.split_batches, writer.stats.failed) == (1, 1)
        rows = ledger_rows(clean_database)
        assert [row["request_id"] for row in rows] == [
            "first",
            *(u.record.request_id for u in good),
        ]
        assert [row["seq"] for row in rows] == [1, 2, 3, 4, 5]
        after = await writer.write(LedgerUnit(record=_record("after")))
        assert after.seq == 6
        assert (await _verify(sessionmaker)).ok

    async def test_plain_units_and_units_with_extras_share_a_batch(
        self,
        writer: LedgerWriter,
        sessionmaker: async_sessionmaker[AsyncSession],
        clean_database: str,
    ) -> None:
        task_id = str(uuid.uuid4())
        units = [LedgerUnit(record=_record("plain-1")), _with_task(task_id)]
        units.append(LedgerUnit(record=_record("plain-2")))
        written = await asyncio.gather(*(writer.write(unit) for unit in units))
        assert [entry.seq for entry in written] == [1, 2, 3]
        assert writer.stats.batches == 1
        [task] = task_rows(clean_database)
        assert task["ledger_entry_id"] == units[1].entry_id
        assert (await _verify(sessionmaker)).ok

    async def test_database_down_is_503_problem_without_data(
        self, down_app: FastAPI, down_http: httpx.AsyncClient, clean_database: str
    ) -> None:
        token = await _token(down_http, clean_database)
        headers = {"Authorization": f"Bearer {token}"}
        before = await down_http.post(URL, json=query(), headers=headers)
        assert before.status_code == 200  # the catalogue is cached from here on
        async with _database_down(clean_database, down_app):
            response = await down_http.post(URL, json=query(), headers=headers)
        assert response.status_code == 503
        assert response.headers["content-type"].startswith("application/problem+json")
        problem = response.json()
        assert problem["type"].endswith("/audit-unavailable")
        assert "records" not in problem
        assert "Müller" not in response.text
        entries = ledger_rows(clean_database)
        assert [e["request_id"] for e in entries] == [before.headers["X-Request-ID"]]
        assert len(table_rows(clean_database, HitRef.__table__)) == 1


class TestQueueing:
    async def test_shutdown_drains_every_queued_unit(
        self, sessionmaker: async_sessionmaker[AsyncSession], clean_database: str
    ) -> None:
        writer = LedgerWriter(sessionmaker, max_batch=4)
        writer.start()
        units = [LedgerUnit(record=_record(f"drain-{n}")) for n in range(20)]
        callers = [asyncio.create_task(writer.write(unit)) for unit in units]
        await asyncio.sleep(0)
        assert not all(caller.done() for caller in callers)
        await writer.stop()
        # The writer is gone: a caller whose unit it left behind would wait forever.
        written = await asyncio.wait_for(asyncio.gather(*callers), timeout=5)
        assert [entry.entry_id for entry in written] == [unit.entry_id for unit in units]
        assert len(ledger_rows(clean_database)) == 20
        with pytest.raises(AuditUnavailable):
            await writer.write(LedgerUnit(record=_record("too-late")))
        assert (await _verify(sessionmaker)).ok

    async def test_a_cancelled_caller_neither_drops_nor_corrupts_its_entry(
        self,
        writer: LedgerWriter,
        sessionmaker: async_sessionmaker[AsyncSession],
        clean_database: str,
    ) -> None:
        gone = LedgerUnit(record=_record("cancelled"))
        caller = asyncio.create_task(writer.write(gone))
        await asyncio.sleep(0)  # queued
        caller.cancel()
        with pytest.raises(asyncio.CancelledError):
            await caller
        after = await writer.write(LedgerUnit(record=_record("after")))
        rows = ledger_rows(clean_database)
        assert [row["request_id"] for row in rows] == ["cancelled", "after"]
        assert rows[0]["entry_id"] == gone.entry_id
        assert after.seq == 2
        assert (await _verify(sessionmaker)).ok

    async def test_a_full_queue_makes_callers_wait(
        self, sessionmaker: async_sessionmaker[AsyncSession], clean_database: str
    ) -> None:
        writer = LedgerWriter(sessionmaker, max_batch=2, max_queued=3)
        writer.start()
        try:
            callers = [
                asyncio.create_task(writer.write(LedgerUnit(record=_record(f"bp-{n}"))))
                for n in range(12)
            ]
            await asyncio.sleep(0)
            assert len(writer._queue) == 3  # the other nine wait for space
            await asyncio.gather(*callers)
        finally:
            await writer.stop()
        assert writer.stats.largest_batch <= 2
        assert [row["request_id"] for row in ledger_rows(clean_database)] == [
            f"bp-{n}" for n in range(12)
        ]
        assert (await _verify(sessionmaker)).ok


@pytest.fixture
async def down_app(clean_database: str, tmp_path: Path) -> AsyncIterator[FastAPI]:
    """The real hub with its catalogue cached, so the first database call is the ledger's."""
    load_default_catalogue(clean_database)
    import_persons(clean_database, [person("P-1")])
    settings = hub_settings(clean_database, tmp_path, catalogue_refresh_seconds=3600)
    async with running_hub(settings) as app:
        yield app


@pytest.fixture
async def down_http(down_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with asgi_client(down_app) as client:
        yield client


@asynccontextmanager
async def _database_down(database_url: str, app: FastAPI) -> AsyncIterator[None]:
    """Take the hub's database away: PostgreSQL refuses connections, the SQLite file is gone."""
    url = make_url(database_url)
    if url.get_backend_name() == "postgresql":
        admin = create_engine(
            make_url(os.environ["HUB_TEST_DATABASE_URL"]).set(drivername="postgresql+psycopg"),
            isolation_level="AUTOCOMMIT",
        )
        try:
            with admin.connect() as connection:
                connection.execute(text(f'ALTER DATABASE "{url.database}" ALLOW_CONNECTIONS false'))
                connection.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                        "WHERE datname = :name"
                    ),
                    {"name": url.database},
                )
            yield
        finally:
            with admin.connect() as connection:
                connection.execute(text(f'ALTER DATABASE "{url.database}" ALLOW_CONNECTIONS true'))
            admin.dispose()
        return
    path = Path(str(url.database))
    away = path.with_name(path.name + ".away")
    await app.state.engine.dispose()  # no pooled connection keeps the old file open
    _swap_out(path, away)
    try:
        yield
    finally:
        _swap_back(path, away)


def _swap_out(path: Path, away: Path) -> None:
    shutil.move(path, away)
    path.mkdir()  # a directory where the database was: nothing can open it


def _swap_back(path: Path, away: Path) -> None:
    path.rmdir()
    shutil.move(away, path)


class TestKeptConnection:
    async def test_a_writer_connection_killed_while_idle_costs_no_answer(
        self,
        writer: LedgerWriter,
        sessionmaker: async_sessionmaker[AsyncSession],
        clean_database: str,
    ) -> None:
        """PostgreSQL: the writer keeps its connection; one the server ended is replaced."""
        if make_url(clean_database).get_backend_name() != "postgresql":
            pytest.skip("the writer keeps a connection on PostgreSQL only")
        await writer.write(LedgerUnit(record=_record("before")))
        killer = create_engine(clean_database)
        try:
            with killer.connect() as connection:
                killed = connection.execute(
                    text(
                        "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                        " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                    )
                ).scalar_one()
        finally:
            killer.dispose()
        assert killed >= 1
        entry = await asyncio.wait_for(writer.write(LedgerUnit(record=_record("after"))), 10)
        assert entry.seq == 2
        assert writer.stats.failed == 0
        assert [row["request_id"] for row in ledger_rows(clean_database)] == ["before", "after"]
        assert (await _verify(sessionmaker)).ok


class TestPlainBatch:
    async def test_a_unit_with_extras_is_refused_before_anything_is_written(
        self, sessionmaker: async_sessionmaker[AsyncSession], clean_database: str
    ) -> None:
        engine = sessionmaker.kw["bind"]
        async with engine.connect() as connection:
            with pytest.raises(ValueError, match="extras"):
                await service.commit_plain_batch(connection, [_with_task(str(uuid.uuid4()))])
        assert ledger_rows(clean_database) == []

    async def test_sqlite_has_no_plain_batch(
        self, sessionmaker: async_sessionmaker[AsyncSession], clean_database: str
    ) -> None:
        if make_url(clean_database).get_backend_name() == "postgresql":
            pytest.skip("SQLite's refusal")
        engine = sessionmaker.kw["bind"]
        async with engine.connect() as connection:
            with pytest.raises(ValueError, match="PostgreSQL"):
                await service.commit_plain_batch(connection, [LedgerUnit(record=_record("x"))])
        assert ledger_rows(clean_database) == []
