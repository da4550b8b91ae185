"""The steward's workbench in headless Chromium: a new field from unreviewed to released.

The hub runs under uvicorn; the field is added the way ``hub catalogue sync`` adds it, the
steward approves it in the browser, and a real query through the API then releases it and
its ledger entry carries the revision the approval made. The start page puts the to-do first
(the unreviewed field, the duties due); on the purpose's own page adding ``religion`` is held
for the second confirmation. In German; axe-core checks every page walked.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from sqlalchemy import delete, update

from governance.models import Duty, FieldRelease
from hub.app import create_app
from hub.catalogue.commands import run_sync
from hub.catalogue.duties_service import DutyScheduler
from hub.db import create_hub_engine, create_sessionmaker
from hub.ui import service as accounts
from tests.fixtures.factories import (
    import_persons,
    load_default_catalogue,
    new_client,
    person,
    settings_for,
)
from tests.fixtures.ledger import ledger_rows, run_statement
from tests.fixtures.melderegister_queries import URL, person_query
from tests.fixtures.paths import REPO
from tests.fixtures.servers import free_port, serve_in_thread
from tests.hub.ui.browser import assert_accessible, submit_login, texts, wait_for

pytestmark = pytest.mark.browser

PASSWORD = "steward browser password"
TODAY = datetime.now(UTC).date()
DATASET = "/ui/catalogue/datasets/melderegister/persons"


async def _seed(database_url: str) -> None:
    load_default_catalogue(database_url)
    run_sync(settings_for(database_url))
    import_persons(
        database_url, [person("P-1", marital={"status": "verheiratet", "since": "2010-06-12"})]
    )
    # A field the code declares but the catalogue has not seen: sync adds it as unreviewed.
    run_statement(
        database_url,
        delete(FieldRelease).where(
            FieldRelease.register == "melderegister", FieldRelease.field == "marital"
        ),
    )
    assert run_sync(settings_for(database_url))["added"] == ["field:melderegister/persons/marital"]
    # Two duties fall due; the scheduler (as `hub duties run`) marks one due, one overdue.
    run_statement(database_url, update(Duty).values(due_on=TODAY + timedelta(days=200)))
    for kind, due_on in (("quality_check", TODAY), ("open_data", TODAY - timedelta(days=40))):
        run_statement(database_url, update(Duty).where(Duty.kind == kind).values(due_on=due_on))
    engine = create_hub_engine(database_url)
    try:
        sessions = create_sessionmaker(engine)
        await DutyScheduler(sessions, adapters={}, grace_days=14).run(today=TODAY)
        async with sessions() as session:
            await accounts.create_account(
                session,
                username="s.stewart",
                roles=["steward"],
                password=PASSWORD,
                display_name="Ms Stewart",
            )
    finally:
        await engine.dispose()


def _share(driver: WebDriver, key: str) -> tuple[int, int, str]:
    row = driver.find_element(By.ID, f"share-{key}")
    done, total = row.get_attribute("data-done"), row.get_attribute("data-total")
    assert done is not None
    assert total is not None
    return int(done), int(total), row.find_element(By.CSS_SELECTOR, ".percent").text


def _sign_in(driver: WebDriver, base: str) -> None:
    driver.get(f"{base}/ui/login")
    submit_login(driver, username="s.stewart", password=PASSWORD)
    wait_for(driver, "#completeness")
    assert driver.current_url == f"{base}/ui/catalogue"  # the steward's own workbench


def _todo(driver: WebDriver) -> None:
    """The to-do comes before the percentages: the duties due and the unreviewed field."""
    todo = driver.find_element(By.ID, "todo")
    assert todo.location["y"] < driver.find_element(By.ID, "completeness").location["y"]
    duties = texts(driver, "#todo-duties li strong")
    assert duties == ["überfällig", "fällig"]
    assert driver.find_elements(
        By.CSS_SELECTOR, '#todo-unreviewed li[data-field="melderegister/marital"]'
    )
    assert_accessible(driver)


def _religion_needs_confirmation(driver: WebDriver, base: str) -> None:
    driver.get(f"{base}/ui/catalogue/purposes")
    assert_accessible(driver)
    driver.find_element(By.CSS_SELECTOR, 'a[href="/ui/catalogue/purposes/wohngeld_antrag"]').click()
    anchor = "allowance-wohngeld_antrag-wohngeldstelle-melderegister"
    wait_for(driver, f"#{anchor}")
    assert_accessible(driver)
    section = driver.find_element(By.ID, anchor)
    section.find_element(By.CSS_SELECTOR, 'input[name="fields"][value="religion"]').click()
    section.find_element(By.CSS_SELECTOR, "input.reason").send_keys("Versuch Religion")
    section.find_element(By.CSS_SELECTOR, "button.save-allowance").click()
    wait_for(driver, "#error-message", "besondere Kategorie personenbezogener Daten")
    section = driver.find_element(By.ID, anchor)
    [item] = section.find_elements(By.CSS_SELECTOR, "li.confirm-field")
    assert item.get_attribute("data-field") == "religion"
    assert "DSGVO Art. 9 Abs. 1" in item.text
    # The edit survived the refusal: religion is still ticked, the reason still there.
    religion = section.find_element(By.CSS_SELECTOR, 'input[name="fields"][value="religion"]')
    assert religion.is_selected()
    assert section.find_element(By.CSS_SELECTOR, "input.reason").get_attribute("value") == (
        "Versuch Religion"
    )
    assert_accessible(driver)


def _approve(driver: WebDriver, base: str) -> None:
    driver.get(f"{base}{DATASET}")
    row = driver.find_element(By.ID, "field-marital")
    assert "unreviewed" in str(row.get_attribute("class"))
    assert row.find_element(By.CSS_SELECTOR, ".status strong").text == "ungeprüft"
    assert_accessible(driver)
    # Without a reason the approval is refused and nothing changes.
    driver.find_element(By.ID, "approve-marital").click()
    wait_for(driver, "#error-message", "Begründung")
    assert driver.find_element(By.CSS_SELECTOR, "#field-marital .status strong").text == (
        "ungeprüft"
    )
    driver.find_element(By.ID, "reason-marital").send_keys("Familienstand geprüft, BMG §3")
    driver.find_element(By.ID, "approve-marital").click()
    wait_for(driver, "#done-message", "freigegeben")
    status = driver.find_element(By.CSS_SELECTOR, "#field-marital .status").text
    assert status.startswith("freigegeben")
    assert "Familienstand geprüft, BMG §3 (s.stewart)" in status


async def _query(base: str, database_url: str) -> dict[str, object]:
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
            json=person_query(["name", "given_names", "marital"]),
            headers={"Authorization": f"Bearer {token.json()['access_token']}"},
        )
    assert answer.status_code == 200, answer.text
    body: dict[str, object] = answer.json()
    return body


async def test_steward_releases_a_new_field_in_chromium(
    chrome: WebDriver,
    clean_database: str,
    tmp_path: Path,
) -> None:
    await _seed(clean_database)
    settings = settings_for(
        clean_database,
        key_dir=tmp_path / "keys",
        policy_dir=REPO / "policies",
        catalogue_refresh_seconds=3600,  # the approval itself must refresh the snapshot
    )
    with serve_in_thread(create_app(settings), port=free_port()) as base:
        _sign_in(chrome, base)
        _todo(chrome)
        done, total, percent = _share(chrome, "fields")
        assert done == total - 1
        assert percent == f"{round(100 * done / total)} %"
        before = await _query(base, clean_database)
        assert "marital" not in before["records"][0]["fields"]  # type: ignore[index]

        _approve(chrome, base)
        chrome.get(f"{base}/ui/catalogue")
        revision = int(chrome.find_element(By.ID, "revision").text)
        assert _share(chrome, "fields")[:2] == (total, total)
        assert _share(chrome, "fields")[2] == "100 %"
        assert _share(chrome, "purposes")[2] == "100 %"

        after = await _query(base, clean_database)
        fields = after["records"][0]["fields"]  # type: ignore[index]
        assert fields["marital"]["status"] == "verheiratet"
        entry = ledger_rows(clean_database)[-1]
        assert "marital" in entry["fields_released"]
        assert entry["catalogue_revision"] == revision

        chrome.get(f"{base}/ui/catalogue/history?target=field:melderegister/persons/marital")
        assert texts(chrome, "#history td.action") == ["field.approve", "sync.add"]
        assert texts(chrome, "#history td.actor")[0] == "s.stewart"
        assert texts(chrome, "#history td.reason")[0] == "Familienstand geprüft, BMG §3"
        assert texts(chrome, "#history td.revision")[0] == str(revision)

        chrome.get(f"{base}/ui/catalogue/duties")
        assert_accessible(chrome)
        statuses = texts(chrome, "#duties td.status")
        assert statuses[:2] == ["überfällig", "fällig"]
        assert set(statuses[2:]) == {"eingeplant"}
        dues = texts(chrome, "#duties td.due")
        german = "%d.%m.%Y"
        assert dues[:2] == [(TODAY - timedelta(days=40)).strftime(german), TODAY.strftime(german)]
        assert datetime.strptime(dues[2], german).replace(tzinfo=UTC).date() > TODAY

        _religion_needs_confirmation(chrome, base)
