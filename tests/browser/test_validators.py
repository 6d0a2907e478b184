"""Validators nobody here wrote, on every built page: the Nu Html Checker, HTML_CodeSniffer
(WCAG2AA) and axe-core (WCAG A/AA and best practices). Each must report nothing.

The two validators come pinned from tests/validators/package-lock.json (``./run test`` installs
them with ``npm ci``, and Java for the Nu Html Checker); axe-core comes with axe-playwright-python.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser

from tests.browser.conftest import VIEWPORT
from tests.browser.server import SiteServer

pytestmark = pytest.mark.browser

VALIDATORS = Path(__file__).resolve().parents[1] / "validators" / "node_modules"
VNU = VALIDATORS / "vnu-jar" / "build" / "dist" / "vnu.jar"
HTMLCS = VALIDATORS / "html_codesniffer" / "build" / "HTMLCS.js"
AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa", "best-practice"],
    },
    "resultTypes": ["violations"],
}

RUN_HTMLCS = """() => new Promise((resolve) => {
  HTMLCS.process('WCAG2AA', document, () => {
    resolve(HTMLCS.getMessages()
      .filter((message) => message.type === HTMLCS.ERROR)
      .map((message) => `${message.code}: ${message.msg} at ${
        (message.element.outerHTML || String(message.element)).slice(0, 160)}`));
  });
})"""


def pages(site: Path) -> list[str]:
    """Every page of the built site, as its path on the server."""
    found = sorted(site.rglob("index.html"))
    paths = ["/" + str(page.parent.relative_to(site)).removeprefix(".") for page in found]
    return [path if path.endswith("/") else path + "/" for path in paths]


def test_the_site_has_the_pages_a_reader_expects(site: Path) -> None:
    assert {"/", "/examples/", "/history/"} <= set(pages(site))


def test_the_nu_html_checker_finds_no_error_on_any_page(site: Path) -> None:
    java = shutil.which("java")
    assert java, "the Nu Html Checker needs Java: ./run test installs it (default-jre-headless)"
    assert VNU.is_file(), f"{VNU} is missing: ./run test installs it (npm ci in tests/validators)"
    html = sorted(str(page) for page in site.rglob("*.html"))
    done = subprocess.run(
        [java, "-jar", str(VNU), "--errors-only", "--format", "json", *html],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    messages = json.loads(done.stderr or done.stdout or '{"messages": []}')["messages"]
    errors = [
        f"{m.get('url', '').rsplit('/site/', 1)[-1]}:{m.get('lastLine')}: {m.get('message')}"
        for m in messages
        if m.get("type") == "error"
    ]
    assert errors == [], "\n".join(errors)
    assert done.returncode == 0, done.stdout + done.stderr


def test_html_codesniffer_and_axe_find_nothing_on_any_page(
    browser: Browser, site_server: SiteServer, site: Path
) -> None:
    # The validators' scripts are added to the page, so its Content-Security-Policy is bypassed
    # for them (the page's own scripts run as they always do).
    context = browser.new_context(viewport=VIEWPORT, bypass_csp=True)
    page = context.new_page()
    axe = Axe()
    problems: list[str] = []
    try:
        for path in pages(site):
            page.goto(site_server.url(path))
            page.wait_for_load_state("load")
            page.add_script_tag(path=str(HTMLCS))
            problems += [f"{path} HTMLCS {line}" for line in page.evaluate(RUN_HTMLCS)]
            results = axe.run(page, options=AXE_OPTIONS).response
            problems += [
                f"{path} axe {v['id']}: {node['html'][:160]}"
                for v in results["violations"]
                for node in v["nodes"]
            ]
    finally:
        context.close()
    assert problems == [], "\n".join(problems)
