"""Value-level minimisation end to end: the Statistikstelle gets coarser values, not fields.

COVERAGE.md (M14): ``kommunalstatistik`` receives year and month of birth and a district
code, never the full birth date or the street address; the answer's decision and the
ledger entry name the transformations (names only). JSON and XMeld 1332/1333, over the
default catalogue, on SQLite and PostgreSQL; the XMeld answers are validated against the
official schemas.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from lxml import etree

from hub.app import create_app
from tests.fixtures.factories import (
    blocked,
    import_persons,
    load_default_catalogue,
    person,
    settings_for,
)
from tests.fixtures.ledger import ledger_rows
from tests.fixtures.paths import REPO
from tests.fixtures.tokens import TokenFactory
from tests.fixtures.xmeld_messages import (
    NS,
    answer_of,
    freie_suche,
    post,
    set_text,
    status_of,
    to_bytes,
)

URL = "/v1/registers/melderegister/queries"
TRANSFORMED = {"addresses": "district", "birth": "year_month"}
# What must never leave for the Statistikstelle: full birth dates, street, number, postcode.
SECRETS = ("1980-05-17", "1975-11-03", "Rheinstraße", "64283")
STATISTICS_QUERY: dict[str, Any] = {
    "kind": "free",
    "purpose": "kommunalstatistik",
    "case_reference": "ST-2026-12",
    "user": {"id": "statistik.stichtag", "roles": []},
    "match": {"street": "Rheinstraße", "house_number": "12"},
    "fields": ["addresses", "birth", "name", "sex"],
}


@pytest.fixture
async def app(clean_database: str, tmp_path: Path, xoev_schema_dir: Path) -> AsyncIterator[FastAPI]:
    """The hub over the default catalogue, validating every XMeld message it sends."""
    load_default_catalogue(clean_database)
    settings = settings_for(
        clean_database,
        key_dir=tmp_path / "keys",
        policy_dir=REPO / "policies",
        catalogue_refresh_seconds=0,
        issuer="http://hub.test",
        xoev_schema_dir=xoev_schema_dir,
    )
    application = create_app(settings)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
def residents(clean_database: str) -> str:
    """Three people at Rheinstraße 12 (Darmstadt-Mitte), one of them blocked."""
    import_persons(
        clean_database,
        [
            person("P-1"),
            person("P-2", name="Schmidt", given_names=("Jonas",), birth_date="1975-11-03", sex="m"),
            person("P-3", name="Groß", given_names=("Erika",), blocks=blocked()),
        ],
    )
    return clean_database


async def ask(http: httpx.AsyncClient, token: str, body: dict[str, Any]) -> httpx.Response:
    return await http.post(URL, json=body, headers={"Authorization": f"Bearer {token}"})


async def test_statistikstelle_gets_month_of_birth_and_district_never_full_values(
    http: httpx.AsyncClient, token_for: TokenFactory, residents: str
) -> None:
    token = await token_for("statistikstelle")
    response = await ask(http, token, STATISTICS_QUERY)
    answer = response.json()
    assert answer["outcome"] == "released", answer
    decision = answer["decision"]
    assert decision["released_fields"] == ["addresses", "birth", "sex"]
    assert decision["withheld_fields"] == ["name"]
    assert decision["transformed_fields"] == TRANSFORMED
    assert "DSGVO Art. 5 Abs. 1 lit. c" in decision["legal_basis"]
    births = sorted(record["fields"]["birth"]["date_year_month"] for record in answer["records"])
    assert births == ["1975-11", "1980-05"]  # P-3 (Auskunftssperre) left out
    for record in answer["records"]:
        assert record["fields"]["birth"] == {
            "date_year_month": record["fields"]["birth"]["date_year_month"]
        }
        assert record["fields"]["addresses"] == [
            {
                "city": "Darmstadt",
                "district": "01",
                "district_name": "Darmstadt-Mitte",
                "kind": "haupt",
            }
        ]
    for secret in SECRETS:
        assert secret not in response.text, secret


async def test_ledger_names_the_transformations_and_still_verifies(
    http: httpx.AsyncClient, token_for: TokenFactory, residents: str
) -> None:
    token = await token_for("statistikstelle")
    await ask(http, token, STATISTICS_QUERY)
    [entry] = ledger_rows(residents)
    assert entry["outcome"] == "released"
    assert entry["fields_released"] == ["addresses", "birth", "sex"]
    assert entry["fields_transformed"] == TRANSFORMED
    assert "1980-05" not in json.dumps(entry, default=str)  # names, never values
    auditor = await token_for("meldebehoerde", scopes=["audit:read"])
    verify = await http.get("/v1/audit/verify", headers={"Authorization": f"Bearer {auditor}"})
    assert verify.json()["ok"] is True, verify.text


async def test_an_office_without_transformation_still_gets_the_full_values(
    http: httpx.AsyncClient, token_for: TokenFactory, residents: str
) -> None:
    token = await token_for("wohngeldstelle")
    body = {
        "kind": "person",
        "purpose": "wohngeld_antrag",
        "case_reference": "WG-2026-0042",
        "user": {"id": "m.schmidt", "roles": []},
        "match": {"name": "Müller", "given_names": "Anna", "birth_date": "1980-05-17"},
        "fields": ["addresses", "birth", "name"],
    }
    answer = (await ask(http, token, body)).json()
    assert answer["outcome"] == "released", answer
    assert "transformed_fields" not in answer["decision"]
    [record] = answer["records"]
    assert record["fields"]["birth"]["date"] == "1980-05-17"
    assert record["fields"]["addresses"][0]["street"] == "Rheinstraße"
    [entry] = ledger_rows(residents)
    assert entry["fields_transformed"] is None


def _statistics_1332(xoev_schema_dir: Path) -> bytes:
    """The 1332 for Rheinstraße 12, by address alone, as the Statistikstelle asks it."""
    message = freie_suche(
        xoev_schema_dir,
        codes=("11", "15", "21"),  # Geburtsdatum, Geschlecht, Straße
        name=None,
        house_letter=False,
        purpose="kommunalstatistik",
    )
    for member, value in (
        ("sicherheitsbehoerde", "false"),
        ("aktenzeichen", "ST-2026-12"),
        ("kennung", "statistik.stichtag"),
    ):
        set_text(message, f"x:datenAbrufendeStelle/x:{member}", value)
    return to_bytes(message)


async def test_xmeld_1333_carries_partial_birth_dates_and_no_street(
    http: httpx.AsyncClient, token_for: TokenFactory, residents: str, xoev_schema_dir: Path
) -> None:
    token = await token_for("statistikstelle")
    response = await post(http, token, _statistics_1332(xoev_schema_dir))
    root = answer_of(response, xoev_schema_dir)  # valid against the official schema
    assert status_of(root) == "04", response.text
    assert response.headers["Hub-Transformed-Fields"] == "addresses=district birth=year_month"
    persons = root.findall("x:antwortSuchanfrage/x:auskunft/x:person/x:personendaten", NS)
    months = sorted(
        p.findtext("x:geburtsangaben/x:geburtsdatum/teilbekanntesDatum/jahrMonat", namespaces=NS)
        for p in persons
    )
    assert months == ["1975-11", "1980-05"]
    for found in persons:
        [inland] = found.findall("x:wohnung/x:anschrift/x:anschrift.inland", NS)
        assert [etree.QName(child).localname for child in inland] == [
            "gemeindeschluessel",
            "wohnort",
        ]
    persons_text = b"".join(etree.tostring(found) for found in persons).decode()
    for secret in SECRETS:  # the header's own address (anschrift.autor) is the office's
        assert secret not in persons_text, secret
    [entry] = ledger_rows(residents)
    assert entry["purpose"] == "kommunalstatistik"
    assert entry["fields_transformed"] == TRANSFORMED
