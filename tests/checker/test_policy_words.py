"""A policy's own words (``[words]`` in its policy.toml): the machinery's sentences a customer or
support reads are made from them, neutral where the file gives none, and every mistake in them is
named at its line with what to write."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from checker import PolicyError, read_policies
from policy_engine import advice, cli
from policy_engine import words as words_module
from policy_engine.policy import Policy
from policy_engine.questions import Kind, Option, Question
from policy_engine.words import PolicyWords, read_words, self_check_words
from tests.policies import POLICY_FILE, first_published

# What a policy about refunds of purchases says; no other policy may say it unless its file does.
BUSINESS = re.compile(r"\b(refunds?|refunded|purchases?|purchased|bought|buy)\b", re.IGNORECASE)

# The words that make the sentences the refund policy's pages said before [words] existed.
PURCHASE_WORDS = """\
thing = "purchase"
things = "purchases"
made = "made"
you_did = "you bought"
thing_date = "purchase date"
if_approved = "If a refund is approved"
policy_name = "refund policy"
"""

ORDER_WORDS = """\
thing = "order"
things = "orders"
made = "placed"
you_did = "you ordered"
thing_date = "order date"
if_approved = "If a reprint is approved"
"""


def with_words(folder: Path, words: str | None) -> Path:
    """``folder/policy.toml``: a policy file (the first published version's) whose ``[words]``
    are ``words`` (None: no [words] at all), whatever the project's file says today."""
    text = first_published(POLICY_FILE.read_text(encoding="utf-8"))
    # Any [words] section the file has, up to the next section, goes.
    text = re.sub(r"^\[words\]\n(?:(?!\[)[^\n]*\n)*", "", text, flags=re.MULTILINE)
    if words is not None:
        first = re.search(r"^\[\[versions\]\]$", text, re.MULTILINE)
        assert first is not None, "the policy file has no [[versions]]"
        text = text[: first.start()] + "[words]\n" + words + "\n" + text[first.start() :]
    path = folder / "policy.toml"
    path.write_text(text, encoding="utf-8")
    return path


def sentences(policy: Policy) -> dict[str, str]:
    """Every machinery sentence made from the policy's words, by where it is read."""
    said = self_check_words(policy.texts.words)
    return {
        "before the first version": advice.version_applied(policy, before_first=True),
        "under a version": advice.version_applied(policy, before_first=False),
        "staff, before the first": advice.staff_version(policy, None, True),
        "staff, under a version": advice.staff_version(policy, None, False),
        "processing heading": said.processing,
        "pointer": said.pointer,
        **{f"status {key}": text for key, text in said.status.items()},
    }


def test_the_sentences_of_a_policy_about_purchases_read_as_the_refund_policy_always_said(
    tmp_path: Path,
) -> None:
    policy = read_policies(with_words(tmp_path, PURCHASE_WORDS)).first
    said = sentences(policy)
    assert said["before the first version"] == (
        "You bought before this policy was first published, on 1 May 2026, so this answer "
        "follows that first version."
    )
    assert said["under a version"] == (
        "This answer follows the policy as it was when you bought: the version of 1 May 2026."
    )
    assert said["staff, before the first"].endswith(", the first, as the purchase predates it.")
    assert said["staff, under a version"].endswith(", in force on the purchase date.")
    assert said["processing heading"] == "If a refund is approved"
    assert said["pointer"] == (
        "The self-check is on the current policy page. It judges each purchase by the version of "
        "the policy in force on the day it was made, this one included."
    )
    assert "(how long ago you bought, and which version" in said["status from_table_only"]
    assert "add how long ago you bought and which version" in said["status from_table"]


def test_a_policy_without_words_says_nothing_of_refunds_then_says_its_own(
    tmp_path: Path,
) -> None:
    neutral = read_policies(with_words(tmp_path, None)).first
    assert neutral.texts.words == PolicyWords()
    for where, text in sentences(neutral).items():
        assert not BUSINESS.search(text), f"{where}: {text}"
    assert sentences(neutral)["before the first version"].startswith(
        "Your case began before this policy was first published"
    )

    ordered = read_policies(with_words(tmp_path, ORDER_WORDS)).first
    said = sentences(ordered)
    assert said["before the first version"].startswith(
        "You ordered before this policy was first published, on 1 May 2026"
    )
    assert "It judges each order by the version" in said["pointer"]
    assert "in force on the day it was placed" in said["pointer"]
    assert said["staff, under a version"].endswith(", in force on the order date.")
    assert said["processing heading"] == "If a reprint is approved"
    assert "how long ago you ordered" in said["status no_wasm_answered"]
    # A line left out keeps its neutral words.
    assert ordered.texts.words.policy_name == PolicyWords().policy_name


# (the [words] lines an editor wrote, the words the message must have)
MISTAKES = [
    pytest.param(
        'thnig = "order"\n', "thnig is not a line of [words]. Did you mean thing?", id="typo"
    ),
    pytest.param('thing = ""\n', '[words] needs thing = "…" in double quotes', id="empty"),
    pytest.param("things = 3\n", '[words] needs things = "…" in double quotes', id="a number"),
    pytest.param('made = "<b>placed</b>"\n', "holds “<” or “>”", id="markup"),
]


@pytest.mark.parametrize(("lines", "message"), MISTAKES)
def test_a_mistake_in_the_words_is_named_at_its_line_with_what_to_write(
    tmp_path: Path, lines: str, message: str
) -> None:
    path = with_words(tmp_path, 'thing = "order"\n' if "thing =" not in lines else "")
    text = path.read_text(encoding="utf-8")
    text = text.replace("[words]\n", "[words]\n" + lines, 1)
    path.write_text(text, encoding="utf-8")
    line = text.splitlines().index(lines.rstrip("\n")) + 1
    with pytest.raises(PolicyError) as raised:
        read_policies(path)
    said = str(raised.value)
    assert f"policy.toml:{line}: " in said and message in said, said


def test_words_that_are_not_a_section_are_refused_with_the_lines_to_write() -> None:
    problems: list[tuple[tuple[object, ...], str]] = []
    words = read_words("order", lambda path, message: problems.append((path, message)))
    assert words == PolicyWords()
    assert problems and problems[0][0] == ("words",)
    assert 'thing = "…"' in problems[0][1] and 'you_did = "…"' in problems[0][1]


def test_the_self_checks_fixed_words_speak_of_no_policys_business() -> None:
    # Every word the machinery gives every policy: the self-check's fixed words, and the neutral
    # words a policy without [words] reads. A sentence naming the business belongs to [words].
    fixed = [value for value in vars(words_module).values() if isinstance(value, str)]
    fixed += [
        text
        for value in vars(words_module).values()
        if isinstance(value, dict)
        for text in value.values()
        if isinstance(text, str)
    ]
    fixed += [str(value) for value in vars(PolicyWords()).values()]
    assert len(fixed) > 40, "the self-check's words were not found"
    spoken = [text for text in fixed if BUSINESS.search(text)]
    assert not spoken, spoken


def test_supports_cli_says_when_a_later_question_is_asked_in_the_policys_words() -> None:
    printer = Question(
        "printer",
        "Which printer do you print on?",
        Kind.CHOICE,
        about="your printer",
        options=(Option("fdm", "FDM", "fdm"), Option("resin", "Resin", "resin")),
        asked_from="2027-03-01",
    )
    for words, said in (
        (PolicyWords(), "asked of cases from 1 March 2027, ignored before"),
        (PolicyWords(things="orders"), "asked of orders from 1 March 2027, ignored before"),
    ):
        help_text = " ".join(cli.parser_for([printer], words=words).format_help().split())
        assert said in help_text, help_text
        assert not BUSINESS.search(help_text.split("answers (")[1]), help_text
