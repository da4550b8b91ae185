"""A save that changes nothing is no change: no history row, no new revision."""

from __future__ import annotations

import httpx

from tests.fixtures.catalogue_api import bearer, steward_token, write
from tests.fixtures.tokens import TokenFactory

BASE = "/v1/catalogue"
ALLOWANCE = f"{BASE}/purposes/wohngeld_antrag/allowances/wohngeldstelle/melderegister"


async def _history(http: httpx.AsyncClient, token: str) -> list[dict[str, object]]:
    answer = await http.get(f"{BASE}/history", headers=bearer(token), params={"limit": 200})
    changes: list[dict[str, object]] = answer.json()["changes"]
    return changes


async def _allowance_fields(http: httpx.AsyncClient, token: str) -> list[str]:
    purposes = (await http.get(f"{BASE}/purposes", headers=bearer(token))).json()["purposes"]
    wohngeld = next(p for p in purposes if p["code"] == "wohngeld_antrag")
    fields: list[str] = next(
        a for a in wohngeld["allowances"] if a["authority"] == "wohngeldstelle"
    )["fields"]
    return fields


class TestNoOpSave:
    async def test_saving_an_allowance_unchanged_adds_no_revision(
        self, http: httpx.AsyncClient, token_for: TokenFactory
    ) -> None:
        steward = await steward_token(token_for)
        fields = await _allowance_fields(http, steward)
        before = await _history(http, steward)
        same = await write(
            http, steward, "PATCH", ALLOWANCE, {"fields": fields, "reason": "gleich"}
        )
        assert same.status_code == 200, same.text
        assert same.json()["changed"] is False
        reordered = await write(
            http, steward, "PATCH", ALLOWANCE, {"fields": fields[::-1], "reason": "umsortiert"}
        )
        assert reordered.json()["changed"] is False
        assert await _allowance_fields(http, steward) == fields
        assert await _history(http, steward) == before
        fewer = await write(
            http, steward, "PATCH", ALLOWANCE, {"fields": fields[:-1], "reason": "eingeschränkt"}
        )
        assert fewer.json()["changed"] is True
        assert fewer.json()["revision"] == same.json()["revision"] + 1
        assert len(await _history(http, steward)) == len(before) + 1

    async def test_saving_a_purpose_unchanged_adds_no_revision(
        self, http: httpx.AsyncClient, token_for: TokenFactory
    ) -> None:
        steward = await steward_token(token_for)
        purposes = (await http.get(f"{BASE}/purposes", headers=bearer(steward))).json()
        title = next(p for p in purposes["purposes"] if p["code"] == "wohngeld_antrag")["title"]
        before = await _history(http, steward)
        same = await write(
            http,
            steward,
            "PATCH",
            f"{BASE}/purposes/wohngeld_antrag",
            {"title": title, "reason": "gleich"},
        )
        assert same.status_code == 200, same.text
        assert same.json() | {"after": None} == {
            "revision": purposes["revision"],
            "target": "purpose:wohngeld_antrag",
            "action": "purpose.update",
            "after": None,
            "changed": False,
        }
        assert await _history(http, steward) == before
