"""The self-check when its runtime cannot start: a clear error, a way out, and a retry that works.

Each fault is made the way it happens to visitors: a browser without WebAssembly, a runtime
download that stalls, a worker that crashes, a missing lock file. Each must show the error state
(``data-state="error"``) within 30 s with a "Try again" button, the email link to support and the
link to the policy's summary; once the fault is gone, "Try again" loads the runtime and a check
gives a verdict. (The abort of the ``.wasm`` request is in test_widget.py.)

How we checked that these tests can fail: each was run against a broken widget.js, served in place
of the real one through a route. Without the worker's "error" listener the crash test failed (the
widget noticed only when its load timeout ran out, "took too long"); without the load timeout the
stall test timed out waiting for the error state; with "Try again" doing nothing the crash and
lock-file tests timed out waiting for the runtime. The no-WebAssembly test fails in the ordinary
browser, where WebAssembly exists and the widget never shows that error.
"""

from __future__ import annotations

import fnmatch
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlencode

import pytest
from playwright.sync_api import Browser, Page, Route, expect

from policy_site.pages.blocks import SUMMARY_ID
from tests.browser.conftest import (
    Session,
    checked_session,
    record_timing,
    shorten_stall_timeout,
)
from tests.browser.invariant import ROOT, assert_invariant, assert_safe_mailto, read
from tests.browser.server import SiteServer
from tests.browser.test_widget import FAILURE_TIMEOUT_MS, runtime_paths
from tests.browser.visitor import LOAD_TIMEOUT_MS, checked, checks_answered, fill, wait_for_check

pytestmark = pytest.mark.browser

PROJECT = Path(__file__).resolve().parents[2]

# The page's wait for the runtime in the site built for the stall test: short, to keep the test
# fast, yet twice a cold load on an idle 2-core machine, so the retry's real load fits in it.
SHORT_LOAD_TIMEOUT_MS = 6000
# No WebAssembly object at all, as in browsers in hardened modes that turn off the JIT. (In the
# V8 of Chromium 156, --js-flags=--noexpose_wasm no longer hides it.)
NO_WEBASSEMBLY = "delete globalThis.WebAssembly;"
# What the widget says when no byte of the runtime arrived for a while (a stall), as opposed to a
# failure it noticed at once.
TOO_LONG = "stopped downloading"
ANSWERS: dict[str, str] = {
    "purchase_date": (date.today() - timedelta(days=1)).isoformat(),
    "purchase_type": "credit_pack",
    "reason": "technical_failure",
    "credits_used": "none",
    "chargeback_filed": "false",
    "payment_provider": "unsure",
}
# A worker script that dies as it starts, as a worker does when its script is broken.
CRASHING_WORKER = 'throw new Error("refund-check test: the worker crashed");\n'

# The ids of elements on this page that the fallback links to.
SUMMARY_LINKS = """() => [
  ...document.querySelectorAll('[data-policy-check] [data-fallback] a[href]')]
  .map((link) => new URL(link.href))
  .filter((url) => url.origin + url.pathname === location.origin + location.pathname)
  .map((url) => decodeURIComponent(url.hash.slice(1)))
  .filter((id) => id && document.getElementById(id) !== null)"""


# Helpers -----------------------------------------------------------------------------------------


def assert_way_out_offered(page: Page) -> None:
    """The error state as a visitor sees it: why, "Try again", the email and the summary."""
    expect(page.locator(ROOT)).to_have_attribute("data-state", "error")
    fallback = page.locator(f"{ROOT} [data-fallback]")
    expect(fallback).to_be_visible()
    expect(fallback.locator("[data-fallback-message]")).not_to_be_empty()
    expect(fallback.locator("[data-retry]")).to_be_visible()
    email = fallback.locator('a[href^="mailto:"]')
    expect(email).to_be_visible()
    assert_safe_mailto(email.get_attribute("href") or "")
    # The links may be written relative or absolute: compare the resolved URLs.
    assert SUMMARY_ID in page.evaluate(SUMMARY_LINKS), "no link to the policy's summary"
    expect(page.locator(f"{ROOT} [data-result]")).to_be_hidden()


def fallback_message(page: Page) -> str:
    return page.locator(f"{ROOT} [data-fallback-message]").inner_text()


def retry_until_a_verdict(session: Session, *, already_answered: bool = False) -> None:
    """Press "Try again"; the runtime loads and a check gives the checker's verdict."""
    page = session.page
    before = checks_answered(page)
    page.locator(f"{ROOT} [data-fallback] [data-retry]").click()
    session.wait_for_state("ready", LOAD_TIMEOUT_MS)
    expect(page.locator(f"{ROOT} [data-fallback]")).to_be_hidden()
    if already_answered:
        assert wait_for_check(page, before) == "result"
    else:
        fill(page, ANSWERS)
        assert checked(page, lambda: page.locator(f"{ROOT} [data-submit]").click()) == "result"
    assert_invariant(page)


