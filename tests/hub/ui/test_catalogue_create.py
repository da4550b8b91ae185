"""Steward workbench: new purposes and allowances.

They go through the API's service and law check; the history shows old → new per member, an
unchanged save records no revision, the Art. 30 records have a table of contents and a
filter, and validation messages are German.
"""

from __future__ import annotations

from typing import Any

import httpx
from fastapi import FastAPI
from lxml import html

from hub.ui.catalogue import repository as ui_repo
from tests.fixtures.workbench import make_account, sign_in

PURPOSES = "/ui/catalogue/purposes"
MULTI = {"fields", "kinds", "legal_basis", "confirm_fields"}


def form_in(page: str, element_id: str) -> tuple[str, dict[str, Any]]:
    """The form inside the element: its action and what a browser would submit."""
    [container] = html.fromstring(page).xpath(f'//*[@id="{element_id}"]')
    [form] = container.xpath(".//form")
    values: dict[str, Any] = {name: [] for name in MULTI}
    for name, value in form.form_values():
        if name in MULTI:
            values[name].append(value)
        else:
            values[str(name)] = str(value)
    return str(form.get("action")), values


async def _steward(ui_app: FastAPI, browser: httpx.AsyncClient) -> None:
    password = await make_account(ui_app, "s.stewart", roles=["steward"])
    assert (await sign_in(browser, "s.stewart", password, next_url="")).status_code == 303


async def _history_ids(ui_app: FastAPI) -> list[int]:
    async with ui_app.state.sessionmaker() as session:
        return [
            change.id for change in await ui_repo.recent_changes(session, target=None, limit=500)
        ]


def _error(page: str) -> str:
    [message] = html.fromstring(page).xpath('//*[@id="error-message"]')
    return str(message.text_content())


class TestNewPurposeAndAllowance:
    async def test_a_purpose_then_an_allowance_are_created_and_shown_in_the_history(
        self, ui_app: FastAPI, browser: httpx.AsyncClient
    ) -> None:
        await _steward(ui_app, browser)
        action, form = form_in((await browser.get(PURPOSES)).text, "purpose-new")
        form |= {
            "code": "hundesteuer_zweitpruefung",
            "title": "Hundesteuer: Zweitprüfung",
            "register": "melderegister",
            "legal_basis": ["BMG §37 Abs. 1"],
            "reason": "Neuer Zweck laut Verfügung",
        }
        created = await browser.post(action, data=form)
        assert created.status_code == 303, created.text
        page = (await browser.get(created.headers["location"])).text
        assert "Zweck angelegt" in page
        action, form = form_in(page, "allowance-new")
        form |= {
            "authority": "steueramt",
            "kinds": ["person"],
            "fields": ["name", "given_names", "addresses"],
            "approval_reference": "OB-Verfügung 2026/99",
            "reason": "Zulassung Steueramt",
        }
        admitted = await browser.post(action, data=form)
        assert admitted.status_code == 303, admitted.text
        page = (await browser.get(admitted.headers["location"])).text
        assert "Zulassung angelegt" in page
        anchor = "allowance-hundesteuer_zweitpruefung-steueramt-melderegister"
        assert html.fromstring(page).xpath(f'//section[@id="{anchor}"]')
        history = html.fromstring((await browser.get("/ui/catalogue/history")).text)
        [newest] = history.xpath('//table[@id="history"]/tbody/tr[1]')
        assert newest.xpath('string(td[@class="action"])') == "allowance.create"
        [fields] = newest.xpath('.//li[@data-member="fields"]')
        assert " ".join(fields.text_content().split()) == "fields: — → name, given_names, addresses"

    async def test_refusals_come_in_german_and_keep_what_was_entered(
        self, ui_app: FastAPI, browser: httpx.AsyncClient
    ) -> None:
        await _steward(ui_app, browser)
        action, form = form_in((await browser.get(PURPOSES)).text, "purpose-new")
        form |= {"code": "Bad Code", "title": "Eingetragen", "register": "melderegister"}
        form |= {"legal_basis": [], "reason": "x"}
        refused = await browser.post(action, data=form)
        assert refused.status_code == 422
        message = _error(refused.text)
        assert "Kennung: Kleinbuchstaben, Ziffern und _" in message
        assert "Begründung: zu kurz (mindestens 3 Zeichen)" in message
        assert "Rechtsgrundlage: mindestens 1 Einträge" in message
        assert "String should" not in refused.text
        assert 'value="Eingetragen"' in refused.text

    async def test_a_special_category_needs_the_second_confirmation_when_creating(
        self, ui_app: FastAPI, browser: httpx.AsyncClient
    ) -> None:
        await _steward(ui_app, browser)
        page = (await browser.get(f"{PURPOSES}/wohngeld_antrag")).text
        action, form = form_in(page, "allowance-new")
        form |= {
            "authority": "sozialamt",
            "kinds": ["person"],
            "fields": ["name", "religion"],
            "approval_reference": "OB-Verfügung 2026/98",
            "reason": "Versuch mit Religion",
        }
        refused = await browser.post(action, data=form)
        assert refused.status_code == 422
        assert "religion ist eine besondere Kategorie" in _error(refused.text)
        action, form = form_in(refused.text, "allowance-new")
        assert form["confirm_fields"] == ["religion"]
        assert form["fields"] == ["name", "religion"]  # what the steward ticked, kept
        form |= {"confirm_basis": "BMG §37 Abs. 1", "confirmed": "yes"}
        confirmed = await browser.post(action, data=form)
        assert confirmed.status_code == 303, confirmed.text


