"""The tests' print guarantee published beside the refund policy, in Chromium with the real build
and Pyodide: the quick answer (the decision table, table.js) and the checker give the same answer
of the guarantee's own (a reprint; then, with the photos unsure, "we decide"), in its own words,
coloured by the role its file gives that answer."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Route

from tests.browser.conftest import Session, checked_session
from tests.browser.invariant import ROOT
from tests.browser.server import SiteServer
from tests.browser.visitor import LOAD_TIMEOUT_MS, days_ago
from tests.fixtures import PRINT_GUARANTEE, add_print_guarantee
from tests.site.projects import built_and_served, copy_project

pytestmark = pytest.mark.browser

# What a visitor sees of the answer: its id and role on the heading, its words, the clauses it
# cites, the answers it says are missing, and the heading's colour.
SHOWN = """(source) => {
  const result = document.querySelector(
    `[data-refund-check] [data-result][data-source="${source}"]`);
  const heading = result.querySelector('[data-verdict]');
  return {
    verdict: heading.dataset.verdict,
    role: heading.dataset.role,
    title: heading.querySelector('[data-slot=title]').textContent.trim(),
    clauses: [...result.querySelectorAll('[data-list=clauses] > li')].map(
      (item) => [item.dataset.role, item.querySelector('[data-slot=text]').textContent]),
    missing: [...result.querySelectorAll('[data-list=missing_questions] > li')].map(
      (item) => item.textContent),
    colour: getComputedStyle(heading).borderLeftColor,
  };
}"""

GREEN, AMBER = "rgb(18, 120, 62)", "rgb(138, 79, 0)"  # docs/assets/brand.css, light scheme


@pytest.fixture(scope="module")
def guarantee_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SiteServer]:
    project = copy_project(tmp_path_factory.mktemp("print-guarantee"))
    add_print_guarantee(project)
    with built_and_served(project) as server:
        yield server


def answered(page: Page, source: str) -> dict[str, Any]:
    page.locator(f"{ROOT} [data-result][data-source={source}]:not([hidden])").wait_for(
        state="visible", timeout=LOAD_TIMEOUT_MS
    )
    shown: dict[str, Any] = page.evaluate(SHOWN, source)
    return shown


def quick_then_checked(session: Session, query: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """A link opened afresh: the decision table's answer while the runtime's WebAssembly is held
    back, then the checker's once it arrives."""
    page = session.page
    held: list[Route] = []
    session.context.route("**/*.wasm", lambda route: held.append(route))
    page.goto("about:blank")
    page.goto(session.url(f"/{PRINT_GUARANTEE}/#check?{query}"))
    quick = answered(page, "table")
    for route in held:
        route.continue_()
    session.context.unroute("**/*.wasm")
    return quick, answered(page, "checker")


def test_the_quick_answer_and_the_checker_agree_on_the_guarantees_own_answers(
    browser: Browser, guarantee_site: SiteServer
) -> None:
    with checked_session(browser, guarantee_site) as session:
        query = f"purchase_date={days_ago(2)}&defect=warped&photos=true"
        quick, checked = quick_then_checked(session, query)
        assert quick == {
            "verdict": "reprint",
            "role": "positive",
            "title": "We will likely reprint your order",
            "clauses": [
                ["positive", "The print arrived warped or broken, and you can show it in photos"]
            ],
            "missing": [],
            "colour": GREEN,
        }
        # The runtime arrives, and the checker confirms the same answer in place.
        assert checked == quick
        # The same print, but the visitor is not sure they have photos: both say "we decide",
        # in amber, and name the answer that would settle it.
        quick, checked = quick_then_checked(session, query.replace("photos=true", "photos=unsure"))
        assert checked == quick
        assert quick == {
            "verdict": "support_decides",
            "role": "review",
            "title": "We would need to look at your print",
            "clauses": [],
            "missing": ["Do you have photos of it?"],
            "colour": AMBER,
        }