VISIBLE_TEXTS = """() => [...document.querySelectorAll('[data-policy-check] *')]
  .filter((element) => element.checkVisibility() && element.children.length === 0
    && !element.matches('[data-live]'))
  .map((element) => element.textContent.trim()).filter(Boolean)"""


def assert_said_once(page: Page, message: str, *, heard: bool = True) -> None:
    """``message`` is on screen exactly once, and (``heard``) the one live region said it."""
    shown = [text for text in page.evaluate(VISIBLE_TEXTS) if text == message]
    assert len(shown) == 1, shown
    if heard:
        expect(page.locator(f"{ROOT} [data-live]")).to_have_text(message)
    assert page.locator(f"{ROOT} [role=status], {ROOT} [aria-live]").count() == 1


def forget_errors(session: Session, *expected: str) -> None:
    """Drop the uncaught errors a test caused on purpose (each must name one of ``expected``)."""
    session.page_errors[:] = [
        error for error in session.page_errors if not any(text in error for text in expected)
    ]


@pytest.fixture
def short_timeout_session(browser: Browser, site_server: SiteServer) -> Iterator[Session]:
    """Like the ``session`` fixture, with the page's wait for a stalled download shortened."""
    with checked_session(browser, site_server) as session:
        shorten_stall_timeout(session, SHORT_LOAD_TIMEOUT_MS)
        yield session


@pytest.fixture
def no_wasm_session(browser: Browser, site_server: SiteServer) -> Iterator[Session]:
    """A page without WebAssembly, as in browsers that turn off the JIT (Safari's Lockdown Mode,
    for one): the object is deleted before the page's scripts run."""
    with checked_session(browser, site_server) as session:
        session.page.add_init_script(NO_WEBASSEMBLY)
        yield session


# The faults --------------------------------------------------------------------------------------


def test_without_webassembly_the_decision_table_still_answers_with_the_email(
    no_wasm_session: Session,
) -> None:
    session = no_wasm_session
    page = session.page
    page.goto(session.url("/"))
    assert page.evaluate("() => typeof WebAssembly") == "undefined", "the flag had no effect"
    # Said as soon as the page shows, before the visitor spends time on the questions: the full
    # self-check cannot run, the questions still can be answered.
    session.wait_for_state("error", timeout_ms=FAILURE_TIMEOUT_MS)
    fallback = page.locator(f"{ROOT} [data-fallback]")
    expect(fallback).to_be_visible()
    page.wait_for_function(
        """() => document.querySelector('[data-policy-check] [data-fallback-message]')
          .textContent.includes('quick answer')"""
    )
    # One message, in the customer's words: what they still get, no jargon, shown once.
    message = fallback_message(page)
    assert "complete for your case" in message and "WebAssembly" not in message, message
    assert_said_once(page, message)
    # "Try again" cannot help here: none is offered; the email and the summary are.
    expect(fallback.locator("[data-retry]")).to_be_hidden()
    assert_safe_mailto(fallback.locator('a[href^="mailto:"]').get_attribute("href") or "")
    assert SUMMARY_ID in page.evaluate(SUMMARY_LINKS), "no link to the policy's summary"

    # The visitor answers and checks: the verdict, the reasons and the email, from the table.
    fill(page, ANSWERS)
    page.locator(f"{ROOT} [data-submit]").click()
    page.locator(f"{ROOT} [data-result] [data-verdict]").wait_for(state="visible")
    reading = assert_invariant(page)
    assert reading.source == "table" and reading.verdict == "likely_eligible"
    assert reading.clauses == ["technical-failure", "recent-unused"]
    provenance = page.locator(f'{ROOT} [data-part="provenance"]')
    expect(provenance).to_be_visible()
    expect(provenance).to_contain_text("not available here")
    expect(provenance.locator("[data-retry]")).to_be_hidden()
    expect(page.locator(f"{ROOT} [data-submit]")).to_have_attribute("aria-disabled", "false")
    assert "WebAssembly" not in provenance.inner_text()
    # Beside the answer, shown once; not said again (the verdict, focused, is what is read).
    provenance_text = page.locator(f"{ROOT} [data-provenance-text]").inner_text()
    assert_said_once(page, provenance_text, heard=False)
    # Nothing of the runtime was downloaded: it could not have run. The decision table came
    # with the page.
    paths = runtime_paths(page)
    assert session.server.requested(paths["runtime"]) == []
    assert session.server.requested(paths["lockFolder"]) == []

    # A link with an answer the self-check cannot use: that question's error, not silence.
    unusable = urlencode({**ANSWERS, "purchase_type": "a_gift_card"})
    page.goto(session.url(f"/#check?{unusable}"))
    summary = page.locator(f"{ROOT} [data-error-summary]")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    expect(summary.locator("a[data-field=purchase_type]")).to_have_count(1)
    expect(page.locator('[data-question="purchase_type"] [data-field-error]')).to_be_visible()
    expect(page.locator(f"{ROOT} [data-result]")).to_be_hidden()
    # A good link, then a second link in the same tab: nothing of the first one's result stays.
    page.goto(session.url(f"/#check?{urlencode(ANSWERS)}"))
    page.locator(f"{ROOT} [data-result] [data-verdict]").wait_for(state="visible")
    later = urlencode({**ANSWERS, "purchase_date": "2001-01-01"})  # only the checker can say
    page.goto(session.url(f"/#check?{later}"))
    expect(page.locator(f"{ROOT} [data-result]")).to_be_hidden()
    assert dict(read(page).shown)["purchase_date"] == "2001-01-01"
    expect(page.locator(f"{ROOT} [data-fallback]")).to_be_visible()


