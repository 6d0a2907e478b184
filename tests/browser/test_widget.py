"""The self-check on the built policy page, in Chromium, with the real Pyodide and checker.

Each test does what a visitor does (opens the page, answers with mouse or keyboard, follows a
support link) and asserts what they would notice: the verdict and its reasons, the questions that
matter, the email link, the error messages, the requests their browser makes.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlencode, urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect

from checker import CLAUSE_IDS, check, check_query, default_policy
from checker.answers import answers_from_query
from checker.questions import QUESTIONS, Kind, Question
from refund_site.wheel import build_checker_wheel
from tests.browser.conftest import (
    DEFAULT_TIMEOUT_MS,
    Session,
    checked_session,
    open_session,
    record_timing,
)
from tests.browser.server import SiteServer, load_headers_file
from tests.policies import edited_policy

pytestmark = pytest.mark.browser

POLICY = default_policy()
MAILTO_PREFIX = f"mailto:{POLICY.support_email}?"
RUNTIME_PATH = "/assets/pyodide/"
# The core runtime files the page must load, in the folder named by data-runtime.
RUNTIME_FILES = {"pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm"}
ASKED = [question for question in QUESTIONS if question.asked]
FIELD_BY_LABEL = {question.label: question.field for question in ASKED}
ROOT = "[data-refund-check]"
# The widget may take this long to fail after its runtime is blocked (issue: "within 30 s").
FAILURE_TIMEOUT_MS = 30_000
# Waits that include loading the runtime from cold: about 2 s on an idle 2-core machine, but
# several times that when the machine is busy. The speed itself is measured by the benchmark.
LOAD_TIMEOUT_MS = 60_000


# Answers and what CPython says about them ------------------------------------------------------


def as_text(value: object) -> str:
    """A value as the self-check's links and form write it (booleans as true/false)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def query_of(answers: Mapping[str, object]) -> str:
    """The ``#check?`` query of these answers, keys and values exactly as in the contract."""
    return urlencode({key: as_text(value) for key, value in answers.items()})


@dataclass(frozen=True)
class Outcome:
    """What a visitor reads in the result: the verdict, the clauses and the missing facts."""

    verdict: str
    title: str
    clauses: tuple[str, ...]
    missing: tuple[str, ...]


def expected(answers: Mapping[str, object]) -> tuple[Outcome, dict[str, Any]]:
    """What ``checker.check()`` in CPython says, as an :class:`Outcome` and in full."""
    result = check(dict(answers))
    outcome = Outcome(
        verdict=result["verdict"],
        title=result["title"],
        clauses=tuple(clause["id"] for clause in result["clauses"]),
        missing=tuple(result["missing"]),
    )
    return outcome, result


def shown(question: Question, answers: Mapping[str, object]) -> bool:
    """Whether the form asks ``question`` given these answers (the checker's own rule)."""
    return all(as_text(answers.get(field, "")) in allowed for field, allowed in question.shown_when)


# Reading the page --------------------------------------------------------------------------------

# Marks what the widget shows now, so that the next result or error list can be told apart.
MARK_STALE = """() => {
  for (const element of document.querySelectorAll(
    '[data-refund-check] [data-verdict], [data-refund-check] [data-error-list] li')) {
    element.__stale = true;
  }
}"""

# "result" or "errors" once the widget shows a new one, "failed" if the runtime failed.
NEW_OUTCOME = """() => {
  const root = document.querySelector('[data-refund-check]');
  if (!root) return false;
  if (root.dataset.state === 'error') return 'failed';
  const verdict = root.querySelector('[data-result]:not([hidden]) [data-verdict]');
  if (verdict && !verdict.__stale) return 'result';
  const summary = root.querySelector('[data-error-summary]:not([hidden])');
  if (summary && [...summary.querySelectorAll('li')].some((item) => !item.__stale)) {
    return 'errors';
  }
  return false;
}"""

READ_RESULT = """() => {
  const result = document.querySelector('[data-refund-check] [data-result]');
  const verdict = result.querySelector('[data-verdict]');
  const here = location.origin + location.pathname;
  const links = [...result.querySelectorAll('a[href]')]
    .map((link) => new URL(link.href))
    .filter((url) => url.origin + url.pathname === here && url.hash.length > 1)
    .map((url) => {
      const id = decodeURIComponent(url.hash.slice(1));
      return {id, target: document.getElementById(id) !== null};
    });
  return {
    hidden: result.hidden,
    verdict: verdict ? verdict.dataset.verdict : null,
    title: verdict ? verdict.textContent.trim() : null,
    text: result.innerText,
    links,
    items: [...result.querySelectorAll('li')].map((item) => item.textContent.trim()),
    mailtos: [...result.querySelectorAll('a[href^="mailto:"]')].map(
      (link) => link.getAttribute('href')),
  };
}"""


def mark_stale(page: Page) -> None:
    page.evaluate(MARK_STALE)


def wait_for_outcome(page: Page, timeout_ms: int = DEFAULT_TIMEOUT_MS) -> str:
    """Wait for a new result or error list; return which, or ``"failed"``."""
    handle = page.wait_for_function(NEW_OUTCOME, timeout=timeout_ms)
    return str(handle.json_value())


