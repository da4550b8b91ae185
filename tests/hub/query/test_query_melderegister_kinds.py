"""Freie Suche, Datenbestätigung, §34a Abs. 6 and the §38 Abs. 5 waiver, end to end."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from tests.fixtures.factories import blocked, import_persons, person
from tests.fixtures.ledger import ledger_rows, task_rows
from tests.fixtures.tokens import TokenFactory

URL = "/v1/registers/melderegister/queries"
PROBLEM = "application/problem+json"
ANNA = {"name": "Müller", "given_names": "Anna", "birth_date": "1980-05-17"}
ERIKA = {"name": "Groß", "given_names": "Erika", "birth_date": "1964-08-12"}
NOBODY = {"name": "Niemand", "given_names": "Nora", "birth_date": "1964-08-12"}
RHEIN_12 = {"street": "Rheinstraße", "house_number": "12"}
SECURITY_SPERRE = blocked(basis="amts_wegen", initiator="verfassungsschutz")


def query(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": "person",
        "purpose": "wohngeld_antrag",
        "case_reference": "WG-2026-0042",
        "user": {"id": "m.schmidt", "roles": []},
        "match": ANNA,
        "fields": ["name", "given_names", "birth", "addresses"],
    }
    body.update(changes)
    return body


def free_query(match: dict[str, str], **changes: Any) -> dict[str, Any]:
    body = query(
        kind="free",
        purpose="gefahrenabwehr_evakuierung",
        case_reference="KAT-2026-7",
        match=match,
        fields=["name", "given_names", "birth", "addresses"],
    )
    body.update(changes)
    return body


def police_query(match: dict[str, str], *, roles: list[str], **changes: Any) -> dict[str, Any]:
    body = query(
        purpose="gefahrenabwehr",
        case_reference="POL-2026-99",
        user={"id": "k.weber", "roles": roles},
        match=match,
        fields=["name", "addresses"],
    )
    body.update(changes)
    return body


def confirm_query(match: dict[str, str], **changes: Any) -> dict[str, Any]:
    body = query(kind="confirm", match={**RHEIN_12, **match}, fields=[])
    body.update(changes)
    return body


async def ask(http: httpx.AsyncClient, token: str, body: Any) -> httpx.Response:
    return await http.post(URL, json=body, headers={"Authorization": f"Bearer {token}"})


@pytest.fixture
def residents(clean_database: str) -> str:
    import_persons(
        clean_database,
        [
            person(
                "P-1",
                addresses=[
                    {
                        "street": "Rheinstraße",
                        "house_number": "12",
                        "postal_code": "64283",
                        "city": "Darmstadt",
                        "kind": "haupt",
                        "moved_in": "2015-04-01",
                        "moved_out": None,
                    },
                    {
                        "street": "Kasinostraße",
                        "house_number": "3",
                        "postal_code": "64293",
                        "city": "Darmstadt",
                        "kind": "neben",
                        "moved_in": "2019-01-01",
                        "moved_out": None,
                    },
                    {
                        "street": "Heinrichstraße",
                        "house_number": "9",
                        "postal_code": "64283",
                        "city": "Darmstadt",
                        "kind": "haupt",
                        "moved_in": "2005-01-01",
                        "moved_out": "2015-03-31",
                    },
                ],
            ),
            person(
                "P-3",
                name="Groß",
                given_names=("Erika",),
                birth_date="1964-08-12",
                blocks=blocked(),
            ),
            person(
                "P-7",
                name="Weber",
                given_names=("Jan",),
                birth_date="1971-11-30",
                sex="m",
                blocks=SECURITY_SPERRE,
            ),
            person(
                "P-8",
                name="Yilmaz",
                given_names=("Deniz",),
                birth_date="1988-07-04",
                street="Luisenstraße",
                house_number="5",
            ),
        ],
    )
    return clean_database


def without_request_id(response: httpx.Response) -> bytes:
    body = response.json()
    return response.content.replace(body["request_id"].encode(), b"<id>")


class TestFreeSearch:
    async def test_released_34a_3_set_blocked_resident_omitted_without_task(
        self, http: httpx.AsyncClient, token_for: TokenFactory, residents: str
    ) -> None:
        token = await token_for("landratsamt")
        response = await ask(http, token, free_query(RHEIN_12))
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["outcome"] == "released"
        [record] = body["records"]  # P-1; P-3 and P-7 (Auskunftssperre) are left out
        assert record["fields"]["name"] == "Müller"
        # Only the current Haupt-/alleinige Wohnung, without its dates (§34a Abs. 3 S. 1).
        assert record["fields"]["addresses"] == [
            {
                "street": "Rheinstraße",
                "house_number": "12",
                "postal_code": "64283",
                "city": "Darmstadt",
                "kind": "haupt",
                "country": "DE",
            }
        ]
        assert "auskunftssperre_omitted" not in body["decision"]["reasons"]
        assert task_rows(residents) == []
        [entry] = ledger_rows(residents)
        assert entry["kind"] == "free"
        assert sorted(entry["hit_person_ids"]) == ["P-1", "P-3", "P-7"]
        assert entry["released_person_ids"] == ["P-1"]
        assert "auskunftssperre_omitted" in entry["reasons"]
        assert "Rheinstraße" not in json.dumps(entry, default=str)

    async def test_answer_grounds_do_not_depend_on_the_omitted_person(
        self, http: httpx.AsyncClient, token_for: TokenFactory, residents: str
    ) -> None:
        token = await token_for("landratsamt")
        with_blocked = await ask(http, token, free_query(RHEIN_12))
        without = await ask(http, token, free_query({"street": "Luisenstraße"}))
        first, second = with_blocked.json()["decision"], without.json()["decision"]
        assert first["legal_basis"] == second["legal_basis"]
        assert first["reasons"] == second["reasons"]
        assert len(ledger_rows(residents)) == 2

    async def test_only_blocked_residents_give_the_neutral_answer(
        self, http: httpx.AsyncClient, token_for: TokenFactory, residents: str
    ) -> None:
        token = await token_for("landratsamt")
        response = await ask(http, token, free_query({"birth_date": "1964-08-12"}))
        assert response.json() == {
            "outcome": "neutral",
            "request_id": response.json()["request_id"],
            "records": [],
        }
        assert task_rows(residents) == []
        assert ledger_rows(residents)[0]["outcome"] == "neutral"

    async def test_legal_maximum_withholds_beyond_34a_3(
        self, http: httpx.AsyncClient, token_for: TokenFactory, residents: str
    ) -> None:
        token = await token_for("ordnungsamt")
        response = await ask(
            http, token, free_query(RHEIN_12, fields=["name", "move_dates", "marital"])
        )
        decision = response.json()["decision"]
        assert decision["released_fields"] == ["name"]
        assert decision["withheld_fields"] == ["marital", "move_dates"]

    async def test_police_free_search_gets_the_einzugsdatum_only(
        self, http: httpx.AsyncClient, token_for: TokenFactory, residents: str
    ) -> None:
        token = await token_for("polizei")
        body = free_query(
            RHEIN_12, purpose="gefahrenabwehr", fields=["name", "move_dates", "id_docs"]
        )
        response = await ask(http, token, body)
        assert response.status_code == 200, response.text
        [record] = response.json()["records"]
        assert record["fields"]["move_dates"] == {"moved_in": "2015-04-01"}
        assert record["fields"]["id_docs"] == []

    @pytest.mark.parametrize(
        ("criterion", "reason"),
        [
            ("auskunftssperre", "selection_criterion_excluded"),
            ("spouse_name", "selection_criterion_excluded"),
            ("last_moved_away", "selection_criterion_excluded"),
            ("religion", "selection_criterion_not_admitted"),
            ("weapons", "selection_criterion_not_admitted"),
        ],
    )
    async def test_forbidden_selection_criteria_are_denied(
        self,
        http: httpx.AsyncClient,
        token_for: TokenFactory,
        residents: str,
        criterion: str,
        reason: str,
    ) -> None:
        token = await token_for("landratsamt")
        response = await ask(http, token, free_query({**RHEIN_12, criterion: "x"}))
        assert response.status_code == 403
        assert response.headers["content-type"] == PROBLEM
        assert reason in response.json()["reasons"]
        [entry] = ledger_rows(residents)
        assert entry["outcome"] == "denied"
        assert entry["hit_person_ids"] == []  # denied before the register was searched

    async def test_wildcards_are_refused(
        self, http: httpx.AsyncClient, token_for: TokenFactory, residents: str
    ) -> None:
        token = await token_for("landratsamt")
        response = await ask(http, token, free_query({"street": "Rhein%"}))
        assert response.status_code == 422
        assert response.json()["errors"][0]["pointer"] == "/match/street"
        assert ledger_rows(residents)[0]["outcome"] == "invalid"

    async def test_more_than_1000_matches_is_422(
        self, http: httpx.AsyncClient, token_for: TokenFactory, clean_database: str
    ) -> None:
        import_persons(
            clean_database,
            [
                person(f"Q-{number:04d}", street="Hochhausstraße", house_number="1")
                for number in range(1001)
            ],
        )
        token = await token_for("landratsamt")
        response = await ask(http, token, free_query({"street": "Hochhausstraße"}))
        assert response.status_code == 422
        assert response.json()["type"].endswith("/too-many-hits")
        [entry] = ledger_rows(clean_database)
        assert entry["outcome"] == "invalid" and entry["http_status"] == 422


class TestConfirm:
    async def test_single_match_is_confirmed_without_any_field(
        self, http: httpx.AsyncClient, token_for: TokenFactory, residents: str
    ) -> None:
        token = await token_for("wohngeldstelle")
        response = await ask(http, token, confirm_query(ANNA))
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["outcome"] == "released"
        assert body["confirmation"] == "confirmed"
        assert body["records"] == []
        assert body["decision"]["released_fields"] == []
        assert "BMG §39a" in body["decision"]["legal_basis"]
        [entry] = ledger_rows(residents)
        assert entry["outcome"] == "released" and entry["kind"] == "confirm"
        assert entry["fields_released"] == []
        assert entry["released_person_ids"] == ["P-1"]

    async def test_data_are_compared_exactly(
        self, http: httpx.AsyncClient, token_for: TokenFactory, residents: str
    ) -> None:
        token = await token_for("wohngeldstelle")
        phonetic = await ask(http, token, confirm_query({**ANNA, "name": "Möller"}))
        former_address = await ask(
            http, token, confirm_query({**ANNA, "street": "Heinrichstraße", "house_number": "9"})
        )
        assert phonetic.json()["outcome"] == "neutral"
        assert former_address.json()["outcome"] == "neutral"

    async def test_several_matches_are_reported(
        self, http: httpx.AsyncClient, token_for: TokenFactory, clean_database: str
    ) -> None:
        import_persons(clean_database, [person("T-1"), person("T-2")])
        token = await token_for("wohngeldstelle")
        response = await ask(http, token, confirm_query(ANNA))
        assert response.json()["confirmation"] == "multiple_matches"
        assert sorted(ledger_rows(clean_database)[0]["released_person_ids"]) == ["T-1", "T-2"]

    async def test_blocked_and_no_match_give_byte_identical_answers(
        self, http: httpx.AsyncClient, token_for: TokenFactory, residents: str
    ) -> None:
        token = await token_for("wohngeldstelle")
        blocked_answer = await ask(http, token, confirm_query(ERIKA))
        no_match = await ask(http, token, confirm_query(NOBODY))
        assert blocked_answer.status_code == no_match.status_code == 200
        assert blocked_answer.headers["content-type"] == no_match.headers["content-type"]
        assert without_request_id(blocked_answer) == without_request_id(no_match)
        assert blocked_answer.json().keys() == {"outcome", "request_id", "records"}
        assert task_rows(residents) == []  # neutral final (§39a Abs. 2 S. 3)
        first, second = ledger_rows(residents)
        assert "datenbestaetigung_neutral" in first["reasons"]
        assert second["reasons"] == ["no_match"]

    async def test_blocked_person_among_several_matches_counts_as_absent(
        self, http: httpx.AsyncClient, token_for: TokenFactory, clean_database: str
    ) -> None:
        import_persons(clean_database, [person("T-1"), person("T-2", blocks=blocked())])
        token = await token_for("wohngeldstelle")
        with_blocked = await ask(http, token, confirm_query(ANNA))
        import_persons(clean_database, [person("T-3", name="Schulz")])
        alone = await ask(http, token, confirm_query({**ANNA, "name": "Schulz"}))
        first, second = with_blocked.json(), alone.json()
        assert first["confirmation"] == second["confirmation"] == "confirmed"
        assert first["decision"]["legal_basis"] == second["decision"]["legal_basis"]
        assert first["decision"]["reasons"] == second["decision"]["reasons"]
        assert task_rows(clean_database) == []

    async def test_sperre_on_behalf_of_a_security_authority_keeps_a_task(
        self, http: httpx.AsyncClient, token_for: TokenFactory, residents: str
    ) -> None:
        token = await token_for("wohngeldstelle")
        match = {"name": "Weber", "given_names": "Jan", "birth_date": "1971-11-30"}
        response = await ask(http, token, confirm_query(match))
        assert response.json()["outcome"] == "neutral"
        [task] = task_rows(residents)
        assert task["sperre_initiator"] == "verfassungsschutz"

    async def test_fields_in_a_confirm_query_are_422(
        self, http: httpx.AsyncClient, token_for: TokenFactory, residents: str
    ) -> None:
        token = await token_for("wohngeldstelle")
        response = await ask(http, token, confirm_query(ANNA, fields=["name"]))
        assert response.status_code == 422
        assert response.json()["errors"][0]["pointer"] == "/fields"
        assert ledger_rows(residents)[0]["outcome"] == "invalid"

    async def test_person_search_without_fields_stays_a_denial(
        self, http: httpx.AsyncClient, token_for: TokenFactory, residents: str
    ) -> None:
        token = await token_for("wohngeldstelle")
        response = await ask(http, token, query(fields=[]))
        assert response.status_code == 403
        assert "no_fields_requested" in response.json()["reasons"]


class TestSperreException:
    async def test_police_leitung_with_trusted_role_gets_the_blocked_person(
        self, http: httpx.AsyncClient, token_for: TokenFactory, residents: str
    ) -> None:
        token = await token_for("polizei", trusted_roles=["behoerdenleitung"])
        response = await ask(http, token, police_query(ERIKA, roles=["behoerdenleitung"]))
        body = response.json()
        assert body["outcome"] == "released", body
        [record] = body["records"]
        assert record["fields"]["name"] == "Groß"
        assert "§ 34a Abs. 6" in record["notice"]
        assert task_rows(residents) == []
        [entry] = ledger_rows(residents)
        assert entry["user_roles"] == ["behoerdenleitung"]
        assert "auskunftssperre_exception_34a_6" in entry["reasons"]
        assert "BMG §34a Abs. 6" in entry["legal_basis"]

    async def test_claimed_but_untrusted_role_is_ignored_and_held(
        self, http: httpx.AsyncClient, token_for: TokenFactory, residents: str
    ) -> None:
        token = await token_for("polizei")
        response = await ask(http, token, police_query(ERIKA, roles=["behoerdenleitung"]))
        assert response.json()["outcome"] == "neutral"
        [entry] = ledger_rows(residents)
        assert entry["user_roles"] == []
        assert entry["user_roles_ignored"] == ["behoerdenleitung"]
        [task] = task_rows(residents)
        assert task["person_id"] == "P-3"

    async def test_sperre_entered_for_a_security_authority_is_held_for_leitung(
        self, http: httpx.AsyncClient, token_for: TokenFactory, residents: str
    ) -> None:
        token = await token_for("polizei", trusted_roles=["besonders_ermaechtigt"])
        match = {"name": "Weber", "given_names": "Jan", "birth_date": "1971-11-30"}
        response = await ask(http, token, police_query(match, roles=["besonders_ermaechtigt"]))
        assert response.json()["outcome"] == "neutral"
        [task] = task_rows(residents)
        assert "notify_sperre_initiator" in task["reasons"]
        assert task["sperre_initiator"] == "verfassungsschutz"

    async def test_staatsanwaltschaft_is_held_even_with_trusted_role(
        self, http: httpx.AsyncClient, token_for: TokenFactory, residents: str
    ) -> None:
        token = await token_for("staatsanwaltschaft", trusted_roles=["behoerdenleitung"])
        body = police_query(ERIKA, roles=["behoerdenleitung"], purpose="strafverfolgung")
        response = await ask(http, token, body)
        assert response.json()["outcome"] == "neutral"
        assert len(task_rows(residents)) == 1
        assert ledger_rows(residents)[0]["outcome"] == "neutral"


class TestWaiver:
    async def test_waiver_gives_the_neutral_answer_without_task(
        self, http: httpx.AsyncClient, token_for: TokenFactory, residents: str
    ) -> None:
        token = await token_for("wohngeldstelle")
        waived = await ask(http, token, query(match=ERIKA, waive_follow_up=True))
        no_match = await ask(http, token, query(match=NOBODY, waive_follow_up=True))
        assert without_request_id(waived) == without_request_id(no_match)
        assert task_rows(residents) == []
        first, _ = ledger_rows(residents)
        assert first["outcome"] == "neutral"
        assert {"auskunftssperre", "follow_up_waived"} <= set(first["reasons"])

    async def test_waiver_keeps_the_task_when_the_initiator_must_be_notified(
        self, http: httpx.AsyncClient, token_for: TokenFactory, residents: str
    ) -> None:
        token = await token_for("wohngeldstelle")
        match = {"name": "Weber", "given_names": "Jan", "birth_date": "1971-11-30"}
        response = await ask(http, token, query(match=match, waive_follow_up=True))
        assert response.json()["outcome"] == "neutral"
        [task] = task_rows(residents)
        assert "follow_up_waived" in task["reasons"]

    async def test_without_waiver_a_task_is_opened(
        self, http: httpx.AsyncClient, token_for: TokenFactory, residents: str
    ) -> None:
        token = await token_for("wohngeldstelle")
        await ask(http, token, query(match=ERIKA))
        assert len(task_rows(residents)) == 1