class TestUnchangedSave:
    async def test_saving_the_form_unchanged_records_nothing(
        self, ui_app: FastAPI, browser: httpx.AsyncClient
    ) -> None:
        await _steward(ui_app, browser)
        anchor = "allowance-wohngeld_antrag-wohngeldstelle-melderegister"
        page = (await browser.get(f"{PURPOSES}/wohngeld_antrag")).text
        action, form = form_in(page, anchor)
        before = await _history_ids(ui_app)
        saved = await browser.post(action, data={**form, "reason": "nur gespeichert"})
        assert saved.status_code == 303
        assert "done=unchanged" in saved.headers["location"]
        assert "Nichts geändert" in (await browser.get(saved.headers["location"])).text
        assert await _history_ids(ui_app) == before
        form["fields"] = [name for name in form["fields"] if name != "spouse"]
        await browser.post(action, data={**form, "reason": "ohne Ehegatten"})
        history = html.fromstring((await browser.get("/ui/catalogue/history")).text)
        [fields] = history.xpath('//table[@id="history"]/tbody/tr[1]//li[@data-member="fields"]')
        assert "(entfernt: spouse)" in fields.text_content()
        assert len(await _history_ids(ui_app)) == len(before) + 1


class TestProcessingRecords:
    async def test_the_filter_narrows_the_table_of_contents_and_the_print(
        self, ui_app: FastAPI, browser: httpx.AsyncClient
    ) -> None:
        await _steward(ui_app, browser)
        every = html.fromstring((await browser.get("/ui/catalogue/records")).text)
        total = len(every.xpath('//table[@id="records-toc"]/tbody/tr[@data-record]'))
        assert total > 20
        page = await browser.get(
            "/ui/catalogue/records", params={"q": "wohngeld", "authority": "wohngeldstelle"}
        )
        tree = html.fromstring(page.text)
        rows = tree.xpath('//table[@id="records-toc"]/tbody/tr[@data-record]')
        assert 0 < len(rows) < total
        assert all("Wohngeld" in row.text_content() for row in rows)
        assert f"{len(rows)} von {total} Verzeichniseinträgen" in page.text
        [printed] = tree.xpath('//a[@id="records-print"]/@href')
        document = html.fromstring((await browser.get(printed)).text)
        ids = [row.get("data-record") for row in rows]
        assert document.xpath('//section[@class="record"]/@id') == ids
        nothing = await browser.get("/ui/catalogue/records", params={"q": "gibtesnicht"})
        assert "Kein Eintrag passt zum Filter." in nothing.text
