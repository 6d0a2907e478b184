"""The self-check on the built policy page, in Chromium, with the real Pyodide and checker.

Each test does what a visitor does (opens a link, answers with mouse or keyboard, changes an
answer, goes back, starts again) and after every step holds the invariant of
:mod:`tests.browser.invariant`: what is judged is ``checker.check()`` of the answers the page shows,
plus today, and the address and the email carry exactly those answers.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, precondition, rule, run_state_machine_as_test
from playwright.sync_api import Browser, Page, expect

from checker import RULEBOOK, check_query
from policy_site.shipping.wheel import build_checker_wheel
from tests.browser.conftest import (
    Session,
    checked_session,
    open_session,
    record_timing,
)
from tests.browser.invariant import ROOT, assert_invariant, assert_safe_mailto, read
from tests.browser.server import SiteServer, load_headers_file
from tests.browser.visitor import (
    LOAD_TIMEOUT_MS,
    answer,
    change,
    checked,
    checks_answered,
    days_ago,
    fill,
    open_link,
    submit,
    wait_for_check,
)
from tests.policies import edited_policy

QUESTIONS = RULEBOOK.questions

pytestmark = pytest.mark.browser

FAILURE_TIMEOUT_MS = 30_000
UNUSED_PACK = "purchase_type=credit_pack&reason=unused&credits_used=none"
RUNTIME_PATH = "/assets/pyodide/"
RUNTIME_FILES = {"pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm"}


@pytest.fixture(scope="module")
def warm(browser: Browser, site_server: SiteServer) -> Iterator[Session]:
    """One page kept open for the tests that need no cold start, so the runtime loads once."""
    session = open_session(browser, site_server)
    session.page.goto(site_server.url("/"))
    yield session
    session.context.close()
    assert not session.page_errors, session.page_errors
    assert not session.dialogs, session.dialogs


FRESH = f"purchase_date={days_ago(1)}&purchase_type=credit_pack&reason=unused&credits_used=none"


def fresh(warm: Session) -> Page:
    """The warm page with nothing answered: a link without support's answers, then "Start
    again" (no reload: the runtime stays loaded)."""
    page = warm.page
    assert open_link(page, warm.url("/"), FRESH) == "result"
    page.locator(f"{ROOT} [data-start-again]").click()
    assert read(page).shown == []
    return page


# The untouched form, and pressing the button before the checker has loaded ----------------------


def test_every_question_shown_must_be_answered_and_what_was_entered_stays(warm: Session) -> None:
    page = fresh(warm)
    answer(page, "purchase_type", "subscription")
    answer(page, "credits_used", "some")
    assert submit(page) == "errors"
    expect(page.locator(f"{ROOT} [data-error-summary]")).to_be_focused()
    reading = read(page)
    want = check_query(urlencode(reading.shown), today=reading.today, source="form")
    assert reading.errors == [error["message"] for error in json.loads(want)["errors"]]
    # The questions the answers open must be answered too: nothing is assumed.
    joined = " ".join(reading.errors)
    for words in (
        "downloaded, exported",
        "refunds you have asked",
        "payment dispute",
        "took the payment",
    ):
        assert words in joined
    links = page.locator(f"{ROOT} [data-error-list] a")
    assert "#rc-purchase_date" in [links.nth(i).get_attribute("href") for i in range(links.count())]
    expect(page.locator('input[name="purchase_type"][value="subscription"]')).to_be_checked()
    expect(page.locator('input[name="credits_used"][value="some"]')).to_be_checked()
    links.first.click()
    expect(page.locator("#rc-purchase_date")).to_be_focused()


# The three ways the first version betrayed the customer, as sequences ---------------------------


