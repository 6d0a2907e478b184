"""What an editor is likely to get wrong in the policy's Markdown (build time only).

Each function reads the editor's text (with fenced code and code spans already blanked out, so a
sample shown as code is never judged) and returns ``(line, message)`` pairs, or messages for one
line. The Markdown extension reports them as ``file:line: message``; under ``strict`` each stops
the build.

* :func:`unsafe_markup`: HTML that could run (``<script>``, event handlers, ``javascript:`` links),
  embed another site (``<iframe>``, ``<object>``) or restyle the page (``<style>``, ``style=``), and
  any tag beyond a short list of harmless inline ones (:data:`ALLOWED_HTML`).
* :func:`malformed_placeholders`: ``{{ last_updated }`` with one brace, ``{refund_window_days}``.
* :func:`literal_values`: "7 days" typed where ``{{ refund_window_days }} days`` belongs, which
  would go on saying 7 after the policy changes. ``{literal: 7 days}`` marks a number meant to
  stay.
"""

from __future__ import annotations

import html
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from markdown.inlinepatterns import AUTOLINK_RE, AUTOMAIL_RE

from policy_engine.policy import (
    PLACEHOLDER,
    Lines,
    Parameter,
    Policies,
    Policy,
    PolicyError,
    closest,
    context_words,
    display_name,
    long_date,
    ordered,
    parameters_of,
)

# The HTML an editor may write in the policy's Markdown, and the attributes each tag may carry
# (besides title, lang and dir, which any of them may). All of it is inline and inert: it cannot
# run, load anything or change the page's look beyond the site's own styles.
ALLOWED_HTML: dict[str, frozenset[str]] = {
    "a": frozenset({"href"}),
    "abbr": frozenset(),
    "b": frozenset(),
    "br": frozenset(),
    "cite": frozenset(),
    "code": frozenset(),
    "del": frozenset(),
    "em": frozenset(),
    "i": frozenset(),
    "ins": frozenset(),
    "kbd": frozenset(),
    "mark": frozenset(),
    "q": frozenset(),
    "s": frozenset(),
    "small": frozenset(),
    "strong": frozenset(),
    "sub": frozenset(),
    "sup": frozenset(),
    "time": frozenset({"datetime"}),
    "u": frozenset(),
    "wbr": frozenset(),
}
ANY_TAG_ATTRIBUTES = frozenset({"title", "lang", "dir"})
# Where a link may go: the web, an email address, or this site (no scheme).
SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
_EMBEDS = frozenset({"iframe", "object", "embed", "frame", "frameset", "applet", "portal"})
_URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "xlink:href", "cite"})
_SCHEME = re.compile(r"^([a-z][a-z0-9+.-]*):")
# What browsers ignore in a URL before reading its scheme: "java\tscript:" is "javascript:".
_IGNORED_IN_URLS = re.compile(r"[\x00-\x20\x7f]+")

# Markdown's links and images: [words](destination "title"), and reference definitions.
_INLINE_LINK = re.compile(r"\]\(\s*<?(?P<url>[^\s)>]*)")
_REFERENCE = re.compile(r"^ {0,3}\[[^\]]+\]:\s*<?(?P<url>[^\s>]+)", re.MULTILINE)
_AUTOLINK = re.compile(AUTOLINK_RE)
_AUTOMAIL = re.compile(AUTOMAIL_RE)


def _allowed_list() -> str:
    return ", ".join(f"<{tag}>" for tag in ALLOWED_HTML)


def unsafe_link(url: str) -> str | None:
    """Why a link to ``url`` is not allowed, or None."""
    seen = _IGNORED_IN_URLS.sub("", html.unescape(url)).lower()
    scheme = _SCHEME.match(seen)
    if scheme is None or scheme.group(1) in SAFE_SCHEMES:
        return None
    shown = url if len(url) <= 40 else url[:40] + "…"
    return (
        f"the link “{shown}” is not allowed: a link goes to a web address (https://…), an email "
        "address (mailto:…) or a page of this site. Write one of those instead."
    )