def read_result(page: Page) -> tuple[Outcome, dict[str, Any]]:
    """The result as shown: verdict, linked clauses and missing questions, plus the raw reading."""
    raw = page.evaluate(READ_RESULT)
    assert not raw["hidden"], "the result is not shown"
    clause_ids: list[str] = []
    for link in raw["links"]:
        if link["id"] in CLAUSE_IDS and link["id"] not in clause_ids:
            assert link["target"], f"the link to #{link['id']} leads nowhere on the page"
            clause_ids.append(link["id"])
    missing = tuple(FIELD_BY_LABEL[item] for item in raw["items"] if item in FIELD_BY_LABEL)
    outcome = Outcome(
        verdict=raw["verdict"], title=raw["title"], clauses=tuple(clause_ids), missing=missing
    )
    return outcome, raw


def assert_same_result(page: Page, answers: Mapping[str, object]) -> None:
    """The page shows what CPython's checker says about ``answers``."""
    want, full = expected(answers)
    got, raw = read_result(page)
    assert got.verdict == want.verdict, f"verdict for {dict(answers)}"
    assert want.title in got.title, "the verdict's words"
    assert got.clauses == want.clauses, f"clauses for {dict(answers)}"
    assert got.missing == want.missing, f"missing answers for {dict(answers)}"
    # The clauses are quoted in the policy's words, not only linked.
    for clause in full["clauses"]:
        assert clause["text"] in raw["text"]
    for href in raw["mailtos"]:
        assert_safe_mailto(href)


def assert_safe_mailto(href: str) -> None:
    """The email link goes to support only, with a subject and body and nothing else."""
    assert href.startswith(MAILTO_PREFIX), href[:80]
    assert len(href) < 2000, f"the mailto link has {len(href)} characters"
    assert "\r" not in href and "\n" not in href, "raw line breaks in the link"
    parts = urlsplit(href)
    assert parts.scheme == "mailto"
    assert unquote(parts.path) == POLICY.support_email
    params = parse_qs(parts.query, keep_blank_values=True)
    assert set(params) == {"subject", "body"}, f"parameters {sorted(params)}"
    assert all(len(values) == 1 for values in params.values()), "a parameter given twice"


def error_items(page: Page) -> list[dict[str, str]]:
    """The error summary's entries: their text and the field they link to."""
    return page.evaluate(
        """() => [...document.querySelectorAll('[data-refund-check] [data-error-list] li')]
          .map((item) => {
            const link = item.querySelector('a[href]');
            return {text: item.textContent.trim(), href: link ? link.getAttribute('href') : ''};
          })"""
    )


def fill_form(page: Page, answers: Mapping[str, object]) -> None:
    """Answer every question the form shows, as a visitor does: typing and clicking."""
    for question in ASKED:
        block = page.locator(f'{ROOT} [data-question="{question.field}"]')
        if not shown(question, answers):
            expect(block).to_be_hidden()
            continue
        expect(block).to_be_visible()
        value = as_text(answers.get(question.field, question.default))
        if question.kind in (Kind.DATE, Kind.COUNT):
            page.locator(f"#rc-{question.field}").fill(value)
        else:
            block.locator(f'input[value="{value}"]').check()


def submit(page: Page) -> None:
    mark_stale(page)
    page.locator(f'{ROOT} [data-form] button[type="submit"]').click()


def runtime_paths(page: Page) -> dict[str, str]:
    """Where the widget loads the runtime from: the runtime's folder, the lock file and its folder
    (which holds the checker's wheel), as URL paths."""
    return page.evaluate(
        """() => {
          const root = document.querySelector('[data-refund-check]');
          const runtime = new URL(root.dataset.runtime, document.baseURI);
          const lock = new URL(root.dataset.lock, document.baseURI);
          return {runtime: runtime.pathname, lock: lock.pathname,
                  lockFolder: new URL('.', lock).pathname};
        }"""
    )


def runtime_requests(session: Session, paths: Mapping[str, str]) -> list[str]:
    """Requests the browser made for runtime files (under assets/pyodide/ or the lock's folder)."""
    folders = (RUNTIME_PATH, paths["runtime"], paths["lockFolder"])
    return [url for url in session.request_urls() if urlsplit(url).path.startswith(folders)]


def wasm_requests(session: Session) -> tuple[int, int]:
    """How often the browser, and the server, saw the runtime's .wasm requested."""
    seen = [url for url in session.request_urls() if url.endswith("/pyodide.asm.wasm")]
    served = [e for e in session.server.log if e.path_only.endswith("/pyodide.asm.wasm")]
    return len(seen), len(served)


# Parity: the browser's checker says what CPython's says ---------------------------------------

PURCHASE = date(2026, 5, 1)


def case(day: int, **answers: object) -> dict[str, object]:
    """Answers for a purchase on 2026-05-01, asked for ``day`` days later."""
    return {
        "purchase_date": PURCHASE.isoformat(),
        "request_date": (PURCHASE + timedelta(days=day)).isoformat(),
        **answers,
    }


PACK = {"purchase_type": "credit_pack"}
SUBSCRIPTION = {"purchase_type": "subscription"}

