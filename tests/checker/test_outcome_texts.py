"""The words of the outcomes (notes, warnings, alternatives, refund timing, the email's lines) are
the policy's data: each version of policy.toml gives them (a later one only what it changes), the
checker says them, and every mistake in them is named with its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from checker import RULEBOOK, PolicyError, check, read_policies
from policy_engine.texts import quoted_in
from tests.policies import POLICY_FILE, edited_policy, first_published

# The refund policy's kinds of outcome text (notes, warnings, alternatives, refund timing).
KINDS = RULEBOOK.outcomes.ids.kinds
NOTES = KINDS[0]

ANSWERS = {
    "purchase_date": "2026-05-01",
    "request_date": "2026-05-03",
    "purchase_type": "credit_pack",
    "reason": "unused",
    "credits_used": "none",
}
UNUSED_NOTE = (
    "For one-time credit packs, unused purchases requested within 7 days are generally easier "
    "to approve."
)
A_NEW_VERSION = """
[[versions]]
effective = 2026-09-01
last_updated = "September 2026"
changes = "Unused credit packs are now refunded within 14 days."
refund_window_days = 14

[versions.notes.credit-pack-unused-easier]
quote = "Unused credit packs requested within {{ refund_window_days }} days are usually refunded."
after = "Write to support with your order ID."

