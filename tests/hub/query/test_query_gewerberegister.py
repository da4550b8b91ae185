"""The Gewerberegister query path end to end: public data (GewO §14 Abs. 5 S. 2) and the
protected data of Abs. 6 (public bodies with a ground), Abs. 9 (Straftaten) and Abs. 11/12."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select, update
from typer.testing import CliRunner

from adapters.gewerberegister.tables import GwBusiness
from governance.models import PurposeAllowance
from hub.cli import app
from hub.db import create_sync_engine
from tests.fixtures.factories import business, import_businesses
from tests.fixtures.gewerberegister_queries import ask, query
from tests.fixtures.ledger import ledger_rows
from tests.fixtures.tokens import TokenFactory

YILMAZ = "Y\u0131lmaz"  # Turkish dotless i (DIN 91379)
PUBLIC = ["betriebliche_anschrift", "geschaeftsbezeichnung", "name", "taetigkeit"]


@pytest.fixture
def businesses(clean_database: str) -> str:
    import_businesses(
        clean_database,
        [
            business("G-1"),
            business(
                "G-2",
                name=YILMAZ,
                geschaeftsbezeichnung="Bistro Anatolia",
                street="Heidelberger Landstraße",
                house_number="200 a",
                postal_code="64297",
                taetigkeit="Schank- und Speisewirtschaft",
                nationality=["TR"],
            ),
            business(
                "G-3",
                name="Schmidt",
                geschaeftsbezeichnung=None,
                betriebsende="2020-06-30",
                abmeldegrund="Aufgabe des Betriebs",
            ),
        ],
    )
    return clean_database


def protected(purpose: str, fields: list[str], **changes: Any) -> dict[str, Any]:
    return query(purpose=purpose, case_reference="GW-2026-0815", fields=fields, **changes)


def set_allowance_basis(database_url: str, purpose: str, authority: str, basis: list[str]) -> None:
    """What a data steward would do: change the norms the catalogue allowance names."""
    engine = create_sync_engine(database_url)
    try:
        with engine.begin() as connection:
            connection.execute(
                update(PurposeAllowance)
                .where(
                    PurposeAllowance.purpose_code == purpose,
                    PurposeAllowance.authority_code == authority,
                    PurposeAllowance.register == "gewerberegister",
                )
                .values(legal_basis=basis)
            )
    finally:
        engine.dispose()


class TestProtectedData:
    @pytest.mark.parametrize(
        ("authority", "purpose", "fields", "norm"),
        [
            (
                "steueramt",
                "gewerbesteuer_veranlagung",
                ["name", "birth_date", "rechtsform"],
                "GewO §14 Abs. 6 S. 1 Nr. 3",
            ),
            (
                "ordnungsamt",
                "gewerbeuntersagung_35",
                ["name", "private_address", "erlaubnisse"],
                "GewO §14 Abs. 6 S. 1 Nr. 3",
            ),
            (
                "gewerbeamt",
                "gewerbeuntersagung_35",
                ["name", "abmeldegrund"],
                "GewO §14 Abs. 5 S. 1",
            ),
            (
                "auslaenderbehoerde",
                "aufenthg_selbststaendigkeit",
                ["name", "nationality", "erlaubnisse"],
                "GewO §14 Abs. 8 Nr. 12",
            ),
        ],
    )
    async def test_city_office_with_a_ground_gets_protected_fields(
        self,
        *,
        http: httpx.AsyncClient,
        token_for: TokenFactory,
        businesses: str,
        authority: str,
        purpose: str,
        fields: list[str],
        norm: str,
    ) -> None:
        token = await token_for(authority)
        response = await ask(http, token, protected(purpose, fields))
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["outcome"] == "released"
        assert body["decision"]["released_fields"] == sorted(fields)
        assert norm in body["decision"]["legal_basis"]
        assert "GewO §14 Abs. 12" in body["decision"]["legal_basis"]
        assert "§ 14 Abs. 12 GewO" in body["notice"]
        [record] = body["records"]
        assert sorted(record["fields"]) == sorted(fields)
        [entry] = ledger_rows(businesses)
        assert entry["outcome"] == "released"
        assert entry["purpose"] == purpose
        assert entry["case_reference"] == "GW-2026-0815"
        assert sorted(entry["fields_released"]) == sorted(fields)
        assert entry["retention_class"] == "L-GEWERBE"
        serialised = json.dumps(entry, default=str)
        for value in ("1975-03-14", "Herdweg", "Sabine"):
            assert value not in serialised

    async def test_protected_values_are_the_registers(
        self, http: httpx.AsyncClient, token_for: TokenFactory, businesses: str
    ) -> None:
        token = await token_for("steueramt")
        body = (
            await ask(http, token, protected("gewerbesteuer_veranlagung", ["birth_date"]))
        ).json()
        assert body["records"][0]["fields"] == {"birth_date": "1975-03-14"}

    async def test_without_abs6_ground_denied(
        self, http: httpx.AsyncClient, token_for: TokenFactory, businesses: str
    ) -> None:
        set_allowance_basis(
            businesses, "gewerbesteuer_veranlagung", "steueramt", ["GewStG", "GewO §14 Abs. 11"]
        )
        token = await token_for("steueramt")
        response = await ask(http, token, protected("gewerbesteuer_veranlagung", ["birth_date"]))
        assert response.status_code == 403, response.text
        problem = response.json()
        assert problem["type"].endswith("/access-denied")
        assert "gewerbe_transfer_ground_missing" in problem["reasons"]
        assert "GewO §14 Abs. 6 S. 1" in problem["legal_basis"]
        [entry] = ledger_rows(businesses)
        assert entry["outcome"] == "denied"
        assert not entry["hit_person_ids"]

    @pytest.mark.parametrize("authority", ["polizei", "staatsanwaltschaft"])
    async def test_strafverfolgung_abs9_released(
        self, http: httpx.AsyncClient, token_for: TokenFactory, businesses: str, authority: str
    ) -> None:
        token = await token_for(authority)
        fields = ["name", "birth_date", "private_address", "beschaeftigte"]
        response = await ask(http, token, protected("strafverfolgung", fields))
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["decision"]["released_fields"] == sorted(fields)
        assert "GewO §14 Abs. 9" in body["decision"]["legal_basis"]
        assert "§ 14 Abs. 12 GewO" in body["notice"]
        [entry] = ledger_rows(businesses)
        assert entry["outcome"] == "released"
        assert entry["hit_person_ids"] == ["G-1"]

    async def test_owi_purpose_is_no_straftat(
        self, http: httpx.AsyncClient, token_for: TokenFactory, businesses: str
    ) -> None:
        token = await token_for("ordnungsamt")
        response = await ask(http, token, protected("owi_anhoerung", ["private_address"]))
        assert response.status_code == 403
        reasons = response.json()["reasons"]
        assert "gewerbe_owi_not_criminal_offence" in reasons
        assert ledger_rows(businesses)[0]["outcome"] == "denied"

    async def test_police_gefahrenabwehr_needs_an_allowance(
        self, http: httpx.AsyncClient, token_for: TokenFactory, businesses: str
    ) -> None:
        token = await token_for("polizei")
        response = await ask(http, token, protected("gefahrenabwehr", ["birth_date"]))
        assert response.status_code == 403
        assert "purpose_not_allowed" in response.json()["reasons"]

    @pytest.mark.parametrize("authority", ["privatperson", "rundfunk", "eu_gemeinde"])
    async def test_private_media_eu_not_served(
        self, http: httpx.AsyncClient, token_for: TokenFactory, businesses: str, authority: str
    ) -> None:
        token = await token_for(authority)
        response = await ask(http, token, protected("gewerbeuntersagung_35", ["birth_date"]))
        assert response.status_code == 403
        problem = response.json()
        assert "category_not_served" in problem["reasons"]
        assert "GewO §14 Abs. 7" in problem["legal_basis"]

    @pytest.mark.parametrize(
        ("missing", "reason"),
        [("case_reference", "missing_case_reference"), ("purpose", "missing_purpose")],
    )
    async def test_purpose_and_case_reference_mandatory(
        self,
        http: httpx.AsyncClient,
        token_for: TokenFactory,
        businesses: str,
        missing: str,
        reason: str,
    ) -> None:
        token = await token_for("steueramt")
        body = protected("gewerbesteuer_veranlagung", ["birth_date"])
        del body[missing]
        response = await ask(http, token, body)
        assert response.status_code == 403, response.text
        problem = response.json()
        assert reason in problem["reasons"]
        assert "GewO §14 Abs. 11" in problem["legal_basis"]
        assert ledger_rows(businesses)[0]["outcome"] == "denied"

    async def test_public_fields_for_a_protected_purpose_carry_no_notice(
        self, http: httpx.AsyncClient, token_for: TokenFactory, businesses: str
    ) -> None:
        token = await token_for("steueramt")
        body = (
            await ask(http, token, protected("gewerbesteuer_veranlagung", ["name", "taetigkeit"]))
        ).json()
        assert body["outcome"] == "released"
        assert body["notice"] is None


class TestPublicData:
    @pytest.mark.parametrize("authority", ["privatperson", "jugendamt"])
    async def test_anyone_gets_the_public_fields_only(
        self, http: httpx.AsyncClient, token_for: TokenFactory, businesses: str, authority: str
    ) -> None:
        token = await token_for(authority)
        response = await ask(
            http, token, query(fields=[*PUBLIC, "birth_date", "private_address", "beschaeftigte"])
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["outcome"] == "released"
        assert body["decision"]["released_fields"] == PUBLIC
        assert body["decision"]["withheld_fields"] == [
            "beschaeftigte",
            "birth_date",
            "private_address",
        ]
        [record] = body["records"]
        assert sorted(record["fields"]) == PUBLIC
        assert record["fields"]["name"] == "Becker"
        assert record["fields"]["geschaeftsbezeichnung"] == "Salon Becker"
        assert record["fields"]["betriebliche_anschrift"] == {
            "street": "Luisenstraße",
            "house_number": "7",
            "postal_code": "64283",
            "city": "Darmstadt",
        }
        assert "G-1" not in record["hit_id"]

    async def test_protected_fields_alone_are_denied(
        self, http: httpx.AsyncClient, token_for: TokenFactory, businesses: str
    ) -> None:
        token = await token_for("privatperson")
        response = await ask(http, token, query(fields=["birth_date", "private_address"]))
        assert response.status_code == 403
        assert "no_releasable_fields" in response.json()["reasons"]

    async def test_ledger_entry_has_the_gewerbe_class_and_no_values(
        self, http: httpx.AsyncClient, token_for: TokenFactory, businesses: str
    ) -> None:
        token = await token_for("privatperson")
        body = (await ask(http, token, query())).json()
        [entry] = ledger_rows(businesses)
        assert entry["outcome"] == "released"
        assert entry["tag"] == "query:gewerberegister:released"
        assert entry["register"] == "gewerberegister"
        assert entry["retention_class"] == "L-GEWERBE"
        assert entry["hit_person_ids"] == ["G-1"]
        assert sorted(entry["fields_released"]) == PUBLIC
        assert entry["hit_ids"] == [body["records"][0]["hit_id"]]
        serialised = json.dumps(entry, default=str)
        for value in ("Salon Becker", "Luisenstraße", "Friseurhandwerk", "Sabine"):
            assert value not in serialised


class TestSearch:
    @pytest.mark.parametrize(
        ("match", "expected"),
        [
            ({"name": "becker"}, ["Becker"]),
            ({"name": "Bäcker"}, ["Becker"]),  # Kölner Phonetik fallback
            ({"name": "Salon Becker"}, ["Becker"]),  # Geschäftsbezeichnung
            ({"name": "Yilmaz"}, [YILMAZ]),
            ({"name": "Bistro Anatolia", "postal_code": "64297"}, [YILMAZ]),
            ({"betriebliche_anschrift": "Luisenstrasse 7"}, ["Becker", "Schmidt"]),
            ({"betriebliche_anschrift": "Heidelberger Landstraße 200A"}, [YILMAZ]),
            ({"name": "Becker", "betriebliche_anschrift": "Luisenstraße 7"}, ["Becker"]),
        ],
    )
    async def test_name_designation_and_address_find_the_business(
        self,
        http: httpx.AsyncClient,
        token_for: TokenFactory,
        businesses: str,
        match: dict[str, str],
        expected: list[str],
    ) -> None:
        token = await token_for("jugendamt")
        body = (await ask(http, token, query(match=match))).json()
        assert body["outcome"] == "released", match
        assert sorted(r["fields"]["name"] for r in body["records"]) == expected

    async def test_exact_match_wins_over_phonetic(
        self, http: httpx.AsyncClient, token_for: TokenFactory, businesses: str
    ) -> None:
        import_businesses(businesses, [business("G-4", name="Bäcker", geschaeftsbezeichnung=None)])
        token = await token_for("privatperson")
        body = (await ask(http, token, query(match={"name": "Baecker"}))).json()
        assert [r["fields"]["name"] for r in body["records"]] == ["Bäcker"]

    async def test_closed_businesses_stay_public(
        self, http: httpx.AsyncClient, token_for: TokenFactory, businesses: str
    ) -> None:
        token = await token_for("privatperson")
        body = (await ask(http, token, query(match={"name": "Schmidt"}))).json()
        assert body["outcome"] == "released"
        assert body["records"][0]["fields"]["geschaeftsbezeichnung"] is None

    async def test_no_match_is_neutral(
        self, http: httpx.AsyncClient, token_for: TokenFactory, businesses: str
    ) -> None:
        token = await token_for("privatperson")
        for match in ({"name": "Niemand"}, {"betriebliche_anschrift": "Luisenstraße 8"}):
            body = (await ask(http, token, query(match=match))).json()
            assert body == {"outcome": "neutral", "request_id": body["request_id"], "records": []}


class TestBadInput:
    @pytest.mark.parametrize(
        ("match", "member"),
        [
            ({"name": "Beck*"}, "name"),
            ({"name": "B%"}, "name"),
            ({"betriebliche_anschrift": "Luisen_straße 7"}, "betriebliche_anschrift"),
        ],
    )
    async def test_wildcards_are_refused(
        self,
        http: httpx.AsyncClient,
        token_for: TokenFactory,
        businesses: str,
        match: dict[str, str],
        member: str,
    ) -> None:
        token = await token_for("privatperson")
        response = await ask(http, token, query(match=match))
        assert response.status_code == 422
        assert response.json()["errors"][0]["pointer"] == f"/match/{member}"
        assert ledger_rows(businesses)[0]["outcome"] == "invalid"

    @pytest.mark.parametrize(
        ("match", "member"),
        [
            ({}, "name"),
            ({"postal_code": "64283"}, "name"),
            ({"betriebliche_anschrift": "Luisenstraße"}, "betriebliche_anschrift"),
            ({"name": "Becker", "postal_code": "6428"}, "postal_code"),
            ({"name": "Becker", "birth_date": "1975-03-14"}, "birth_date"),
        ],
    )
    async def test_missing_or_bad_keys_are_refused(
        self,
        http: httpx.AsyncClient,
        token_for: TokenFactory,
        businesses: str,
        match: dict[str, str],
        member: str,
    ) -> None:
        token = await token_for("privatperson")
        response = await ask(http, token, query(match=match))
        assert response.status_code == 422
        assert response.json()["errors"][0]["pointer"] == f"/match/{member}"


class TestImportCommand:
    def test_bad_line_is_named_and_nothing_is_stored(
        self, clean_database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("HUB_DATABASE_URL", clean_database)
        monkeypatch.setenv("HUB_KEY_DIR", str(tmp_path / "keys"))
        file = tmp_path / "g.jsonl"
        lines = [
            json.dumps(business("G-1")),
            json.dumps(business("G-2", beschaeftigte=-1)),
            json.dumps(business("G-3", betriebsende="2000-01-01")),
        ]
        file.write_text("\n".join(lines) + "\n", encoding="utf-8")
        result = CliRunner().invoke(app, ["register", "import", "gewerberegister", str(file)])
        assert result.exit_code == 1
        assert f"{file}:2: beschaeftigte" in result.stderr
        assert f"{file}:3:" in result.stderr and "betriebsende" in result.stderr
        assert "nothing was imported" in result.stderr
        engine = create_sync_engine(clean_database)
        try:
            with engine.connect() as connection:
                stored = connection.execute(select(func.count()).select_from(GwBusiness))
                assert stored.scalar_one() == 0
        finally:
            engine.dispose()

    def test_valid_file_is_imported(
        self, clean_database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("HUB_DATABASE_URL", clean_database)
        monkeypatch.setenv("HUB_KEY_DIR", str(tmp_path / "keys"))
        file = tmp_path / "g.jsonl"
        file.write_text(json.dumps(business("G-1")) + "\n", encoding="utf-8")
        result = CliRunner().invoke(app, ["register", "import", "gewerberegister", str(file)])
        assert result.exit_code == 0, result.output
        assert json.loads(result.stdout) == {"imported": 1}
