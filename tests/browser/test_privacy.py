"""Privacy: a visitor's answers stay in their browser tab, and the site talks to no one else.

Distinctive "canary" answers go in through a support link (``#check?``) and through the form, a
full check runs on the real runtime, and then every place an answer could escape to is searched:
each request the browser context made (URL, headers, body), the test server's own access log (it
also sees requests Playwright can miss from workers), cookies, localStorage, sessionStorage,
IndexedDB and the Cache API. Once the runtime has loaded, a further check makes no request at all.

How we checked that these tests can fail: each was run against a leaky widget.js, served in place
of the real one through a route, that on each check also sent the answers to the server in a GET
query, in a POST body, or kept them in sessionStorage or in an IndexedDB database: the first test
failed on each of the four leaks, the second on the GET that a further check made.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date
from typing import Any
from urllib.parse import unquote, unquote_plus, urlencode, urlsplit

import pytest
from playwright.sync_api import Page, Request, expect

from checker import check_query
from tests.browser.conftest import Session
from tests.browser.invariant import ROOT, assert_invariant, read
from tests.browser.server import LoggedRequest
from tests.browser.visitor import fill, open_link, submit

pytestmark = pytest.mark.browser

# Answers no file name, header or hash of the site can contain by chance: dates (a hash has no
# dashes), and a word of their own.
PURCHASE_CANARY = "2025-03-17"
UNKNOWN_CANARY = "canary_zq7x"  # a key the checker does not know, and its value
SECOND_PURCHASE_CANARY = "2024-11-29"
CANARIES = (PURCHASE_CANARY, UNKNOWN_CANARY, SECOND_PURCHASE_CANARY)

# A support link carrying canaries, with a hostile key the form has no field for.
LINK_ANSWERS = {
    "purchase_date": PURCHASE_CANARY,
    "purchase_type": "credit_pack",
    "reason": "technical_failure",
    "credits_used": "some",
    "outputs_used": "false",
    "previous_refund_requests": "3",
    UNKNOWN_CANARY: UNKNOWN_CANARY,
}
# The same canary typed into the form, with an answer to every question the form shows.
FORM_ANSWERS: dict[str, str] = {
    **{key: value for key, value in LINK_ANSWERS.items() if key != UNKNOWN_CANARY},
    "chargeback_filed": "false",
    "payment_provider": "creem",
}

# Everything the page's origin stores, as text: cookies, both Web Storages, every IndexedDB
# database (all records of all stores) and the Cache API (the cached request URLs).
READ_STORAGE = """async () => {
  const storage = (area) => Object.fromEntries(
    Array.from({length: area.length}, (_, index) => area.key(index))
      .map((key) => [key, area.getItem(key)]));
  const request = (idbRequest) => new Promise((resolve, reject) => {
    idbRequest.onsuccess = () => resolve(idbRequest.result);
    idbRequest.onerror = () => reject(idbRequest.error);
  });
  const text = (value) => {
    try {
      return JSON.stringify(value, (key, item) =>
        item instanceof ArrayBuffer || ArrayBuffer.isView(item)
          ? new TextDecoder().decode(item) : item);
    } catch {
      return String(value);
    }
  };
  const databases = [];
  for (const info of await indexedDB.databases()) {
    const db = await request(indexedDB.open(info.name));
    const stores = {};
    for (const name of db.objectStoreNames) {
      const store = db.transaction(name, "readonly").objectStore(name);
      stores[name] = text([await request(store.getAllKeys()), await request(store.getAll())]);
    }
    db.close();
    databases.push({name: info.name, stores});
  }
  const caches = [];
  if (typeof self.caches === "object") {
    for (const name of await self.caches.keys()) {
      const cache = await self.caches.open(name);
      caches.push({name, urls: (await cache.keys()).map((entry) => entry.url)});
    }
  }
  return {
    cookie: document.cookie,
    localStorage: storage(localStorage),
    sessionStorage: storage(sessionStorage),
    indexedDB: databases,
    caches,
  };
}"""


def leaked(texts: Iterable[str], canaries: Iterable[str] = CANARIES) -> list[str]:
    """The texts that hold a canary, as sent or percent-decoded (either way it left the tab)."""
    found = []
    for text in texts:
        forms = {text, unquote(text), unquote_plus(text)}
        if any(canary in form for canary in canaries for form in forms):
            found.append(text[:200])
    return found


def sent_over_the_wire(url: str) -> str:
    # The fragment (where the answers live) is never part of an HTTP request; Playwright may still
    # report it in a navigation's URL.
    return urlsplit(url)._replace(fragment="").geturl()


def browser_side_texts(session: Session) -> list[str]:
    """What the browser context sent: each request's URL (without fragment), headers and body."""
    texts: list[str] = []
    for request in session.requests:
        texts.append(sent_over_the_wire(request.url))
        texts.extend(f"{name}: {value}" for name, value in request.headers.items())
        body = request.post_data_buffer
        if body:
            texts.append(body.decode("utf-8", errors="replace"))
    return texts


