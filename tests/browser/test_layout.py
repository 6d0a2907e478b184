"""The published page as customers see it: policy first, right on a phone and a desktop, in light
and dark, with ImgToSTL's name on it.

Each check is one a reader would notice: the page never scrolls sideways and wide tables scroll
inside their own box; a heading or clause a link jumps to is not hidden under the fixed header;
no permalink sign sits alone on a touch screen; "Usually Eligible" is within two phone screens,
and the self-check is one tap from the top.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import suppress

import pytest
from playwright.sync_api import Browser, BrowserContext, Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.browser.conftest import DEFAULT_TIMEOUT_MS
from tests.browser.server import SiteServer
from tests.browser.visitor import days_ago

pytestmark = pytest.mark.browser

PAGES = ("/", "/examples/", "/history/")
PHONE = {"width": 390, "height": 844}

OVERFLOW = """() => {
  const page = document.documentElement.scrollWidth - document.documentElement.clientWidth;
  // Any element wider than the page's column that is not inside a box that scrolls it.
  const content = document.querySelector('.md-content').getBoundingClientRect();
  const cut = [];
  for (const element of document.querySelectorAll('.md-content *')) {
    const box = element.getBoundingClientRect();
    if (box.width === 0 || box.right <= content.right + 1) continue;
    let scroller = element.parentElement;
    while (scroller && !['auto', 'scroll'].includes(getComputedStyle(scroller).overflowX)) {
      scroller = scroller.parentElement;
    }
    if (!scroller || scroller === document.documentElement || scroller === document.body) {
      cut.push(element.outerHTML.slice(0, 80));
    }
  }
  return {page, cut: cut.slice(0, 5)};
}"""

BELOW_HEADER = """(id) => {
  const target = document.getElementById(id);
  const header = document.querySelector('.md-header').getBoundingClientRect();
  return {top: target.getBoundingClientRect().top, header: header.bottom};
}"""


# Where ``id`` has come to rest, for :func:`landed`: true once the page has stopped scrolling
# (the same scroll position two frames running) with the target below the header, in the top half.
LANDED = """(id) => {
  const still = window.__lastScrollY === scrollY;
  window.__lastScrollY = scrollY;
  const top = document.getElementById(id).getBoundingClientRect().top;
  const header = document.querySelector('.md-header').getBoundingClientRect().bottom;
  return still && header <= top && top < innerHeight / 2;
}"""


def landed(page: Page, target: str) -> dict[str, float]:
    """Where ``target`` is once the page has scrolled to it (a smooth scroll takes most of a
    second): waited for on the page's own state, frame by frame, not for a fixed time. Times out
    quietly, so that the caller's assertion says where it ended."""
    with suppress(PlaywrightTimeoutError):
        page.wait_for_function(LANDED, arg=target, polling="raf", timeout=5_000)
    return page.evaluate(BELOW_HEADER, target)


def context_for(browser: Browser, width: int, scheme: str) -> BrowserContext:
    touch = width < 1000
    context = browser.new_context(
        viewport={"width": width, "height": 844 if touch else 900},
        color_scheme=scheme,  # type: ignore[arg-type]
        has_touch=touch,
        is_mobile=touch,
    )
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    return context


@pytest.fixture
def phone(browser: Browser) -> Iterator[Page]:
    context = context_for(browser, PHONE["width"], "light")
    yield context.new_page()
    context.close()


def test_no_page_scrolls_sideways_and_wide_tables_scroll_in_their_box(
    browser: Browser, site_server: SiteServer
) -> None:
    # A touch screen at phone and tablet widths, a desktop with a mouse; each in both schemes.
    for widths in ((320, 390, 768), (1280,)):
        context = context_for(browser, widths[0], "light")
        page = context.new_page()
        try:
            for width in widths:
                page.set_viewport_size({"width": width, "height": 844})
                for scheme in ("light", "dark"):
                    page.emulate_media(color_scheme=scheme)  # type: ignore[arg-type]
                    for path in PAGES:
                        page.goto(site_server.url(path))
                        assert_fits(page, f"{path} at {width} px, {scheme}", scheme, width < 1000)
        finally:
            context.close()


