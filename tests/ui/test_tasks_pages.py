"""/ui/tasks over real tasks: a neutral hold and an Ersuchen, made by real API queries."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from tests.fixtures.factories import blocked, import_persons, new_client, person
from tests.hub.ledger_helpers import ledger_rows, task_rows
from tests.hub.test_query_melderegister import URL as MELDE_URL
from tests.hub.test_query_melderegister import query as melde_query
from tests.ui.conftest import HUB, csrf_of, make_account, sign_in

PS_URL = "/v1/registers/personenstandsregister/queries"
ERSUCHEN_MATCH = {"name": "Schäfer", "birth_date": "1990-04-03"}


def cells(html: str, css_class: str) -> list[str]:
    return re.findall(rf'<td class="{css_class}">(.*?)</td>', html, flags=re.DOTALL)


@pytest.fixture
async def api(ui_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """A client without the workbench cookie: the JSON API as other offices call it."""
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=ui_app), base_url=HUB) as c:
        yield c


async def bearer(
    api: httpx.AsyncClient, database_url: str, authority: str, **kw: list[str]
) -> dict[str, str]:
    client = new_client(database_url, authority=authority, **kw)
    response = await api.post(
        "/oauth/token",
        data={"grant_type": "client_credentials"},
        auth=(client.client_id, client.client_secret),
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


@pytest.fixture
async def hold(api: httpx.AsyncClient, clean_database: str) -> str:
    """The Wohngeldstelle asks about a blocked person: neutral answer, a task for the office."""
    import_persons(clean_database, [person("P-9", blocks=blocked())])
    headers = await bearer(api, clean_database, "wohngeldstelle")
    response = await api.post(MELDE_URL, json=melde_query(), headers=headers)
    assert response.json()["outcome"] == "neutral", response.text
    [task] = task_rows(clean_database)
    return str(task["task_id"])


@pytest.fixture
async def ersuchen(api: httpx.AsyncClient, clean_database: str, hold: str) -> str:
    """A Jugendamt's Personenstand request: 202, routed by hand (PStG §65 Abs. 1)."""
    headers = await bearer(api, clean_database, "jugendamt")
    body = {
        "kind": "person",
        "purpose": "sgb8_hilfe",
        "case_reference": "JA-2026-0099",
        "user": {"id": "k.koch", "roles": []},
        "match": dict(ERSUCHEN_MATCH),
        "fields": ["entry_kind", "entry_year", "entry_number", "persons"],
    }
    response = await api.post(PS_URL, json=body, headers=headers)
    assert response.status_code == 202, response.text
    return str(response.json()["ticket_id"])


@pytest.fixture
async def office(ui_app: FastAPI, browser: httpx.AsyncClient) -> httpx.AsyncClient:
    password = await make_account(ui_app, "s.becker", roles=["register_office"])
    response = await sign_in(browser, "s.becker", password, next_url="/ui/tasks")
    assert response.status_code == 303
    assert response.headers["location"] == "/ui/tasks"
    return browser


@pytest.mark.parametrize("role", ["dpo", "steward"])
async def test_other_roles_are_refused(
    ui_app: FastAPI, browser: httpx.AsyncClient, hold: str, role: str, clean_database: str
) -> None:
    password = await make_account(ui_app, "someone", roles=[role])
    assert (await sign_in(browser, "someone", password)).status_code == 303
    for path in ("/ui/tasks", "/ui/tasks/closed", f"/ui/tasks/{hold}"):
        page = await browser.get(path)
        assert page.status_code == 403, path
        assert "register_office" in page.text
    home = await browser.get("/ui")
    csrf = csrf_of(home.text)
    data = {"resolution": "refused", "note": "not mine", "csrf_token": csrf}
    refused = await browser.post(f"/ui/tasks/{hold}/close", data=data)
    assert refused.status_code == 403
    assert task_rows(clean_database)[0]["status"] == "open"
    assert "/ui/tasks" not in home.text


async def test_anonymous_is_sent_to_login(browser: httpx.AsyncClient) -> None:
    response = await browser.get("/ui/tasks?kind=neutral_hold")
    assert response.status_code == 303
    assert response.headers["location"] == "/ui/login?next=/ui/tasks%3Fkind%3Dneutral_hold"


