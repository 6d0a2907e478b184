"""The built site's security headers: the `_headers` file and each page's meta policy.

The hashes are recomputed here from the built pages, independently of
policy_site/publishing/headers.py, so
a page whose inline script the policy does not name fails the test before it fails in a browser.
"""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path

import material
import pytest

from policy_site.publishing import headers
from policy_site.shipping import RUNTIME_FILES
from tests.browser.server import headers_for, parse_headers_file
from tests.site.projects import RUNTIME

# The theme's templates (MkDocs Material's, as installed): their inline scripts alone may run.
THEME = [Path(material.__file__).parent / "templates"]
THEME_PARTIALS = THEME[0] / "partials" / "javascripts"
# What follows the base URL in Material's storage helpers, word for word.
SCOPE_REST = (THEME_PARTIALS / "base.html").read_text(encoding="utf-8").split('",location),')[1]
SCOPE_REST = SCOPE_REST[: SCOPE_REST.index("</script>")]
# Every inline <script> (no src) of a page, its attributes and its text.
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)([^>]*)>(.*?)</script>", re.S)
META_POLICY = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">')


def header_value(site: Path, path: str, name: str) -> str:
    rules = parse_headers_file((site / "_headers").read_text(encoding="utf-8"))
    sent = {key.lower(): value for key, value in headers_for(path, rules).items()}
    return sent.get(name.lower(), "")


def directives(policy: str) -> dict[str, list[str]]:
    parsed: dict[str, list[str]] = {}
    for part in policy.split(";"):
        name, *sources = part.split()
        assert name not in parsed, f"{name} appears twice in {policy!r}"
        parsed[name] = sources
    return parsed