class _MarkupReader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str]] = []

    def _problem(self, message: str) -> None:
        self.found.append((self.getpos()[0], message))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self._problem(
                "<script> is not allowed in the policy's pages: a script here would run in every "
                "visitor's browser. Remove it; new behaviour for the page is a developer's change."
            )
            return
        if tag == "style":
            self._problem(
                "<style> is not allowed in the policy's pages: the site's look comes from its "
                "stylesheet. Remove it, and ask a developer if the page needs a new style."
            )
            return
        if tag in _EMBEDS:
            self._problem(
                f"<{tag}> is not allowed in the policy's pages: they show nothing from other "
                "sites. Link to it instead, like [its title](https://…)."
            )
            return
        allowed = ALLOWED_HTML.get(tag)
        if allowed is None:
            self._problem(
                f"<{tag}> is not allowed in the policy's pages. Write it in Markdown; the HTML "
                f"the pages may hold is {_allowed_list()}."
            )
            return
        for name, value in attrs:
            if name.startswith("on"):
                self._problem(
                    f'{name}="…" on <{tag}> is not allowed: an event handler is a script. '
                    "Remove the attribute."
                )
            elif name == "style":
                self._problem(
                    f'style="…" on <{tag}> is not allowed: the site\'s look comes from its '
                    "stylesheet. Remove the attribute."
                )
            elif name in _URL_ATTRIBUTES and (why := unsafe_link(value or "")):
                self._problem(why[0].upper() + why[1:])
            elif name not in allowed and name not in ANY_TAG_ATTRIBUTES:
                may = sorted(allowed | ANY_TAG_ATTRIBUTES)
                self._problem(
                    f'{name}="…" on <{tag}> is not allowed; <{tag}> may only have '
                    f"{', '.join(may)}. Remove the attribute."
                )

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_decl(self, decl: str) -> None:
        self._problem(f"“<!{decl}>” is not allowed in the policy's pages. Remove it.")

    def unknown_decl(self, data: str) -> None:
        self.handle_decl(data)

    def handle_pi(self, data: str) -> None:
        self._problem(f"“<?{data}>” is not allowed in the policy's pages. Remove it.")


def unsafe_markup(text: str) -> list[tuple[int, str]]:
    """Each piece of HTML or link in ``text`` that is not allowed, by 1-based line."""
    found: list[tuple[int, str]] = []

    def line_of(position: int) -> int:
        return text.count("\n", 0, position) + 1

    for pattern in (_INLINE_LINK, _REFERENCE, _AUTOLINK):
        for match in pattern.finditer(text):
            url = match.group("url") if "url" in pattern.groupindex else match.group(1)
            if why := unsafe_link(url):
                found.append((line_of(match.start()), why[0].upper() + why[1:]))

    # Autolinks are links, not tags: out of the HTML reader's way (same length, same lines).
    def blank(match: re.Match[str]) -> str:
        return re.sub(r"[^\n]", " ", match.group(0))

    markup = _AUTOMAIL.sub(blank, _AUTOLINK.sub(blank, text))
    reader = _MarkupReader()
    reader.feed(markup)
    reader.close()
    return sorted(set(found + reader.found))


# Placeholders written almost right ---------------------------------------------------------------

_ONE_CLOSING = re.compile(r"(?<!\{)\{\{\s*(?P<name>[\w .-]+?)\s*\}(?!\})")
_ONE_OPENING = re.compile(r"(?<!\{)\{\s*(?P<name>[\w .-]+?)\s*\}\}(?!\})")
_SINGLE = re.compile(r"(?<!\{)\{\s*(?P<name>[\w .-]+?)\s*\}(?!\})")


def malformed_placeholders(line: str, policy: Policy) -> list[str]:
    """What in ``line`` looks like a placeholder but is not one, with the one to write."""
    names = policy.parameters()
    rest = PLACEHOLDER.sub(lambda m: " " * len(m.group(0)), line)
    found = []
    for pattern, what in (
        (_ONE_CLOSING, "has one closing brace"),
        (_ONE_OPENING, "has one opening brace"),
        (_SINGLE, "has single braces"),
    ):
        for match in pattern.finditer(rest):
            name = match.group("name")
            meant = name if name in names else closest(name, names)
            if meant is None and pattern is _SINGLE:
                continue  # {like this}: braces in prose, not a placeholder
            write = f"{{{{ {meant} }}}}" if meant else "{{ name }} with a name from policy.toml"
            found.append(
                f"“{match.group(0)}” {what}, so it would be shown as it is. Write {write}."
            )
            rest = rest[: match.start()] + " " * len(match.group(0)) + rest[match.end() :]
    if "{{" in rest or "}}" in rest:
        found.append(
            "“{{” or “}}” without a placeholder: a placeholder is {{ name }}, with two braces on "
            "each side and a name from policy.toml."
        )
    return found


