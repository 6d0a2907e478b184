"""The Markdown extension on its own: Markdown in, HTML and editor-facing problems out."""

from __future__ import annotations

import re
from pathlib import Path

import markdown
import pytest

from checker import RULEBOOK, default_policy, load_policy
from policy_engine.questions import Asker
from policy_site.package import load
from policy_site.pages.extension import PolicySiteExtension
from tests.checker.support import contract

QUESTIONS = RULEBOOK.questions

REFUND = load("checker")  # the policy the site publishes


def render(text: str, policy_file: Path | None = None) -> tuple[str, list[str]]:
    policy = load_policy(policy_file) if policy_file else default_policy()
    # Problems are collected in .problems; no log noise in tests.
    extension = PolicySiteExtension(REFUND, policy, on_problem=lambda problem: None)
    html = markdown.markdown(text, extensions=[extension, "toc"])
    return html, [str(problem) for problem in extension.problems]


EXAMPLE = """\
/// example | Charged twice
purchase_date: 2026-05-01
request_date: 2026-05-03
purchase_type: credit_pack
reason: duplicate_payment
credits_used: none
expect: {expect}
///
"""


def test_placeholders_show_the_policy_values() -> None:
    policy = default_policy()
    html, problems = render("Write within {{ refund_window_days }} days to {{ support_email }}.")
    assert problems == []
    assert f"Write within {policy.refund_window_days} days" in html
    assert f'<a href="mailto:{policy.support_email}">{policy.support_email}</a>' in html


def test_an_unknown_placeholder_is_reported_with_its_line_and_the_known_names() -> None:
    html, problems = render("Intro.\n\nWithin {{ refund_days }} days.")
    assert len(problems) == 1
    assert problems[0].startswith("the page:3: {{ refund_days }} is not a policy value")
    assert "{{ refund_window_days }}" in problems[0]
    assert "{{ refund_days }}" in html  # left visible rather than silently dropped


def test_a_clause_bullet_gets_its_id_and_a_permalink() -> None:
    html, problems = render(
        "- A duplicate or accidental duplicate payment occurred {clause: duplicate-payment}\n"
    )
    assert problems == []
    assert '<li class="refund-clause" id="duplicate-payment">' in html
    assert '<a class="headerlink" href="#duplicate-payment"' in html
    assert "{clause" not in html and "⟦" not in html


def test_a_clause_bullet_with_a_placeholder_matches_the_filled_in_words() -> None:
    _, problems = render(
        "- The request is made more than {{ refund_window_days }} days after purchase "
        "{clause: late-request}\n"
    )
    assert problems == []


def test_a_reworded_clause_must_match_policy_toml() -> None:
    _, problems = render("- Someone paid twice {clause: duplicate-payment}\n")
    assert len(problems) == 1
    assert "reads “Someone paid twice” but checker/policy.toml says" in problems[0]
    assert "make both the same" in problems[0]


def test_a_clause_marker_that_names_no_rule_is_reported() -> None:
    _, problems = render("- Paid twice {clause: paid-twice}\n")
    assert "{clause: paid-twice} names no rule" in problems[0]
    assert all(clause_id in problems[0] for clause_id in RULEBOOK.clause_ids)


def test_a_clause_marker_outside_a_bullet_is_reported() -> None:
    _, problems = render("A paragraph {clause: duplicate-payment}\n")
    assert "must end a bullet" in problems[0]


def test_a_clause_marked_twice_is_reported() -> None:
    bullet = "- A duplicate or accidental duplicate payment occurred {clause: duplicate-payment}\n"
    _, problems = render(bullet + bullet)
    assert len(problems) == 1
    assert "already marked at the page:1" in problems[0]


def test_an_example_runs_through_the_checker_and_renders_for_customers() -> None:
    html, problems = render(EXAMPLE.format(expect="likely_eligible"))
    assert problems == []
    assert "Example: Charged twice" in html
    assert 'data-verdict="likely_eligible"' in html
    assert "You are likely eligible for a refund" in html
    assert '<a href="#duplicate-payment">' in html
    # The link opens the self-check with every answer the example judged, its date included.
    assert 'href="#check?purchase_date=2026-05-01&amp;purchase_type=credit_pack' in html
    assert "&amp;chargeback_filed=false&amp;payment_provider=unsure" in html
    assert "&amp;request_date=2026-05-03" in html


def test_an_example_whose_verdict_differs_from_the_checker_fails_with_both_verdicts() -> None:
    _, problems = render("Intro\n\n" + EXAMPLE.format(expect="likely_not_eligible"))
    assert len(problems) == 1
    assert problems[0].startswith(
        "the page:3: The example “Charged twice” expects "
        "likely_not_eligible but the checker says likely_eligible"
    )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("credits_used: none", "credits_used: lots"), "credits_used: “lots” is not one of"),
        (("credits_used: none", "credits: none"), "“credits”: not an answer the checker knows"),
        (("expect: likely_eligible\n", ""), "has no “expect:” line"),
        (("expect: likely_eligible", "expect: yes"), "expect must be one of"),
        (("request_date: 2026-05-03\n", ""), "has no request_date"),
        (("credits_used: none", "credits_used none"), "write each line as “name: value”"),
        (("purchase_date: 2026-05-01", "purchase_date: 2026-02-30"), "is not a real date"),
    ],
)
def test_a_malformed_example_is_reported_on_its_line(change: tuple[str, str], message: str) -> None:
    text = EXAMPLE.format(expect="likely_eligible").replace(*change)
    _, problems = render(text)
    assert any(message in problem for problem in problems), problems
    assert all(re.match(r"the page:\d+: ", problem) for problem in problems)


