"""Headless Debian chromium driven by selenium, for the browser tests of the pages.

Without chromium (or its driver, or selenium) a browser test skips, except under ``CI=true``,
where the browser is part of the setup (``.ci/system-deps.sh`` installs it) and a missing one
fails the test.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = Path(os.environ.get("MLA_KG_CHROMIUM", "/usr/bin/chromium"))
CHROMEDRIVER = Path(os.environ.get("MLA_KG_CHROMEDRIVER", "/usr/bin/chromedriver"))
SCREENSHOTS = Path(os.environ.get("MLA_KG_SCREENSHOTS", tempfile.gettempdir()))
WAIT_SECONDS = 60


def missing(reason: str) -> None:
    """Skip for a missing browser, or fail under CI where the browser is part of the setup."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason}; CI must install it (.ci/system-deps.sh)")
    pytest.skip(reason)


@contextmanager
def chromium(downloads: Path, *arguments: str) -> Iterator[object]:
    """Start headless chromium saving downloads in ``downloads``; quit it afterwards."""
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        missing("selenium is not installed (pip install 'mla-kg[test]')")
    binary = CHROMIUM if CHROMIUM.exists() else shutil.which("chromium")
    driver_path = CHROMEDRIVER if CHROMEDRIVER.exists() else shutil.which("chromedriver")
    if not binary:
        missing(f"chromium not found at {CHROMIUM} (Debian package 'chromium')")
    if not driver_path:
        missing(f"chromedriver not found at {CHROMEDRIVER} (Debian package 'chromium-driver')")
    options = webdriver.ChromeOptions()
    options.binary_location = str(binary)
    for argument in (
        "--headless=new",
        "--no-sandbox",  # containers run as root, where the sandbox cannot start
        "--disable-gpu",
        "--disable-dev-shm-usage",
        *arguments,
    ):
        options.add_argument(argument)
    options.add_experimental_option(
        "prefs",
        {"download.default_directory": str(downloads), "download.prompt_for_download": False},
    )
    driver = webdriver.Chrome(service=Service(str(driver_path)), options=options)
    driver.set_page_load_timeout(WAIT_SECONDS)
    try:
        yield driver
    finally:
        driver.quit()


def wait(driver, condition):
    """Wait up to :data:`WAIT_SECONDS` for ``condition(driver)`` to hold; return its value."""
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, WAIT_SECONDS).until(condition)
