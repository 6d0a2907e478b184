"""The strict Content-Security-Policy in a real browser: the whole site works under it.

The site is served with exactly the headers of its built ``_headers`` file (and, for hosts that
cannot send headers, with its meta tag only). Violations are collected three ways, because each
sees only part of them: the document's ``securitypolicyviolation`` events (reported to the test
through a binding, so they survive navigations), the same events inside each worker, and the
console, where the Pyodide worker reports what a policy stopped it from compiling.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, Worker
from playwright.sync_api import Error as PlaywrightError

from tests.browser.conftest import Session, open_session
from tests.browser.server import SiteServer, headers_for, load_headers_file, parse_headers_file

pytestmark = pytest.mark.browser

ROOT = "[data-policy-check]"
# A support link's answers: the check runs as soon as the runtime is ready.
CHECK_FRAGMENT = (
    "#check?purchase_date=2026-05-01&purchase_type=credit_pack"
    "&reason=duplicate_payment&credits_used=none"
)
LOAD_TIMEOUT_MS = 60_000  # loading the runtime from cold on a busy machine

REPORT_IN_DOCUMENT = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.__reportCspViolation(
    `${event.effectiveDirective} blocked ${event.blockedURI || "inline code"}` +
    ` in ${event.sourceFile}:${event.lineNumber} ${event.sample}`);
});
"""
COLLECT_IN_WORKER = """() => {
  self.__cspViolations = [];
  self.addEventListener("securitypolicyviolation", (event) => {
    self.__cspViolations.push(`${event.effectiveDirective} blocked ${event.blockedURI}`);
  });
}"""


@dataclass
class Violations:
    """What the policy blocked while a test ran, from every place that can tell."""

    document: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)
    workers: list[Worker] = field(default_factory=list)

    def in_workers(self) -> list[str]:
        found: list[str] = []
        for worker in self.workers:
            # A worker the page has ended (after a navigation, say) has nothing more to tell.
            with contextlib.suppress(PlaywrightError):
                found += worker.evaluate("self.__cspViolations || []")
        return found

    def all(self) -> list[str]:
        return self.document + self.console + self.in_workers()


def watch(session: Session) -> Violations:
    """Start collecting policy violations in ``session`` (call before opening a page)."""
    seen = Violations()
    session.context.expose_binding(
        "__reportCspViolation", lambda _source, text: seen.document.append(str(text))
    )
    session.context.add_init_script(REPORT_IN_DOCUMENT)

    def on_console(message: ConsoleMessage) -> None:
        text = message.text
        if "Content Security Policy" in text or "Content-Security-Policy" in text:
            seen.console.append(text)

    def on_worker(worker: Worker) -> None:
        try:
            worker.evaluate(COLLECT_IN_WORKER)
            seen.workers.append(worker)
        except PlaywrightError:
            pass  # ended before it could be watched; its console still reports

    session.context.on("console", on_console)
    session.page.on("worker", on_worker)
    return seen


@pytest.fixture
def policy_session(session: Session) -> tuple[Session, Violations]:
    return session, watch(session)


@pytest.fixture
def meta_only_server(site: Path) -> Iterator[SiteServer]:
    """The same site on a host that sends no headers (GitHub Pages): only the meta tag."""
    with SiteServer(site) as server:
        yield server


def run_check(page: Page, url: str) -> str:
    """Open ``url`` (with answers in its fragment) and return the verdict the widget shows."""
    page.goto(url)
    # The checker's own answer (the decision table may answer first, while Pyodide loads).
    verdict = page.locator(f'{ROOT} [data-result][data-source="checker"] [data-verdict]')
    verdict.wait_for(state="visible", timeout=LOAD_TIMEOUT_MS)
    assert page.get_attribute(ROOT, "data-state") == "ready"
    return str(verdict.get_attribute("data-verdict"))


