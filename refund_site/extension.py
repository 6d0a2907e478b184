"""The Markdown side of the policy site (build time only; runs in MkDocs, never in the browser).

Editors write four things in the policy's Markdown that this extension understands:

* ``{{ refund_window_days }}``: a value from the checker's ``policy.toml``;
* ``- words of a clause {clause: late-request}``: a bullet that is one of the rules' clauses:
  it gets the clause id as its HTML id and a permalink, and its words must equal the clause's;
* ``/// example | title`` … ``///``: a worked example, run through the checker at build time;
* ``/// refund-check`` / ``/// decision-summary`` (each closed by ``///``): the self-check
  widget and the table of usual outcomes for readers without JavaScript.

Every mistake is reported as ``file:line: what is wrong and what to do``, through MkDocs' logger
as a warning, so that a strict build (this site always builds strictly) fails instead of
publishing it.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from xml.etree import ElementTree as etree

from markdown import Extension, Markdown
from markdown.preprocessors import Preprocessor
from markdown.treeprocessors import Treeprocessor

from checker import CLAUSE_IDS, Policy, PolicyError, default_policy, load_policy
from refund_site import blocks

log = logging.getLogger("mkdocs.plugins.refund_policy")

CLAUSE_MARKER = re.compile(r"\{clause:\s*([^}]*?)\s*\}")
_BULLET = re.compile(r"^(?P<indent>\s*)(?:[-*+]|\d+[.)])\s+(?P<words>.*)$")
_BLOCK_START = re.compile(r"^///\s*(?P<name>[^|\s]*)\s*(?:\|\s*(?P<title>.*?))?\s*$")
_BLOCK_END = "///"
_FENCE = re.compile(r"^\s*(```|~~~)")
# Stands in for a clause marker between the preprocessor and the tree processor: characters that no
# Markdown inline pattern touches.
_STAND_IN = "⟦clause:{}⟧"
_STAND_IN_PATTERN = re.compile(r"\s*⟦clause:([a-z0-9-]+)⟧")


@dataclass
class Problem:
    page: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.page}:{self.line}: {self.message}"


class RefundPolicyExtension(Extension):
    """Placeholders, clause anchors, worked examples, the widget and the decision summary."""

    def __init__(self, **kwargs: Any) -> None:
        self.config = {
            "policy_file": ["", "policy.toml to read (default: the one shipped with the checker)"],
        }
        super().__init__(**kwargs)
        policy_file = self.getConfig("policy_file")
        self.policy: Policy = load_policy(policy_file) if policy_file else default_policy()
        # Set by the MkDocs plugin before each page; sensible defaults for plain Markdown use.
        self.page = "the page"
        self.line_offset = 0
        self.widget_settings: blocks.WidgetSettings = blocks.WidgetSettings()
        self.problems: list[Problem] = []
        self.clauses_seen: dict[str, list[tuple[str, int]]] = {}
        self.on_problem: Callable[[Problem], None] = lambda problem: log.warning(str(problem))

    def problem(self, line: int, message: str) -> None:
        """Report a mistake at ``line`` (1-based, in the Markdown given to this page)."""
        found = Problem(self.page, line + self.line_offset, message)
        self.problems.append(found)
        self.on_problem(found)

    def extendMarkdown(self, md: Markdown) -> None:
        md.registerExtension(self)
        # After whitespace normalisation (30), before fenced code (25) and raw HTML (20), so that
        # the blocks' HTML is stashed before Markdown looks at it.
        md.preprocessors.register(PolicyPreprocessor(md, self), "refund_policy", 27)
        # Before attr_list (8) and toc (5), after inline patterns (20).
        md.treeprocessors.register(ClauseTreeprocessor(md), "refund_policy_clauses", 15)


class PolicyPreprocessor(Preprocessor):
    def __init__(self, md: Markdown, extension: RefundPolicyExtension) -> None:
        super().__init__(md)
        self.ext = extension

    def run(self, lines: list[str]) -> list[str]:
        out: list[str] = []
        in_fence = False
        index = 0
        while index < len(lines):
            line = lines[index]
            number = index + 1
            if _FENCE.match(line):
                in_fence = not in_fence
            if in_fence:
                out.append(line)
                index += 1
                continue
            start = _BLOCK_START.match(line)
            if start and line.strip() != _BLOCK_END:
                index = self._block(lines, index, start, out)
                continue
            if line.strip() == _BLOCK_END:
                self.ext.problem(
                    number,
                    "This line closes a block (///) that was never opened. "
                    "Remove it, or add the opening line such as “/// example | Title”.",
                )
                index += 1
                continue
            out.append(self._clause_bullet(self._placeholders(line, number), number))
            index += 1
        return out

    def _placeholders(self, line: str, number: int, as_text: bool = False) -> str:
        values = self.ext.policy.parameters()

        def substitute(match: re.Match[str]) -> str:
            name = match.group(1)
            if name not in values:
                self.ext.problem(
                    number,
                    f"{{{{ {name} }}}} is not a policy value. Use one of: "
                    f"{', '.join('{{ ' + known + ' }}' for known in values)}, "
                    "or add the value to checker/policy.toml.",
                )
                return match.group(0)
            if name == "support_email" and not as_text:
                return f"[{values[name]}](mailto:{values[name]})"
            return values[name]

        return _PLACEHOLDER.sub(substitute, line)

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
        if clause_id not in CLAUSE_IDS:
            self.ext.problem(
                number,
                f"{{clause: {clause_id}}} names no rule of the self-check. "
                f"Known clauses: {', '.join(CLAUSE_IDS)}. Fix the spelling; a new "
                "clause needs a developer to add its rule first.",
            )
            return CLAUSE_MARKER.sub("", line)
        words = " ".join(self._placeholders(bullet.group("words"), number, True).split())
        expected = self.ext.policy.clause_texts.get(clause_id, "")
        if words.rstrip(".") != expected.rstrip("."):
            self.ext.problem(
                number,
                f"The bullet for clause “{clause_id}” reads “{words}” but "
                f"checker/policy.toml says “{expected}”. The self-check quotes the "
                "policy.toml words, so make both the same.",
            )
        self.ext.clauses_seen.setdefault(clause_id, []).append((self.ext.page, number))
        if len(self.ext.clauses_seen[clause_id]) > 1:
            first_page, first_line = self.ext.clauses_seen[clause_id][0]
            self.ext.problem(
                number,
                f"Clause “{clause_id}” is already marked at {first_page}:"
                f"{first_line}. Each clause has one bullet: remove one marker.",
            )
        return line[: marker.start()].rstrip() + " " + _STAND_IN.format(clause_id)

    def _block(self, lines: list[str], index: int, start: re.Match[str], out: list[str]) -> int:
        name, title = start.group("name"), (start.group("title") or "").strip()
        first = index + 1
        end = first
        while end < len(lines) and lines[end].strip() != _BLOCK_END:
            if _BLOCK_START.match(lines[end]) and lines[end].strip() != _BLOCK_END:
                break
            end += 1
        if end >= len(lines) or lines[end].strip() != _BLOCK_END:
            self.ext.problem(
                index + 1,
                f"The “/// {name}” block is not closed. Add a line with only "
                "/// after its last line.",
            )
            return end if end > first else first
        body = [(number + 1, lines[number]) for number in range(first, end)]
        html = self._render_block(name, title, index + 1, body)
        if html is not None:
            out.extend(["", self.md.htmlStash.store(html), ""])
        return end + 1

    def _render_block(
        self, name: str, title: str, line: int, body: list[tuple[int, str]]
    ) -> str | None:
        report = self.ext.problem
        if name == "example":
            return blocks.render_example(self.ext.policy, title, line, body, report)
        if name in ("refund-check", "decision-summary"):
            if any(text.strip() for _, text in body):
                report(line, f"The “/// {name}” block takes no lines inside. Remove them.")
            if name == "refund-check":
                return blocks.render_widget(self.ext.policy, self.ext.widget_settings)
            return blocks.render_summary(self.ext.policy)
        report(
            line,
            f"“/// {name}” is not a block this site knows. Use “/// example | Title”, "
            "“/// refund-check” or “/// decision-summary”.",
        )
        return None


_PLACEHOLDER = re.compile(r"\{\{\s*([^}]*?)\s*\}\}")


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


def makeExtension(**kwargs: Any) -> RefundPolicyExtension:
    """Entry point for ``markdown.Markdown(extensions=["refund_site.extension"])``."""
    try:
        return RefundPolicyExtension(**kwargs)
    except PolicyError as error:
        raise ValueError(str(error)) from error
