"""Building the real site, and copies of it that an editor has changed, with the real `mkdocs`."""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import re
import subprocess
import sys
import tomllib
import zipfile
from datetime import date, timedelta
from html.parser import HTMLParser
from pathlib import Path

import brotli

import checker
from checker import RULEBOOK, default_policy
from policy_engine.answers import answers_from_query
from policy_site.shipping.runtime import CORE_SHA256
from tests.checker.support import contract
from tests.site.projects import ROOT, RUNTIME, accept_review, build, copy_project, edit

QUESTIONS = RULEBOOK.questions


class Links(HTMLParser):
    """Every URL a page asks the browser to load or link to."""

    def __init__(self) -> None:
        super().__init__()
        self.loaded: list[str] = []
        self.ids: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("id"):
            self.ids.append(str(values["id"]))
        for name in ("src", "data-runtime", "data-lock", "data-worker"):
            if values.get(name):
                self.loaded.append(str(values[name]))
        # <link rel="canonical"> names the page's public address; it loads nothing.
        if tag == "link" and values.get("href") and values.get("rel") != "canonical":
            self.loaded.append(str(values["href"]))


def parse(page: Path) -> Links:
    links = Links()
    links.feed(page.read_text(encoding="utf-8"))
    return links


def test_the_policy_page_anchors_every_clause_with_a_permalink(site: Path) -> None:
    html = (site / "index.html").read_text(encoding="utf-8")
    ids = parse(site / "index.html").ids
    for clause_id in RULEBOOK.clause_ids:
        assert ids.count(clause_id) == 1, clause_id
        assert f'<a class="headerlink" href="#{clause_id}"' in html


def test_the_policy_page_shows_the_parameters_and_the_support_address(site: Path) -> None:
    policy = default_policy()
    text = (site / "index.html").read_text(encoding="utf-8")
    assert f"Last updated: {policy.last_updated}" in text
    assert f"within {policy.refund_window_days} days of purchase" in text
    assert f"{policy.creem_settlement_days_min}–{policy.creem_settlement_days_max} days" in text
    assert f'href="mailto:{policy.support_email}"' in text
    assert "{{" not in text and "{clause" not in text


def test_every_section_of_the_published_policy_is_on_the_page(site: Path) -> None:
    text = (site / "index.html").read_text(encoding="utf-8")
    for heading in (
        "Overview",
        "When to Contact Us",
        "Usually Eligible",
        "Usually Not Eligible",
        "Subscription Refunds",
        "One-time Credit Pack Refunds",
        "Processing Time",
        "Alternatives to Refunds",
        "Chargebacks",
        "Contact",
    ):
        assert re.search(rf"<h2 id=\"[^\"]+\">{re.escape(heading)}<", text), heading
    # The policy first, in the published order; the self-check and the summary after it.
    order = [text.index(f">{heading}<") for heading in ("Overview", "Usually Eligible", "Contact")]
    assert order == sorted(order)
    assert order[-1] < text.index('id="check"') < text.index('id="decision-summary"')
    assert "© 2026 ImgToSTL. All rights reserved." in text
    assert "Next-generation" not in text, "the footer is the company's, not a tagline"


def test_the_examples_show_the_checkers_verdicts(site: Path) -> None:
    text = (site / "examples" / "index.html").read_text(encoding="utf-8")
    examples = re.findall(
        r'<div class="admonition example policy-example" data-role="\w+" data-verdict="(\w+)">.*?'
        r'href="\.\./#check\?([^"]+)"',
        text,
        flags=re.DOTALL,
    )
    assert len(examples) >= 8
    for verdict, query in examples:
        answers = answers_from_query(query.replace("&amp;", "&"), QUESTIONS)
        assert contract(answers)["verdict"] == verdict, query


def test_the_static_summary_and_the_widget_are_on_the_policy_page(site: Path) -> None:
    text = (site / "index.html").read_text(encoding="utf-8")
    assert 'id="decision-summary"' in text
    assert text.count('data-verdict="likely_eligible"') > 8
    assert re.search(r'<section [^>]*data-policy-check=""[^>]*data-state="idle"', text)
    fallback = text.split("data-fallback hidden>")[1].split("</div>")[0]
    assert re.search(r'<a href="mailto:[^"]+" data-fallback-email>', fallback)


def test_the_site_has_its_pages_a_sitemap_and_a_404_page_and_no_search(site: Path) -> None:
    assert "Policy history" in (site / "history" / "index.html").read_text(encoding="utf-8")
    assert "Worked examples" in (site / "examples" / "index.html").read_text(encoding="utf-8")
    assert (site / "404.html").exists()
    assert "<loc>" in (site / "sitemap.xml").read_text(encoding="utf-8")
    # Three short pages need no search: no index, no worker, no search box.
    assert not (site / "search").exists()
    assert "md-search" not in (site / "index.html").read_text(encoding="utf-8")
    # Nor Material's script bundle, which the pages do not load: only the theme's small script.
    shipped = sorted(p.name for p in (site / "assets" / "javascripts").iterdir())
    assert shipped == ["theme.js", "theme.js.br", "theme.js.gz"]
    assert "bundle." not in (site / "index.html").read_text(encoding="utf-8")


