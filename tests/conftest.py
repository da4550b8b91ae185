"""Test databases: every database test runs on SQLite and, when HUB_TEST_DATABASE_URL is set,
on PostgreSQL too. Schemas come from ``alembic upgrade head``, never create_all.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Connection, text
from sqlalchemy.engine import make_url

from adapters.sql.base import RegisterBase
from hub.db import create_sync_engine
from hub.kit.migrate import upgrade_head
from hub.logging import json_formatter
from hub.models import Base
from tests.fixtures.databases import BACKENDS, create_postgres_database, drop_postgres_database
from tests.fixtures.paths import xoev_dir
from tests.fixtures.socket_guard import loopback_only

# Detailed assertion messages from the shared adapter conformance suite.
pytest.register_assert_rewrite("adapters.testing")


@pytest.fixture(scope="session", autouse=True)
def no_network() -> Iterator[None]:
    """Every test, for the whole run: connections to loopback and unix sockets only."""
    with loopback_only():
        yield


@pytest.fixture(scope="session", autouse=True)
def quiet_logs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Every log record of the run, as the hub formats it, grepped at the end
    for every person name the factories made, every steward's contact data and every secret.
    """
    path = tmp_path_factory.mktemp("logs") / "run.log"
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(json_formatter())
    handler.setLevel(logging.DEBUG)
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield
    finally:
        root.removeHandler(handler)
        handler.close()
    logged = path.read_text(encoding="utf-8")
    found = sorted(value for value in _never_logged() if _mentions(logged, value))
    assert not found, f"logged during the test run: {found}"


def _never_logged() -> set[str]:
    from governance.catalogue_defaults import STEWARDS  # noqa: PLC0415
    from tests.fixtures import issued  # noqa: PLC0415

    contacts = {
        value for steward in STEWARDS for value in (steward.name, steward.email, steward.phone)
    }
    # Short given names ("Eva") occur inside ordinary words; a name counts from 4 letters.
    names = {name for name in issued.PERSON_NAMES if len(name) >= 4}
    return names | contacts | issued.SECRETS


def _mentions(logged: str, value: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(value)}(?!\w)", logged) is not None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Chromium walks run once, on PostgreSQL (production's database), when it is configured.

    What the pages do with either database is tested on both by the page tests without a
    browser; a second walk per page doubled the browser's share of the suite's time.
    """
    if not os.environ.get("HUB_TEST_DATABASE_URL"):
        return  # no PostgreSQL here: the walks run on SQLite instead
    twice = [
        item
        for item in items
        if item.get_closest_marker("browser") is not None
        and getattr(getattr(item, "callspec", None), "params", {}).get("database_url") == "sqlite"
    ]
    if twice:
        config.hook.pytest_deselected(items=twice)
        items[:] = [item for item in items if item not in twice]


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A migrated database per backend and test session."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('db') / 'hub.db'}"
        upgrade_head(url)
        yield url
        return
    admin_url = os.environ.get("HUB_TEST_DATABASE_URL")
    if not admin_url:
        pytest.skip("HUB_TEST_DATABASE_URL not set: PostgreSQL tests skipped")
    # Unreachable PostgreSQL is a failure here, not a skip: CI sets the URL to test on it.
    name, url = create_postgres_database(admin_url)
    try:
        upgrade_head(url)
        yield url
    finally:
        drop_postgres_database(admin_url, name)


def _tables_children_first() -> list[str]:
    tables = [*RegisterBase.metadata.sorted_tables, *Base.metadata.sorted_tables]
    return [table.name for table in reversed(tables)]


def _filled_tables(connection: Connection, tables: list[str]) -> list[str]:
    """The tables that hold a row, in one statement (names from the models only)."""
    probe = ", ".join(f"EXISTS (SELECT 1 FROM {table})" for table in tables)
    row = connection.execute(text(f"SELECT {probe}")).one()
    return [table for table, filled in zip(tables, row, strict=True) if filled]


@pytest.fixture
def clean_database(database_url: str) -> Iterator[str]:
    """Each test starts from an empty, migrated database (data removed after the test)."""
    yield database_url
    engine = create_sync_engine(database_url)
    try:
        with engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                # TRUNCATE costs a few ms per table named, empty or not; a test fills a few.
                filled = _filled_tables(connection, _tables_children_first())
                if filled:
                    connection.execute(text("TRUNCATE " + ", ".join(filled) + " CASCADE"))
            else:
                # The append-only trigger lets DELETE through only under the purge grant.
                connection.execute(
                    text("INSERT INTO ledger_purge_grant (id, granted_at) VALUES (1, '')")
                )
                for table in _tables_children_first():
                    if table != "ledger_purge_grant":
                        connection.execute(text(f"DELETE FROM {table}"))
                connection.execute(text("DELETE FROM ledger_purge_grant"))
    finally:
        engine.dispose()


@pytest.fixture
def backend(database_url: str) -> str:
    return make_url(database_url).get_backend_name()


@pytest.fixture(scope="session")
def xoev_schema_dir() -> Path:
    """Skips locally without the XÖV folder; fails in CI, where it must be there."""
    found = xoev_dir()
    if found is None:
        message = "no XÖV folder: set HUB_XOEV_SCHEMA_DIR to the official schemas (../shared/xoev)"
        if os.environ.get("CI", "").strip().lower() not in {"", "0", "false", "no"}:
            pytest.fail(message)
        pytest.skip(message)
    return found
