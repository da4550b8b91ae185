"""BMG §13 Abs. 2 S. 4 end to end: exceptions as catalogue attributes of purposes.

A person who moved away in 2015 is archived (five years after the end of 2015); fields beyond
the S. 3 subset go to the register office, unless the purpose carries an exception the
steward approved (Wahlzwecke, StAG procedure, ...) or the person's consent is declared for a
purpose that admits consent.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.fixtures.factories import import_persons, person
from tests.fixtures.ledger import ledger_rows, task_rows
from tests.fixtures.tokens import TokenFactory

URL = "/v1/registers/melderegister/queries"
CATALOGUE = "/v1/catalogue"
OTTO = {"name": "Alt", "given_names": "Otto", "birth_date": "1980-05-17"}
LIT_D = "BMG §13 Abs. 2 S. 4 Nr. 2 lit. d"
NR_1 = "BMG §13 Abs. 2 S. 4 Nr. 1"


@pytest.fixture
def moved_away_long_ago(clean_database: str) -> str:
    import_persons(
        clean_database,
        [
            person(
                "P-7",
                name="Alt",
                given_names=("Otto",),
                marital={"status": "verheiratet", "since": "2005-06-01"},
                moved_away={"date": "2015-03-01", "to_city": "Berlin"},
                addresses=[
                    {
                        "street": "Rheinstraße",
                        "house_number": "12",
                        "postal_code": "64283",
                        "city": "Darmstadt",
                        "kind": "haupt",
                        "moved_in": "2001-04-01",
                        "moved_out": "2015-03-01",
                    }
                ],
            )
        ],
    )
    return clean_database


def query(purpose: str, fields: list[str], **changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": "person",
        "purpose": purpose,
        "case_reference": "AZ-13-2-1",
        "user": {"id": "sachbearbeitung", "roles": []},
        "match": OTTO,
        "fields": fields,
    }
    body.update(changes)
    return body


async def ask(http: httpx.AsyncClient, token: str, body: dict[str, Any]) -> dict[str, Any]:
    response = await http.post(URL, json=body, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


async def test_electoral_roll_query_gets_the_data_of_a_voter_who_moved_away_long_ago(
    http: httpx.AsyncClient, token_for: TokenFactory, moved_away_long_ago: str
) -> None:
    """Lit. d (Wahlzwecke): released per allow-list, no task; the ledger cites the letter."""
    token = await token_for("wahlamt")
    answer = await ask(http, token, query("waehlerverzeichnis", ["name", "nationality"]))
    assert answer["outcome"] == "released"
    assert answer["decision"]["released_fields"] == ["name", "nationality"]
    [record] = answer["records"]
    assert record["fields"]["nationality"] == ["DE"]
    assert task_rows(moved_away_long_ago) == []
    [entry] = ledger_rows(moved_away_long_ago)
    assert LIT_D in entry["legal_basis"]
    assert "archive_exception_wahlzwecke" in entry["reasons"]


async def test_the_same_query_for_housing_benefit_is_still_held(
    http: httpx.AsyncClient, token_for: TokenFactory, moved_away_long_ago: str
) -> None:
    token = await token_for("wohngeldstelle")
    answer = await ask(http, token, query("wohngeld_antrag", ["marital", "name"]))
    assert answer["outcome"] == "neutral"
    [task] = task_rows(moved_away_long_ago)
    assert "archive_rule_13_2" in task["reasons"]
    assert LIT_D not in ledger_rows(moved_away_long_ago)[0]["legal_basis"]


async def test_citizenship_procedure_gets_the_archived_record(
    http: httpx.AsyncClient, token_for: TokenFactory, moved_away_long_ago: str
) -> None:
    """Lit. e (StAG §30) on the new purpose stag_feststellung."""
    token = await token_for("auslaenderbehoerde")
    answer = await ask(http, token, query("stag_feststellung", ["marital", "name", "nationality"]))
    assert answer["outcome"] == "released"
    [entry] = ledger_rows(moved_away_long_ago)
    assert "BMG §13 Abs. 2 S. 4 Nr. 2 lit. e" in entry["legal_basis"]


async def test_catalogue_shows_the_exceptions(
    http: httpx.AsyncClient, token_for: TokenFactory, moved_away_long_ago: str
) -> None:
    token = await token_for("meldebehoerde", scopes=["catalogue:read"])
    response = await http.get(f"{CATALOGUE}/purposes", headers={"Authorization": f"Bearer {token}"})
    purposes = {p["code"]: p for p in response.json()["purposes"]}
    assert purposes["waehlerverzeichnis"]["archive_exceptions"] == ["wahlzwecke"]
    assert purposes["stag_feststellung"]["archive_exceptions"] == ["stag_verfahren"]
    assert purposes["wohngeld_antrag"]["archive_exceptions"] == []


class TestConsent:
    """Nr. 1: the steward admits consent for a purpose; each request declares it."""

    async def admit_consent(self, http: httpx.AsyncClient, token_for: TokenFactory) -> None:
        steward = await token_for("meldebehoerde", scopes=["catalogue:read", "catalogue:write"])
        response = await http.patch(
            f"{CATALOGUE}/purposes/wohngeld_antrag",
            json={"archive_exceptions": ["einwilligung"], "reason": "Antragsteller willigt ein"},
            headers={"Authorization": f"Bearer {steward}", "X-User-Id": "s.steward"},
        )
        assert response.status_code == 200, response.text

    async def test_steward_change_is_in_the_catalogue_history(
        self, http: httpx.AsyncClient, token_for: TokenFactory, moved_away_long_ago: str
    ) -> None:
        await self.admit_consent(http, token_for)
        reader = await token_for("meldebehoerde", scopes=["catalogue:read"])
        response = await http.get(
            f"{CATALOGUE}/history",
            params={"target": "purpose:wohngeld_antrag"},
            headers={"Authorization": f"Bearer {reader}"},
        )
        [change] = response.json()["changes"]
        assert change["action"] == "purpose.update"
        assert change["before"]["archive_exceptions"] == []
        assert change["after"]["archive_exceptions"] == ["einwilligung"]

    async def test_declared_consent_releases_and_is_cited(
        self, http: httpx.AsyncClient, token_for: TokenFactory, moved_away_long_ago: str
    ) -> None:
        await self.admit_consent(http, token_for)
        token = await token_for("wohngeldstelle")
        body = query("wohngeld_antrag", ["marital", "name"], consent_declared=True)
        assert (await ask(http, token, body))["outcome"] == "released"
        [entry] = ledger_rows(moved_away_long_ago)
        assert NR_1 in entry["legal_basis"]
        assert entry["case_reference"] == "AZ-13-2-1"  # where the consent is on file

    async def test_admitted_consent_without_a_declaration_is_held(
        self, http: httpx.AsyncClient, token_for: TokenFactory, moved_away_long_ago: str
    ) -> None:
        await self.admit_consent(http, token_for)
        token = await token_for("wohngeldstelle")
        answer = await ask(http, token, query("wohngeld_antrag", ["marital", "name"]))
        assert answer["outcome"] == "neutral"
        assert len(task_rows(moved_away_long_ago)) == 1

    async def test_a_declaration_without_admitted_consent_is_held(
        self, http: httpx.AsyncClient, token_for: TokenFactory, moved_away_long_ago: str
    ) -> None:
        token = await token_for("wohngeldstelle")
        body = query("wohngeld_antrag", ["marital", "name"], consent_declared=True)
        assert (await ask(http, token, body))["outcome"] == "neutral"
        assert NR_1 not in ledger_rows(moved_away_long_ago)[0]["legal_basis"]

    async def test_an_unknown_exception_code_is_refused(
        self, http: httpx.AsyncClient, token_for: TokenFactory, moved_away_long_ago: str
    ) -> None:
        steward = await token_for("meldebehoerde", scopes=["catalogue:read", "catalogue:write"])
        response = await http.patch(
            f"{CATALOGUE}/purposes/wohngeld_antrag",
            json={"archive_exceptions": ["sicherheitsbehoerden"], "reason": "versuch"},
            headers={"Authorization": f"Bearer {steward}", "X-User-Id": "s.steward"},
        )
        assert response.status_code == 422
