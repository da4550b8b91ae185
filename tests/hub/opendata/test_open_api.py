"""Public ``GET /open/...`` and the aggregates in ``/v1/catalogue/dcat``."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path

import httpx
import pyshacl
import pytest
from fastapi import FastAPI
from rdflib import Graph
from sqlalchemy.ext.asyncio import AsyncSession

from hub.config import OpendataSettings
from hub.opendata.definitions_service import set_status
from tests.fixtures.factories import load_default_catalogue
from tests.fixtures.hub_app import asgi_client, client_token, hub_settings, running_hub
from tests.fixtures.opendata import approve, publisher
from tests.fixtures.paths import SHAPES

PUBLIC = "https://daten.darmstadt.example"
CODE = "einwohner_stadtteil"


@pytest.fixture
async def http(
    clean_database: str, tmp_path: Path, residents: object, session: AsyncSession
) -> AsyncIterator[httpx.AsyncClient]:
    del residents
    load_default_catalogue(clean_database)
    await approve(session, [CODE, "bewegungen_stadtteil"])
    made, engine = publisher(clean_database, tmp_path / "open")
    await made.run(today=date(2026, 12, 5))
    await engine.dispose()
    settings = hub_settings(
        clean_database,
        tmp_path,
        opendata=OpendataSettings(directory=tmp_path / "open", public_base_url=PUBLIC),
    )
    application: FastAPI
    async with running_hub(settings) as application, asgi_client(application) as client:
        yield client


class TestOpenFiles:
    async def test_csv_without_authentication_with_caching_headers(
        self, http: httpx.AsyncClient
    ) -> None:
        response = await http.get(f"/open/{CODE}/latest.csv")
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "text/csv; charset=utf-8"
        assert response.headers["cache-control"].startswith("public, max-age=")
        assert response.headers["last-modified"].endswith("GMT")
        assert response.text.startswith("stichtag,stadtteil,")
        same = await http.get(f"/open/{CODE}/2026-11-30.csv")
        assert same.content == response.content
        again = await http.get(
            f"/open/{CODE}/latest.csv", headers={"If-None-Match": response.headers["etag"]}
        )
        assert again.status_code == 304

    async def test_json_names_its_columns(self, http: httpx.AsyncClient) -> None:
        document = (await http.get(f"/open/{CODE}/latest.json")).json()
        assert document["aggregat"] == CODE
        assert document["stichtag"] == "2026-11-30"
        assert document["geheimhaltung"]["schwelle"] == 5
        assert [c["id"] for c in document["spalten"]][-2:] == ["anzahl", "gesperrt"]

    async def test_unknown_reference_is_a_problem(self, http: httpx.AsyncClient) -> None:
        response = await http.get(f"/open/{CODE}/2020-01-31.csv")
        assert response.status_code == 404
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["type"].endswith("/open-data-not-found")

    async def test_a_file_that_no_longer_matches_its_ledger_entry_is_not_served(
        self, http: httpx.AsyncClient, tmp_path: Path
    ) -> None:
        [path] = (tmp_path / "open" / CODE).glob("2026-11-30.*.csv")
        path.write_bytes(path.read_bytes().replace(b",", b";", 1))
        assert (await http.get(f"/open/{CODE}/latest.csv")).status_code == 404

    async def test_a_revoked_aggregate_is_no_longer_served(
        self, http: httpx.AsyncClient, session: AsyncSession
    ) -> None:
        await set_status(session, CODE, status="revoked", actor="s.steward", reason="Prüfung")
        assert (await http.get(f"/open/{CODE}/latest.csv")).status_code == 404
        assert CODE not in (await http.get("/open/")).text

    async def test_landing_pages_in_german(self, http: httpx.AsyncClient) -> None:
        index = await http.get("/open/")
        assert index.status_code == 200
        assert '<html lang="de">' in index.text
        assert f'href="/open/{CODE}/latest.csv"' in index.text
        page = await http.get(f"/open/{CODE}/")
        assert "2026-11-30" in page.text


class TestDcatDistributions:
    async def test_published_aggregates_are_harvestable_datasets(
        self, http: httpx.AsyncClient, clean_database: str
    ) -> None:
        token = await client_token(
            http, clean_database, authority="meldebehoerde", scopes=["catalogue:read"]
        )
        response = await http.get(
            "/v1/catalogue/dcat", headers={"Authorization": f"Bearer {token}"}
        )
        assert response.status_code == 200, response.text
        graph = Graph().parse(data=response.text, format="turtle")
        rows = graph.query(
            """PREFIX dcat: <http://www.w3.org/ns/dcat#> PREFIX dct: <http://purl.org/dc/terms/>
            SELECT ?url ?media { ?d dct:title ?t ; dcat:distribution ?x .
              ?x dcat:downloadURL ?url ; dcat:mediaType ?media . }"""
        )
        urls = {(str(row[0]), str(row[1]).rsplit("/", 1)[-1]) for row in rows}  # type: ignore[index]
        assert (f"{PUBLIC}/open/{CODE}/latest.csv", "csv") in urls
        assert (f"{PUBLIC}/open/{CODE}/latest.json", "json") in urls
        assert (f"{PUBLIC}/open/bewegungen_stadtteil/latest.csv", "csv") in urls
        for code in (CODE, "bewegungen_stadtteil"):
            assert graph.query(
                f"""PREFIX dcat: <http://www.w3.org/ns/dcat#> PREFIX dct: <http://purl.org/dc/terms/>
                PREFIX vcard: <http://www.w3.org/2006/vcard/ns#> PREFIX foaf: <http://xmlns.com/foaf/0.1/>
                PREFIX dcatap: <http://data.europa.eu/r5r/>
                ASK {{ ?d dct:identifier ?id ; dct:title ?t ; dct:language ?lang ;
                    dcat:theme ?theme ;
                    dct:license [ dct:title "Datenlizenz Deutschland Namensnennung 2.0"@de ] ;
                    dct:publisher [ foaf:name ?p ] ; dcat:contactPoint [ vcard:fn ?fn ] ;
                    dct:spatial ?s ; dcatap:applicableLegislation ?law ; dcat:landingPage ?page ;
                    dct:issued ?i ; dct:modified ?m ; dcat:keyword ?k .
                  FILTER(STRENDS(STR(?id), "/aggregate/{code}")) }}"""
            ).askAnswer, code
        shapes = Graph().parse(SHAPES / "dcat-ap-SHACL.ttl", format="turtle")
        conforms, _, text = pyshacl.validate(graph, shacl_graph=shapes, allow_warnings=False)
        assert conforms, text


class TestCatalogueAggregates:
    async def test_steward_revokes_through_the_api_and_the_file_goes(
        self, http: httpx.AsyncClient, clean_database: str
    ) -> None:
        reader = await client_token(
            http, clean_database, authority="meldebehoerde", scopes=["catalogue:read"]
        )
        listed = await http.get(
            "/v1/catalogue/aggregates", headers={"Authorization": f"Bearer {reader}"}
        )
        rows = {row["code"]: row for row in listed.json()["aggregates"]}
        assert rows[CODE]["status"] == "approved"
        assert rows[CODE]["latest_publication"] == "2026-11-30"
        writer = await client_token(
            http,
            clean_database,
            authority="meldebehoerde",
            scopes=["catalogue:read", "catalogue:write"],
        )
        headers = {"Authorization": f"Bearer {writer}", "X-User-Id": "s.steward"}
        refused = await http.post(
            f"/v1/catalogue/aggregates/{CODE}/status",
            json={"status": "revoked", "reason": "Neue Prüfung"},
            headers={"Authorization": f"Bearer {reader}"},
        )
        assert refused.status_code == 403
        revoked = await http.post(
            f"/v1/catalogue/aggregates/{CODE}/status",
            json={"status": "revoked", "reason": "Neue Prüfung"},
            headers=headers,
        )
        assert revoked.status_code == 200, revoked.text
        assert (await http.get(f"/open/{CODE}/latest.csv")).status_code == 404
        history = await http.get(
            "/v1/catalogue/history",
            params={"target": f"aggregate:{CODE}"},
            headers={"Authorization": f"Bearer {reader}"},
        )
        actions = [(c["action"], c["actor"]) for c in history.json()["changes"]]
        assert ("aggregate.revoke", "s.steward") in actions
