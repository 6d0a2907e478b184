"""The policy page's blocks: worked examples, the self-check, the decision summary.

Build time only. One class per ``///`` block, on pymdown-extensions' blocks API: each takes its
raw lines, checks them, asks the checker, and fills a Jinja template (which escapes everything:
nothing trusts the Markdown). Everything shown comes from the checker (its questions, rules,
words and results), so the page and the self-check cannot drift apart.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any, ClassVar
from xml.etree import ElementTree as etree

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from pymdownx.blocks.block import Block

from policy_engine import words
from policy_engine.advice import blank_email, effect_words
from policy_engine.answers import InvalidAnswers
from policy_engine.policy import Policies, Policy, long_date
from policy_engine.questions import MAX_COUNT, Asker, Kind
from policy_engine.result import Result
from policy_engine.rules import Rulebook
from policy_engine.summary import SummaryLayout
from policy_site.pages import versions
from policy_site.pages.page import BlockHost, PageRole

TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=True,
    undefined=StrictUndefined,
)
# tojson (the decision table in the page): compact, as every byte is the customer's to download.
TEMPLATES.policies["json.dumps_kwargs"] = {"sort_keys": True, "separators": (",", ":")}

EXPECT_KEY = "expect"
NOTE_KEY = "note"
SUMMARY_ID = "decision-summary"
WIDGET_ID = "check"


class PolicyBlock(Block):
    """A block of ours: its lines are raw text, and its problems name their line."""

    def on_init(self) -> None:
        self.ext: BlockHost = self.config["extension"]
        self.line = self.ext.next_block_line(self.NAME)

    def on_markdown(self) -> str:
        return "raw"

    def report(self, message: str, line: int | None = None) -> None:
        self.ext.problem(line or self.line, message)

    def lines(self, block: etree.Element) -> list[tuple[int, str]]:
        """The block's lines, each with its line number in the page."""
        text = block.text or ""
        return [(self.line + 1 + index, line) for index, line in enumerate(text.splitlines())]

    def replace(self, block: etree.Element, html: str) -> None:
        """Put ``html`` where the block's raw lines were (stashed: Markdown leaves it alone)."""
        block.text = self.ext.trusted_html(self.md, html, self.line)


class ExampleBlock(PolicyBlock):
    """``/// example | Title``: answers, ``expect:`` and an optional ``note:``, one per line."""

    NAME = "example"
    ARGUMENT = None  # the title: required, but reported here rather than ignored by the parser

    def on_create(self, parent: etree.Element) -> etree.Element:
        return etree.SubElement(
            parent,
            "div",
            {"class": "admonition example policy-example", **self.ext.trusted_attributes()},
        )

    def on_end(self, block: etree.Element) -> None:
        title = (self.argument or "").strip()
        rendered = render_example(self, title, self.lines(block))
        if rendered is None:
            block.text = ""
            return
        verdict, role, html = rendered
        block.set("data-verdict", verdict)
        block.set("data-role", role)
        self.replace(block, html)