def test_an_example_then_an_edit_judges_the_date_the_form_shows(warm: Session) -> None:
    page = warm.page
    # "Try these answers in the self-check" under a worked example, on the examples' page.
    page.goto(warm.url("/examples/"))
    example = page.locator(".policy-example a", has_text="Try these answers").first
    href = example.get_attribute("href") or ""
    assert href.startswith("../#check?") and "request_date=" in href
    example.click()
    page.locator(f"{ROOT} [data-result] [data-verdict]").wait_for(
        state="visible", timeout=LOAD_TIMEOUT_MS
    )
    first = assert_invariant(page)
    shown = dict(first.shown)
    assert "request_date" in shown, "the example's request date is not shown in the form"

    # The customer types their own purchase date, seven months ago.
    change(page, "When did you buy it?")
    expect(page.locator(f"{ROOT} [data-request-date]")).to_be_visible()
    answer(page, "purchase_date", days_ago(213))
    outcome = submit(page)
    reading = read(page)
    if outcome == "errors":  # seven months before today may fall after the example's date
        assert any("date of your request" in error for error in reading.errors)
    else:
        assert_invariant(page)

    # "Use today's date instead": the date shown goes, and today is judged.
    if not read(page).errors_shown:
        change(page, "When did you buy it?")
    page.locator(f"{ROOT} [data-use-today]").click()
    expect(page.locator(f"{ROOT} [data-request-date]")).to_be_hidden()
    assert submit(page) == "result"
    reading = assert_invariant(page)
    assert "request_date" not in dict(reading.shown)
    assert reading.timing.startswith("You bought it 213 days ago.")
    assert reading.verdict != "likely_eligible"


SUPPORT_LINK = {
    "purchase_date": days_ago(3),
    "purchase_type": "credit_pack",
    "reason": "duplicate_payment",
    "credits_used": "none",
    "terms_violation": "true",
    "previous_refund_requests": "4",  # a question these answers do not ask: kept, and shown
}


def test_a_support_link_then_a_resubmit_keeps_everything_the_link_brought(warm: Session) -> None:
    page = fresh(warm)
    assert open_link(page, warm.url("/"), urlencode(SUPPORT_LINK)) == "result"
    first = assert_invariant(page)
    assert first.verdict == "needs_review" and "terms-violation" in first.clauses
    assert ("terms_violation", "true") in first.shown
    assert ("previous_refund_requests", "4") in first.shown
    expect(page.locator(f"{ROOT} [data-support]")).to_contain_text(
        "Given in the link you were sent"
    )
    # Defaults the link left out are shown as answers, as the CLI would judge them.
    assert ("chargeback_filed", "false") in first.shown
    assert ("payment_provider", "unsure") in first.shown

    # "Change" any answer, then "Check my answers" without changing anything.
    change(page, "What did you buy?")
    assert submit(page) == "result"
    again = assert_invariant(page)
    assert (again.verdict, again.clauses, again.shown) == (
        first.verdict,
        first.clauses,
        first.shown,
    )
    # The customer cannot take support's answer out: it has no control, no Change link.
    expect(page.locator(f'{ROOT} [name="terms_violation"]')).to_have_count(0)
    recap = page.locator(f"{ROOT} [data-list=recap] > div").filter(
        has_text="Given in the link you were sent"
    )
    expect(recap.locator("[data-change]")).to_have_count(0)


def test_a_link_then_an_edit_then_back_then_submit_judges_what_is_shown(warm: Session) -> None:
    page = fresh(warm)
    first_link = {
        "purchase_date": days_ago(2),
        "purchase_type": "subscription",
        "reason": "unused",
        "credits_used": "none",
    }
    assert open_link(page, warm.url("/"), urlencode(first_link)) == "result"
    assert_invariant(page)
    second_link = {**first_link, "reason": "change_of_mind", "credits_used": "some"}
    assert open_link(page, warm.url("/"), urlencode(second_link)) == "result"
    assert_invariant(page)
    change(page, "How much of what you bought have you used?")
    answer(page, "credits_used", "substantial")
    # Back to the first link: the page shows that link's answers and judges them.
    before = checks_answered(page)
    page.go_back()
    wait_for_check(page, before)
    assert_invariant(page)
    assert dict(read(page).shown)["reason"] == "unused"
    # And a submit from there judges exactly what is shown.
    change(page, "What did you buy?")
    assert submit(page) == "result"
    assert_invariant(page)


