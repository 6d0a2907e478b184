"""A site of two policies: the refund policy and one made by ``./run new-policy``, each page's
self-check judging with its own rules in the browser (the real build, Pyodide and Chromium)."""

from __future__ import annotations

import json
import subprocess
import sys
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

# A name no editor is likely to give a policy of the real site (the scaffold refuses a name
# whose folder exists).
NAME = "fixture-returns"
# Where ./run new-policy writes it: a folder of data, no Python.
FOLDER = f"policies/{NAME}"
# What the browser imports: the package the build writes into its wheel.
MODULE = "policy_of_" + NAME.replace("-", "_")


def run(project: Path, module: str, *args: str) -> subprocess.CompletedProcess[str]:
    """A ``./run`` command in the copy, as an editor types it (``module``: the command's)."""
    return command(project, module, *args)


@pytest.fixture(scope="module")
def two_policies(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, SiteServer]]:
    project = copy_project(tmp_path_factory.mktemp("two-policies"))
    made = run(project, "policy_site.scaffold", NAME)
    assert made.returncode == 0, made.stderr + made.stdout
    # Its first version takes effect in a fortnight: until then its words may still change.
    # Where its customers write: the scaffold's placeholder is refused by the build.
    edit(project / FOLDER / "policy.toml", "support@example.invalid", "support@imgtostl.com")
    for changed in (project / FOLDER / "policy.toml", project / "docs" / f"{NAME}.md"):
        edit(changed, "Your order arrived damaged", "Your order arrived broken or damaged")
    reviewed = run(project, "policy_review.review", NAME, "--accept")
    assert reviewed.returncode == 0, reviewed.stdout + reviewed.stderr
    # A page of worked examples that is not a policy's own, but says whose rules judge it.
    (project / "docs" / f"{NAME}-examples.md").write_text(
        f"---\npolicy: {NAME}\n---\n\n# Returns: examples\n\n"
        "/// example | It arrived broken\norder_date: 2026-05-01\nrequest_date: 2026-05-03\n"
        "arrived_damaged: true\nexpect: likely_eligible\n///\n",
        encoding="utf-8",
    )
    with built_and_served(project) as server:
        yield project, server


def verdict_from_checker(page: Page) -> tuple[str, list[str]]:
    """The verdict once the checker itself (not the decision table) has answered, and the ids of
    the clauses it cites."""
    page.wait_for_selector(
        f"{ROOT} [data-result][data-source=checker]:not([hidden])", timeout=LOAD_TIMEOUT_MS
    )
    verdict = page.locator(f"{ROOT} [data-result] [data-verdict]").get_attribute("data-verdict")
    clauses = page.eval_on_selector_all(
        f"{ROOT} [data-result] [data-list=clauses] a[href]",
        "(links) => links.map((link) => new URL(link.href).hash.slice(1))",
    )
    return verdict or "", clauses


def title(page: Page) -> str:
    return page.locator(f"{ROOT} [data-result] [data-slot=title]").first.inner_text().strip()


def test_each_pages_self_check_judges_with_its_own_rules(
    browser: Browser, two_policies: tuple[Path, SiteServer]
) -> None:
    _, server = two_policies
    bought = (date.today() - timedelta(days=2)).isoformat()
    with checked_session(browser, server) as session:
        page = session.page
        page.goto(session.url(f"/{NAME}/#check?order_date={bought}&arrived_damaged=true"))
        verdict, clauses = verdict_from_checker(page)
        assert (verdict, clauses) == ("likely_eligible", ["arrived-damaged"])
        # In its own words (its policy.toml's [verdicts]), not the refund policy's.
        assert title(page) == "This policy likely covers your order"
        # Its form asks its own question, and none of the refund policy's.
        fields = page.eval_on_selector_all(
            f"{ROOT} [data-question]", "(items) => items.map((i) => i.dataset.question)"
        )
        assert "arrived_damaged" in fields and "reason" not in fields
        # The same question answered "No" (a link followed on the same page, whose checker is
        # now loaded): the one rule does not apply, so support decides.
        open_link(page, session.url(f"/{NAME}/"), f"order_date={bought}&arrived_damaged=false")
        verdict, clauses = verdict_from_checker(page)
        assert (verdict, clauses) == ("needs_review", [])
        # The refund policy's page, on the same site, still judges with the refund rules.
        query = (
            f"purchase_date={bought}&purchase_type=credit_pack&reason=duplicate_payment"
            "&credits_used=none"
        )
        page.goto("about:blank")
        page.goto(session.url(f"/#check?{query}"))
        verdict, clauses = verdict_from_checker(page)
        assert (verdict, clauses) == ("likely_eligible", ["duplicate-payment", "recent-unused"])
        assert title(page) == "You are likely eligible for a refund"


