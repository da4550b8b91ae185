"""The hub with its workbench per test, accounts made through the real service, a login helper."""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from selenium.webdriver.remote.webdriver import WebDriver
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hub.audit.ledger import service as ledger
from hub.audit.ledger.service import LedgerRecord
from hub.models import ReviewCase
from hub.ui import service as accounts
from tests.fixtures.factories import load_default_catalogue
from tests.fixtures.hub_app import (
    HUB_URL,
    LedgerClock,
    asgi_client,
    freeze_ledger_clock,
    hub_settings,
    running_hub,
)
from tests.ui.browser import headless_chrome

HUB = HUB_URL
Clock = LedgerClock  # the name the tests/ui modules import
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture
def chrome() -> Iterator[WebDriver]:
    yield from headless_chrome()


@pytest.fixture
def ui_overrides() -> dict[str, Any]:
    """Settings for the app under test; modules override this fixture."""
    return {}


@pytest.fixture
async def ui_app(
    clean_database: str, tmp_path: Path, ui_overrides: dict[str, Any]
) -> AsyncIterator[FastAPI]:
    load_default_catalogue(clean_database)
    async with running_hub(hub_settings(clean_database, tmp_path, **ui_overrides)) as application:
        yield application


@pytest.fixture
async def browser(ui_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """A cookie-keeping client, like a browser without JavaScript."""
    async with asgi_client(ui_app) as client:
        yield client


async def make_account(
    app: FastAPI,
    username: str,
    *,
    roles: list[str],
    password: str = "correct horse battery",  # noqa: S107
    office: str | None = None,
) -> str:
    async with app.state.sessionmaker() as session:
        await accounts.create_account(
            session,
            username=username,
            roles=roles,
            display_name=f"Ms {username}",
            password=password,
            office=office,
        )
    return password


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found is not None, "no CSRF token in the page"
    return found.group(1)


async def sign_in(
    client: httpx.AsyncClient, username: str, password: str, *, next_url: str = "/ui/audit"
) -> httpx.Response:
    form = await client.get("/ui/login", params={"next": next_url} if next_url else {})
    assert form.status_code == 200, form.text
    return await client.post(
        "/ui/login",
        data={
            "username": username,
            "password": password,
            "csrf_token": csrf_of(form.text),
            "next": next_url,
        },
    )


def record(label: str, **changes: Any) -> LedgerRecord:
    """A released Melderegister retrieval as the query path records it."""
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
        "fields_requested": ["name", "addresses", "religion"],
        "fields_released": ["name", "addresses"],
        "fields_withheld": ["religion"],
        "decision_id": f"d-{label}",
        "policy_revision": "rev-test",
        "catalogue_revision": 7,
        "legal_basis": ["BMG §37", "SGB XII §118"],
        "reasons": ["purpose_allowed", "field_not_allowed:religion"],
    }
    values.update(changes)
    return LedgerRecord(**values)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    return freeze_ledger_clock(monkeypatch)


async def append(
    sessions: async_sessionmaker[AsyncSession],
    clock: Clock,
    entry: LedgerRecord,
    *,
    at: datetime | None = None,
) -> str:
    """Write one entry through hub.audit.ledger.service.append, as the query path does."""
    clock.at = at.astimezone(UTC) if at is not None else None
    try:
        async with sessions() as session:
            written = await ledger.append(session, entry)
            await session.commit()
            return written.entry_id
    finally:
        clock.at = None


async def open_case(
    sessions: async_sessionmaker[AsyncSession], *, entry_ids: list[str], user: str = "u.bulk"
) -> str:
    """A review case as the anomaly rules open it (the rule run itself is tested elsewhere)."""
    now = datetime.now(UTC)
    case_id = str(uuid.uuid4())
    async with sessions() as session:
        session.add(
            ReviewCase(
                case_id=case_id,
                rule="bulk_user",
                subject_kind="user",
                subject={"client_id": "c-bulk", "user_id": user},
                subject_key=hashlib.sha256(case_id.encode()).hexdigest(),
                window_start=now,
                window_end=now,
                first_seq=1,
                last_seq=len(entry_ids),
                entry_ids=entry_ids,
                entry_count=len(entry_ids),
                observed=len(entry_ids),
                severity="medium",
                summary=f"{user} queried {len(entry_ids)} unrelated persons",
                parameters={"threshold": 2},
                status="open",
                opened_at=now,
                updated_at=now,
            )
        )
        await session.commit()
    return case_id


async def verified(app: FastAPI, client: httpx.AsyncClient) -> str:
    """Verify the chain as the chain page's form does (a background job); the finished page."""
    form = await client.get("/ui/audit/chain")
    started = await client.post("/ui/audit/chain/runs", data={"csrf_token": csrf_of(form.text)})
    assert started.status_code == 303, started.text
    await app.state.verify_jobs.get(started.headers["location"].split("job=")[1]).task
    return (await client.get(started.headers["location"])).text
