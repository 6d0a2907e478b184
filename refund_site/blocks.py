"""HTML for the policy page's blocks: worked examples, the self-check, the decision summary.

Build time only. Everything shown comes from the checker (its questions, rules and texts), so the
page and the self-check cannot drift apart. All text is escaped; nothing trusts the Markdown.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from html import escape

from checker import InvalidAnswers, Policy, check
from checker.advice import VERDICT_TITLES, blank_email
from checker.model import Verdict
from checker.questions import QUESTIONS, QUESTIONS_BY_FIELD, Kind, Question

Report = Callable[[int, str], None]

EXPECT_KEY = "expect"
NOTE_KEY = "note"
VERDICTS = tuple(verdict.value for verdict in Verdict)
EFFECT_WORDS = {"supports": "supports a refund", "against": "counts against a refund"}
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
    return _example_html(title, note, result)


def _example_html(title: str, note: str, result: dict[str, object]) -> str:
    answers = result["answers"]
    assert isinstance(answers, dict)
    rows = []
    for question in QUESTIONS:
        value = answers[question.field]
        if question.default is not None and _text(value) == question.default:
            continue  # show what the example is about, not every default
        rows.append(
            f"<dt>{escape(_label(question))}</dt><dd>{escape(_shown(question, value))}</dd>"
        )
    verdict = str(result["verdict"])
    clauses = result["clauses"]
    assert isinstance(clauses, list)
    reasons = "".join(
        f'<li><a href="#{_attribute(clause["id"])}">{escape(clause["text"])}</a> '
        f"({escape(EFFECT_WORDS[clause['effect']])})</li>"
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


def _text(value: object) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


def _label(question: Question) -> str:
    return (
        "When did you ask for the refund?" if question.field == "request_date" else (question.label)
    )


def _shown(question: Question, value: object) -> str:
    if question.kind in (Kind.CHOICE, Kind.YES_NO):
        return question.option_label(_text(value))
    return _text(value)


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
    """The self-check's form, rendered from the checker's questions (see the widget contract)."""
    questions = "".join(_question_html(question) for question in QUESTIONS if question.asked)
    email = blank_email(policy)
    return (
        '<section class="refund-check" id="check" data-refund-check data-state="idle" '
        f'data-runtime="{_attribute(settings.runtime)}" data-lock="{_attribute(settings.lock)}" '
        f'data-stdlib="{_attribute(settings.stdlib)}" '
        f'data-package="{_attribute(settings.package)}" '
        f'data-worker="{_attribute(settings.worker)}" data-timeout="{settings.timeout_ms}" '
        'aria-labelledby="rc-title">'
        '<h2 id="rc-title">Check whether you can get a refund</h2>'
        '<p class="refund-check__intro">Answer a few questions to see what this policy usually '
        "means for your situation, and get an email to support ready to send. Your answers stay "
        "in this browser: nothing is sent anywhere until you send the email yourself. "
        "Support makes the final decision.</p>"
        '<p class="refund-check__status" data-status role="status" aria-live="polite"></p>'
        '<div class="refund-check__error-summary" data-error-summary role="alert" tabindex="-1" '
        "hidden><h3>There is a problem</h3><ul data-error-list></ul></div>"
        f'<form class="refund-check__form" data-form novalidate>{questions}'
        '<input type="hidden" name="request_date" data-request-date>'
        '<button type="submit" class="md-button md-button--primary">Check my answers</button>'
        "</form>"
        '<div class="refund-check__result" data-result tabindex="-1" hidden></div>'
        '<div class="refund-check__fallback" data-fallback hidden>'
        "<p data-fallback-message>The self-check could not start in this browser.</p>"
        '<button type="button" class="md-button" data-retry>Try again</button>'
        "<p>You can also write to support straight away: "
        f'<a href="{_attribute(email["mailto"])}" data-fallback-email>email support at '
        f"{escape(policy.support_email)}</a>, or read "
        f'<a href="#{SUMMARY_ID}">the summary of usual outcomes</a> on this page.</p></div>'
        "<noscript><p>The self-check needs JavaScript. You can still "
        f'<a href="{_attribute(email["mailto"])}">email support at '
        f"{escape(policy.support_email)}</a>, or read "
        f'<a href="#{SUMMARY_ID}">the summary of usual outcomes</a>.</p></noscript>'
        "</section>"
    )


def _question_html(question: Question) -> str:
    field = question.field
    ident = f"rc-{field}"
    hint_id = f"{ident}-hint"
    hint = (
        f'<p class="refund-check__hint" id="{hint_id}">{escape(question.hint)}</p>'
        if question.hint
        else ""
    )
    described = f' aria-describedby="{hint_id}"' if question.hint else ""
    error = f'<p class="refund-check__field-error" id="{ident}-error" data-field-error hidden></p>'
    conditional = ""
    if question.shown_when:
        shown_when = json.dumps({name: list(values) for name, values in question.shown_when})
        conditional = f" data-shown-when='{_attribute(shown_when)}' hidden"
    if question.kind in (Kind.CHOICE, Kind.YES_NO):
        options = []
        for position, option in enumerate(question.options):
            checked = " checked" if option.value == question.default else ""
            first_id = f' id="{ident}"' if position == 0 else ""
            disabled = " disabled" if question.shown_when else ""
            options.append(
                f'<label class="refund-check__option"><input type="radio" name="{field}" '
                f'value="{_attribute(option.value)}"{first_id}{checked}{disabled}> '
                f"<span>{escape(option.label)}</span></label>"
            )
        return (
            f'<fieldset class="refund-check__question" data-question="{field}"{described}'
            f"{conditional}><legend>{escape(question.label)}</legend>{hint}{error}"
            f'<div class="refund-check__options">{"".join(options)}</div></fieldset>'
        )
    disabled = " disabled" if question.shown_when else ""
    if question.kind is Kind.DATE:
        control = f'<input type="date" id="{ident}" name="{field}"{described}{disabled}>'
    else:
        control = (
            f'<input type="number" inputmode="numeric" min="0" step="1" id="{ident}" '
            f'name="{field}" value="{_attribute(question.default or "0")}"'
            f"{described}{disabled}>"
        )
    return (
        f'<div class="refund-check__question" data-question="{field}"{conditional}>'
        f'<label for="{ident}">{escape(question.label)}</label>{hint}{error}{control}</div>'
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
                    f'<td data-verdict="{verdict.value}">{escape(_SHORT_WORDS[verdict])}</td>'
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


_SHORT_WORDS = {
    Verdict.LIKELY_ELIGIBLE: "Likely eligible",
    Verdict.LIKELY_NOT_ELIGIBLE: "Likely not eligible",
    Verdict.NEEDS_REVIEW: "Reviewed case by case",
}


def _plus_days(iso: str, days: int) -> str:
    from datetime import date, timedelta

    return (date.fromisoformat(iso) + timedelta(days=days)).isoformat()
