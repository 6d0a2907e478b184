"""The tests' own print guarantee, a policy that is data (tests/fixtures/policies/), published
beside the refund policy: its page's self-check judges with its rules in Chromium, as the days go
by, and its quick answer (the page's decision table) is always its checker's."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlencode

import pytest
from playwright.sync_api import Browser, Page

from policy_engine.folder import policy_module
from tests.browser.conftest import checked_session
from tests.browser.invariant import DECISION, ROOT, table_answer
from tests.browser.server import SiteServer
from tests.browser.visitor import LOAD_TIMEOUT_MS, open_link
from tests.site.projects import built_and_served, command, copy_project, edit

pytestmark = pytest.mark.browser

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "policies"
NAME = "print-guarantee"
LISTED = "          page: index.md\n"


@pytest.fixture(scope="module")
def guarantee(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, SiteServer]]:
    project = copy_project(tmp_path_factory.mktemp("print-guarantee"))
    # As a developer adds it from EDITING.md: its folder, its page, and its line in mkdocs.yml.
    shutil.copytree(FIXTURES / NAME, project / "policies" / NAME)
    shutil.copy(FIXTURES / f"{NAME}.md", project / "docs" / f"{NAME}.md")
    edit(
        project / "mkdocs.yml",
        LISTED,
        LISTED + f"        - folder: policies/{NAME}\n          page: {NAME}.md\n",
    )
    reviewed = command(project, "policy_review.review", NAME, "--accept")
    assert reviewed.returncode == 0, reviewed.stdout + reviewed.stderr
    with built_and_served(project) as server:
        yield project, server


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
    checker = policy_module(project / "policies" / NAME)
    today = date.today()
    ordered = (today - timedelta(days=30)).isoformat()
    warped = {"purchase_date": ordered, "defect": "warped", "photos": "true"}
    with checked_session(browser, server) as session:
        page = session.page
        address = session.url(f"/{NAME}/")
        # Day 30 after the order: a warped print with photos is covered.
        page.goto(f"{address}#check?{urlencode(warped)}")
        assert checkers_answer(page) == (
            "likely_eligible",
            ["defect-shown"],
            "We will likely reprint or refund your print",
        )
        # The same print, a day later (the link asked the day before is judged on its day; a
        # new one asks today): too late.
        late = {**warped, "purchase_date": (today - timedelta(days=31)).isoformat()}
        open_link(page, address, urlencode(late))
        assert checkers_answer(page)[:2] == ("likely_not_eligible", ["late"])
        # Marks on the surface: never covered, whatever the day.
        cosmetic = {**warped, "defect": "cosmetic"}
        open_link(page, address, urlencode(cosmetic))
        assert checkers_answer(page)[:2] == ("likely_not_eligible", ["cosmetic"])
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
