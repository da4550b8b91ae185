"""DCAT-AP.de Turtle for open datasets: parsed back and queried, property by property."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import httpx
import pyshacl
import pytest
from rdflib import Graph, URIRef
from rdflib.query import ResultRow
from sqlalchemy.ext.asyncio import AsyncSession

from governance.dcat import DcatExport, DcatSettings
from governance.opendata.export import dcat_export
from hub.db import create_hub_engine, create_sessionmaker
from tests.fixtures.catalogue_api import READ, bearer
from tests.fixtures.catalogue_factories import catalogue
from tests.fixtures.paths import SHAPES
from tests.fixtures.tokens import TokenFactory

LICENCE = "http://dcat-ap.de/def/licenses/dl-by-de/2.0"
ACCESS = "https://register-hub.darmstadt.de/open/gewerbe.json"
BASE = "https://register-hub.darmstadt.de/dcat"
SETTINGS = DcatSettings(
    base_uri=BASE,
    title="Offene Registerdaten",
    description="Offene Daten der Stadt",
    publisher_name="Wissenschaftsstadt Darmstadt",
    publisher_uri="https://www.darmstadt.de",
    municipality_ags="06411000",
    contributor_ids=("http://dcat-ap.de/def/contributors/stadtDarmstadt",),
    landing_page="https://register-hub.darmstadt.de/open/",
)

PREFIXES = """
PREFIX dcat: <http://www.w3.org/ns/dcat#>
PREFIX dct: <http://purl.org/dc/terms/>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX vcard: <http://www.w3.org/2006/vcard/ns#>
PREFIX dcatde: <http://dcat-ap.de/def/dcatde/>
PREFIX dcatap: <http://data.europa.eu/r5r/>
PREFIX eli: <http://data.europa.eu/eli/ontology#>
PREFIX hydra: <http://www.w3.org/ns/hydra/core#>
"""


@pytest.fixture
async def session(clean_database: str) -> AsyncIterator[AsyncSession]:
    engine = create_hub_engine(clean_database)
    async with create_sessionmaker(engine)() as opened:
        yield opened
    await engine.dispose()


@pytest.fixture
def built(clean_database: str) -> None:
    with catalogue(clean_database) as rows:
        rows.register("gewerberegister")
        rows.legal_basis(
            "GewO §14 Abs. 5 S. 2",
            norm="GewO",
            paragraph="§14 Abs. 5 S. 2",
            title="Öffentliche Angaben",
        )
        open_ = {"open_data": True, "licence": LICENCE, "access_url": ACCESS}
        rows.dataset(
            "gewerberegister",
            "businesses",
            title="Gewerbebetriebe in Darmstadt",
            description="Angemeldete Gewerbe.",
            owner_office="Gewerbeamt",
            keywords=["Gewerbe", "Wirtschaft"],
            legal_basis=["GewO §14 Abs. 5 S. 2"],
            **open_,
        )
        rows.dataset("gewerberegister", "closed", title="Intern")
        rows.dataset("gewerberegister", "personal_only", title="Nur personenbezogen", **open_)
        rows.dataset(
            "gewerberegister", "no_licence", title="Ohne Lizenz", open_data=True, access_url=ACCESS
        )
        rows.field("gewerberegister", "businesses", "name", title="Name", classification="public")
        rows.field(
            "gewerberegister",
            "businesses",
            "taetigkeit",
            title="Tätigkeit",
            classification="public",
        )
        rows.field("gewerberegister", "businesses", "birth_date", title="Geburtsdatum")
        rows.field("gewerberegister", "closed", "x", title="X", classification="public")
        rows.field("gewerberegister", "personal_only", "private", title="Wohnanschrift")
        rows.field("gewerberegister", "no_licence", "y", title="Y", classification="public")
        steward = rows.steward(name="Petra Pflege", email="gewerbe-daten@darmstadt.example")
        rows.link_steward("gewerberegister", "businesses", steward)
        target = "dataset:gewerberegister/businesses"
        rows.change(target, occurred_at=datetime(2026, 1, 5, 9, tzinfo=UTC))
        rows.change(target, occurred_at=datetime(2026, 11, 30, 16, tzinfo=UTC))


async def _export(session: AsyncSession) -> tuple[DcatExport, Graph]:
    export = await dcat_export(session, settings=SETTINGS)
    graph = Graph().parse(data=export.turtle(), format="turtle")
    return export, graph


def _select(graph: Graph, query: str, **bindings: URIRef) -> list[ResultRow]:
    rows = graph.query(PREFIXES + query, initBindings=bindings)
    return [row for row in rows if isinstance(row, ResultRow)]


def _ask(graph: Graph, query: str) -> bool:
    return bool(graph.query(PREFIXES + query).askAnswer)


@pytest.mark.usefixtures("built")
class TestDcat:
    async def test_catalog_has_its_mandatory_properties(self, session: AsyncSession) -> None:
        _, graph = await _export(session)
        assert _ask(
            graph,
            """ASK { ?c a dcat:Catalog ; dct:title ?t ; dct:description ?d ;
                     dct:publisher ?p ; dcat:dataset ?ds .
                     ?p a foaf:Agent ; foaf:name ?n . }""",
        )

    async def test_only_open_complete_datasets_with_public_fields_are_published(
        self, session: AsyncSession
    ) -> None:
        export, graph = await _export(session)
        datasets = {str(row[0]) for row in _select(graph, "SELECT ?d { ?d a dcat:Dataset }")}
        assert datasets == {f"{BASE}/datasets/gewerberegister/businesses"}
        assert export.published == ["gewerberegister/businesses"]
        assert {(item.dataset, item.reason) for item in export.skipped} == {
            ("personal_only", "no_public_fields"),
            ("no_licence", "no_licence"),
        }
        turtle = export.turtle()
        for hidden in ("Intern", "Geburtsdatum", "Wohnanschrift", "Petra Pflege"):
            assert hidden not in turtle

    async def test_dataset_and_distribution_properties(self, session: AsyncSession) -> None:
        _, graph = await _export(session)
        dataset = URIRef(f"{BASE}/datasets/gewerberegister/businesses")
        rows = _select(
            graph,
            """SELECT ?title ?description ?publisher ?access ?licence ?law ?law_title ?email {
                ?d dct:title ?title ; dct:description ?description ; dct:publisher ?publisher ;
                   dcat:distribution ?dist ; dct:license ?licence ;
                   dcatap:applicableLegislation ?law ;
                   dcat:contactPoint [ vcard:hasEmail ?email ] .
                ?law a eli:LegalResource ; dct:title ?law_title .
                ?dist a dcat:Distribution ; dcat:accessURL ?access ; dct:license ?licence . }""",
            d=dataset,
        )
        [row] = rows
        assert str(row.title) == "Gewerbebetriebe in Darmstadt"
        assert "Name, Tätigkeit" in str(row.description)
        assert str(row.publisher) == "https://www.darmstadt.de"
        assert str(row.access) == ACCESS
        assert str(row.licence) == LICENCE
        assert str(row.law) == "https://www.gesetze-im-internet.de/gewo/"
        assert str(row.law_title) == "GewO §14 Abs. 5 S. 2 - Öffentliche Angaben"
        assert str(row.email) == "mailto:gewerbe-daten@darmstadt.example"
        keywords = {
            str(k) for k in graph.objects(dataset, URIRef("http://www.w3.org/ns/dcat#keyword"))
        }
        assert keywords == {"Gewerbe", "Wirtschaft"}
        assert _ask(
            graph,
            f"""ASK {{ <{dataset}> dct:spatial
                <http://dcat-ap.de/def/politicalGeocoding/municipalityKey/06411000> .
                <http://dcat-ap.de/def/politicalGeocoding/municipalityKey/06411000>
                    a dct:Location }}""",
        )

    async def test_no_property_deprecated_in_dcat_ap_de_3(self, session: AsyncSession) -> None:
        export, _ = await _export(session)
        for deprecated in ("politicalGeocodingURI", "legalBasis"):
            assert f"dcatde:{deprecated}" not in export.turtle()

    async def test_what_ckan_harvester_reads(self, session: AsyncSession) -> None:
        """The properties ckanext-dcat's DCAT-AP 2/3 profiles read, for every dataset."""
        _, graph = await _export(session)
        datasets = [row[0] for row in _select(graph, "SELECT ?d { ?d a dcat:Dataset }")]
        assert datasets
        for dataset in datasets:
            assert _ask(
                graph,
                f"""ASK {{ <{dataset}> dct:title ?t ; dct:description ?x ;
                    dct:language <http://publications.europa.eu/resource/authority/language/DEU> ;
                    dct:license ?l ; dcatde:licenseAttributionByText ?a ;
                    dct:publisher [ foaf:name ?p ] ; dcat:contactPoint [ vcard:hasEmail ?e ] ;
                    dct:spatial ?s ; dcat:theme ?theme ; dcatap:applicableLegislation ?law ;
                    dct:issued ?issued ; dct:modified ?modified ; dcat:landingPage ?page ;
                    dcatde:contributorID <http://dcat-ap.de/def/contributors/stadtDarmstadt> .
                    ?l dct:title "Datenlizenz Deutschland Namensnennung 2.0"@de .
                    FILTER(STRSTARTS(STR(?theme),
                        "http://publications.europa.eu/resource/authority/data-theme/")) }}""",
            )
            distributions = list(
                graph.objects(dataset, URIRef("http://www.w3.org/ns/dcat#distribution"))
            )
            assert distributions
            for distribution in distributions:
                assert _ask(
                    graph,
                    f"""ASK {{ <{distribution}> dct:license ?l ; dcat:mediaType ?m ; dct:format ?f .
                        FILTER(STRSTARTS(STR(?f),
                            "http://publications.europa.eu/resource/authority/file-type/"))
                        FILTER(STRSTARTS(STR(?m),
                            "https://www.iana.org/assignments/media-types/")) }}""",
                )

    async def test_dates_come_from_the_catalogue_history(self, session: AsyncSession) -> None:
        _, graph = await _export(session)
        dataset = URIRef(f"{BASE}/datasets/gewerberegister/businesses")
        [row] = _select(graph, "SELECT ?i ?m { ?d dct:issued ?i ; dct:modified ?m }", d=dataset)
        assert str(row.i).startswith("2026-01-05T09:00:00")
        assert str(row.m).startswith("2026-11-30T16:00:00")

    async def test_dcat_ap_3_shapes_find_nothing(self, session: AsyncSession) -> None:
        export, _ = await _export(session)
        shapes = Graph()
        shapes.parse(SHAPES / "dcat-ap-SHACL.ttl", format="turtle")
        data = Graph().parse(data=export.turtle(), format="turtle")
        conforms, _, text = pyshacl.validate(data, shacl_graph=shapes, allow_warnings=False)
        assert conforms, text
        assert "Warning" not in text and "Violation" not in text, text

    async def test_paged_catalogue_for_harvesters(self, session: AsyncSession) -> None:
        export = await dcat_export(session, settings=SETTINGS, page=1)
        graph = Graph().parse(data=export.turtle(), format="turtle")
        [row] = _select(
            graph,
            """SELECT ?total ?first ?last { ?p a hydra:PagedCollection ; hydra:totalItems ?total ;
                 hydra:firstPage ?first ; hydra:lastPage ?last }""",
        )
        assert int(row.total) == 1
        assert str(row.first) == str(row.last)
        assert not _ask(graph, "ASK { ?p hydra:nextPage ?n }")
        beyond = await dcat_export(session, settings=SETTINGS, page=2)
        assert beyond.published == []

    async def test_iris_are_stable(self, session: AsyncSession) -> None:
        first, _ = await _export(session)
        second, _ = await _export(session)
        assert first.graph.isomorphic(second.graph)


class TestApi:
    async def test_turtle_for_catalogue_readers_only(
        self, http: httpx.AsyncClient, token_for: TokenFactory
    ) -> None:
        reader = await token_for("meldebehoerde", scopes=READ)
        response = await http.get("/v1/catalogue/dcat", headers=bearer(reader))
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("text/turtle")
        graph = Graph().parse(data=response.text, format="turtle")
        assert _ask(graph, "ASK { ?c a dcat:Catalog ; dct:publisher ?p }")
        for dataset in _select(graph, "SELECT ?d { ?d a dcat:Dataset }"):
            assert _ask(
                graph,
                f"ASK {{ <{dataset[0]}> dct:title ?t ; dct:description ?x ; dct:publisher ?p ;"
                " dcat:distribution [ dcat:accessURL ?a ; dct:license ?l ] }",
            )
        querying = await token_for("meldebehoerde", scopes=["register:query"])
        refused = await http.get("/v1/catalogue/dcat", headers=bearer(querying))
        assert refused.status_code == 403
        assert (await http.get("/v1/catalogue/dcat")).status_code == 401
