"""The DPO's workbench in headless Chromium (Selenium) against the hub served by uvicorn.

In German, as the DPO sees it; axe-core checks every page walked (WCAG 2.1 A/AA).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.support.select import Select

from hub.app import create_app
from hub.db import create_hub_engine, create_sessionmaker
from hub.ui import service as accounts
from tests.fixtures.factories import load_default_catalogue, settings_for
from tests.fixtures.ledger import tamper
from tests.fixtures.paths import REPO
from tests.fixtures.servers import free_port, serve_in_thread
from tests.fixtures.workbench import Clock, append, open_case, record
from tests.hub.ui.browser import assert_accessible, submit_login, texts, wait_for

pytestmark = pytest.mark.browser

TODAY = datetime.now(UTC).replace(hour=12, minute=0, second=0, microsecond=0)
YESTERDAY = TODAY - timedelta(days=1)
PASSWORD = "browser test password 1"


@pytest.fixture
async def seeded(clean_database: str, clock: Clock) -> dict[str, str]:
    """A real ledger: accounts and entries through the hub's own services."""
    load_default_catalogue(clean_database)
    engine = create_hub_engine(clean_database)
    sessions = create_sessionmaker(engine)
    ids: dict[str, str] = {}
    try:
        async with sessions() as session:
            await accounts.create_account(
                session,
                username="dpo.weber",
                roles=["dpo"],
                password=PASSWORD,
                display_name="Ms Weber",
            )
        for label, authority, at, outcome in (
            ("k1", "sozialamt", YESTERDAY, "released"),
            ("k2", "sozialamt", YESTERDAY + timedelta(minutes=1), "released"),
            ("k3", "jugendamt", YESTERDAY + timedelta(minutes=2), "released"),
            ("k4", "sozialamt", TODAY, "released"),
            ("k5", "wohngeldstelle", TODAY + timedelta(minutes=1), "denied"),
        ):
            entry = record(label, authority=authority, outcome=outcome)
            ids[label] = await append(sessions, clock, entry, at=at)
        ids["case"] = await open_case(sessions, entry_ids=[ids["k1"], ids["k2"]])
    finally:
        await engine.dispose()
    return ids


SOZIALAMT = "Wissenschaftsstadt Darmstadt, Sozialamt (SGB XII, AsylbLG)"


def _landing(driver: WebDriver, base: str) -> None:
    """Signing in on the plain login page leads the DPO to the ledger, not elsewhere."""
    driver.get(f"{base}/ui/login")
    assert driver.find_element(By.TAG_NAME, "html").get_attribute("lang") == "de"
    assert_accessible(driver)
    submit_login(driver, username="dpo.weber", password=PASSWORD)
    wait_for(driver, "#result-count")
    assert driver.current_url == f"{base}/ui/audit"
    driver.find_element(By.ID, "logout").click()
    wait_for(driver, "#login-form")


def _sign_in(driver: WebDriver, base: str) -> None:
    driver.get(f"{base}/ui/audit?authority=sozialamt")
    assert "/ui/login?next=/ui/audit%3Fauthority%3Dsozialamt" in driver.current_url
    submit_login(driver, username="dpo.weber", password=PASSWORD)
    wait_for(driver, "#result-count")
    assert driver.find_element(By.ID, "signed-in-as").text == "Ms Weber (dpo.weber)"


def _search(driver: WebDriver, ids: dict[str, str]) -> None:
    # The redirect kept the filter: three Sozialamt calls, newest first.
    assert driver.find_element(By.ID, "result-count").text.startswith("3 passende Einträge")
    assert texts(driver, "#entries td.authority") == [SOZIALAMT] * 3
    assert texts(driver, "#entries td.user") == ["u.k4", "u.k2", "u.k1"]
    assert texts(driver, "#entries td.outcome") == ["übermittelt"] * 3
    assert_accessible(driver)
    # A new filter through htmx: the table is swapped, the page is not reloaded.
    marker = driver.find_element(By.ID, "search-form")
    Select(driver.find_element(By.ID, "f-authority")).select_by_value("jugendamt")
    driver.find_element(By.ID, "search").click()
    wait_for(driver, "#result-count", "1 passender Eintrag")
    assert driver.find_element(By.ID, "search-form") == marker
    assert texts(driver, "#entries td.user") == ["u.k3"]
    assert texts(driver, "#entries td.fields") == ["name, addresses"]
    assert "authority=jugendamt" in driver.current_url
    # Entry detail: reasons and legal basis.
    driver.find_element(By.CSS_SELECTOR, "#entries td.time a").click()
    wait_for(driver, "#d-reasons")
    assert driver.find_element(By.ID, "d-entry-id").text == ids["k3"]
    assert texts(driver, "#d-reasons li") == ["purpose_allowed", "field_not_allowed:religion"]
    assert texts(driver, "#d-legal-basis li") == ["BMG §37", "SGB XII §118"]
    assert_accessible(driver)


