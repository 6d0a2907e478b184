"""Accessibility of the self-check (WCAG 2.2 AA) in every state a visitor can meet it in.

axe-core (through axe-playwright-python) checks the widget for the WCAG 2.0/2.1/2.2 A and AA
rules: before any interaction, while the runtime loads, with field errors, with a verdict, after
the runtime failed, and with JavaScript turned off. The page around it is checked too, in its
own test, so that a problem in the policy's text or the theme is not taken for a widget problem.
Two things axe does not measure are checked directly: no sideways scrolling at 320 px (WCAG
1.4.10) and targets of at least 24 by 24 px (WCAG 2.5.8).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, Route

from tests.browser.conftest import VIEWPORT, Session, open_session
from tests.browser.server import SiteServer

pytestmark = pytest.mark.browser

ROOT = "[data-policy-check]"
WCAG_AA_TAGS = ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"]
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": WCAG_AA_TAGS},
    "resultTypes": ["violations"],
}
CHECK_FRAGMENT = (
    "#check?purchase_date=2026-05-01&purchase_type=credit_pack"
    "&reason=duplicate_payment&credits_used=none"
)
LOAD_TIMEOUT_MS = 60_000  # loading the runtime from cold on a busy machine
NARROW = {"width": 320, "height": 640}  # WCAG 1.4.10: 320 CSS px wide without sideways scrolling
MIN_TARGET_PX = 24  # WCAG 2.5.8 Target Size (Minimum)

AXE = Axe()


def describe(violation: dict[str, Any]) -> list[str]:
    """One line per element: rule, impact, element and axe's advice, to fix without re-running."""
    lines = []
    for node in violation["nodes"]:
        advice = " ".join((node.get("failureSummary") or "").split())
        lines.append(
            f"{violation['id']} ({violation['impact']}) at {', '.join(node['target'])}: "
            f"{node['html'][:200]} -- {advice}"
        )
    return lines


def run_axe(page: Page, scope: str | None, options: dict[str, Any]) -> list[str]:
    """axe's violations inside ``scope`` (None: the whole page), one line each (:func:`describe`).

    ``Axe.run`` would inject axe-core (half a megabyte) before every run; here it is injected once
    per document, and each run still builds its view of the page afresh (axe-core's own design).
    """
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(AXE.axe_script)
    response = page.evaluate(
        "([scope, options]) => axe.run(scope === null ? document : scope, options)",
        [scope, options],
    )
    return [line for violation in response["violations"] for line in describe(violation)]


def violations(page: Page, scope: str | None = ROOT) -> list[str]:
    """axe's WCAG A/AA violations inside ``scope`` (the widget by default; None: whole page)."""
    return run_axe(page, scope, AXE_OPTIONS)


def assert_scheme_followed(page: Page) -> None:
    """Material shows its dark scheme ("slate") exactly when the visitor's system asks for it."""
    dark = page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches")
    shown = page.get_attribute("body", "data-md-color-scheme")
    assert shown == ("slate" if dark else "default"), shown


def state(page: Page) -> str | None:
    return page.get_attribute(ROOT, "data-state")


def start_loading(page: Page) -> None:
    """Show interest in the form, as a visitor does: that starts loading the runtime."""
    page.locator(f"{ROOT} [data-form] input:visible").first.focus()


def follow_scheme(page: Page, scheme: str) -> None:
    """The visitor's system in ``scheme`` for the next page load. Material reads the scheme as a
    page loads, and remembers the palette it used in localStorage: forget it before each load."""
    page.emulate_media(color_scheme=scheme)
    page.add_init_script("localStorage.clear();")


def show_verdict(page: Page, url: str) -> None:
    page.goto(url + CHECK_FRAGMENT)
    page.locator(f"{ROOT} [data-verdict]").wait_for(state="visible", timeout=LOAD_TIMEOUT_MS)


def horizontal_overflow(page: Page) -> int:
    """How many CSS pixels the page is wider than its viewport (0: no sideways scrolling)."""
    return int(
        page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    )