[versions.email]
closing = "Thank you for your help."
"""


def line_of(path: Path, text: str) -> int:
    content = path.read_text(encoding="utf-8")
    return content.count("\n", 0, content.index(text)) + 1


def problems(path: Path) -> list[str]:
    with pytest.raises(PolicyError) as raised:
        read_policies(path)
    return raised.value.problems


def test_the_checker_says_the_words_of_the_policy_file() -> None:
    result = check(ANSWERS).to_json()
    assert UNUSED_NOTE in result["notes"]
    # The same words the file gives, its {{ placeholders }} filled with the version's values.
    assert "{{ refund_window_days }} days are generally easier" in POLICY_FILE.read_text()


def test_every_text_the_rules_can_choose_has_its_words() -> None:
    texts = read_policies().first.texts
    for kind in KINDS:
        given = texts.of(kind)
        assert set(given) == set(kind.ids), kind.section
        assert all(said.text and said.quote for said in given.values()), kind.section
    assert all(said.email for said in texts.warnings.values())


def test_a_later_version_changes_one_note_and_inherits_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "policy.toml"
    path.write_text(
        first_published(POLICY_FILE.read_text(encoding="utf-8")) + A_NEW_VERSION, encoding="utf-8"
    )
    first, second = read_policies(path).versions
    new = "Unused credit packs requested within 14 days are usually refunded."
    assert second.texts.notes["credit-pack-unused-easier"].text == (
        f"{new} Write to support with your order ID."
    )
    assert first.texts.notes["credit-pack-unused-easier"].text == UNUSED_NOTE
    # Inherited: the same words, with the later version's values in their placeholders.
    assert "within 14 days of purchase" in second.texts.notes["late-but-can-write"].text
    assert second.texts.warnings == first.texts.warnings
    assert second.texts.email.closing == "Thank you for your help."
    assert second.texts.email.opening == first.texts.email.opening
    # Each purchase hears the words of the version it is judged by.
    before = check(ANSWERS, policy=read_policies(path)).to_json()
    after = check(
        {**ANSWERS, "purchase_date": "2026-09-02", "request_date": "2026-09-03"},
        policy=read_policies(path),
        today=None,
    ).to_json()
    assert UNUSED_NOTE in before["notes"] and before["email"]["body"].endswith("Thank you.")
    assert f"{new} Write to support with your order ID." in after["notes"]
    assert after["email"]["body"].endswith("Thank you for your help.")
    # Where an inherited text was written: in the version that gave it.
    where = second.texts.notes["late-but-can-write"].where
    assert where.endswith(f":{line_of(path, 'quote = "Please contact')}"), where


# (what is replaced, by what, the text on the line the message names, what it says)
# fmt: off
MISTAKES = [
    ('when = { purchase_type = "credit_pack", credits_used = { not = "none" } }',
     'when = { purchase_type = "credit_pack", credits_usd = { not = "none" } }',
     'credits_usd = { not = "none" } }',
     "credits_usd is not an answer a condition can read. Did you mean credits_used?"),
    ('quote = "Approved refunds may revoke', 'qoute = "Approved refunds may revoke',
     'qoute = "Approved refunds may revoke', "qoute is not a part of a note. Did you mean quote?"),
    ('after = "of the job"', 'after = ""', 'after = ""',
     "after of the alternative free_retry must be text in double quotes; it is empty."),
    ('quote = "Replacement credits"', 'quote = "Replacement <b>credits</b>"', "Replacement <b>",
     "quote of the alternative replacement_credits holds “<” or “>”"),
    ('email = "I have asked for refunds before."', "",
     "[versions.warnings.repeat-requests]",
     "the warning repeat-requests has no email; add a line email = \"the customer's words\""),
    ('quote = "outputs have been downloaded, exported, or used',
     'quote = "outputs have been exported, or used', 'quote = "outputs have been exported',
     "the quote of the warning outputs-used is not words of clause outputs-used"),
    ('closing = "Thank you."', 'closing = "Thank you, {name}."', 'closing = "Thank you, {name}."',
     "{name} is not something the self-check fills in the email's line closing; it can fill: none"),
    ('link = "My answers in the self-check: {link}"', 'link = "My answers in the self-check"',
     'link = "My answers in the self-check"',
     "the email's line link must hold {link}, where it goes"),
    ("may take {{ creem_settlement_days_min }}", "may take {{ creem_settlement_days_minimum }}",
     "{{ creem_settlement_days_minimum }}",
     "in the refund timing creem, {{ creem_settlement_days_minimum }} is not a policy value. "
     "Did you mean {{ creem_settlement_days_min }}?"),
]
# fmt: on


@pytest.mark.parametrize(
    ("old", "new", "at", "message"), MISTAKES, ids=[m[3][:40] for m in MISTAKES]
)
def test_a_mistake_in_the_texts_is_named_with_its_line(
    tmp_path: Path, old: str, new: str, at: str, message: str
) -> None:
    path = edited_policy(tmp_path, old, new)
    found = problems(path)
    expected = f"{path}:{line_of(path, at)}: {message}"
    assert any(problem.startswith(expected) for problem in found), f"{expected}\n\n{found}"


def test_a_first_version_without_a_text_says_which_and_how_to_add_it(tmp_path: Path) -> None:
    path = edited_policy(
        tmp_path,
        'quote = "Approved refunds may revoke remaining credits associated with the refunded '
        'order."\n',
        "",
    )
    found = problems(path)
    assert any(
        "the note credit-pack-removes-credits has no quote; add a line quote = " in problem
        for problem in found
    ), found


def test_typo_fixes_after_a_versions_texts_belong_to_the_version(tmp_path: Path) -> None:
    fix = 'typo_fixes = ["“acount” now reads “account”."]\n'
    path = tmp_path / "policy.toml"
    path.write_text(
        first_published(POLICY_FILE.read_text(encoding="utf-8")) + fix, encoding="utf-8"
    )
    (version,) = read_policies(path).versions
    assert version.typo_fixes == ("“acount” now reads “account”.",)
    assert version.texts.email.closing == "Thank you."


@pytest.mark.parametrize(
    ("quote", "passage", "found"),
    [
        ("A free retry", "support may offer a free retry, model recommendation", True),
        ("Approved refunds may revoke credits.", "Approved refunds may revoke credits.", True),
        ("may revoke credits", "Approved refunds may not revoke credits", False),
        ("a free retry", "support may offer a free retrying service", False),
        ("Please contact a@b.c", "Please contact [a@b.c](mailto:a@b.c) within", True),
    ],
)
def test_a_quote_is_found_only_word_for_word(quote: str, passage: str, found: bool) -> None:
    assert quoted_in(quote, passage) is found


def test_notes_that_are_warnings_are_given_once_as_warnings() -> None:
    assert "chargeback-filed" not in NOTES.ids
    assert "chargeback-filed" in read_policies().first.texts.warnings
