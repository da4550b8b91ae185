"""The catalogue API: views, validated writes, scopes, history."""

from __future__ import annotations

import dataclasses

import httpx
import pytest

from adapters.registry import available_adapter_classes
from governance.sync import sync_catalogue
from hub.db import create_sync_engine
from tests.fixtures.catalogue_api import READ, bearer, steward_token, write
from tests.fixtures.tokens import TokenFactory

BASE = "/v1/catalogue"
PROBLEM = "application/problem+json"


def allowance(**changes: object) -> dict[str, object]:
    body: dict[str, object] = {
        "authority": "jobcenter",
        "register": "melderegister",
        "kinds": ["person"],
        "fields": ["name", "given_names", "birth"],
        "legal_basis": ["BMG §34 Abs. 1 S. 1"],
        "approval_reference": "OB-Verfügung 2026/17",
        "reason": "Antrag des Jobcenters vom 1.12.",
    }
    body.update(changes)
    return body


async def test_views_show_owner_stewards_fields_purposes_duties(
    http: httpx.AsyncClient, token_for: TokenFactory
) -> None:
    token = await token_for("meldebehoerde", scopes=READ)
    datasets = (await http.get(f"{BASE}/datasets", headers=bearer(token))).json()
    melde = next(r for r in datasets["registers"] if r["id"] == "melderegister")
    assert melde["owner_office"] == "Bürgeramt / Meldebehörde"
    [persons] = melde["datasets"]
    assert {s["email"] for s in persons["stewards"]} <= {
        "mara.beispiel@example.org",
        "jonas.platzhalter@example.org",
    }
    religion = next(f for f in persons["fields"] if f["id"] == "religion")
    assert religion["classification"] == "special_category"
    assert religion["legal_basis"] == "BMG §3 Abs. 1 Nr. 11"
    assert religion["release"] == "approved"
    assert religion["declared"] is True
    gewerbe = next(r for r in datasets["registers"] if r["id"] == "gewerberegister")
    assert gewerbe["datasets"][0]["open_data"] is True
    purposes = (await http.get(f"{BASE}/purposes", headers=bearer(token))).json()["purposes"]
    wohngeld = next(p for p in purposes if p["code"] == "wohngeld_antrag")
    assert wohngeld["authorities"] == ["wohngeldstelle"]
    assert wohngeld["allowances"][0]["approval_reference"]
    duties = (await http.get(f"{BASE}/duties", headers=bearer(token))).json()["duties"]
    assert {d["kind"] for d in duties} >= {"retention", "review", "quality_check", "open_data"}


@pytest.mark.parametrize("path", ["/datasets", "/purposes", "/duties", "/history"])
async def test_reads_need_a_token_and_the_scope(
    http: httpx.AsyncClient, token_for: TokenFactory, path: str
) -> None:
    assert (await http.get(BASE + path)).status_code == 401
    token = await token_for("wohngeldstelle")  # register:query only
    refused = await http.get(BASE + path, headers=bearer(token))
    assert refused.status_code == 403
    assert refused.headers["content-type"].startswith(PROBLEM)


async def test_writes_need_catalogue_write(
    http: httpx.AsyncClient, token_for: TokenFactory
) -> None:
    reader = await token_for("meldebehoerde", scopes=READ)
    body = {"status": "revoked", "reason": "Prüfung"}
    url = f"{BASE}/datasets/melderegister/persons/fields/birth"
    assert (await http.patch(url, json=body)).status_code == 401
    assert (await http.patch(url, json=body, headers=bearer(reader))).status_code == 403


async def test_write_without_reason_is_422_naming_it(
    http: httpx.AsyncClient, token_for: TokenFactory
) -> None:
    steward = await steward_token(token_for)
    url = f"{BASE}/datasets/melderegister/persons/fields/birth"
    response = await write(http, steward, "PATCH", url, {"status": "revoked"})
    assert response.status_code == 422
    assert {"pointer": "/reason"}.items() <= response.json()["errors"][0].items()


