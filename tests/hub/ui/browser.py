"""Headless Chromium (Debian's chromium + chromedriver, Selenium) for the workbench tests.

Skipped only when Chromium is missing and CI is unset; in CI a missing browser fails.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from importlib.resources import files
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.wait import WebDriverWait

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in {"", "0", "false", "no"}


def headless_chrome() -> Iterator[WebDriver]:
    """The body of the ``chrome`` fixture (tests/hub/ui/conftest.py)."""
    if not CHROMIUM.exists() or not CHROMEDRIVER.exists():
        if _in_ci():
            pytest.fail("Chromium/chromedriver missing: run 'make browser'")
        pytest.skip("Chromium not installed (make browser)")
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--window-size=1400,1000",
    ):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    driver.implicitly_wait(0)
    try:
        yield driver
    finally:
        driver.quit()


def wait_for(driver: WebDriver, css: str, text: str | None = None) -> None:
    locator = (By.CSS_SELECTOR, css)
    if text is None:
        WebDriverWait(driver, 10).until(expected_conditions.presence_of_element_located(locator))
    else:
        WebDriverWait(driver, 10).until(
            expected_conditions.text_to_be_present_in_element(locator, text)
        )


def texts(driver: WebDriver, css: str) -> list[str]:
    return [element.text for element in driver.find_elements(By.CSS_SELECTOR, css)]


def submit_login(driver: WebDriver, *, username: str, password: str) -> None:
    """Fill and send the login form the browser is on; returns once the answer has loaded.

    Waiting for the old page to go stale: an element the next page shares with the login
    page (its ``h1``) would otherwise be found on the login page itself.
    """
    button = driver.find_element(By.ID, "sign-in")
    driver.find_element(By.ID, "username").send_keys(username)
    driver.find_element(By.ID, "password").send_keys(password)
    button.click()
    WebDriverWait(driver, 10).until(lambda _: _left_the_page(button))


def _left_the_page(element: WebElement) -> bool:
    """``staleness_of``, also for Chrome's other word for it while the next page loads.

    Asked in the middle of the navigation, Chrome may answer "Node with given id does not
    belong to the document" (a plain WebDriverException) instead of a stale reference.
    """
    try:
        element.is_enabled()
    except StaleElementReferenceException:
        return True
    except WebDriverException as error:
        if "does not belong to the document" in str(error.msg):
            return True
        raise
    return False


AXE_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
RUN_AXE = """
const done = arguments[arguments.length - 1];
axe.run(document, {runOnly: {type: 'tag', values: TAGS}})
  .then(result => done(result.violations.map(
    v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).slice(0, 5).join(', '))))
  .catch(error => done(['axe failed: ' + error]));
""".replace("TAGS", json.dumps(AXE_TAGS))


def assert_accessible(driver: WebDriver) -> None:
    """axe-core (WCAG 2.1 A and AA rules) finds no violation on the page the browser shows.

    The script is injected by the test (the pages' CSP admits only their own scripts, but
    WebDriver's injection is not a page script), so the workbenches ship nothing for it.
    """
    axe = files("axe_core_python").joinpath("axe.min.js").read_text(encoding="utf-8")
    driver.set_script_timeout(30)
    driver.execute_script(axe)
    violations = driver.execute_async_script(RUN_AXE)
    assert violations == [], f"{driver.current_url}: {violations}"
