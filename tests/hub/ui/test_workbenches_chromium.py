"""The three workbenches in headless Chromium, in German, with axe-core at zero violations.

A steward creates a purpose and admits an authority to it, reads the change in the history
as old → new, and filters the Art. 30 records; a DPO reads the ledger of two real queries;
the register office sees the task one of them opened. With ``HUB_SCREENSHOTS=1``
(``make screenshots``) the walk writes the README's pictures to ``docs/screenshots/``.
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
from tests.fixtures.melderegister_queries import URL, query
from tests.fixtures.paths import REPO
from tests.fixtures.servers import free_port, serve_in_thread
from tests.hub.ui.browser import assert_accessible, submit_login, texts, wait_for
from tests.hub.ui.screenshots import screenshot

pytestmark = pytest.mark.browser

PASSWORD = "workbench browser password"
ACCOUNTS = {  # username: (display name, roles)
    "a.datenschutz": ("Anna Datenschutz", ["dpo"]),
    "s.stewart": ("Sven Stewart", ["steward"]),
    "m.becker": ("Mira Becker", ["register_office"]),
}


async def _seed(database_url: str) -> None:
    load_default_catalogue(database_url)
    import_persons(database_url, [person("P-1"), person("P-9", name="Berg", blocks=blocked())])
    engine = create_hub_engine(database_url)
    try:
        async with create_sessionmaker(engine)() as session:
            for username, (display_name, roles) in ACCOUNTS.items():
                await accounts.create_account(
                    session,
                    username=username,
                    roles=roles,
                    password=PASSWORD,
                    display_name=display_name,
                    office="meldebehoerde" if "register_office" in roles else None,
                )
    finally:
        await engine.dispose()


async def _queries(base: str, database_url: str) -> None:
    """The Wohngeldstelle asks twice: one answer released, one held for a blocked person."""
    client = new_client(database_url, authority="wohngeldstelle")
    async with httpx.AsyncClient(base_url=base) as http:
        token = await http.post(
            "/oauth/token",
            data={"grant_type": "client_credentials"},
            auth=(client.client_id, client.client_secret),
        )
        headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
        released = await http.post(URL, json=query(), headers=headers)
        assert released.json()["outcome"] == "released", released.text
        body = query()
        body["match"] = {**body["match"], "name": "Berg"}
        held = await http.post(URL, json=body, headers=headers)
        assert held.json()["outcome"] == "neutral", held.text


def _sign_in(driver: WebDriver, base: str, username: str) -> None:
    driver.delete_all_cookies()
    driver.get(f"{base}/ui/login")
    submit_login(driver, username=username, password=PASSWORD)


def _steward_creates(driver: WebDriver, base: str) -> None:
    _sign_in(driver, base, "s.stewart")
    wait_for(driver, "#todo")
    assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "de"
    assert_accessible(driver)
    screenshot(driver, "steward-catalogue")
    driver.get(f"{base}/ui/catalogue/purposes")
    driver.find_element(By.CSS_SELECTOR, "#purpose-new summary").click()
    form = driver.find_element(By.CSS_SELECTOR, "#purpose-new form")
    assert_accessible(driver)
    form.find_element(By.NAME, "code").send_keys("hundesteuer_pruefung")
    form.find_element(By.NAME, "title").send_keys("Hundesteuer: Prüfung der Halter")
    Select(form.find_element(By.NAME, "register")).select_by_value("melderegister")
    Select(form.find_element(By.NAME, "legal_basis")).select_by_value("BMG §37 Abs. 1")
    form.find_element(By.NAME, "reason").send_keys("Verfügung OB 2026/55")
    form.find_element(By.CSS_SELECTOR, "button.create-purpose").click()
    wait_for(driver, "#done-message", "Zweck angelegt")
    section = driver.find_element(By.ID, "allowance-new")
    Select(section.find_element(By.NAME, "authority")).select_by_value("steueramt")
    for field in ("name", "given_names", "addresses"):
        section.find_element(By.CSS_SELECTOR, f'input[name="fields"][value="{field}"]').click()
    section.find_element(By.NAME, "approval_reference").send_keys("OB-Verfügung 2026/55")
    section.find_element(By.NAME, "reason").send_keys("Steueramt zugelassen")
    assert_accessible(driver)
    section.find_element(By.CSS_SELECTOR, "button.create-allowance").click()
    wait_for(driver, "#done-message", "Zulassung angelegt")
    assert driver.find_elements(By.ID, "allowance-hundesteuer_pruefung-steueramt-melderegister")
    driver.get(f"{base}/ui/catalogue/history")
    first = driver.find_element(By.CSS_SELECTOR, "#history tbody tr")
    change = first.find_element(By.CSS_SELECTOR, 'li[data-member="fields"]').text
    assert change == "fields: — → addresses, given_names, name"  # the picker's order
    assert_accessible(driver)
    driver.get(f"{base}/ui/catalogue/records?q=Hundesteuer")
    titles = texts(driver, "#records-toc tbody tr[data-record] td:nth-child(2)")
    assert "Hundesteuer: Prüfung der Halter" in titles
    assert_accessible(driver)


def _dpo_reads(driver: WebDriver, base: str) -> None:
    _sign_in(driver, base, "a.datenschutz")
    wait_for(driver, "h1")
    assert driver.current_url.startswith(f"{base}/ui/audit")
    assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "de"
    assert_accessible(driver)
    screenshot(driver, "dpo-audit")


def _office_tasks(driver: WebDriver, base: str) -> None:
    _sign_in(driver, base, "m.becker")
    wait_for(driver, "#task-count")
    assert driver.current_url == f"{base}/ui/tasks"
    assert texts(driver, "#tasks td.person") == ["P-9"]
    assert_accessible(driver)
    screenshot(driver, "office-tasks")


async def test_the_three_workbenches_in_chromium(
    chrome: WebDriver, clean_database: str, tmp_path: Path
) -> None:
    await _seed(clean_database)
    settings = settings_for(
        clean_database,
        key_dir=tmp_path / "keys",
        policy_dir=REPO / "policies",
        catalogue_refresh_seconds=0,
    )
    with serve_in_thread(create_app(settings), port=free_port()) as base:
        await _queries(base, clean_database)
        _steward_creates(chrome, base)
        _dpo_reads(chrome, base)
        _office_tasks(chrome, base)