def small_targets(page: Page) -> list[str]:
    """The widget's visible controls smaller than 24 by 24 CSS px.

    For a radio button or checkbox the target is its label, which the option's whole text makes
    clickable; for other inputs and buttons it is the control itself.
    """
    return page.evaluate(
        """(minimum) => {
          const root = document.querySelector('[data-policy-check]');
          const targets = [
            ...root.querySelectorAll('label:has(> input[type=radio], > input[type=checkbox])'),
            ...root.querySelectorAll(
              'input:not([type=radio]):not([type=checkbox]):not([type=hidden]), button, select'),
          ];
          return targets
            .filter((element) => element.getClientRects().length > 0)
            .map((element) => [element, element.getBoundingClientRect()])
            .filter(([, box]) => box.width < minimum || box.height < minimum)
            .map(([element, box]) => `${element.outerHTML.slice(0, 120)}: ` +
              `${box.width.toFixed(1)} x ${box.height.toFixed(1)}`);
        }""",
        MIN_TARGET_PX,
    )


@pytest.fixture(scope="module")
def warm(browser: Browser, site_server: SiteServer) -> Iterator[Session]:
    """One page for the states that need the runtime: it loads once for all of them."""
    session = open_session(browser, site_server)
    yield session
    session.context.close()
    assert not session.page_errors, session.page_errors


def test_the_widget_before_any_interaction_while_loading_and_after_a_failure(
    session: Session,
) -> None:
    page = session.page
    held: list[Route] = []
    # The runtime's WebAssembly is held back: the widget stays in its loading state.
    session.context.route("**/*.wasm", lambda route: held.append(route))
    for scheme in ("dark", "light"):
        follow_scheme(page, scheme)
        page.goto(session.url("/"))
        page.locator(ROOT).wait_for()
        assert_scheme_followed(page)
        assert state(page) == "idle"
        assert violations(page) == [], f"before any interaction ({scheme})"
    start_loading(page)
    session.wait_for_state("loading")
    assert violations(page) == [], "while the runtime loads"
    assert state(page) == "loading", "the check ran past the loading state"
    for route in held:
        route.abort()
    session.wait_for_state("error", timeout_ms=LOAD_TIMEOUT_MS)
    page.locator(f"{ROOT} [data-fallback]").wait_for(state="visible")
    assert violations(page) == [], "after the runtime failed"
    assert small_targets(page) == [], "the retry button"
    # Pyodide leaves its failed fetch of the blocked .wasm as an unhandled rejection in the
    # worker; the widget has handled the failure (the fallback shows), so that one is expected.
    session.page_errors[:] = [error for error in session.page_errors if "pyodide.mjs" not in error]


@pytest.fixture(scope="module")
def page_without_javascript(browser: Browser, site_server: SiteServer) -> Iterator[Page]:
    """The policy page as a browser with JavaScript off renders it.

    axe itself is JavaScript and needs timers, which a context with ``java_script_enabled=False``
    never runs. So scripting is switched off (the same DevTools switch Playwright uses) only while
    the page loads: none of its scripts run, and ``<noscript>`` is parsed as content, exactly as
    with JavaScript off. Then it is switched back on for axe, which finds the page as it was.
    The tests only read it: one load serves them all.
    """
    session = open_session(browser, site_server)
    devtools = session.context.new_cdp_session(session.page)
    devtools.send("Emulation.setScriptExecutionDisabled", {"value": True})
    session.page.goto(session.url("/"))
    devtools.send("Emulation.setScriptExecutionDisabled", {"value": False})
    yield session.page
    session.context.close()


def test_the_widget_without_javascript(page_without_javascript: Page) -> None:
    page = page_without_javascript
    # Material's script did not run (it would have replaced "no-js"), and <noscript> shows.
    assert page.evaluate("document.documentElement.classList.contains('no-js')")
    notice = page.locator(f"{ROOT} noscript p")
    assert notice.is_visible()
    assert notice.locator('a[href^="mailto:"]').count() == 1
    assert violations(page) == []