def test_the_server_sends_the_built_policy(session: Session, site: Path) -> None:
    # Without this, every other test here could pass against a server that sends no policy.
    rules = load_headers_file(site)
    for path in ("/", "/assets/policy-check/worker.js"):
        response = session.context.request.get(session.url(path))
        sent = response.headers["content-security-policy"]
        assert sent == headers_for(path, rules)["Content-Security-Policy"], path
        assert "'unsafe-inline'" not in sent and "'unsafe-eval'" not in sent


def test_a_full_visit_causes_no_violation(policy_session: tuple[Session, Violations]) -> None:
    session, violations = policy_session
    page = session.page

    assert run_check(page, session.url("/" + CHECK_FRAGMENT)) in {
        "likely_eligible",
        "likely_not_eligible",
        "needs_review",
    }
    # Field errors render another part of the widget.
    page.locator(f"{ROOT} [data-list=recap] [data-change]").first.click()
    page.fill("#rc-purchase_date", "")
    page.locator(f"{ROOT} [data-form] [type=submit]").click()
    page.locator(f"{ROOT} [data-error-summary]").wait_for(state="visible")

    # The colour scheme switch, and another page and back.
    page.locator("[data-md-component=palette] label:visible").first.click()
    page.get_by_role("link", name="Policy history").first.click()
    page.wait_for_url("**/history/")
    page.go_back()
    page.locator(ROOT).wait_for()

    assert violations.all() == []


def test_the_meta_tag_alone_lets_the_check_run(
    browser: Browser, meta_only_server: SiteServer
) -> None:
    session = open_session(browser, meta_only_server)
    try:
        violations = watch(session)
        response = session.page.goto(session.url("/"))
        assert response is not None and "content-security-policy" not in response.headers
        assert run_check(session.page, session.url("/" + CHECK_FRAGMENT))
        assert violations.all() == []
    finally:
        session.context.close()


@pytest.mark.parametrize("host", ["headers", "meta tag only"])
def test_the_policy_blocks_code_the_site_did_not_ship(
    request: pytest.FixtureRequest, browser: Browser, host: str
) -> None:
    # The check that the watching works: injected inline code is blocked and reported.
    server = request.getfixturevalue("site_server" if host == "headers" else "meta_only_server")
    session = open_session(browser, server)
    try:
        violations = watch(session)
        session.page.goto(session.url("/"))
        ran = session.page.evaluate(
            """() => {
              const script = document.createElement("script");
              script.textContent = "window.__injected = true;";
              document.head.append(script);
              return window.__injected === true;
            }"""
        )
        assert not ran
        session.page.wait_for_function("() => true")  # let the report reach the test
        assert any(entry.startswith("script-src") for entry in violations.document)
    finally:
        session.context.close()


def test_the_runtime_worker_obeys_the_policy_from_its_own_headers(
    browser: Browser, site: Path
) -> None:
    # A worker takes its policy from the response that delivered its script, not from the page.
    # Without 'wasm-unsafe-eval' there, Pyodide cannot compile and the widget says so: proof that
    # the policy the check completes under is really applied inside the worker.
    text = (site / "_headers").read_text(encoding="utf-8")
    assert " 'wasm-unsafe-eval'" in text
    rules = parse_headers_file(text.replace(" 'wasm-unsafe-eval'", ""))
    with SiteServer(site, header_rules=rules) as server:
        session = open_session(browser, server)
        try:
            session.page.goto(session.url("/" + CHECK_FRAGMENT))
            session.wait_for_state("error", timeout_ms=LOAD_TIMEOUT_MS)
            # Only the decision table has answered; the checker could not run.
            result = session.page.locator(f"{ROOT} [data-result]")
            assert result.get_attribute("data-source") == "table"
            provenance = session.page.locator(f'{ROOT} [data-part="provenance"]')
            assert "could not load" in provenance.inner_text()
            # At once, not after the page's 20 s wait: the worker hears of the violation.
            detail = session.page.get_attribute(ROOT, "data-error-detail") or ""
            assert "security policy blocked it (script-src)" in detail, detail
        finally:
            session.context.close()