async def test_open_list_shows_the_hold(office: httpx.AsyncClient, hold: str) -> None:
    home = await office.get("/ui")
    assert 'href="/ui/tasks"' in home.text
    page = await office.get("/ui/tasks")
    assert page.status_code == 200
    assert '<strong class="badge" id="open-count"' in page.text
    assert re.search(r'id="open-count"[^>]*>1<', page.text)
    assert "<strong>1</strong> open task" in page.text
    assert cells(page.text, "ticket") == [f'<a href="/ui/tasks/{hold}">{hold}</a>']
    assert cells(page.text, "register") == ["melderegister"]
    assert cells(page.text, "authority") == ["wohngeldstelle"]
    assert cells(page.text, "purpose") == ["wohngeld_antrag"]
    assert cells(page.text, "case-reference") == ["WG-2026-0042"]
    [reason] = cells(page.text, "reason")
    assert "Neutral hold (blocked person)" in reason
    assert "auskunftssperre" in reason
    [created] = cells(page.text, "created")
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", created)


async def test_filters_by_register_and_reason(
    office: httpx.AsyncClient, hold: str, ersuchen: str
) -> None:
    everything = await office.get("/ui/tasks")
    # Oldest first: the hold came before the Ersuchen.
    assert re.findall(r'data-task-id="([^"]+)"', everything.text) == [hold, ersuchen]
    assert cells(everything.text, "register") == ["melderegister", "personenstandsregister"]
    manual = await office.get("/ui/tasks", params={"kind": "manual_request"})
    assert re.findall(r'data-task-id="([^"]+)"', manual.text) == [ersuchen]
    assert cells(manual.text, "authority") == ["jugendamt"]
    assert re.search(r'id="open-count"[^>]*>2<', manual.text)  # the badge counts all open
    melde = await office.get("/ui/tasks", params={"register": "melderegister"})
    assert re.findall(r'data-task-id="([^"]+)"', melde.text) == [hold]
    none = await office.get(
        "/ui/tasks", params={"register": "melderegister", "kind": "manual_request"}
    )
    assert "<strong>0</strong> open tasks" in none.text
    for params, message in (
        ({"register": "gewerberegister"}, "register: not one you operate"),
        ({"kind": "everything"}, "kind: one of neutral_hold, manual_request"),
    ):
        bad = await office.get("/ui/tasks", params=params)
        assert bad.status_code == 400
        assert message in bad.text
        assert 'data-task-id="' not in bad.text


