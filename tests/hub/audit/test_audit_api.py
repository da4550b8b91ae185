"""The DPO's workbench and the citizen view over a real ledger."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from alembic import command
from fastapi import FastAPI
from joserfc import jws
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from sqlalchemy import insert, select

from hub.audit.ledger import service
from hub.audit.ledger.chain import CHAINED_COLUMNS
from hub.audit.ledger.reads import ENTRY_COLUMNS
from hub.audit.ledger.service import LedgerRecord
from hub.db import create_sync_engine
from hub.kit.migrate import alembic_config
from hub.models import LedgerEntry, LedgerPersonRef
from tests.fixtures.factories import import_persons, person
from tests.fixtures.hub_app import LedgerClock, freeze_ledger_clock
from tests.fixtures.ledger import ledger_rows
from tests.fixtures.melderegister_queries import URL, query
from tests.fixtures.tokens import TokenFactory

NOW = datetime.now(UTC)
TWO_YEARS_AGO = NOW.replace(year=NOW.year - 2)


def _record(label: str, **changes: Any) -> LedgerRecord:
    """A realistic released Melderegister retrieval; ``label`` becomes the request id."""
    values: dict[str, Any] = {
        "request_id": label,
        "register": "melderegister",
        "outcome": "released",
        "http_status": 200,
        "client_id": f"c-{label}",
        "authority": "sozialamt",
        "authority_category": "city_office",
        "user_id": f"u.{label}",
        "purpose": "sgb12_leistung",
        "case_reference": f"AZ-{label}",
        "kind": "person",
        "hit_person_ids": ["P-1"],
        "released_person_ids": ["P-1"],
        "fields_requested": ["name", "addresses"],
        "fields_released": ["name", "addresses"],
        "legal_basis": ["BMG §37", "SGB XII"],
        "reasons": ["purpose_allowed"],
    }
    values.update(changes)
    return LedgerRecord(**values)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> LedgerClock:
    return freeze_ledger_clock(monkeypatch)


async def _append(
    app: FastAPI, clock: LedgerClock, record: LedgerRecord, at: datetime | None
) -> None:
    clock.at = at
    try:
        async with app.state.sessionmaker() as session:
            await service.append(session, record)
            await session.commit()
    finally:
        clock.at = None


@dataclass
class Ledger:
    auditor: dict[str, str]
    query_request_id: str


@pytest.fixture
async def ledger(
    app: FastAPI,
    http: httpx.AsyncClient,
    token_for: TokenFactory,
    clean_database: str,
    clock: LedgerClock,
) -> Ledger:
    """One real released query for P-1, plus appended entries around it, and a DPO token."""
    import_persons(clean_database, [person("P-1"), person("P-2", name="Schulz")])
    token = await token_for("wohngeldstelle")
    response = await http.post(URL, json=query(), headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.text
    entries: list[tuple[LedgerRecord, datetime | None]] = [
        (_record("sozial"), None),
        (
            _record(
                "polizei",
                authority="polizei",
                authority_category="security_authority",
                purpose="gefahrenabwehr",
            ),
            None,
        ),
        (
            _record(
                "staatsanwalt",
                authority="staatsanwaltschaft",
                authority_category="justice_authority",
                purpose="strafverfolgung",
            ),
            None,
        ),
        (
            _record(
                "manual",
                outcome="manual",
                http_status=202,
                released_person_ids=[],
                fields_released=[],
            ),
            None,
        ),
        (_record("expired", authority="jobcenter", purpose="sgb2_leistung"), TWO_YEARS_AGO),
        (
            _record("other", hit_person_ids=["P-2"], released_person_ids=["P-2"]),
            None,
        ),
        (
            _record(
                "denied",
                authority="ordnungsamt",
                purpose="owi_anhoerung",
                outcome="denied",
                http_status=403,
                released_person_ids=[],
                fields_released=[],
            ),
            None,
        ),
    ]
    for record, at in entries:
        await _append(app, clock, record, at)
    auditor = await token_for("meldebehoerde", scopes=["audit:read"])
    return Ledger(
        auditor={"Authorization": f"Bearer {auditor}", "X-User-Id": "dsb.weber"},
        query_request_id=response.headers["X-Request-ID"],
    )


async def _entries(http: httpx.AsyncClient, ledger: Ledger, **params: Any) -> dict[str, Any]:
    response = await http.get("/v1/audit/entries", params=params, headers=ledger.auditor)
    assert response.status_code == 200, response.text
    return dict(response.json())


def _labels(body: dict[str, Any]) -> set[str]:
    return {entry["request_id"] for entry in body["entries"]}


ALL_REGISTER = {"sozial", "polizei", "staatsanwalt", "manual", "expired", "other", "denied"}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"authority": "polizei"}, {"polizei"}),
        ({"client": "c-manual"}, {"manual"}),
        ({"user": "u.other"}, {"other"}),
        ({"purpose": "strafverfolgung"}, {"staatsanwalt"}),
        ({"outcome": "denied", "register": "melderegister"}, {"denied"}),
        ({"person": "P-2"}, {"other"}),
        ({"person": "P-2", "register": "melderegister"}, {"other"}),
        ({"register": "melderegister", "to": (NOW - timedelta(days=30)).isoformat()}, {"expired"}),
    ],
)
async def test_each_filter(
    http: httpx.AsyncClient, ledger: Ledger, params: dict[str, str], expected: set[str]
) -> None:
    body = await _entries(http, ledger, **params)
    assert _labels(body) == expected
    assert body["total"] == len(expected)
    assert body["next"] is None


async def test_register_time_and_combined_filters(http: httpx.AsyncClient, ledger: Ledger) -> None:
    recent = (NOW - timedelta(days=30)).isoformat()
    body = await _entries(http, ledger, register="melderegister", **{"from": recent})
    assert _labels(body) == (ALL_REGISTER - {"expired"}) | {ledger.query_request_id}
    body = await _entries(http, ledger, register="melderegister", person="P-1", outcome="released")
    assert _labels(body) == {
        "sozial",
        "polizei",
        "staatsanwalt",
        "expired",
        ledger.query_request_id,
    }
    entry = next(e for e in body["entries"] if e["request_id"] == "sozial")
    # Stored as is: ids, names, reasons, legal basis, hashes; the ledger holds no values.
    assert set(entry) == set(ENTRY_COLUMNS)
    assert entry["fields_released"] == ["name", "addresses"]
    assert entry["legal_basis"] == ["BMG §37", "SGB XII"]
    assert entry["occurred_at"].endswith("Z")


async def test_paging_returns_each_entry_once_under_inserts(
    app: FastAPI, http: httpx.AsyncClient, ledger: Ledger, clock: LedgerClock
) -> None:
    for number in range(17):
        await _append(app, clock, _record(f"bulk-{number}"), None)
    first = await _entries(http, ledger, register="melderegister", limit=5)
    expected_total = len(ALL_REGISTER) + 1 + 17
    assert first["total"] == expected_total
    seen = [entry["entry_id"] for entry in first["entries"]]
    cursor, inserted = first["next"], 0
    while cursor is not None:
        if inserted < 3:  # new entries arrive while the DPO pages
            await _append(app, clock, _record(f"late-{inserted}"), None)
            inserted += 1
        page = await _entries(http, ledger, register="melderegister", limit=5, cursor=cursor)
        seen += [entry["entry_id"] for entry in page["entries"]]
        cursor = page["next"]
    assert len(seen) == len(set(seen)) == expected_total + inserted
    rows = [row for row in ledger_rows_of(app) if row["register"] == "melderegister"]
    assert set(seen) == {row["entry_id"] for row in rows}


def ledger_rows_of(app: FastAPI) -> list[dict[str, Any]]:
    return ledger_rows(app.state.settings.database_url)


@pytest.mark.parametrize("limit", ["0", "1001", "-3", "many"])
async def test_limit_bounds(http: httpx.AsyncClient, ledger: Ledger, limit: str) -> None:
    response = await http.get("/v1/audit/entries", params={"limit": limit}, headers=ledger.auditor)
    assert response.status_code == 422
    assert [error["pointer"] for error in response.json()["errors"]] == ["/query/limit"]


async def test_limit_maximum_and_bad_cursor(http: httpx.AsyncClient, ledger: Ledger) -> None:
    body = await _entries(http, ledger, limit=1000)
    assert body["next"] is None
    response = await http.get(
        "/v1/audit/entries", params={"cursor": "not-a-cursor"}, headers=ledger.auditor
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == "/query/cursor"
    response = await http.get(
        "/v1/audit/entries", params={"from": "yesterday"}, headers=ledger.auditor
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == "/query/from"


async def test_csv_export(http: httpx.AsyncClient, ledger: Ledger) -> None:
    response = await http.get(
        "/v1/audit/entries.csv", params={"register": "melderegister"}, headers=ledger.auditor
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.text)))
    assert tuple(rows[0]) == ENTRY_COLUMNS
    by_label = {row[ENTRY_COLUMNS.index("request_id")]: row for row in rows[1:]}
    assert set(by_label) == ALL_REGISTER | {ledger.query_request_id}
    sozial = by_label["sozial"]
    assert sozial[ENTRY_COLUMNS.index("fields_released")] == "name;addresses"
    assert sozial[ENTRY_COLUMNS.index("authority")] == "sozialamt"


async def test_signed_export_verifies_and_a_changed_byte_fails(
    http: httpx.AsyncClient, ledger: Ledger
) -> None:
    params = {"register": "melderegister", "person": "P-1"}
    response = await http.get("/v1/audit/entries/export", params=params, headers=ledger.auditor)
    assert response.status_code == 200, response.text
    body = response.json()
    keys = KeySet.import_key_set((await http.get("/.well-known/jwks.json")).json())
    signed = jws.deserialize_compact(body["jws"], keys, algorithms=["ES256"])
    assert signed.protected["kid"] == body["kid"]
    document = json.loads(signed.payload)
    assert document["filters"] == params
    assert document["total"] == body["total"] == len(document["entries"]) == 7
    listed = await _entries(http, ledger, **params)
    assert document["entries"] == listed["entries"]

    header, payload, signature = body["jws"].split(".")
    tampered = payload[:10] + ("A" if payload[10] != "A" else "B") + payload[11:]
    with pytest.raises(JoseError):
        jws.deserialize_compact(f"{header}.{tampered}.{signature}", keys, algorithms=["ES256"])


ENDPOINTS = (
    ("/v1/audit/entries", "entries"),
    ("/v1/audit/entries.csv", "entries.csv"),
    ("/v1/audit/entries/export", "entries.export"),
    ("/v1/audit/verify", "verify"),
    ("/v1/audit/persons/melderegister/P-1", "persons"),
)


@pytest.mark.parametrize(("path", "what"), ENDPOINTS)
async def test_scope_required_and_refusal_recorded(
    http: httpx.AsyncClient, token_for: TokenFactory, clean_database: str, path: str, what: str
) -> None:
    token = await token_for("wohngeldstelle")
    response = await http.get(path, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 403
    assert response.json()["required_scope"] == "audit:read"
    last = ledger_rows(clean_database)[-1]
    assert (last["register"], last["kind"], last["outcome"]) == ("audit", "read", "denied")
    assert (last["authority"], last["fields_requested"]) == ("wohngeldstelle", [what])


@pytest.mark.parametrize(("path", "what"), ENDPOINTS)
async def test_every_read_appends_an_entry(
    http: httpx.AsyncClient, ledger: Ledger, clean_database: str, path: str, what: str
) -> None:
    before = len(ledger_rows(clean_database))
    params = (
        {} if "persons" in path or "verify" in path else {"person": "P-1", "outcome": "released"}
    )
    response = await http.get(path, params=params, headers=ledger.auditor)
    assert response.status_code == 200, response.text
    rows = ledger_rows(clean_database)
    assert len(rows) == before + 1
    read = rows[-1]
    assert (read["register"], read["kind"], read["outcome"]) == ("audit", "read", "released")
    assert (read["authority"], read["user_id"]) == ("meldebehoerde", "dsb.weber")
    assert read["fields_requested"] == [what]
    assert read["fields_released"] == []
    if what == "persons":
        assert read["hit_person_ids"] == ["P-1"]
        assert read["reasons"] == ["filter:person=P-1", "filter:register=melderegister"]
        assert read["legal_basis"] == ["BMG §10", "BMG §11", "DSGVO Art. 15"]
    elif what != "verify":
        assert read["hit_person_ids"] == ["P-1"]
        assert read["reasons"] == ["filter:outcome=released", "filter:person=P-1"]


async def test_citizen_view_lists_what_the_person_may_see(
    http: httpx.AsyncClient, ledger: Ledger
) -> None:
    response = await http.get("/v1/audit/persons/melderegister/P-1", headers=ledger.auditor)
    assert response.status_code == 200, response.text
    body = response.json()
    # Left out: police and public prosecutor (§11 Abs. 1 Nr. 3), the manual request, the
    # expired entry, the denial, and everything about P-2.
    recipients = [item["recipient"]["authority"] for item in body["disclosures"]]
    assert sorted(recipients) == ["sozialamt", "wohngeldstelle"]
    assert body["total"] == 2
    sozial = next(i for i in body["disclosures"] if i["recipient"]["authority"] == "sozialamt")
    assert sozial["recipient"]["name"].endswith("Sozialamt (SGB XII, AsylbLG)")
    assert sozial["purpose"] == "sgb12_leistung"
    assert sozial["fields_released"] == ["name", "addresses"]
    assert sozial["time"].endswith("Z")
    wohngeld = next(i for i in body["disclosures"] if i["recipient"]["authority"] != "sozialamt")
    assert wohngeld["purpose"] == "wohngeld_antrag"
    assert set(wohngeld["fields_released"]) <= {"name", "given_names", "birth", "addresses"}
    assert "polizei" not in response.text and "staatsanwaltschaft" not in response.text

    other = (await http.get("/v1/audit/persons/melderegister/P-2", headers=ledger.auditor)).json()
    assert [item["recipient"]["authority"] for item in other["disclosures"]] == ["sozialamt"]
    nobody = await http.get("/v1/audit/persons/gewerberegister/P-1", headers=ledger.auditor)
    assert nobody.json()["disclosures"] == []


def test_migration_backfills_the_person_index(clean_database: str) -> None:
    """Entries written before the index existed are indexed by the migration."""
    url = clean_database
    command.downgrade(alembic_config(url), "f1a2b3c4au01")
    engine = create_sync_engine(url)
    # The columns of that revision: later optional ones (fields_transformed) did not exist.
    row: dict[str, Any] = dict.fromkeys((*CHAINED_COLUMNS, "entry_hash"))
    row.update(
        seq=1,
        entry_id="e-1",
        occurred_at=NOW,
        request_id="r-1",
        register="melderegister",
        outcome="released",
        http_status=200,
        tag="query:melderegister:released",
        retention_class="L-MELDE",
        prev_hash="0" * 64,
        entry_hash="1" * 64,
    )
    for column in ("user_roles", "user_roles_ignored", "hit_ids", "fields_requested"):
        row[column] = []
    row.update(
        hit_person_ids=["P-1", "P-2"],
        released_person_ids=["P-1"],
        fields_released=["name"],
        fields_withheld=[],
        legal_basis=[],
        reasons=[],
    )
    with engine.begin() as connection:
        connection.execute(insert(LedgerEntry), [row])
    command.upgrade(alembic_config(url), "head")
    with engine.connect() as connection:
        refs = connection.execute(
            select(LedgerPersonRef.person_id, LedgerPersonRef.released).order_by(
                LedgerPersonRef.person_id
            )
        ).all()
    engine.dispose()
    assert [tuple(ref) for ref in refs] == [("P-1", True), ("P-2", False)]
