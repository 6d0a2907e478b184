"""The built site's security headers: a strict Content-Security-Policy, in ``_headers`` and meta.

Runs after the build (never in the browser). MkDocs Material writes a few inline scripts into every
page (its storage helpers, the colour palette switch); a policy without ``'unsafe-inline'`` has to
name each by its sha256 hash, and those scripts differ from page to page (each carries the page's
base path). So the policy is computed here, once for the whole site, from the pages as built, but
only for scripts that are the theme's own: each inline script must match, by content, a script of
the theme's templates, whose ``{{ … }}`` expressions may only have become a URL path (see
:func:`theme_scripts`). Anything else inline (a script, a style, an event handler, a
``javascript:`` URL) stops the build: a hash computed from whatever the pages contain would let an
editor's ``<script>`` run. (The Markdown extension already refuses such HTML in the policy's pages,
naming the line; this is the last line of defence, for what reaches the built pages otherwise.)

* ``site_dir/_headers`` (the format Netlify and Cloudflare Pages read) sends it, with the other
  security headers, for every path, and marks the pinned Pyodide runtime and the checker's
  content-named folder as cacheable forever;
* each page also gets the policy as ``<meta http-equiv="Content-Security-Policy">``, for hosts that
  cannot send headers (GitHub Pages). A meta policy cannot carry ``frame-ancestors`` and does not
  reach the module worker that runs Pyodide (a worker takes its policy from its own response
  headers), so the header is the real protection and the meta tag the fallback.

One policy for all pages, not one per page: the pages load the same scripts (the theme's small
script and the self-check's; Material's bundle, whose instant navigation would keep the first
page's meta policy in force on the next pages, is not loaded: overrides/main.html).
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass, field
from html import escape
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

from mkdocs.plugins import get_plugin_logger

from policy_site.shipping import runtime

# MkDocs' logger for plugins: every message starts "policy-site: ".
log = get_plugin_logger("policy-site")

HEADERS_FILE = "_headers"
RUNTIME_PATH = f"/assets/pyodide/{runtime.PYODIDE_VERSION}/"
# The checker's files and the widget's ship in folders named after their content
# (assets/policy-check/checker-<digest>/, widget-<digest>/): like the runtime, they never change
# at their URL.
CONTENT_NAMED_FOLDERS = ("assets/policy-check/checker-*", "assets/policy-check/widget-*")

# Policy sources besides the hashes. 'wasm-unsafe-eval' lets Pyodide compile its WebAssembly
# without allowing JavaScript eval; workers (Pyodide's, Material's search) come from the site.
FIXED_DIRECTIVES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("default-src", ("'none'",)),
    ("script-src", ("'self'", "'wasm-unsafe-eval'")),
    ("style-src", ("'self'",)),
    ("img-src", ("'self'", "data:")),  # Material's icons are data: SVG masks in its CSS
    ("font-src", ("'self'",)),
    ("connect-src", ("'self'",)),
    ("worker-src", ("'self'",)),
    ("manifest-src", ("'self'",)),
    ("frame-ancestors", ("'none'",)),
    ("base-uri", ("'none'",)),
    ("form-action", ("'none'",)),
)
# Not allowed in a <meta> policy (browsers ignore it there and log an error).
HEADER_ONLY_DIRECTIVES = frozenset({"frame-ancestors"})

OTHER_HEADERS = (
    ("Referrer-Policy", "no-referrer"),
    ("X-Content-Type-Options", "nosniff"),
    # The page needs none of these powerful features; nothing embedded may ask for them either.
    ("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()"),
)
# Cloudflare Pages' limit on one line of `_headers`.
MAX_HEADER_LINE = 2000
IMMUTABLE_CACHE = "public, max-age=31536000, immutable"
# The theme's images (the favicon) keep their names from one release to the next, so a day, not a
# year. Chromium asks for the favicon again whenever the address changes, and the self-check
# writes its answers into the fragment: without this, the server would learn when a check ran.
IMAGES_PATH = "/assets/images/"
IMAGES_CACHE = "public, max-age=86400"
# An SVG file opened at its own address is a document, and the pages' policy does not reach it:
# its own forbids scripts, loads, plugins and forms (sandbox), and keeps only its inline styles.
# Hosts that join it with the policy of /* enforce both, which is stricter still. Each file gets
# a rule of its own, because Netlify allows ``*`` only at a pattern's end (no "/*.svg").
DRAWING_POLICY = "default-src 'none'; style-src 'unsafe-inline'; sandbox"

# <script type=…> values that browsers run (and check against script-src). Any other type is a
# data block, such as Material's <script id="__config" type="application/json">: never run.
_RUNNABLE_SCRIPT_TYPES = frozenset(
    {
        "",
        "module",
        "importmap",
        "speculationrules",
        "text/javascript",
        "application/javascript",
        "application/ecmascript",
        "text/ecmascript",
        "application/x-javascript",
        "text/jscript",
    }
)
_EVENT_HANDLER = re.compile(r"on[a-z]+")
_URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "xlink:href"})
# What a theme template's ``{{ expression }}`` inside an inline script may have become: a URL or a
# path (the page's base URL, a configured scope). No quote, backslash or angle bracket, so it
# stays inside the string literal it was written in.
_TEMPLATE_EXPRESSION = re.compile(r"\{\{.*?\}\}", re.S)
_URL_TEXT = r"[\w./:%#?=&~+-]*"
_TEMPLATE_SCRIPT = re.compile(
    r"<script(?P<attributes>[^>]*)>(?P<body>.*?)</script>", re.S | re.IGNORECASE
)
# The meta tag exactly as this module writes it, so a rebuild (``mkdocs build --dirty``) can
# replace it instead of adding a second one.
_OUR_META = re.compile(r'<meta http-equiv="Content-Security-Policy" content="[^"]*">')


class UnsafePage(Exception):
    """A built page holds inline code the Content-Security-Policy must not allow."""


@dataclass
class InlineCode:
    """The inline code of the built pages that a policy without 'unsafe-inline' must name."""

    scripts: set[str] = field(default_factory=set)  # bodies of runnable inline <script>s
    styles: set[str] = field(default_factory=set)  # bodies of <style> elements
    style_attributes: set[str] = field(default_factory=set)  # values of style="…"


def theme_scripts(theme_dirs: list[str] | list[Path]) -> list[re.Pattern[str]]:
    """The inline scripts the theme's templates can write, as patterns of their exact text.

    Read from the templates themselves (``partials/javascripts/palette.html`` and the like), so a
    new release of the theme brings its own list. A ``{{ expression }}`` becomes a URL or a path;
    a script with ``{% … %}`` statements, or a data block (``type="application/json"``), is not
    one a page may run as it stands, and is left out.
    """
    patterns = []
    for folder in theme_dirs:
        for template in sorted(Path(folder).rglob("*.html")):
            text = template.read_text(encoding="utf-8", errors="replace")
            for match in _TEMPLATE_SCRIPT.finditer(text):
                attributes, body = match.group("attributes"), match.group("body")
                if re.search(r"\bsrc\s*=", attributes) or "{%" in body or "{#" in body:
                    continue
                kind = re.search(r"\btype\s*=\s*[\"']?([^\"'\s>]*)", attributes)
                if (kind.group(1).lower() if kind else "") not in _RUNNABLE_SCRIPT_TYPES:
                    continue
                parts = _TEMPLATE_EXPRESSION.split(body.replace("\r\n", "\n"))
                patterns.append(re.compile(_URL_TEXT.join(re.escape(part) for part in parts)))
    return patterns


def csp_hash(text: str) -> str:
    """The CSP source expression that allows exactly this inline script or style text.

    Browsers hash the text after the HTML parser has turned CR LF and CR into LF, so the same is
    done here; a built page with Windows line endings still gets hashes that match.
    """
    normalized = text.replace("\r\n", "\n").replace("\r", "\n")
    digest = hashlib.sha256(normalized.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


class _PageScanner(HTMLParser):
    """Collects a page's inline code and finds where its meta policy must go."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.code = InlineCode()
        self.problems: list[str] = []
        self.meta_after: tuple[int, int] | None = None  # (line, column) where the meta goes
        self.first_inline: tuple[int, int] | None = None  # position of the first inline code
        self._in_head = False
        self._open: str | None = None  # "script" or "style" while inside one
        self._text: list[str] = []

    def _end_of_tag(self) -> tuple[int, int]:
        line, column = self.getpos()
        tag = self.get_starttag_text() or ""
        lines = tag.split("\n")
        if len(lines) == 1:
            return line, column + len(tag)
        return line + len(lines) - 1, len(lines[-1])

    def _saw_inline(self) -> None:
        if self.first_inline is None:
            self.first_inline = self.getpos()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "head":
            self._in_head = True
            self.meta_after = self._end_of_tag()
        elif tag == "meta" and self._in_head and "charset" in values:
            # The charset declaration must stay in the first 1024 bytes: the policy goes after it.
            self.meta_after = self._end_of_tag()
        if "style" in values:
            self._saw_inline()
            self.code.style_attributes.add(values["style"])
        for name, value in values.items():
            # A strict policy blocks inline event handlers and javascript: URLs; the page would
            # silently lose that behaviour, so the build stops instead.
            if _EVENT_HANDLER.fullmatch(name):
                self.problems.append(f"an event handler (<{tag} {name}=…>)")
            elif name in _URL_ATTRIBUTES and value.strip().lower().startswith("javascript:"):
                self.problems.append(f"a javascript: URL (<{tag} {name}=…>)")
        if tag == "script" and "src" not in values:
            runnable = values.get("type", "").strip().lower() in _RUNNABLE_SCRIPT_TYPES
            self._open = "script" if runnable else "data"
            self._text = []
            if runnable:
                self._saw_inline()
        elif tag == "style":
            self._open = "style"
            self._text = []
            self._saw_inline()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # <script/> and <style/> are not self-closing in HTML; only attributes matter here.
        self.handle_starttag(tag, attrs)
        if tag in ("script", "style"):
            self.handle_endtag(tag)

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "head":
            self._in_head = False
        if self._open is not None and tag in ("script", "style"):
            text = "".join(self._text)
            if self._open == "script":
                self.code.scripts.add(text)
            elif self._open == "style":
                self.code.styles.add(text)
            self._open = None


