"""Fixtures for the browser tests: the real site, built once, served on 127.0.0.1, in Chromium.

Nothing is mocked: the site is built by ``mkdocs build --strict`` with the real plugin (the pinned
Pyodide runtime and the checker's wheel; ``site_server`` in tests/conftest.py, built with
tests/site/projects.py), served by :mod:`tests.browser.server`, and driven with
Playwright in Debian's Chromium. A browser that cannot be started fails the tests; it never skips
them, so a CI machine without Chromium cannot pass by accident.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Literal

import pytest
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Dialog,
    Page,
    Request,
    Route,
    ViewportSize,
)

from tests.browser.server import SiteServer

# A visitor's motion preference (prefers-reduced-motion), as Playwright emulates it.
Motion = Literal["reduce", "no-preference"]

# The desktop layout, where Material shows the navigation in the left sidebar.
VIEWPORT: ViewportSize = {"width": 1280, "height": 900}
# Playwright's wait for any one action or condition. Loading the runtime takes about 2 s on an
# idle 2-core machine; this leaves room for a busy one without hiding a widget that never loads.
DEFAULT_TIMEOUT_MS = 30_000

# Figures measured while the tests run, printed at the end of the session (tests/conftest.py).
TIMINGS: dict[str, list[float]] = {}


def record_timing(name: str, seconds: float) -> None:
    """Keep a measured duration for the summary at the end of the test run."""
    TIMINGS.setdefault(name, []).append(seconds)


@dataclass
class Session:
    """A fresh browser context with one page, and what happened in it."""

    context: BrowserContext
    page: Page
    server: SiteServer
    requests: list[Request] = field(default_factory=list)  # every request, workers included
    dialogs: list[str] = field(default_factory=list)  # alert/confirm/prompt: none should open
    page_errors: list[str] = field(default_factory=list)  # uncaught exceptions in the page

    def url(self, path: str = "/") -> str:
        return self.server.url(path)

    def request_urls(self) -> list[str]:
        return [request.url for request in self.requests]

    def wait_for_state(self, state: str, timeout_ms: int = DEFAULT_TIMEOUT_MS) -> float:
        """Wait until the widget's ``data-state`` is ``state``; return the seconds it took."""
        start = time.monotonic()
        self.page.wait_for_selector(
            f"[data-policy-check][data-state={state}]", state="attached", timeout=timeout_ms
        )
        return time.monotonic() - start


def open_session(browser: Browser, server: SiteServer, *, motion: Motion = "reduce") -> Session:
    """A new context (its own cache, cookies and storage) and page, with everything recorded.

    ``motion``: the visitor's preference. By default one who prefers reduced motion: the result
    comes into view at once, where the default is a smooth scroll of most of a second, and every
    click that follows a result (Playwright waits until the element stops moving) would wait for
    it; some forty tests' time went on that. ``"no-preference"`` for the smooth scroll itself:
    the phone visits of test_experience.py and the landings of test_layout.py drive it."""
    context = browser.new_context(locale="en-US", viewport=VIEWPORT, reduced_motion=motion)
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    page = context.new_page()
    session = Session(context=context, page=page, server=server)
    # Context-wide, so requests of the module worker that runs Pyodide are seen too.
    context.on("request", lambda request: session.requests.append(request))

    def on_dialog(dialog: Dialog) -> None:
        session.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.on(
        "pageerror",
        lambda error: session.page_errors.append(f"{error.message}\n{error.stack or ''}"),
    )
    return session


@contextmanager
def checked_session(
    browser: Browser, server: SiteServer, *, motion: Motion = "reduce"
) -> Iterator[Session]:
    """A fresh context and page on ``server`` (:func:`open_session`), whose access log starts
    empty; closed at the end, when the page must not have thrown or opened a dialog, whatever the
    test checked."""
    server.clear_log()
    session = open_session(browser, server, motion=motion)
    yield session
    session.context.close()
    assert not session.page_errors, f"uncaught errors in the page: {session.page_errors}"
    assert not session.dialogs, f"the page opened dialogs: {session.dialogs}"


def shorten_stall_timeout(session: Session, milliseconds: int) -> None:
    """Serve the policy page with the self-check's stall timeout set to ``milliseconds``, as the
    plugin's ``stall_timeout_ms`` option would (the page reads it from data-stall-timeout)."""

    def shortened(route: Route) -> None:
        response = route.fetch()
        html = response.text().replace(
            'data-stall-timeout="15000"', f'data-stall-timeout="{milliseconds}"'
        )
        route.fulfill(response=response, body=html)

    session.page.route(session.url("/"), shortened)


@pytest.fixture
def session(browser: Browser, site_server: SiteServer) -> Iterator[Session]:
    """A fresh context and page for one test on the real site."""
    with checked_session(browser, site_server) as session:
        yield session
