"""A question an editor added with a new version, in the browser: asked only of purchases from the
version's day, judged by each purchase's own version, in the quick answer, the checker's answer,
the recap and the email alike.

A copy of the project gets the version of EDITING.md's example ("Where did you buy it?", and a
clause against a purchase through a reseller) three days ago, reviewed before its day as an editor
must; the site is built from it and served. After every step the invariant holds: the page shows
what CPython's checker says under the copy's file.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from urllib.parse import parse_qsl, urlsplit

import pytest
from playwright.sync_api import Browser, expect

from checker import read_policies
from policy_engine.policy import Policies
from policy_site.pages import versions
from tests.browser.conftest import checked_session
from tests.browser.invariant import ROOT, assert_invariant
from tests.browser.server import SiteServer
from tests.browser.visitor import answer, days_ago, open_link, submit
from tests.site.projects import built_and_served, copy_project, edit, ledger_text
from tests.site.test_rules_as_data import BULLET, LAST_AGAINST, QUESTION_AND_CLAUSE

pytestmark = pytest.mark.browser

TODAY = date.today()
CHANGED = TODAY - timedelta(days=3)
QUESTION = f"{ROOT} [data-question=bought_from]"


@pytest.fixture(scope="module")
def with_question(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[SiteServer, Policies]]:
    project = copy_project(tmp_path_factory.mktemp("question"))
    policy = project / "checker" / "policy.toml"
    versions.new_version(
        policy, project / "docs", CHANGED, CHANGED - timedelta(days=1), "Resellers' purchases."
    )
    policy.write_text(policy.read_text("utf-8") + QUESTION_AND_CLAUSE, "utf-8")
    edit(project / "docs" / "index.md", LAST_AGAINST, LAST_AGAINST + BULLET)
    # The ledger as `./run review --accept` wrote it the day before the version took effect
    # (a preview date cannot stand in for that day: it never unfreezes a version in force).
    (policy.parent / "ledger.txt").write_text(ledger_text(policy), encoding="utf-8")
    with built_and_served(project) as server:
        yield server, read_policies(policy)


def test_the_new_question_is_asked_from_its_day_and_judged_by_each_purchases_version(
    browser: Browser, with_question: tuple[SiteServer, Policies]
) -> None:
    server, policies = with_question
    with checked_session(browser, server) as session:
        page = session.page
        # Bought before the version's day: not asked, judged by the version it was bought under.
        answers = "purchase_type=credit_pack&reason=duplicate_payment&credits_used=none"
        query = f"purchase_date={days_ago(10)}&{answers}"
        assert open_link(page, session.url("/"), query) == "result"
        expect(page.locator(QUESTION)).to_be_hidden()
        shown = assert_invariant(page, policies)
        assert shown.verdict == "needs_review"  # duplicate, but late under the 7-day window
        expect(page.locator(f"{ROOT} [data-list=recap]")).not_to_contain_text("Where did you buy")

        # The customer corrects the date to after the version's day: the question appears, and
        # the form waits for its answer.
        page.locator(f"{ROOT} [data-list=recap] > div").filter(
            has_text="When did you buy"
        ).first.locator("[data-change]").click()
        answer(page, "purchase_date", days_ago(1))
        expect(page.locator(QUESTION)).to_be_visible()
        assert submit(page) == "errors"
        expect(page.locator(f"{ROOT} [data-error-summary]")).to_contain_text(
            "Select where you bought it, or “Not sure”."
        )
        # (The shipped policy has no such question: clicked as a visitor does.)
        page.locator(f'{ROOT} input[name="bought_from"][value="reseller"]').check()
        assert submit(page) == "result"
        shown = assert_invariant(page, policies)
        assert shown.verdict == "needs_review"
        cited = page.locator(f"{ROOT} [data-list=clauses]")
        expect(cited).to_contain_text("The request concerns a purchase made through a reseller")
        expect(page.locator(f"{ROOT} [data-list=recap]")).to_contain_text(
            "Through a reseller or marketplace"
        )
        href = page.locator(f"{ROOT} [data-slot=mailto]").get_attribute("href") or ""
        body = dict(parse_qsl(urlsplit(href).query)).get("body", "")
        assert "Where did you buy it? Through a reseller or marketplace" in body
        assert "bought_from=reseller" in page.url
