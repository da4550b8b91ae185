"""Code declares, the catalogue approves: the release gate end to end."""

from __future__ import annotations

from typing import Any

import httpx
from sqlalchemy import delete

from governance.models import FieldRelease
from hub.catalogue.commands import run_sync
from hub.domain import Outcome
from hub.policy.schemas import Decision
from hub.query.minimise import release_only_approved
from tests.fixtures.catalogue_api import bearer, steward_token, write
from tests.fixtures.factories import import_persons, person, settings_for
from tests.fixtures.ledger import ledger_rows, run_statement
from tests.fixtures.melderegister_queries import person_query
from tests.fixtures.tokens import TokenFactory

URL = "/v1/registers/melderegister/queries"
FIELD = "/v1/catalogue/datasets/melderegister/persons/fields"


def free_query(fields: list[str]) -> dict[str, Any]:
    return {
        "kind": "free",
        "purpose": "gefahrenabwehr_evakuierung",
        "case_reference": "EV-2026-7",
        "user": {"id": "o.amt", "roles": []},
        "match": {"street": "Rheinstraße", "house_number": "12", "postal_code": "64283"},
        "fields": fields,
    }


def residents(database_url: str) -> None:
    marital = {"status": "verheiratet", "since": "2010-06-12"}
    import_persons(database_url, [person("P-1", marital=marital)])


async def test_new_field_is_unreviewed_then_approved_then_revoked(
    http: httpx.AsyncClient, token_for: TokenFactory, clean_database: str
) -> None:
    residents(clean_database)
    # The code declares `marital`; the catalogue does not know it yet (a new adapter field).
    run_statement(
        clean_database,
        delete(FieldRelease).where(
            FieldRelease.register == "melderegister", FieldRelease.field == "marital"
        ),
    )
    report = run_sync(settings_for(clean_database))
    assert report["added"] == ["field:melderegister/persons/marital"]
    assert run_sync(settings_for(clean_database))["added"] == []  # idempotent
    office = await token_for("wohngeldstelle")
    fields = ["name", "given_names", "marital"]

    answer = await http.post(URL, json=person_query(fields), headers=bearer(office))
    assert answer.status_code == 200, answer.text
    assert answer.json()["decision"]["withheld_fields"] == ["marital"]
    assert "marital" not in answer.json()["records"][0]["fields"]
    first = ledger_rows(clean_database)[-1]
    assert first["fields_released"] == ["given_names", "name"]
    assert "marital" in first["fields_withheld"]
    assert "field_not_approved" in first["reasons"]

    steward = await steward_token(token_for)
    approved = await write(
        http, steward, "PATCH", f"{FIELD}/marital", {"status": "approved", "reason": "geprüft"}
    )
    assert approved.status_code == 200, approved.text
    revision = approved.json()["revision"]
    assert revision > first["catalogue_revision"]

    answer = await http.post(URL, json=person_query(fields), headers=bearer(office))
    assert answer.json()["records"][0]["fields"]["marital"]["status"] == "verheiratet"
    second = ledger_rows(clean_database)[-1]
    assert second["catalogue_revision"] == revision
    assert "marital" in second["fields_released"]

    revoked = await write(
        http, steward, "PATCH", f"{FIELD}/marital", {"status": "revoked", "reason": "Fehler"}
    )
    assert revoked.status_code == 200, revoked.text
    answer = await http.post(URL, json=person_query(fields), headers=bearer(office))
    assert answer.json()["decision"]["withheld_fields"] == ["marital"]
    third = ledger_rows(clean_database)[-1]
    assert third["catalogue_revision"] == revoked.json()["revision"]
    assert "field_not_approved" in third["reasons"]


async def test_free_search_withholds_a_revoked_field(
    http: httpx.AsyncClient, token_for: TokenFactory, clean_database: str
) -> None:
    residents(clean_database)
    steward = await steward_token(token_for)
    revoked = await write(
        http, steward, "PATCH", f"{FIELD}/birth", {"status": "revoked", "reason": "Prüfung"}
    )
    assert revoked.status_code == 200, revoked.text
    office = await token_for("ordnungsamt")
    answer = await http.post(
        URL, json=free_query(["name", "given_names", "birth"]), headers=bearer(office)
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["decision"]["withheld_fields"] == ["birth"]
    assert all("birth" not in record["fields"] for record in answer.json()["records"])
    entry = ledger_rows(clean_database)[-1]
    assert entry["catalogue_revision"] == revoked.json()["revision"]
    assert "field_not_approved" in entry["reasons"]


async def test_only_unreviewed_fields_asked_is_denied(
    http: httpx.AsyncClient, token_for: TokenFactory, clean_database: str
) -> None:
    residents(clean_database)
    run_statement(
        clean_database,
        delete(FieldRelease).where(
            FieldRelease.register == "melderegister", FieldRelease.field == "marital"
        ),
    )
    run_sync(settings_for(clean_database))
    office = await token_for("wohngeldstelle")
    answer = await http.post(URL, json=person_query(["marital"]), headers=bearer(office))
    assert answer.status_code == 403
    assert "field_not_approved" in answer.json()["reasons"]
    assert ledger_rows(clean_database)[-1]["fields_released"] == []


def test_hub_gate_holds_even_if_a_policy_released_an_unapproved_field() -> None:
    """The second lock, independent of the policy (hub/query/minimise.py)."""
    decision = Decision(outcome=Outcome.RELEASED, fields=["name", "religion"], reasons=["ok"])
    gated = release_only_approved(decision, approved={"name"})
    assert gated.fields == ["name"]
    assert gated.withheld == ["religion"]
    assert "field_not_approved" in gated.reasons
    nothing = release_only_approved(decision, approved=set())
    assert nothing.outcome == Outcome.DENIED
    assert nothing.fields == []
    assert "no_releasable_fields" in nothing.reasons
    assert release_only_approved(decision, approved={"name", "religion"}) is decision
