"""A lawful allowance edit in the steward workbench reaches the next real API decision.

The steward fills in the allowance form on /ui/catalogue/purposes as a browser would (the
form's current values, one field added, a reason), the policy accepts it, the page and the
history show it, and the Wohngeldstelle's next query releases the added field. The hub here
refreshes its catalogue snapshot only hourly, so the release proves that the workbench write
itself reached the policy input (not the refresh timer).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from lxml import html

from hub.app import create_app
from tests.fixtures.factories import (
    import_persons,
    load_default_catalogue,
    new_client,
    person,
    settings_for,
)
from tests.fixtures.ledger import ledger_rows
from tests.fixtures.paths import REPO
from tests.fixtures.workbench import HUB, make_account, sign_in

PURPOSES = "/ui/catalogue/purposes"
WOHNGELD_PAGE = f"{PURPOSES}/wohngeld_antrag"
BASIS = "BMG §37 Abs. 1"  # a legal basis the default catalogue knows
ANCHOR = "allowance-wohngeld_antrag-wohngeldstelle-melderegister"
QUERY_URL = "/v1/registers/melderegister/queries"
ADDED = "nationality"  # BMG §34 Abs. 1 S. 1 Nr. 8; not in the Wohngeldstelle's default allowance


@pytest.fixture
async def ui_app(clean_database: str, tmp_path: Path) -> AsyncIterator[FastAPI]:
    """The hub of tests/hub/ui/conftest.py, but with an hourly catalogue refresh."""
    load_default_catalogue(clean_database)
    settings = settings_for(
        clean_database,
        key_dir=tmp_path / "keys",
        policy_dir=REPO / "policies",
        catalogue_refresh_seconds=3600,
        issuer=HUB,
    )
    application = create_app(settings)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
async def api(ui_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """A second client on the same hub: the Wohngeldstelle's specialist application."""
    transport = httpx.ASGITransport(app=ui_app)
    async with httpx.AsyncClient(transport=transport, base_url=HUB) as client:
        yield client


async def office_token(api: httpx.AsyncClient, database_url: str) -> str:
    client = new_client(database_url, authority="wohngeldstelle")
    response = await api.post(
        "/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(client.client_id, client.client_secret),
    )
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


