"""Burial duty end to end: Melderegister data about the deceased and relatives.

SGB XII §74 (the Sozialamt bears the burial costs only if the persons obliged cannot) and the
Hessian FBG (relatives obliged to bury; the Ordnungsamt arranges the burial if nobody does)
need the deceased's death data, marriage and spouse, and the relatives' addresses. The
Personenstandsregister stays an Ersuchen (PStG §65).
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.fixtures.factories import import_persons, person
from tests.fixtures.ledger import ledger_rows
from tests.fixtures.tokens import TokenFactory

URL = "/v1/registers/melderegister/queries"
DECEASED = {"name": "Berger", "given_names": "Karl", "birth_date": "1940-03-03"}
WIDOW = {"name": "Berger", "given_names": "Helga", "birth_date": "1942-07-07"}
FIELDS = ["addresses", "death", "marital", "name", "spouse"]


@pytest.fixture
def family(clean_database: str) -> str:
    import_persons(
        clean_database,
        [
            person(
                "P-20",
                name="Berger",
                given_names=("Karl",),
                birth_date="1940-03-03",
                sex="m",
                marital={"status": "verheiratet", "since": "1965-05-05"},
                spouse_id="P-21",
                death={"date": "2026-11-01", "place": "Darmstadt", "country": "DE"},
            ),
            person(
                "P-21",
                name="Berger",
                given_names=("Helga",),
                birth_date="1942-07-07",
                marital={"status": "verheiratet", "since": "1965-05-05"},
                spouse_id="P-20",
                street="Kasinostraße",
                house_number="5",
                postal_code="64293",
            ),
        ],
    )
    return clean_database


def burial(match: dict[str, str], fields: list[str]) -> dict[str, Any]:
    return {
        "kind": "person",
        "purpose": "erbenermittlung_bestattung",
        "case_reference": "BEST-2026-0011",
        "user": {"id": "sachbearbeitung", "roles": []},
        "match": match,
        "fields": fields,
    }


async def ask(http: httpx.AsyncClient, token: str, body: dict[str, Any]) -> httpx.Response:
    return await http.post(URL, json=body, headers={"Authorization": f"Bearer {token}"})


@pytest.mark.parametrize(
    ("authority", "norm"), [("sozialamt", "SGB XII §74"), ("ordnungsamt", "FBG Hessen")]
)
async def test_burial_office_gets_the_deceased_and_the_spouse(
    authority: str, norm: str, http: httpx.AsyncClient, token_for: TokenFactory, family: str
) -> None:
    token = await token_for(authority)
    response = await ask(http, token, burial(DECEASED, [*FIELDS, "religion"]))
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["outcome"] == "released"
    assert answer["decision"]["released_fields"] == FIELDS
    assert answer["decision"]["withheld_fields"] == ["religion"]
    [record] = answer["records"]
    assert record["fields"]["death"]["date"] == "2026-11-01"
    assert record["fields"]["spouse"]["given_names"] == ["Helga"]
    [entry] = ledger_rows(family)
    assert norm in entry["legal_basis"]
    assert entry["purpose"] == "erbenermittlung_bestattung"


async def test_the_relative_is_found_at_her_address(
    http: httpx.AsyncClient, token_for: TokenFactory, family: str
) -> None:
    token = await token_for("sozialamt")
    answer = (await ask(http, token, burial(WIDOW, ["addresses", "name"]))).json()
    assert answer["outcome"] == "released"
    [address] = answer["records"][0]["fields"]["addresses"]
    assert address["street"] == "Kasinostraße"


async def test_an_office_without_the_burial_duty_is_denied(
    http: httpx.AsyncClient, token_for: TokenFactory, family: str
) -> None:
    token = await token_for("jugendamt")
    response = await ask(http, token, burial(DECEASED, ["name"]))
    assert response.status_code == 403
    assert "purpose_not_allowed" in response.json()["reasons"]


async def test_gewerbeamt_serves_a_gewerbeuntersagung_at_home(
    http: httpx.AsyncClient, token_for: TokenFactory, family: str
) -> None:
    token = await token_for("gewerbeamt")
    body = {**burial(WIDOW, ["addresses", "marital", "name"]), "purpose": "gewerbeuntersagung_35"}
    answer = (await ask(http, token, body)).json()
    assert answer["outcome"] == "released"
    assert answer["decision"]["released_fields"] == ["addresses", "name"]
    assert answer["decision"]["withheld_fields"] == ["marital"]