def test_the_pages_around_the_widget(warm: Session) -> None:
    for path in ("/", "/history/"):
        warm.page.goto(warm.url(path))
        warm.page.wait_for_load_state("load")
        assert violations(warm.page, scope=None) == [], path


# The narrowest phone and the desktop. Between 320 and 479 px the same style rules apply (the
# theme's narrowest breakpoint is 30em, 480 px; the self-check's is 40em, 640 px), so a common
# phone's 390 px would give axe the same colours, names and roles, with more room to wrap: 320 px
# is the hardest case of that layout. (Phone pages at 390 px are driven by test_experience.py.)
WIDTHS = (320, 1280)
BEST_PRACTICE = {
    "runOnly": {"type": "tag", "values": [*WCAG_AA_TAGS, "best-practice"]},
    "resultTypes": ["violations"],
}


def whole_page(page: Page) -> list[str]:
    """axe's WCAG A/AA and best-practice violations on the whole page."""
    return run_axe(page, None, BEST_PRACTICE)


def at_width(page: Page, width: int) -> None:
    """The window resized to ``width`` CSS px, as a visitor turns a phone or narrows a window:
    the page as it is (no reload), laid out again, and Material's resize handlers run (they run
    on the resize event, before the next frame: two frames later they have)."""
    page.set_viewport_size({"width": width, "height": 844})
    page.evaluate(
        "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))"
    )


def at_every_width(page: Page, check: Callable[[Page], list[str]], what: str) -> None:
    """``check`` finds nothing at any of :data:`WIDTHS`, the page kept in its state throughout;
    the window ends at the desktop width the session opened with."""
    try:
        for width in WIDTHS:
            at_width(page, width)
            assert check(page) == [], f"{what} ({width} px)"
    finally:
        page.set_viewport_size(VIEWPORT)


def at_320_px(page: Page, what: str, scroll_to: str | None = None) -> None:
    """At 320 px (WCAG 1.4.10) nothing scrolls sideways and every target of the widget is at least
    24 by 24 px (WCAG 2.5.8): the two things axe does not measure. ``scroll_to``: an element to
    bring into view first."""
    page.set_viewport_size(NARROW)
    try:
        if scroll_to is not None:
            page.locator(scroll_to).scroll_into_view_if_needed()
        assert horizontal_overflow(page) == 0, what
        assert small_targets(page) == [], what
    finally:
        page.set_viewport_size(VIEWPORT)


def test_every_state_is_axe_clean_with_best_practices_at_phone_and_desktop_width(
    warm: Session,
) -> None:
    """Each state of one visit, checked at each width in turn (320 px, a phone, and 1280 px):
    axe's WCAG A/AA and best-practice rules on the whole page; the widget's WCAG A/AA
    with field errors, and with a verdict in the dark and the light scheme; and at 320 px no
    sideways scrolling and 24 px targets, before any interaction and with a verdict."""
    page = warm.page
    page.goto(warm.url("/"))
    page.locator(ROOT).wait_for()
    at_every_width(page, whole_page, "the page, the empty form")
    at_320_px(page, "before any interaction: the form")
    start_loading(page)
    warm.wait_for_state("ready", timeout_ms=LOAD_TIMEOUT_MS)
    # Nothing answered yet: the checker asks for every question the form shows.
    page.locator(f"{ROOT} [data-form] [type=submit]").click()
    page.locator(f"{ROOT} [data-error-summary]").wait_for(state="visible")
    assert page.locator(f"{ROOT} [data-field-error]:visible").count() >= 1
    assert violations(page) == [], "with field errors"
    at_every_width(page, whole_page, "with field errors")
    for field, value in (("purchase_type", "credit_pack"), ("reason", "unused")):
        page.locator(f'{ROOT} input[name="{field}"][value="{value}"]').check()
    page.locator(f'{ROOT} input[name="credits_used"][value="some"]').check()
    at_every_width(page, whole_page, "the answered form")
    show_verdict(page, warm.url("/"))
    for scheme in ("slate", "default"):  # the palette toggle, as a visitor switches it
        for _ in range(3):
            if page.get_attribute("body", "data-md-color-scheme") == scheme:
                break
            page.locator("[data-md-component=palette] label:visible").first.click()
        assert page.get_attribute("body", "data-md-color-scheme") == scheme
        assert violations(page) == [], f"with a verdict ({scheme})"
    at_every_width(page, whole_page, "with a result")
    at_320_px(page, "with a verdict: the result", scroll_to=f"{ROOT} [data-result] [data-verdict]")