def test_no_page_loads_anything_from_another_origin(site: Path) -> None:
    pages = list(site.rglob("*.html"))
    assert len(pages) >= 3
    for page in pages:
        for url in parse(page).loaded:
            assert not re.match(r"^(https?:)?//", url), f"{page}: {url}"
    for stylesheet in site.rglob("*.css"):
        assert not re.search(
            r"url\((['\"])?(https?:)?//", stylesheet.read_text(encoding="utf-8")
        ), stylesheet


def shipped_checker(site: Path) -> Path:
    """The folder with the checker's wheel and lock, as the policy page points to it."""
    html = (site / "index.html").read_text(encoding="utf-8")
    lock = re.search(r'data-lock="([^"]+)"', html)
    assert lock is not None
    return (site / lock.group(1)).parent


def shipped_files(folder: Path) -> list[str]:
    """The files of ``folder``, without the build's precompressed copies (name.br, name.gz)."""
    return sorted(
        path.name
        for path in folder.iterdir()
        if not (path.suffix in {".br", ".gz"} and path.with_suffix("").is_file())
    )


def test_the_runtime_ships_with_only_the_checkers_wheel_in_its_lock(site: Path) -> None:
    # Only what the page loads: no stock standard library, no fallbacks for older pages.
    assert shipped_files(site / RUNTIME) == sorted(
        ["pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm"]
    )
    shipped = shipped_checker(site)
    wheels = sorted(path.name for path in shipped.glob("*.whl"))
    assert len(wheels) == 1
    # Beside the checker: the standard library it runs with (tailored to it, see test_stdlib.py,
    # gzipped as a whole), and the page's decision table (test_table_js.py).
    assert shipped_files(shipped) == sorted(
        ["decisions.json", "pyodide-lock.json", wheels[0], "python_stdlib.zip.gz"]
    )
    lock = json.loads((shipped / "pyodide-lock.json").read_text())
    assert len(lock["packages"]) == 1
    (entry,) = lock["packages"].values()
    assert entry["file_name"] == wheels[0]
    assert entry["sha256"] == hashlib.sha256((shipped / wheels[0]).read_bytes()).hexdigest()
    names = zipfile.ZipFile(shipped / wheels[0]).namelist()
    assert "checker/__init__.py" in names and "checker/policy.toml" in names
    assert not any(name.startswith(("policy_site", "policy_review")) for name in names)


