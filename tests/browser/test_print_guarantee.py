"""The tests' print guarantee (a policy that is data: tests/fixtures/policies/) published beside
the refund policy, in Chromium with the real build and Pyodide: its self-check judges a print by
its own rules, dates and answers as the days go by (30 days from delivery; the order date picks the
version); the quick answer (the decision table, table.js) and the checker give the same answer of
the guarantee's own (a reprint; then, with the photos unsure, "we decide"), in its own words,
coloured by the role its file gives that answer."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from playwright.sync_api import Browser, Page, Route

from policy_engine.folder import policy_module
from tests.browser.conftest import Session, checked_session
from tests.browser.invariant import DECISION, ROOT, table_answer
from tests.browser.server import SiteServer
from tests.browser.visitor import LOAD_TIMEOUT_MS, days_ago, open_link
from tests.fixtures import PRINT_GUARANTEE, add_print_guarantee
from tests.site.projects import built_and_served, copy_project

pytestmark = pytest.mark.browser

# What a visitor sees of the answer: its id and role on the heading, its words, the clauses it
# cites, the answers it says are missing, and the heading's colour.
SHOWN = """(source) => {
  const result = document.querySelector(
    `[data-policy-check] [data-result][data-source="${source}"]`);
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
def guarantee(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, SiteServer]]:
    project = copy_project(tmp_path_factory.mktemp("print-guarantee"))
    add_print_guarantee(project)
    with built_and_served(project) as server:
        yield project, server


@pytest.fixture(scope="module")
def guarantee_site(guarantee: tuple[Path, SiteServer]) -> SiteServer:
    return guarantee[1]


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
        query = f"order_date={days_ago(3)}&delivery_date={days_ago(2)}"
        query += "&defect=warped&photos=true"
        quick, checked = quick_then_checked(session, query)
        assert quick == {
            "verdict": "reprint",
            "role": "positive",
            "title": "We will likely reprint your order",
            "clauses": [
                ["positive", "The print arrived warped or broken, and you can show it in 2 photos"]
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


def checkers_answer(page: Page) -> tuple[str, list[str], str]:
    """The verdict once the checker itself has answered, the clauses it cites, and its title."""
    page.wait_for_selector(
        f"{ROOT} [data-result][data-source=checker]:not([hidden])", timeout=LOAD_TIMEOUT_MS
    )
    result = f"{ROOT} [data-result]"
    verdict = page.locator(f"{result} [data-verdict]").get_attribute("data-verdict") or ""
    clauses = page.eval_on_selector_all(
        f"{result} [data-list=clauses] a[href]",
        "(links) => links.map((link) => new URL(link.href).hash.slice(1))",
    )
    title = page.locator(f"{result} [data-slot=title]").first.inner_text().strip()
    return verdict, clauses, title


def test_its_self_check_judges_a_print_by_its_own_rules_as_the_days_go_by(
    browser: Browser, guarantee: tuple[Path, SiteServer]
) -> None:
    project, server = guarantee
    checker = policy_module(project / "policies" / PRINT_GUARANTEE)
    today = date.today()
    ordered = (today - timedelta(days=35)).isoformat()
    delivered = (today - timedelta(days=30)).isoformat()
    warped = {"order_date": ordered, "delivery_date": delivered, "defect": "warped"}
    warped |= {"photos": "true", "used": "false"}
    with checked_session(browser, server) as session:
        page = session.page
        address = session.url(f"/{PRINT_GUARANTEE}/")
        # Day 30 after delivery: a warped print with photos is reprinted.
        page.goto(f"{address}#check?{urlencode(warped)}")
        assert checkers_answer(page) == (
            "reprint",
            ["damaged-print"],
            "We will likely reprint your order",
        )
        # The same print, a day later (the link asked the day before is judged on its day; a
        # new one asks today): too late.
        late = {**warped, "delivery_date": (today - timedelta(days=31)).isoformat()}
        open_link(page, address, urlencode(late))
        assert checkers_answer(page)[:2] == ("not_covered", ["damaged-print", "late"])
        # Marks on the surface: never covered, whatever the day.
        cosmetic = {**warped, "defect": "cosmetic"}
        open_link(page, address, urlencode(cosmetic))
        assert checkers_answer(page)[:2] == ("not_covered", ["cosmetic"])
        # The quick answer is the checker's (made by the engine from the folder, in CPython)
        # for each of these and for a print without photos, field by field.
        for answers in (warped, late, cosmetic, {**warped, "photos": "false"}):
            query = urlencode(answers)
            table = table_answer(page, query, today.isoformat())
            want = json.loads(
                checker.check_query(
                    query, today=today.isoformat(), source="form", page=page.url.split("#")[0]
                )
            )
            assert table is not None and "errors" not in table, (answers, table)
            for name in DECISION:
                assert table[name] == want[name], (answers, name, table[name], want[name])
