"""An SVG file opened at its own address runs nothing where the host sends the site's _headers
(policy_site/publishing/headers.py, DRAWING_POLICY): the second wall behind the drawing check
(policy_site/pages/drawing.py), for a host that applies headers. Real Chromium, real headers."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser

from policy_site.publishing import headers
from tests.browser.server import HeaderRule, SiteServer, load_headers_file

pytestmark = pytest.mark.browser

# A drawing that slipped past the check (written straight into the built site). It loads a
# script of the site itself, which the pages' policy (script-src 'self') allows; the script
# marks the document if it runs. The square is drawn either way.
HOSTILE = """<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 8 8">
<rect width="8" height="8" fill="#1d3f8f"/>
<script href="/assets/mark.js"/>
</svg>
"""
MARK = 'document.documentElement.setAttribute("data-ran", "yes");\n'


def ran(browser: Browser, site: Path, rules: list[HeaderRule]) -> str | None:
    with SiteServer(site, header_rules=rules) as server:
        context = browser.new_context()
        try:
            page = context.new_page()
            with page.expect_response(lambda response: response.url.endswith("/logo.svg")):
                page.goto(server.url("/assets/images/logo.svg"))
            page.wait_for_load_state("load")
            marked: str | None = page.evaluate("document.documentElement.getAttribute('data-ran')")
            return marked
        finally:
            context.close()


def test_a_drawing_opened_on_its_own_runs_no_script_under_its_policy(
    browser: Browser, tmp_path: Path
) -> None:
    (tmp_path / "assets" / "images").mkdir(parents=True)
    (tmp_path / "assets" / "images" / "logo.svg").write_text(HOSTILE, encoding="utf-8")
    (tmp_path / "assets" / "mark.js").write_text(MARK, encoding="utf-8")
    (tmp_path / "index.html").write_text("<!doctype html><title>x</title>", encoding="utf-8")
    headers.write_headers(tmp_path, [])
    rules = load_headers_file(tmp_path)
    pages_only = [rule for rule in rules if not rule.pattern.endswith(".svg")]
    assert len(pages_only) < len(rules)
    # Without headers (GitHub Pages), and with the pages' policy alone, the script runs.
    assert ran(browser, tmp_path, []) == "yes"
    assert ran(browser, tmp_path, pages_only) == "yes"
    # The drawing's own policy stops it.
    assert ran(browser, tmp_path, rules) is None
