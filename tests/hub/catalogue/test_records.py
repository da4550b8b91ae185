"""Records of processing (DSGVO Art. 30) generated from the catalogue, as JSON and HTML."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import httpx
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from governance.models import PurposeAllowance
from governance.records import (
    Controller,
    ProcessingRecords,
    processing_records,
    render_html,
)
from hub.db import create_hub_engine, create_sessionmaker, create_sync_engine
from tests.fixtures.catalogue_api import READ, bearer
from tests.fixtures.catalogue_factories import catalogue
from tests.fixtures.tokens import TokenFactory

TODAY = date(2027, 3, 1)
NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
CONTROLLER = Controller(
    name="Magistrat der Wissenschaftsstadt Darmstadt",
    address="Luisenplatz 5A, 64283 Darmstadt",
    representative="Der Oberbürgermeister",
    dpo_name="DSB",
    dpo_email="dsb@example.invalid",
    dpo_address="Luisenplatz 5A",
)


@pytest.fixture
async def session(clean_database: str) -> AsyncIterator[AsyncSession]:
    engine = create_hub_engine(clean_database)
    async with create_sessionmaker(engine)() as opened:
        yield opened
    await engine.dispose()


@pytest.fixture
def built(clean_database: str) -> None:
    with catalogue(clean_database) as rows:
        rows.revision(7)
        rows.register("melderegister", title="Melderegister")
        rows.dataset("melderegister", "person")
        rows.register("gewerberegister", title="Gewerberegister")
        rows.dataset("gewerberegister", "businesses")
        rows.legal_basis(
            "BMG §37 Abs. 1", norm="BMG", paragraph="§37 Abs. 1", title="Datenweitergabe"
        )
        rows.authority("wohngeldstelle", category="city_office", title="Wohngeldstelle")
        rows.authority("polizei", category="security_authority", title="Polizei")
        rows.authority("steueramt", category="city_office", title="Steueramt")
        rows.purpose("wohngeld_antrag", register="melderegister")
        rows.purpose("gefahrenabwehr", register="melderegister")
        rows.purpose("gewerbesteuer", register="gewerberegister")
        rows.purpose("alt", register="melderegister")
        rows.field("melderegister", "person", "name", title="Familienname")
        rows.field(
            "melderegister",
            "person",
            "religion",
            title="Religion",
            classification="special_category",
        )
        rows.allowance(
            purpose="wohngeld_antrag",
            authority="wohngeldstelle",
            register="melderegister",
            fields=["name", "religion"],
            legal_basis=["BMG §37 Abs. 1", "WoGG §23"],
            approval_reference="OB-Verfügung 2026-17",
        )
        rows.allowance(
            purpose="gefahrenabwehr", authority="polizei", register="melderegister", fields=["name"]
        )
        rows.allowance(
            purpose="gewerbesteuer",
            authority="steueramt",
            register="gewerberegister",
            fields=["name", "idnr"],
        )
        rows.allowance(
            purpose="alt",
            authority="wohngeldstelle",
            register="melderegister",
            fields=["name"],
            valid_to=TODAY - timedelta(days=1),
        )
        rows.duty(
            register="melderegister",
            dataset="person",
            due_on=TODAY,
            interval_days=30,
            params={"rule": "bmg14_id_docs"},
        )


async def _records(session: AsyncSession, on: date = TODAY) -> ProcessingRecords:
    return await processing_records(session, controller=CONTROLLER, on=on, now=NOW)


@pytest.mark.usefixtures("built")
class TestRecords:
    async def test_one_record_per_valid_register_recipient_purpose(
        self, session: AsyncSession
    ) -> None:
        document = await _records(session)
        assert sorted(record.id for record in document.records) == [
            "gewerberegister/steueramt/gewerbesteuer",
            "melderegister/polizei/gefahrenabwehr",
            "melderegister/wohngeldstelle/wohngeld_antrag",
        ]
        earlier = await _records(session, on=TODAY - timedelta(days=1))
        assert "melderegister/wohngeldstelle/alt" in {record.id for record in earlier.records}
        assert document.catalogue_revision == 7
        assert document.as_json()["generated_at"] == NOW.isoformat()

    async def test_record_carries_art_30_a_to_g(self, session: AsyncSession) -> None:
        document = await _records(session)
        record = next(r for r in document.records if r.purpose["code"] == "wohngeld_antrag")
        assert record.controller.name == "Magistrat der Wissenschaftsstadt Darmstadt"
        assert [(b.code, b.norm, b.paragraph, b.resolved) for b in record.legal_basis] == [
            ("BMG §37 Abs. 1", "BMG", "§37 Abs. 1", True),
            ("WoGG §23", None, None, False),
        ]
        assert record.data_subjects[0].startswith("Einwohnerinnen und Einwohner")
        categories = {category.field: category for category in record.data_categories}
        assert categories["name"].title == "Familienname"
        assert categories["religion"].special_category
        assert not categories["name"].special_category
        assert record.recipient == {
            "authority": "wohngeldstelle",
            "title": "Wohngeldstelle",
            "category": "city_office",
        }
        assert record.third_country_transfer["transfer"] is False
        assert record.retention["log_class"] == "L-MELDE"
        [duty] = record.retention["register_duties"]
        assert duty["rule"] == "bmg14_id_docs"
        assert record.toms["approval_reference"] == "OB-Verfügung 2026-17"
        assert "BMG §37 Abs. 2" in record.toms["approval_basis"]
        assert any("Policy-as-code" in measure for measure in record.toms["hub_measures"])

    async def test_retention_class_follows_register_recipient_and_idnr(
        self, session: AsyncSession
    ) -> None:
        classes = {r.id: r.retention["log_class"] for r in (await _records(session)).records}
        assert classes == {
            "gewerberegister/steueramt/gewerbesteuer": "L-IDNR",
            "melderegister/polizei/gefahrenabwehr": "L-MELDE-SEC",
            "melderegister/wohngeldstelle/wohngeld_antrag": "L-MELDE",
        }
        gewerbe = next(
            r for r in (await _records(session)).records if r.register["id"] == "gewerberegister"
        )
        assert "GewO §14 Abs. 11" in gewerbe.toms["approval_basis"]
        assert gewerbe.data_subjects == ["Gewerbetreibende (Anzeigepflichtige nach GewO §14)"]

    async def test_printable_page_has_german_headings_and_a_page_per_record(
        self, session: AsyncSession
    ) -> None:
        page = render_html(await _records(session))
        for heading in (
            "a) Name und Kontaktdaten des Verantwortlichen",
            "b) Zwecke der Verarbeitung",
            "c) Kategorien betroffener Personen",
            "d) Kategorien von Empfängern",
            "e) Übermittlungen an ein Drittland",
            "f) Vorgesehene Fristen für die Löschung",
            "g) Technische und organisatorische Maßnahmen",
        ):
            assert page.count(heading) == 3
        assert page.count('<section class="record"') == 3
        assert "page-break-before: always" in page
        assert "besondere Kategorie" in page


def test_escapes_catalogue_text_in_html() -> None:
    document = ProcessingRecords(
        generated_at=NOW, as_of=TODAY, catalogue_revision=1, controller=CONTROLLER, records=[]
    )
    hostile = replace(document, controller=replace(CONTROLLER, name="<script>x</script>"))
    assert "keine gültigen Zwecke" in render_html(document)
    assert "<script>x</script>" not in render_html(hostile)


class TestApi:
    async def test_json_and_html_for_catalogue_readers(
        self, http: httpx.AsyncClient, token_for: TokenFactory, clean_database: str
    ) -> None:
        reader = await token_for("meldebehoerde", scopes=READ)
        response = await http.get("/v1/catalogue/processing-records", headers=bearer(reader))
        assert response.status_code == 200, response.text
        body = response.json()
        engine = create_sync_engine(clean_database)
        with engine.connect() as connection:
            allowances = connection.execute(
                select(func.count()).select_from(PurposeAllowance)
            ).scalar_one()
        engine.dispose()
        assert 0 < len(body["records"]) <= allowances
        assert len({record["id"] for record in body["records"]}) == len(body["records"])
        assert body["controller"]["name"] == "Magistrat der Wissenschaftsstadt Darmstadt"
        for url, headers in (
            ("/v1/catalogue/processing-records?format=html", {}),
            ("/v1/catalogue/processing-records", {"Accept": "text/html,*/*"}),
            ("/v1/catalogue/processing-records.html", {}),
        ):
            page = await http.get(url, headers=bearer(reader, **headers))
            assert page.status_code == 200
            assert page.headers["content-type"].startswith("text/html")
            assert page.text.count('<section class="record"') == len(body["records"])

    async def test_scope_and_token_are_required(
        self, http: httpx.AsyncClient, token_for: TokenFactory
    ) -> None:
        querying = await token_for("meldebehoerde", scopes=["register:query"])
        refused = await http.get("/v1/catalogue/processing-records", headers=bearer(querying))
        assert refused.status_code == 403
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert (await http.get("/v1/catalogue/processing-records.html")).status_code == 401
        bad_day = await http.get(
            "/v1/catalogue/processing-records?on=gestern",
            headers=bearer(await token_for("meldebehoerde", scopes=READ)),
        )
        assert bad_day.status_code == 422
        assert "/on" in bad_day.text
