"""The law check's second look: special categories and fields beyond the default catalogue.

``religion`` (DSGVO Art. 9) is within what the policy allows a city office, and
``nationality`` within BMG §34 Abs. 1, but neither is in the default catalogue's list for
the Wohngeldstelle: each needs an explicit legal basis and a second confirmation, the refusal
names the field, the rule and the norm, and nothing changes until both are given.
"""

from __future__ import annotations

import httpx
import pytest

from hub.catalogue.lawcheck import law_matrix_maximum, sensitive_fields
from tests.fixtures.catalogue_api import bearer, steward_token, write
from tests.fixtures.tokens import TokenFactory

BASE = "/v1/catalogue"
ALLOWANCE = f"{BASE}/purposes/wohngeld_antrag/allowances/wohngeldstelle/melderegister"
WOHNGELD = ["name", "given_names", "birth", "addresses"]


async def _fields(http: httpx.AsyncClient, token: str) -> tuple[list[str], list[str]]:
    purposes = (await http.get(f"{BASE}/purposes", headers=bearer(token))).json()["purposes"]
    wohngeld = next(p for p in purposes if p["code"] == "wohngeld_antrag")
    [allowance] = [a for a in wohngeld["allowances"] if a["authority"] == "wohngeldstelle"]
    return list(allowance["fields"]), list(allowance["legal_basis"])


@pytest.mark.parametrize(
    ("field", "rule", "norm"),
    [
        ("religion", "special_category", "DSGVO Art. 9 Abs. 1"),
        ("nationality", "beyond_law_matrix", "BMG §34 Abs. 1"),
    ],
)
async def test_needs_a_basis_and_a_second_confirmation(
    http: httpx.AsyncClient, token_for: TokenFactory, field: str, rule: str, norm: str
) -> None:
    steward = await steward_token(token_for)
    before, bases = await _fields(http, steward)
    body = {"fields": [*WOHNGELD, field], "reason": "Bescheid 2026/20"}
    refused = await write(http, steward, "PATCH", ALLOWANCE, body)
    assert refused.status_code == 422, refused.text
    problem = refused.json()
    [needed] = problem["needs_confirmation"]
    assert (needed["field"], needed["rule"]) == (field, rule)
    assert norm in needed["norm"]
    assert problem["errors"] == [{"pointer": "/fields/4", "detail": problem["errors"][0]["detail"]}]
    assert field in problem["detail"]
    assert "second confirmation" in problem["detail"]
    assert await _fields(http, steward) == (before, bases)  # nothing changed

    for confirmation in (
        {"fields": ["name"], "legal_basis": "BMG §37 Abs. 1"},  # not the field the check named
        {"fields": [field], "legal_basis": "no such basis"},  # a basis the catalogue lacks
    ):
        again = await write(
            http, steward, "PATCH", ALLOWANCE, {**body, "confirm_sensitive": confirmation}
        )
        assert again.status_code == 422, again.text
    assert await _fields(http, steward) == (before, bases)

    confirmed = {"fields": [field], "legal_basis": "BMG §37 Abs. 1"}
    saved = await write(http, steward, "PATCH", ALLOWANCE, {**body, "confirm_sensitive": confirmed})
    assert saved.status_code == 200, saved.text
    fields, bases_after = await _fields(http, steward)
    assert fields == [*WOHNGELD, field]
    assert "BMG §37 Abs. 1" in bases_after
    # Saved once, the field counts as confirmed: the next edit needs no second look.
    later = await write(
        http, steward, "PATCH", ALLOWANCE, {"fields": [field, "name"], "reason": "gekürzt"}
    )
    assert later.status_code == 200, later.text


async def test_forbidden_fields_stay_refused_whatever_is_confirmed(
    http: httpx.AsyncClient, token_for: TokenFactory
) -> None:
    """A confirmation cannot override the policy: vote_excl is the Wahlamt's alone."""
    steward = await steward_token(token_for)
    body = {
        "fields": ["name", "vote_excl"],
        "reason": "Versuch",
        "confirm_sensitive": {"fields": ["vote_excl"], "legal_basis": "BMG §37 Abs. 1"},
    }
    refused = await write(http, steward, "PATCH", ALLOWANCE, body)
    assert refused.status_code == 422
    assert refused.json()["withheld_fields"] == ["vote_excl"]


def test_the_maximum_is_law_matrix_s_list_for_the_authority() -> None:
    maximum = law_matrix_maximum("wohngeldstelle", "melderegister")
    assert {"name", "addresses", "blocks"} <= maximum
    assert "religion" not in maximum
    found = sensitive_fields(
        authority="wohngeldstelle",
        register="melderegister",
        fields=["name", "religion", "nationality"],
        special=(),
        already=["nationality"],
    )
    assert [(item.field, item.rule) for item in found] == [("religion", "special_category")]
    # An authority the default catalogue does not list has no maximum: every field needs the
    # look.
    assert law_matrix_maximum("privatperson", "melderegister") == frozenset()
