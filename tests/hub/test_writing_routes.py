"""Every route that writes reads and writes in transactions begun as writers.

On SQLite a transaction begun as a reader cannot write once another connection committed
since its first read: the write fails at once ("database is locked", a 503), whatever the
busy timeout, and serving workers commit every second. So each POST, PUT, PATCH and DELETE
route takes ``get_writing_session``; the exceptions below write nothing in their session
or only through the ledger, which begins its own transaction as a writer.
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts

from hub.app import create_app
from hub.db import get_session, get_writing_session
from tests.fixtures.catalogue_api import steward_token, write
from tests.fixtures.factories import settings_for
from tests.fixtures.sqlite_interloper import interloper_before_first_write
from tests.fixtures.tokens import TokenFactory

WRITES = {"POST", "PUT", "PATCH", "DELETE"}
# Routes whose session only reads or whose one write is the ledger's (begun as a writer).
READING_WRITES = {
    ("POST", "/oauth/token"),  # reads the client; the replay cache lives in memory
    ("POST", "/v1/registers/{register}/queries"),  # the ledger entry opens its own transaction
    ("POST", "/v1/xoev/xmeld"),  # the same query flow, in XMeld
}


def _session_calls(dependant: Dependant) -> Iterator[object]:
    for dependency in dependant.dependencies:
        if dependency.call in (get_session, get_writing_session):
            yield dependency.call


def _routes() -> Iterator[tuple[str, APIRoute]]:
    app = create_app(settings_for("sqlite:///:memory:"))
    for context in iter_route_contexts(app.routes):
        if isinstance(route := context.original_route, APIRoute):
            for method in sorted((route.methods or set()) & WRITES):
                yield method, route


def test_every_writing_route_begins_its_transactions_as_a_writer() -> None:
    plain = [
        (method, route.path)
        for method, route in _routes()
        if (method, route.path) not in READING_WRITES
        and get_session in _session_calls(route.dependant)
    ]
    assert plain == []


def test_the_exceptions_are_routes_of_the_app() -> None:
    known = {(method, route.path) for method, route in _routes()}
    assert known >= READING_WRITES


async def test_a_stewards_change_beside_another_writer_is_not_refused(
    http: httpx.AsyncClient, token_for: TokenFactory, clean_database: str, backend: str
) -> None:
    """Another connection commits between the change's reads and its first write."""
    if backend != "sqlite":
        pytest.skip("PostgreSQL has no reader-to-writer upgrade to fail")
    token = await steward_token(token_for)
    body = {"name": "Eva Fiktiv", "email": "eva@example.org", "reason": "neu im Amt"}
    with interloper_before_first_write(clean_database, table="catalogue_stewards") as interloper:
        response = await write(http, token, "POST", "/v1/catalogue/stewards", body)
    assert response.status_code == 201, response.text
    assert interloper.tried
    assert interloper.refused
