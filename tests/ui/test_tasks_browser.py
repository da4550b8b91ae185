"""The register office's workbench in headless Chromium against the hub served by uvicorn.

A real query about a blocked person through the API opens the task; the office signs in,
opens it, closes it with a note and finds it among the closed tasks.
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
from tests.conftest import REPO
from tests.fixtures.factories import (
    blocked,
    import_persons,
    load_default_catalogue,
    new_client,
    person,
    settings_for,
)
from tests.hub.ledger_helpers import task_rows
from tests.hub.test_query_melderegister import URL, query
from tests.ui.browser import submit_login, texts, wait_for
from tests.ui.servers import free_port, serve_in_thread

pytestmark = pytest.mark.browser

PASSWORD = "office browser password"
NOTE = "Sperre bestätigt, Wohngeldstelle schriftlich informiert."


async def _seed(database_url: str) -> None:
    load_default_catalogue(database_url)
    import_persons(database_url, [person("P-9", blocks=blocked())])
    engine = create_hub_engine(database_url)
    try:
        async with create_sessionmaker(engine)() as session:
            await accounts.create_account(
                session,
                username="s.becker",
                roles=["register_office"],
                password=PASSWORD,
                display_name="Ms Becker",
            )
    finally:
        await engine.dispose()


async def _held(base: str, database_url: str) -> str:
    client = new_client(database_url, authority="wohngeldstelle")
    async with httpx.AsyncClient(base_url=base) as http:
        token = await http.post(
            "/oauth/token",
            data={"grant_type": "client_credentials"},
            auth=(client.client_id, client.client_secret),
        )
        assert token.status_code == 200, token.text
        answer = await http.post(
            URL,
            json=query(),
            headers={"Authorization": f"Bearer {token.json()['access_token']}"},
        )
    assert answer.json()["outcome"] == "neutral", answer.text
    [task] = task_rows(database_url)
    return str(task["task_id"])


def _sign_in(driver: WebDriver, base: str) -> None:
    driver.get(f"{base}/ui")
    submit_login(driver, username="s.becker", password=PASSWORD)
    wait_for(driver, "#workbenches")
    driver.find_element(By.CSS_SELECTOR, '#workbenches a[href="/ui/tasks"]').click()
    wait_for(driver, "#task-count")


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
        task_id = await _held(base, clean_database)
        _sign_in(chrome, base)
        assert chrome.find_element(By.ID, "open-count").text == "1"
        assert texts(chrome, "#tasks td.authority") == ["wohngeldstelle"]
        assert texts(chrome, "#tasks td.case-reference") == ["WG-2026-0042"]
        chrome.find_element(By.CSS_SELECTOR, f'tr[data-task-id="{task_id}"] td.ticket a').click()
        wait_for(chrome, "#t-reasons")
        assert chrome.find_element(By.ID, "t-person").text == "P-9"
        assert "auskunftssperre" in texts(chrome, "#t-reasons li")
        Select(chrome.find_element(By.ID, "resolution")).select_by_value("refused")
        chrome.find_element(By.ID, "note").send_keys(NOTE)
        chrome.find_element(By.ID, "close-task").click()
        wait_for(chrome, "#t-status", "closed")
        assert chrome.find_element(By.ID, "t-note").text == NOTE
        assert chrome.find_element(By.ID, "t-closed-by").text == "ui-workbench/s.becker"
        chrome.find_element(By.ID, "nav-closed").click()
        wait_for(chrome, "#task-count", "1 closed task")
        assert texts(chrome, "#tasks td.ticket") == [task_id]
        assert texts(chrome, "#tasks td.resolution") == ["refused"]
        chrome.find_element(By.ID, "nav-open").click()
        wait_for(chrome, "#task-count", "0 open tasks")
    [row] = task_rows(clean_database)
    assert row["resolution"] == f"refused: {NOTE}"