def test_a_stalled_runtime_download_gives_up_and_a_retry_loads_it(
    short_timeout_session: Session,
) -> None:
    session = short_timeout_session
    page = session.page
    stalled: list[Route] = []
    # Never answered: the download hangs the way a dead connection does. Context-wide, so the
    # module worker's fetch is held too.
    session.context.route("**/*.wasm", lambda route: stalled.append(route))
    page.goto(session.url("/"))
    timeout_ms = int(page.locator(ROOT).get_attribute("data-stall-timeout") or 0)
    assert timeout_ms == SHORT_LOAD_TIMEOUT_MS, "the build option did not reach the page"

    started = time.monotonic()
    fill(page, ANSWERS)  # the first answer starts loading the runtime
    page.locator(f"{ROOT} [data-submit]").click()  # the visitor waits for this check
    # The decision table answers at once, and says the self-check is still loading.
    page.locator(f"{ROOT} [data-result] [data-verdict]").wait_for(state="visible")
    assert assert_invariant(page).source == "table"
    expect(page.locator(f'{ROOT} [data-part="provenance"]')).to_contain_text("still loading")
    session.wait_for_state("error", timeout_ms=FAILURE_TIMEOUT_MS)
    waited = time.monotonic() - started
    record_timing("stalled .wasm: first answer to data-state=error", waited)
    assert stalled, "the .wasm was never requested"
    assert waited >= timeout_ms / 1000 * 0.9, f"failed after {waited:.1f} s, before the timeout"
    # The answer stays; beside it, what is missing from it and a retry. Nothing spins.
    provenance = page.locator(f'{ROOT} [data-part="provenance"]')
    expect(provenance).to_contain_text("could not load")
    expect(page.locator(f"{ROOT} [data-submit]")).to_have_attribute("aria-disabled", "false")
    assert assert_invariant(page).source == "table"

    # Said once, as what happened to the download, not to the browser.
    message = page.locator(f"{ROOT} [data-provenance-text]").inner_text()
    assert "browser" not in message, message
    assert_said_once(page, message)

    session.context.unroute("**/*.wasm")
    before = checks_answered(page)
    provenance.locator("[data-retry]").click()
    # Focus stays on something with a name: the verdict's heading.
    assert page.evaluate("() => document.activeElement.matches('[data-result] [data-verdict]')")
    # The check the visitor asked for is confirmed by the checker once the runtime is there.
    assert wait_for_check(page, before, LOAD_TIMEOUT_MS) == "result"
    reading = assert_invariant(page)
    assert reading.source == "checker"
    expect(provenance).to_be_hidden()


# Failures the worker can notice at once: its own script crashes, or the lock cannot be read.
FAILING_AT_ONCE = {
    "crashing worker": (
        "**/policy-check/widget-*/worker.js",
        {"body": CRASHING_WORKER, "content_type": "text/javascript"},
    ),
    # With any query the runtime may add.
    "lock file 404": ("**/pyodide-lock.json*", {"status": 404, "body": "Not found"}),
}


@pytest.mark.parametrize("failure", sorted(FAILING_AT_ONCE))
def test_a_failure_the_worker_notices_is_shown_at_once_and_a_retry_recovers(
    session: Session, failure: str
) -> None:
    page = session.page
    pattern, response = FAILING_AT_ONCE[failure]
    session.context.route(pattern, lambda route: route.fulfill(**response))
    page.goto(session.url("/"))
    started = time.monotonic()
    page.locator("#rc-purchase_date").click()
    session.wait_for_state("error", timeout_ms=FAILURE_TIMEOUT_MS)
    record_timing(f"{failure}: interaction to data-state=error", time.monotonic() - started)
    assert_way_out_offered(page)
    # Noticed at once, not after the page's load timeout.
    assert TOO_LONG not in fallback_message(page)
    requested = [r.url for r in session.requests]
    assert any(fnmatch.fnmatch(url, pattern) for url in requested), f"{pattern} never requested"
    # Pyodide reads a 404 page as JSON in the worker and leaves that error uncaught there; the
    # widget has handled the failure.
    forget_errors(session, '"Not found" is not valid JSON')

    session.context.unroute(pattern)
    retry_until_a_verdict(session)