# Through a support link (#check?...): every reason, every credits level, unsure answers, the
# window's edge, late requests, subscriptions, disputes, each payment provider.
LINK_CASES: dict[str, dict[str, object]] = {
    "duplicate_unused_pack": case(2, **PACK, reason="duplicate_payment", credits_used="none"),
    "technical_failure_some_use": case(
        3,
        **PACK,
        reason="technical_failure",
        credits_used="some",
        outputs_used=False,
        previous_refund_requests=0,
    ),
    "failed_job_late": case(
        10, **PACK, reason="failed_job_charged", credits_used="minimal", previous_refund_requests=0
    ),
    "unused_day_7_is_inside_the_window": case(7, **PACK, reason="unused", credits_used="none"),
    "unused_day_8_is_late": case(8, **PACK, reason="unused", credits_used="none"),
    "unused_subscription_creem": case(
        1,
        **SUBSCRIPTION,
        reason="unused",
        credits_used="minimal",
        previous_refund_requests=0,
        payment_provider="creem",
    ),
    "unusable_first_purchase": case(
        4,
        **PACK,
        reason="unusable_result",
        credits_used="some",
        outputs_used=False,
        first_purchase=True,
        previous_refund_requests=0,
    ),
    "unusable_not_first_purchase": case(
        4,
        **PACK,
        reason="unusable_result",
        credits_used="some",
        outputs_used=False,
        first_purchase=False,
        previous_refund_requests=0,
    ),
    "unusable_first_purchase_unsure_unused": case(
        2, **PACK, reason="unusable_result", credits_used="none", first_purchase="unsure"
    ),
    "unusable_first_purchase_unsure_some_use": case(
        3,
        **PACK,
        reason="unusable_result",
        credits_used="some",
        outputs_used=False,
        first_purchase="unsure",
        previous_refund_requests=0,
    ),
    "unusable_first_purchase_unsure_outputs_used": case(
        12,
        **PACK,
        reason="unusable_result",
        credits_used="some",
        outputs_used=True,
        first_purchase="unsure",
        previous_refund_requests=0,
    ),
    "change_of_mind_unused": case(1, **PACK, reason="change_of_mind", credits_used="none"),
    "change_of_mind_few_credits": case(
        2, **PACK, reason="change_of_mind", credits_used="minimal", previous_refund_requests=0
    ),
    "change_of_mind_subscription_used": case(
        20,
        **SUBSCRIPTION,
        reason="change_of_mind",
        credits_used="substantial",
        outputs_used=True,
        previous_refund_requests=0,
    ),
    "change_of_mind_credits_unsure": case(
        3,
        **PACK,
        reason="change_of_mind",
        credits_used="unsure",
        outputs_used=False,
        previous_refund_requests=0,
    ),
    "other_late": case(30, **PACK, reason="other", credits_used="none"),
    "other_everything_unsure": case(
        5,
        **PACK,
        reason="other",
        credits_used="unsure",
        outputs_used="unsure",
        previous_refund_requests=0,
    ),
    "other_some_use_no_clause_applies": case(
        6,
        **PACK,
        reason="other",
        credits_used="some",
        outputs_used=False,
        previous_refund_requests=1,
    ),
    "duplicate_late_with_chargeback": case(
        40,
        **SUBSCRIPTION,
        reason="duplicate_payment",
        credits_used="substantial",
        outputs_used=True,
        previous_refund_requests=0,
        chargeback_filed=True,
    ),
    "duplicate_a_year_later": case(365, **PACK, reason="duplicate_payment", credits_used="none"),
    "technical_failure_chargeback_other_provider": case(
        2,
        **PACK,
        reason="technical_failure",
        credits_used="none",
        chargeback_filed=True,
        payment_provider="other",
    ),
    "technical_failure_unsure_and_late": case(
        9,
        **PACK,
        reason="technical_failure",
        credits_used="unsure",
        outputs_used="unsure",
        previous_refund_requests=5,
    ),
    "failed_job_repeat_requests": case(
        3,
        **PACK,
        reason="failed_job_charged",
        credits_used="some",
        outputs_used=False,
        previous_refund_requests=2,
    ),
    "unused_few_credits_repeat_requests": case(
        2, **PACK, reason="unused", credits_used="minimal", previous_refund_requests=3
    ),
    "unused_substantial_use": case(
        2,
        **PACK,
        reason="unused",
        credits_used="substantial",
        outputs_used=False,
        previous_refund_requests=0,
    ),
    "unused_credits_unsure_late": case(
        10,
        **PACK,
        reason="unused",
        credits_used="unsure",
        outputs_used=False,
        previous_refund_requests=0,
    ),
    "subscription_same_day_creem": case(
        0, **SUBSCRIPTION, reason="other", credits_used="none", payment_provider="creem"
    ),
    "subscription_repeat_requests_chargeback": case(
        1,
        **SUBSCRIPTION,
        reason="other",
        credits_used="minimal",
        previous_refund_requests=2,
        chargeback_filed=True,
        payment_provider="other",
    ),
    # Support-only fact: not asked by the form, but a link from support may carry it.
    "terms_violation_from_a_support_link": case(
        2, **PACK, reason="duplicate_payment", credits_used="none", terms_violation=True
    ),
}

