"""Two hubs over loopback: hub A asks hub B's Melderegister in XMeld (1330 → 1331).

Hub B is the normal app with a Melderegister mirror and ``POST /v1/xoev/xmeld`` served by
uvicorn on 127.0.0.1; hub A runs with ``HUB_ADAPTERS__MELDEREGISTER__SOURCE=xmeld``.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from hub.app import create_app
from hub.kit.migrate import upgrade_head
from tests.fixtures.factories import (
    blocked,
    import_persons,
    load_default_catalogue,
    new_client,
    person,
    settings_for,
)
from tests.fixtures.ledger import ledger_rows
from tests.fixtures.paths import REPO

URL = "/v1/registers/melderegister/queries"
# Security-authority data of P-1 at hub B (BMG §34 Abs. 1 S. 2), served in XMeld too.
ID_DOCS = [{"kind": "personalausweis", "authority": "Stadt Darmstadt", "issued": "2020-01-02",
            "valid_until": "2030-01-01", "serial": "L01X00T47"}]  # fmt: skip
WEAPONS = {"kind": "Waffenbesitzkarte", "authority": "Stadt Darmstadt", "issued": "2019-05-06"}
EXPLOSIVES = {"kind": "Erlaubnis nach SprengG §27", "authority": "RP Darmstadt",
              "issued": "2018-03-07"}  # fmt: skip
LANDLORD = {"name": "Hausverwaltung Roth GmbH", "address": "Rheinstraße 12, 64283 Darmstadt"}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _query(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "kind": "person",
        "purpose": "eheanmeldung",
        "case_reference": "EA-2026-0007",
        "user": {"id": "s.becker", "roles": []},
        "match": {"name": "Müller", "given_names": "Anna", "birth_date": "1980-05-17"},
        "fields": ["name", "given_names", "birth"],
    }
    body.update(changes)
    return body


@pytest.fixture
def hub_b(clean_database: str, tmp_path: Path, xoev_schema_dir: Path) -> Iterator[str]:
    """Hub B (Darmstadt, ags:06411000) served on a free loopback port; yields its base URL."""
    load_default_catalogue(clean_database)
    import_persons(
        clean_database,
        [
            person("P-1", id_docs=ID_DOCS, weapons=WEAPONS, explosives=EXPLOSIVES,
                   landlord=LANDLORD, marital={"status": "verheiratet", "since": "2010-06-12"},
                   spouse_id="P-3"),
            person("P-3", given_names=("Jan",), birth_date="1978-02-03", sex="m",
                   spouse_id="P-1"),
            person("P-2", name="Groß", given_names=("Erika",), birth_date="1964-08-12",
                   blocks=blocked()),
        ],
    )  # fmt: skip
    app = create_app(
        settings_for(
            clean_database,
            key_dir=tmp_path / "keys-b",
            policy_dir=REPO / "policies",
            catalogue_refresh_seconds=0,
            issuer="http://hub-b.test",
            xoev_schema_dir=xoev_schema_dir,
        )
    )
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("hub B did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def _hub_a_settings(
    tmp_path: Path, url_b: str, database_b: str, xoev: Path, *, at_b_as: str = "standesamt_extern"
) -> Any:
    database_a = f"sqlite:///{tmp_path / 'hub-a.db'}"
    upgrade_head(database_a)
    load_default_catalogue(database_a)
    at_b = new_client(database_b, authority=at_b_as)
    settings = settings_for(
        database_a,
        key_dir=tmp_path / "keys-a",
        policy_dir=REPO / "policies",
        catalogue_refresh_seconds=0,
        issuer="http://hub-a.test",
        municipality_name="Offenbach am Main",
        municipality_ags="06413000",
        adapters_enabled=["melderegister"],
        adapters={
            "melderegister": {
                "source": "xmeld",
                "url": f"{url_b}/v1/xoev/xmeld",
                "client_id": at_b.client_id,
                "client_secret": at_b.client_secret,
                "own_kennung": "ags:06413000",
                "own_name": "Stadt Offenbach am Main",
                "own_email": "registerhub@offenbach.example",
                "own_street": "Berliner Straße",
                "own_house_number": "100",
                "own_postal_code": "63065",
                "own_city": "Offenbach am Main",
                "remote_kennung": "ags:06411000",
                "remote_name": "Wissenschaftsstadt Darmstadt, Meldebehörde",
                "timeout_seconds": 10,
                "schema_dir": str(xoev),
            }
        },
    )
    return settings, database_a


@pytest.fixture
async def hub_a(
    hub_b: str, clean_database: str, tmp_path: Path, xoev_schema_dir: Path
) -> AsyncIterator[tuple[httpx.AsyncClient, str, str]]:
    """Hub A (Offenbach) whose Melderegister is hub B; yields (client, A's db, A's token)."""
    settings, database_a = _hub_a_settings(tmp_path, hub_b, clean_database, xoev_schema_dir)
    async for item in _serve_a(settings, database_a):
        yield item


@pytest.fixture
async def hub_a_police(
    hub_b: str, clean_database: str, tmp_path: Path, xoev_schema_dir: Path
) -> AsyncIterator[tuple[httpx.AsyncClient, str, str]]:
    """Hub A asked by its Polizei, and known to hub B as Polizei (BMG §34 Abs. 4 S. 1 Nr. 1)."""
    settings, database_a = _hub_a_settings(
        tmp_path, hub_b, clean_database, xoev_schema_dir, at_b_as="polizei"
    )
    async for item in _serve_a(settings, database_a, caller_authority="polizei"):
        yield item


async def _serve_a(
    settings: Any, database_a: str, *, caller_authority: str = "standesamt"
) -> AsyncIterator[tuple[httpx.AsyncClient, str, str]]:
    app = create_app(settings)
    caller = new_client(database_a, authority=caller_authority)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://hub-a.test") as http:
            token = await http.post(
                "/oauth/token",
                data={"grant_type": "client_credentials"},
                auth=(caller.client_id, caller.client_secret),
            )
            assert token.status_code == 200, token.text
            yield http, database_a, token.json()["access_token"]


async def test_a_answers_with_b_person_data_and_both_ledgers_record_it(
    hub_a: tuple[httpx.AsyncClient, str, str], clean_database: str
) -> None:
    http, database_a, token = hub_a
    response = await http.post(URL, json=_query(), headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["outcome"] == "released"
    (record,) = body["records"]
    assert record["fields"]["name"] == "Müller"
    assert record["fields"]["given_names"] == ["Anna"]
    assert record["fields"]["birth"]["date"] == "1980-05-17"
    (entry_a,) = ledger_rows(database_a)
    assert entry_a["outcome"] == "released"
    assert entry_a["purpose"] == "eheanmeldung"
    entries_b = ledger_rows(clean_database)
    assert entries_b  # search (name only) and fetch (released fields)
    for entry in entries_b:
        assert entry["authority"] == "standesamt_extern"
        assert entry["purpose"] == "eheanmeldung"
        assert entry["case_reference"] == "EA-2026-0007"
        assert entry["user_id"] == "s.becker"


async def test_b_neutral_gives_a_neutral(hub_a: tuple[httpx.AsyncClient, str, str]) -> None:
    http, database_a, token = hub_a
    blocked_person = {"name": "Groß", "given_names": "Erika", "birth_date": "1964-08-12"}
    response = await http.post(
        URL, json=_query(match=blocked_person), headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status_code == 200, response.text
    assert response.json() == {"outcome": "neutral", "request_id": response.json()["request_id"],
                               "records": []}  # fmt: skip
    (entry_a,) = ledger_rows(database_a)
    assert entry_a["outcome"] == "neutral"


async def test_b_unreachable_gives_502_on_record(
    clean_database: str, tmp_path: Path, xoev_schema_dir: Path
) -> None:
    load_default_catalogue(clean_database)
    nowhere = f"http://127.0.0.1:{_free_port()}"  # nothing listens there
    settings, database_a = _hub_a_settings(tmp_path, nowhere, clean_database, xoev_schema_dir)
    async for http, _, token in _serve_a(settings, database_a):
        response = await http.post(URL, json=_query(), headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 502
        assert "127.0.0.1" not in response.text
        (entry,) = ledger_rows(database_a)
        assert entry["http_status"] == 502


async def test_security_data_travel_from_b_to_a(
    hub_a_police: tuple[httpx.AsyncClient, str, str], clean_database: str
) -> None:
    """Move dates, documents, permits and the Wohnungsgeber arrive at A as B holds them."""
    http, database_a, token = hub_a_police
    fields = ["name", "given_names", "addresses", "move_dates", "id_docs", "weapons",
              "explosives", "landlord", "spouse"]  # fmt: skip
    query = _query(purpose="strafverfolgung", fields=fields)
    response = await http.post(URL, json=query, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.text
    (record,) = response.json()["records"]
    values = record["fields"]
    assert values["id_docs"] == ID_DOCS
    assert values["weapons"] == WEAPONS
    assert values["explosives"] == EXPLOSIVES
    assert values["landlord"] == LANDLORD
    assert values["move_dates"]["moved_in"] == "2015-04-01"
    assert values["addresses"][0]["moved_in"] == "2015-04-01"
    # B sends the spouse, but A cannot see whether B's spouse is blocked (the 1331 does not
    # say), so A's policy leaves the role out (BMG §34a Abs. 5 S. 3, fail-safe).
    assert values["spouse"] is None
    fetched = [e for e in ledger_rows(clean_database) if "id_docs" in e["fields_released"]]
    assert fetched, "hub B released the security data in XMeld"
    assert {"spouse", "landlord", "weapons"} <= set(fetched[0]["fields_released"])
    (entry_a,) = ledger_rows(database_a)
    assert entry_a["outcome"] == "released"
