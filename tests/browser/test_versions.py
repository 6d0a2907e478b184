"""Policy versions in the browser: each purchase judged by the version in force when it was made.

A copy of the project gets a second version (a 14-day window) that took effect three days ago, as
``./run new-version`` and an editor make it; the site is built from it and served. A visitor then
checks purchases from either side of the change, and after every step the page shows exactly what
CPython's checker says under the copy's policy file: the verdict, the version it followed, and,
when the newer version would decide otherwise, that too.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from urllib.parse import parse_qsl, urlsplit

import pytest
from playwright.sync_api import Browser, expect

from checker import read_policies
from policy_engine.policy import Policies, long_date
from policy_site.pages import versions
from tests.browser.conftest import Session, checked_session
from tests.browser.invariant import ROOT, assert_invariant
from tests.browser.server import SiteServer
from tests.browser.visitor import answer, days_ago, open_link, submit
from tests.site.projects import built_and_served, copy_project, ledger_text

pytestmark = pytest.mark.browser

TODAY = date.today()
CHANGED = TODAY - timedelta(days=3)  # the day the 14-day window took effect
FIRST = date(2026, 5, 1)
PACK = "purchase_type=credit_pack&reason=unused&credits_used=none"


@pytest.fixture(scope="module")
def versioned(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[SiteServer, Policies]]:
    project = copy_project(tmp_path_factory.mktemp("versioned"))
    policy = project / "checker" / "policy.toml"
    # Added before it took effect, as an editor must.
    versions.new_version(
        policy, project / "docs", CHANGED, CHANGED - timedelta(days=1), "The window is 14 days."
    )
    policy.write_text(policy.read_text("utf-8") + "refund_window_days = 14\n", "utf-8")
    # ...and reviewed then: a version dated in the past that the ledger has not recorded is
    # refused (it would judge again purchases already made).
    # The ledger as `./run review --accept` wrote it the day before the version took effect
    # (a preview date cannot stand in for that day: it never unfreezes a version in force).
    (policy.parent / "ledger.txt").write_text(ledger_text(policy), encoding="utf-8")
    with built_and_served(project) as server:
        yield server, read_policies(policy)


def email_body(session: Session) -> str:
    href = session.page.locator(f"{ROOT} [data-slot=mailto]").get_attribute("href") or ""
    return dict(parse_qsl(urlsplit(href).query)).get("body", "")


def test_a_purchase_is_judged_by_the_version_in_force_when_it_was_made(
    browser: Browser, versioned: tuple[SiteServer, Policies]
) -> None:
    server, policies = versioned
    with checked_session(browser, server) as session:
        page = session.page
        # Bought ten days ago, under the 7-day window: too late under it, in time under the new.
        assert open_link(page, session.url("/"), f"purchase_date={days_ago(10)}&{PACK}") == "result"
        shown = assert_invariant(page, policies)
        assert shown.verdict == "likely_not_eligible"
        assert f"the version of {long_date(FIRST)}" in shown.applied
        assert f"Under the policy in force since {long_date(CHANGED)}" in shown.newer
        assert "Support decides which version applies." in shown.newer
        body = email_body(session)
        assert f"It followed the refund policy of {long_date(FIRST)}" in body
        assert (
            f"Under the policy in force since {long_date(CHANGED)}, it would say: "
            "You are likely eligible for a refund."
        ) in body
        # The version it followed has its own page, which says it is not the current one.
        assert shown.version_page.endswith(f"history/{FIRST.isoformat()}/")
        page.locator(f"{ROOT} [data-version-link]").click()
        expect(page.locator("article")).to_contain_text("This is not the current policy")
        expect(page.locator("article")).to_contain_text("within 7 days of purchase")
        page.go_back()  # the link opens again, with its result
        expect(page.locator(f"{ROOT} [data-result]")).to_be_visible()
        assert_invariant(page, policies)
        # The clause that judged it links to that version's own words, not today's.
        late = page.locator(f"{ROOT} [data-list=clauses] a[href*='#late-request']")
        href = late.get_attribute("href") or ""
        assert href.endswith(f"history/{FIRST.isoformat()}/#late-request"), href
        late.click()
        expect(page.locator("#late-request")).to_contain_text("more than 7 days after purchase")
        page.go_back()
        expect(page.locator(f"{ROOT} [data-result]")).to_be_visible()
        # So does each note: the version's own sentence, with its 7 days.
        note = page.locator(f"{ROOT} [data-list=notes] a[href*='#note-late-but-can-write']")
        assert (note.get_attribute("href") or "").endswith(
            f"history/{FIRST.isoformat()}/#note-late-but-can-write"
        )
        note.click()
        expect(page.locator("#note-late-but-can-write")).to_contain_text("within 7 days")
        page.go_back()
        expect(page.locator(f"{ROOT} [data-result]")).to_be_visible()
        assert_invariant(page, policies)

        # The customer corrects the date to three days ago: the new version, no second opinion.
        page.locator(f"{ROOT} [data-list=recap] > div").filter(
            has_text="When did you buy"
        ).first.locator("[data-change]").click()
        answer(page, "purchase_date", days_ago(2))
        assert submit(page) == "result"
        shown = assert_invariant(page, policies)
        assert shown.verdict == "likely_eligible"
        assert f"the version of {long_date(CHANGED)}" in shown.applied
        assert shown.newer == "" and shown.version_page == ""
        # The page itself shows the current version.
        expect(page.locator("article")).to_contain_text("within 14 days of purchase")