def _offset(text: str, position: tuple[int, int]) -> int:
    line, column = position
    start = 0
    for _ in range(line - 1):
        start = text.index("\n", start) + 1
    return start + column


def html_pages(site_dir: Path) -> list[Path]:
    """Every HTML page of the built site, in a stable order."""
    return sorted(site_dir.rglob("*.html"))


def scan(site_dir: Path, allowed: list[re.Pattern[str]]) -> InlineCode:
    """The inline scripts of every built page, together; each must match one of ``allowed``.

    Raises :class:`UnsafePage` for any other inline script, any inline style, event handler or
    ``javascript:`` URL.
    """
    code = InlineCode()
    for page in html_pages(site_dir):
        found = _scan_page(page, _OUR_META.sub("", page.read_text(encoding="utf-8")))
        problems = list(found.problems)
        for script in sorted(found.code.scripts):
            if not any(pattern.fullmatch(script) for pattern in allowed):
                shown = " ".join(script.split())
                problems.append(
                    f"an inline script that is not one of the theme's "
                    f"(“{shown[:60]}{'…' if len(shown) > 60 else ''}”)"
                )
        if found.code.styles or found.code.style_attributes:
            problems.append('inline styles (<style> or style="…")')
        if problems:
            name = page.relative_to(site_dir).as_posix()
            raise UnsafePage(
                f"{name} holds {'; '.join(sorted(set(problems)))}. The site's "
                "Content-Security-Policy allows no inline code but the theme's own, so it would "
                "not run, and it must not: remove it from the page's Markdown. Styling belongs "
                "in the site's CSS, behaviour in its script files."
            )
        code.scripts |= found.code.scripts
    return code