# Any sequence of steps ----------------------------------------------------------------------------

CHOICES = {q.field: [o.value for o in q.options] for q in QUESTIONS if q.options}


@st.composite
def links(draw: st.DrawFn) -> str:
    """A #check? link as support, an example or a hand-edited address may make it."""
    answers: dict[str, str] = {"purchase_date": days_ago(draw(st.integers(0, 30)))}
    for field in ("purchase_type", "reason", "credits_used"):
        if draw(st.integers(0, 9)):  # now and then one is missing
            answers[field] = draw(st.sampled_from(CHOICES[field]))
    for field in ("outputs_used", "first_purchase", "chargeback_filed", "payment_provider"):
        if draw(st.booleans()):
            answers[field] = draw(st.sampled_from(CHOICES[field]))
    if draw(st.booleans()):
        answers["previous_refund_requests"] = str(draw(st.integers(0, 4)))
    if draw(st.booleans()):
        answers["terms_violation"] = draw(st.sampled_from(["true", "false"]))
    if draw(st.booleans()):
        answers["request_date"] = days_ago(draw(st.integers(0, 2)))
    if not draw(st.integers(0, 9)):
        answers["reason"] = "nonsense"
    return urlencode(answers)


def run_sequences(warm: Session, examples: int) -> None:
    page = warm.page
    base = warm.url("/")

    def result_shown() -> bool:
        return bool(page.evaluate("() => !document.querySelector('[data-result]').hidden"))

    class Visitor(RuleBasedStateMachine):
        """A visitor doing any of the things a visitor does, in any order."""

        def __init__(self) -> None:
            super().__init__()
            fresh(warm)

        def check_after(self, outcome: str) -> None:
            if outcome == "result":
                assert_invariant(page)

        @rule(query=links())
        def opens_a_link(self, query: str) -> None:
            self.check_after(open_link(page, base, query))

        @precondition(lambda self: not result_shown())
        @rule(data=st.data())
        def answers_a_question(self, data: st.DataObject) -> None:
            fields = page.evaluate(
                """() => [...document.querySelectorAll('[data-form] [data-question]')]
                  .filter((block) => !block.hidden).map((block) => block.dataset.question)"""
            )
            field = data.draw(st.sampled_from(sorted(fields)))
            if field in ("purchase_date", "request_date"):
                answer(page, field, days_ago(data.draw(st.integers(0, 20))))
            elif field == "previous_refund_requests":
                answer(page, field, str(data.draw(st.integers(0, 5))))
            else:
                answer(page, field, data.draw(st.sampled_from(CHOICES[field])))

        @precondition(lambda self: not result_shown())
        @rule()
        def presses_check_my_answers(self) -> None:
            self.check_after(submit(page))

        @precondition(lambda self: result_shown())
        @rule(data=st.data())
        def changes_an_answer(self, data: st.DataObject) -> None:
            questions = [
                question
                for question, _ in read(page).recap
                if question != "Given in the link you were sent"
            ]
            change(page, data.draw(st.sampled_from(questions)))
            expect(page.locator(f"{ROOT} [data-form]")).to_be_visible()

        @precondition(lambda self: result_shown())
        @rule()
        def starts_again(self) -> None:
            support = [pair for pair in read(page).shown if pair[0] == "terms_violation"]
            page.locator(f"{ROOT} [data-start-again]").click()
            reading = read(page)
            assert reading.shown == support, "Start again left answers behind"
            assert reading.checked == 0 and reading.fragment is None

        @precondition(lambda self: page.locator(f"{ROOT} [data-use-today]").is_visible())
        @rule()
        def uses_todays_date(self) -> None:
            page.locator(f"{ROOT} [data-use-today]").click()
            assert "request_date" not in dict(read(page).shown)

    run_state_machine_as_test(
        Visitor,
        settings=settings(
            max_examples=examples,
            stateful_step_count=6,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        ),
    )


