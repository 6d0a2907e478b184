"""What the Markdown side knows of the page it renders (build time only).

One module for the page's context, which the plugin fills per page and the extension and its
blocks read: the page's role (an enum, in one place), the version it shows, where the widget's
files are. The blocks depend on :class:`BlockHost`, what they need of the extension, not on the
extension itself, so the two modules do not import each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from pathlib import Path

    from markdown import Markdown

    from policy_engine.policy import Policies, Policy
    from policy_site.package import PolicyPackage


class PageRole(StrEnum):
    """What a page is."""

    CURRENT = "current"  # the policy in force, with the self-check (the home page)
    VERSION = "version"  # one version's own page: archived, current or coming
    OTHER = "other"  # any other page of the site (the examples, the history)


@dataclass(frozen=True)
class WidgetSettings:
    """Where the widget finds its files, relative to the page that shows it."""

    runtime: str = "assets/pyodide/"
    lock: str = "assets/pyodide/pyodide-lock.json"
    stdlib: str = "assets/pyodide/python_stdlib.zip"
    wheel: str = ""
    wheel_sha256: str = ""
    decisions: str = ""
    # decisions.json's text, written into the page: the quick answer needs no network.
    decision_table: str = ""
    package: str = "refund-policy-checker"  # the wheel's name in the lock
    module: str = ""  # what the worker imports from it: the policy's package (checker)
    worker: str = "assets/policy-check/worker.js"
    stall_timeout_ms: int = 15000
    start_timeout_ms: int = 30000
    downloads: dict[str, tuple[int, int]] = field(default_factory=dict)
    # False where no self-check was shipped (the extension run without the plugin): the block
    # then says, kindly, how to reach support instead of showing a form that cannot answer.
    shipped: bool = True


@dataclass
class PageContext:
    """What the extension knows of the page it is rendering (set by the plugin per page)."""

    name: str = "the page"  # the file an editor opens, for messages: docs/index.md
    # The page as published (its source in MkDocs): one file may be published twice.
    key: str = ""
    line_offset: int = 0  # lines of the source before the Markdown (front matter)
    widget: WidgetSettings = field(default_factory=WidgetSettings)
    # The version whose values and words the page shows (None: the extension's own).
    policy: Policy | None = None
    role: PageRole = PageRole.CURRENT
    # Lines of Markdown put right after the page's title (a note on which version it is).
    banner: list[str] = field(default_factory=list)
    # Each version's page, by ISO date, as a URL relative to this page; and the current one's.
    version_urls: dict[str, str] = field(default_factory=dict)
    current_url: str = "./"
    # The day the site is built for: which version is current, past or coming.
    today: date = field(default_factory=date.today)


class BlockHost(Protocol):
    """What a ``///`` block needs of the extension that renders it."""

    context: PageContext
    package: PolicyPackage  # the policy the page publishes: its rules and its check
    policies: Policies
    docs_dir: Path | None  # the docs folder, for the history page's texts (None: not known)

    @property
    def page_policy(self) -> Policy: ...

    def problem(self, line: int, message: str) -> None: ...

    def next_block_line(self, name: str) -> int: ...

    def trusted_html(self, md: Markdown, html: str, line: int) -> str: ...

    def trusted_attributes(self) -> dict[str, str]: ...
