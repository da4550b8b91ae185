"""Allowance transformations in the catalogue: shown, approved like fields, checked, recorded.

A steward writes ``transforms`` with the allowance (catalogue API); a name outside the
fixed vocabulary, or on a field it does not fit, is refused (422); the policy refuses a
statistics allowance that would release a full birth date; an accepted change is in the
history and reaches the next decision (the snapshot refreshes only hourly here).
"""

from __future__ import annotations

from typing import Any

import httpx

from tests.fixtures.catalogue_api import READ, bearer, steward_token, write
from tests.fixtures.factories import import_persons, person
from tests.fixtures.tokens import TokenFactory

BASE = "/v1/catalogue"
STATISTICS = f"{BASE}/purposes/kommunalstatistik/allowances/statistikstelle/melderegister"
WOHNGELD = f"{BASE}/purposes/wohngeld_antrag/allowances/wohngeldstelle/melderegister"


async def _allowance(
    http: httpx.AsyncClient, token: str, purpose: str, authority: str
) -> dict[str, Any]:
    purposes = (await http.get(f"{BASE}/purposes", headers=bearer(token))).json()["purposes"]
    entry = next(p for p in purposes if p["code"] == purpose)
    return dict(next(a for a in entry["allowances"] if a["authority"] == authority))


async def test_the_statistics_allowance_shows_its_transformations(
    http: httpx.AsyncClient, token_for: TokenFactory
) -> None:
    reader = await token_for("meldebehoerde", scopes=READ)
    allowance = await _allowance(http, reader, "kommunalstatistik", "statistikstelle")
    assert allowance["transforms"] == {
        "addresses": "district",
        "birth": "year_month",
        "death": "year_month",
    }


async def test_a_transformation_outside_the_vocabulary_is_refused(
    http: httpx.AsyncClient, token_for: TokenFactory
) -> None:
    steward = await steward_token(token_for)
    body = {"transforms": {"birth": "blur", "name": "year"}, "reason": "Test der Prüfung"}
    response = await write(http, steward, "PATCH", WOHNGELD, body)
    assert response.status_code == 422, response.text
    pointers = sorted(error["pointer"] for error in response.json()["errors"])
    assert pointers == ["/transforms/birth", "/transforms/name"]


async def test_the_policy_refuses_a_full_birth_date_for_statistics(
    http: httpx.AsyncClient, token_for: TokenFactory
) -> None:
    steward = await steward_token(token_for)
    body = {"transforms": {"addresses": "district"}, "reason": "Geburtsdatum voll"}
    response = await write(http, steward, "PATCH", STATISTICS, body)
    assert response.status_code == 422, response.text
    problem = response.json()
    assert "birth" in problem["withheld_fields"]
    assert "coarser_value_required" in problem["reasons"]
    reader = await token_for("meldebehoerde", scopes=READ)
    unchanged = await _allowance(http, reader, "kommunalstatistik", "statistikstelle")
    assert unchanged["transforms"]["birth"] == "year_month"


async def test_an_accepted_transformation_is_recorded_and_reaches_the_next_answer(
    http: httpx.AsyncClient, token_for: TokenFactory, clean_database: str
) -> None:
    import_persons(clean_database, [person("P-1")])
    steward = await steward_token(token_for)
    body = {"transforms": {"birth": "year"}, "reason": "Wohngeld braucht nur das Geburtsjahr"}
    response = await write(http, steward, "PATCH", WOHNGELD, body)
    assert response.status_code == 200, response.text

    history = await http.get(
        f"{BASE}/history",
        params={"target": "allowance:wohngeld_antrag/wohngeldstelle/melderegister"},
        headers=bearer(steward),
    )
    [change] = history.json()["changes"]
    assert change["action"] == "allowance.update"
    assert change["before"]["transforms"] == {}
    assert change["after"]["transforms"] == {"birth": "year"}

    office = await token_for("wohngeldstelle")
    query = {
        "kind": "person",
        "purpose": "wohngeld_antrag",
        "case_reference": "WG-2026-0042",
        "user": {"id": "m.schmidt", "roles": []},
        "match": {"name": "Müller", "given_names": "Anna", "birth_date": "1980-05-17"},
        "fields": ["birth", "name"],
    }
    answer = (
        await http.post("/v1/registers/melderegister/queries", json=query, headers=bearer(office))
    ).json()
    assert answer["decision"]["transformed_fields"] == {"birth": "year"}
    assert answer["records"][0]["fields"]["birth"] == {"date_year": "1980"}
    registers = (await http.get("/v1/registers", headers=bearer(office))).json()
    melde = next(r for r in registers["registers"] if r["id"] == "melderegister")
    wohngeld = next(p for p in melde["purposes"] if p["code"] == "wohngeld_antrag")
    assert wohngeld["transforms"] == {"birth": "year"}


async def test_removing_a_field_keeps_no_orphan_transformation(
    http: httpx.AsyncClient, token_for: TokenFactory
) -> None:
    steward = await steward_token(token_for)
    reader = await token_for("meldebehoerde", scopes=READ)
    fields = (await _allowance(http, reader, "kommunalstatistik", "statistikstelle"))["fields"]
    body = {"fields": [f for f in fields if f != "death"], "reason": "Sterbedaten entbehrlich"}
    response = await write(http, steward, "PATCH", STATISTICS, body)
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["pointer"] == "/transforms/death"
