"""The register office's workbench in headless Chromium against the hub served by uvicorn.

Two real queries about blocked persons through the API open two tasks; the Meldebehörde's
clerk signs in (and lands on her tasks), reads why in plain German, ticks the checklist,
chooses an outcome (none is preselected), closes the first and is led to the next one, and
finds the first among the closed tasks. axe-core checks every page walked.
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.select import Select

from hub.app import create_app
from hub.db import create_hub_engine, create_sessionmaker
from hub.ui import service as accounts
from tests.fixtures.factories import (
    blocked,
    import_persons,
    load_default_catalogue,
    new_client,
    person,
    settings_for,
)
from tests.fixtures.ledger import task_rows
from tests.fixtures.melderegister_queries import URL, query
from tests.fixtures.paths import REPO
from tests.fixtures.servers import free_port, serve_in_thread
from tests.hub.ui.browser import assert_accessible, submit_login, texts, wait_for

pytestmark = pytest.mark.browser

PASSWORD = "office browser password"
NOTE = "Gefährdung ausgeschlossen, Auskunft erteilt, Meldebehörde unterrichtet."
WOHNGELDSTELLE = "Wissenschaftsstadt Darmstadt, Wohngeldstelle"


async def _seed(database_url: str) -> None:
    load_default_catalogue(database_url)
    import_persons(
        database_url,
        [
            person("P-9", blocks=blocked()),
            person("P-8", name="Berg", blocks=blocked("amts_wegen", "polizei")),
        ],
    )
    engine = create_hub_engine(database_url)
    try:
        async with create_sessionmaker(engine)() as session:
            await accounts.create_account(
                session,
                username="s.becker",
                roles=["register_office"],
                password=PASSWORD,
                display_name="Ms Becker",
                office="meldebehoerde",
            )
    finally:
        await engine.dispose()


async def _held(base: str, database_url: str) -> list[str]:
    """The Wohngeldstelle asks about both blocked persons: two tasks, oldest first."""
    client = new_client(database_url, authority="wohngeldstelle")
    async with httpx.AsyncClient(base_url=base) as http:
        token = await http.post(
            "/oauth/token",
            data={"grant_type": "client_credentials"},
            auth=(client.client_id, client.client_secret),
        )
        assert token.status_code == 200, token.text
        headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
        for name in ("Müller", "Berg"):
            body = query()
            body["match"] = {**body["match"], "name": name}
            answer = await http.post(URL, json=body, headers=headers)
            assert answer.json()["outcome"] == "neutral", answer.text
    rows = sorted(task_rows(database_url), key=lambda row: str(row["created_at"]))
    return [str(row["task_id"]) for row in rows]


def _sign_in(driver: WebDriver, base: str) -> None:
    driver.get(f"{base}/ui/login")
    submit_login(driver, username="s.becker", password=PASSWORD)
    wait_for(driver, "#task-count")
    assert driver.current_url == f"{base}/ui/tasks"  # her own workbench, not the DPO's


async def test_office_closes_a_hold_in_chromium(
    chrome: WebDriver,
    clean_database: str,
    tmp_path: Path,
) -> None:
    await _seed(clean_database)
    settings = settings_for(
        clean_database,
        key_dir=tmp_path / "keys",
        policy_dir=REPO / "policies",
        catalogue_refresh_seconds=0,
    )
    with serve_in_thread(create_app(settings), port=free_port()) as base:
        first, second = await _held(base, clean_database)
        _sign_in(chrome, base)
        assert chrome.find_element(By.ID, "open-count").text == "2"
        assert texts(chrome, "#tasks td.authority") == [WOHNGELDSTELLE] * 2
        assert texts(chrome, "#tasks td.person") == ["P-9", "P-8"]
        assert texts(chrome, "#tasks td.reason") == ["Neutrale Antwort: gesperrte Person"] * 2
        assert_accessible(chrome)
        chrome.find_element(By.CSS_SELECTOR, f'tr[data-task-id="{first}"] td.ticket a').click()
        wait_for(chrome, "#t-reasons")
        assert chrome.find_element(By.ID, "t-person").text == "P-9"
        reasons = texts(chrome, "#t-reasons li")
        assert reasons[0].startswith("Für die Person ist eine Auskunftssperre eingetragen")
        assert "auskunftssperre" not in " ".join(reasons)
        outcome = Select(chrome.find_element(By.ID, "resolution"))
        assert outcome.first_selected_option.get_attribute("value") == ""  # nothing preselected
        assert_accessible(chrome)
        steps = chrome.find_elements(By.CSS_SELECTOR, '#t-checklist input[name="checklist"]')
        assert steps
        for step in steps:
            step.click()
        outcome.select_by_value("answered_manually")
        chrome.find_element(By.ID, "note").send_keys(NOTE)
        chrome.find_element(By.ID, "close-task").click()
        wait_for(chrome, "#closed-message", "nächste offene Aufgabe")
        assert chrome.current_url.startswith(f"{base}/ui/tasks/{second}")
        reasons = texts(chrome, "#t-reasons li")
        assert any("veranlassende Stelle unterrichten, § 34 Abs. 5 S. 3 BMG" in r for r in reasons)
        assert_accessible(chrome)
        chrome.find_element(By.ID, "nav-closed").click()
        wait_for(chrome, "#task-count", "1 Aufgabe")
        assert [
            row.get_attribute("data-task-id")
            for row in chrome.find_elements(By.CSS_SELECTOR, "#tasks tr[data-task-id]")
        ] == [first]
        assert texts(chrome, "#tasks td.resolution") == ["Von Hand beantwortet"]
        assert_accessible(chrome)
    rows = {row["task_id"]: row for row in task_rows(clean_database)}
    assert rows[first]["resolution"] == f"answered_manually: {NOTE}"
    assert rows[first]["checklist_done"]
    assert rows[second]["status"] == "open"
