"""The catalogue release gate on POST /v1/xoev/xmeld: a field not approved never leaves in XML.

The same lock as tests/hub/catalogue/test_release_gate.py (JSON), proven on the XMeld path: the
1331 answer lacks the field's element and stays schema-valid, the ledger names the field as
withheld for ``field_not_approved`` and records the catalogue revision the decision used.
The catalogue snapshot is refreshed only hourly here (tests/hub/catalogue/conftest.py), so a
release that follows an API write proves that the write itself reached the decision.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from lxml import etree
from sqlalchemy import delete

from governance.models import FieldRelease
from hub.app import create_app
from hub.catalogue.commands import run_sync
from tests.fixtures.catalogue_api import steward_token, write
from tests.fixtures.factories import import_persons, load_default_catalogue, person, settings_for
from tests.fixtures.ledger import ledger_rows, run_statement
from tests.fixtures.paths import REPO
from tests.fixtures.tokens import TokenFactory
from tests.fixtures.xmeld_messages import NS, answer_of, personensuche, post, status_of, to_bytes

FIELD = "/v1/catalogue/datasets/melderegister/persons/fields"
# 1 Familienname, 7 Vornamen, 13 Geburtsdatum, 94 Familienstand (adapters/xmeld/codes.py).
CODES = (1, 7, 13, 94)
PERSON = "x:antwortSuchanfrage/x:auskunft/x:person/x:personendaten"


@pytest.fixture
async def app(clean_database: str, tmp_path: Path, xoev_schema_dir: Path) -> AsyncIterator[FastAPI]:
    """The catalogue hub (tests/hub/catalogue/conftest.py) with XMeld schema validation on."""
    load_default_catalogue(clean_database)
    run_sync(settings_for(clean_database))
    settings = settings_for(
        clean_database,
        key_dir=tmp_path / "keys",
        policy_dir=REPO / "policies",
        catalogue_refresh_seconds=3600,
        issuer="http://hub.test",
        xoev_schema_dir=xoev_schema_dir,
    )
    application = create_app(settings)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
def married(clean_database: str) -> str:
    marital = {"status": "verheiratet", "since": "2010-06-12"}
    import_persons(clean_database, [person("P-1", marital=marital)])
    return clean_database


async def ask_xmeld(
    http: httpx.AsyncClient, token: str, *, schemas: Path, database: str
) -> tuple[etree._Element, dict[str, Any]]:
    """One 1330 by the Wohngeldstelle asking for name, given names, birth and marital status.

    Returns the schema-checked person data of the 1331 answer and the request's ledger entry.
    """
    message = personensuche(schemas, codes=CODES)
    response = await post(http, token, to_bytes(message))
    assert response.status_code == 200, response.text
    root = answer_of(response, schemas)  # asserts: valid against the XMeld schema
    assert status_of(root) == "01"
    data = root.find(PERSON, NS)
    assert data is not None
    return data, ledger_rows(database)[-1]


def assert_marital_withheld(data: etree._Element, entry: dict[str, Any]) -> None:
    assert data.find("x:familienstand", NS) is None
    assert data.find("x:name", NS) is not None  # the approved fields still come
    assert entry["outcome"] == "released"
    assert entry["fields_requested"] == ["name", "given_names", "birth", "marital"]
    assert sorted(entry["fields_released"]) == ["birth", "given_names", "name"]
    assert entry["fields_withheld"] == ["marital"]
    assert "field_not_approved" in entry["reasons"]
    assert isinstance(entry["catalogue_revision"], int)


def assert_marital_released(data: etree._Element, entry: dict[str, Any], revision: int) -> None:
    assert (
        data.findtext("x:familienstand/x:familienstand/x:familienstand/code", namespaces=NS) == "VH"
    )
    assert "marital" in entry["fields_released"]
    assert "marital" not in entry["fields_withheld"]
    assert "field_not_approved" not in entry["reasons"]
    assert entry["catalogue_revision"] == revision


async def approve_marital(http: httpx.AsyncClient, token_for: TokenFactory, *, after: int) -> int:
    steward = await steward_token(token_for)
    body = {"status": "approved", "reason": "geprüft"}
    approved = await write(http, steward, "PATCH", f"{FIELD}/marital", body)
    assert approved.status_code == 200, approved.text
    assert approved.json()["after"]["status"] == "approved"
    revision = int(approved.json()["revision"])
    assert revision > after
    return revision


async def test_unreviewed_field_is_withheld_until_approved(
    http: httpx.AsyncClient, token_for: TokenFactory, married: str, xoev_schema_dir: Path
) -> None:
    # A field the code declares but the catalogue has not reviewed (a new adapter field).
    run_statement(
        married,
        delete(FieldRelease).where(
            FieldRelease.register == "melderegister", FieldRelease.field == "marital"
        ),
    )
    assert run_sync(settings_for(married))["added"] == ["field:melderegister/persons/marital"]
    office = await token_for("wohngeldstelle")

    data, first = await ask_xmeld(http, office, schemas=xoev_schema_dir, database=married)
    assert_marital_withheld(data, first)

    revision = await approve_marital(http, token_for, after=first["catalogue_revision"])
    data, second = await ask_xmeld(http, office, schemas=xoev_schema_dir, database=married)
    assert_marital_released(data, second, revision)


async def test_revoked_field_is_withheld_until_approved_again(
    http: httpx.AsyncClient, token_for: TokenFactory, married: str, xoev_schema_dir: Path
) -> None:
    office = await token_for("wohngeldstelle")
    data, before = await ask_xmeld(http, office, schemas=xoev_schema_dir, database=married)
    assert data.find("x:familienstand", NS) is not None  # approved in the default catalogue

    steward = await steward_token(token_for)
    body = {"status": "revoked", "reason": "Prüfung"}
    revoked = await write(http, steward, "PATCH", f"{FIELD}/marital", body)
    assert revoked.status_code == 200, revoked.text
    revoked_at = int(revoked.json()["revision"])
    assert revoked_at > before["catalogue_revision"]

    data, withheld = await ask_xmeld(http, office, schemas=xoev_schema_dir, database=married)
    assert_marital_withheld(data, withheld)
    assert withheld["catalogue_revision"] == revoked_at

    revision = await approve_marital(http, token_for, after=revoked_at)
    data, released = await ask_xmeld(http, office, schemas=xoev_schema_dir, database=married)
    assert_marital_released(data, released, revision)