def test_any_sequence_of_links_edits_checks_changes_and_restarts_keeps_the_invariant(
    warm: Session,
) -> None:
    run_sequences(warm, examples=8)


# The result ---------------------------------------------------------------------------------------


def test_the_result_leads_with_the_verdict_and_the_email_then_recaps_the_answers(
    warm: Session,
) -> None:
    page = fresh(warm)
    link = {**SUPPORT_LINK, "terms_violation": "false"}
    assert open_link(page, warm.url("/"), urlencode(link)) == "result"
    reading = assert_invariant(page)
    verdict = page.locator(f"{ROOT} [data-result] [data-verdict]")
    email = page.locator(f"{ROOT} [data-slot=mailto]")
    expect(verdict).to_be_in_viewport()
    expect(email).to_be_in_viewport()
    top, below = verdict.bounding_box(), email.bounding_box()
    assert top and below and 0 < below["y"] - top["y"] < 260, "the email is not under the verdict"
    assert reading.timing.startswith("You bought it 3 days ago.")
    # Every answer has a Change link that goes back to its question.
    rows = page.locator(f"{ROOT} [data-list=recap] > div")
    assert rows.count() == len(reading.recap)
    change(page, "Why are you asking for a refund?")
    expect(page.locator(f'{ROOT} input[name="reason"][value="duplicate_payment"]')).to_be_focused()


# Today: the visitor's own date, at the moment of the check --------------------------------------


def test_today_is_the_visitors_own_day_where_they_are_and_after_midnight(
    browser: Browser, site_server: SiteServer
) -> None:
    with checked_session(browser, site_server) as session:
        page = session.page
        devtools = session.context.new_cdp_session(page)
        # One instant, 11:00 UTC on 8 May: already 9 May on Kiritimati (UTC+14), still 8 May on
        # Pago Pago (UTC-11). The visitor's device decides, as it does for every visitor.
        page.clock.set_fixed_time(datetime(2026, 5, 8, 11, 0, tzinfo=UTC))
        query = "purchase_date=2026-05-01&purchase_type=credit_pack&reason=unused&credits_used=none"
        for zone, today in (
            ("Pacific/Kiritimati", "2026-05-09"),
            ("Pacific/Pago_Pago", "2026-05-08"),
        ):
            devtools.send("Emulation.setTimezoneOverride", {"timezoneId": zone})
            assert open_link(page, session.url("/"), query) == "result"
            reading = assert_invariant(page)
            assert reading.today == today, zone
        # A page left open past midnight: the check counts the new day.
        evening = datetime(2026, 5, 8, 23, 59, 30, tzinfo=UTC)
        devtools.send("Emulation.setTimezoneOverride", {"timezoneId": "UTC"})
        page.clock.set_fixed_time(evening)
        change(page, "What did you buy?")
        assert submit(page) == "result"
        before_midnight = assert_invariant(page)
        assert (
            before_midnight.today == "2026-05-08" and before_midnight.verdict == "likely_eligible"
        )
        page.clock.set_fixed_time(evening + timedelta(minutes=1))
        change(page, "What did you buy?")
        assert submit(page) == "result"
        after = assert_invariant(page)
        assert after.today == "2026-05-09"
        assert after.timing.startswith("You bought it 8 days ago.")
        assert "late-request" in after.clauses


# Links that speak the customer's language --------------------------------------------------------


def test_a_broken_link_says_what_is_missing_in_the_customers_words(warm: Session) -> None:
    page = fresh(warm)
    query = f"purchase_date={days_ago(2)}&reason=unused&credits_used=none&coupon=SPRING"
    assert open_link(page, warm.url("/"), query) == "errors"
    errors = read(page).errors
    assert "This link is missing what you bought. Choose it below." in errors
    assert any("coupon" in error and "left out" in error for error in errors)
    for error in errors:
        assert "purchase_type" not in error and "credit_pack" not in error
    link = page.locator(f"{ROOT} [data-error-list] a", has_text="what you bought")
    expect(link).to_have_attribute("href", "#rc-purchase_type")
    # Choosing it and checking again gives a verdict for exactly what is shown.
    answer(page, "purchase_type", "credit_pack")
    assert submit(page) == "result"
    assert_invariant(page)