# Through the form, clicking and typing (the request date comes from a link: see the test).
FORM_CASES: dict[str, dict[str, object]] = {
    "form_unused_few_credits": {
        "purchase_date": "2026-06-01",
        "request_date": "2026-06-04",
        "purchase_type": "credit_pack",
        "reason": "unused",
        "credits_used": "minimal",
        "previous_refund_requests": 0,
    },
    "form_subscription_change_of_mind": {
        "purchase_date": "2026-03-10",
        "request_date": "2026-03-30",
        "purchase_type": "subscription",
        "reason": "change_of_mind",
        "credits_used": "some",
        "outputs_used": True,
        "previous_refund_requests": 2,
        "chargeback_filed": True,
        "payment_provider": "other",
    },
    "form_unusable_everything_unsure": {
        "purchase_date": "2026-07-01",
        "request_date": "2026-07-06",
        "purchase_type": "credit_pack",
        "reason": "unusable_result",
        "credits_used": "unsure",
        "outputs_used": "unsure",
        "first_purchase": "unsure",
        "previous_refund_requests": 1,
        "payment_provider": "creem",
    },
}


def test_parity_cases_cover_the_policy() -> None:
    """The cases below reach every verdict, every clause and every kind of missing answer."""
    cases = [*LINK_CASES.values(), *FORM_CASES.values()]
    assert len(cases) >= 25
    results = [check(answers) for answers in cases]
    assert {result["verdict"] for result in results} == {
        "likely_eligible",
        "likely_not_eligible",
        "needs_review",
    }
    assert {clause["id"] for r in results for clause in r["clauses"]} == set(CLAUSE_IDS)
    assert {field for r in results for field in r["missing"]} >= {
        "credits_used",
        "outputs_used",
        "first_purchase",
    }
    for field in ("reason", "credits_used", "payment_provider", "purchase_type"):
        question = next(q for q in QUESTIONS if q.field == field)
        used = {as_text(answers.get(field, question.default)) for answers in cases}
        assert used == {option.value for option in question.options}, field
    assert any(answers.get("chargeback_filed") is True for answers in cases)


@pytest.fixture(scope="module")
def warm(browser: Browser, site_server: SiteServer) -> Iterator[Session]:
    """One page kept open for the tests that need no cold start (parity, links), so the runtime
    loads once for all of them."""
    session = open_session(browser, site_server)
    session.page.goto(site_server.url("/"))
    yield session
    session.context.close()
    assert not session.page_errors, session.page_errors
    assert not session.dialogs, session.dialogs


@pytest.mark.parametrize("name", FORM_CASES)
def test_form_gives_the_same_result_as_the_checker(warm: Session, name: str) -> None:
    page = warm.page
    answers = FORM_CASES[name]
    for field in answers:
        question = next(q for q in QUESTIONS if q.field == field)
        assert field == "request_date" or shown(question, answers), f"{field} is not asked"
    # The request date cannot be typed into the form: a link sets it, so the case is the same
    # on any day. The link has no other answers, so the widget asks for them.
    mark_stale(page)
    page.goto(warm.url("/") + "#check?" + urlencode({"request_date": answers["request_date"]}))
    assert wait_for_outcome(page, LOAD_TIMEOUT_MS) == "errors"
    fill_form(page, answers)
    submit(page)
    assert wait_for_outcome(page) == "result"
    assert page.locator(f"{ROOT} [data-request-date]").input_value() == answers["request_date"]
    assert_same_result(page, answers)
    # The page's address now holds the answers: sharing it gives the same result.
    shared = urlsplit(page.url).fragment.removeprefix("check?")
    assert check(answers_from_query(shared))["verdict"] == expected(answers)[0].verdict


@pytest.mark.parametrize("name", LINK_CASES)
def test_link_gives_the_same_result_as_the_checker(warm: Session, name: str) -> None:
    page = warm.page
    answers = LINK_CASES[name]
    mark_stale(page)
    page.goto(warm.url("/") + "#check?" + query_of(answers))
    assert wait_for_outcome(page, LOAD_TIMEOUT_MS) == "result"
    assert_same_result(page, answers)


# Requests ----------------------------------------------------------------------------------------