def assert_fits(page: Page, where: str, scheme: str, touch: bool) -> None:
    found = page.evaluate(OVERFLOW)
    assert found == {"page": 0, "cut": []}, (where, found)
    # Every table sits in a box of its own that scrolls it sideways.
    for table in page.locator("article table").all():
        overflow = table.evaluate(
            "(t) => getComputedStyle(t.closest('.md-typeset__scrollwrap')).overflowX"
        )
        assert overflow in ("auto", "scroll"), where
    # The scheme the visitor's system asks for.
    chosen = page.evaluate("() => document.body.dataset.mdColorScheme")
    assert chosen == ("slate" if scheme == "dark" else "default"), where
    if touch:
        shown = page.locator(".headerlink:visible").count()
        assert shown == 0, f"{shown} permalink signs show on a touch screen: {where}"


def test_the_policy_comes_first_and_the_self_check_is_one_tap_away(
    phone: Page, site_server: SiteServer
) -> None:
    phone.goto(site_server.url("/"))
    eligible = phone.evaluate(
        "() => document.getElementById('usually-eligible').getBoundingClientRect().top + scrollY"
    )
    assert eligible < 2 * PHONE["height"], f"“Usually Eligible” starts {eligible} px down"
    # Near the top, a link to the self-check; the contents list it too.
    entry = phone.locator("article").get_by_role("link", name="Check whether you can get a refund")
    top = entry.evaluate("(a) => a.getBoundingClientRect().top + scrollY")
    assert top < PHONE["height"], top
    assert phone.locator('.md-nav--secondary a[href="#check"]').count() >= 1
    entry.click()
    phone.wait_for_function("() => location.hash === '#check'")
    place = landed(phone, "check")  # after the smooth scroll
    assert place["header"] <= place["top"] < PHONE["height"] / 2, place
    # The worked examples have their own page, linked from the policy.
    assert phone.locator('article a[href="examples/"]').count() >= 1


@pytest.mark.parametrize("target", ["usually-eligible", "late-request", "processing-time"])
def test_a_link_to_a_heading_or_clause_lands_below_the_header(
    phone: Page, site_server: SiteServer, target: str
) -> None:
    phone.goto(site_server.url(f"/#{target}"))
    place = landed(phone, target)
    assert place["header"] <= place["top"] < PHONE["height"] / 2, place


def test_a_support_link_lands_on_the_self_checks_heading_below_the_header(
    phone: Page, site_server: SiteServer
) -> None:
    query = f"purchase_date={days_ago(1)}&purchase_type=credit_pack&reason=unused&credits_used=none"
    phone.goto(site_server.url(f"/#check?{query}"))
    phone.locator("[data-policy-check] [data-result] [data-verdict]").wait_for(state="visible")
    place = landed(phone, "check")
    assert place["header"] <= place["top"] < PHONE["height"] / 2, place


def test_the_page_carries_imgtostls_name_links_and_dates_for_people(
    phone: Page, site_server: SiteServer
) -> None:
    phone.goto(site_server.url("/"))
    footer = phone.locator(".md-copyright")
    assert "ImgToSTL" in footer.inner_text()
    assert footer.get_by_role("link", name="Terms of Service").count() == 1
    assert "Refund policy last updated: May 2026" in footer.inner_text()
    assert "Next-generation" not in phone.content(), "no marketing tagline"
    logo = phone.locator('link[rel="icon"]').get_attribute("href") or ""
    assert logo.endswith("assets/images/logo.svg")
    heading = phone.locator("article h1")
    weight = heading.evaluate("(h) => getComputedStyle(h).fontWeight")
    assert int(weight) >= 700
    # The light/dark switch still works, without a form around it.
    before = phone.evaluate("() => document.body.dataset.mdColorScheme")
    phone.locator("[data-md-component=palette] label:visible").first.click()
    after = phone.evaluate("() => document.body.dataset.mdColorScheme")
    assert {before, after} == {"default", "slate"}