# Keyboard ----------------------------------------------------------------------------------------

ACTIVE = """() => {
  const element = document.activeElement;
  if (!element) return {};
  return {id: element.id, name: element.name || '', value: element.value || '',
          type: element.type || '', tag: element.tagName,
          inResult: element.closest('[data-result]') !== null};
}"""


def tab_until(page: Page, matches: Any, limit: int = 80) -> dict[str, Any]:
    """Press Tab until the focused element satisfies ``matches``; fail after ``limit`` presses."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        active = page.evaluate(ACTIVE)
        if matches(active):
            return active
    raise AssertionError(f"Tab never reached the element; focus ended on {page.evaluate(ACTIVE)}")


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


def test_a_keyboard_user_completes_a_check(warm: Session) -> None:
    page = fresh(warm)
    page.locator("#check").scroll_into_view_if_needed()
    page.locator(".policy-check__intro").click()
    purchase = date.today() - timedelta(days=2)
    tab_until(page, lambda a: a.get("id") == "rc-purchase_date")
    # Chromium's date field in US English: month, day and year, moving on by itself.
    page.keyboard.type(f"{purchase.month:02d}{purchase.day:02d}{purchase.year}")
    expect(page.locator("#rc-purchase_date")).to_have_value(purchase.isoformat())
    for field, key in (("purchase_type", "Space"), ("reason", "Space"), ("credits_used", "Space")):
        tab_until(page, lambda a, field=field: a.get("name") == field)
        page.keyboard.press(key)
        assert_focus_is_visible(page)
    page.keyboard.press("ArrowDown")  # arrows move through a radio group and choose
    expect(page.locator('input[name="credits_used"][value="minimal"]')).to_be_checked()
    tab_until(page, lambda a: a.get("name") == "previous_refund_requests")
    page.keyboard.type("0")
    for field in ("chargeback_filed", "payment_provider"):
        tab_until(page, lambda a, field=field: a.get("name") == field)
        page.keyboard.press("Space")
    tab_until(page, lambda a: a.get("tag") == "BUTTON" and a.get("type") == "submit")
    assert checked(page, lambda: page.keyboard.press("Enter")) == "result"
    assert page.evaluate(ACTIVE)["inResult"], "focus did not move to the result"
    assert_invariant(page)


# Hostile links -----------------------------------------------------------------------------------

BASE = f"purchase_date={days_ago(2)}&purchase_type=credit_pack&credits_used=none"
INJECTED_IMAGE = "<img src=x onerror=window.__pwned=1>"
HOSTILE_LINKS: dict[str, str] = {
    "line_breaks_and_bcc_in_a_value": BASE + "&reason=duplicate_payment%0D%0ABcc:evil@x",
    "an_extra_cc_parameter": BASE + "&reason=duplicate_payment&cc=evil@x",
    "subject_and_body_parameters": BASE + "&reason=duplicate_payment&subject=x&body=evil@x",
    "encoded_ampersand_in_a_value": BASE + "&reason=duplicate_payment%26cc%3Devil%40x",
    "line_breaks_in_a_key": BASE + "&reason=duplicate_payment&%0D%0ABcc:evil@x=1",
    "an_image_tag_as_the_date": "purchase_date="
    + quote(INJECTED_IMAGE)
    + "&purchase_type=credit_pack&reason=duplicate_payment&credits_used=none",
    "a_script_tag_as_the_reason": BASE + "&reason=" + quote("<script>window.__pwned=1</script>"),
    "an_image_tag_as_the_reason": BASE + "&reason=" + quote(INJECTED_IMAGE),
    "an_svg_onload_as_a_key": BASE + "&reason=other&" + quote("<svg onload=alert(1)>") + "=1",
    "a_very_long_reason": BASE + "&reason=" + "A" * 5000,
    "one_answer_7000_times": BASE + "&reason=unused" * 7000,
    "a_4301_digit_count": BASE + "&reason=unused&previous_refund_requests=" + "9" * 4301,
}


def test_hostile_links_never_build_a_dangerous_email_run_a_script_or_freeze(warm: Session) -> None:
    page = fresh(warm)
    for name, fragment in HOSTILE_LINKS.items():
        started = time.monotonic()
        outcome = open_link(page, warm.url("/"), fragment)
        assert time.monotonic() - started < 20, f"{name}: the page took too long"
        reading = read(page)
        if outcome == "result":
            assert_invariant(page)
        else:
            assert len(reading.errors) == len(set(reading.errors)) <= 6, name
        for href in page.eval_on_selector_all(
            f'{ROOT} a[href^="mailto:"]', "links => links.map(link => link.getAttribute('href'))"
        ):
            assert_safe_mailto(href)
            assert "evil" not in href, name
    assert open_link(page, warm.url("/"), HOSTILE_LINKS["an_image_tag_as_the_reason"]) == "errors"
    # The one script element is the build's decision table, a data block that never runs.
    expect(page.locator(f"{ROOT} script")).to_have_count(1)
    expect(page.locator(f"{ROOT} script[data-decision-table]")).to_have_attribute(
        "type", "application/json"
    )
    injected = page.locator(
        f"{ROOT} img, {ROOT} script:not([data-decision-table]), {ROOT} svg, {ROOT} iframe"
    )
    expect(injected).to_have_count(0)
    assert page.evaluate("() => typeof window.__pwned") == "undefined"
    assert not [e.path for e in warm.server.log if e.path_only == "/x"], "the image loaded"


# Requests -----------------------------------------------------------------------------------------


def runtime_paths(page: Page) -> dict[str, str]:
    return page.evaluate(
        """() => {
          const root = document.querySelector('[data-policy-check]');
          const runtime = new URL(root.dataset.runtime, document.baseURI);
          const lock = new URL(root.dataset.lock, document.baseURI);
          return {runtime: runtime.pathname, lock: lock.pathname,
                  lockFolder: new URL('.', lock).pathname};
        }"""
    )


def wasm_requests(session: Session) -> tuple[int, int]:
    """How often the browser, and the server, saw the runtime's .wasm requested."""
    seen = [url for url in session.request_urls() if url.endswith("/pyodide.asm.wasm")]
    served = [e for e in session.server.log if e.path_only.endswith("/pyodide.asm.wasm")]
    return len(seen), len(served)


