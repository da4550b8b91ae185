"""The query path end to end: auth → policy → register → minimisation → ledger → answer."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from tests.fixtures.factories import blocked, import_persons, person
from tests.fixtures.ledger import ledger_rows, task_rows
from tests.fixtures.melderegister_queries import URL, ask, query
from tests.fixtures.tokens import TokenFactory

PROBLEM = "application/problem+json"


class TestReleased:
    async def test_lawful_query_gets_a_minimised_answer(
        self, http: httpx.AsyncClient, token_for: TokenFactory, residents: str
    ) -> None:
        token = await token_for("wohngeldstelle")
        response = await ask(
            http, token, query(fields=["name", "given_names", "birth", "addresses", "religion"])
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["outcome"] == "released"
        assert body["decision"]["released_fields"] == ["addresses", "birth", "given_names", "name"]
        assert body["decision"]["withheld_fields"] == ["religion"]
        assert body["decision"]["legal_basis"]
        assert body["notice"]
        [record] = body["records"]
        assert set(record["fields"]) == {"name", "given_names", "birth", "addresses"}
        assert record["fields"]["name"] == "Müller"
        assert record["fields"]["birth"]["date"] == "1980-05-17"
        assert "P-1" not in record["hit_id"] and len(record["hit_id"]) >= 32

    @pytest.mark.parametrize("with_move_dates", [False, True], ids=["addresses", "with-dates"])
    async def test_address_dates_leave_only_with_move_dates(
        self,
        http: httpx.AsyncClient,
        token_for: TokenFactory,
        clean_database: str,
        with_move_dates: bool,
    ) -> None:
        # Addresses are BMG §34 Abs. 1 Nr. 9 data, Ein-/Auszugsdatum Nr. 10 (move_dates).
        moved = person("P-1")
        former = {**moved["addresses"][0], "street": "Alte Gasse", "moved_out": "2015-03-31"}
        moved["addresses"] = [former, moved["addresses"][0]]
        moved["addresses"][0]["moved_in"] = "2001-04-01"
        import_persons(clean_database, [moved])
        fields = ["name", "addresses", *(["move_dates"] if with_move_dates else [])]
        token = await token_for("wohngeldstelle")
        response = await ask(http, token, query(fields=fields))
        assert response.status_code == 200, response.text
        [record] = response.json()["records"]
        addresses = record["fields"]["addresses"]
        assert [(a["street"], a["current"]) for a in addresses] == [
            ("Alte Gasse", False),
            ("Rheinstraße", True),
        ]
        dated = [(a.get("moved_in"), a.get("moved_out")) for a in addresses]
        if with_move_dates:
            assert dated == [("2001-04-01", "2015-03-31"), ("2015-04-01", None)]
        else:
            assert all("moved_in" not in a and "moved_out" not in a for a in addresses)

    async def test_ledger_records_names_and_ids_never_values(
        self, http: httpx.AsyncClient, token_for: TokenFactory, residents: str
    ) -> None:
        token = await token_for("wohngeldstelle")
        response = await ask(http, token, query())
        body = response.json()
        [entry] = ledger_rows(residents)
        assert entry["outcome"] == "released"
        assert entry["tag"] == "query:melderegister:released"
        assert entry["authority"] == "wohngeldstelle"
        assert entry["user_id"] == "m.schmidt"
        assert entry["purpose"] == "wohngeld_antrag"
        assert entry["case_reference"] == "WG-2026-0042"
        assert entry["hit_person_ids"] == ["P-1"]
        assert entry["released_person_ids"] == ["P-1"]
        assert entry["hit_ids"] == [body["records"][0]["hit_id"]]
        assert sorted(entry["fields_released"]) == ["addresses", "birth", "given_names", "name"]
        assert entry["decision_id"] == body["decision"]["id"]
        assert entry["request_id"] == body["request_id"]
        assert entry["policy_revision"]
        assert entry["catalogue_revision"] >= 1
        assert entry["retention_class"] == "L-MELDE"
        serialised = json.dumps(entry, default=str)
        for value in ("Müller", "Anna", "1980-05-17", "Rheinstraße"):
            assert value not in serialised

    async def test_phonetic_and_normalised_names_match(
        self, http: httpx.AsyncClient, token_for: TokenFactory, residents: str
    ) -> None:
        token = await token_for("wohngeldstelle")
        for name in ("MUELLER", "Mueller", "Möller"):
            response = await ask(
                http,
                token,
                query(match={"name": name, "given_names": "anna", "birth_date": "1980-05-17"}),
            )
            assert response.json()["outcome"] == "released", name

    async def test_din_91379_letters_and_artist_names_are_searchable(
        self, http: httpx.AsyncClient, token_for: TokenFactory, residents: str
    ) -> None:
        token = await token_for("wohngeldstelle")
        by_name = await ask(
            http,
            token,
            query(
                match={
                    "name": "Lukasiewicz",
                    "given_names": "Zoe",
                    "street": "Heidelberger Landstrasse",
                    "house_number": "200A",
                    "postal_code": "64297",
                }
            ),
        )
        by_artist_name = await ask(
            http,
            token,
            query(match={"religious_artist_name": "Bruder Benedikt", "birth_date": "1950-03-03"}),
        )
        assert by_name.json()["outcome"] == "released"
        assert by_name.json()["records"][0]["fields"]["name"] == "Łukasiewicz"
        assert by_artist_name.json()["outcome"] == "released"

    async def test_blocked_spouse_is_left_out_without_a_hint(
        self, http: httpx.AsyncClient, token_for: TokenFactory, residents: str
    ) -> None:
        token = await token_for("wohngeldstelle")
        response = await ask(http, token, query(fields=["name", "spouse", "marital"]))
        body = response.json()
        assert body["outcome"] == "released"
        assert body["records"][0]["fields"]["spouse"] is None
        assert "related_person_blocked" not in body["decision"]["reasons"]
        assert "related_person_blocked" in ledger_rows(residents)[0]["reasons"]

    async def test_a_blocked_namesake_leaves_no_trace_in_a_released_answer(
        self, http: httpx.AsyncClient, token_for: TokenFactory, clean_database: str
    ) -> None:
        import_persons(
            clean_database,
            [
                person(
                    "P-10", name="Weber", given_names=("Tom",), sex="m", birth_date="1985-01-01"
                ),
                person(
                    "P-11",
                    name="Weber",
                    given_names=("Tom",),
                    sex="m",
                    birth_date="1986-02-02",
                    blocks=blocked(),
                ),
            ],
        )
        token = await token_for("wohngeldstelle")
        both = await ask(
            http, token, query(match={"name": "Weber", "given_names": "Tom", "sex": "m"})
        )
        alone = await ask(
            http,
            token,
            query(match={"name": "Weber", "given_names": "Tom", "birth_date": "1985-01-01"}),
        )
        with_namesake, without = both.json(), alone.json()
        assert len(with_namesake["records"]) == len(without["records"]) == 1
        for member in ("released_fields", "withheld_fields", "legal_basis", "reasons"):
            assert with_namesake["decision"][member] == without["decision"][member], member
        assert with_namesake["notice"] == without["notice"]
        assert "BMG §34a Abs. 5" in ledger_rows(clean_database)[0]["legal_basis"]

    async def test_bedingter_sperrvermerk_carries_the_notice(
        self, http: httpx.AsyncClient, token_for: TokenFactory, residents: str
    ) -> None:
        token = await token_for("wohngeldstelle")
        response = await ask(
            http,
            token,
            query(match={"name": "Schäfer", "given_names": "Lena", "birth_date": "1990-01-01"}),
        )
        body = response.json()
        assert body["outcome"] == "released"
        assert body["records"][0]["notice"]

    async def test_untrusted_roles_are_ignored_and_recorded(
        self, http: httpx.AsyncClient, token_for: TokenFactory, residents: str
    ) -> None:
        token = await token_for("wohngeldstelle")
        await ask(http, token, query(user={"id": "m.schmidt", "roles": ["besonders_ermaechtigt"]}))
        [entry] = ledger_rows(residents)
        assert entry["user_roles"] == []
        assert entry["user_roles_ignored"] == ["besonders_ermaechtigt"]

    async def test_trusted_roles_count(
        self, http: httpx.AsyncClient, token_for: TokenFactory, residents: str
    ) -> None:
        token = await token_for("wohngeldstelle", trusted_roles=["besonders_ermaechtigt"])
        await ask(http, token, query(user={"id": "m.schmidt", "roles": ["besonders_ermaechtigt"]}))
        [entry] = ledger_rows(residents)
        assert entry["user_roles"] == ["besonders_ermaechtigt"]
        assert entry["user_roles_ignored"] == []


class TestNeutral:
    async def test_blocked_person_and_no_match_look_the_same(
        self, http: httpx.AsyncClient, token_for: TokenFactory, residents: str
    ) -> None:
        token = await token_for("wohngeldstelle")
        blocked_answer = await ask(
            http,
            token,
            query(match={"name": "Groß", "given_names": "Erika", "birth_date": "1964-08-12"}),
        )
        no_match = await ask(
            http,
            token,
            query(match={"name": "Niemand", "given_names": "Nora", "birth_date": "1964-08-12"}),
        )
        assert blocked_answer.status_code == no_match.status_code == 200
        first, second = blocked_answer.json(), no_match.json()
        assert first.keys() == second.keys() == {"outcome", "request_id", "records"}
        assert first["outcome"] == second["outcome"] == "neutral"
        assert first["records"] == second["records"] == []

    async def test_blocked_person_opens_a_task_for_the_register_office(
        self, http: httpx.AsyncClient, token_for: TokenFactory, residents: str
    ) -> None:
        token = await token_for("wohngeldstelle")
        await ask(
            http,
            token,
            query(match={"name": "Groß", "given_names": "Erika", "birth_date": "1964-08-12"}),
        )
        [task] = task_rows(residents)
        [entry] = ledger_rows(residents)
        assert task["kind"] == "neutral_hold" and task["status"] == "open"
        assert task["person_id"] == "P-3"
        assert task["ledger_entry_id"] == entry["entry_id"]
        assert entry["outcome"] == "neutral"
        assert entry["fields_released"] == []
        assert "auskunftssperre" in entry["reasons"]
        office = await token_for("meldebehoerde", scopes=["tasks:read"])
        listed = await http.get("/v1/tasks", headers={"Authorization": f"Bearer {office}"})
        assert [t["task_id"] for t in listed.json()["tasks"]] == [task["task_id"]]

    async def test_no_match_opens_no_task(
        self, http: httpx.AsyncClient, token_for: TokenFactory, residents: str
    ) -> None:
        token = await token_for("wohngeldstelle")
        await ask(
            http,
            token,
            query(match={"name": "Niemand", "given_names": "Nora", "birth_date": "1964-08-12"}),
        )
        assert task_rows(residents) == []
        assert ledger_rows(residents)[0]["reasons"] == ["no_match"]


class TestDenied:
    @pytest.mark.parametrize(
        ("change", "reason"),
        [
            ({"case_reference": None}, "missing_case_reference"),
            ({"purpose": None}, "missing_purpose"),
            ({"user": None}, "missing_user"),
            ({"purpose": "kein_zweck"}, "purpose_unknown"),
            ({"purpose": "waehlerverzeichnis"}, "purpose_not_allowed"),
        ],
    )
    async def test_preconditions_deny(
        self,
        http: httpx.AsyncClient,
        token_for: TokenFactory,
        residents: str,
        change: dict[str, Any],
        reason: str,
    ) -> None:
        token = await token_for("wohngeldstelle")
        response = await ask(http, token, query(**change))
        assert response.status_code == 403
        assert response.headers["content-type"] == PROBLEM
        problem = response.json()
        assert problem["type"].endswith("/access-denied")
        assert reason in problem["reasons"]
        assert problem["legal_basis"]
        assert "records" not in problem
        [entry] = ledger_rows(residents)
        assert entry["outcome"] == "denied" and entry["http_status"] == 403
        assert reason in entry["reasons"]
        assert entry["hit_person_ids"] == []  # denied before the register was searched

    async def test_nothing_releasable_is_denied(
        self, http: httpx.AsyncClient, token_for: TokenFactory, residents: str
    ) -> None:
        token = await token_for("wohngeldstelle")
        response = await ask(http, token, query(fields=["religion", "idnr"]))
        assert response.status_code == 403
        assert "no_releasable_fields" in response.json()["reasons"]

    async def test_private_requesters_are_not_served(
        self, http: httpx.AsyncClient, token_for: TokenFactory, residents: str
    ) -> None:
        token = await token_for("privatperson")
        response = await ask(http, token, query())
        assert response.status_code == 403


class TestBadInput:
    async def test_unknown_field_is_422_naming_it(
        self, http: httpx.AsyncClient, token_for: TokenFactory, residents: str
    ) -> None:
        token = await token_for("wohngeldstelle")
        response = await ask(http, token, query(fields=["name", "shoe_size"]))
        assert response.status_code == 422
        assert response.json()["errors"][0]["pointer"] == "/fields/1"
        assert ledger_rows(residents)[0]["outcome"] == "invalid"

    async def test_wildcards_are_refused(
        self, http: httpx.AsyncClient, token_for: TokenFactory, residents: str
    ) -> None:
        token = await token_for("wohngeldstelle")
        response = await ask(
            http,
            token,
            query(match={"name": "Mü*", "given_names": "Anna", "birth_date": "1980-05-17"}),
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["pointer"] == "/match/name"

    async def test_incomplete_search_keys_are_refused(
        self, http: httpx.AsyncClient, token_for: TokenFactory, residents: str
    ) -> None:
        token = await token_for("wohngeldstelle")
        response = await ask(
            http, token, query(match={"name": "Müller", "birth_date": "1980-05-17"})
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["pointer"] == "/match/given_names"

    async def test_schema_violations_name_the_member(
        self, http: httpx.AsyncClient, token_for: TokenFactory, residents: str
    ) -> None:
        token = await token_for("wohngeldstelle")
        response = await ask(http, token, query(kind="everything", extra=1))
        assert response.status_code == 422
        pointers = {error["pointer"] for error in response.json()["errors"]}
        assert {"/kind", "/extra"} <= pointers
        assert ledger_rows(residents)[0]["outcome"] == "invalid"

    async def test_malformed_json_is_400(
        self, http: httpx.AsyncClient, token_for: TokenFactory, residents: str
    ) -> None:
        token = await token_for("wohngeldstelle")
        response = await http.post(
            URL,
            content=b"{not json",
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        )
        assert response.status_code == 400
        assert response.headers["content-type"] == PROBLEM

    async def test_wrong_media_type_is_415(
        self, http: httpx.AsyncClient, token_for: TokenFactory, residents: str
    ) -> None:
        token = await token_for("wohngeldstelle")
        response = await http.post(
            URL,
            content=b"<a/>",
            headers={"Authorization": f"Bearer {token}", "Content-Type": "application/xml"},
        )
        assert response.status_code == 415

    async def test_oversized_body_is_413(
        self, http: httpx.AsyncClient, token_for: TokenFactory, residents: str
    ) -> None:
        token = await token_for("wohngeldstelle")
        response = await ask(http, token, query(case_reference="x" * 100_000))
        assert response.status_code == 413
        assert ledger_rows(residents)[0]["outcome"] == "invalid"

    async def test_unknown_register_is_404(
        self, http: httpx.AsyncClient, token_for: TokenFactory, residents: str
    ) -> None:
        token = await token_for("wohngeldstelle")
        response = await http.post(
            "/v1/registers/fischereiregister/queries",
            json=query(),
            headers={"Authorization": f"Bearer {token}"},
        )
        assert response.status_code == 404
        assert response.headers["content-type"] == PROBLEM
