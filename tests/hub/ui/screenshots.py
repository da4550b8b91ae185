"""PNGs of the workbenches for the README, written by the Chromium tests when asked.

``HUB_SCREENSHOTS=1`` (``make screenshots``) writes ``docs/screenshots/<name>.png``; without
it nothing is written, so ordinary test runs leave the tree alone.
"""

from __future__ import annotations

import os
from pathlib import Path

from selenium.webdriver.remote.webdriver import WebDriver

from tests.fixtures.paths import REPO

SCREENSHOTS = REPO / "docs" / "screenshots"


def wanted() -> bool:
    return os.environ.get("HUB_SCREENSHOTS", "").strip() not in {"", "0"}


def screenshot(driver: WebDriver, name: str) -> Path | None:
    """The whole page as ``docs/screenshots/<name>.png`` (only with HUB_SCREENSHOTS=1)."""
    if not wanted():
        return None
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    target = SCREENSHOTS / f"{name}.png"
    height = driver.execute_script("return document.documentElement.scrollHeight")
    driver.set_window_size(1400, min(max(int(height), 800), 2000))
    assert driver.save_screenshot(str(target)), f"no screenshot written to {target}"
    driver.set_window_size(1400, 1000)
    return target
