"""A policy's own dates in the browser (issue 32): the tests' print guarantee, built beside the
refund policy and served, its window counted from the delivery and its version picked by the
order date. Through a sequence of date changes in the real form, the quick answer (the page's
decision table, table.js) and the checker (Pyodide) say exactly what CPython's checker says,
and a delivery before the order is refused in the questions' own words."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import checked_session
from tests.browser.invariant import DECISION, ROOT, TABLE_ANSWER, Reading, read
from tests.browser.server import SiteServer
from tests.browser.visitor import change, open_link, submit
from tests.print_delivery import NAME, guarantee, print_delivery_project
from tests.site.projects import built_and_served

pytestmark = pytest.mark.browser

SPANS = ("days_since_delivery", "days_to_deliver")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SiteServer]:
    project: Path = print_delivery_project(tmp_path_factory.mktemp("spans"))
    with built_and_served(project) as server:
        yield server


def cpython(reading: Reading) -> dict[str, Any]:
    """CPython's checker on the answers the form shows, on the page's today."""
    reply: dict[str, Any] = json.loads(
        guarantee.check_query(
            urlencode(reading.shown), today=reading.today, source="form", page=reading.page
        )
    )
    return reply


def quick(page: Page, reading: Reading) -> dict[str, Any] | None:
    """The page's own decision table on the same answers."""
    answer: dict[str, Any] | None = page.evaluate(
        TABLE_ANSWER, [urlencode(reading.shown), reading.today, "form"]
    )
    return answer


def assert_all_agree(page: Page) -> dict[str, Any]:
    """The page shows CPython's verdict and clauses, and the quick answer is CPython's, field by
    field, every span included. Returns CPython's answer."""
    reading = read(page)
    want = cpython(reading)
    assert "errors" not in want, want
    assert (reading.verdict, reading.clauses) == (
        want["verdict"],
        [clause["id"] for clause in want["clauses"]],
    )
    table = quick(page, reading)
    assert table is not None, f"the quick answer left {reading.shown} to the checker"
    for key in (*DECISION, *SPANS):
        assert table[key] == want[key], (key, table[key], want[key])
    return want


LABELS = {"order_date": "When did you order it?", "delivery_date": "When was it delivered?"}


def set_date(page: Page, field: str, value: str) -> None:
    """Correct a date as a visitor does: "Change" beside it in the result (when a result is
    shown), then type it."""
    if read(page).result_shown:
        change(page, LABELS[field])
    page.locator(f'{ROOT} input[name="{field}"]').fill(value)


def test_the_quick_answer_and_the_checker_agree_as_the_dates_change(
    browser: Browser, site: SiteServer
) -> None:
    with checked_session(browser, site) as session:
        page = session.page
        base = session.url(f"/{NAME}/")
        # Ordered in March, delivered on the 8th, asked 30 days later: inside the window.
        query = "order_date=2026-03-01&delivery_date=2026-03-08&defect=warped"
        assert open_link(page, base, f"{query}&request_date=2026-04-07") == "result"
        said = assert_all_agree(page)
        assert (said["verdict"], said["days_since_delivery"]) == ("likely_eligible", 30)

        # The customer corrects the delivery to a day earlier: day 31, outside.
        set_date(page, "delivery_date", "2026-03-07")
        assert submit(page) == "result"
        said = assert_all_agree(page)
        assert (said["verdict"], said["days_since_delivery"]) == ("likely_not_eligible", 31)
        # The checker's sentence about the span, in the file's words.
        assert read(page).timing == "Your request is dated 31 days after the delivery."
        expect(page.locator(f"{ROOT} [data-list=clauses]")).to_contain_text(
            "You write more than 30 days after delivery"
        )

        # A slip: delivered before it was ordered. Refused in the questions' own words; the
        # quick answer leaves it to the checker rather than judge it.
        set_date(page, "delivery_date", "2026-02-27")
        assert submit(page) == "errors"
        expect(page.locator(f"{ROOT} [data-error-summary]")).to_contain_text(
            "The date you ordered it must be on or before the date it was delivered."
        )
        assert quick(page, read(page)) is None

        # Corrected: day 38 after delivery, still outside the 30 days of a March order.
        set_date(page, "delivery_date", "2026-02-28")
        set_date(page, "order_date", "2026-02-20")
        assert submit(page) == "result"
        said = assert_all_agree(page)
        assert (said["verdict"], said["days_since_delivery"]) == ("likely_not_eligible", 38)


def test_the_version_follows_the_order_date_in_the_page_as_in_the_checker(
    browser: Browser, site: SiteServer
) -> None:
    with checked_session(browser, site) as session:
        page = session.page
        base = session.url(f"/{NAME}/")
        # Ordered in May (30 days), delivered in June, asked on day 40: late for its version,
        # and the June version, in force when asked, would say otherwise.
        query = "order_date=2026-05-25&delivery_date=2026-06-03&defect=broken"
        assert open_link(page, base, f"{query}&request_date=2026-07-13") == "result"
        said = assert_all_agree(page)
        assert (said["verdict"], said["policy"]["effective"]) == (
            "likely_not_eligible",
            "2026-01-01",
        )
        expect(page.locator(f"{ROOT} [data-part=newer]")).to_be_visible()
        # The order date moved into June: the 45-day version alone judges it.
        set_date(page, "order_date", "2026-06-01")
        assert submit(page) == "result"
        said = assert_all_agree(page)
        assert (said["verdict"], said["policy"]["effective"]) == ("likely_eligible", "2026-06-01")
        expect(page.locator(f"{ROOT} [data-part=newer]")).to_be_hidden()
        # The email is about the order, dated by the order date.
        mailto = page.locator(f"{ROOT} [data-slot=mailto]").get_attribute("href") or ""
        assert "My%20print%20ordered%20on%201%20June%202026" in mailto
