"""The Markdown side of the policy site (build time only; runs in MkDocs, never in the browser).

Editors write four things in the policy's Markdown that this extension understands:

* ``{{ refund_window_days }}``: a value from the checker's ``policy.toml``;
* ``- words of a clause {clause: late-request}``: a bullet that is one of the rules' clauses: it
  gets the clause id as its HTML id and a permalink, and its words must equal the clause's;
* ``… sentences. {note: late-but-can-write}``: the passage (since the paragraph's start or the
  last marker) that an outcome text of ``policy.toml`` quotes (also ``{warning: …}``,
  ``{alternative: …}``, ``{refund-timing: …}``, several ids apart by commas): the quote must be
  in it word for word (:mod:`policy_engine.texts`); the marker itself does not show;
* ``/// example | title`` … ``///``: a worked example, run through the checker at build time;
* ``/// policy-check`` / ``/// decision-summary`` (each closed by ``///``): the self-check and the
  table of usual outcomes for readers without JavaScript.

The blocks are pymdown-extensions' ``blocks``, one class per block
(:mod:`policy_site.pages.blocks`); fenced code is Python-Markdown's, so a block or a placeholder
shown as a code sample stays text.
Before the parser runs, :class:`SourcePreprocessor` reads the page's lines outside fenced code
(found with Python-Markdown's own pattern): it fills placeholders, marks clause bullets, and
checks what the blocks API would otherwise take silently (an unknown block name, an unclosed
block, a stray ``///``), remembering the line of each block so that its problems can name it.

It also proofreads what an editor is likely to get wrong (:mod:`policy_site.pages.proofread`): HTML
that could run or is not on the short list of harmless tags, links that are not web or email
addresses, placeholders with one brace, and policy values typed as numbers ("7 days") where a
placeholder belongs; ``{literal: 7 days}`` marks a number meant to stay as written.

Every mistake is reported as ``file:line: what is wrong and what to do``, through MkDocs' logger
as a warning, so that a strict build (this site always builds strictly) fails instead of
publishing it.
"""

from __future__ import annotations

import posixpath
import re
import secrets
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as etree

from markdown import Markdown
from markdown.extensions.fenced_code import FencedBlockPreprocessor
from markdown.postprocessors import Postprocessor
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor
from mkdocs.exceptions import PluginError
from mkdocs.plugins import get_plugin_logger
from pymdownx.blocks import RE_END, RE_START, BlocksExtension, BlocksProcessor

from policy_engine.policy import PLACEHOLDER, Policies, Policy, PolicyError, display_name
from policy_engine.texts import MARKERS, quoted_in
from policy_site import site_config
from policy_site.package import PolicyPackage
from policy_site.pages import blocks, context, proofread, safety, versions
from policy_site.pages.page import PageContext, PageRole, WidgetSettings

# MkDocs' logger for plugins: every message starts "policy-site: ".
log = get_plugin_logger("policy-site")

CLAUSE_MARKER = re.compile(r"\{clause:\s*([^}]*?)\s*\}")
# {note: id}, {warning: id}, {alternative: id, id}, {refund-timing: id}: what a text quotes.
QUOTE_MARKER = re.compile(
    r"[ \t]*\{(?P<kind>" + "|".join(map(re.escape, MARKERS)) + r"):\s*(?P<ids>[^{}]*?)\s*\}"
)
_PARAGRAPH_BREAK = re.compile(r"^\s*($|#|(?:[-*+]|\d+[.)])\s|///|```|~~~|\|)")
_BULLET = re.compile(r"^(?P<indent>\s*)(?:[-*+]|\d+[.)])\s+(?P<words>.*)$")
# Inline code spans, as Python-Markdown finds them: a placeholder inside one is shown as written.
_CODE_SPAN = re.compile(r"(?<!\\)(`+)(.+?)(?<!`)\1(?!`)")
# Blocks a page may hold once at most: the self-check's fields and the summary have fixed ids.
ONCE_PER_PAGE = ("policy-check", "decision-summary")
# Stands in for a clause marker between the preprocessor and the tree processor: characters that no
# Markdown inline pattern touches.
_STAND_IN = "⟦clause:{}⟧"
_STAND_IN_PATTERN = re.compile(r"\s*⟦clause:([a-z0-9-]+)⟧")
# ... and for a quote marker ({note: id}): the anchor the self-check's result links to
# ("note-id", "warning-id", …), put on the paragraph or bullet that holds the quoted words.
_QUOTE_STAND_IN = "⟦quote:{}⟧"
_QUOTE_STAND_IN_PATTERN = re.compile(r"⟦quote:([a-z0-9_-]+)⟧")
_BLOCKS = frozenset({"p", "li", "td", "th", "dd", "dt", "blockquote", "div"})