def _person(driver: WebDriver, base: str) -> None:
    """A person's disclosures without the DPO's own reads; a name is refused, not stored."""
    driver.get(f"{base}/ui/audit?person=P-1")
    wait_for(driver, "#result-count")
    assert texts(driver, "#entries td.user") == ["u.k5", "u.k4", "u.k3", "u.k2", "u.k1"]
    assert driver.find_element(By.ID, "reads-apart").is_displayed()
    driver.get(f"{base}/ui/audit?person=P-1&scope=reads")
    wait_for(driver, "#result-count")
    assert set(texts(driver, "#entries td.user")) == {"dpo.weber"}
    field = driver.find_element(By.ID, "f-person")
    driver.execute_script(
        "arguments[0].removeAttribute('pattern')", field
    )  # as a script-less client
    field.clear()
    field.send_keys("Müller")
    driver.find_element(By.ID, "search").click()
    wait_for(driver, "#filter-errors", "keine Personen-ID")
    assert_accessible(driver)


def _chain(driver: WebDriver, base: str, database_url: str) -> None:
    driver.get(f"{base}/ui/audit/chain")
    driver.find_element(By.ID, "verify").click()
    wait_for(driver, "#chain-result", "Kette intakt")
    assert_accessible(driver)
    assert driver.find_element(By.ID, "chain-result").get_attribute("data-ok") == "true"
    tamper(database_url, "UPDATE ledger_entries SET user_id = 'someone.else' WHERE seq = 2")
    driver.find_element(By.ID, "verify").click()
    wait_for(driver, "#chain-result", "GEBROCHEN")
    assert driver.find_element(By.ID, "broken-seq").text == "2"
    assert "entry altered" in driver.find_element(By.ID, "broken-problem").text


def _close_case(driver: WebDriver, base: str, case_id: str) -> None:
    driver.get(f"{base}/ui/audit/cases")
    assert_accessible(driver)
    driver.find_element(By.CSS_SELECTOR, f'tr[data-case-id="{case_id}"] a').click()
    wait_for(driver, "#note")
    assert_accessible(driver)
    driver.find_element(By.ID, "note").send_keys("Both queries belong to case SGB-XII-77.")
    driver.find_element(By.ID, "close-case").click()
    wait_for(driver, "#case-status", "abgeschlossen")
    assert driver.find_element(By.ID, "case-note").text == "Both queries belong to case SGB-XII-77."
    assert driver.find_element(By.ID, "case-closed-by").text == "dpo.weber"
    driver.get(f"{base}/ui/audit/cases?status=open")
    assert driver.find_element(By.ID, "case-count").text == "0 Prüffälle (offen)"


def _charts(driver: WebDriver, base: str) -> None:
    start = (TODAY - timedelta(days=2)).date().strftime("%d.%m.%Y")
    driver.get(f"{base}/ui/audit/charts?from={start}")
    assert_accessible(driver)
    day1, day2 = YESTERDAY.date().isoformat(), TODAY.date().isoformat()
    german1, german2 = YESTERDAY.strftime("%d.%m.%Y"), TODAY.strftime("%d.%m.%Y")
    bars = {
        (
            rect.get_attribute("data-day"),
            rect.get_attribute("data-series"),
            rect.get_attribute("data-count"),
        )
        for rect in driver.find_elements(By.CSS_SELECTOR, "#chart-authority rect.bar")
    }
    assert bars == {
        (day1, "sozialamt", "2"),
        (day1, "jugendamt", "1"),
        (day2, "sozialamt", "1"),
        (day2, "wohngeldstelle", "1"),
    }
    titles = [
        str(title.get_attribute("textContent"))
        for title in driver.find_elements(By.CSS_SELECTOR, "#chart-outcome rect.bar title")
    ]
    assert sorted(titles) == sorted(
        [
            f"{german1} · übermittelt: 3",
            f"{german2} · übermittelt: 1",
            f"{german2} · abgelehnt: 1",
        ]
    )
    legend = texts(driver, "#chart-authority .legend li")
    assert legend == [
        SOZIALAMT,
        "Wissenschaftsstadt Darmstadt, Jugendamt",
        "Wissenschaftsstadt Darmstadt, Wohngeldstelle",
    ]


async def test_dpo_works_through_the_ledger_in_chromium(
    chrome: WebDriver, seeded: dict[str, str], clean_database: str, tmp_path: Path
) -> None:
    settings = settings_for(
        clean_database,
        key_dir=tmp_path / "keys",
        policy_dir=REPO / "policies",
        catalogue_refresh_seconds=0,
    )
    with serve_in_thread(create_app(settings), port=free_port()) as base:
        _landing(chrome, base)
        _sign_in(chrome, base)
        _search(chrome, seeded)
        _person(chrome, base)
        _close_case(chrome, base, seeded["case"])
        _charts(chrome, base)
        _chain(chrome, base, clean_database)
