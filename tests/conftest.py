"""Fixtures shared by the whole suite: one Playwright and one Chromium per test session."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Playwright, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from tests.chromium import CHROMIUM_ARGS, chromium_path


@pytest.fixture(scope="session")
def playwright_instance() -> Iterator[Playwright]:
    # Playwright's sync API allows one instance per process: every test shares this one.
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="session")
def browser(playwright_instance: Playwright) -> Iterator[Browser]:
    """One Chromium for the session: Debian's, from ``$CHROMIUM`` or /usr/bin/chromium."""
    executable = chromium_path()
    try:
        browser = playwright_instance.chromium.launch(
            executable_path=executable, args=CHROMIUM_ARGS, headless=True
        )
    except PlaywrightError as error:
        problem = error.message.splitlines()[0]
    else:
        yield browser
        browser.close()
        return
    # A failure, never a skip: in CI a missing browser must not look like a pass.
    pytest.fail(
        f"Chromium could not be started from {executable}: {problem}\n"
        "Install it (Debian/Ubuntu: apt-get install -y chromium) or set CHROMIUM to the path "
        "of a Chromium or Chrome binary.",
        pytrace=False,
    )
