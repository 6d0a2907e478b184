"""The customer's experience at phone width: what matters stands with the verdict, Back goes back,
feedback is seen and heard, and the email is one support can trust.

Each test is a sequence a customer makes (link, check, copy, Back, Forward, Start again, Back),
with the invariant (tests/browser/invariant.py) after every step that shows a result: what is
judged is what the form shows, and the table and the checker agree.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.conftest import Session, checked_session
from tests.browser.invariant import ROOT, assert_invariant, read
from tests.browser.server import SiteServer
from tests.browser.visitor import (
    LOAD_TIMEOUT_MS,
    change,
    checked,
    days_ago,
    fill,
    open_link,
    submit,
)

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
CHARGEBACK = {
    "purchase_date": days_ago(5),
    "purchase_type": "credit_pack",
    "reason": "unusable_result",
    "credits_used": "minimal",
    "first_purchase": "true",
    "previous_refund_requests": "0",
    "chargeback_filed": "true",
    "payment_provider": "creem",
}

# The link each test's page starts over from (no test opens this one).
START_OVER = urlencode(
    {
        "purchase_date": days_ago(1),
        "purchase_type": "credit_pack",
        "reason": "unused",
        "credits_used": "none",
    }
)


@pytest.fixture(scope="module")
def warm_phone(browser: Browser, site_server: SiteServer) -> Iterator[Session]:
    """One page at phone width for the whole file: the runtime loads once (the checker's
    answers), not once per test. With the default motion: the result scrolls into view
    smoothly, as most visitors' phones show it."""
    with checked_session(browser, site_server, motion="no-preference") as session:
        session.page.set_viewport_size(PHONE)
        session.page.goto(session.url("/"))
        session.page.locator("#rc-purchase_date").click()
        session.wait_for_state("ready", timeout_ms=LOAD_TIMEOUT_MS)
        yield session


@pytest.fixture
def phone(warm_phone: Session) -> Iterator[Session]:
    """The warm page at phone width with nothing answered and the runtime ready: a link, then
    "Start again", as a visitor starts over (no reload). Whatever the test did, the page must not
    have thrown or opened a dialog."""
    page = warm_phone.page
    assert open_link(page, warm_phone.url("/"), START_OVER) == "result"
    page.locator(f"{ROOT} [data-start-again]").click()
    assert read(page).shown == []
    yield warm_phone
    assert not warm_phone.page_errors, f"uncaught errors in the page: {warm_phone.page_errors}"
    assert not warm_phone.dialogs, f"the page opened dialogs: {warm_phone.dialogs}"


def email_body(session: Session) -> str:
    href = session.page.locator(f"{ROOT} [data-result] [data-slot=mailto]").get_attribute("href")
    return dict(parse_qsl(urlsplit(href or "").query, keep_blank_values=True))["body"]


def test_an_open_chargeback_stands_with_the_verdict_and_in_the_email(phone: Session) -> None:
    page = phone.page
    assert open_link(page, phone.url("/"), urlencode(CHARGEBACK)) == "result"
    reading = assert_invariant(page)
    assert reading.verdict == "likely_eligible"
    warning = page.locator(f'{ROOT} [data-part="warnings"]')
    expect(warning).to_be_visible()
    expect(warning).to_contain_text("suspend the account")
    # Right under the verdict: before "Why" and the recap, within the first screen of the result.
    heading = page.locator(f"{ROOT} [data-result] [data-verdict]").bounding_box()
    why = page.locator(f'{ROOT} [data-part="clauses"]').bounding_box()
    box = warning.bounding_box()
    assert heading and why and box
    assert heading["y"] < box["y"] < why["y"]
    assert box["y"] - heading["y"] < PHONE["height"], "the warning is a screen away"
    # Said once: not again among the other notes.
    assert "suspend the account" not in page.locator(f'{ROOT} [data-part="notes"]').inner_text()
    body = email_body(phone)
    assert "Please note:\n- I have opened a payment dispute (chargeback)" in body


def test_the_email_speaks_plain_words_and_links_to_the_answers(phone: Session) -> None:
    page = phone.page
    link = urlencode({**CHARGEBACK, "chargeback_filed": "false", "terms_violation": "false"})
    assert open_link(page, phone.url("/"), link) == "result"
    reading = assert_invariant(page)
    body = email_body(phone)
    for internal in ("likely_eligible", "clauses:", "recent-unused", "first-purchase-unusable"):
        assert internal not in body, internal
    # The self-check link with the answers, which support can open or pass on.
    address = phone.url("/") + reading.hash
    assert f"My answers in the self-check: {address}" in body
    # What only support knows, when a link says it, is the link's word, never support's finding:
    # the email's link carries it back, and no line of the customer's claims it.
    assert "terms_violation=false" in body.split("My answers in the self-check: ", 1)[1]
    assert "Terms of Service" not in body and "From support" not in body
    expect(page.locator(f"{ROOT} [data-support]")).to_contain_text(
        "Given in the link you were sent"
    )