class PolicyCheckBlock(PolicyBlock):
    """``/// policy-check``: the self-check, with its heading in the page's contents."""

    NAME = "policy-check"
    ARGUMENT = False

    def on_create(self, parent: etree.Element) -> etree.Element:
        if self.ext.context.role != PageRole.CURRENT:
            # One self-check, on the current policy: it judges every purchase by its version.
            # It takes the self-check's id, so the page's own "#check" links lead to it.
            pointer = etree.SubElement(parent, "div", {"class": "admonition tip", "id": WIDGET_ID})
            title = etree.SubElement(pointer, "p", {"class": "admonition-title"})
            title.text = self.ext.page_policy.texts.self_check["heading"]
            return etree.SubElement(pointer, "p")
        settings = self.ext.context.widget
        if not settings.shipped:
            # No self-check to mount (the site was built without the plugin that ships it): a
            # plain note, under the same heading and id, so the page's "#check" links still land.
            note = etree.SubElement(parent, "div", {"class": "admonition note"})
            title = etree.SubElement(note, "p", {"class": "admonition-title", "id": WIDGET_ID})
            title.text = self.ext.page_policy.texts.self_check["heading"]
            return etree.SubElement(note, "p")
        section = etree.SubElement(
            parent,
            "section",
            {
                "class": "policy-check",
                "data-policy-check": "",
                "data-state": "idle",
                "data-runtime": settings.runtime,
                "data-lock": settings.lock,
                "data-stdlib": settings.stdlib,
                "data-wheel": settings.wheel,
                "data-wheel-sha256": settings.wheel_sha256,
                "data-decisions": settings.decisions,
                "data-package": settings.package,
                "data-module": settings.module,
                "data-worker": settings.worker,
                "data-stall-timeout": str(settings.stall_timeout_ms),
                "data-start-timeout": str(settings.start_timeout_ms),
                "data-downloads": json.dumps(settings.downloads, sort_keys=True),
                "aria-labelledby": WIDGET_ID,
                **self.ext.trusted_attributes(),
            },
        )
        heading = etree.SubElement(section, "h2", {"id": WIDGET_ID})
        heading.text = self.ext.page_policy.texts.self_check["heading"]
        return etree.SubElement(section, "div", {"class": "policy-check__body"})

    def on_end(self, block: etree.Element) -> None:
        if (block.text or "").strip():
            self.report(f"The “/// {self.NAME}” block takes no lines inside. Remove them.")
        if self.ext.context.role != PageRole.CURRENT:
            self.replace(block, render_pointer(self.ext.context.current_url, self.ext.page_policy))
            return
        if not self.ext.context.widget.shipped:
            self.replace(block, render_unavailable(self.ext.package.rulebook, self.ext.page_policy))
            return
        self.replace(
            block,
            render_widget(
                self.ext.package.rulebook,
                self.ext.page_policy,
                self.ext.context.version_urls,
                decision_table=self.ext.context.widget.decision_table,
            ),
        )


class DecisionSummaryBlock(PolicyBlock):
    """``/// decision-summary``: the usual outcomes, for readers without JavaScript."""

    NAME = "decision-summary"
    ARGUMENT = False

    def on_create(self, parent: etree.Element) -> etree.Element:
        return etree.SubElement(parent, "div", {"class": "policy-summary", "id": SUMMARY_ID})

    def on_end(self, block: etree.Element) -> None:
        if (block.text or "").strip():
            self.report(f"The “/// {self.NAME}” block takes no lines inside. Remove them.")
        self.replace(block, render_summary(self))


class PolicyHistoryBlock(PolicyBlock):
    """``/// policy-history``: every version, newest first, with what changed and a link to it."""

    NAME = "policy-history"
    ARGUMENT = False

    def on_create(self, parent: etree.Element) -> etree.Element:
        return etree.SubElement(parent, "div", {"class": "policy-history"})

    def on_end(self, block: etree.Element) -> None:
        if (block.text or "").strip():
            self.report(f"The “/// {self.NAME}” block takes no lines inside. Remove them.")
        block.text = ""
        context = self.ext.context
        policies = self.ext.policies
        # Each version's words, section by section, from its page (the whole text is compared).
        texts: dict[str, list[tuple[str, str]]] = {}
        docs = self.ext.docs_dir
        for version in policies.versions if docs is not None else ():
            # The policy's own page and history folder (docs/index.md's, or another policy's).
            page = (
                versions.page_file(docs, policies, version, self.ext.package.page)
                if docs is not None
                else None
            )
            if page is not None:
                texts[version.effective.isoformat()] = versions.policy_sections(
                    page.read_text(encoding="utf-8"), version
                )
        listed = list(policies.versions)
        for index in reversed(range(len(listed))):
            version = listed[index]
            before = listed[index - 1] if index else None
            iso = version.effective.isoformat()
            heading = etree.SubElement(block, "h2", {"id": f"version-{iso}"})
            heading.text = long_date(version.effective)
            body = etree.SubElement(block, "div", {"class": "policy-history__version"})
            body.text = self.ext.trusted_html(
                self.md,
                render_version_history(
                    policies,
                    version,
                    before,
                    context.today,
                    context.version_urls.get(iso, context.current_url),
                    text=(
                        versions.text_changes(texts[before.effective.isoformat()], texts[iso])
                        if before is not None
                        and before.effective.isoformat() in texts
                        and iso in texts
                        else []
                    ),
                ),
                self.line,
            )


