"""The register office's task list: neutral holds to settle, closings recorded."""

from __future__ import annotations

import httpx
import pytest

from hub.tasks.schemas import NOTE_MAX_LENGTH
from tests.fixtures.factories import blocked, import_persons, person
from tests.fixtures.ledger import task_rows
from tests.fixtures.melderegister_queries import URL, query
from tests.fixtures.tokens import TokenFactory


@pytest.fixture
async def held(http: httpx.AsyncClient, token_for: TokenFactory, clean_database: str) -> str:
    """One neutral hold: the Wohngeldstelle asked about a blocked person."""
    import_persons(clean_database, [person("P-9", blocks=blocked())])
    token = await token_for("wohngeldstelle")
    response = await http.post(URL, json=query(), headers={"Authorization": f"Bearer {token}"})
    assert response.json()["outcome"] == "neutral"
    [task] = task_rows(clean_database)
    return str(task["task_id"])


def _auth(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_office_sees_what_it_needs_to_act(
    http: httpx.AsyncClient, token_for: TokenFactory, held: str
) -> None:
    office = await token_for("meldebehoerde", scopes=["tasks:read"])
    [task] = (await http.get("/v1/tasks", headers=_auth(office))).json()["tasks"]
    assert task["task_id"] == held
    assert task["person_id"] == "P-9"
    assert task["authority"] == "wohngeldstelle"
    assert task["purpose"] == "wohngeld_antrag"
    assert task["case_reference"] == "WG-2026-0042"
    assert task["user_id"] == "m.schmidt"
    assert task["query_kind"] == "person"
    assert task["fields_requested"] == ["name", "given_names", "birth", "addresses"]
    assert "auskunftssperre" in task["reasons"]
    # Whom the office hears or notifies (BMG §34 Abs. 5): own members, not reason strings.
    assert (task["sperre_basis"], task["sperre_initiator"]) == ("antrag", "meldebehoerde")
    assert not [reason for reason in task["reasons"] if reason.startswith("sperre_")]


async def test_closing_is_recorded(
    http: httpx.AsyncClient, token_for: TokenFactory, held: str, clean_database: str
) -> None:
    office = await token_for("meldebehoerde", scopes=["tasks:read"])
    response = await http.post(
        f"/v1/tasks/{held}/close",
        headers=_auth(office),
        json={"resolution": "refused", "official": "s.becker", "note": "Sperre bestätigt"},
    )
    assert response.status_code == 200, response.text
    closed = response.json()
    assert closed["status"] == "closed"
    assert closed["closed_by"].endswith("/s.becker")
    assert closed["resolution"] == "refused: Sperre bestätigt"
    [row] = task_rows(clean_database)
    assert row["status"] == "closed" and row["closed_at"] is not None
    assert (await http.get("/v1/tasks", headers=_auth(office))).json()["tasks"] == []
    closed_list = (await http.get("/v1/tasks?status=closed", headers=_auth(office))).json()["tasks"]
    assert [t["task_id"] for t in closed_list] == [held]
    again = await http.post(
        f"/v1/tasks/{held}/close",
        headers=_auth(office),
        json={"resolution": "refused", "official": "s.becker"},
    )
    assert again.status_code == 409


async def test_other_offices_neither_see_nor_close(
    http: httpx.AsyncClient, token_for: TokenFactory, held: str
) -> None:
    other = await token_for("wohngeldstelle", scopes=["tasks:read"])
    assert (await http.get("/v1/tasks", headers=_auth(other))).json()["tasks"] == []
    response = await http.post(
        f"/v1/tasks/{held}/close",
        headers=_auth(other),
        json={"resolution": "no_action_needed", "official": "x"},
    )
    assert response.status_code == 404


async def test_tasks_need_the_scope(
    http: httpx.AsyncClient, token_for: TokenFactory, held: str
) -> None:
    token = await token_for("meldebehoerde")
    assert (await http.get("/v1/tasks", headers=_auth(token))).status_code == 403


async def test_bad_closing_is_422_and_changes_nothing(
    http: httpx.AsyncClient, token_for: TokenFactory, held: str, clean_database: str
) -> None:
    office = await token_for("meldebehoerde", scopes=["tasks:read"])
    response = await http.post(
        f"/v1/tasks/{held}/close", headers=_auth(office), json={"resolution": "vanish"}
    )
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    assert task_rows(clean_database)[0]["status"] == "open"


async def test_the_longest_note_fits_and_a_longer_one_is_422(
    http: httpx.AsyncClient, token_for: TokenFactory, held: str, clean_database: str
) -> None:
    office = await token_for("meldebehoerde", scopes=["tasks:read"])
    too_long = {
        "resolution": "no_action_needed",
        "official": "a.b",
        "note": "x" * (NOTE_MAX_LENGTH + 1),
    }
    refused = await http.post(f"/v1/tasks/{held}/close", headers=_auth(office), json=too_long)
    assert refused.status_code == 422
    assert task_rows(clean_database)[0]["status"] == "open"
    longest = dict(too_long, note="x" * NOTE_MAX_LENGTH)
    closed = await http.post(f"/v1/tasks/{held}/close", headers=_auth(office), json=longest)
    assert closed.status_code == 200, closed.text
    assert task_rows(clean_database)[0]["status"] == "closed"
