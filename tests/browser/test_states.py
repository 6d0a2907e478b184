"""Paths a customer takes through the self-check's states, each ending in a verdict or in one
plain message with a way on (the state machine itself: tests/js/machine.test.mjs).

Each test is a sequence on the real built site, with the real Pyodide in Chromium: a reload half
way through the questions, then offline, then back online with the checker confirming the quick
answer while "Email support" stays put; errors while the runtime loads, then a press once it has
loaded. (A stalled download and a browser without WebAssembly: test_failures.py.)
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, Route, expect

from tests.browser.conftest import Session
from tests.browser.invariant import ROOT, assert_invariant, assert_safe_mailto, read
from tests.browser.test_failures import ANSWERS, assert_said_once, forget_errors
from tests.browser.visitor import LOAD_TIMEOUT_MS, answer, checks_answered, fill, wait_for_check

pytestmark = pytest.mark.browser

FOCUSED = """() => {
  const element = document.activeElement;
  return {tag: element.tagName, name: (element.textContent || '').trim().slice(0, 80),
          verdict: element.matches('[data-result] [data-verdict]'),
          summary: element.matches('[data-error-summary]')};
}"""


def hold_runtime(session: Session) -> list[Route]:
    """Hold the runtime's WebAssembly back (context-wide: the worker's fetch too) until
    :func:`release_runtime`; the decision table, in the page, answers meanwhile."""
    held: list[Route] = []
    session.context.route("**/*.wasm", lambda route: held.append(route))
    return held


def release_runtime(session: Session, held: list[Route]) -> None:
    for route in held:
        route.continue_()
    session.context.unroute("**/*.wasm")


def email_top(page: Page) -> float:
    """Where "Email support" is in the page (not in the viewport, which scrolls)."""
    return float(
        page.evaluate(
            """() => document.querySelector('[data-policy-check] [data-slot=mailto]')
              .getBoundingClientRect().top + window.scrollY"""
        )
    )


def focused(page: Page) -> dict[str, object]:
    return page.evaluate(FOCUSED)


def test_a_reload_half_way_then_offline_gives_the_verdict_the_email_and_a_retry_that_works(
    session: Session,
) -> None:
    page = session.page
    page.goto(session.url("/"))
    half = {field: ANSWERS[field] for field in ("purchase_date", "purchase_type", "reason")}
    fill(page, half)
    # A phone's browser reloads the tab when the customer comes back from the mail app.
    page.reload()
    page.locator(ROOT).wait_for()
    assert read(page).shown == list(half.items())
    # Kept in this tab's history only: no address, no request and no storage carries an answer.
    assert "credit_pack" not in page.url
    assert "credit_pack" not in page.evaluate("() => JSON.stringify({...sessionStorage})")
    assert not [e.path for e in session.server.log if "credit_pack" in e.path]
    # Then the connection goes (a train, a lift), and the customer finishes and presses.
    session.context.set_offline(True)
    fill(page, {field: value for field, value in ANSWERS.items() if field not in half})
    page.locator(f"{ROOT} [data-submit]").click()
    page.locator(f"{ROOT} [data-result] [data-verdict]").wait_for(state="visible")
    reading = assert_invariant(page)
    assert (reading.source, reading.verdict) == ("table", "likely_eligible")
    assert_safe_mailto(reading.mailto)
    # The full check cannot load: said once, as a connection problem, beside the answer.
    session.wait_for_state("error")
    expect(page.locator(ROOT)).to_have_attribute("data-runtime-status", "offline")
    provenance = page.locator(f'{ROOT} [data-part="provenance"]')
    message = page.locator(f"{ROOT} [data-provenance-text]").inner_text()
    assert "offline" in message and "browser" not in message, message
    assert_said_once(page, message)
    assert focused(page)["verdict"], "the failure moved the customer away from their answer"
    # Try again while still offline: the same message, and focus stays on a named element.
    provenance.locator("[data-retry]").click()
    session.wait_for_state("error")
    assert focused(page)["verdict"], focused(page)
    # Back online, Try again works: the checker confirms the answer in place, and "Email
    # support" does not move.
    quick = email_top(page)
    session.context.set_offline(False)
    before = checks_answered(page)
    provenance.locator("[data-retry]").click()
    assert wait_for_check(page, before) == "result"
    assert assert_invariant(page).source == "checker"
    expect(provenance).to_be_hidden()
    confirmed = email_top(page)
    assert abs(confirmed - quick) < 1, (quick, confirmed)
    forget_errors(session, "pyodide", "Failed to fetch", "ERR_INTERNET_DISCONNECTED")


def test_errors_while_loading_then_a_press_after_it_loaded_gives_the_verdict(
    session: Session,
) -> None:
    page = session.page
    held = hold_runtime(session)
    page.goto(session.url("/"))
    # Everything but "Who took the payment?", pressed while the self-check downloads.
    fill(page, {field: value for field, value in ANSWERS.items() if field != "payment_provider"})
    page.locator(f"{ROOT} [data-submit]").click()
    summary = page.locator(f"{ROOT} [data-error-summary]")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    assert len(read(page).errors) == 1
    expect(summary.locator("a[data-field=payment_provider]")).to_have_count(1)
    # The download ends: the errors stay, and so does focus (never on <body>).
    session.wait_for_state("loading")
    release_runtime(session, held)
    session.wait_for_state("ready", LOAD_TIMEOUT_MS)
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    # The second press gives the verdict.
    answer(page, "payment_provider", "unsure")
    before = checks_answered(page)
    page.locator(f"{ROOT} [data-submit]").click()
    page.locator(f"{ROOT} [data-result] [data-verdict]").wait_for(state="visible")
    assert focused(page)["verdict"], focused(page)
    assert wait_for_check(page, before) == "result"
    assert assert_invariant(page).source == "checker"
    expect(summary).to_be_hidden()