BLOCKS: tuple[type[PolicyBlock], ...] = (
    ExampleBlock,
    PolicyCheckBlock,
    DecisionSummaryBlock,
    PolicyHistoryBlock,
)


# Worked examples ---------------------------------------------------------------------------------


def _example_value(text: str) -> object:
    """A value as an editor writes it: true/false and whole numbers are typed, the rest is text."""
    if text in ("true", "false"):
        return text == "true"
    if text.isascii() and text.isdigit():
        return int(text)
    return text


def render_example(
    block: PolicyBlock, title: str, body: list[tuple[int, str]]
) -> tuple[str, str, str] | None:
    """Check one example against the checker; its verdict, the verdict's role and its HTML, or
    None if it is broken."""
    name = f"The example “{title}”" if title else "This example"
    # The answers the example may expect: its policy's own outcomes ([outcomes.<id>]).
    verdicts = tuple(block.ext.page_policy.texts.decision.outcomes)
    if not title:
        block.report("An example needs a title: write “/// example | A short title”.")
    answers: dict[str, object] = {}
    lines_of: dict[str, int] = {}
    expect: str | None = None
    note = ""
    for number, text in body:
        if not text.strip():
            continue
        key, colon, value = text.partition(":")
        key, value = key.strip(), value.strip()
        if not colon or not key or not value:
            block.report(
                f"{name}: write each line as “name: value”, for example “credits_used: none”.",
                number,
            )
            continue
        if key == EXPECT_KEY:
            if value not in verdicts:
                block.report(f"{name}: expect must be one of {', '.join(verdicts)}.", number)
            expect = value
        elif key == NOTE_KEY:
            note = value
        elif key in answers:
            block.report(f"{name}: {key} is given twice. Keep one line.", number)
        else:
            answers[key] = _example_value(value)
            lines_of[key] = number
    if expect is None:
        block.report(
            f"{name} has no “expect:” line. Add one with the verdict you expect: "
            f"{', '.join(verdicts)}."
        )
    if "request_date" not in answers:
        block.report(
            f"{name} has no request_date, so its verdict would change with the date "
            "of the build. Add “request_date: YYYY-MM-DD”."
        )
        return None
    try:
        # Judged on the day it asks about, by the contract's rules (a link's: defaults apply).
        today = date.fromisoformat(str(answers["request_date"]))
        # By the version in force on its purchase date, as the self-check and the CLI judge it
        # (one rule everywhere): the same answers get the same verdict on every page and day.
        result = block.ext.package.check(answers, policy=block.ext.policies, today=today)
    except (InvalidAnswers, ValueError) as invalid:
        errors = invalid.errors if isinstance(invalid, InvalidAnswers) else []
        for error in errors or [{"field": "request_date", "message": "Not a real date."}]:
            where = lines_of.get(error["field"])
            block.report(f"{name}: {error['field']}: {error['message']}", where)
        return None
    if expect in verdicts and result.verdict != expect:
        because = ", ".join(clause.id for clause in result.clauses) or "no clause applies"
        block.report(
            f"{name} expects {expect} but the checker says {result.verdict} "
            f"({because}). Change the example's answers or its expect line; if the rules are "
            "wrong, ask a developer."
        )
    # Judged by the version in force on the policy's version date (a purchase's, an order's).
    judged = block.ext.policies.in_force(getattr(result.answers, block.ext.policies.version_date))
    html = TEMPLATES.get_template("example.html").render(
        title=title,
        note=note,
        result=result,
        link=_example_link(block, result),
        # Its clauses are on the page of the version that judged it: this page's own, the
        # current policy's, or that version's page under /history/.
        policy_page=_clause_page(block, judged),
        judged_by=judged_by(block.ext.policies, judged, block.ext.page_policy, block.ext.context),
        # The answers the editor wrote, in the checker's words: what the example is about (its
        # link carries the defaults too, and the self-check shows them).
        written=[line for line in result.recap if line["field"] in answers],
        effect_words={
            effect: effect_words(block.ext.page_policy, effect).lower()
            for effect in block.ext.page_policy.texts.decision.effects
        },
    )
    return result.verdict, result.role, html


