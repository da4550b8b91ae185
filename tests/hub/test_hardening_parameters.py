"""Every path and query parameter is bounded and free of refused characters.

The structural tests fail as soon as a new route takes an unbounded parameter or bypasses
the strict reader; the API tests show the refusals on both databases (NUL on PostgreSQL).
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi.routing import APIRoute, iter_route_contexts

from hub.app import create_app
from hub.config import Settings
from hub.kit.strict_route import StrictRoute
from tests.fixtures.ledger import ledger_rows
from tests.fixtures.tokens import TokenFactory

# The register calls write their own ledger entry for every refusal, so they read their
# input themselves (hub/query/endpoints.py, hub/xoev/endpoints.py) with the same reader;
# GET /v1/registers takes no input at all; a register's pushed changes are JSON Lines, read and
# refused on record by hub/registers/endpoints.py.
LEDGERED = {
    "/v1/registers/{register}/queries",
    "/v1/xoev/xmeld",
    "/v1/registers",
    "/v1/registers/{register}/changes",
}
AUDIT = ["audit:read"]


def _bounded(schema: dict[str, Any]) -> bool:
    kind = schema.get("type")
    if kind == "string":
        return "maxLength" in schema or "enum" in schema or "format" in schema
    if kind == "integer":
        return "maximum" in schema
    return kind in {"boolean", "null"}


def test_every_parameter_is_bounded() -> None:
    spec = create_app(Settings()).openapi()
    unbounded = [
        f"{method.upper()} {path} {parameter['in']} {parameter['name']}"
        for path, operations in spec["paths"].items()
        for method, operation in operations.items()
        for parameter in operation.get("parameters", [])
        for option in parameter["schema"].get("anyOf", [parameter["schema"]])
        if not _bounded(option)
    ]
    assert unbounded == []


def test_every_v1_route_reads_through_the_strict_route() -> None:
    app = create_app(Settings())
    bypassing = [
        route.path
        for context in iter_route_contexts(app.routes)
        if isinstance(route := context.original_route, APIRoute)
        and route.path.startswith("/v1")
        and route.path not in LEDGERED
        and not isinstance(route, StrictRoute)
    ]
    assert bypassing == []


async def test_a_5000_character_person_id_is_422(
    http: httpx.AsyncClient, token_for: TokenFactory, clean_database: str
) -> None:
    token = await token_for("meldebehoerde", scopes=AUDIT)
    response = await http.get(
        "/v1/audit/persons/melderegister/" + "x" * 5000,
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"


@pytest.mark.parametrize(
    ("url", "pointer"),
    [
        ("/v1/audit/entries?user=m.schmidt%00", "/query/user"),
        ("/v1/audit/entries?purpose=%E2%80%AEwohngeld", "/query/purpose"),
        ("/v1/audit/persons/melderegister/P-1%00", "/path/person_id"),
        ("/v1/catalogue/history?actor=s.%07steward", "/query/actor"),
        ("/v1/tasks?status=open&x%00=1", "/query"),
    ],
)
async def test_refused_characters_in_parameters_are_422(
    http: httpx.AsyncClient, token_for: TokenFactory, clean_database: str, url: str, pointer: str
) -> None:
    scopes = ["audit:read", "catalogue:read", "tasks:read"]
    token = await token_for("meldebehoerde", scopes=scopes)
    response = await http.get(url, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["pointer"] == pointer
    assert ledger_rows(clean_database) == []  # refused before the database was asked


async def test_refused_characters_in_x_user_id_are_422(
    http: httpx.AsyncClient, token_for: TokenFactory, clean_database: str
) -> None:
    token = await token_for("meldebehoerde", scopes=AUDIT)
    headers = {b"authorization": f"Bearer {token}".encode(), b"x-user-id": "dpo\u200b".encode()}
    response = await http.get("/v1/audit/entries", headers=headers)
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["pointer"] == "/header/x-user-id"
