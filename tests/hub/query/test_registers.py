"""``GET /v1/registers``: each register's XÖV standard and version by its fields."""

from __future__ import annotations

from typing import Any

import httpx

from tests.fixtures.tokens import TokenFactory

EXPECTED_XOEV = {
    "melderegister": {"standard": "XMeld", "version": "25.11a"},
    "gewerberegister": {"standard": "XGewerbeanzeige", "version": "2.2"},
    "personenstandsregister": {"standard": "XPersonenstand", "version": "1.x"},
}


async def _registers(http: httpx.AsyncClient, token_for: TokenFactory) -> dict[str, Any]:
    token = await token_for("wohngeldstelle")
    response = await http.get("/v1/registers", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.text
    return {register["id"]: register for register in response.json()["registers"]}


async def test_every_register_names_its_xoev_standard_and_version(
    http: httpx.AsyncClient, token_for: TokenFactory
) -> None:
    registers = await _registers(http, token_for)
    assert {key: registers[key]["xoev"] for key in EXPECTED_XOEV} == EXPECTED_XOEV


async def test_every_field_keeps_its_xoev_element_and_message(
    http: httpx.AsyncClient, token_for: TokenFactory
) -> None:
    registers = await _registers(http, token_for)
    for register in registers.values():
        for dataset in register["datasets"]:
            assert dataset["xoev_message"]
            assert all(field["xoev_element"] for field in dataset["fields"])
    melde_fields = {f["id"]: f for f in registers["melderegister"]["datasets"][0]["fields"]}
    assert melde_fields["name"]["xoev_element"].endswith("xmeld:familienname.unstrukturiert")