async def ask(api: httpx.AsyncClient, token: str) -> dict[str, Any]:
    body = {
        "kind": "person",
        "purpose": "wohngeld_antrag",
        "case_reference": "WG-2026-0042",
        "user": {"id": "m.schmidt", "roles": []},
        "match": {"name": "Müller", "given_names": "Anna", "birth_date": "1980-05-17"},
        "fields": ["name", "given_names", ADDED],
    }
    response = await api.post(QUERY_URL, json=body, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.text
    return dict(response.json())


def allowance_form(page: str) -> tuple[str, dict[str, Any]]:
    """The allowance's form: its action and the values a browser would submit.

    Repeated names (the ticked fields of the picker) become lists, as a browser sends them.
    """
    [section] = html.fromstring(page).xpath(f'//section[@id="{ANCHOR}"]')
    [form] = section.xpath(".//form")
    values: dict[str, Any] = {}
    for name, value in form.form_values():
        if name in values:
            values[name] = (
                [*values[name], value]
                if isinstance(values[name], list)
                else [
                    values[name],
                    value,
                ]
            )
        else:
            values[name] = [value] if name in {"fields", "confirm_fields"} else value
    return str(form.get("action")), values


def listed_fields(page: str) -> list[str]:
    return list(allowance_form(page)[1].get("fields", []))


async def test_religion_needs_an_explicit_basis_and_a_second_confirmation(
    ui_app: FastAPI,
    browser: httpx.AsyncClient,
    api: httpx.AsyncClient,
    clean_database: str,
) -> None:
    """DSGVO Art. 9: the law check names the field and the rule, and nothing is saved."""
    import_persons(clean_database, [person("P-1", religion="rk")])
    token = await office_token(api, clean_database)
    password = await make_account(ui_app, "s.stewart", roles=["steward"])
    assert (await sign_in(browser, "s.stewart", password, next_url="")).status_code == 303
    page = await browser.get(WOHNGELD_PAGE)
    action, form = allowance_form(page.text)
    form["fields"] = [*form["fields"], "religion"]
    form["reason"] = "Versuch: Religion für Wohngeld"
    refused = await browser.post(action, data=form)
    assert refused.status_code == 422
    assert "religion ist eine besondere Kategorie personenbezogener Daten" in refused.text
    assert "DSGVO Art. 9 Abs. 1" in refused.text
    [item] = html.fromstring(refused.text).xpath('//li[@class="confirm-field"]')
    assert item.get("data-field") == "religion"
    assert item.get("data-rule") == "special_category"
    body = await ask_fields(api, token, ["name", "religion"])
    assert body["decision"]["withheld_fields"] == ["religion"]


async def ask_fields(api: httpx.AsyncClient, token: str, fields: list[str]) -> dict[str, Any]:
    body = {
        "kind": "person",
        "purpose": "wohngeld_antrag",
        "case_reference": "WG-2026-0043",
        "user": {"id": "m.schmidt", "roles": []},
        "match": {"name": "Müller", "given_names": "Anna", "birth_date": "1980-05-17"},
        "fields": fields,
    }
    response = await api.post(QUERY_URL, json=body, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.text
    return dict(response.json())


def history_rows(page: str) -> list[dict[str, str]]:
    rows = html.fromstring(page).xpath('//table[@id="history"]/tbody/tr[@data-change-id]')
    return [
        {cell.get("class"): cell.text_content() for cell in row.xpath("td[@class]")} for row in rows
    ]


async def test_added_field_is_saved_shown_logged_and_released_by_the_next_query(
    ui_app: FastAPI,
    browser: httpx.AsyncClient,
    api: httpx.AsyncClient,
    clean_database: str,
) -> None:
    import_persons(clean_database, [person("P-1", nationality=["DE", "FR"])])
    token = await office_token(api, clean_database)
    before = await ask(api, token)
    assert before["decision"]["withheld_fields"] == [ADDED]
    assert ADDED not in before["records"][0]["fields"]
    refused = ledger_rows(clean_database)[-1]
    assert refused["fields_withheld"] == [ADDED]
    assert refused["reasons"] == ["field_not_in_allowlist"]

    password = await make_account(ui_app, "s.stewart", roles=["steward"])
    assert (await sign_in(browser, "s.stewart", password, next_url=PURPOSES)).status_code == 303
    page = await browser.get(WOHNGELD_PAGE)
    assert page.status_code == 200, page.text
    old_fields = listed_fields(page.text)
    assert ADDED not in old_fields
    action, form = allowance_form(page.text)
    form["fields"] = [*old_fields, ADDED]
    form["reason"] = "Bescheid OB 2026-17: Staatsangehörigkeit für Wohngeld"

    # Beyond the default catalogue for the Wohngeldstelle: the first save asks for the second look,
    # keeps what was entered, and changes nothing.
    first = await browser.post(action, data=form)
    assert first.status_code == 422, first.text
    assert "nationality geht über das hinaus, was der Standardkatalog der Stadt" in first.text
    assert ADDED in listed_fields(first.text)
    action, form = allowance_form(first.text)
    assert form["confirm_fields"] == [ADDED]
    assert form["reason"] == "Bescheid OB 2026-17: Staatsangehörigkeit für Wohngeld"
    unticked = await browser.post(action, data={**form, "confirm_basis": BASIS})
    assert unticked.status_code == 422
    assert "Zweite Bestätigung: bitte ankreuzen" in unticked.text
    assert (await ask(api, token))["decision"]["withheld_fields"] == [ADDED]

    saved = await browser.post(action, data={**form, "confirm_basis": BASIS, "confirmed": "yes"})
    assert saved.status_code == 303, saved.text
    assert saved.headers["location"] == f"{WOHNGELD_PAGE}?done=allowance#{ANCHOR}"
    shown = await browser.get(saved.headers["location"])
    assert "Zulassung gespeichert; die Rechtsprüfung hat sie angenommen." in shown.text
    assert set(listed_fields(shown.text)) == {*old_fields, ADDED}

    target = "allowance:wohngeld_antrag/wohngeldstelle/melderegister"
    history = await browser.get("/ui/catalogue/history", params={"target": target})
    [change] = history_rows(history.text)
    assert change["actor"] == "s.stewart"
    assert change["action"] == "allowance.update"
    assert change["target"] == target
    assert change["reason"] == form["reason"]
    revision = int(change["revision"])

    after = await ask(api, token)
    assert after["decision"]["withheld_fields"] == []
    assert after["records"][0]["fields"][ADDED] == ["DE", "FR"]
    entry = ledger_rows(clean_database)[-1]
    assert ADDED in entry["fields_released"]
    assert entry["catalogue_revision"] == revision > refused["catalogue_revision"]