def _example_link(block: PolicyBlock, result: Result) -> str | None:
    """The link that opens the self-check with the example's answers. The self-check judges them
    as the example does (by the version in force on the purchase date), but it takes no request
    dated after the day the site is built for: such an example has no link until that day."""
    context = block.ext.context
    if getattr(result.answers, "request_date") > context.today:  # noqa: B009
        return None
    return result.link if context.role == PageRole.CURRENT else context.current_url + result.link


def _clause_page(block: PolicyBlock, judged: Policy) -> str:
    """Where the clauses of the version that judged an example have their bullets, relative to
    the page: "" for this page, else the current policy's page or that version's own page."""
    context = block.ext.context
    if judged is block.ext.page_policy and context.role != PageRole.OTHER:
        return ""
    return context.version_urls.get(judged.effective.isoformat(), context.current_url)


def judged_by(policies: Policies, judged: Policy, page: Policy, context: Any) -> str:
    """The sentence an example shows when the version that judged it (the one in force on its
    purchase date) is not the one its page shows: which version, and when it is in force, in the
    policy's words ([words] thing_date)."""
    if judged is page:
        return ""
    since = long_date(judged.effective)
    kind = versions.status(policies, judged, context.today)
    if kind == versions.COMING:
        when = f"the version that comes into effect on {since}"
    elif kind == versions.CURRENT:
        when = f"the current version, in force since {since}"
    else:
        last = versions.until(policies, judged)
        when = f"the version in force from {since}" + (f" until {long_date(last)}" if last else "")
    return f"Judged by the policy in force on its {page.texts.words.thing_date}: {when}."


# The self-check ----------------------------------------------------------------------------------


def render_pointer(current_url: str, policy: Policy) -> str:
    """Where a version's own page has the self-check: the current policy's, said in the
    policy's words."""
    return TEMPLATES.get_template("pointer.html").render(
        words=words, said=words.self_check_words(policy.texts.words), current_url=current_url
    )


# In place of the self-check on a site built without the plugin that ships it (build time only:
# the published site, built with the plugin, never shows it), followed by the way out that the
# self-check offers when it cannot start.
UNAVAILABLE = "The self-check is not part of this copy of the page. You can still"


def render_unavailable(rulebook: Rulebook, policy: Policy) -> str:
    """What the self-check's place says where no self-check was shipped: how to write to
    support, and where the page says what usually applies."""
    return TEMPLATES.get_template("self_check_unavailable.html").render(
        words=words,
        unavailable=UNAVAILABLE,
        blank_mailto=blank_email(policy)["mailto"],
        fallback_link=words.FALLBACK_LINK.format(address=policy.support_email),
        summary_id=SUMMARY_ID if summary_fits(rulebook) else rulebook.clause_ids[0],
        summary_words=words.FALLBACK_SUMMARY if summary_fits(rulebook) else words.FALLBACK_RULES,
    )


def render_widget(
    rulebook: Rulebook,
    policy: Policy,
    version_urls: dict[str, str] | None = None,
    *,
    decision_table: str = "",
) -> str:
    """The self-check's form and result, from the checker's questions and words; with
    ``decision_table`` (decisions.json's text) inside, so the quick answer needs no network."""
    email = blank_email(policy)
    return TEMPLATES.get_template("policy_check.html").render(
        # Parsed here, written by Jinja's tojson: escaped for a <script> element.
        decision_table=json.loads(decision_table) if decision_table else None,
        version_urls=json.dumps(version_urls or {}, sort_keys=True),
        words=words,
        # The words that name what the policy is about (its [words]).
        said=words.self_check_words(policy.texts.words),
        questions=[
            {
                "field": q.field,
                "label": q.label,
                "hint": q.hint,
                "kind": q.kind.value,
                "choices": q.kind in (Kind.CHOICE, Kind.YES_NO),
                "options": q.options,
                "default": q.default,
                "shown_when": json.dumps(dict(q.shown_when)) if q.shown_when else "",
                # Asked only of purchases from the day the first version asking it took effect
                # (asked_by: the date compared with it, the policy's version date).
                "asked_from": q.asked_from,
                "asked_by": q.asked_by,
            }
            for q in rulebook.questions
            if q.asker is Asker.CUSTOMER
        ],
        request=rulebook.questions_by_field["request_date"],
        support=[
            {"field": q.field, "value": value, "text": text}
            for q in rulebook.questions
            if q.asker is Asker.SUPPORT
            for value, text in q.support_says
        ],
        max_count=MAX_COUNT,
        blank_mailto=email["mailto"],
        support_email=policy.support_email,
        fallback_link=words.FALLBACK_LINK.format(address=policy.support_email),
        # The way out without JavaScript: the summary of usual outcomes, or the policy's rules.
        summary_id=SUMMARY_ID if summary_fits(rulebook) else rulebook.clause_ids[0],
        summary_words=words.FALLBACK_SUMMARY if summary_fits(rulebook) else words.FALLBACK_RULES,
    )


