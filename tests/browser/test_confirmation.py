"""The decision table answers first and the checker confirms later: a visitor who goes back to
their answers in between is not pulled back to the result when the checker's answer arrives."""

from __future__ import annotations

import pytest
from playwright.sync_api import Route, expect

from tests.browser.conftest import Session
from tests.browser.invariant import ROOT, assert_invariant, read
from tests.browser.visitor import (
    LOAD_TIMEOUT_MS,
    answer,
    change,
    checks_answered,
    days_ago,
    submit,
)

pytestmark = pytest.mark.browser

LINK = (
    "purchase_date=2026-05-01&purchase_type=credit_pack&reason=duplicate_payment"
    "&credits_used=none&request_date=2026-05-03"
)


def test_change_before_the_checker_confirms_keeps_the_visitor_on_their_answers(
    session: Session,
) -> None:
    page = session.page
    held: list[Route] = []
    # The runtime's WebAssembly is held back: only the decision table can answer for now.
    session.context.route("**/*.wasm", lambda route: held.append(route))
    page.goto(session.url(f"/#check?{LINK}"))
    page.locator(f"{ROOT} [data-result][data-source=table] [data-verdict]").wait_for(
        state="visible", timeout=LOAD_TIMEOUT_MS
    )
    # The visitor goes back to their answers and starts changing the purchase date.
    change(page, "When did you buy it?")
    answer(page, "purchase_date", days_ago(400))
    before = checks_answered(page)
    # Now the runtime arrives, and the checker confirms the table's answer to the link.
    for route in held:
        route.continue_()
    session.context.unroute("**/*.wasm")
    page.wait_for_function(
        "(before) => Number(document.querySelector('[data-policy-check]').dataset.checks || 0)"
        " > before",
        arg=before,
        timeout=LOAD_TIMEOUT_MS,
    )
    # The visitor is where they were: the form, with their edit, and a button they can press.
    reading = read(page)
    assert not reading.result_shown, "the checker's answer pulled the visitor back to the result"
    assert dict(reading.shown)["purchase_date"] == days_ago(400), "the visitor's edit was lost"
    expect(page.locator(f"{ROOT} [data-request-date]")).to_be_visible()
    expect(page.locator(f"{ROOT} [data-submit]")).not_to_have_attribute("aria-disabled", "true")
    # Their answers, submitted, are judged by the checker, as the form shows them.
    outcome = submit(page)
    if outcome == "result":
        assert read(page).result_shown
        assert_invariant(page)
    else:  # 400 days before today may fall after the link's request date
        assert any("date of your request" in error for error in read(page).errors)