def test_each_policy_ships_its_own_checker_and_the_commands_take_its_name(
    two_policies: tuple[Path, SiteServer],
) -> None:
    project, _ = two_policies
    refund = (project / "site" / "index.html").read_text(encoding="utf-8")
    returns = (project / "site" / NAME / "index.html").read_text(encoding="utf-8")
    assert 'data-module="checker"' in refund and f'data-module="{MODULE}"' in returns
    assert 'id="arrived-damaged"' in returns and 'id="arrived-damaged"' not in refund
    # Each page's self-check is headed with its own policy's words ([self-check] heading).
    assert ">Check your order<" in returns and ">Check your order<" not in refund
    assert ">Check whether you can get a refund<" in refund
    # The examples page that names the returns policy was judged by its rules (the refund
    # policy's would refuse "arrived_damaged" as no answer it knows, and stop the build).
    examples = (project / "site" / f"{NAME}-examples" / "index.html").read_text(encoding="utf-8")
    assert "This policy likely covers your order" in examples
    assert f'../{NAME}/#arrived-damaged"' in examples
    # With two policies, the review asks which; with the name, each has its own ledger.
    which = run(project, "policy_review.review")
    assert which.returncode == 2
    assert f"this site has 2 policies (refund, {NAME}): say which one" in which.stderr
    for name, ledger in (("refund", "checker/ledger.txt"), (NAME, f"{FOLDER}/ledger.txt")):
        reviewed = run(project, "policy_review.review", name)
        assert reviewed.returncode == 0, reviewed.stdout + reviewed.stderr
        assert f"The ledger ({ledger}) is up to date." in reviewed.stdout
    # A name that is not a policy's is said plainly.
    wrong = run(project, "policy_review.review", "refunds")
    assert wrong.returncode == 2
    assert f"there is no policy called “refunds” in mkdocs.yml (there is refund, {NAME})" in (
        wrong.stderr
    )


def test_support_checks_either_policy_with_refund_check(
    two_policies: tuple[Path, SiteServer],
) -> None:
    project, _ = two_policies
    bought = (date.today() - timedelta(days=2)).isoformat()

    def refund_check(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "checker", *args],
            capture_output=True,
            text=True,
            timeout=60,
            cwd=project,
            check=False,
        )

    damaged = refund_check("--for", NAME, "--order-date", bought, "--arrived-damaged", "true")
    assert damaged.returncode == 0, damaged.stderr
    assert damaged.stdout.startswith("Likely covered (likely_eligible)")
    assert "+ arrived-damaged: Your order arrived broken or damaged" in damaged.stdout
    # Its flags are its questions: the refund policy's are not answers to it.
    wrong = refund_check("--for", NAME, "--order-date", bought, "--reason", "unused")
    assert wrong.returncode == 2 and "--reason" in wrong.stderr
    unknown = refund_check("--for", "refunds", "--purchase-date", bought)
    assert unknown.returncode == 2
    assert "--for: there is no policy called “refunds” here" in unknown.stderr


def test_support_checks_any_policy_with_policy_check(
    two_policies: tuple[Path, SiteServer],
) -> None:
    project, _ = two_policies
    bought = (date.today() - timedelta(days=2)).isoformat()

    def policy_check(*args: str) -> subprocess.CompletedProcess[str]:
        return run(project, "policy_site.policy_check", *args)

    # The policy by its name in mkdocs.yml, with its own questions as flags.
    damaged = policy_check("--for", NAME, "--order-date", bought, "--arrived-damaged", "true")
    assert damaged.returncode == 0, damaged.stderr
    assert damaged.stdout.startswith("Likely covered (likely_eligible)")
    assert "+ arrived-damaged: Your order arrived broken or damaged" in damaged.stdout
    # Its usage names the command that was run, and its questions, none of the refund policy's.
    usage = policy_check("--for", NAME, "--help")
    assert usage.returncode == 0 and usage.stdout.startswith("usage: policy-check ")
    assert "--arrived-damaged" in usage.stdout and "--reason" not in usage.stdout
    # A mistake is said by policy-check, naming the flag.
    wrong = policy_check("--for", NAME, "--order-date", bought, "--reason", "unused")
    assert wrong.returncode == 2 and "policy-check: " in wrong.stderr and "--reason" in wrong.stderr
    # With two policies and no name, it says which there are.
    which = policy_check("--purchase-date", bought)
    assert which.returncode == 2
    assert f"policy-check: this site has 2 policies (refund, {NAME}): say which one" in (
        which.stderr
    )
    # Its file alone names it too, and the refund policy answers as refund-check does.
    by_file = policy_check(
        "--policy", f"{FOLDER}/policy.toml", "--order-date", bought, "--arrived-damaged", "false"
    )
    assert by_file.returncode == 0, by_file.stderr
    assert by_file.stdout.startswith("Case by case (needs_review)")
    refund_args = (
        "--purchase-date",
        bought,
        "--purchase-type",
        "credit_pack",
        "--reason",
        "unused",
    )
    refund_args += ("--credits-used", "none")
    as_policy_check = policy_check("--for", "refund", *refund_args)
    as_refund_check = run(project, "checker", *refund_args)
    assert as_policy_check.returncode == as_refund_check.returncode == 0
    assert as_policy_check.stdout == as_refund_check.stdout


def test_the_quick_answer_of_a_policy_that_is_data_is_its_checkers(
    browser: Browser, two_policies: tuple[Path, SiteServer]
) -> None:
    # The page's decision table (its quick answer, before Python has loaded) and the policy's
    # checker, made by the engine from its folder in CPython, decide every answer alike.
    project, server = two_policies
    checker = policy_module(project / FOLDER)
    bought = (date.today() - timedelta(days=2)).isoformat()
    today = date.today().isoformat()
    with checked_session(browser, server) as session:
        page = session.page
        page.goto(session.url(f"/{NAME}/#check?order_date={bought}&arrived_damaged=true"))
        verdict_from_checker(page)
        address = page.url.split("#")[0]
        for damaged in ("true", "false"):
            query = urlencode({"order_date": bought, "arrived_damaged": damaged})
            table = table_answer(page, query, today)
            want = json.loads(checker.check_query(query, today=today, source="form", page=address))
            assert table is not None and "errors" not in table, table
            for name in DECISION:
                assert table[name] == want[name], (damaged, name, table[name], want[name])
