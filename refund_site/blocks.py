"""HTML for the policy page's blocks: worked examples, the self-check, the decision summary.

Build time only. Everything shown comes from the checker (its questions, rules and texts), so the
page and the self-check cannot drift apart. All text is escaped; nothing trusts the Markdown.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from checker import InvalidAnswers, Policy, check, words
from checker.advice import EFFECT_WORDS, VERDICT_LABELS, VERDICT_TITLES, blank_email
from checker.model import Effect, Verdict
from checker.questions import MAX_COUNT, QUESTIONS, QUESTIONS_BY_FIELD, Asker, Kind

Report = Callable[[int, str], None]

_TEMPLATES = Environment(
    loader=FileSystemLoader(Path(__file__).parent / "templates"),
    autoescape=True,
    undefined=StrictUndefined,
    keep_trailing_newline=False,
)

EXPECT_KEY = "expect"
NOTE_KEY = "note"
VERDICTS = tuple(verdict.value for verdict in Verdict)
SUMMARY_ID = "decision-summary"


def _attribute(value: str) -> str:
    return escape(value, quote=True)


# Worked examples.


def _example_value(text: str) -> object:
    """A value as an editor writes it: true/false and whole numbers are typed, the rest is text."""
    if text in ("true", "false"):
        return text == "true"
    if text.isascii() and text.isdigit():
        return int(text)
    return text


def render_example(
    policy: Policy, title: str, line: int, body: list[tuple[int, str]], report: Report
) -> str | None:
    """Check one ``/// example`` block against the checker and render it for customers."""
    name = f"The example “{title}”" if title else "This example"
    if not title:
        report(line, "An example needs a title: write “/// example | A short title”.")
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
            report(
                number,
                f"{name}: write each line as “name: value”, for example “credits_used: none”.",
            )
            continue
        if key == EXPECT_KEY:
            if value not in VERDICTS:
                report(number, f"{name}: expect must be one of {', '.join(VERDICTS)}.")
            expect = value
        elif key == NOTE_KEY:
            note = value
        elif key in answers:
            report(number, f"{name}: {key} is given twice. Keep one line.")
        else:
            answers[key] = _example_value(value)
            lines_of[key] = number
    if expect is None:
        report(
            line,
            f"{name} has no “expect:” line. Add one with the verdict you expect: "
            f"{', '.join(VERDICTS)}.",
        )
    if "request_date" not in answers:
        report(
            line,
            f"{name} has no request_date, so its verdict would change with the date "
            "of the build. Add “request_date: YYYY-MM-DD”.",
        )
        return None
    try:
        result = check(answers, policy=policy)
    except InvalidAnswers as invalid:
        for error in invalid.errors:
            where = lines_of.get(error["field"], line)
            report(where, f"{name}: {error['field']}: {error['message']}")
        return None
    if expect is not None and expect in VERDICTS and result["verdict"] != expect:
        because = ", ".join(clause["id"] for clause in result["clauses"]) or "no clause applies"
        report(
            line,
            f"{name} expects {expect} but the checker says {result['verdict']} "
            f"({because}). Change the example's answers or its expect line; if the rules are "
            "wrong, ask a developer.",
        )
    return _example_html(title, note, result, set(answers))


def _example_html(title: str, note: str, result: dict[str, Any], written: set[str]) -> str:
    # The answers the editor wrote, as the checker words them (what the example is about; the
    # self-check link carries the defaults too, and shows them).
    rows = [
        f"<dt>{escape(line['question'])}</dt><dd>{escape(line['answer'])}</dd>"
        for line in result["recap"]
        if line["field"] in written
    ]
    verdict = str(result["verdict"])
    clauses = result["clauses"]
    assert isinstance(clauses, list)
    reasons = "".join(
        f'<li><a href="#{_attribute(clause["id"])}">{escape(clause["text"])}</a> '
        f"({escape(EFFECT_WORDS[Effect(clause['effect'])].lower())})</li>"
        for clause in clauses
    )
    link = _attribute("#" + str(result["link"]).removeprefix("#"))
    return (
        f'<div class="admonition example refund-example" data-verdict="{_attribute(verdict)}">'
        f'<p class="admonition-title">Example: {escape(title)}</p>'
        f'<dl class="refund-example__answers">{"".join(rows)}</dl>'
        f'<p class="refund-example__verdict"><strong>{escape(VERDICT_TITLES[Verdict(verdict)])}'
        f"</strong>{' because:' if reasons else '.'}</p>"
        + (f"<ul>{reasons}</ul>" if reasons else "")
        + (f"<p>{escape(note)}</p>" if note else "")
        + f'<p><a href="{link}">Try these answers in the self-check</a></p></div>'
    )


