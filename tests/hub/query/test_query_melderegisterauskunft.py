"""BMG §52 Abs. 2 end to end: a bedingter Sperrvermerk on a Melderegisterauskunft.

The register office answers einfache Melderegisterauskünfte (§44) through the purpose
``melderegisterauskunft``. A person living in a Pflegeheim (§52 Abs. 1 Nr. 1) must be heard
before an Auskunft: neutral answer and a task whose checklist names the hearing. If the
register knows a current address without the Sperrvermerk (S. 3), that address alone is
given. Public bodies keep today's rule: release with the flag and the §41 S. 2 notice.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.fixtures.factories import import_persons, person
from tests.fixtures.ledger import ledger_rows, task_rows
from tests.fixtures.tokens import TokenFactory

URL = "/v1/registers/melderegister/queries"
FLAGGED = {"auskunftssperre": None, "bedingter_sperrvermerk": True}
HEIM = {
    "street": "Heidelberger Straße",
    "house_number": "30",
    "postal_code": "64285",
    "city": "Darmstadt",
    "kind": "haupt",
    "moved_in": "2022-01-01",
    "moved_out": None,
}
WOHNUNG = {
    "street": "Kasinostraße",
    "house_number": "5",
    "postal_code": "64293",
    "city": "Darmstadt",
    "kind": "neben",
    "moved_in": "2010-01-01",
    "moved_out": None,
}
LENA = {"name": "Schäfer", "given_names": "Lena", "birth_date": "1990-01-01"}
PAUL = {"name": "Sommer", "given_names": "Paul", "birth_date": "1950-02-02"}
ANNA = {"name": "Müller", "given_names": "Anna", "birth_date": "1980-05-17"}


@pytest.fixture
def residents(clean_database: str) -> str:
    import_persons(
        clean_database,
        [
            person("P-1"),
            # In a care home only; the register has no address without the Sperrvermerk.
            person(
                "P-4",
                name="Schäfer",
                given_names=("Lena",),
                birth_date="1990-01-01",
                blocks=FLAGGED,
                addresses=[HEIM],
            ),
            # In a care home (flagged) with a flat the register marks as free of it.
            person(
                "P-5",
                name="Sommer",
                given_names=("Paul",),
                birth_date="1950-02-02",
                blocks=FLAGGED,
                addresses=[
                    {**HEIM, "bedingter_sperrvermerk": True},
                    {**WOHNUNG, "bedingter_sperrvermerk": False},
                ],
            ),
        ],
    )
    return clean_database


def auskunft(match: dict[str, str], fields: list[str] | None = None) -> dict[str, Any]:
    return {
        "kind": "person",
        "purpose": "melderegisterauskunft",
        "case_reference": "MA-2026-0007",
        "user": {"id": "buergeramt.1", "roles": []},
        "match": match,
        "fields": fields or ["addresses", "given_names", "name"],
    }


async def ask(http: httpx.AsyncClient, token: str, body: dict[str, Any]) -> dict[str, Any]:
    response = await http.post(URL, json=body, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


async def test_flagged_person_gets_a_hearing_not_an_answer(
    http: httpx.AsyncClient, token_for: TokenFactory, residents: str
) -> None:
    token = await token_for("meldebehoerde")
    answer = await ask(http, token, auskunft(LENA))
    assert answer == {"outcome": "neutral", "request_id": answer["request_id"], "records": []}
    [task] = task_rows(residents)
    assert task["person_id"] == "P-4"
    assert "bedingter_sperrvermerk_anhoerung" in task["reasons"]
    [entry] = ledger_rows(residents)
    assert entry["outcome"] == "neutral"
    assert "BMG §52 Abs. 2" in entry["legal_basis"]
    office = await token_for("meldebehoerde", scopes=["tasks:read"])
    listed = await http.get("/v1/tasks", headers={"Authorization": f"Bearer {office}"})
    [shown] = listed.json()["tasks"]
    assert any(
        step.startswith("Anhörung") and "§ 52 Abs. 2 S. 2" in step for step in shown["checklist"]
    )


async def test_a_known_unflagged_current_address_is_given_alone(
    http: httpx.AsyncClient, token_for: TokenFactory, residents: str
) -> None:
    token = await token_for("meldebehoerde")
    answer = await ask(http, token, auskunft(PAUL))
    assert answer["outcome"] == "released"
    [record] = answer["records"]
    [address] = record["fields"]["addresses"]
    assert (address["street"], address["current"]) == ("Kasinostraße", True)
    assert "bedingter_sperrvermerk" not in address  # the per-address mark never leaves
    assert record["notice"]
    assert task_rows(residents) == []
    [entry] = ledger_rows(residents)
    assert "BMG §52 Abs. 2 S. 3" in entry["legal_basis"]


async def test_without_the_address_asked_s3_gives_nothing_and_the_hearing_is_due(
    http: httpx.AsyncClient, token_for: TokenFactory, residents: str
) -> None:
    token = await token_for("meldebehoerde")
    answer = await ask(http, token, auskunft(PAUL, ["given_names", "name"]))
    assert answer["outcome"] == "neutral"
    [task] = task_rows(residents)
    assert "bedingter_sperrvermerk_anhoerung" in task["reasons"]


async def test_unflagged_person_gets_the_einfache_auskunft(
    http: httpx.AsyncClient, token_for: TokenFactory, residents: str
) -> None:
    token = await token_for("meldebehoerde")
    answer = await ask(http, token, auskunft(ANNA))
    assert answer["outcome"] == "released"
    assert task_rows(residents) == []


@pytest.mark.parametrize(("authority", "purpose"), [("jobcenter", "sgb2_leistung")])
async def test_public_bodies_keep_the_release_with_the_notice(
    authority: str, purpose: str, http: httpx.AsyncClient, token_for: TokenFactory, residents: str
) -> None:
    token = await token_for(authority)
    body = {**auskunft(LENA, ["addresses", "blocks", "name"]), "purpose": purpose}
    answer = await ask(http, token, body)
    assert answer["outcome"] == "released"
    [record] = answer["records"]
    assert record["notice"].startswith("Bedingter Sperrvermerk")
    assert record["fields"]["blocks"]["bedingter_sperrvermerk"] is True
    [address] = record["fields"]["addresses"]
    assert address["street"] == "Heidelberger Straße"
    assert task_rows(residents) == []
