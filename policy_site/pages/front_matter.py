"""A page's front matter (the "---" lines at its top): how many lines it takes, and what in it
may not be published (build time only)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from mkdocs.utils.meta import YAML_RE

# What a page's front matter (the "---" lines at its top) may set, as plain text: the theme
# writes these values into the page's <head> without escaping them, and other keys change how
# the page is made (its template, what the theme hides).
FRONT_MATTER = ("title", "description", "policy")


def front_matter_lines(source: str) -> int:
    """How many lines of ``source`` its front matter takes, found as MkDocs finds it (the
    Markdown the extension numbers starts after them)."""
    found = YAML_RE.match(source)
    return found.group(0).count("\n") if found else 0


def front_matter_problems(meta: Mapping[str, Any], source: str) -> list[tuple[int, str]]:
    """Each key of a page's front matter that may not be published, with its line."""
    lines = source.splitlines()

    def line_of(key: str) -> int:
        pattern = re.compile(rf"^\s*['\"]?{re.escape(str(key))}['\"]?\s*:")
        return next((n for n, text in enumerate(lines, 1) if pattern.match(text)), 1)

    found = []
    for key, value in meta.items():
        if key not in FRONT_MATTER:
            found.append(
                (
                    line_of(key),
                    f"“{key}:” in the page's front matter is not allowed: it changes how the page "
                    f"is made. Remove the line; a page may set only {', '.join(FRONT_MATTER)}.",
                )
            )
        elif not isinstance(value, str) or re.search(r"[<>\"&]", value):
            found.append(
                (
                    line_of(key),
                    f"“{key}:” in the page's front matter must be plain text, without <, >, "
                    "quotation marks or &: the theme writes it into the page's head as it is. "
                    "Write it in words.",
                )
            )
    return found