@dataclass
class Problem:
    page: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.page}:{self.line}: {self.message}"


class PolicySiteExtension(BlocksExtension):
    """Placeholders, clause anchors, worked examples, the self-check and the decision summary."""

    def __init__(
        self,
        package: PolicyPackage | None = None,
        policy: Policy | None = None,
        *,
        policies: Policies | None = None,
        on_problem: Callable[[Problem], None] | None = None,
        site: SiteOptions | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        # The policy the pages publish (mkdocs.yml's ``policies``): its rules and its check.
        # Given by the plugin (or a test); without them (``site``), each page's own.
        self._package = package
        self._policy = policy
        # Every version: the examples are judged as the self-check judges, by purchase date.
        self._policies = policies or (
            Policies((policy,), source=policy.source) if policy is not None else None
        )
        # Run without the plugin, from mkdocs.yml's markdown_extensions: where the site's
        # policies are listed; the extension then derives each page's context itself.
        self.site = site
        self.option_problem = ""  # an unknown option in mkdocs.yml (makeExtension)
        self.version_page: versions.VersionPage | None = None  # without the plugin: this page's
        # The docs folder, for the history page's comparison of the versions' pages.
        self.docs_dir: Path | None = None
        self.context = PageContext()
        self.problems: list[Problem] = []
        # Where each clause's bullet is, page by page: each policy page has one per clause.
        self.clauses_seen: dict[str, dict[str, list[int]]] = {}
        # Where each outcome text's passage is marked, page by page: (marker, id) -> lines.
        self.quotes_seen: dict[str, dict[tuple[str, str], list[int]]] = {}
        # The source lines of the blocks of the page being rendered, by name, in order.
        self.block_lines: dict[str, deque[int]] = {}
        self.blocks_seen: dict[str, list[int]] = {}
        # The blocks of every page rendered in this build: page -> block name -> lines.
        self.site_blocks: dict[str, dict[str, list[int]]] = {}
        self.on_problem = on_problem or (lambda problem: log.warning(str(problem)))
        # The output check (policy_site/pages/safety.py): a secret that marks what the blocks made,
        # the stash entries that hold the blocks' HTML, and the page's lines to find a problem in.
        self.trust_token = secrets.token_hex(16)
        self.trusted_stash: dict[int, int] = {}
        self.source_lines: list[str] = []
        self.proofread_lines: set[int] = set()

    @property
    def package(self) -> PolicyPackage:
        """The policy the page being rendered publishes: its rules and its check."""
        if self._package is None:
            raise RuntimeError("the extension renders no policy's page yet (begin_page first)")
        return self._package

    @package.setter
    def package(self, package: PolicyPackage) -> None:
        self._package = package

    @property
    def policy(self) -> Policy:
        """The version of the page's policy in force on the day the site is built for."""
        if self._policy is None:
            raise RuntimeError("the extension renders no policy's page yet (begin_page first)")
        return self._policy

    @policy.setter
    def policy(self, policy: Policy) -> None:
        self._policy = policy

    @property
    def policies(self) -> Policies:
        """Every version of the page's policy."""
        if self._policies is None:
            raise RuntimeError("the extension renders no policy's page yet (begin_page first)")
        return self._policies

    @policies.setter
    def policies(self, policies: Policies) -> None:
        self._policies = policies

    def begin_page_of(self, md: Markdown) -> None:
        """Without the plugin: the page ``md`` renders, its policy and context derived from the
        page itself (:mod:`policy_site.pages.context`). A site whose policies cannot be read
        stops the build with what to fix; a page that needs the plugin says so."""
        assert self.site is not None
        if self.option_problem:
            raise PluginError(self.option_problem)
        page = context.MkDocsPage.of(md)
        config_file = (
            Path(page.config.config_file_path)
            if page is not None and page.config.config_file_path
            else Path(self.site.config_file)
        )
        docs = (
            Path(page.config.docs_dir)
            if page is not None
            else config_file.parent / self.site.docs_dir
        )
        try:
            site = site_config.site_policies(config_file, self.site.policies)
            today = versions.build_day()
        except (site_config.SiteConfigError, versions.VersionError) as error:
            messages = getattr(error, "messages", (str(error),))
            raise PluginError("\n".join(messages)) from None
        derived = context.derive(page, site, docs=docs, today=today)
        self.package, self.policies = derived.package, derived.policies
        self.policy = derived.policies.in_force(today)
        self.docs_dir = docs
        # No self-check was shipped: its block says how to reach support instead.
        self.begin_page(replace(derived.context, widget=WidgetSettings(shipped=False)))
        self.version_page = derived.version_page
        if derived.needs_plugin:
            self.problem(1 - derived.context.line_offset, derived.needs_plugin + ".")

    def end_page_alone(self) -> None:
        """Without the plugin, once the page is rendered: what a version page lacks (a clause
        without its bullet, the home page without the self-check's block), as the plugin checks
        it once every page is rendered."""
        # Imported here: upcoming renders pages with this extension (the plugin's checks).
        from policy_site.pages import upcoming

        if self.version_page is None or self.docs_dir is None:
            return
        for problem in upcoming.page_problems(
            self, [self.version_page], self.docs_dir.name, self.package
        ):
            log.warning(problem)

    @property
    def policy_file(self) -> str:
        """The policy file of the page's policy, as the editor knows it (checker/policy.toml)."""
        return display_name(self.package.policy_path)

    def begin_site(self) -> None:
        """Forget what earlier builds saw: every build checks the whole site afresh."""
        self.problems.clear()
        self.clauses_seen.clear()
        self.quotes_seen.clear()
        self.site_blocks.clear()

    def begin_page(self, context: PageContext) -> None:
        self.context = context
        self.trusted_stash = {}
        self.source_lines = []
        self.proofread_lines = set()
        self.block_lines = {}
        self.blocks_seen = self.site_blocks[context.key or context.name] = {}

    @property
    def page_policy(self) -> Policy:
        """The version the page being rendered shows."""
        return self.context.policy or self.policy

    def problem(self, line: int, message: str) -> None:
        """Report a mistake at ``line`` (1-based, in the Markdown given to this page)."""
        found = Problem(self.context.name, line + self.context.line_offset, message)
        self.problems.append(found)
        self.on_problem(found)

    def next_block_line(self, name: str) -> int:
        """The source line of the next block called ``name`` (pymdownx parses them in order)."""
        lines = self.block_lines.get(name)
        return lines.popleft() if lines else 0

    def extendMarkdown(self, md: Markdown) -> None:
        md.registerExtension(self)
        if self.site is not None:
            # First of the preprocessors: the page's context before anything reads it.
            md.preprocessors.register(PageFromItself(md, self), "policy_site_page", 40)
            # Last of the postprocessors: the page is whole.
            md.postprocessors.register(PageChecks(md, self), "policy_site_page_checks", 0)
        if "fenced_code_block" not in md.preprocessors:
            # Fenced code is the parser's job: a block shown as a code sample stays a sample.
            md.preprocessors.register(
                FencedBlockPreprocessor(md, {"lang_prefix": "language-"}), "fenced_code_block", 25
            )
        # Before fenced code (25): it reads the page as the editor wrote it.
        md.preprocessors.register(SourcePreprocessor(md, self), "policy_site_source", 27)
        # Before attr_list (8) and toc (5), after inline patterns (20).
        md.treeprocessors.register(ClauseTreeprocessor(md), "policy_site_clauses", 15)
        md.treeprocessors.register(QuoteAnchorTreeprocessor(md), "policy_site_quotes", 15)
        md.treeprocessors.register(TableTreeprocessor(md), "policy_site_tables", 14)
        # After the block parser has made the tables (every treeprocessor runs after it).
        md.treeprocessors.register(TableAlignTreeprocessor(md), "policy_site_table_align", 14)
        # Just before Python-Markdown puts the stashed HTML back (raw_html, 30).
        md.postprocessors.register(OutputCheck(md, self), "policy_site_output_check", 31)
        super().extendMarkdown(md)

    def extendMarkdownBlocks(self, md: Markdown, block_mgr: BlocksProcessor) -> None:
        for block in blocks.BLOCKS:
            block_mgr.register(block, {"extension": self})

    def reset(self) -> None:
        # Markdown calls this when it is made, after begin_page: the page's record stays the
        # same object, emptied.
        self.block_lines = {}
        self.blocks_seen.clear()
        self.trusted_stash = {}

    def trusted_html(self, md: Markdown, html: str, line: int) -> str:
        """Stash ``html``, which a block of ours made (not the editor), for the page: the output
        check does not judge it, but requires it to stand as HTML of its own."""
        placeholder = md.htmlStash.store(html)
        self.trusted_stash[md.htmlStash.html_counter - 1] = line
        return str(placeholder)

    def trusted_attributes(self) -> dict[str, str]:
        """The attribute that marks an element a block of ours made (removed from the page)."""
        return {safety.TRUST_ATTRIBUTE: self.trust_token}


@dataclass(frozen=True)
class SiteOptions:
    """The extension's options in ``mkdocs.yml`` when it runs without the plugin::

        markdown_extensions:
          - policy_site.pages.extension

    reads the policies from the plugin's ``policies:`` in the same file (listed once; a host
    that ignores plugins, as Zensical does, ignores only the plugin's work). A site without the
    plugin's entry gives them here: ``- policy_site.pages.extension: {policies: [...]}``, each
    entry as the plugin's (dev/site.md, “Without the plugin”)."""

    policies: object | None = None
    # Where mkdocs.yml is when the host does not say (MkDocs does): relative to the folder the
    # build runs in.
    config_file: str = "mkdocs.yml"
    docs_dir: str = "docs"


def makeExtension(**options: Any) -> PolicySiteExtension:
    """The extension as ``markdown_extensions: - policy_site.pages.extension`` names it: run
    without the plugin, it derives each page's context from the page (see :class:`SiteOptions`).
    When the plugin runs, it takes this entry's place (policy_site/steps.py). An unknown option
    is reported when the first page is rendered (MkDocs shows a traceback for an extension that
    fails to load)."""
    wrong = unknown_options(options)
    known = {
        key: value for key, value in options.items() if key in SiteOptions.__dataclass_fields__
    }
    extension = PolicySiteExtension(site=SiteOptions(**known))
    extension.option_problem = wrong
    return extension


# How mkdocs.yml names this extension under markdown_extensions.
NAMES = ("policy_site.pages.extension", "policy_site.pages.extension:PolicySiteExtension")


def is_named(extension: object) -> bool:
    """Whether ``extension`` (an entry of ``markdown_extensions``) names this extension: whoever
    renders with an instance of its own (the plugin, the upcoming days' check) leaves it out."""
    return isinstance(extension, str) and extension in NAMES


def unknown_options(options: dict[str, Any]) -> str:
    """What is wrong with the extension's options in mkdocs.yml, or empty."""
    known = set(SiteOptions.__dataclass_fields__)
    unknown = sorted(set(options) - known)
    if not unknown:
        return ""
    return (
        f"mkdocs.yml: policy_site.pages.extension has no option {', '.join(unknown)}. "
        f"Its options are {', '.join(sorted(known))} (dev/site.md, “Without the plugin”)."
    )


class PageFromItself(Preprocessor):
    """Without the plugin: before anything reads the page, its policy and context."""

    def __init__(self, md: Markdown, extension: PolicySiteExtension) -> None:
        super().__init__(md)
        self.ext = extension

    def run(self, lines: list[str]) -> list[str]:
        self.ext.begin_page_of(self.md)
        page = self.ext.context
        if page.role is PageRole.OTHER or not page.key:
            return lines
        # A version's page: every version's text was written as the policy's page, beside it,
        # so a frozen copy's links are made relative to where it is published (as the plugin
        # does).
        rebased = versions.rebase_links(
            "\n".join(lines), posixpath.dirname(page.key), posixpath.dirname(self.ext.package.page)
        )
        return rebased.split("\n")


class PageChecks(Postprocessor):
    """Without the plugin: what the rendered page lacks (:meth:`end_page_alone`)."""

    def __init__(self, md: Markdown, extension: PolicySiteExtension) -> None:
        super().__init__(md)
        self.ext = extension

    def run(self, text: str) -> str:
        self.ext.end_page_alone()
        return text


def proofread_plain(text: str) -> str:
    """A passage as a reader reads it: a link's Markdown as its text."""
    return re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)


