"""``/open/monitor.json`` and ``/monitor``: real figures, small counts suppressed, German HTML."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from tests.fixtures.hub_app import asgi_client


@pytest.fixture
async def http(monitor_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with asgi_client(monitor_app) as client:
        yield client


async def _figures(http: httpx.AsyncClient) -> dict[str, Any]:
    response = await http.get("/open/monitor.json")
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"].startswith("public")
    figures: dict[str, Any] = response.json()
    return figures


class TestFigures:
    async def test_share_answered_automatically_per_register(self, http: httpx.AsyncClient) -> None:
        registers = {r["register"]: r for r in (await _figures(http))["register"]}
        melde = registers["melderegister"]
        assert melde["anfragen"] == 36
        assert melde["automatisch_beantwortet_prozent"] == round(100 * 29 / 36, 1)
        assert registers["gewerberegister"]["automatisch_beantwortet_prozent"] == 100.0

    async def test_small_counts_by_authority_are_suppressed_with_a_partner(
        self, http: httpx.AsyncClient
    ) -> None:
        rows = {
            r["behoerde"]: r["anfragen"] for r in (await _figures(http))["anfragen_nach_behoerde"]
        }
        assert rows["jobcenter"] is None  # 3 requests: below the threshold
        hidden = [a for a, n in rows.items() if n is None]
        assert len(hidden) >= 2  # not recomputable from the total
        assert rows["wohngeldstelle"] is None or abs(rows["wohngeldstelle"] - 26) <= 2

    async def test_register_office_backlog_and_answer_times(self, http: httpx.AsyncClient) -> None:
        office = (await _figures(http))["meldebehoerde"]
        assert office["offene_aufgaben"] == 2
        assert 2.9 < office["aelteste_offene_aufgabe_tage"] < 3.1
        assert office["bearbeitungszeit_stunden_median"] == 7.0
        assert office["bearbeitungszeit_stunden_p95"] == 50.0

    async def test_catalogue_ledger_and_procedures(self, http: httpx.AsyncClient) -> None:
        figures = await _figures(http)
        catalogue = figures["datenkatalog"]
        assert 0 < catalogue["felder_geprueft_prozent"] <= 100
        assert catalogue["zwecke_mit_rechtsgrundlage_prozent"] == 100.0
        assert figures["protokoll"]["letzter_signierter_pruefpunkt"] is None
        assert figures["angeschlossene_verfahren"] == 0
        [month] = figures["monate"]
        assert month["anfragen"] == 45


class TestPage:
    async def test_german_page_with_landmarks_and_tables(self, http: httpx.AsyncClient) -> None:
        response = await http.get("/monitor")
        assert response.status_code == 200
        html = response.text
        assert '<html lang="de">' in html
        for landmark in ("<header>", "<nav ", "<main ", "<footer>"):
            assert landmark in html
        assert html.count("<caption>") == 5
        assert "<script" not in html
        assert "Digitalmonitor Darmstadt" in html