def server_side_texts(session: Session) -> list[str]:
    """What the server received: each request's method and path, headers and body."""
    texts: list[str] = []
    for entry in session.server.log:
        texts.append(f"{entry.method} {entry.path}")
        texts.extend(f"{name}: {value}" for name, value in entry.headers.items())
        if entry.body:
            texts.append(entry.body.decode("utf-8", errors="replace"))
    return texts


def page_icons(page: Page) -> set[str]:
    """The paths of the page's icons (its favicon)."""
    hrefs = page.evaluate(
        "() => [...document.querySelectorAll('link[rel~=icon]')].map(l => l.href)"
    )
    return {urlsplit(href).path for href in hrefs}


def not_icons(requests: Iterable[Request | LoggedRequest], icons: set[str]) -> list[Any]:
    """``requests`` without those for the page's icon.

    Chromium asks for the page's icon again whenever the address changes, also when the widget
    writes the answers into the fragment (``history.replaceState``): that request is the
    browser's, not the check's, and holds no answer (the canary searches still cover it). The
    site's ``_headers`` let the browser cache the icon, so it does not reach the server again.
    """
    kept = []
    for request in requests:
        path = (
            request.path_only if isinstance(request, LoggedRequest) else urlsplit(request.url).path
        )
        if path not in icons:
            kept.append(request)
    return kept


def test_canary_answers_never_leave_the_browser_tab_and_later_checks_ask_for_nothing(
    session: Session,
) -> None:
    page = session.page
    # A support link with canaries, opened from cold: it loads the runtime and runs the check.
    assert open_link(page, session.url("/"), urlencode(LINK_ANSWERS)) == "errors"
    want = json.loads(check_query(urlencode(LINK_ANSWERS), today=date.today().isoformat()))
    assert [error["field"] for error in want["errors"]] == ["answers"]
    assert any(UNKNOWN_CANARY in error for error in read(page).errors), "not checked"

    # The same canary through the form: a full check with a verdict.
    fill(page, FORM_ANSWERS)
    assert submit(page) == "result"
    assert_invariant(page)
    # The answers are kept where the visitor can share them: in the page's own address only.
    assert PURCHASE_CANARY in unquote(urlsplit(page.url).fragment)

    assert session.requests, "the browser made no requests: nothing was watched"
    assert session.server.log, "the server saw no requests: nothing was watched"
    assert leaked(browser_side_texts(session)) == [], "canaries in requests the browser made"
    assert leaked(server_side_texts(session)) == [], "canaries in the server's access log"
    elsewhere = [
        request.url
        for request in session.requests
        if urlsplit(request.url).scheme not in ("data", "blob")
        and f"{urlsplit(request.url).scheme}://{urlsplit(request.url).netloc}"
        != session.server.origin
    ]
    assert elsewhere == [], "requests to another origin"
    assert all(entry.method in ("GET", "HEAD") for entry in session.server.log), "an upload"

    cookies = session.context.cookies()
    assert leaked(f"{c['name']}={c['value']}" for c in cookies) == [], "canaries in cookies"
    stored = page.evaluate(READ_STORAGE)
    for area in ("cookie", "localStorage", "sessionStorage", "indexedDB", "caches"):
        assert leaked([json.dumps(stored[area])]) == [], f"canaries in {area}: {stored[area]}"

    # Once loaded, a further check makes no request at all, not even for the icon (cached): the
    # server cannot tell a check happened.
    page.wait_for_timeout(1000)  # anything the first load set off (search's index) finishes
    icons = page_icons(page)
    before = (len(not_icons(session.requests, icons)), len(session.server.log))
    page.locator(f"{ROOT} [data-list=recap] [data-change]").first.click()
    page.locator("#rc-purchase_date").fill(SECOND_PURCHASE_CANARY)
    assert submit(page) == "result"
    assert_invariant(page)
    expect(page.locator(ROOT)).to_have_attribute("data-state", "ready")
    # A late request (a beacon sent after the result is shown) would arrive within this time.
    page.wait_for_timeout(1000)
    after = (len(not_icons(session.requests, icons)), len(session.server.log))
    new_requests = [request.url for request in not_icons(session.requests, icons)[before[0] :]]
    assert after == before, f"requests made by a second check: {new_requests}"
    assert leaked(browser_side_texts(session)) == []
    assert leaked(server_side_texts(session)) == []
