"""/ui/tasks over real tasks: a neutral hold and an Ersuchen, made by real API queries."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest
from fastapi import FastAPI

from tests.fixtures.factories import blocked, import_persons, new_client, person
from tests.fixtures.ledger import ledger_rows, task_rows
from tests.fixtures.melderegister_queries import URL as MELDE_URL
from tests.fixtures.melderegister_queries import query as melde_query
from tests.fixtures.workbench import HUB, csrf_of, make_account, sign_in

PS_URL = "/v1/registers/personenstandsregister/queries"
ERSUCHEN_MATCH = {"name": "Schäfer", "birth_date": "1990-04-03"}


def cells(html: str, css_class: str) -> list[str]:
    return re.findall(rf'<td class="{css_class}"[^>]*>(.*?)</td>', html, flags=re.DOTALL)


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
    """A clerk of the Meldebehörde (the Melderegister's office)."""
    password = await make_account(
        ui_app, "s.becker", roles=["register_office"], office="meldebehoerde"
    )
    response = await sign_in(browser, "s.becker", password, next_url="/ui/tasks")
    assert response.status_code == 303
    assert response.headers["location"] == "/ui/tasks"
    return browser


@asynccontextmanager
async def standesamt_clerk(ui_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """A clerk of the Standesamt (the Personenstandsregister's office), in a browser of her own."""
    password = await make_account(ui_app, "k.wolf", roles=["register_office"], office="standesamt")
    transport = httpx.ASGITransport(app=ui_app)
    async with httpx.AsyncClient(transport=transport, base_url=HUB) as client:
        assert (await sign_in(client, "k.wolf", password, next_url="")).status_code == 303
        yield client


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


async def test_open_list_shows_the_hold_in_plain_words(
    office: httpx.AsyncClient, hold: str
) -> None:
    home = await office.get("/ui")
    assert 'href="/ui/tasks"' in home.text
    page = await office.get("/ui/tasks")
    assert page.status_code == 200
    assert '<strong class="badge" id="open-count"' in page.text
    assert re.search(r'id="open-count"[^>]*>1<', page.text)
    assert "<strong>1</strong> Aufgabe" in page.text
    assert re.findall(r'data-task-id="([^"]+)"', page.text) == [hold]
    assert cells(page.text, "register") == ["Melderegister der Wissenschaftsstadt Darmstadt"]
    assert cells(page.text, "authority") == ["Wissenschaftsstadt Darmstadt, Wohngeldstelle"]
    assert cells(page.text, "purpose") == ["Wohngeldantrag"]
    assert cells(page.text, "case-reference") == ["WG-2026-0042"]
    assert cells(page.text, "person") == ["P-9"]
    assert cells(page.text, "age") == ["0 Tage"]
    assert cells(page.text, "assigned") == ["—"]
    [reason] = cells(page.text, "reason")
    assert "Neutrale Antwort: gesperrte Person" in reason
    assert "auskunftssperre" not in reason
    [created] = cells(page.text, "created")
    assert re.fullmatch(r"\d\d\.\d\d\.\d{4}, \d\d:\d\d:\d\d", created)


async def test_each_office_sees_only_its_own_tasks(
    ui_app: FastAPI, office: httpx.AsyncClient, hold: str, ersuchen: str
) -> None:
    """The Meldebehörde never sees the Standesamt's Ersuchen (and its search data), nor back."""
    melde = await office.get("/ui/tasks")
    assert re.findall(r'data-task-id="([^"]+)"', melde.text) == [hold]
    assert (await office.get(f"/ui/tasks/{ersuchen}")).status_code == 404
    async with standesamt_clerk(ui_app) as standesamt:
        own = await standesamt.get("/ui/tasks")
        assert re.findall(r'data-task-id="([^"]+)"', own.text) == [ersuchen]
        assert (await standesamt.get(f"/ui/tasks/{hold}")).status_code == 404
        page = await standesamt.get(f"/ui/tasks/{ersuchen}")
        assert '<td class="match-name">Schäfer</td>' in page.text


async def test_account_without_office_sees_no_task(
    ui_app: FastAPI, browser: httpx.AsyncClient, hold: str
) -> None:
    password = await make_account(ui_app, "n.n", roles=["register_office"])
    await sign_in(browser, "n.n", password, next_url="")
    page = await browser.get("/ui/tasks")
    assert 'id="no-office"' in page.text
    assert 'data-task-id="' not in page.text
    assert (await browser.get(f"/ui/tasks/{hold}")).status_code == 404


async def test_filters_by_register_and_reason(
    office: httpx.AsyncClient, hold: str, ersuchen: str
) -> None:
    melde = await office.get("/ui/tasks", params={"register": "melderegister"})
    assert re.findall(r'data-task-id="([^"]+)"', melde.text) == [hold]
    none = await office.get("/ui/tasks", params={"kind": "manual_request"})
    assert "<strong>0</strong> Aufgaben" in none.text
    assert re.search(r'id="open-count"[^>]*>1<', none.text)  # the badge counts all open
    for params, message in (
        ({"register": "personenstandsregister"}, "Register: keines, das Ihre Stelle führt."),
        ({"kind": "everything"}, "Grund: bitte einen der aufgeführten Gründe wählen."),
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
    assert 'id="t-person">P-9<' in page.text
    assert 'id="t-user">m.schmidt<' in page.text
    assert 'id="t-answer">neutral<' in page.text
    reasons = re.search(r'<ul id="t-reasons">(.*?)</ul>', page.text)
    assert reasons is not None
    sentences = re.findall(r"<li>([^<]*)</li>", reasons.group(1))
    assert sentences[0].startswith("Für die Person ist eine Auskunftssperre eingetragen")
    assert "§ 51 Abs. 1" in sentences[0]
    assert "auskunftssperre" not in reasons.group(1)
    assert 'id="t-sperre-basis">auf Antrag<' in page.text
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


async def test_sperre_by_an_authority_names_whom_to_notify(
    office: httpx.AsyncClient, api: httpx.AsyncClient, clean_database: str
) -> None:
    """An Auskunftssperre the police had entered: the sentence, its norm, never the code."""
    import_persons(clean_database, [person("P-7", blocks=blocked("amts_wegen", "polizei"))])
    headers = await bearer(api, clean_database, "wohngeldstelle")
    response = await api.post(MELDE_URL, json=melde_query(), headers=headers)
    assert response.json()["outcome"] == "neutral", response.text
    [task] = task_rows(clean_database)
    assert "notify_sperre_initiator" in task["reasons"]
    page = await office.get(f"/ui/tasks/{task['task_id']}")
    reasons = re.search(r'<ul id="t-reasons">(.*?)</ul>', page.text)
    assert reasons is not None
    sentences = re.findall(r"<li>([^<]*)</li>", reasons.group(1))
    notify = [s for s in sentences if "veranlassende Stelle unterrichten" in s]
    assert len(notify) == 1
    assert notify[0].startswith("Auskunftssperre von Amts wegen, veranlasst durch ")
    assert notify[0].endswith(": veranlassende Stelle unterrichten, § 34 Abs. 5 S. 3 BMG.")
    assert "Polizei" in notify[0]
    assert "notify_sperre_initiator" not in page.text
    assert 'id="t-sperre-basis">von Amts wegen<' in page.text


async def test_manual_detail_says_why_and_never_logs_the_search_data(
    ui_app: FastAPI, ersuchen: str, capsys: pytest.CaptureFixture[str]
) -> None:
    async with standesamt_clerk(ui_app) as standesamt:
        capsys.readouterr()
        page = await standesamt.get(f"/ui/tasks/{ersuchen}")
        logged = capsys.readouterr().out + capsys.readouterr().err
    assert page.status_code == 200
    assert 'id="t-manual-why">Anfragen an das Personenstandsregister' in page.text
    assert '<td class="match-name">Schäfer</td>' in page.text
    assert '<td class="match-birth_date">1990-04-03</td>' in page.text
    assert 'id="t-authority">Wissenschaftsstadt Darmstadt, Jugendamt' in page.text
    assert 'id="t-case-reference">JA-2026-0099<' in page.text
    assert "<li>PStG §65 Abs. 1</li>" in page.text
    assert 'id="t-sperre-basis"' not in page.text  # no Auskunftssperre behind an Ersuchen
    assert f'"task_id": "{ersuchen}"' in logged
    assert "Schäfer" not in logged
    assert "1990-04-03" not in logged


async def test_no_outcome_is_preselected_and_closing_needs_one(
    office: httpx.AsyncClient, hold: str, clean_database: str
) -> None:
    page = await office.get(f"/ui/tasks/{hold}")
    select = re.search(r'<select id="resolution"[^>]*>(.*?)</select>', page.text, re.DOTALL)
    assert select is not None
    assert re.findall(r'<option value="([^"]*)" selected', select.group(1)) == [""]
    csrf = csrf_of(page.text)
    steps = checklist_of(page.text)
    for data, message in (
        ({"resolution": "", "note": "Sperre"}, "Ergebnis: bitte wählen"),
        ({"resolution": "refused", "note": "   "}, "Vermerk: erforderlich"),
        ({"resolution": "vanish", "note": "gone"}, "Ergebnis: bitte wählen"),
        ({"resolution": "refused", "note": "x" * 1982}, "Vermerk: höchstens 1981 Zeichen"),
        ({"resolution": "answered_manually", "note": "ok"}, "jeden vorgeschriebenen Schritt"),
        (
            {"resolution": "refused", "note": "ok", "checklist": ["erfunden"]},
            "gehört nicht zu dieser Aufgabe",
        ),
    ):
        refused = await office.post(f"/ui/tasks/{hold}/close", data={**data, "csrf_token": csrf})
        assert refused.status_code == 400
        assert message in refused.text
        assert 'id="close-errors"' in refused.text
    assert steps, "the hold has legally required steps"
    assert task_rows(clean_database)[0]["status"] == "open"


async def test_close_records_the_checklist_and_leads_to_the_next_task(
    office: httpx.AsyncClient,
    api: httpx.AsyncClient,
    hold: str,
    clean_database: str,
) -> None:
    second = await another_hold(api, clean_database)
    page = await office.get(f"/ui/tasks/{hold}")
    steps = checklist_of(page.text)
    data = {
        "resolution": "answered_manually",
        "note": "Gefährdung ausgeschlossen, Initiator unterrichtet",
        "checklist": steps,
        "csrf_token": csrf_of(page.text),
    }
    closed = await office.post(f"/ui/tasks/{hold}/close", data=data)
    assert closed.status_code == 303
    assert closed.headers["location"] == f"/ui/tasks/{second}?closed={hold}"
    following = await office.get(closed.headers["location"])
    assert 'id="closed-message"' in following.text
    rows = {row["task_id"]: row for row in task_rows(clean_database)}
    assert rows[hold]["status"] == "closed"
    assert rows[hold]["closed_by"] == "ui-workbench/s.becker"
    assert rows[hold]["checklist_done"] == steps
    detail = await office.get(f"/ui/tasks/{hold}")
    assert 'id="t-status">abgeschlossen<' in detail.text
    assert 'id="t-resolution">Von Hand beantwortet<' in detail.text
    done = re.search(r'<ul id="t-checklist-done">(.*?)</ul>', detail.text, re.DOTALL)
    assert done is not None
    assert len(re.findall(r"<li>", done.group(1))) == len(steps)
    headers = await bearer(api, clean_database, "meldebehoerde", scopes=["tasks:read"])
    [listed] = (await api.get("/v1/tasks?status=closed", headers=headers)).json()["tasks"]
    assert listed["checklist_done"] == steps
    again = await office.post(f"/ui/tasks/{hold}/close", data=data)
    assert again.status_code == 409


async def test_tasks_about_one_person_are_grouped_and_closed_together(
    office: httpx.AsyncClient, api: httpx.AsyncClient, hold: str, clean_database: str
) -> None:
    second = await another_hold(api, clean_database, person_id="P-9")
    listing = await office.get("/ui/tasks")
    assert "2 Aufgaben zu P-9" in listing.text
    page = await office.get(f"/ui/tasks/{hold}")
    assert f'name="also" value="{second}"' in page.text
    data = {
        "resolution": "refused",
        "note": "Sperre bestätigt",
        "also": [second],
        "csrf_token": csrf_of(page.text),
    }
    closed = await office.post(f"/ui/tasks/{hold}/close", data=data)
    assert closed.status_code == 303
    assert closed.headers["location"] == f"/ui/tasks?closed={hold}"
    assert {row["status"] for row in task_rows(clean_database)} == {"closed"}
    assert {row["resolution"] for row in task_rows(clean_database)} == {"refused: Sperre bestätigt"}


async def test_a_clerk_takes_a_task_and_gives_it_back(
    office: httpx.AsyncClient, hold: str, clean_database: str
) -> None:
    page = await office.get(f"/ui/tasks/{hold}")
    csrf = csrf_of(page.text)
    taken = await office.post(
        f"/ui/tasks/{hold}/assign", data={"action": "take", "csrf_token": csrf}
    )
    assert taken.status_code == 303
    assert task_rows(clean_database)[0]["assigned_to"] == "s.becker"
    listing = await office.get("/ui/tasks")
    assert cells(listing.text, "assigned") == ["s.becker"]
    back = await office.post(
        f"/ui/tasks/{hold}/assign", data={"action": "release", "csrf_token": csrf}
    )
    assert back.status_code == 303
    assert task_rows(clean_database)[0]["assigned_to"] is None
    forged = await office.post(f"/ui/tasks/{hold}/assign", data={"action": "take"})
    assert forged.status_code == 403


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
    steps = checklist_of(page.text)
    assert steps[0].startswith("Auskunftssperre:")
    assert "§ 51 Abs. 1" in steps[0]


def checklist_of(html: str) -> list[str]:
    """The steps offered as checkboxes in the closing form."""
    found = re.findall(r'<input type="checkbox" name="checklist" value="([^"]*)"', html)
    return [step.replace("&#34;", '"').replace("&amp;", "&") for step in found]


async def another_hold(api: httpx.AsyncClient, database_url: str, *, person_id: str = "P-8") -> str:
    """One more neutral hold, a second later, about ``person_id`` (a blocked person)."""
    before = {row["task_id"] for row in task_rows(database_url)}
    if person_id != "P-9":
        import_persons(database_url, [person(person_id, name="Berg", blocks=blocked())])
    headers = await bearer(api, database_url, "wohngeldstelle")
    body = melde_query()
    if person_id != "P-9":
        body["match"] = {**body["match"], "name": "Berg"}
    response = await api.post(MELDE_URL, json=body, headers=headers)
    assert response.json()["outcome"] == "neutral", response.text
    [task_id] = {row["task_id"] for row in task_rows(database_url)} - before
    return str(task_id)