def _scan_page(page: Path, text: str) -> _PageScanner:
    scanner = _PageScanner()
    scanner.feed(text)
    scanner.close()
    return scanner


def policy_directives(code: InlineCode) -> list[tuple[str, list[str]]]:
    """The policy's directives and their sources, the allowed inline scripts' hashes included."""
    hashes = sorted({csp_hash(text) for text in code.scripts})
    return [
        (name, list(sources) + (hashes if name == "script-src" else []))
        for name, sources in FIXED_DIRECTIVES
    ]


def format_policy(directives: list[tuple[str, list[str]]], *, meta: bool = False) -> str:
    """The policy as a header value; ``meta=True`` leaves out what a meta tag may not carry."""
    return "; ".join(
        f"{name} {' '.join(sources)}"
        for name, sources in directives
        if not (meta and name in HEADER_ONLY_DIRECTIVES)
    )


def headers_file_text(
    policy: str, immutable_folders: list[str], drawings: list[str] | None = None
) -> str:
    """The ``_headers`` file: security headers for every path, long caching for the runtime (and
    a day for the theme's images), and a policy of their own for the SVG files (``drawings``,
    their URL paths).

    ``immutable_folders`` (URL paths ending in "/") hold only files whose URL changes whenever
    their content does; each gets its own rule because Netlify allows ``*`` only at the end.
    """
    lines = [
        "# Response headers for hosts that read this file (Netlify, Cloudflare Pages).",
        "# Written by the policy-site plugin after each build: the policy lists the sha256 of",
        "# every inline script of the built pages, so do not edit it by hand.",
        "/*",
        f"  Content-Security-Policy: {policy}",
        *(f"  {name}: {value}" for name, value in OTHER_HEADERS),
    ]
    lines += [f"{IMAGES_PATH}*", f"  Cache-Control: {IMAGES_CACHE}"]
    for folder in immutable_folders:
        lines += [f"{folder}*", f"  Cache-Control: {IMMUTABLE_CACHE}"]
    for drawing in drawings or []:
        lines += [drawing, f"  Content-Security-Policy: {DRAWING_POLICY}"]
    return "\n".join(lines) + "\n"