# The widget.


@dataclass(frozen=True)
class WidgetSettings:
    """Where the widget finds its files, relative to the page that shows it."""

    runtime: str = "assets/pyodide/"
    lock: str = "assets/pyodide/pyodide-lock.json"
    stdlib: str = "assets/pyodide/python_stdlib.zip"
    package: str = "imgtostl-refund-checker"
    worker: str = "assets/refund-check/worker.js"
    timeout_ms: int = 20000


def render_widget(policy: Policy, settings: WidgetSettings) -> str:
    """The self-check's form and result, rendered from the checker's questions and words."""
    email = blank_email(policy)
    asked = [q for q in QUESTIONS if q.asker is Asker.CUSTOMER]
    return _TEMPLATES.get_template("refund_check.html").render(
        settings=settings,
        words=words,
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
            }
            for q in asked
        ],
        request=QUESTIONS_BY_FIELD["request_date"],
        support=[
            {"field": q.field, "value": value, "text": text}
            for q in QUESTIONS
            if q.asker is Asker.SUPPORT
            for value, text in q.support_says
        ],
        max_count=MAX_COUNT,
        blank_mailto=email["mailto"],
        support_email=policy.support_email,
        fallback_link=words.FALLBACK_LINK.format(address=policy.support_email),
        summary_id=SUMMARY_ID,
    )


# The decision summary.


_CREDIT_COLUMNS = ("none", "minimal", "some", "substantial")


def render_summary(policy: Policy) -> str:
    """Tables of the usual outcome by reason and credits used, computed with the checker."""
    window = policy.refund_window_days
    credits = QUESTIONS_BY_FIELD["credits_used"]
    reasons = QUESTIONS_BY_FIELD["reason"]
    rows: list[tuple[str, dict[str, object]]] = []
    for option in reasons.options:
        if option.value == "unusable_result":
            rows.append(
                (
                    f"{option.label} (first purchase)",
                    {"reason": option.value, "first_purchase": True},
                )
            )
            rows.append(
                (
                    f"{option.label} (not the first purchase)",
                    {"reason": option.value, "first_purchase": False},
                )
            )
        else:
            rows.append((option.label, {"reason": option.value}))

    def table(days: int, caption: str) -> str:
        head = "".join(
            f'<th scope="col">{escape(credits.option_label(value))}</th>'
            for value in _CREDIT_COLUMNS
        )
        body = []
        for label, answers in rows:
            cells = []
            for value in _CREDIT_COLUMNS:
                result = check(
                    {
                        "purchase_date": "2026-01-01",
                        "request_date": _plus_days("2026-01-01", days),
                        "purchase_type": "credit_pack",
                        "credits_used": value,
                        **answers,
                    },
                    policy=policy,
                )
                verdict = Verdict(result["verdict"])
                cells.append(
                    f'<td data-verdict="{verdict.value}">{escape(VERDICT_LABELS[verdict])}</td>'
                )
            body.append(f'<tr><th scope="row">{escape(label)}</th>{"".join(cells)}</tr>')
        return (
            f"<table><caption>{escape(caption)}</caption><thead><tr>"
            f'<th scope="col">Reason</th>{head}</tr></thead>'
            f"<tbody>{''.join(body)}</tbody></table>"
        )

    against = [
        f'<li><a href="#{clause_id}">{escape(policy.clause_texts[clause_id])}</a></li>'
        for clause_id in ("outputs-used", "terms-violation", "repeat-requests")
    ]
    return (
        f'<div class="refund-summary" id="{SUMMARY_ID}">'
        "<p>What the policy usually means, by reason and by how much was used. Columns are "
        "how much of the purchase was used; the answer is the same for subscriptions and credit "
        "packs. Support reviews every request and makes the final decision.</p>"
        f'<div class="md-typeset__scrollwrap"><div class="md-typeset__table">'
        f"{table(min(2, window), f'Asked within {window} days of purchase')}</div></div>"
        f'<div class="md-typeset__scrollwrap"><div class="md-typeset__table">'
        f"{table(window + 1, f'Asked more than {window} days after purchase')}</div></div>"
        "<p>These also usually count against a refund, whatever the reason:</p>"
        f"<ul>{''.join(against)}</ul>"
        "<p>When something in favour and something against both apply, support reviews the "
        "case.</p></div>"
    )


def _plus_days(iso: str, days: int) -> str:
    from datetime import date, timedelta

    return (date.fromisoformat(iso) + timedelta(days=days)).isoformat()
