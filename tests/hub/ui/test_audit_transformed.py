"""The DPO's entry page says which released fields left as a coarser value, and how."""

from __future__ import annotations

import httpx
from fastapi import FastAPI

from tests.fixtures.workbench import Clock, append, make_account, record, sign_in, verified


async def test_entry_page_names_the_transformations(
    ui_app: FastAPI, browser: httpx.AsyncClient, clock: Clock
) -> None:
    password = await make_account(ui_app, "dpo.weber", roles=["dpo"])
    assert (await sign_in(browser, "dpo.weber", password)).status_code == 303
    transformed = record(
        "t1",
        authority="statistikstelle",
        purpose="kommunalstatistik",
        fields_released=["addresses", "birth"],
        fields_transformed={"addresses": "district", "birth": "year_month"},
    )
    plain = record("t2")
    transformed_id = await append(ui_app.state.sessionmaker, clock, transformed)
    plain_id = await append(ui_app.state.sessionmaker, clock, plain)

    page = (await browser.get(f"/ui/audit/entries/{transformed_id}")).text
    assert (
        '<ul id="d-fields-transformed"><li>addresses: district</li><li>birth: year_month</li></ul>'
        in page
    )
    page = (await browser.get(f"/ui/audit/entries/{plain_id}")).text
    assert '<span id="d-fields-transformed" class="none">keine</span>' in page
    verify = await verified(ui_app, browser)
    assert 'id="chain-result" data-ok="true"' in verify  # the new column is in the hash