# The decision summary ----------------------------------------------------------------------------


@dataclass
class _Summary:
    """The summary's tables, computed with the checker, laid out as the policy file's [summary]
    says (:mod:`policy_engine.summary`): every answer it does not name is its question's default."""

    DAYS_INSIDE: ClassVar[int] = 2

    block: PolicyBlock
    layout: SummaryLayout

    def result(self, days: int, fixed: dict[str, object]) -> Result:
        # Every date the customer gives is the day the page's version took effect (so the version
        # date picks the page's own version), and the request comes ``days`` later: every span
        # that ends at the request is ``days`` long, whichever date it starts from.
        page = self.block.ext.page_policy
        purchased = max(page.effective, page.sales_started)
        rulebook = self.block.ext.package.rulebook
        answers: dict[str, Any] = {
            question.field: purchased.isoformat()
            for question in rulebook.questions
            if question.kind is Kind.DATE
        }
        answers.update(request_date=(purchased + timedelta(days=days)).isoformat(), **fixed)
        # A question the version asks without a default (one a later version added): its first
        # answer; the clauses it would bring are listed under the tables (also_against).
        for question in self.block.ext.package.rulebook.questions:
            if (
                question.field not in answers
                and question.default is None
                and question.options
                and question.shown(answers)
            ):
                answers[question.field] = question.options[0].value
        return self.block.ext.package.check(
            answers, policy=self.block.ext.policies, today=purchased + timedelta(days=days)
        )

    def values(self, field: str) -> list[object]:
        """A question's answers in the contract's JSON form (true and false for yes/no), but
        "unsure" (the summary assumes the customer knows)."""
        if not field:
            return [None]
        question = self.block.ext.package.rulebook.questions_by_field[field]
        return [
            (option.value == "true") if question.kind is Kind.YES_NO else option.value
            for option in question.options
            if option.value != "unsure"
        ]

    def label(self, field: str, value: object) -> str:
        """The words of one of a question's answers (as :meth:`values` gives them)."""
        question = self.block.ext.package.rulebook.questions_by_field[field]
        text = str(value).lower() if isinstance(value, bool) else str(value)
        return question.option_label(text)

    def cells(self, days: int, row: object, **more: object) -> list[str]:
        """The row's verdicts by column, which must be the same for every answer to the
        question the summary says they do not depend on (``same_for``)."""
        layout = self.layout
        by_same: dict[object, list[str]] = {}
        for same in self.values(layout.same_for):
            fixed = {layout.rows: row, **more, **({layout.same_for: same} if same else {})}
            by_same[same] = [
                self.result(days, {**fixed, layout.columns: column}).verdict
                for column in self.values(layout.columns)
            ]
        first, *others = by_same.values()
        if any(other != first for other in others):
            self.block.report(
                f"The decision summary says its answers are the same whatever the answer to "
                f"{layout.same_for} ([summary] same_for in the policy file), but for "
                f"{layout.rows} “{row}” they differ ({by_same}). Remove same_for, or ask a "
                "developer to split the summary by it."
            )
        return first


def summary_fits(rulebook: Rulebook) -> bool:
    """Whether the policy has a table of usual outcomes: its file declares its layout
    ([summary])."""
    return bool(rulebook.versions[-1].texts.summary)