# Policy values typed as numbers ------------------------------------------------------------------

LITERAL = re.compile(r"\{literal:\s*(?P<words>[^{}]*?)\s*\}")
_WORDS = [
    *("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"),
    *("eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen"),
    *("eighteen", "nineteen", "twenty"),
]
_NUMBER = r"(\d+|" + "|".join(_WORDS) + "|thirty)"
_DAY = r"(?:\s+|-)(?:(?:calendar|business|working)\s+)?days?\b"
_RANGE = re.compile(rf"(?<![\w.{{}}]){_NUMBER}\s*(?:–|—|-|to)\s*{_NUMBER}{_DAY}", re.IGNORECASE)
_SINGLE_DAYS = re.compile(rf"(?<![\w.{{}}–—-]){_NUMBER}{_DAY}", re.IGNORECASE)
_REQUESTS = re.compile(
    rf"(?<![\w.{{}}–—-]){_NUMBER}\s+(?:\w+\s+)?(?:requests?|times)\b", re.IGNORECASE
)


@dataclass(frozen=True)
class Numbers:
    """The policy's values that prose states with a unit, and the ranges it states as "5 to 10
    days", read from the values' declarations (checker/policy.py)."""

    days: tuple[str, ...]
    counts: tuple[str, ...]
    ranges: tuple[tuple[str, str], ...]
    context: dict[str, tuple[str, ...]]


def numbers(parameters: tuple[Parameter, ...]) -> Numbers:
    return Numbers(
        days=tuple(p.name for p in parameters if p.kind == "days"),
        counts=tuple(p.name for p in parameters if p.kind == "count"),
        ranges=tuple((low.name, high.name) for low, high in ordered(parameters)),
        context=context_words(parameters),
    )


def _number(word: str) -> int:
    word = word.lower()
    if word.isdigit():
        return int(word)
    return 30 if word == "thirty" else _WORDS.index(word)


def about(line: str, name: str, context: dict[str, tuple[str, ...]]) -> bool:
    """Whether ``line`` is about the value ``name``: it holds one of the value's ``context``
    words (declared with the value in checker/policy.py), not only a number that equals it."""
    text = " ".join(re.findall(r"[a-z]+", line.lower()))
    return any(re.search(rf"(?<![a-z]){re.escape(start)}", text) for start in context.get(name, ()))


def literal_values(line: str, policy: Policy, others: Sequence[Policy] = ()) -> list[str]:
    """Each policy value in ``line`` typed as a number beside its unit, with what to write.

    A number is tied to a value (and the placeholder suggested) only when the line is about that
    value (:func:`about`); a number that only happens to equal one is told to be marked
    ``{literal: …}``, the first thing the message suggests.

    ``policy`` is the version whose page the line is on; ``others`` are the policy's other
    versions: a number equal to one of *their* values (and not to this version's) is the same
    mistake, and worse, since the page already says another version's number ("within 7 days"
    on the page of a 14-day version)."""
    declared = numbers(parameters_of(policy))
    names = declared.days + declared.counts
    values = {name: int(policy.value_of(name)) for name in names}
    found = _literal_findings(line, values, declared, "")
    for other in others:
        theirs = {name: int(other.value_of(name)) for name in names}
        differ = {name: value for name, value in theirs.items() if value != values[name]}
        if differ:
            found += _literal_findings(line, differ, declared, long_date(other.effective), values)
    return found