READ_BUSY = """() => {
  const root = document.querySelector('[data-policy-check]');
  const button = root.querySelector('[data-submit]');
  const status = root.querySelector('[data-status]');
  return {
    busy: root.getAttribute('aria-busy') === 'true',
    disabled: button.getAttribute('aria-disabled'),
    status: status.textContent,
    result: !root.querySelector('[data-result]').hidden,
    buttonY: button.getBoundingClientRect().y,
    statusY: status.getBoundingClientRect().y,
  };
}"""


def test_the_untouched_form_assumes_nothing_loads_nothing_and_the_button_waits_in_view(
    session: Session,
) -> None:
    page = session.page
    page.goto(session.url("/"))
    widget = page.locator(ROOT)
    # Nothing is answered in advance: no option chosen, no number, no request date shown.
    reading = read(page)
    assert reading.checked == 0, "an option is chosen before the visitor chose it"
    assert reading.shown == [], f"answers shown before any was given: {reading.shown}"
    expect(page.locator(f"{ROOT} [data-request-date]")).to_be_hidden()
    expect(page.locator("#rc-previous_refund_requests")).to_have_value("")
    # A visitor reads and scrolls past the self-check without touching it: nothing loads.
    page.mouse.move(640, 450)
    for _ in range(30):
        box = widget.bounding_box()
        assert box is not None
        if box["y"] < 200:
            break
        page.mouse.wheel(0, 400)
        page.wait_for_timeout(50)
    page.wait_for_timeout(1500)
    paths = runtime_paths(page)
    for folder in (RUNTIME_PATH, paths["runtime"], paths["lockFolder"]):
        assert session.server.requested(folder) == [], folder
    expect(widget).to_have_attribute("data-state", "idle")

    # A visitor answers and presses the button at once: the checker is still loading.
    started = time.monotonic()
    fill(
        page,
        {
            "purchase_date": days_ago(2),
            "purchase_type": "credit_pack",
            "reason": "unusable_result",
            "credits_used": "some",
            "outputs_used": "false",
            "first_purchase": "true",
            "previous_refund_requests": "0",
            "chargeback_filed": "false",
            "payment_provider": "creem",
        },
    )
    before = checks_answered(page)
    button = page.locator(f"{ROOT} [data-submit]")
    button.click()
    # Read in one go, never attribute after attribute (the state may change in between): the
    # quick answer at once, or, while nothing can be read, a button that says it is busy with the
    # status beside it, in view.
    now = page.evaluate(READ_BUSY)
    assert now["result"] or now["busy"], now
    if now["busy"]:
        assert now["disabled"] == "true" and now["status"], now
        expect(page.locator(f"{ROOT} [data-status]")).to_be_in_viewport()
        assert abs(now["statusY"] - now["buttonY"]) < 200, now
    assert wait_for_check(page, before) == "result"
    record_timing("first answer to a verdict, from cold", time.monotonic() - started)
    assert_invariant(page)
    expect(button).to_have_attribute("aria-disabled", "false")

    served = {entry.path_only for entry in session.server.log}
    assert {path.removeprefix(paths["runtime"]) for path in served} >= RUNTIME_FILES, (
        paths,
        sorted(served),
    )
    assert paths["lock"] in served
    assert paths["lockFolder"] + "python_stdlib.zip.gz" in served, sorted(served)
    assert paths["runtime"] + "python_stdlib.zip" not in served
    elsewhere = [
        url
        for url in session.request_urls()
        if urlsplit(url).scheme not in ("data", "blob")
        and f"{urlsplit(url).scheme}://{urlsplit(url).netloc}" != session.server.origin
    ]
    assert elsewhere == [], "requests that left 127.0.0.1"
    log = session.server.log
    assert all(e.method == "GET" and e.body_length == 0 for e in log), "something was sent"
    assert [(e.path, e.status) for e in log if session.server.file_for(e.path) is None] == []


