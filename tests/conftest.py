"""Fixtures shared by the whole suite: one Playwright and one Chromium per test session; and the
browser tests' timings, printed at the end (gathered from pytest-xdist's workers)."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Playwright, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from tests.browser.server import SiteServer
from tests.chromium import CHROMIUM_ARGS, chromium_path
from tests.site import projects
from tests.site.projects import built_and_served, copy_project


@pytest.fixture(scope="session", autouse=True)
def session_ledgers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The folder where this test run's builds of copies make each ledger part once
    (tests/site/projects.py: SESSION_LEDGERS): new for every run, and shared by pytest-xdist's
    workers (their temporary folders are made side by side in the run's own)."""
    base = tmp_path_factory.getbasetemp()
    folder = (base.parent if "PYTEST_XDIST_WORKER" in os.environ else base) / "session-ledgers"
    folder.mkdir(exist_ok=True)
    projects.SESSION_LEDGERS = folder
    yield folder
    projects.SESSION_LEDGERS = None


@pytest.fixture(scope="session")
def site_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SiteServer]:
    """The real site, built once per session (per test worker) by ``mkdocs build --strict`` from
    a copy of its sources, for the address it is served at on 127.0.0.1."""
    with built_and_served(copy_project(tmp_path_factory.mktemp("real-site"))) as server:
        yield server


@pytest.fixture(scope="session")
def site(site_server: SiteServer) -> Path:
    """The folder of the real site (:func:`site_server`): every test that reads the built site."""
    return site_server.root


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


# The browser tests' timings (tests.browser.conftest.record_timing), from each pytest-xdist worker.
_WORKER_TIMINGS: dict[str, list[float]] = {}


def _timings() -> dict[str, list[float]]:
    module = sys.modules.get("tests.browser.conftest")
    return getattr(module, "TIMINGS", {})


def pytest_sessionfinish(session: pytest.Session) -> None:
    output = getattr(session.config, "workeroutput", None)
    if output is not None:  # a worker: hand them to the controller
        output["browser_timings"] = _timings()


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: Any) -> None:
    for name, values in getattr(node, "workeroutput", {}).get("browser_timings", {}).items():
        _WORKER_TIMINGS.setdefault(name, []).extend(values)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print the timings the browser tests measured (first interaction to ready, and so on)."""
    timings = {**_timings()}
    for name, values in _WORKER_TIMINGS.items():
        timings.setdefault(name, []).extend(values)
    if not timings:
        return
    terminalreporter.section("browser timings")
    for name, values in timings.items():
        shown = ", ".join(f"{value:.2f} s" for value in values)
        terminalreporter.write_line(f"{name}: {shown}")


# The files that take longest, longest first (measured 2026-12-05 on the project's 2-core machine,
# dev/testing.md). pytest-xdist's workers take whole files in the order of the collection
# (``./run test``: --dist loadfile --no-loadscope-reorder): started first, they run beside the many
# short files instead of being left for one worker at the end while the other waits. Any other
# file follows in the usual order; a file missing here only runs later.
SLOWEST_FIRST = (
    "tests/browser/test_widget.py",
    "tests/site/test_versions.py",
    "tests/browser/test_accessibility.py",
    "tests/test_run_script.py",
    "tests/browser/test_two_policies.py",
    "tests/site/test_versions_everywhere.py",
    "tests/browser/test_failures.py",
    "tests/browser/test_handoff.py",
    "tests/browser/test_network.py",
    "tests/site/test_trusted_ledger.py",
    "tests/site/test_ledger.py",
    "tests/site/test_table_js.py",
    "tests/site/test_email_fits.py",
    "tests/site/test_build.py",
    "tests/site/test_output.py",
    "tests/site/test_editor_mistakes.py",
    "tests/site/test_stdlib.py",
    "tests/browser/test_csp.py",
    "tests/browser/test_validators.py",
    "tests/browser/test_versions.py",
    "tests/browser/test_experience.py",
    "tests/browser/test_layout.py",
    "tests/site/test_outcome_texts.py",
    "tests/test_publish.py",
    "tests/browser/test_states.py",
)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test that starts Chromium as ``browser``, whatever its file says, so that the
    fast tier (``./run test --fast``, ``-m "not browser"``) never starts one. Runs before pytest
    selects by marker. Then put the slowest files first (:data:`SLOWEST_FIRST`), each file's
    tests kept in their order."""
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)
    rank = {name: index for index, name in enumerate(SLOWEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.nodeid.split("::", 1)[0], len(rank)))
