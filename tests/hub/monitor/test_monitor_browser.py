"""``/monitor`` in headless Chromium: rendered with real figures, and axe-core finds no WCAG
2.1 A/AA violation (axe-core 4.4 as shipped by the axe-core-python package)."""

from __future__ import annotations

from collections.abc import Iterator
from importlib.resources import files
from pathlib import Path

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.remote.webdriver import WebDriver

from hub.app import create_app
from tests.fixtures.hub_app import hub_settings
from tests.fixtures.monitor_traffic import seed
from tests.fixtures.servers import free_port, serve_in_thread
from tests.hub.ui.browser import headless_chrome, texts, wait_for

pytestmark = pytest.mark.browser
AXE = files("axe_core_python").joinpath("axe.min.js").read_text(encoding="utf-8")
RUN_AXE = """
const done = arguments[arguments.length - 1];
axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})
  .then(result => done(result.violations.map(v => v.id + ': ' + v.nodes.length)))
  .catch(error => done(['axe failed: ' + error]));
"""


@pytest.fixture
def chrome() -> Iterator[WebDriver]:
    yield from headless_chrome()


async def test_monitor_renders_real_figures_accessibly(
    chrome: WebDriver, clean_database: str, tmp_path: Path
) -> None:
    await seed(clean_database)
    app = create_app(hub_settings(clean_database, tmp_path))
    with serve_in_thread(app, port=free_port()) as base:
        chrome.get(f"{base}/monitor")
        wait_for(chrome, "main h1", "Digitalmonitor Darmstadt")
        assert chrome.find_element(By.TAG_NAME, "html").get_attribute("lang") == "de"
        assert {"melderegister", "gewerberegister"} <= set(texts(chrome, "th[scope=row]"))
        assert "80,6 %" in chrome.find_element(By.TAG_NAME, "main").text  # 29 of 36 automatic
        chrome.set_script_timeout(30)
        chrome.execute_script(AXE)
        assert chrome.execute_async_script(RUN_AXE) == []
