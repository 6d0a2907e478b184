"""The handoff: what the customer saw is what support sees, days later or in another time zone.

Two browser contexts, two clocks and two time zones: the customer checks on their day and sends
the email the page wrote; support opens the link from that email on theirs. After every step the
page shows exactly what CPython's checker says about the answers it shows (the invariant), and
the sequence is the customer's, then support's.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from urllib.parse import parse_qsl, urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import DEFAULT_TIMEOUT_MS, VIEWPORT, Session
from tests.browser.invariant import ROOT, assert_invariant
from tests.browser.server import SiteServer
from tests.browser.visitor import checked, fill, submit
from tests.policies import credit_pack_bought

pytestmark = pytest.mark.browser

# The edge of the window: bought on 28 November, a 7-day window, asked on 5 December (day 7).
BOUGHT = credit_pack_bought("2026-11-28")


@contextmanager
def at(browser: Browser, server: SiteServer, instant: datetime, zone: str) -> Iterator[Session]:
    """A fresh context in time zone ``zone`` whose page's clock reads ``instant`` (and runs on
    from it); closed at the end, when the page must not have thrown."""
    context = browser.new_context(locale="en-GB", timezone_id=zone, viewport=VIEWPORT)
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    page = context.new_page()
    page.clock.install(time=instant)
    session = Session(context=context, page=page, server=server)
    page.on("pageerror", lambda error: session.page_errors.append(error.message))
    try:
        yield session
    finally:
        context.close()
    assert not session.page_errors, session.page_errors


def emailed_link(page: Page) -> str:
    """The self-check link in the email the page wrote."""
    href = page.locator(f"{ROOT} [data-slot=mailto]").get_attribute("href") or ""
    body = dict(parse_qsl(urlsplit(href).query)).get("body", "")
    return body.split("My answers in the self-check: ", 1)[1].split("\n", 1)[0]


def customer_checks(session: Session, answers: dict[str, str]) -> str:
    page = session.page
    page.goto(session.url("/") + "#check")
    fill(page, answers)
    assert submit(page) == "result"
    return emailed_link(page)


def test_support_days_later_reads_the_customers_verdict_and_that_today_would_differ(
    browser: Browser, site_server: SiteServer
) -> None:
    # The customer, in London, on 5 December: day 7 of 7, likely eligible.
    with at(browser, site_server, datetime(2026, 12, 5, 15, 0, tzinfo=UTC), "Europe/London") as c:
        link = customer_checks(c, BOUGHT)
        shown = assert_invariant(c.page)
        assert shown.verdict == "likely_eligible"
        assert shown.checked_on == ""  # checked today: nothing to say about the day
        # Each note links to the policy's words that say it, on this page.
        assert shown.note_links == [
            ("/", "note-credit-pack-some-used"),
            ("/", "note-credit-pack-removes-credits"),
        ]
        assert "request_date=2026-12-05" in link

    # Support, on 7 December, opens the link from the email: the customer's verdict, dated.
    with at(browser, site_server, datetime(2026, 12, 7, 9, 0, tzinfo=UTC), "Europe/London") as s:
        page = s.page
        assert checked(page, lambda: page.goto(link)) == "result"
        shown = assert_invariant(page)
        assert shown.verdict == "likely_eligible"
        assert shown.title == "You are likely eligible for a refund"
        assert shown.checked_on == (
            "Checked on 5 December 2026, the day of the request this link carries. "
            "Checked as of today, 7 December 2026, the answer would be: You are likely not "
            "eligible for a refund."
        )
        assert "late-request" not in shown.clauses

        # The customer's own choice, re-opening their link: check as of today instead.
        assert checked(page, lambda: page.locator(f"{ROOT} [data-check-today]").click()) == (
            "result"
        )
        today = assert_invariant(page)
        assert today.verdict == "likely_not_eligible"
        assert "late-request" in today.clauses
        assert today.checked_on == ""
        assert "request_date" not in (today.hash or "")


def test_a_link_from_new_zealand_opened_in_london_at_the_same_moment_is_no_error(
    browser: Browser, site_server: SiteServer
) -> None:
    # 11:30 UTC on 5 December: already 00:30 on 6 December in Auckland (UTC+13).
    moment = datetime(2026, 12, 5, 11, 30, tzinfo=UTC)
    bought_today = {**BOUGHT, "purchase_date": "2026-12-06", "credits_used": "none"}
    del bought_today["previous_refund_requests"]  # not asked when nothing was used
    with at(browser, site_server, moment, "Pacific/Auckland") as customer:
        link = customer_checks(customer, bought_today)
        shown = assert_invariant(customer.page)
        assert (shown.today, shown.verdict) == ("2026-12-06", "likely_eligible")

    with at(browser, site_server, moment, "Europe/London") as support:
        page = support.page
        assert checked(page, lambda: page.goto(link)) == "result"
        shown = assert_invariant(page)
        assert shown.today == "2026-12-05"
        assert shown.verdict == "likely_eligible"
        assert shown.checked_on.startswith("Checked on 6 December 2026")
        # An undated link (an older one, or support's own) is judged on the purchase day, with
        # the CLI's two days of clock slack, rather than refused.
        undated = link.split("&request_date=")[0]
        page.goto(support.url("/") + "#check")
        assert checked(page, lambda: page.goto(undated)) == "result"
        shown = assert_invariant(page)
        assert shown.verdict == "likely_eligible"
        expect(page.locator(f"{ROOT} [data-error-summary]")).to_be_hidden()


def test_a_link_dated_past_the_clock_slack_is_named_for_its_reader_then_checked_as_of_today(
    browser: Browser, site_server: SiteServer
) -> None:
    with at(browser, site_server, datetime(2026, 12, 5, 9, 0, tzinfo=UTC), "Europe/London") as s:
        page = s.page
        query = "&".join(f"{key}={value}" for key, value in BOUGHT.items())
        link = f"{s.url('/')}#check?{query}&request_date=2026-12-09"
        assert checked(page, lambda: page.goto(link)) == "errors"
        expect(page.locator(f"{ROOT} [data-error-list]")).to_contain_text(
            "This link's request date, 9 December 2026, is more than 2 days after today, "
            "5 December 2026, even allowing for time zones."
        )
        # The reader takes today's date instead, and checks: day 7, likely eligible.
        page.locator(f"{ROOT} [data-use-today]").click()
        assert submit(page) == "result"
        shown = assert_invariant(page)
        assert (shown.verdict, shown.checked_on) == ("likely_eligible", "")