def _blank_code(line: str) -> str:
    """``line`` with its code spans turned into spaces (the same length: columns stay)."""
    return _CODE_SPAN.sub(lambda match: " " * len(match.group(0)), line)


def _outside_code(
    line: str, pattern: re.Pattern[str], replace: Callable[[re.Match[str]], str]
) -> str:
    """``pattern.sub(replace, line)``, except inside code spans: a sample stays as written."""
    spans = [(m.start(), m.end()) for m in _CODE_SPAN.finditer(line)]

    def outside(match: re.Match[str]) -> str:
        if any(start <= match.start() < end for start, end in spans):
            return match.group(0)
        return replace(match)

    return pattern.sub(outside, line)


def fenced_lines(text: str) -> set[int]:
    """The 0-based numbers of the lines inside fenced code (fences included), found with
    Python-Markdown's own pattern for fenced code."""
    inside: set[int] = set()
    for match in FencedBlockPreprocessor.FENCED_BLOCK_RE.finditer(text):
        first = text.count("\n", 0, match.start())
        last = text.count("\n", 0, match.end())
        inside.update(range(first, last + 1))
    return inside


class SourcePreprocessor(Preprocessor):
    """Reads the editor's lines before the parser: placeholders, clause bullets, block checks."""

    def __init__(self, md: Markdown, extension: PolicySiteExtension) -> None:
        super().__init__(md)
        self.ext = extension
        self.passage = ""

    def run(self, lines: list[str]) -> list[str]:
        code = fenced_lines("\n".join(lines))
        # The editor's text as the proofreading sees it: code samples blanked, lines kept.
        visible = ["" if index in code else _blank_code(line) for index, line in enumerate(lines)]
        self.ext.source_lines = visible
        for number, message in proofread.unsafe_markup("\n".join(visible)):
            self.ext.proofread_lines.add(number)
            self.ext.problem(number, message)
        # A bullet among the clauses without a marker: the page and the self-check would differ.
        for number, message in proofread.unmarked_clause_bullets(
            visible, self.ext.page_policy, self.ext.policy_file
        ):
            self.ext.problem(number, message)
        # A version's page is proofread against its own values, and against every other
        # version's: a number of another version on it is a number the page should not say.
        other_versions = (
            [v for v in self.ext.policies.versions if v is not self.ext.page_policy]
            if self.ext.context.policy is not None
            else []
        )
        open_block: tuple[str, int] | None = None
        self.passage = ""  # the words of the paragraph since its start or its last marker
        out: list[str] = []
        banner = list(self.ext.context.banner)
        for index, line in enumerate(lines):
            number = index + 1
            if index in code:
                out.append(line)
                continue
            start = RE_START.fullmatch(line.rstrip("\n"))
            if start is not None and not RE_END.fullmatch(line):
                if open_block is not None:
                    self._unclosed(*open_block)
                name = start.group(2).lower()
                open_block = (name, number)
                self._block_header(name, start.group(3), number)
            elif RE_END.fullmatch(line):
                if open_block is None:
                    self.ext.problem(
                        number,
                        "This line closes a block (///) that was never opened. "
                        "Remove it, or add the opening line such as “/// example | Title”.",
                    )
                    line = ""
                open_block = None
            for message in proofread.malformed_placeholders(visible[index], self.ext.page_policy):
                self.ext.problem(number, message)
            for message in proofread.literal_values(
                visible[index], self.ext.page_policy, other_versions
            ):
                self.ext.problem(number, message)
            line = self._placeholders(line, number)
            line = _outside_code(line, proofread.LITERAL, lambda match: match.group("words"))
            line = self._quote_markers(line, number)
            line = self._clause_bullet(line, number)
            out.append(line)
            if banner and line.startswith("# "):
                # Right after the page's title; the page's own lines keep their numbers.
                out += ["", *banner, ""]
                banner = []
        if open_block is not None:
            self._unclosed(*open_block)
        return [*banner, "", *out] if banner else out

    def _block_header(self, name: str, title: str | None, number: int) -> None:
        known = {block.NAME: block for block in blocks.BLOCKS}
        if name not in known:
            self.ext.problem(
                number,
                f"“/// {name}” is not a block this site knows. Use "
                + ", ".join(
                    f"“/// {block.NAME}{' | Title' if block.ARGUMENT is not False else ''}”"
                    for block in blocks.BLOCKS
                )
                + ".",
            )
            return
        if title and known[name].ARGUMENT is False:
            self.ext.problem(number, f"The “/// {name}” block takes no title. Remove “| {title}”.")
        self.ext.block_lines.setdefault(name, deque()).append(number)
        seen = self.ext.blocks_seen.setdefault(name, [])
        seen.append(number + self.ext.context.line_offset)
        if name in ONCE_PER_PAGE and len(seen) > 1:
            self.ext.problem(
                number,
                f"A second “/// {name}” block: this page already has one at line {seen[0]}, and "
                "a page can hold only one. Remove one of them (with its closing ///).",
            )

    def _unclosed(self, name: str, number: int) -> None:
        self.ext.problem(
            number,
            f"The “/// {name}” block is not closed. Add a line with only /// after its last line.",
        )

    def _placeholders(self, line: str, number: int, as_text: bool = False) -> str:
        def substitute(match: re.Match[str]) -> str:
            name = match.group("name")
            try:
                value = self.ext.page_policy.value_of(name)
            except PolicyError as error:
                self.ext.problem(number, f"{error} Or add the value to {self.ext.policy_file}.")
                return match.group(0)
            if name == "support_email" and not as_text:
                return f"[{value}](mailto:{value})"
            return value

        return _outside_code(line, PLACEHOLDER, substitute)

    def _quote_markers(self, line: str, number: int) -> str:
        """Check each passage a marker ends against the texts that quote it; remove the marker."""
        if _PARAGRAPH_BREAK.match(line):
            self.passage = ""
        spans = [(m.start(), m.end()) for m in _CODE_SPAN.finditer(line)]
        start = 0
        kept: list[str] = []
        for marker in QUOTE_MARKER.finditer(line):
            if any(low <= marker.start() < high for low, high in spans):
                continue
            passage = f"{self.passage} {line[start : marker.start()]}"
            kept.append(line[start : marker.start()])
            start = marker.end()
            self.passage = ""
            for text_id in [i.strip() for i in marker.group("ids").split(",")]:
                self._quoted(marker.group("kind"), text_id, passage, number)
                if re.fullmatch(r"[a-z0-9_-]+", text_id):
                    kept.append(_QUOTE_STAND_IN.format(f"{marker.group('kind')}-{text_id}"))
        kept.append(line[start:])
        self.passage = f"{self.passage} {line[start:]}"
        return "".join(kept) if start else line

    def _quoted(self, name: str, text_id: str, passage: str, number: int) -> None:
        kind = self.ext.package.rulebook.outcomes.ids.kind_by_marker[name]
        said = self.ext.page_policy.texts.of(kind).get(text_id)
        marker = f"{{{name}: {text_id}}}"
        if said is None:
            known = ", ".join(i for i in kind.ids if not self._of_clause(name, i))
            self.ext.problem(
                number,
                f"{marker} names no {kind.what} of the self-check. Known {kind.section}: "
                f"{known}. Fix the spelling; a new one needs a developer first.",
            )
            return
        if said.clause:
            self.ext.problem(
                number,
                f"The {kind.what} “{text_id}” quotes clause {said.clause} "
                f"({self.ext.policy_file}), so it needs no marker on the page: remove {marker}.",
            )
            return
        if not quoted_in(said.quote, passage):
            self.ext.problem(
                number,
                f"The words marked {marker} read “{' '.join(proofread_plain(passage).split())}” "
                f"but {said.where} quotes “{said.quote}” for the {kind.what} {text_id}, which the "
                "self-check says to customers. Make the quote the page's words, word for word "
                "(or change the page), so that both say the same.",
            )
        context = self.ext.context
        page = self.ext.quotes_seen.setdefault(context.key or context.name, {})
        seen = page.setdefault((name, text_id), [])
        seen.append(number + context.line_offset)
        if len(seen) > 1:
            self.ext.problem(
                number,
                f"{marker} is already marked at {context.name}:{seen[0]}. Each text quotes one "
                "passage: remove one marker.",
            )

    def _of_clause(self, name: str, text_id: str) -> bool:
        kind = self.ext.package.rulebook.outcomes.ids.kind_by_marker[name]
        said = self.ext.page_policy.texts.of(kind).get(text_id)
        return said is not None and bool(said.clause)

    def _clause_bullet(self, line: str, number: int) -> str:
        marker = CLAUSE_MARKER.search(line)
        if not marker:
            return line
        clause_id = marker.group(1)
        bullet = _BULLET.match(line[: marker.start()])
        if bullet is None or line[marker.end() :].strip():
            self.ext.problem(
                number,
                f"{{clause: {clause_id}}} must end a bullet of a list, like "
                f"“- The words of the clause {{clause: {clause_id}}}”. Move it there.",
            )
            return CLAUSE_MARKER.sub("", line)
        if clause_id not in self.ext.package.rulebook.clause_ids:
            self.ext.problem(
                number,
                f"{{clause: {clause_id}}} names no rule of the self-check. "
                f"Known clauses: {', '.join(self.ext.package.rulebook.clause_ids)}. Fix the "
                "spelling; a new clause needs a developer to add its rule first.",
            )
            return CLAUSE_MARKER.sub("", line)
        # The placeholders are already filled in; a link's Markdown reads as its text.
        words = " ".join(re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", bullet.group("words")).split())
        expected = self.ext.page_policy.clause_texts.get(clause_id, "")
        if words.rstrip(".") != expected.rstrip("."):
            self.ext.problem(
                number,
                f"The bullet for clause “{clause_id}” reads “{words}” but "
                f"{self.ext.policy_file} says “{expected}”. The self-check quotes the "
                "policy.toml words, so make both the same.",
            )
        context = self.ext.context
        page = self.ext.clauses_seen.setdefault(context.key or context.name, {})
        seen = page.setdefault(clause_id, [])
        seen.append(number + self.ext.context.line_offset)
        if len(seen) > 1:
            self.ext.problem(
                number,
                f"Clause “{clause_id}” is already marked at {self.ext.context.name}:"
                f"{seen[0]}. Each clause has one bullet: remove one marker.",
            )
        return line[: marker.start()].rstrip() + " " + _STAND_IN.format(clause_id)


class QuoteAnchorTreeprocessor(Treeprocessor):
    """Gives the paragraph (or bullet) that holds a quote marker's words the anchor the
    self-check's result links to (``id="note-credit-pack-removes-credits"``); a second anchor in
    the same paragraph is an empty ``<span id>`` at its start. An earlier version's page has its
    own, so a result judged by that version links to its words."""

    def run(self, root: etree.Element) -> None:
        parents = {child: parent for parent in root.iter() for child in parent}
        anchors: dict[etree.Element, list[str]] = {}
        for node in list(root.iter()):
            for attribute in ("text", "tail"):
                value = getattr(node, attribute)
                if not value or "⟦quote:" not in value:
                    continue
                found = _QUOTE_STAND_IN_PATTERN.findall(value)
                setattr(node, attribute, _QUOTE_STAND_IN_PATTERN.sub("", value))
                holder = node if attribute == "text" else parents.get(node)
                while holder is not None and holder.tag not in _BLOCKS:
                    holder = parents.get(holder)
                if holder is not None:
                    anchors.setdefault(holder, []).extend(found)
        for block, ids in anchors.items():
            for anchor in dict.fromkeys(ids):
                if block.get("id") is None:
                    block.set("id", anchor)
                    continue
                span = etree.Element("span", {"id": anchor})
                span.tail, block.text = block.text, None
                block.insert(0, span)


class ClauseTreeprocessor(Treeprocessor):
    """Turns each marked bullet into ``<li id="clause-id">`` with a permalink, as headings have."""

    def run(self, root: etree.Element) -> None:
        for item in root.iter("li"):
            for node in item.iter():
                for attribute in ("text", "tail"):
                    value = getattr(node, attribute)
                    match = _STAND_IN_PATTERN.search(value) if value else None
                    if match and value is not None:
                        setattr(node, attribute, value[: match.start()] + value[match.end() :])
                        self._anchor(item, node if attribute == "text" else None, match.group(1))

    @staticmethod
    def _anchor(item: etree.Element, holder: etree.Element | None, clause_id: str) -> None:
        item.set("id", clause_id)
        item.set("class", "refund-clause")
        link = etree.Element(
            "a", {"class": "headerlink", "href": f"#{clause_id}", "title": "Link to this clause"}
        )
        link.text = "¶"
        # In a loose list the words sit in a <p>: put the link right after them.
        target = holder if holder is not None and holder.tag == "p" else item
        target.append(link)


class TableTreeprocessor(Treeprocessor):
    """Puts each Markdown table in a box that scrolls sideways on a phone (the theme's classes),
    which keyboard users can reach and scroll and screen readers hear named: a focusable region
    labelled by the table's heading."""

    def run(self, root: etree.Element) -> None:
        heading = ""
        for parent in list(root.iter()):
            for index, child in enumerate(list(parent)):
                if child.tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
                    heading = "".join(child.itertext()).strip()
                if child.tag != "table" or "md-typeset__table" in parent.get("class", ""):
                    continue
                label = f"{TABLE_LABEL}: {heading}" if heading else TABLE_LABEL
                outer = etree.Element("div", scroll_region(label))
                box = etree.SubElement(outer, "div", {"class": "md-typeset__table"})
                parent.remove(child)
                box.append(child)
                outer.tail, child.tail = child.tail, None
                parent.insert(index, outer)


# A table's box, as it is named to screen readers (with the heading it is under).
TABLE_LABEL = "Table"


def scroll_region(label: str) -> dict[str, str]:
    """The attributes of the box that scrolls sideways: reachable by keyboard, named."""
    return {
        "class": "md-typeset__scrollwrap",
        "tabindex": "0",
        "role": "region",
        "aria-label": label,
    }


_TEXT_ALIGN = re.compile(r"text-align:\s*(left|right|center);?")


class TableAlignTreeprocessor(Treeprocessor):
    """A table column aligned in Markdown (``|---:|``) gets a class, not the ``style="…"`` the
    tables extension writes: the site's Content-Security-Policy allows no inline style, and the
    output check refuses every ``style`` attribute (assets/policy.css aligns the classes)."""

    def run(self, root: etree.Element) -> None:
        for cell in root.iter():
            if cell.tag not in ("th", "td"):
                continue
            match = _TEXT_ALIGN.fullmatch(cell.get("style", "").strip())
            if match is None:
                continue
            del cell.attrib["style"]
            classes = cell.get("class", "").split()
            cell.set("class", " ".join([*classes, f"refund-align-{match.group(1)}"]))


class OutputCheck(Postprocessor):
    """Judges the page's HTML as a browser will parse it (policy_site/pages/safety.py), and reports
    each problem at the editor's line. The page itself is left as it is."""

    def __init__(self, md: Markdown, extension: PolicySiteExtension) -> None:
        super().__init__(md)
        self.ext = extension

    def run(self, text: str) -> str:
        ext = self.ext
        stash = self.md.htmlStash
        token = ext.trust_token
        # The blocks' HTML that the page holds, each with its block's line. (An editor cannot
        # write a placeholder: Python-Markdown removes its control characters from the source.)
        markers = {
            str(index): line
            for index, line in ext.trusted_stash.items()
            if stash.get_placeholder(index) in text
        }
        saved = list(stash.rawHtmlBlocks)
        for index in ext.trusted_stash:
            stash.rawHtmlBlocks[index] = (
                f'<{safety.MARKER} data-index="{index}" data-token="{token}"></{safety.MARKER}>'
            )
        # The page as the remaining postprocessors (raw HTML put back, "&" restored) make it.
        processors = list(self.md.postprocessors)
        checked = text
        try:
            for processor in processors[processors.index(self) + 1 :]:
                checked = processor.run(checked)
        finally:
            stash.rawHtmlBlocks[:] = saved
        used: set[tuple[int, str]] = set()
        addresses = safety.Addresses(ext.page_policy.support_email, source=ext.policy_file)
        for finding in safety.judge(checked, token=token, markers=markers, addresses=addresses):
            line = safety.locate(finding, ext.source_lines, used)
            if line is not None and line in ext.proofread_lines:
                continue  # the proofreading has said it already, in its own words
            if line is None:
                ext.problem(1, f"Somewhere on this page: {finding.message}")
            else:
                ext.problem(line, finding.message)
        return text.replace(f' {safety.TRUST_ATTRIBUTE}="{token}"', "")