def sha256_source(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


def pages(site: Path) -> list[Path]:
    found = sorted(site.rglob("*.html"))
    assert len(found) >= 3, found  # the policy, its history and the 404 page
    return found


def test_every_page_gets_a_policy_without_unsafe_inline_or_eval(site: Path) -> None:
    for path in ("/", "/history/", "/assets/policy-check/worker.js", "/404.html"):
        policy = header_value(site, path, "Content-Security-Policy")
        sources = [source for values in directives(policy).values() for source in values]
        assert "'unsafe-inline'" not in sources, path
        assert "'unsafe-eval'" not in sources, path
        assert "*" not in sources and "http:" not in sources and "https:" not in sources, path


def test_the_policy_allows_only_the_site_itself(site: Path) -> None:
    policy = directives(header_value(site, "/", "Content-Security-Policy"))
    assert policy["default-src"] == ["'none'"]
    assert policy["script-src"][:2] == ["'self'", "'wasm-unsafe-eval'"]
    assert all(source.startswith("'sha256-") for source in policy["script-src"][2:])
    assert policy["style-src"][0] == "'self'"
    assert policy["img-src"] == ["'self'", "data:"]
    for name in ("font-src", "connect-src", "worker-src", "manifest-src"):
        assert policy[name] == ["'self'"], name
    for name in ("frame-ancestors", "base-uri", "form-action"):
        assert policy[name] == ["'none'"], name


def test_every_inline_script_of_every_page_is_allowed_by_its_hash(site: Path) -> None:
    allowed = set(directives(header_value(site, "/", "Content-Security-Policy"))["script-src"])
    runnable = 0
    for page in pages(site):
        for attributes, text in INLINE_SCRIPT.findall(page.read_text(encoding="utf-8")):
            if 'type="application/json"' in attributes:
                continue  # a data block (Material's config): browsers never run it
            runnable += 1
            assert sha256_source(text) in allowed, f"{page}: {text[:80]!r} is not in the policy"
    assert runnable >= 6  # Material's scripts on each page: the test looked at real ones


def test_no_page_has_inline_styles_and_the_policy_allows_none(site: Path) -> None:
    policy = directives(header_value(site, "/", "Content-Security-Policy"))
    assert policy["style-src"] == ["'self'"]
    for page in pages(site):
        text = page.read_text(encoding="utf-8")
        assert not re.search(r"<style[\s>]", text), page
        assert not re.search(r"<[a-z][^>]*\sstyle=", text), page


def test_each_page_carries_the_same_policy_as_a_meta_tag_before_its_scripts(site: Path) -> None:
    header = header_value(site, "/", "Content-Security-Policy")
    without_frame_ancestors = "; ".join(
        part.strip() for part in header.split(";") if not part.strip().startswith("frame-ancestors")
    )
    for page in pages(site):
        text = page.read_text(encoding="utf-8")
        metas = META_POLICY.findall(text)
        assert metas == [without_frame_ancestors], page
        meta_at = text.index('<meta http-equiv="Content-Security-Policy"')
        assert text.index("<head>") < meta_at < text.index("<script"), page
        # The charset must stay within the first 1024 bytes for the browser to see it.
        assert text.index('<meta charset="utf-8">') < 1024, page


def test_the_other_security_headers_are_sent_for_every_path(site: Path) -> None:
    for path in ("/", "/history/", f"/{RUNTIME}/pyodide.asm.wasm"):
        assert header_value(site, path, "Referrer-Policy") == "no-referrer"
        assert header_value(site, path, "X-Content-Type-Options") == "nosniff"
        permissions = header_value(site, path, "Permissions-Policy")
        assert "camera=()" in permissions and "geolocation=()" in permissions


def test_the_pinned_runtime_and_the_checker_are_cached_for_a_year(site: Path) -> None:
    immutable = "public, max-age=31536000, immutable"
    for name in ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm"):
        assert header_value(site, f"/{RUNTIME}/{name}", "Cache-Control") == immutable, name
    checker_files = list(site.glob("assets/policy-check/checker-*/*"))
    names = {file.name for file in checker_files}
    assert names >= {"pyodide-lock.json", "python_stdlib.zip.gz", "decisions.json"}
    widget_files = list(site.glob("assets/policy-check/widget-*/*"))
    assert {file.name for file in widget_files} >= {"widget.js", "worker.js", "load-checker.mjs"}
    for file in checker_files + widget_files:
        path = "/" + file.relative_to(site).as_posix()
        assert header_value(site, path, "Cache-Control") == immutable, path
    # The favicon for a day: Chromium asks for it whenever the fragment changes, which the
    # self-check does with each check; from the cache, the server cannot tell a check ran.
    assert header_value(site, "/assets/images/favicon.png", "Cache-Control") == (
        "public, max-age=86400"
    )
    # Pages keep their URL when they change: the host's default caching.
    for path in ("/", "/history/", "/assets/policy.css"):
        assert header_value(site, path, "Cache-Control") == "", path
    # Nothing of the widget is left at a fixed URL for an old page to pick up.
    assert not (site / "assets" / "policy-check" / "widget.js").exists()


def test_what_is_cached_for_a_year_never_changes_at_its_url(site: Path) -> None:
    # Only the pinned runtime files (checked against their sha256 at build time) may sit in the
    # versioned folder: a file rebuilt under the same name would stay stale in browsers for a year.
    # (and the build's precompressed copies of them, name.br and name.gz, made from the same bytes)
    files = sorted(file.name for file in (site / RUNTIME).iterdir())
    assert [name for name in files if not name.endswith((".br", ".gz"))] == sorted(RUNTIME_FILES)
    assert {name.removesuffix(".br").removesuffix(".gz") for name in files} == set(RUNTIME_FILES)


def test_writing_the_headers_again_keeps_one_meta_tag_per_page(site: Path) -> None:
    before = {page: page.read_text(encoding="utf-8") for page in pages(site)}
    headers.write_headers(site, THEME)
    for page, text in before.items():
        assert page.read_text(encoding="utf-8") == text, page


def write_page(folder: Path, body: str) -> Path:
    page = folder / "index.html"
    page.write_text(
        f'<!doctype html>\n<html><head><meta charset="utf-8"><title>t</title></head>'
        f"<body>{body}</body></html>\n",
        encoding="utf-8",
    )
    return page


# What an editor could put into a page, and what the build then says.
UNSAFE = {
    "<script>alert(1)</script>": "an inline script that is not one of the theme's (“alert(1)”)",
    '<p style="color: red">x</p>': "inline styles",
    "<style>p { color: red }</style>": "inline styles",
    '<button onclick="go()">Go</button>': "an event handler (<button onclick=…>)",
    '<a href="javascript:go()">Go</a>': "a javascript: URL (<a href=…>)",
    # The theme's own script, with an expression that left its string literal.
    '<script>__md_scope=new URL("."+alert(1)+".",location)</script>': "not one of the theme's",
}


@pytest.mark.parametrize("body", sorted(UNSAFE))
def test_inline_code_that_is_not_the_themes_stops_the_build_and_is_never_hashed(
    tmp_path: Path, body: str
) -> None:
    write_page(tmp_path, body)
    with pytest.raises(headers.UnsafePage) as raised:
        headers.write_headers(tmp_path, THEME)
    message = str(raised.value)
    assert message.startswith("index.html holds ") and UNSAFE[body] in message, message
    assert "remove it from the page's Markdown" in message
    assert not (tmp_path / "_headers").exists()


def test_the_themes_own_scripts_are_allowed_by_content_wherever_the_page_sits(
    tmp_path: Path,
) -> None:
    palette = next(
        m.group(1)
        for m in re.finditer(
            r"<script>(.*?)</script>", (THEME_PARTIALS / "palette.html").read_text()
        )
    )
    for base in (".", "../..", "/"):
        scope = headers.theme_scripts(THEME)
        text = f'__md_scope=new URL("{base}",location),'
        assert any(pattern.fullmatch(text + SCOPE_REST) for pattern in scope), base
    write_page(tmp_path, f"<script>{palette}</script>")
    headers.write_headers(tmp_path, THEME)
    assert sha256_source(palette) in (tmp_path / "_headers").read_text(encoding="utf-8")


def test_a_theme_script_with_windows_line_endings_is_hashed_as_the_browser_reads_it(
    tmp_path: Path,
) -> None:
    theme = tmp_path / "theme"
    theme.mkdir()
    (theme / "main.html").write_text(
        '<script>let base = "{{ base_url }}";\nlet b = 2;</script>', encoding="utf-8"
    )
    site = tmp_path / "site"
    site.mkdir()
    write_page(site, '<script>let base = "../";\r\nlet b = 2;</script>')
    headers.write_headers(site, [theme])
    policy = (site / "_headers").read_text(encoding="utf-8")
    assert sha256_source('let base = "../";\nlet b = 2;') in policy