def _literal_findings(
    line: str,
    values: dict[str, int],
    declared: Numbers,
    version: str,
    own: dict[str, int] | None = None,
) -> list[str]:
    """:func:`literal_values` for one version's ``values`` (``version``: its date in words, for
    another version than the page's, whose ``own`` values the messages then give too)."""
    text = LITERAL.sub(lambda m: " " * len(m.group(0)), line)
    text = PLACEHOLDER.sub(lambda m: " " * len(m.group(0)), text)
    found = []
    for match in _RANGE.finditer(text):
        pair = (_number(match.group(1)), _number(match.group(2)))
        for low, high in declared.ranges:
            if low not in values or high not in values or pair != (values[low], values[high]):
                continue
            if not (about(line, low, declared.context) or about(line, high, declared.context)):
                found.append(
                    _by_chance(match.group(0), [low, high], declared.context, pair[0], pair[1])
                )
            else:
                found.append(
                    _typed(
                        match.group(0),
                        f"{low} and {high} ({pair[0]} and {pair[1]})",
                        f"{{{{ {low} }}}}–{{{{ {high} }}}} days",
                    )
                )
            if version:
                found[-1] = _of_another(found[-1], version, [low, high], own)
            text = text[: match.start()] + " " * len(match.group(0)) + text[match.end() :]
    for pattern, names in ((_SINGLE_DAYS, declared.days), (_REQUESTS, declared.counts)):
        for match in pattern.finditer(text):
            number = _number(match.group(1))
            same = [name for name in names if values.get(name) == number]
            if not same:
                continue
            written = match.group(0)
            meant = [name for name in same if about(line, name, declared.context)]
            if not meant:
                found.append(_by_chance(written, same, declared.context, number))
            else:
                instead = written.replace(match.group(1), f"{{{{ {meant[0]} }}}}", 1)
                found.append(
                    _typed(written, " or ".join(f"{n} ({number})" for n in meant), instead)
                )
                same = meant
            if version:
                found[-1] = _of_another(found[-1], version, same, own)
    return found


def _of_another(message: str, version: str, names: list[str], own: dict[str, int] | None) -> str:
    """A message of :func:`_literal_findings` about another version's value, saying whose it is
    and what this page's version says instead."""
    mine = " and ".join(f"{name} is {(own or {}).get(name)}" for name in names)
    return (
        message.replace("policy.toml's ", f"the version of {version}'s ", 1)
        + f" This page shows a later or earlier version, whose {mine}: each page says the "
        "values of its own version."
    )


def _by_chance(
    written: str, names: list[str], context_of: dict[str, tuple[str, ...]], *numbers: int
) -> str:
    """The message for a number that equals a value on a line that is not about it."""
    each = numbers if len(numbers) == len(names) else numbers[:1] * len(names)
    shown = " and ".join(f"{name} ({number})" for name, number in zip(names, each, strict=True))
    context = list(dict.fromkeys(word for name in names for word in context_of.get(name, ())))
    return (
        f"“{written}” happens to equal policy.toml's {shown}. If it must stay as written whatever "
        f"the policy says, write {{literal: {written}}}. If it is about that value, say so on the "
        f"line (words such as {', '.join(context[:3])}) and the build will name its placeholder."
    )


def _typed(written: str, values: str, instead: str) -> str:
    return (
        f"“{written}” is policy.toml's {values} typed as a number, so it would not change when "
        f"policy.toml does. Write “{instead}”; if it must stay as it is whatever the policy "
        f"says, write {{literal: {written}}}."
    )


# The clause words in policy.toml -----------------------------------------------------------------


def policy_file_problems(path: Path, policies: Policies) -> list[str]:
    """The same proofreading for the clause words of each version in ``path``, which the page's
    bullets must repeat: ``policy.toml:LINE: in clause …, what to write``."""
    text = path.read_text(encoding="utf-8")
    lines = Lines(text)
    name = display_name(path)
    found = []
    tables = tomllib.loads(text).get("versions", [])
    for index, (table, version) in enumerate(zip(tables, policies.versions, strict=False)):
        for clause_id, entry in (table.get("clauses") or {}).items():
            # id = "words", or a clause's section with its text.
            words = entry.get("text") if isinstance(entry, dict) else entry
            if not isinstance(words, str):
                continue
            at = lines.of("versions", index, "clauses", clause_id, "text")
            messages = [message for _, message in unsafe_markup(words)]
            messages += malformed_placeholders(words, version)
            messages += literal_values(words, version)
            found += [f"{name}:{at}: in clause {clause_id}, {message}" for message in messages]
    return found


# Lists of clauses ---------------------------------------------------------------------------------