def render_summary(block: PolicyBlock) -> str:
    """Tables of the usual outcome by the [summary]'s rows and columns, computed with the
    checker: one for requests inside the window, one after it."""
    policy = block.ext.page_policy
    rulebook = block.ext.package.rulebook
    layout = policy.texts.summary
    missing = [f for f in layout.questions if f not in rulebook.of(policy).questions_by_field]
    window = getattr(policy, layout.words.get("window", ""), None)
    if not layout or missing or not isinstance(window, int):
        block.report(
            "The decision summary is laid out by the policy file's [summary] (rows, columns, "
            f"window: EDITING.md), and the {rulebook.name} policy "
            + (
                f"does not ask {', '.join(missing)} in this version"
                if layout and missing
                else "has no [summary]"
                if not layout
                else "has no whole number called " + layout.words.get("window", "")
            )
            + ". Add it, or remove the “/// decision-summary” block from this page."
        )
        return ""
    summary = _Summary(block, layout)
    words_of = layout.words
    # The clauses the tables cite are read for the first answer to same_for (the same for all).
    cited_same = summary.values(layout.same_for)[0]
    tables = []
    cited: set[str] = set()
    for days, caption in (
        (min(summary.DAYS_INSIDE, window), words_of["inside"].replace("{days}", str(window))),
        (window + 1, words_of["after"].replace("{days}", str(window))),
    ):
        rows: list[tuple[str, list[str]]] = []
        for row in summary.values(layout.rows):
            label = summary.label(layout.rows, row)
            # A row whose outcome depends on the split_by answer gets a line for each answer.
            splits = (True, False) if layout.split_by else ()
            split = [summary.cells(days, row, **{layout.split_by: answer}) for answer in splits]
            if split and split[0] != split[1]:
                for answer, verdicts in zip(splits, split, strict=True):
                    rows.append((f"{label} ({layout.split_words[answer]})", verdicts))
            else:
                rows.append((label, split[0] if split else summary.cells(days, row)))
            for column in summary.values(layout.columns):
                fixed = {layout.rows: row, layout.columns: column}
                if cited_same is not None:
                    fixed[layout.same_for] = cited_same
                cited.update(clause.id for clause in summary.result(days, fixed).clauses)
        tables.append({"caption": caption, "rows": rows})
    # What also counts against and the tables cannot show (they assume none of it): the clauses
    # whose effect, alone, gives an answer of the negative role.
    decision = policy.texts.decision
    also_against = [
        (rule.clause_id, policy.clause_texts[rule.clause_id])
        for rule in rulebook.of(policy).rules
        if decision.effect_role(rule.effect) == "negative" and rule.clause_id not in cited
    ]
    return TEMPLATES.get_template("decision_summary.html").render(
        tables=tables,
        columns=[
            summary.label(layout.columns, column) for column in summary.values(layout.columns)
        ],
        # Each answer's words and role (its colour), as the policy file gives them.
        outcomes=decision.outcomes,
        also_against=also_against,
        words=words_of,
    )


# The history of versions -------------------------------------------------------------------------

word_diff = versions.word_diff


def render_version_history(
    policies: Policies,
    version: Policy,
    before: Policy | None,
    today: date,
    url: str,
    text: list[tuple[str, list[tuple[str, str]]]] | None = None,
) -> str:
    """One version on the history page: when it was in force, what changed, and its text."""
    since = long_date(version.effective)
    kind = versions.status(policies, version, today)
    if kind == versions.COMING:
        status = f"Comes into effect on {since}."
    elif kind == versions.CURRENT:
        status = f"The current policy, in force since {since}."
    else:
        last = versions.until(policies, version)
        status = f"In force from {since} until {long_date(last)}." if last else since
    values = []
    clauses = []
    if before is not None:
        for name, (label, shown) in versions.value_words(version).items():
            was, now = getattr(before, name), getattr(version, name)
            if was != now:
                values.append((label, shown.format(was), shown.format(now)))
        for clause_id, words in version.clause_texts.items():
            if before.clause_texts.get(clause_id) != words:
                clauses.append(
                    (clause_id, word_diff(before.clause_texts.get(clause_id, ""), words))
                )
    resolved = [
        (label, shown.format(getattr(version, name)))
        for name, (label, shown) in versions.value_words(version).items()
    ]
    return TEMPLATES.get_template("policy_history.html").render(
        version=version,
        resolved=resolved,
        status=status,
        values=values,
        clauses=clauses,
        # The whole text's changes, section by section: the record of what changed.
        text=text or [],
        url=url,
        first=before is None,
    )