async def test_release_transitions_are_checked(
    http: httpx.AsyncClient, token_for: TokenFactory
) -> None:
    steward = await steward_token(token_for)
    url = f"{BASE}/datasets/melderegister/persons/fields/birth"
    again = await write(http, steward, "PATCH", url, {"status": "approved", "reason": "nochmal"})
    assert again.status_code == 200  # approved -> approved: metadata-only, no transition
    revoked = await write(http, steward, "PATCH", url, {"status": "revoked", "reason": "Fehler"})
    assert revoked.status_code == 200
    unknown = await write(
        http,
        steward,
        "PATCH",
        f"{BASE}/datasets/melderegister/persons/fields/nope",
        {"status": "approved", "reason": "x" * 3},
    )
    assert unknown.status_code == 404


async def test_allowance_for_a_field_the_register_lacks_is_refused(
    http: httpx.AsyncClient, token_for: TokenFactory
) -> None:
    steward = await steward_token(token_for)
    response = await write(
        http,
        steward,
        "POST",
        f"{BASE}/purposes/wohngeld_antrag/allowances",
        allowance(fields=["name", "shoe_size"]),
    )
    assert response.status_code == 422
    assert response.json()["errors"] == [
        {"pointer": "/fields/1", "detail": "melderegister has no field 'shoe_size'"}
    ]


@pytest.mark.parametrize(
    ("authority", "field"),
    [
        ("jobcenter", "religion"),
        ("jobcenter", "idnr"),
        ("jobcenter", "elstam"),
        ("sozialamt", "vote_excl"),
    ],
)
async def test_allowance_the_law_forbids_is_refused_by_the_policy(
    http: httpx.AsyncClient, token_for: TokenFactory, authority: str, field: str
) -> None:
    steward = await steward_token(token_for)
    response = await write(
        http,
        steward,
        "POST",
        f"{BASE}/purposes/wohngeld_antrag/allowances",
        allowance(authority=authority, fields=["name", field]),
    )
    assert response.status_code == 422, response.text
    problem = response.json()
    assert problem["withheld_fields"] == [field]
    assert problem["errors"][0]["pointer"] == "/fields/1"
    assert problem["reasons"]


async def test_lawful_allowance_is_accepted_and_reaches_the_next_decision(
    http: httpx.AsyncClient, token_for: TokenFactory
) -> None:
    steward = await steward_token(token_for)
    created = await write(
        http, steward, "POST", f"{BASE}/purposes/wohngeld_antrag/allowances", allowance()
    )
    if created.status_code == 409:  # the defaults may already admit the jobcenter
        created = await write(
            http,
            steward,
            "PATCH",
            f"{BASE}/purposes/wohngeld_antrag/allowances/jobcenter/melderegister",
            {"fields": ["name", "given_names", "birth"], "reason": "eingeschränkt"},
        )
    assert created.status_code in {200, 201}, created.text
    purposes = (await http.get(f"{BASE}/purposes", headers=bearer(steward))).json()["purposes"]
    sgb2 = next(p for p in purposes if p["code"] == "wohngeld_antrag")
    jobcenter = next(a for a in sgb2["allowances"] if a["authority"] == "jobcenter")
    assert jobcenter["fields"] == ["name", "given_names", "birth"]