def test_nothing_loads_before_the_first_interaction_and_nothing_leaves_the_machine(
    session: Session,
) -> None:
    page = session.page
    page.goto(session.url("/"))
    widget = page.locator(ROOT)
    # A visitor reads and scrolls past the self-check without touching it.
    page.mouse.move(640, 450)
    for _ in range(30):
        box = widget.bounding_box()
        assert box is not None
        if box["y"] < 200:
            break
        page.mouse.wheel(0, 400)
        page.wait_for_timeout(50)
    expect(widget).to_be_in_viewport()
    page.wait_for_timeout(2000)
    paths = runtime_paths(page)
    assert runtime_requests(session, paths) == []
    for folder in (RUNTIME_PATH, paths["runtime"], paths["lockFolder"]):
        assert session.server.requested(folder) == [], folder
    expect(widget).to_have_attribute("data-state", "idle")

    clicked = time.monotonic()
    page.locator("#rc-purchase_date").click()
    session.wait_for_state("ready", LOAD_TIMEOUT_MS)
    record_timing("first interaction (click) to data-state=ready", time.monotonic() - clicked)
    measured = page.evaluate(
        "() => performance.getEntriesByName('refund-check:load').map((e) => e.duration)"
    )
    for duration in measured:
        record_timing("worker start to ready (the widget's own measure)", duration / 1000)
    expect(page.locator(f"{ROOT} [data-status]")).not_to_be_empty()  # announced
    served = {entry.path_only for entry in session.server.log}
    core = {path.removeprefix(paths["runtime"]) for path in served}
    assert core >= RUNTIME_FILES, f"runtime files served: {sorted(served)}"
    assert paths["lock"] in served, "the lock file was not loaded"
    # The standard library tailored to the checker, from the checker's folder (not the stock one).
    assert paths["lockFolder"] + "python_stdlib.zip" in served, sorted(served)
    assert paths["runtime"] + "python_stdlib.zip" not in served
    wheels = [path for path in served if path.endswith(".whl")]
    assert wheels and all(path.startswith(paths["lockFolder"]) for path in wheels), wheels

    # A check, so that whatever the worker fetches while checking is counted too.
    answers = case(2, **PACK, reason="duplicate_payment", credits_used="none")
    mark_stale(page)
    page.goto(session.url("/") + "#check?" + query_of(answers))
    assert wait_for_outcome(page) == "result"
    assert_same_result(page, answers)

    elsewhere = [
        url
        for url in session.request_urls()
        if urlsplit(url).scheme not in ("data", "blob")
        and f"{urlsplit(url).scheme}://{urlsplit(url).netloc}" != session.server.origin
    ]
    assert elsewhere == [], "requests that left 127.0.0.1"
    # The server's own log backs Playwright up (it can miss requests made by workers): everything
    # asked for exists in the built site.
    log = session.server.log
    assert log, "the server saw no requests"
    not_found = [(e.path, e.status) for e in log if session.server.file_for(e.path) is None]
    assert not_found == [], "requests for files the site does not have"
    assert all(e.status in (200, 304) for e in log), [(e.path, e.status) for e in log]
    assert all(e.method == "GET" and e.body_length == 0 for e in log), "something was sent"


# Keyboard ----------------------------------------------------------------------------------------

ACTIVE = """() => {
  const element = document.activeElement;
  if (!element) return {};
  return {id: element.id, name: element.name || '', value: element.value || '',
          type: element.type || '', tag: element.tagName,
          inResult: element.closest('[data-result]') !== null};
}"""