def test_back_returns_to_the_answers_forward_to_the_result_and_start_again_can_be_undone(
    phone: Session,
) -> None:
    page = phone.page
    fill(page, CHARGEBACK | {"chargeback_filed": "false"})
    answered = read(page).shown
    assert submit(page) == "result"
    first = assert_invariant(page)
    # Focus is on the result's heading, which names the verdict, and it scrolls into view (this
    # page's visitor has no motion preference: a smooth scroll).
    assert page.evaluate("() => document.activeElement.matches('[data-result] [data-verdict]')")
    expect(page.locator(f"{ROOT} [data-result] [data-verdict]")).to_be_in_viewport()
    # Back: the answers, every one kept, in the form.
    page.go_back()
    expect(page.locator(f"{ROOT} [data-view=questions]")).to_be_visible()
    expect(page.locator(f"{ROOT} [data-result]")).to_be_hidden()
    assert read(page).shown == answered
    # Forward: the result again.
    assert checked(page, page.go_forward) == "result"
    again = assert_invariant(page)
    assert (again.verdict, again.recap) == (first.verdict, first.recap)
    # Start again, then Back: the answers and their result come back.
    page.locator(f"{ROOT} [data-start-again]").click()
    assert read(page).shown == []
    assert checked(page, page.go_back) == "result"
    back = assert_invariant(page)
    assert back.recap == first.recap
    # An edit after Back, then a check: judged as the form shows it, with a new entry.
    page.go_back()
    expect(page.locator(f"{ROOT} [data-view=questions]")).to_be_visible()
    page.locator('input[name="credits_used"][value="some"]').check()
    page.locator('input[name="outputs_used"][value="false"]').check()
    assert submit(page) == "result"
    edited = assert_invariant(page)
    assert ("How much of what you bought have you used?", "Some of it") in edited.recap


def test_copy_feedback_is_seen_and_heard_in_the_result(phone: Session) -> None:
    page = phone.page
    assert open_link(page, phone.url("/"), urlencode(CHARGEBACK)) == "result"
    page.locator(f"{ROOT} [data-copy]").click()
    status = page.locator(f"{ROOT} [data-result] [data-result-status]")
    expect(status).to_be_visible()
    expect(status).not_to_be_empty()
    text = status.inner_text()
    # Heard once, in the self-check's one live region.
    expect(page.locator(f"{ROOT} [data-live]")).to_have_text(text)
    assert page.locator(f"{ROOT} [role=status], {ROOT} [aria-live]").count() == 1
    if "selected below" in text:
        # The browser refused the clipboard: the summary is selected, with what to do beside it.
        area = page.locator(f"{ROOT} [data-copy-area]")
        expect(area).to_be_visible()
        expect(area).to_be_focused()
        assert "Ctrl+C" in text
    else:
        assert text == "Copied the summary."


def test_each_clause_link_says_which_clause_it_opens(phone: Session) -> None:
    page = phone.page
    link = urlencode({**CHARGEBACK, "days": "x"}).replace("&days=x", "")
    assert open_link(page, phone.url("/"), link.replace("minimal", "none")) == "result"
    names = page.evaluate(
        """() => [...document.querySelectorAll('[data-result] [data-list=clauses] a')]
          .map((a) => a.textContent.trim())"""
    )
    assert len(names) >= 2 and len(set(names)) == len(names), names
    assert all("the clause “" in name for name in names), names


def test_after_a_result_change_shows_no_loading_words(phone: Session) -> None:
    page = phone.page
    assert open_link(page, phone.url("/"), urlencode(CHARGEBACK)) == "result"
    change(page, "What did you buy?")
    status = page.locator(f"{ROOT} [data-status]").inner_text()
    assert "Loading" not in status and "Getting" not in status, status
    expect(page.locator(f"{ROOT} [data-submit]")).to_have_attribute("aria-disabled", "false")


def test_a_question_an_answer_brings_in_is_announced(phone: Session) -> None:
    page = phone.page
    status = page.locator(f"{ROOT} [data-status]")
    live = page.locator(f"{ROOT} [data-live]")
    assert live.get_attribute("aria-live") == "polite"
    page.locator('input[name="reason"][value="unusable_result"]').check()
    expect(page.locator('[data-question="first_purchase"]')).to_be_visible()
    said = "A new question below: Is this your first purchase from ImgToSTL?"
    expect(status).to_have_text(said)  # seen beside the button
    expect(live).to_have_text(said)  # and heard
    # Two at once, both said.
    page.locator('input[name="credits_used"][value="some"]').check()
    expect(status).to_contain_text("Have you downloaded, exported or used any results")
    expect(status).to_contain_text("How many refunds have you asked for before?")


def test_the_404_page_has_its_heading_in_a_main_landmark(
    browser: Browser, site_server: SiteServer
) -> None:
    with checked_session(browser, site_server) as session:
        page = session.page
        page.set_viewport_size(PHONE)
        page.goto(session.url("/404.html"))  # what a static host sends for an unknown address
        main = page.locator("main")
        expect(main).to_have_count(1)
        expect(main.locator("h1")).to_have_text("404 - Not found")