def insert_meta_policy(site_dir: Path, policy: str) -> None:
    """Put ``policy`` into every page's <head>, before any inline script or style."""
    # Only & and " need escaping in a double-quoted attribute; the policy's quotes stay readable.
    content = escape(policy, quote=False).replace('"', "&quot;")
    tag = f'<meta http-equiv="Content-Security-Policy" content="{content}">'
    for page in html_pages(site_dir):
        text = _OUR_META.sub("", page.read_text(encoding="utf-8"))
        scanner = _scan_page(page, text)
        if scanner.meta_after is None:
            # A fragment without <head> (a partial some theme ships): nothing to protect.
            continue
        if scanner.first_inline is not None and scanner.first_inline < scanner.meta_after:
            raise UnsafePage(
                f"{page.relative_to(site_dir).as_posix()}: inline code comes before "
                "<meta charset> in <head>, so "
                "the Content-Security-Policy meta tag could not cover it. Move it later in the "
                "template."
            )
        at = _offset(text, scanner.meta_after)
        page.write_text(text[:at] + tag + text[at:], encoding="utf-8")


def write_headers(site_dir: Path, theme_dirs: list[str] | list[Path], *, meta: bool = True) -> Path:
    """Write ``site_dir/_headers`` and (unless ``meta`` is false) each page's meta policy.

    Call after the build, when every page is final; ``theme_dirs`` are the theme's template
    folders (MkDocs' ``config.theme.dirs``), whose inline scripts alone are allowed.
    ``meta=False`` is for ``mkdocs serve``, whose live-reload script is injected into each page
    at serve time and is not in the policy. Returns the path of the ``_headers`` file. Raises
    :class:`UnsafePage`.
    """
    directives = policy_directives(scan(site_dir, theme_scripts(theme_dirs)))
    policy = format_policy(directives)
    if len(policy) > MAX_HEADER_LINE:
        log.warning(
            f"the Content-Security-Policy is {len(policy)} characters long; "
            f"Cloudflare Pages ignores _headers lines over {MAX_HEADER_LINE}. Fewer distinct "
            "inline scripts (for example fewer theme overrides) make it shorter."
        )
    named = sorted(
        f"/{folder.relative_to(site_dir).as_posix()}/"
        for pattern in CONTENT_NAMED_FOLDERS
        for folder in site_dir.glob(pattern)
        if folder.is_dir()
    )
    folders = [RUNTIME_PATH, *named]
    drawings = sorted(
        "/" + quote(drawing.relative_to(site_dir).as_posix())
        for drawing in site_dir.rglob("*")
        if drawing.suffix.lower() in (".svg", ".svgz") and drawing.is_file()
    )
    target = site_dir / HEADERS_FILE
    target.write_text(headers_file_text(policy, folders, drawings), encoding="utf-8")
    if meta:
        insert_meta_policy(site_dir, format_policy(directives, meta=True))
    return target
