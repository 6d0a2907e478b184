"""Doing what a visitor does with the self-check, and waiting for the checker's answer."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

from playwright.sync_api import Page

from checker import RULEBOOK
from policy_engine.questions import Kind
from tests.browser.invariant import ROOT, read

QUESTIONS_BY_FIELD = RULEBOOK.questions_by_field

# Loading the runtime from cold: about 2 s on an idle 2-core machine, several times that when it
# is busy. The speed itself is the benchmark's to measure.
LOAD_TIMEOUT_MS = 60_000


def checks_answered(page: Page) -> int:
    return int(
        page.evaluate("() => document.querySelector('[data-policy-check]')?.dataset.checks || 0")
    )


def wait_for_check(page: Page, before: int, timeout_ms: int = LOAD_TIMEOUT_MS) -> str:
    """Wait until the checker has answered once more than ``before`` and the page has settled on
    what it shows: "result" or "errors". (The checker's count alone is not enough: its
    confirmation of an earlier answer may be the one that raised it, while the answers just
    submitted are still on their way.)"""
    page.wait_for_function(
        """(before) => {
          const root = document.querySelector('[data-policy-check]');
          if (root.dataset.state === 'error') return true;
          const result = !root.querySelector('[data-result]').hidden;
          const errors = !root.querySelector('[data-error-summary]').hidden;
          const waiting = root.querySelector('[data-submit]').getAttribute('aria-disabled');
          return Number(root.dataset.checks || 0) > before && result !== errors
            && waiting !== 'true';
        }""",
        arg=before,
        timeout=timeout_ms,
    )
    reading = read(page)
    assert reading.result_shown != reading.errors_shown, "a result and errors at once"
    return "result" if reading.result_shown else "errors"


def checked(page: Page, action: Callable[[], object], timeout_ms: int = LOAD_TIMEOUT_MS) -> str:
    """Do ``action`` (which makes the page check) and wait for the checker's answer."""
    before = checks_answered(page)
    action()
    return wait_for_check(page, before, timeout_ms)


def open_link(page: Page, base: str, query: str) -> str:
    """Open a #check? link, as a visitor does who follows it (a new entry in the history)."""
    if page.evaluate("() => location.hash") == f"#check?{query}":
        page.evaluate("() => { location.hash = '#check'; }")  # the same link again
    return checked(page, lambda: page.goto(f"{base}#check?{query}"))


def submit(page: Page) -> str:
    return checked(page, lambda: page.locator(f"{ROOT} [data-submit]").click())


def answer(page: Page, field: str, value: str) -> None:
    """Answer one question as a visitor does: click the option, or type into the field."""
    question = QUESTIONS_BY_FIELD[field]
    if question.kind in (Kind.DATE, Kind.COUNT):
        page.locator(f"#rc-{field}").fill(value)
    else:
        page.locator(f'{ROOT} input[name="{field}"][value="{value}"]').check()


def fill(page: Page, answers: dict[str, str]) -> None:
    for field, value in answers.items():
        answer(page, field, value)


def change(page: Page, question_label: str) -> None:
    """Press "Change" next to an answer in the result's recap."""
    row = page.locator(f"{ROOT} [data-list=recap] > div").filter(has_text=question_label).first
    row.locator("[data-change]").click()


def days_ago(days: int) -> str:
    return (date.today() - timedelta(days=days)).isoformat()
