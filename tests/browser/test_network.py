"""The self-check on a slow network, made without timing the tests: a server that trickles bytes.

A download that moves is slow, not broken: however long it takes, no error is shown while bytes
arrive, and the progress bar rises. A download that stops (no byte for the stall timeout) is an
error with a "Try again" that works. Meanwhile the decision table answers, and the checker
confirms its answer when it arrives. How fast any of it is on a phone network is the
benchmark's to measure (benchmarks/, "network").
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import date, timedelta
from urllib.parse import urlencode

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.conftest import Session, checked_session, shorten_stall_timeout
from tests.browser.invariant import ROOT, assert_invariant
from tests.browser.server import SiteServer, Trickle, load_headers_file
from tests.browser.visitor import LOAD_TIMEOUT_MS, checks_answered, wait_for_check
from tests.policies import credit_pack_bought

pytestmark = pytest.mark.browser

# Short, so that the tests are quick: the trickled download takes several times as long.
STALL_MS = 2500
LINK = urlencode(credit_pack_bought((date.today() - timedelta(days=3)).isoformat()))

READ_PROGRESS = """() => {
  const root = document.querySelector('[data-policy-check]');
  const block = [...root.querySelectorAll('[data-progress]')].find((b) => !b.hidden);
  return {
    state: root.dataset.state,
    value: block ? block.querySelector('progress').value : null,
    text: block ? block.querySelector('[data-progress-text]').textContent : '',
    said: root.querySelector('[data-live]').textContent,
  };
}"""


@pytest.fixture
def slow_server(site_server: SiteServer) -> Iterator[SiteServer]:
    """The same built site on a server of its own, whose files a test can trickle."""
    with SiteServer(site_server.root) as server:
        server.header_rules = load_headers_file(site_server.root)
        yield server


@pytest.fixture
def slow_session(browser: Browser, slow_server: SiteServer) -> Iterator[Session]:
    with checked_session(browser, slow_server) as session:
        shorten_stall_timeout(session, STALL_MS)
        yield session


def test_a_slow_download_is_never_given_up_and_its_progress_rises(slow_session: Session) -> None:
    session = slow_session
    # The runtime's 9.6 MB at about 2.6 MB/s: half as long again as the stall timeout at least,
    # always moving (a chunk every 50 ms).
    session.server.trickles = [Trickle(".wasm", chunk=128 * 1024, every=0.05)]
    page = session.page
    page.goto(session.url(f"/#check?{LINK}"))
    # The decision table answers the link while the runtime downloads.
    page.locator(f"{ROOT} [data-result] [data-verdict]").wait_for(state="visible")
    first = assert_invariant(page)
    assert first.source == "table" and first.verdict == "likely_eligible"
    expect(page.locator(f'{ROOT} [data-part="provenance"]')).to_contain_text("still loading")

    seen = []
    said: set[str] = set()  # what screen readers heard: now and then, not at every step
    started = time.monotonic()
    while time.monotonic() - started < LOAD_TIMEOUT_MS / 1000:
        now = page.evaluate(READ_PROGRESS)
        assert now["state"] != "error", f"gave up on a download that was moving: {seen[-3:]}"
        if now["state"] == "ready":
            break
        if now["value"] is not None:
            seen.append((now["value"], now["text"]))
            if " of " in now["said"]:  # the download's words, not another announcement
                said.add(now["said"])
        page.wait_for_timeout(250)
    values = [value for value, _ in seen]
    assert len(set(values)) >= 5, f"the bar did not rise: {values}"
    assert values == sorted(values), f"the bar went back: {values}"
    assert any(" of " in text and text.endswith(" MB") for _, text in seen), seen[:3]
    heard = {text for text in said if text}
    assert 1 <= len(heard) <= 3 < len({text for _, text in seen}), (heard, seen[:5])
    # Longer than the stall timeout, without an error: slow is not stalled.
    assert time.monotonic() - started > STALL_MS / 1000
    page.wait_for_function(
        "() => document.querySelector('[data-policy-check] [data-result]').dataset.source"
        " === 'checker'",
        timeout=LOAD_TIMEOUT_MS,
    )
    confirmed = assert_invariant(page)
    assert (confirmed.verdict, confirmed.clauses) == (first.verdict, first.clauses)
    expect(page.locator(f'{ROOT} [data-part="provenance"]')).to_be_hidden()
    expect(page.locator(f"{ROOT} [data-progress]").first).to_be_hidden()


def test_a_download_that_stops_is_an_error_with_a_retry_that_works(slow_session: Session) -> None:
    session = slow_session
    # A megabyte of the runtime, then nothing: a connection that died.
    stop = Trickle(".wasm", chunk=64 * 1024, every=0.02, stop_after=1_000_000)
    session.server.trickles = [stop]
    page = session.page
    page.goto(session.url("/"))
    page.locator("#rc-purchase_date").click()  # the visitor starts: the runtime loads
    session.wait_for_state("error", timeout_ms=LOAD_TIMEOUT_MS)
    fallback = page.locator(f"{ROOT} [data-fallback]")
    expect(fallback).to_be_visible()
    expect(fallback.locator("[data-fallback-message]")).to_contain_text("answers")
    # Nothing spins beside the error.
    expect(page.locator(f"{ROOT} [data-submit]")).to_have_attribute("aria-disabled", "false")
    expect(page.locator(f"{ROOT} [data-progress]").first).to_be_hidden()
    detail = page.locator(ROOT).get_attribute("data-error-detail") or ""
    assert "no byte arrived" in detail, detail

    session.server.trickles = []
    before = checks_answered(page)
    fallback.locator("[data-retry]").click()
    session.wait_for_state("ready", timeout_ms=LOAD_TIMEOUT_MS)
    page.goto(session.url(f"/#check?{LINK}"))
    assert wait_for_check(page, before) == "result"
    assert assert_invariant(page).source == "checker"