def test_an_unclosed_block_is_reported() -> None:
    _, problems = render("/// example | Open\npurchase_date: 2026-05-01\n")
    assert problems == [
        "the page:1: The “/// example” block is not closed. Add a line with "
        "only /// after its last line."
    ]


def test_an_unknown_block_and_a_stray_closing_line_are_reported() -> None:
    _, problems = render("/// widget\n///\n\n///\n")
    assert "“/// widget” is not a block this site knows" in problems[0]
    assert "closes a block (///) that was never opened" in problems[1]


def test_the_widget_block_renders_the_form_from_the_checkers_questions() -> None:
    html, problems = render("/// policy-check\n///\n")
    assert problems == []
    section = re.search(r"<section [^>]*>", html)
    assert section and 'data-policy-check=""' in section.group(0)
    assert 'data-state="idle"' in section.group(0)
    # Its heading is a real heading: in the page's contents, linked as #check.
    assert re.search(r'<h2 id="check">Check whether you can get a refund', html)
    assert '<button type="submit"' in html
    # Every question the customer is asked (and the request date, which a support link can
    # show), and none that only support can answer.
    for question in QUESTIONS:
        in_form = f'data-question="{question.field}"' in html
        assert in_form == (question.asker is not Asker.SUPPORT), question.field
    assert 'name="terms_violation"' not in html  # support-side fact, never asked
    assert f'href="mailto:{default_policy().support_email}?subject=' in html
    # Nothing is answered in advance: no option chosen, no number filled in.
    assert re.search(r"<input[^>]* checked", html) is None
    assert re.search(r'<input type="number"[^>]*value=', html) is None
    # A request date shows only when a link brings one; today is the visitor's otherwise.
    assert re.search(r"data-request-date hidden>", html)
    # The page's words come from the checker; its script writes none.
    assert "Check my answers" in html and "Start again" in html


def test_the_decision_summary_agrees_with_the_checker() -> None:
    html, problems = render("/// decision-summary\n///\n")
    assert problems == []
    duplicate_row = re.search(r"charged twice for the same purchase</th>(.*?)</tr>", html)
    assert duplicate_row is not None
    cells = re.findall(r'data-verdict="(\w+)"', duplicate_row.group(1))
    expected = [
        contract(
            {
                "purchase_date": "2026-01-01",
                "request_date": "2026-01-03",
                "purchase_type": "credit_pack",
                "reason": "duplicate_payment",
                "credits_used": credits,
            },
            policy=default_policy(),
        )["verdict"]
        for credits in ("none", "minimal", "some", "substantial")
    ]
    assert cells == expected


def test_blocks_inside_a_code_fence_are_left_alone() -> None:
    html, problems = render("```\n/// policy-check\n///\n{{ nothing }}\n```\n")
    assert problems == []
    assert "data-policy-check" not in html


def test_a_fence_inside_another_kind_of_fence_does_not_end_it() -> None:
    # A ``` line inside a ~~~ fence is part of the sample: the widget below stays a sample too.
    html, problems = render("~~~\n```\n/// policy-check\n///\n~~~\n\nAfter.\n")
    assert problems == []
    assert "data-policy-check" not in html
    assert "/// policy-check" in html and "<p>After.</p>" in html


def test_a_table_scrolls_in_a_named_region_that_keyboards_reach() -> None:
    policy = default_policy()
    extension = PolicySiteExtension(REFUND, policy, on_problem=lambda problem: None)
    html = markdown.markdown(
        "## Fees by plan\n\n| Plan | Fee |\n|---|--:|\n| Basic | 5 |\n\n"
        "## Refunds\n\n- item\n\n| A | B |\n|---|---|\n| 1 | 2 |\n",
        extensions=[extension, "toc", "tables"],
    )
    assert extension.problems == []
    boxes = [tag for tag in re.findall(r"<div [^>]*>", html) if "md-typeset__scrollwrap" in tag]
    assert len(boxes) == 2 and html.count("<table>") == 2, html
    assert all('tabindex="0"' in box and 'role="region"' in box for box in boxes)
    # Each named after the heading it is under, so that a screen reader tells them apart.
    assert 'aria-label="Table: Fees by plan"' in boxes[0]
    assert 'aria-label="Table: Refunds"' in boxes[1]


def test_the_blocks_do_not_import_the_extension_that_renders_them() -> None:
    """One way only: the extension uses its blocks; the blocks know what they need of it
    (policy_site.pages.page.BlockHost), not the extension itself."""
    import ast

    source = (Path(__file__).parents[2] / "policy_site" / "pages" / "blocks.py").read_text(
        encoding="utf-8"
    )
    imported = {
        node.module
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.ImportFrom) and node.module
    }
    assert "policy_site.pages.extension" not in imported


def test_front_matter_lines_are_counted_as_mkdocs_reads_them() -> None:
    from policy_site.plugin import front_matter_lines

    assert front_matter_lines("---\ntitle: Refunds\ndescription: x\n---\n# Refund Policy\n") == 4
    assert front_matter_lines("# Refund Policy\n\n---\nnot front matter\n---\n") == 0
    # A page whose first paragraph repeats further down is still numbered from its start.
    assert front_matter_lines("---\ntitle: A\n...\nSame.\n\nSame.\n") == 3