def test_without_javascript_the_page_is_axe_clean_at_every_width(
    page_without_javascript: Page,
) -> None:
    at_every_width(page_without_javascript, whole_page, "without JavaScript")


def widget_in_both_schemes(page: Page) -> list[str]:
    """axe's WCAG A/AA and best-practice violations in the widget, in the light and the dark
    scheme (switched with Material's palette toggle, as a visitor does: no reload)."""
    found = []
    for scheme in ("slate", "default"):
        for _ in range(3):
            if page.get_attribute("body", "data-md-color-scheme") == scheme:
                break
            page.locator("[data-md-component=palette] label:visible").first.click()
        assert page.get_attribute("body", "data-md-color-scheme") == scheme
        found += [f"{scheme}: {line}" for line in run_axe(page, ROOT, BEST_PRACTICE)]
    return found


def test_the_loading_failing_and_table_only_states_are_axe_clean_light_and_dark(
    browser: Browser, site_server: SiteServer
) -> None:
    """One context for every state the runtime can leave the widget in, each checked at each
    width in turn."""
    session = open_session(browser, site_server)
    page = session.page
    try:
        held: list[Route] = []
        session.context.route("**/*.wasm", lambda route: held.append(route))
        # The quick answer while the full check loads: the note, with the download's progress.
        show_verdict(page, session.url("/"))
        page.locator(f'{ROOT} [data-part="provenance"] [data-progress]').wait_for(state="visible")
        at_every_width(page, widget_in_both_schemes, "the quick answer, loading")
        # The download fails: the note says so once, with "Try again".
        for route in held:
            route.abort()
        session.wait_for_state("error", timeout_ms=LOAD_TIMEOUT_MS)
        page.locator(f'{ROOT} [data-part="provenance"] [data-retry]').wait_for(state="visible")
        at_every_width(page, widget_in_both_schemes, "the quick answer, failed")
        # Above the questions: the message, "Try again", the email and the summary.
        session.context.unroute("**/*.wasm")
        session.context.route("**/*.wasm", lambda route: route.abort())
        page.goto(session.url("/"))
        start_loading(page)
        session.wait_for_state("error", timeout_ms=LOAD_TIMEOUT_MS)
        page.locator(f"{ROOT} [data-fallback]").wait_for(state="visible")
        at_every_width(page, widget_in_both_schemes, "the error state")
        at_every_width(page, whole_page, "the page around the error state")
        # A browser without WebAssembly: its message, then the quick answer alone.
        plain = session.context.new_page()
        plain.add_init_script("delete globalThis.WebAssembly;")
        plain.goto(session.url("/"))
        plain.locator(f"{ROOT} [data-fallback]").wait_for(state="visible")
        at_every_width(plain, widget_in_both_schemes, "no WebAssembly")
        plain.goto(session.url("/") + CHECK_FRAGMENT + "&terms_violation=true")
        plain.locator(f"{ROOT} [data-verdict]").wait_for(state="visible")
        at_every_width(plain, widget_in_both_schemes, "no WebAssembly, the answer")
        # Back to the answers: support's, from the link, in their tinted box.
        plain.locator(f"{ROOT} [data-change]").first.click()
        plain.locator(f"{ROOT} [data-support]").wait_for(state="visible")
        at_every_width(plain, widget_in_both_schemes, "the link's support answers")
    finally:
        session.context.close()