async def test_every_write_kind_is_in_the_history(
    http: httpx.AsyncClient, token_for: TokenFactory
) -> None:
    steward = await steward_token(token_for)
    ds = f"{BASE}/datasets/gewerberegister/businesses"
    calls = [
        ("PATCH", f"{ds}/fields/rechtsform", {"status": "revoked", "reason": "r1r"}),
        ("PATCH", ds, {"owner_office": "Gewerbeamt (Abt. 2)", "reason": "r2r"}),
        (
            "POST",
            f"{BASE}/stewards",
            {"name": "Eva Fiktiv", "email": "eva@example.org", "reason": "r3r"},
        ),
        (
            "POST",
            f"{BASE}/legal-bases",
            {"code": "GewO §15", "norm": "GewO", "paragraph": "§15", "reason": "r4r"},
        ),
        (
            "PATCH",
            f"{BASE}/legal-bases/GewO §15",
            {"title": "Empfangsbescheinigung", "reason": "r5r"},
        ),
        (
            "POST",
            f"{BASE}/purposes",
            {
                "code": "test_zweck",
                "title": "Test",
                "register": "melderegister",
                "legal_basis": ["BMG §37 Abs. 1", "GewO §15"],
                "reason": "r6r",
            },
        ),
        ("PATCH", f"{BASE}/purposes/test_zweck", {"title": "Test 2", "reason": "r7r"}),
        (
            "POST",
            f"{BASE}/purposes/test_zweck/allowances",
            allowance(
                authority="wohngeldstelle",
                register="melderegister",
                fields=["name"],
                legal_basis=["BMG §37 Abs. 1"],
                reason="r8r",
            ),
        ),
        (
            "PATCH",
            f"{BASE}/purposes/test_zweck/allowances/wohngeldstelle/melderegister",
            {"fields": ["name", "given_names"], "reason": "r9r"},
        ),
    ]
    for method, url, body in calls:
        response = await write(http, steward, method, url, body)
        assert response.status_code in {200, 201}, (url, response.text)
    new_id = next(
        c
        for c in (
            await http.get(
                f"{BASE}/history", headers=bearer(steward), params={"target": "steward:"}
            )
        ).json()["changes"]
    )["after"]["id"]
    for method, url, body in [
        ("PATCH", f"{BASE}/stewards/{new_id}", {"phone": "+49 0", "reason": "r10"}),
        ("PUT", f"{ds}/stewards/{new_id}", {"responsibility": "deputy", "reason": "r11"}),
    ]:
        assert (await write(http, steward, method, url, body)).status_code == 200
    deleted = await write(http, steward, "DELETE", f"{ds}/stewards/{new_id}", reason="r12")
    assert deleted.status_code == 200, deleted.text
    history = (
        await http.get(f"{BASE}/history", headers=bearer(steward), params={"actor": "s.steward"})
    ).json()["changes"]
    assert [c["reason"] for c in history] == [f"r{i}r" for i in range(1, 10)] + [
        "r10",
        "r11",
        "r12",
    ]
    revisions = [c["revision"] for c in history]
    assert revisions == sorted(set(revisions))  # one bump per write
    assert {c["action"] for c in history} == {
        "field.revoke",
        "dataset.update",
        "steward.create",
        "legal_basis.create",
        "legal_basis.update",
        "purpose.create",
        "purpose.update",
        "allowance.create",
        "allowance.update",
        "steward.update",
        "dataset.steward.put",
        "dataset.steward.delete",
    }
    paged = (
        await http.get(
            f"{BASE}/history", headers=bearer(steward), params={"actor": "s.steward", "limit": 5}
        )
    ).json()
    assert len(paged["changes"]) == 5
    assert paged["next"] is not None


def test_sync_flags_removed_fields_and_unflags_them(clean_database: str) -> None:
    from tests.fixtures.factories import load_default_catalogue  # noqa: PLC0415

    load_default_catalogue(clean_database)
    specs = [cls.spec for cls in available_adapter_classes().values()]
    melde = next(spec for spec in specs if spec.id == "melderegister")
    [persons] = melde.datasets
    shrunk = dataclasses.replace(
        melde,
        datasets=(
            dataclasses.replace(
                persons, fields=tuple(f for f in persons.fields if f.name != "landlord")
            ),
        ),
    )
    others = [spec for spec in specs if spec.id != "melderegister"]
    engine = create_sync_engine(clean_database)
    try:
        with engine.begin() as connection:
            removed = sync_catalogue(connection, specs=[shrunk, *others]).as_json()
        with engine.begin() as connection:
            again = sync_catalogue(connection, specs=[shrunk, *others]).as_json()
        with engine.begin() as connection:
            back = sync_catalogue(connection, specs=specs).as_json()
    finally:
        engine.dispose()
    assert removed["flagged_removed"] == ["field:melderegister/persons/landlord"]
    assert again == {**again, "added": [], "flagged_removed": [], "redeclared": []}
    assert again["revision"] == removed["revision"]
    assert back["redeclared"] == ["field:melderegister/persons/landlord"]
    assert back["revision"] == removed["revision"] + 1
