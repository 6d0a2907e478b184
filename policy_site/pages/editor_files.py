"""Every file an editor may put under ``docs/`` that MkDocs publishes as it is (build time only).

Pages are Markdown, judged once rendered (:mod:`policy_site.pages.safety`). Everything else under
``docs/`` is copied to the site byte for byte, so it is judged here by its kind: stylesheets by
:mod:`policy_site.pages.stylesheet` (those ``extra_css`` lists too), drawings (SVG) by
:mod:`policy_site.pages.drawing`, and kinds that a browser runs or renders as a page of this site
(HTML, scripts, XML), or that the host reads as its settings (``_redirects``, ``CNAME``), are
refused: they would be published unchecked.
"""

from __future__ import annotations

import re
from pathlib import Path

from policy_site.pages.drawing import drawing_problems
from policy_site.pages.stylesheet import stylesheet_problems

# Kinds a browser runs, or shows as a document of this site, that no check here reads.
ACTIVE_SUFFIXES = frozenset(
    {".html", ".htm", ".xhtml", ".xht", ".shtml", ".js", ".mjs", ".cjs", ".xml", ".xsl"}
    | {".xslt", ".svgz", ".swf", ".wasm", ".php", ".jsp", ".asp", ".vbs", ".hta"}
)
# Files a host reads as its own settings when they are published: where to send visitors
# (Netlify's and Cloudflare's _redirects, _routes.json), what headers to send (the build writes
# _headers itself), and which domain serves the site (GitHub Pages' CNAME).
HOST_FILES = frozenset(
    {"_redirects", "_headers", "_routes.json", "cname", "netlify.toml", "vercel.json"}
    | {"static.json", "firebase.json", "staticwebapp.config.json", "_config.yml"}
)
_ADDRESS = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*:|//)")


def _active_problem(shown: str, suffix: str) -> str:
    if suffix == ".svgz":
        return (
            f"{shown}: a compressed drawing cannot be checked before it is published; save it "
            "as plain .svg instead."
        )
    return (
        f"{shown}: a {suffix} file is published as it is, unchecked, and runs or shows as a "
        "page of this site in every visitor's browser; write the page in Markdown (a .md "
        "file) instead, or remove the file (new behaviour for the site is a developer's change)."
    )


def docs_problems(docs_dir: Path, extra_css: list[str], shown_docs: str = "docs") -> list[str]:
    """``file:LINE: …`` for every file under ``docs_dir`` (named ``shown_docs/…`` in messages)
    that may not be published, and every entry of ``extra_css`` that is not one of its files."""
    problems: list[str] = []
    judged: set[Path] = set()
    for path in sorted(docs_dir.rglob("*")):
        if not path.is_file():
            continue
        relative = path.relative_to(docs_dir).as_posix()
        if relative.startswith(".") or "/." in relative:
            continue  # MkDocs publishes no hidden file
        shown = f"{shown_docs}/{relative}"
        suffix = path.suffix.lower()
        if suffix == ".css":
            problems += stylesheet_problems(path, shown)
            judged.add(path.resolve())
        elif suffix == ".svg":
            problems += drawing_problems(path, shown)
        elif suffix in ACTIVE_SUFFIXES:
            problems.append(_active_problem(shown, suffix))
        elif path.name.lower() in HOST_FILES:
            problems.append(
                f"{shown}: the host reads this file as its own settings (where to send visitors, "
                "what to send them, which address serves the site), so it would change the site "
                "unchecked; remove it (a change of hosting is a developer's change, in "
                "netlify.toml) and write pages in Markdown instead."
            )
    for entry in extra_css:
        if _ADDRESS.match(entry.strip()):
            problems.append(
                f"mkdocs.yml: extra_css lists {entry}, a stylesheet on another site, which no "
                "check reads and which tells that site about every visitor; save it under "
                f"{shown_docs}/assets/ and list its path instead."
            )
            continue
        path = docs_dir / entry.split("?")[0].split("#")[0]
        if path.resolve() in judged:
            continue
        if path.is_file():
            problems += stylesheet_problems(path, f"{shown_docs}/{entry}")
            judged.add(path.resolve())
    return problems