# Failure and recovery ----------------------------------------------------------------------------


def test_a_runtime_that_cannot_load_offers_a_retry_and_the_email(session: Session) -> None:
    page = session.page
    # Context-wide, so the module worker's fetch of the .wasm is blocked too.
    session.context.route("**/*.wasm", lambda route: route.abort())
    page.goto(session.url("/"))
    # A purchase date from before the shop's sales began: the decision table leaves that to the
    # checker, so this visitor has no answer at all without it, and waits.
    answer(page, "purchase_type", "credit_pack")
    answer(page, "purchase_date", "2001-01-01")
    clicked = time.monotonic()
    page.locator(f"{ROOT} [data-submit]").click()
    session.wait_for_state("error", timeout_ms=FAILURE_TIMEOUT_MS)
    record_timing("blocked .wasm: interaction to data-state=error", time.monotonic() - clicked)
    assert wasm_requests(session)[0] >= 1, "the .wasm was never requested"
    fallback = page.locator(f"{ROOT} [data-fallback]")
    expect(fallback).to_be_visible()
    expect(fallback.locator("[data-fallback-message]")).not_to_be_empty()
    expect(fallback.locator("[data-fallback-message]")).to_be_focused()  # the visitor waited
    assert_safe_mailto(fallback.locator('a[href^="mailto:"]').get_attribute("href") or "")
    targets = page.evaluate(
        """() => [...document.querySelectorAll('[data-policy-check] [data-fallback] a[href]')]
          .map((link) => new URL(link.href))
          .filter((url) => url.origin + url.pathname === location.origin + location.pathname)
          .map((url) => decodeURIComponent(url.hash.slice(1)))
          .filter((id) => id && document.getElementById(id) !== null)"""
    )
    assert targets, "the fallback has no link to the policy's summary"
    # Pyodide leaves its failed fetch of the blocked .wasm as an unhandled rejection in the
    # worker. The widget has handled the failure (the fallback shows), so that one is expected.
    session.page_errors[:] = [error for error in session.page_errors if "pyodide.mjs" not in error]
    session.context.unroute("**/*.wasm")
    fallback.locator("[data-retry]").click()
    # The answers waited through the failure: they are checked as soon as the retry succeeds.
    page.wait_for_function(
        "() => document.querySelector('[data-policy-check]').dataset.checks === '1'",
        timeout=LOAD_TIMEOUT_MS,
    )
    expect(fallback).to_be_hidden()
    assert read(page).errors_shown  # the date, and the questions left unanswered
    expect(page.locator(f"{ROOT} [data-error-summary]")).to_be_focused()


