"""Catalogue writes that answered 500: each is now a named 4xx problem.

NUL is the interesting case on PostgreSQL (text columns cannot hold it); null for a
NOT NULL column and ids past 2^63 broke on both databases.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import select

from governance.models import Steward
from tests.fixtures.catalogue_api import bearer, steward_token, write
from tests.fixtures.ledger import table_rows
from tests.fixtures.tokens import TokenFactory

BASE = "/v1/catalogue"
PROBLEM = "application/problem+json"
HUGE_ID = str(2**63)


async def new_steward(http: httpx.AsyncClient, token: str) -> int:
    body = {"name": "Eva Fiktiv", "email": "eva@example.org", "reason": "neu im Amt"}
    response = await write(http, token, "POST", f"{BASE}/stewards", body)
    assert response.status_code == 201, response.text
    return int(response.json()["after"]["id"])


NULL_PATCHES = {
    "steward email": ("stewards", {"email": None}, "/email"),
    "steward name": ("stewards", {"name": None}, "/name"),
    "steward active": ("stewards", {"active": None}, "/active"),
    "legal basis url": ("legal-bases", {"url": None}, "/url"),
    "legal basis title": ("legal-bases", {"title": None}, "/title"),
}


@pytest.mark.parametrize("case", NULL_PATCHES, ids=list(NULL_PATCHES))
async def test_null_for_a_kept_value_is_422_naming_it(
    http: httpx.AsyncClient, token_for: TokenFactory, clean_database: str, case: str
) -> None:
    token = await steward_token(token_for)
    kind, body, pointer = NULL_PATCHES[case]
    target = await new_steward(http, token) if kind == "stewards" else "BMG §34 Abs. 1 S. 1"
    url = f"{BASE}/{kind}/{target}"
    response = await write(http, token, "PATCH", url, {**body, "reason": "korrigiert"})
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM
    assert pointer in response.json()["detail"]


async def test_null_where_the_catalogue_keeps_none_is_accepted(
    http: httpx.AsyncClient, token_for: TokenFactory
) -> None:
    token = await steward_token(token_for)
    steward = await new_steward(http, token)
    body = {"username": None, "reason": "kein Login mehr"}
    response = await write(http, token, "PATCH", f"{BASE}/stewards/{steward}", body)
    assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("PATCH", f"/stewards/{HUGE_ID}", {"phone": "+49 1", "reason": "neu"}),
        (
            "PUT",
            f"/datasets/melderegister/person/stewards/{HUGE_ID}",
            {"responsibility": "deputy", "reason": "neu"},
        ),
        ("POST", f"/duties/{HUGE_ID}/done", {"note": "erledigt"}),
    ],
    ids=["steward", "dataset steward", "duty"],
)
async def test_ids_past_64_bits_are_422(
    http: httpx.AsyncClient, token_for: TokenFactory, method: str, path: str, body: Any
) -> None:
    token = await steward_token(token_for)
    response = await write(http, token, method, BASE + path, body)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM


async def test_nul_in_a_steward_name_is_refused_and_nothing_stored(
    http: httpx.AsyncClient, token_for: TokenFactory, clean_database: str
) -> None:
    token = await steward_token(token_for)
    body = {"name": "Eva\u0000Fiktiv", "email": "eva@example.org", "reason": "neu im Amt"}
    response = await write(http, token, "POST", f"{BASE}/stewards", body)
    assert response.status_code == 422, response.text
    assert response.json()["errors"] == [
        {"pointer": "/name", "detail": "U+0000 (control character) is not accepted"}
    ]
    names = [row["name"] for row in table_rows(clean_database, select(Steward).subquery())]
    assert not any(name.startswith("Eva") for name in names)


async def test_strict_reader_guards_the_catalogue_too(
    http: httpx.AsyncClient, token_for: TokenFactory
) -> None:
    token = await steward_token(token_for)
    url = f"{BASE}/datasets/melderegister/person"
    duplicate = b'{"title": "A", "title": "B", "reason": "doppelt"}'
    cases = [
        (duplicate, "application/json", 400),
        (b'{"open_data": 1, "reason": "offen"}', "application/json", 422),
        ('{"title": "A", "reason": "utf16"}'.encode("utf-16"), "application/json", 415),
        (b'{"title": "A", "reason": "text"}', "text/plain", 415),
        (b'{"title": "A", "reason": "' + b"x" * 70_000 + b'"}', "application/json", 413),
    ]
    for content, content_type, status in cases:
        headers = bearer(token, **{"Content-Type": content_type})
        response = await http.patch(url, content=content, headers=headers)
        assert response.status_code == status, (content[:40], response.text)
        assert response.headers["content-type"] == PROBLEM
        assert response.headers["x-request-id"] == response.json()["instance"]