def test_a_new_window_is_a_new_version_and_ships_beside_the_old_one(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    policy = project / "checker" / "policy.toml"
    # Changed in place, the version in force is refused: customers agreed to it.
    edit(policy, "refund_window_days = 7", "refund_window_days = 14")
    refused = build(project)
    assert refused.returncode != 0
    assert "the version of 1 May 2026 has taken effect, so it is frozen" in refused.stderr
    assert "./run new-version YYYY-MM-DD" in refused.stderr
    edit(policy, "refund_window_days = 14", "refund_window_days = 7")
    # As a new version, it builds once its review is accepted.
    tomorrow = date.today() + timedelta(days=1)
    added = subprocess.run(
        [
            sys.executable,
            "-m",
            "policy_site.pages.versions",
            tomorrow.isoformat(),
            "--changes",
            "14 days.",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=project,
        check=False,
    )
    assert added.returncode == 0, added.stdout + added.stderr
    policy.write_text(policy.read_text("utf-8") + "refund_window_days = 14\n", "utf-8")
    refused = build(project)
    assert "the change review (checker/ledger.txt) is out of date" in refused.stderr
    assert "Run `./run review`" in refused.stderr
    accepted = accept_review(project)
    assert accepted.returncode == 0, accepted.stdout + accepted.stderr
    assert "refund_window_days: 7 → 14" in accepted.stdout
    result = build(project, POLICY_SITE_TODAY=tomorrow.isoformat())
    assert result.returncode == 0, result.stderr
    text = (project / "site" / "index.html").read_text(encoding="utf-8")
    assert "within 14 days of purchase" in text
    assert "more than 14 days after purchase" in text
    (wheel,) = shipped_checker(project / "site").glob("*.whl")
    shipped = tomllib.loads(zipfile.ZipFile(wheel).read("checker/policy.toml").decode())
    assert [v.get("refund_window_days") for v in shipped["versions"]] == [7, 14]


def test_the_workers_warm_up_check_takes_the_path_of_a_real_answer() -> None:
    # The worker runs one check before it says "ready" so that the visitor's first is quick; it
    # only warms what a visitor's check uses if its answers still give a verdict. The loader
    # (load-checker.mjs, which the worker and the build's run under Node share) calls the
    # policy's own warm_up().
    worker = (
        ROOT / "policy_site" / "shipping" / "assets" / "policy-check" / "load-checker.mjs"
    ).read_text("utf-8")
    assert "checker.warm_up();" in worker
    result = json.loads(checker.warm_up())
    assert result.get("verdict") in ("likely_eligible", "likely_not_eligible", "needs_review")
    assert result["clauses"], "the warm-up's answers cite no clause: it skips the reasons' path"
    assert result["email"]["mailto"].startswith("mailto:")


def test_with_fast_start_off_the_site_ships_pyodides_stock_standard_library(
    tmp_path: Path,
) -> None:
    project = copy_project(tmp_path)
    edit(
        project / "mkdocs.yml",
        "          page: index.md\n",
        "          page: index.md\n      fast_start: false\n",
    )
    result = build(project)
    assert result.returncode == 0, result.stderr
    shipped = shipped_checker(project / "site") / "python_stdlib.zip"
    assert hashlib.sha256(shipped.read_bytes()).hexdigest() == CORE_SHA256["python_stdlib.zip"]
    html = (project / "site" / "index.html").read_text(encoding="utf-8")
    assert 'data-stdlib="assets/policy-check/checker-' in html


def test_the_default_build_ships_the_tailored_standard_library(site: Path) -> None:
    shipped = shipped_checker(site) / "python_stdlib.zip.gz"
    library = zipfile.ZipFile(io.BytesIO(gzip.decompress(shipped.read_bytes())))
    names = library.namelist()
    assert names and all(name.endswith(".pyc") for name in names)
    # Stored, so that one compressor sees the whole library: smaller than deflating each module.
    assert {info.compress_type for info in library.infolist()} == {zipfile.ZIP_STORED}
    assert shipped.stat().st_size < 1_300_000
    html = (site / "index.html").read_text(encoding="utf-8")
    stdlib = re.search(r'data-stdlib="([^"]+)"', html)
    assert stdlib is not None and (site / stdlib.group(1)).resolve() == shipped.resolve()


def test_every_compressible_file_has_brotli_and_gzip_copies_with_the_same_content(
    site: Path,
) -> None:
    compressible = [
        file
        for file in site.rglob("*")
        if file.is_file()
        and file.suffix in {".html", ".css", ".js", ".mjs", ".json", ".wasm", ".xml"}
        and file.stat().st_size >= 1024
    ]
    assert any(file.name == "pyodide.asm.wasm" for file in compressible)
    assert any(file.name == "index.html" for file in compressible)
    for file in compressible:
        data = file.read_bytes()
        packed_br = file.with_name(file.name + ".br").read_bytes()
        packed_gz = file.with_name(file.name + ".gz").read_bytes()
        assert brotli.decompress(packed_br) == data, file
        assert gzip.decompress(packed_gz) == data, file
    wasm = next(file for file in compressible if file.name == "pyodide.asm.wasm")
    assert file_size(wasm, ".br") < 0.3 * wasm.stat().st_size
    # Compressed already: no copies.
    for name in ("*.whl", "*.zip", "*.png"):
        for file in site.rglob(name):
            assert not file.with_name(file.name + ".br").exists(), file


def file_size(file: Path, suffix: str) -> int:
    return file.with_name(file.name + suffix).stat().st_size


def test_the_page_preloads_every_module_the_self_check_imports(site: Path) -> None:
    """On a phone network each wave of imports costs a round trip: the page's head names every
    module widget.js needs, so they download together (and nothing it does not need)."""
    widget = ROOT / "policy_site" / "shipping" / "assets" / "policy-check"
    needed: set[str] = set()
    waiting = ["widget.js"]
    while waiting:
        source = (widget / waiting.pop()).read_text(encoding="utf-8")
        for name in re.findall(r'^import [^;]*? from "\./([\w.-]+)";', source, re.M | re.S):
            if name not in needed:
                needed.add(name)
                waiting.append(name)
    html = (site / "index.html").read_text(encoding="utf-8")
    preloaded = re.findall(r'<link rel="modulepreload" href="[^"]*/([\w.-]+)">', html)
    assert sorted(preloaded) == sorted(needed) and len(preloaded) == len(set(preloaded))


class _Anchors(HTMLParser):
    """The <a> elements of a page outside <template> (a template's content is not the page's)."""

    def __init__(self) -> None:
        super().__init__()
        self.inside_template = 0
        self.without_href: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "template":
            self.inside_template += 1
        elif tag == "a" and not self.inside_template and not dict(attrs).get("href"):
            self.without_href.append(str(attrs))

    def handle_endtag(self, tag: str) -> None:
        if tag == "template":
            self.inside_template -= 1


def test_every_link_on_every_page_goes_somewhere(site: Path) -> None:
    """Search engines and some assistive tools take an <a> without href for a broken link
    (Lighthouse: "Links are not crawlable"): the pages have none."""
    for page in sorted(site.rglob("*.html")):
        anchors = _Anchors()
        anchors.feed(page.read_text(encoding="utf-8"))
        assert anchors.without_href == [], page.relative_to(site)
