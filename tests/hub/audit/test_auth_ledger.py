"""Token-layer refusals on register and XÖV calls are ledger entries too.

"Every answered /v1/registers/* and /v1/xoev/* call, whatever its outcome, has exactly one
entry": a 401 or 403 from the token layer included; the problem+json answer stays.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from hub.audit.integrity.verify import verify
from tests.fixtures.ledger import ledger_rows
from tests.fixtures.tokens import TokenFactory

QUERY_URL = "/v1/registers/melderegister/queries"
XMELD_URL = "/v1/xoev/xmeld"
XML = {"Content-Type": "application/xml"}


async def _refused(
    http: httpx.AsyncClient, database_url: str, url: str, headers: dict[str, str], status: int
) -> dict[str, Any]:
    """Call ``url``; expect ``status`` as problem+json and exactly one new ledger entry."""
    before = len(ledger_rows(database_url))
    response = await http.post(url, content=b"{}", headers=headers)
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    rows = ledger_rows(database_url)
    assert len(rows) == before + 1
    entry = rows[-1]
    assert entry["request_id"] == response.json()["instance"]
    assert entry["http_status"] == status
    assert entry["hit_person_ids"] == []
    assert entry["released_person_ids"] == []
    assert entry["fields_released"] == []
    return entry


@pytest.mark.parametrize("url", [QUERY_URL, XMELD_URL])
async def test_missing_token_leaves_one_unauthenticated_entry(
    http: httpx.AsyncClient, clean_database: str, url: str
) -> None:
    entry = await _refused(http, clean_database, url, XML, 401)
    assert entry["outcome"] == "unauthenticated"
    assert entry["client_id"] is None
    assert entry["authority"] is None
    assert entry["register"] == "melderegister"
    assert entry["reasons"] == ["token_invalid"]


async def test_forged_token_leaves_one_unauthenticated_entry(
    http: httpx.AsyncClient, clean_database: str
) -> None:
    headers = {"Authorization": "Bearer not.a.token"}
    entry = await _refused(http, clean_database, QUERY_URL, headers, 401)
    assert entry["outcome"] == "unauthenticated"
    assert entry["client_id"] is None


@pytest.mark.parametrize("url", [QUERY_URL, XMELD_URL])
async def test_missing_scope_leaves_one_forbidden_entry(
    http: httpx.AsyncClient, token_for: TokenFactory, clean_database: str, url: str
) -> None:
    token = await token_for("meldebehoerde", scopes=["audit:read"])
    headers = {"Authorization": f"Bearer {token}", **XML}
    entry = await _refused(http, clean_database, url, headers, 403)
    assert entry["outcome"] == "forbidden"
    assert entry["client_id"] is not None
    assert entry["authority"] == "meldebehoerde"
    assert entry["reasons"] == ["scope_missing:register:query"]


async def test_a_register_the_hub_does_not_serve_is_not_stored_as_given(
    http: httpx.AsyncClient, clean_database: str
) -> None:
    url = "/v1/registers/Mueller-Anna-1980-05-17/queries"
    entry = await _refused(http, clean_database, url, {}, 401)
    assert entry["register"] == "unknown"


async def test_other_paths_are_not_ledgered(http: httpx.AsyncClient, clean_database: str) -> None:
    assert (await http.get("/v1/tasks")).status_code == 401
    assert (await http.get("/v1/registers")).status_code == 401
    assert ledger_rows(clean_database) == []


async def test_the_chain_verifies_with_refusals(
    app: FastAPI, http: httpx.AsyncClient, token_for: TokenFactory, clean_database: str
) -> None:
    await _refused(http, clean_database, QUERY_URL, {}, 401)
    token = await token_for("meldebehoerde", scopes=["tasks:read"])
    await _refused(http, clean_database, XMELD_URL, {"Authorization": f"Bearer {token}"}, 403)
    async with app.state.sessionmaker() as session:
        report = await verify(session)
    assert report.ok
    assert report.entries == 2


async def test_no_ledger_no_answer(app: FastAPI, http: httpx.AsyncClient) -> None:
    await app.state.ledger_writer.stop()  # the ledger can no longer be written
    response = await http.post(QUERY_URL, json={})
    assert response.status_code == 503
    assert response.json()["type"].endswith("/audit-unavailable")
