"""The proofreading of the editor's Markdown, through the real extension, in-process: what it
catches, what it lets be, and that a sample shown as code is never judged.

(The real build of a copy with each mistake is tests/site/test_editor_mistakes.py.)
"""

from __future__ import annotations

import markdown
import pytest

from checker import default_policy
from policy_site.package import load
from policy_site.pages.extension import PolicySiteExtension, Problem

REFUND = load("checker")  # the policy the site publishes


def problems_in(text: str) -> list[str]:
    found: list[Problem] = []
    extension = PolicySiteExtension(REFUND, default_policy(), on_problem=found.append)
    markdown.Markdown(extensions=[extension]).convert(text)
    return [f"{problem.line}: {problem.message}" for problem in found]


# (Markdown, words every problem must contain, one per problem expected, on line 1)
CAUGHT = [
    ("Hello <script>alert(1)</script>", ["<script> is not allowed"]),
    ("<SCRIPT SRC=//evil.example/x.js></SCRIPT>", ["<script> is not allowed"]),
    ('<img src="x" onerror="alert(1)">', ["<img> is not allowed"]),
    ('<abbr title="x" onmouseover="alert(1)">ToS</abbr>', ['onmouseover="…" on <abbr>']),
    ('<em style="color: red">now</em>', ['style="…" on <em> is not allowed']),
    ('<object data="x.swf"></object>', ["<object> is not allowed"]),
    ("<embed src=x>", ["<embed> is not allowed"]),
    ("<form action=/x><input></form>", ["<form> is not allowed", "<input> is not allowed"]),
    ("[pay](JavaScript:alert(1))", ["The link “JavaScript:alert(1” is not allowed"]),
    ("[pay](java&#x09;script:alert(1))", ["is not allowed: a link goes to a web address"]),
    ("[pay](data:text/html;base64,PHNjcmlwdD4=)", ["The link “data:text/html"]),
    ('<a href=" javascript:alert(1)">x</a>', ["The link “ javascript:alert(1)” is not allowed"]),
    ("<javascript://%0aalert(1)>", ["The link “javascript://%0aalert(1)” is not allowed"]),
    ("[s]: vbscript:msgbox\n\nSee [status][s].", ["The link “vbscript:msgbox” is not allowed"]),
    ("Refund requests within 7 days.", ["“7 days” is policy.toml's refund_window_days (7)"]),
    ("Ask within seven calendar days.", ["“seven calendar days” is policy.toml's refund_window"]),
    ("Within 7 days.", ["happens to equal policy.toml's refund_window_days (7). If it must"]),
    ("A 7-day window.", ["Write “{{ refund_window_days }}-day”"]),
    (
        "Creem takes 5 to 10 days.",
        ["{{ creem_settlement_days_min }}–{{ creem_settlement_days_max }}"],
    ),
    ("After 2 refund requests.", ["repeat_request_limit (2)"]),
    ("Updated {{ last_updated }.", ["has one closing brace"]),
    ("Updated { last_updated }}.", ["has one opening brace"]),
    (
        "Write to {support_email}.",
        ["has single braces, so it would be shown as it is. Write {{ su"],
    ),
    ("Write to {{ support email }}.", ["Did you mean {{ support_email }}?"]),
]

LET_BE = [
    'A <abbr title="Terms of Service">ToS</abbr> link<br>and <kbd>Ctrl</kbd>.',
    '<a href="https://imgtostl.com/terms">Terms</a> and '
    '<a href="mailto:support@imgtostl.com">us</a>',
    "[Terms](https://imgtostl.com/terms), [history](history.md), [top](#check), <https://x.example>",
    "Write to <support@imgtostl.com>.",
    "<!-- a note for editors -->",
    "Within {{ refund_window_days }} days; Creem: {{ creem_settlement_days_min }}–"
    "{{ creem_settlement_days_max }} days.",
    "We kept {literal: 7 days} in 2025, and 3 days is not a policy value.",
    "Braces in prose {like this} are not placeholders.",
    "Shown as code: `<script>x()</script>`, `{{ last_updated }`, `7 days`, `[x](javascript:y)`.",
    "```\n<script>x()</script>\n{{ refund_days }} within 7 days\n/// policy-check\n```",
    "~~~\n```\n<iframe></iframe>\n~~~",
]


@pytest.mark.parametrize(("text", "expected"), CAUGHT)
def test_what_the_proofreading_catches(text: str, expected: list[str]) -> None:
    found = problems_in(text)
    assert len(found) == len(expected), found
    for problem, words in zip(found, expected, strict=True):
        assert problem.startswith("1: ") and words in problem, problem


@pytest.mark.parametrize("text", LET_BE)
def test_what_the_proofreading_lets_be(text: str) -> None:
    assert problems_in(text) == []


def test_a_literal_shows_its_words_and_a_placeholder_its_value() -> None:
    extension = PolicySiteExtension(REFUND, default_policy(), on_problem=lambda problem: None)
    html = markdown.Markdown(extensions=[extension]).convert(
        "In 2025 it was {literal: 7 days}; now {{ refund_window_days }} days. `{literal: x}`"
    )
    assert "In 2025 it was 7 days; now 7 days." in html
    assert "<code>{literal: x}</code>" in html


def test_the_line_of_a_tag_spread_over_lines_is_where_it_starts() -> None:
    found = problems_in('Intro.\n\n<b\n  onclick="x()">Go</b>\n')
    assert found == [
        '3: onclick="…" on <b> is not allowed: an event handler is a script. Remove the attribute.'
    ]


# A number is tied to a value only when its line is about that value (the value's context words,
# declared with it in checker/policy.py); otherwise {literal: …} is what the message offers.
ABOUT = [
    (
        "/// example | I bought credits and asked ten days later",
        "{literal: ten days}",
        "{{ creem_settlement_days_max }}",
    ),
    ("We spent ten days on the new design.", "{literal: ten days}", "{{ creem_settlement_days"),
    (
        "The bank shows the Creem refund within ten days.",
        "Write “{{ creem_settlement_days_max }} days”",
        "happens to equal",
    ),
    ("Creem refunds settle in 5 to 10 days.", "{{ creem_settlement_days_min }}–", "happens to"),
    ("Meetings take 5 to 10 days to plan.", "{literal: 5 to 10 days}", "{{ creem"),
]


@pytest.mark.parametrize(("text", "suggested", "not_suggested"), ABOUT)
def test_a_number_is_tied_to_a_value_only_when_its_line_is_about_it(
    text: str, suggested: str, not_suggested: str
) -> None:
    (found,) = [problem for problem in problems_in(text) if "policy.toml's" in problem]
    assert suggested in found and not_suggested not in found, found