_CLAUSE_IN_LINE = re.compile(r"\{clause:\s*[^}]*\}")
_LIST_ITEM = re.compile(r"^(?P<indent>[ \t]*)(?:[-*+]|\d+[.)])[ \t]+(?P<words>\S.*)$")
_SECTION_HEADING = re.compile(r"^ {0,3}#{1,6}[ \t]+(?P<title>.+?)[ \t#]*$")
# What ends every open list whatever its indent: a heading, a ``///`` block's line, a table row.
_LIST_BREAK = re.compile(r"^ {0,3}(#{1,6}[ \t]|///|\|)")


@dataclass
class _ListOfBullets:
    """One Markdown list (bullets at one indent) as the proofreading reads it."""

    heading: str
    bullets: list[tuple[int, str, bool]]  # (1-based line, words, whether it holds a clause marker)


def _indent(text: str) -> int:
    return len(text.expandtabs(4))


def _lists(lines: list[str]) -> list[_ListOfBullets]:
    """The page's lists, each a run of bullets at one indent (a nested list is a list of its own):
    a list goes on across blank lines and a bullet's continuation lines, and ends at a line that
    is less indented than its bullets' words after a blank line, or at a heading or a block."""
    found: list[_ListOfBullets] = []
    open_lists: dict[int, _ListOfBullets] = {}  # by the indent of their bullets
    heading = ""
    blank_before = False
    for index, line in enumerate(lines):
        if not line.strip():
            blank_before = True
            continue
        title = _SECTION_HEADING.match(line)
        if title is not None:
            heading = title.group("title")
        item = _LIST_ITEM.match(line)
        indent = _indent(line) - _indent(line.lstrip())
        if _LIST_BREAK.match(line):
            open_lists.clear()
        elif item is not None:
            indent = _indent(item.group("indent"))
            for deeper in [level for level in open_lists if level > indent]:
                del open_lists[deeper]
            if indent not in open_lists:
                open_lists[indent] = _ListOfBullets(heading, [])
                found.append(open_lists[indent])
            words = item.group("words")
            open_lists[indent].bullets.append(
                (index + 1, words, _CLAUSE_IN_LINE.search(words) is not None)
            )
        elif blank_before:
            # A paragraph after a blank line belongs to the bullets it is indented under.
            for level in [level for level in open_lists if level >= indent]:
                del open_lists[level]
        blank_before = False
    return found


def _plain_words(text: str, policy: Policy) -> str:
    """``text``'s words as a reader reads them, lowercase: placeholders filled, links' text."""

    def value(found: re.Match[str]) -> str:
        try:
            return policy.value_of(found.group("name"))
        except PolicyError:
            return found.group("name")

    text = PLACEHOLDER.sub(value, _CLAUSE_IN_LINE.sub("", text))
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
    return " ".join(re.findall(r"[a-z0-9]+", text.lower()))


def unmarked_clause_bullets(
    lines: list[str], policy: Policy, policy_file: str = "policy.toml"
) -> list[tuple[int, str]]:
    """Each bullet without a ``{clause: id}`` marker in a list where other bullets have one (the
    "Usually Eligible" and "Usually Not Eligible" lists), by 1-based line, with what to write.

    Such a bullet reads to a customer as one of the policy's clauses, but the self-check knows
    only marked bullets: it would never ask about it, nor cite it. ``lines`` are the page's, with
    fenced code and code spans blanked."""
    found = []
    by_words = {
        _plain_words(words, policy): clause_id for clause_id, words in policy.clause_texts.items()
    }
    for listed in _lists(lines):
        if not any(marked for _, _, marked in listed.bullets):
            continue
        where = f"the list under “{listed.heading}”" if listed.heading else "this list"
        for number, words, marked in listed.bullets:
            if marked:
                continue
            known = by_words.get(_plain_words(words, policy))
            write = (
                f"These are the words of clause {known}: end the bullet with {{clause: {known}}}."
                if known
                else f"End it with {{clause: id}}, where id names a clause of {policy_file} "
                "(its [versions.clauses.<id>] with the same words; a new clause is added there "
                "first, in a new version: EDITING.md, “Add or remove a clause”)."
            )
            found.append(
                (
                    number,
                    f"This bullet is in {where}, a list of the policy's clauses, but it has no "
                    "clause marker, so the self-check would never ask about it nor cite it, and "
                    f"customers would read one thing on the page and get another answer. {write} "
                    "If it is not a clause, write it as a sentence before or after the list.",
                )
            )
    return found