def tab_until(page: Page, matches: Any, limit: int = 60) -> dict[str, Any]:
    """Press Tab until the focused element satisfies ``matches``; fail after ``limit`` presses."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        active = page.evaluate(ACTIVE)
        if matches(active):
            return active
    raise AssertionError(f"Tab never reached the element; focus ended on {page.evaluate(ACTIVE)}")


def test_a_keyboard_user_completes_a_check(session: Session) -> None:
    page = session.page
    page.goto(session.url("/"))
    purchase = date.today() - timedelta(days=2)

    tab_until(page, lambda a: a.get("id") == "rc-purchase_date", limit=120)
    # Chromium's date field in US English: month, day and year, moving on by itself.
    page.keyboard.type(f"{purchase.month:02d}{purchase.day:02d}{purchase.year}")
    assert page.locator("#rc-purchase_date").input_value() == purchase.isoformat()

    active = tab_until(page, lambda a: a.get("name") == "purchase_type")
    assert active["value"] == "subscription"
    page.keyboard.press("ArrowDown")  # arrows move through a radio group and choose
    expect(page.locator('input[name="purchase_type"][value="credit_pack"]')).to_be_checked()

    tab_until(page, lambda a: a.get("name") == "reason")
    page.keyboard.press("Space")
    expect(page.locator('input[name="reason"][value="duplicate_payment"]')).to_be_checked()
    assert_focus_is_visible(page)

    tab_until(page, lambda a: a.get("name") == "credits_used")
    page.keyboard.press("Space")
    expect(page.locator('input[name="credits_used"][value="none"]')).to_be_checked()

    tab_until(page, lambda a: a.get("tag") == "BUTTON" and a.get("type") == "submit")
    mark_stale(page)
    page.keyboard.press("Enter")
    assert wait_for_outcome(page, LOAD_TIMEOUT_MS) == "result"
    assert page.evaluate(ACTIVE)["inResult"], "focus did not move to the result"

    today = page.locator(f"{ROOT} [data-request-date]").input_value()
    assert today in (date.today().isoformat(), (date.today() + timedelta(days=1)).isoformat())
    assert_same_result(
        page,
        {
            "purchase_date": purchase.isoformat(),
            "request_date": today,
            "purchase_type": "credit_pack",
            "reason": "duplicate_payment",
            "credits_used": "none",
        },
    )


def assert_focus_is_visible(page: Page) -> None:
    """The focused control, or the option around it, shows a focus ring a sighted user can see."""
    ring = page.evaluate(
        """() => {
          const shows = (element) => {
            const style = getComputedStyle(element);
            return (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0)
              || style.boxShadow !== 'none';
          };
          const focused = document.activeElement;
          const label = focused.closest('label');
          return shows(focused) || (label !== null && shows(label));
        }"""
    )
    assert ring, "the focused control has no visible focus indicator"


def test_a_check_with_missing_answers_keeps_what_was_entered(session: Session) -> None:
    """GOV.UK pattern: the summary takes focus and links to each field; answers are kept."""
    page = session.page
    page.goto(session.url("/"))
    page.locator('input[name="purchase_type"][value="subscription"]').check()
    page.locator('input[name="credits_used"][value="some"]').check()
    submit(page)
    assert wait_for_outcome(page, LOAD_TIMEOUT_MS) == "errors"
    expect(page.locator(f"{ROOT} [data-error-summary]")).to_be_focused()
    links = [item["href"] for item in error_items(page)]
    assert "#rc-purchase_date" in links and "#rc-reason" in links
    expect(page.locator("#rc-reason-error")).to_be_visible()
    described = page.locator('[data-question="reason"]').get_attribute("aria-describedby") or ""
    assert "rc-reason-error" in described
    expect(page.locator('input[name="purchase_type"][value="subscription"]')).to_be_checked()
    expect(page.locator('input[name="credits_used"][value="some"]')).to_be_checked()


# Links that pre-fill the form --------------------------------------------------------------------

SUPPORT_LINK = {
    "purchase_date": "2026-05-01",
    "purchase_type": "credit_pack",
    "reason": "duplicate_payment",
    "credits_used": "none",
    "request_date": "2026-05-03",
}


def test_a_support_link_fills_in_the_form_and_shows_the_verdict(session: Session) -> None:
    page = session.page
    page.goto(session.url("/") + "#check?" + query_of(SUPPORT_LINK))
    expect(page.locator("#rc-purchase_date")).to_have_value("2026-05-01")
    for field in ("purchase_type", "reason", "credits_used"):
        radio = page.locator(f'input[name="{field}"][value="{SUPPORT_LINK[field]}"]')
        expect(radio).to_be_checked()
    expect(page.locator(f"{ROOT} [data-request-date]")).to_have_value("2026-05-03")
    # No click: the link alone runs the check.
    assert wait_for_outcome(page, LOAD_TIMEOUT_MS) == "result"
    assert_same_result(page, SUPPORT_LINK)
    assert expected(SUPPORT_LINK)[0].verdict == "likely_eligible"


def test_a_link_with_a_wrong_answer_names_the_question(warm: Session) -> None:
    page = warm.page
    link = {**SUPPORT_LINK, "reason": "nonsense"}
    mark_stale(page)
    page.goto(warm.url("/") + "#check?" + query_of(link))
    assert wait_for_outcome(page) == "errors"
    summary = page.locator(f"{ROOT} [data-error-summary]")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()
    want = json.loads(check_query(query_of(link)))["errors"]
    assert [e["field"] for e in want] == ["reason"]
    items = error_items(page)
    assert [item["href"] for item in items] == ["#rc-reason"]
    assert want[0]["message"] in items[0]["text"]
    assert "nonsense" in items[0]["text"]
    expect(page.locator("#rc-reason-error")).to_be_visible()
    expect(page.locator("#rc-reason-error")).to_contain_text(want[0]["message"])
    expect(page.locator(f"{ROOT} [data-result]")).to_be_hidden()
    # The summary's link takes the visitor to the question.
    summary.get_by_role("link").first.click()
    expect(page.locator("#rc-reason")).to_be_focused()


# Hostile answers ---------------------------------------------------------------------------------

BASE = (
    "purchase_date=2026-05-01&request_date=2026-05-03&purchase_type=credit_pack&credits_used=none"
)
INJECTED_IMAGE = "<img src=x onerror=window.__pwned=1>"
HOSTILE_LINKS: dict[str, str] = {
    "line_breaks_and_bcc_in_a_value": BASE + "&reason=duplicate_payment%0D%0ABcc:evil@x",
    "an_extra_cc_parameter": BASE + "&reason=duplicate_payment&cc=evil@x",
    "subject_and_body_parameters": BASE + "&reason=duplicate_payment&subject=x&body=evil@x",
    "encoded_ampersand_in_a_value": BASE + "&reason=duplicate_payment%26cc%3Devil%40x",
    "line_breaks_in_a_key": BASE + "&reason=duplicate_payment&%0D%0ABcc:evil@x=1",
    "an_image_tag_as_the_date": "purchase_date="
    + quote(INJECTED_IMAGE)
    + "&request_date=2026-05-03&purchase_type=credit_pack&reason=duplicate_payment"
    "&credits_used=none",
    "a_script_tag_as_the_reason": BASE + "&reason=" + quote("<script>window.__pwned=1</script>"),
    "an_image_tag_as_the_reason": BASE + "&reason=" + quote(INJECTED_IMAGE),
    "an_svg_onload_as_a_key": BASE + "&reason=other&" + quote("<svg onload=alert(1)>") + "=1",
    "a_very_long_reason": BASE + "&reason=" + "A" * 5000,
    # Valid answers that make the longest email: every question shown, a huge count.
    "every_question_and_a_huge_count": (
        "purchase_date=2026-05-01&request_date=2026-05-03&purchase_type=subscription"
        "&reason=unusable_result&credits_used=unsure&outputs_used=unsure&first_purchase=unsure"
        "&previous_refund_requests=" + "9" * 1500 + "&chargeback_filed=true&payment_provider=other"
    ),
}


def test_hostile_links_never_build_a_dangerous_email_or_run_a_script(warm: Session) -> None:
    session = warm
    page = session.page
    seen = {}
    for name, fragment in HOSTILE_LINKS.items():
        mark_stale(page)
        page.goto(session.url("/") + "#check?" + fragment)
        outcome = wait_for_outcome(page)
        seen[name] = outcome
        want = json.loads(check_query(fragment, today="2026-05-03"))
        if "errors" in want:
            assert outcome == "errors", name
            expect(page.locator(f"{ROOT} [data-result]")).to_be_hidden()
        else:
            assert outcome == "result", name
            _, raw = read_result(page)
            assert raw["mailtos"], f"{name}: no email link"
        hrefs = page.eval_on_selector_all(
            f'{ROOT} a[href^="mailto:"]', "links => links.map(link => link.getAttribute('href'))"
        )
        assert hrefs, name
        for href in hrefs:
            assert_safe_mailto(href)
            assert "evil" not in unquote(href), name
    assert seen["every_question_and_a_huge_count"] == "result"
    # Markup in an answer is shown as text, never made into elements; no script ran.
    mark_stale(page)
    page.goto(session.url("/") + "#check?" + HOSTILE_LINKS["an_image_tag_as_the_reason"])
    assert wait_for_outcome(page) == "errors"
    expect(page.locator(f"{ROOT} [data-error-summary]")).to_contain_text(INJECTED_IMAGE)
    injected = page.locator(f"{ROOT} img, {ROOT} script, {ROOT} svg, {ROOT} iframe")
    expect(injected).to_have_count(0)
    assert page.evaluate("() => typeof window.__pwned") == "undefined"
    assert session.dialogs == []
    assert not [e.path for e in session.server.log if e.path_only == "/x"], "the image loaded"


# Failure and recovery ----------------------------------------------------------------------------


def test_a_runtime_that_cannot_load_offers_a_retry_and_the_email(session: Session) -> None:
    page = session.page
    # Context-wide, so the module worker's fetch of the .wasm is blocked too.
    session.context.route("**/*.wasm", lambda route: route.abort())
    page.goto(session.url("/"))
    clicked = time.monotonic()
    page.locator("#rc-purchase_date").click()
    session.wait_for_state("error", timeout_ms=FAILURE_TIMEOUT_MS)
    record_timing("blocked .wasm: interaction to data-state=error", time.monotonic() - clicked)
    assert wasm_requests(session)[0] >= 1, "the .wasm was never requested"

    fallback = page.locator(f"{ROOT} [data-fallback]")
    expect(fallback).to_be_visible()
    expect(fallback.locator("[data-fallback-message]")).not_to_be_empty()
    retry = fallback.locator("[data-retry]")
    expect(retry).to_be_visible()
    email = fallback.locator('a[href^="mailto:"]')
    expect(email).to_be_visible()
    assert_safe_mailto(email.get_attribute("href") or "")
    # ... and a link to the policy's static summary on this page.
    # (Material's instant navigation makes such links absolute: compare the resolved URLs.)
    targets = page.evaluate(
        """() => [...document.querySelectorAll('[data-refund-check] [data-fallback] a[href]')]
          .map((link) => new URL(link.href))
          .filter((url) => url.origin + url.pathname === location.origin + location.pathname)
          .map((url) => decodeURIComponent(url.hash.slice(1)))
          .filter((id) => id && document.getElementById(id) !== null)"""
    )
    assert targets, "the fallback has no link to the policy's summary"
    expect(page.locator(f"{ROOT} [data-status]")).not_to_be_empty()  # the failure is announced

    # Pyodide leaves its failed fetch of the blocked .wasm as an unhandled rejection in the
    # worker. The widget has handled the failure (the fallback shows), so that one is expected.
    session.page_errors[:] = [error for error in session.page_errors if "pyodide.mjs" not in error]
    session.context.unroute("**/*.wasm")
    retry.click()
    session.wait_for_state("ready", LOAD_TIMEOUT_MS)
    expect(fallback).to_be_hidden()
    answers = {
        "purchase_date": (date.today() - timedelta(days=1)).isoformat(),
        "purchase_type": "credit_pack",
        "reason": "technical_failure",
        "credits_used": "none",
    }
    fill_form(page, answers)
    submit(page)
    assert wait_for_outcome(page) == "result"
    answers["request_date"] = page.locator(f"{ROOT} [data-request-date]").input_value()
    assert_same_result(page, answers)


# Material's instant navigation -------------------------------------------------------------------


def test_coming_back_with_instant_navigation_does_not_load_the_runtime_again(
    session: Session,
) -> None:
    page = session.page
    page.goto(session.url("/"))
    page.locator("#rc-purchase_date").click()
    session.wait_for_state("ready", LOAD_TIMEOUT_MS)
    assert wasm_requests(session) == (1, 1)
    # Survives instant navigation, not a reload: proves the page was never reloaded.
    page.evaluate("() => { window.__samePageSession = true; }")

    sidebar = page.locator(".md-sidebar--primary")
    sidebar.get_by_role("link", name="Policy history", exact=True).click()
    page.wait_for_url("**/history/")
    expect(page.locator(".md-content h1")).to_contain_text("Policy history")
    expect(page.locator(ROOT)).to_have_count(0)

    sidebar.get_by_role("link", name="Refund policy", exact=True).click()
    page.wait_for_url(session.url("/"))
    expect(page.locator(ROOT)).to_have_attribute("data-state", "ready")
    assert page.evaluate("() => window.__samePageSession") is True, "the page was reloaded"
    assert wasm_requests(session) == (1, 1), "the runtime was loaded again"

    answers = {
        "purchase_date": (date.today() - timedelta(days=3)).isoformat(),
        "purchase_type": "subscription",
        "reason": "failed_job_charged",
        "credits_used": "some",
        "outputs_used": False,
        "previous_refund_requests": 0,
    }
    fill_form(page, answers)
    submit(page)
    assert wait_for_outcome(page) == "result"
    answers["request_date"] = page.locator(f"{ROOT} [data-request-date]").input_value()
    assert_same_result(page, answers)
    assert wasm_requests(session) == (1, 1)


def test_a_checker_wheel_that_does_not_match_its_lock_shows_the_error_state(
    session: Session, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Supply chain: a changed wheel must stop the self-check, never give a verdict from it."""
    root = Path(__file__).resolve().parents[2]
    scratch = tmp_path_factory.mktemp("tampered")
    # A valid wheel of the same name with other content: what a tampered or stale copy would be.
    other_policy = edited_policy(scratch, "refund_window_days = 7", "refund_window_days = 700")
    tampered = build_checker_wheel(root / "checker", other_policy, scratch / "cache").read_bytes()
    session.context.route(
        "**/*.whl", lambda route: route.fulfill(body=tampered, content_type="application/zip")
    )
    page = session.page
    page.goto(session.url("/"))
    page.locator("#rc-purchase_date").click()
    session.wait_for_state("error", timeout_ms=FAILURE_TIMEOUT_MS)
    fallback = page.locator(f"{ROOT} [data-fallback]")
    expect(fallback).to_be_visible()
    expect(fallback.locator("[data-retry]")).to_be_visible()
    assert_safe_mailto(fallback.locator('a[href^="mailto:"]').get_attribute("href") or "")
    expect(page.locator(f"{ROOT} [data-result] [data-verdict]")).to_have_count(0)
    # Pyodide reports the refused download inside the worker; the widget handled it.
    session.page_errors[:] = [error for error in session.page_errors if "pyodide" not in error]