def test_a_link_opened_on_the_open_page_asks_the_server_for_nothing(warm: Session) -> None:
    page = fresh(warm)
    first = f"purchase_date={days_ago(3)}&purchase_type=subscription&{UNUSED_PACK[26:]}"
    assert open_link(page, warm.url("/"), first) == "result"
    assert_invariant(page)
    page.wait_for_timeout(300)  # anything the first check set off has finished
    page.evaluate("() => { window.__samePage = true; }")
    seen = len(warm.server.log)
    wasm = wasm_requests(warm)
    # Support's second link, pasted into the address bar of the open page.
    second = f"purchase_date={days_ago(9)}&purchase_type=credit_pack&reason=other&credits_used=some"
    assert open_link(page, warm.url("/"), second) == "result"
    assert_invariant(page)
    assert page.evaluate("() => window.__samePage") is True, "the page was loaded again"
    page.wait_for_timeout(300)
    assert [entry.path for entry in warm.server.log[seen:]] == [], "a request at check time"
    assert wasm_requests(warm) == wasm, "the runtime was loaded again"
    # To another page and back with the browser: the link's answers are judged again.
    page.locator(".md-sidebar--primary").get_by_role("link", name="Policy history").click()
    page.wait_for_url("**/history/")
    assert checked(page, page.go_back) == "result"
    assert_invariant(page)


def test_a_checker_wheel_that_does_not_match_its_lock_shows_the_error_state(
    session: Session, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Supply chain: a changed wheel must stop the self-check, never give a verdict from it."""
    root = Path(__file__).resolve().parents[2]
    scratch = tmp_path_factory.mktemp("tampered")
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
    expect(page.locator(f"{ROOT} [data-result]")).to_be_hidden()
    session.page_errors[:] = [error for error in session.page_errors if "pyodide" not in error]


def test_from_a_host_that_serves_the_precompressed_files_the_self_check_works(
    browser: Browser, site: Path
) -> None:
    """The build's .br/.gz copies, sent as a host with brotli_static/gzip_static sends them."""
    server = SiteServer(site, header_rules=load_headers_file(site), precompressed=True).start()
    try:
        with checked_session(browser, server) as session:
            query = f"purchase_date={days_ago(2)}&{UNUSED_PACK}"
            assert open_link(session.page, session.url("/"), query) == "result"
            assert_invariant(session.page)
            sent = {entry.path_only: entry for entry in server.log}
    finally:
        server.stop()
    (wasm,) = [entry for path, entry in sent.items() if path.endswith("/pyodide.asm.wasm")]
    assert wasm.encoding in {"br", "gzip"}
    raw = (site / wasm.path_only.lstrip("/")).stat().st_size
    assert wasm.sent_length < 0.4 * raw, (wasm.sent_length, raw)
