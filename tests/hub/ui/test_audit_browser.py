"""The DPO's daily pages in headless Chromium, in German, axe-core on every page walked:
the ledger search for daily work and a person's Art. 15 request answered with a letter."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.select import Select
from selenium.webdriver.support.wait import WebDriverWait

from hub.app import create_app
from hub.audit.ledger.reads import ENTRY_COLUMNS
from hub.db import create_hub_engine, create_sessionmaker
from hub.ui import service as accounts
from tests.fixtures.factories import import_persons, load_default_catalogue, person
from tests.fixtures.hub_app import hub_settings
from tests.fixtures.servers import serve_in_thread
from tests.fixtures.workbench import Clock, append, record
from tests.hub.ui.browser import assert_accessible, submit_login, texts, wait_for

pytestmark = pytest.mark.browser

NOON = datetime.now(UTC).replace(hour=12, minute=0, second=0, microsecond=0)
PASSWORD = "browser test password 2"
FETCH_TEXT = """
const done = arguments[arguments.length - 1];
fetch(arguments[0]).then(r => r.text()).then(done).catch(e => done('failed: ' + e));
"""


@pytest.fixture
async def seeded(clean_database: str, clock: Clock) -> None:
    """30 entries over two days (Wohngeldstelle and Sozialamt), P-1 in the Melderegister."""
    load_default_catalogue(clean_database)
    import_persons(clean_database, [person("P-1")])
    engine = create_hub_engine(clean_database)
    sessions = create_sessionmaker(engine)
    try:
        async with sessions() as session:
            await accounts.create_account(
                session,
                username="dpo.weber",
                roles=["dpo"],
                password=PASSWORD,
                display_name="Ms Weber",
            )
        for index in range(30):
            at = NOON - timedelta(days=1 - index // 15, minutes=-index)
            changes = (
                {"authority": "wohngeldstelle", "purpose": "wohngeld_antrag"} if index % 2 else {}
            )
            label = f"s{index:02d}"
            await append(
                sessions, clock, record(label, case_reference=f"AZ-{index:02d}", **changes), at=at
            )
    finally:
        await engine.dispose()


def _wait_url(driver: WebDriver, part: str) -> None:
    WebDriverWait(driver, 10).until(lambda d: part in d.current_url)


def _ledger_search(driver: WebDriver, base: str) -> None:
    driver.get(f"{base}/ui/login?next=/ui/audit")
    submit_login(driver, username="dpo.weber", password=PASSWORD)
    wait_for(driver, "#result-count")
    # Newest first: today's newest entry heads the first page.
    assert texts(driver, "#entries td.case")[0] == "AZ-29"
    assert texts(driver, "#entries th.time")[0].startswith("Zeit")
    assert_accessible(driver)
    # A purpose chosen by its title; the address keeps it, so "back" finds it again.
    Select(driver.find_element(By.ID, "f-purpose")).select_by_visible_text("Wohngeldantrag")
    driver.find_element(By.ID, "search").click()
    wait_for(driver, "#result-count", "15 passende Einträge")
    _wait_url(driver, "purpose=wohngeld_antrag")
    assert set(texts(driver, "#entries td.purpose")) == {"Wohngeldantrag"}
    # Sorted by authority through the column heading, then back to the filtered list.
    driver.find_element(By.ID, "sort-authority").click()
    _wait_url(driver, "sort=authority")
    wait_for(driver, "#entries th.authority[aria-sort]")
    driver.back()
    _wait_url(driver, "purpose=wohngeld_antrag")
    # The hub renders the page of that address again (no history cache): time order, filter.
    wait_for(driver, "#entries th.time[aria-sort]")
    WebDriverWait(driver, 10, ignored_exceptions=[StaleElementReferenceException]).until(
        lambda d: (
            Select(d.find_element(By.ID, "f-purpose")).first_selected_option.get_attribute("value")
            == "wohngeld_antrag"
        )
    )
    assert "15 passende Einträge" in driver.find_element(By.ID, "result-count").text
    # Paging by keyset: the last page, then the previous one.
    driver.get(f"{base}/ui/audit?limit=25")
    wait_for(driver, "#last-page")
    driver.find_element(By.ID, "last-page").click()
    wait_for(driver, "#result-count", "Folgeseite")
    assert texts(driver, "#entries td.case") == [f"AZ-{n:02d}" for n in range(24, -1, -1)]
    driver.find_element(By.ID, "previous-page").click()
    wait_for(driver, "#next-page")
    assert texts(driver, "#entries td.case")[:5] == [f"AZ-{n:02d}" for n in range(29, 24, -1)]
    assert_accessible(driver)
    # Straight to yesterday.
    yesterday = (NOON - timedelta(days=1)).strftime("%d.%m.%Y")
    field = driver.find_element(By.ID, "f-at")
    field.clear()
    field.send_keys(yesterday)
    driver.find_element(By.ID, "jump").click()
    wait_for(driver, "#previous-page")
    assert texts(driver, "#entries td.case")[0] == "AZ-14"
    # The case reference filter, in any case; the export of exactly that result.
    driver.get(f"{base}/ui/audit?case=az-07")
    wait_for(driver, "#result-count", "1 passender Eintrag")
    exported = driver.execute_async_script(
        FETCH_TEXT, driver.find_element(By.ID, "export-csv").get_attribute("href")
    )
    rows = list(csv.reader(io.StringIO(exported)))
    assert rows[0] == list(ENTRY_COLUMNS)
    assert [row[ENTRY_COLUMNS.index("case_reference")] for row in rows[1:]] == ["AZ-07"]
    assert_accessible(driver)


def _chain(driver: WebDriver, base: str) -> None:
    driver.get(f"{base}/ui/audit/chain")
    driver.find_element(By.ID, "verify").click()
    wait_for(driver, "#chain-result", "Kette intakt")  # polled until the job is done
    assert driver.find_element(By.ID, "chain-result").get_attribute("data-ok") == "true"
    assert "/ui/audit/chain" in driver.current_url
    assert_accessible(driver)


def _art15(driver: WebDriver, base: str) -> None:
    driver.get(f"{base}/ui/audit")
    driver.find_element(By.ID, "nav-auskunft").click()
    wait_for(driver, "#auskunft-form")
    assert_accessible(driver)
    for field, value in (
        ("a-name", "Müller"),
        ("a-given-names", "Anna"),
        ("a-birth-date", "17.05.1980"),
        ("a-case", "A15-2026-1"),
    ):
        driver.find_element(By.ID, field).send_keys(value)
    driver.find_element(By.ID, "a-search").click()
    wait_for(driver, "#letter")
    assert "30 Übermittlungen" in driver.find_element(By.ID, "auskunft-found").text
    assert "Anna Müller" in driver.find_element(By.ID, "letter-recipient").text
    assert driver.find_element(By.ID, "letter-case").text == "A15-2026-1"
    recipients = set(texts(driver, "#letter-disclosures td.l-recipient"))
    assert recipients == {
        "Wissenschaftsstadt Darmstadt, Sozialamt (SGB XII, AsylbLG)",
        "Wissenschaftsstadt Darmstadt, Wohngeldstelle",
    }
    assert "§ 34 Absatz 4 Satz 1" in driver.find_element(By.ID, "letter-security").text
    assert_accessible(driver)
    # Printed, the letter stands alone.
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    try:
        assert not driver.find_element(By.CSS_SELECTOR, "header.top").is_displayed()
        assert not driver.find_element(By.ID, "auskunft-form").is_displayed()
        assert driver.find_element(By.ID, "letter").is_displayed()
    finally:
        driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": ""})


async def test_ledger_search_and_art15_letter_in_chromium(
    chrome: WebDriver, seeded: None, clean_database: str, tmp_path: Path
) -> None:
    with serve_in_thread(create_app(hub_settings(clean_database, tmp_path))) as base:
        _ledger_search(chrome, base)
        _chain(chrome, base)
        _art15(chrome, base)