def test_from_a_host_that_serves_the_precompressed_files_the_self_check_works(
    browser: Browser, built_site: Path
) -> None:
    """The build's .br/.gz copies, sent as a host with brotli_static/gzip_static sends them."""
    server = SiteServer(
        built_site, header_rules=load_headers_file(built_site), precompressed=True
    ).start()
    try:
        with checked_session(browser, server) as session:
            answers = case(2, **PACK, reason="duplicate_payment", credits_used="none")
            session.page.goto(session.url("/") + "#check?" + query_of(answers))
            assert wait_for_outcome(session.page, LOAD_TIMEOUT_MS) == "result"
            assert_same_result(session.page, answers)
            sent = {entry.path_only: entry for entry in server.log}
    finally:
        server.stop()
    (wasm,) = [entry for path, entry in sent.items() if path.endswith("/pyodide.asm.wasm")]
    # Chromium 156 accepts brotli from 127.0.0.1 (a trustworthy origin); others may take gzip.
    assert wasm.encoding in {"br", "gzip"}
    raw = (built_site / wasm.path_only.lstrip("/")).stat().st_size
    assert wasm.sent_length < 0.4 * raw, (wasm.sent_length, raw)
    assert sent["/"].encoding == wasm.encoding


def test_a_page_cached_from_before_the_tailored_library_still_checks(session: Session) -> None:
    # A browser may hold a page or widget from an older build (their URLs never change), which
    # names no standard library: the worker then starts Pyodide with the runtime folder's own.
    def older_page(route: Any) -> None:
        response = route.fetch()
        html = response.text()
        assert 'data-stdlib="' in html
        older = re.sub(r' data-stdlib="[^"]*"', "", html)
        route.fulfill(response=response, body=older)

    session.page.route(session.url("/"), older_page)
    answers = case(2, **PACK, reason="duplicate_payment", credits_used="none")
    session.page.goto(session.url("/") + "#check?" + query_of(answers))
    assert wait_for_outcome(session.page, LOAD_TIMEOUT_MS) == "result"
    assert_same_result(session.page, answers)
    served = {entry.path_only for entry in session.server.log}
    assert f"{RUNTIME_PATH}314.0.7/python_stdlib.zip" in served, sorted(served)
