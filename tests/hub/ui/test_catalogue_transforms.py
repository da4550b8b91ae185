"""The steward workbench shows an allowance's transformations and saves changes to them.

The statistics allowance's row carries its transformations in the form; a steward coarsens
the Wohngeldstelle's birth date to the year through the form, the page shows it, and a
transformation outside the vocabulary is refused on the page without a change.
"""

from __future__ import annotations

from typing import Any

import httpx
from fastapi import FastAPI
from lxml import html

from tests.fixtures.workbench import make_account, sign_in

PURPOSES = "/ui/catalogue/purposes"
STATISTICS_PAGE = f"{PURPOSES}/kommunalstatistik"
WOHNGELD_PAGE = f"{PURPOSES}/wohngeld_antrag"
STATISTICS = "allowance-kommunalstatistik-statistikstelle-melderegister"
WOHNGELD = "allowance-wohngeld_antrag-wohngeldstelle-melderegister"


def form_of(page: str, anchor: str) -> tuple[str, dict[str, Any]]:
    [section] = html.fromstring(page).xpath(f'//section[@id="{anchor}"]')
    [form] = section.xpath(".//form")
    values: dict[str, Any] = {"fields": []}
    for name, value in form.form_values():
        if name == "fields":
            values["fields"].append(value)
        else:
            values[str(name)] = str(value)
    return str(form.get("action")), values


async def test_transformations_are_shown_and_saved_like_fields(
    ui_app: FastAPI, browser: httpx.AsyncClient
) -> None:
    password = await make_account(ui_app, "s.stewart", roles=["steward"])
    assert (await sign_in(browser, "s.stewart", password, next_url=PURPOSES)).status_code == 303
    page = (await browser.get(STATISTICS_PAGE)).text
    shown = form_of(page, STATISTICS)[1]["transforms"]
    assert shown == "addresses: district, birth: year_month, death: year_month"

    action, form = form_of((await browser.get(WOHNGELD_PAGE)).text, WOHNGELD)
    assert form["transforms"] == ""
    form["transforms"] = "birth: year"
    form["reason"] = "Bescheid OB 2026-18: Geburtsjahr genügt"
    saved = await browser.post(action, data=form)
    assert saved.status_code == 303, saved.text
    assert (
        form_of((await browser.get(WOHNGELD_PAGE)).text, WOHNGELD)[1]["transforms"] == "birth: year"
    )

    form["transforms"] = "birth: blur"
    refused = await browser.post(action, data=form)
    assert refused.status_code == 422, refused.text
    assert "unknown transformation" in refused.text
    assert (
        form_of((await browser.get(WOHNGELD_PAGE)).text, WOHNGELD)[1]["transforms"] == "birth: year"
    )
