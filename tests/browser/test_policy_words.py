"""A new policy's self-check, in Chromium with the real Pyodide, says nothing of refunds or
purchases unless its file does; once its file's [words] speak of orders, its answer says so."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlencode

import pytest
from playwright.sync_api import Browser

from tests.browser.conftest import checked_session
from tests.browser.invariant import ROOT
from tests.browser.visitor import LOAD_TIMEOUT_MS, open_link
from tests.site.projects import built_and_served, command, copy_project, edit
from tests.site.test_policy_words import NAME, ORDER_WORDS, PACKAGE, answers, business

pytestmark = pytest.mark.browser


def result_words(browser: Browser, project: Path, ordered: date) -> str:
    """What a visitor reads on the new policy's page once its checker has answered a link with
    an answer to each of its questions: the page's own text (the site's navigation, which names
    the other policies, left out), the self-check's answer included."""
    given = {
        field: str(value).lower() if isinstance(value, bool) else value
        for field, value in answers(project, ordered).items()
    }
    with built_and_served(project) as server, checked_session(browser, server) as session:
        page = session.page
        open_link(page, session.url(f"/{NAME}/"), urlencode(given))
        page.wait_for_selector(
            f"{ROOT} [data-result][data-source=checker]:not([hidden])", timeout=LOAD_TIMEOUT_MS
        )
        return page.locator(".md-content").inner_text()


def test_a_new_policys_answer_in_the_browser_speaks_its_own_words(
    browser: Browser, tmp_path: Path
) -> None:
    project = copy_project(tmp_path)
    made = command(project, "policy_site.scaffold", NAME)
    assert made.returncode == 0, made.stdout + made.stderr
    edit(project / PACKAGE / "policy.toml", "support@example.invalid", "support@example.com")
    reviewed = command(project, "policy_review.review", NAME, "--accept")
    assert reviewed.returncode == 0, reviewed.stdout + reviewed.stderr
    # Ordered before its first version takes effect: the answer says which version judged it.
    ordered = date.today() - timedelta(days=2)

    said = result_words(browser, project, ordered)
    assert "Your case began before this policy was first published" in said, said
    assert not business([said]), business([said])

    policy_file = project / PACKAGE / "policy.toml"
    policy_file.write_text(policy_file.read_text(encoding="utf-8") + ORDER_WORDS, "utf-8")
    said = result_words(browser, project, ordered)
    assert "You ordered before this policy was first published" in said, said
    assert "It applies to orders placed from" in said
    assert not business([said]), business([said])