async def test_hold_detail_has_what_the_office_decides_on(
    office: httpx.AsyncClient, hold: str, clean_database: str, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    page = await office.get(f"/ui/tasks/{hold}")
    logs = [
        json.loads(line) for line in capsys.readouterr().out.splitlines() if line.startswith("{")
    ]
    assert page.status_code == 200
    [entry] = [row for row in ledger_rows(clean_database) if row["outcome"] == "neutral"]
    assert f'id="t-ledger-entry" class="hash">{entry["entry_id"]}<' in page.text
    assert f'id="t-request-id">{entry["request_id"]}<' in page.text
    assert 'id="t-person">P-9<' in page.text
    assert 'id="t-user">m.schmidt<' in page.text
    assert 'id="t-answer">neutral<' in page.text
    reasons = re.search(r'<ul id="t-reasons">(.*?)</ul>', page.text)
    assert reasons is not None
    assert "<li>auskunftssperre</li>" in reasons.group(1)
    assert "sperre_" not in reasons.group(1)
    assert 'id="t-sperre-basis">antrag<' in page.text
    assert 'id="t-sperre-initiator">meldebehoerde<' in page.text
    bases = re.search(r'<ul id="t-legal-basis">(.*?)</ul>', page.text)
    assert bases is not None
    assert entry["legal_basis"], "the neutral hold's ledger entry names its legal basis"
    assert re.findall(r"<li>([^<]*)</li>", bases.group(1)) == [
        str(basis) for basis in entry["legal_basis"]
    ]
    fields = re.search(r'<ul id="t-fields">(.*?)</ul>', page.text)
    assert fields is not None
    assert re.findall(r"<li>([^<]*)</li>", fields.group(1)) == [
        "name",
        "given_names",
        "birth",
        "addresses",
    ]
    assert 'id="t-match-none"' in page.text  # a hold keeps the person id, not the search data
    assert [log["event"] for log in logs if log["event"].startswith("ui_task")] == [
        "ui_task_viewed"
    ]


async def test_manual_detail_shows_the_search_data_but_never_logs_it(
    office: httpx.AsyncClient, ersuchen: str, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    page = await office.get(f"/ui/tasks/{ersuchen}")
    logged = capsys.readouterr().out + capsys.readouterr().err
    assert page.status_code == 200
    assert '<td class="match-name">Schäfer</td>' in page.text
    assert '<td class="match-birth_date">1990-04-03</td>' in page.text
    assert 'id="t-authority">jugendamt<' in page.text
    assert 'id="t-case-reference">JA-2026-0099<' in page.text
    assert "<li>PStG §65 Abs. 1</li>" in page.text
    assert 'id="t-sperre-basis"' not in page.text  # no Auskunftssperre behind an Ersuchen
    assert f'"task_id": "{ersuchen}"' in logged
    assert "Schäfer" not in logged
    assert "1990-04-03" not in logged


async def test_close_needs_a_note_and_a_known_outcome(
    office: httpx.AsyncClient, hold: str, clean_database: str
) -> None:
    page = await office.get(f"/ui/tasks/{hold}")
    csrf = csrf_of(page.text)
    for data, message in (
        ({"resolution": "refused", "note": "   "}, "note: required"),
        ({"resolution": "vanish", "note": "gone"}, "outcome: one of Answered manually"),
        ({"resolution": "refused", "note": "x" * 1982}, "note: at most 1981 characters"),
    ):
        refused = await office.post(f"/ui/tasks/{hold}/close", data={**data, "csrf_token": csrf})
        assert refused.status_code == 400
        assert message in refused.text
        assert 'id="close-errors"' in refused.text
    assert task_rows(clean_database)[0]["status"] == "open"


async def test_close_with_note_settles_the_task_as_the_api_does(
    office: httpx.AsyncClient, api: httpx.AsyncClient, hold: str, clean_database: str
) -> None:
    page = await office.get(f"/ui/tasks/{hold}")
    data = {"resolution": "refused", "note": "Sperre bestätigt", "csrf_token": csrf_of(page.text)}
    closed = await office.post(f"/ui/tasks/{hold}/close", data=data)
    assert closed.status_code == 303
    assert closed.headers["location"] == f"/ui/tasks/{hold}"
    [row] = task_rows(clean_database)
    assert row["status"] == "closed"
    assert row["closed_by"] == "ui-workbench/s.becker"
    assert row["resolution"] == "refused: Sperre bestätigt"
    detail = await office.get(f"/ui/tasks/{hold}")
    assert 'id="t-status">closed<' in detail.text
    assert 'id="t-resolution">Refused<' in detail.text
    assert 'id="t-note">Sperre bestätigt<' in detail.text
    assert 'id="close-form"' not in detail.text
    still_open = await office.get("/ui/tasks")
    assert "<strong>0</strong> open tasks" in still_open.text
    assert re.search(r'id="open-count"[^>]*>0<', still_open.text)
    recent = await office.get("/ui/tasks/closed")
    assert re.findall(r'data-task-id="([^"]+)"', recent.text) == [hold]
    assert cells(recent.text, "closed-by") == ["ui-workbench/s.becker"]
    assert cells(recent.text, "resolution") == ["refused"]
    headers = await bearer(api, clean_database, "meldebehoerde", scopes=["tasks:read"])
    assert (await api.get("/v1/tasks", headers=headers)).json()["tasks"] == []
    [listed] = (await api.get("/v1/tasks?status=closed", headers=headers)).json()["tasks"]
    assert listed["task_id"] == hold
    assert listed["resolution"] == "refused: Sperre bestätigt"
    again = await office.post(f"/ui/tasks/{hold}/close", data=data)
    assert again.status_code == 409
    assert "was closed at" in again.text


async def test_close_without_the_csrf_token_is_refused(
    office: httpx.AsyncClient, hold: str, clean_database: str
) -> None:
    for token in ("", "forged-token"):
        data = {"resolution": "refused", "note": "n", "csrf_token": token}
        refused = await office.post(f"/ui/tasks/{hold}/close", data=data)
        assert refused.status_code == 403
        assert "CSRF" in refused.text
    assert task_rows(clean_database)[0]["status"] == "open"


async def test_unknown_task_is_404(office: httpx.AsyncClient, hold: str) -> None:
    page = await office.get("/ui/tasks/no-such-task")
    assert page.status_code == 404
    assert 'id="task-missing"' in page.text
    csrf = csrf_of(page.text)
    data = {"resolution": "refused", "note": "n", "csrf_token": csrf}
    assert (await office.post("/ui/tasks/no-such-task/close", data=data)).status_code == 404


async def test_hold_detail_lists_the_steps_the_law_asks_for(
    office: httpx.AsyncClient, hold: str
) -> None:
    """The checklist follows the hold's reasons (here the Auskunftssperre, BMG §51 Abs. 1)."""
    page = await office.get(f"/ui/tasks/{hold}")
    checklist = re.search(r'<ol id="t-checklist">(.*?)</ol>', page.text, flags=re.DOTALL)
    assert checklist is not None
    [step] = re.findall(r"<li>([^<]*)</li>", checklist.group(1))
    assert step.startswith("Auskunftssperre:")
    assert "§ 51 Abs. 1" in step
