"""Conditions written as data (``when = { … }`` in policy.toml): what each form means, read the
same way for every policy, and every mistake named with what to write instead."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

import checker
from policy_engine import conditions
from policy_engine.conditions import Condition
from policy_engine.model import UNSURE
from policy_engine.questions import YES_NO_UNSURE, Kind, Option, Question
from policy_engine.spans import Span

QUESTIONS = {
    "reason": Question(
        "reason",
        "Why?",
        Kind.CHOICE,
        about="why",
        options=tuple(Option(v, v.title(), v) for v in ("broken", "late", "other")),
    ),
    "used": Question("used", "Used?", Kind.YES_NO, about="use", options=YES_NO_UNSURE),
    "earlier": Question("earlier", "How many?", Kind.COUNT, about="earlier"),
    "purchase_date": Question("purchase_date", "When?", Kind.DATE, about="when"),
    "request_date": Question("request_date", "Asked?", Kind.DATE, about="asked"),
}
# A span the policy names (the engine knows none of its own).
SPANS = {
    "days_since_purchase": Span(
        "days_since_purchase", "purchase_date", "request_date", "the days since", "since"
    )
}
VALUES = {"window": "days", "limit": "count", "support_email": "email"}


@dataclass(frozen=True)
class Answers:
    reason: str = "other"
    used: object = False
    earlier: int | None = 0
    purchase_date: date = date(2026, 5, 1)
    request_date: date = date(2026, 5, 1)


@dataclass(frozen=True)
class Version:
    window: int = 7
    limit: int = 2


def parsed(text: str) -> tuple[Condition | None, list[str]]:
    problems: list[str] = []
    given = tomllib.loads(f"when = {text}")["when"]
    made = conditions.parse(
        given, ("when",), QUESTIONS, VALUES, lambda path, m: problems.append(m), spans=SPANS
    )
    return made, problems


def holds(text: str, **answers: Any) -> bool:
    made, problems = parsed(text)
    assert made is not None, problems
    days = answers.pop("days", 0)
    return made.holds(
        Answers(**answers, request_date=date(2026, 5, 1) + timedelta(days=days)), Version()
    )


def test_an_answer_holds_when_it_is_the_option_or_one_of_the_options_named() -> None:
    assert holds('{ reason = "broken" }', reason="broken")
    assert not holds('{ reason = "broken" }', reason="late")
    assert holds('{ reason = ["broken", "late"] }', reason="late")
    assert holds('{ reason = { not = "broken" } }', reason="other")
    assert not holds('{ reason = { not = ["broken", "other"] } }', reason="other")


def test_yes_no_answers_are_true_false_or_unsure_and_unsure_is_neither() -> None:
    assert holds("{ used = true }", used=True)
    assert not holds("{ used = true }", used=UNSURE)
    assert not holds("{ used = false }", used=UNSURE)
    assert holds('{ used = "unsure" }', used=UNSURE)


@pytest.mark.parametrize(
    ("days", "at_most", "more_than"), [(0, True, False), (7, True, False), (8, False, True)]
)
def test_the_days_since_purchase_compare_with_a_value_of_the_version(
    days: int, at_most: bool, more_than: bool
) -> None:
    assert holds('{ days_since_purchase = { at_most = "window" } }', days=days) is at_most
    assert holds('{ days_since_purchase = { more_than = "window" } }', days=days) is more_than


def test_counts_compare_with_numbers_and_values_and_a_count_not_given_is_none() -> None:
    assert holds('{ earlier = { at_least = "limit" } }', earlier=2)
    assert not holds('{ earlier = { at_least = "limit" } }', earlier=1)
    assert not holds('{ earlier = { at_least = "limit" } }', earlier=None)
    assert holds("{ earlier = { less_than = 1 } }", earlier=0)
    assert holds("{ earlier = 3 }", earlier=3) and not holds("{ earlier = 3 }", earlier=4)


def test_every_part_must_hold_any_of_needs_one_and_not_turns_a_table_round() -> None:
    both = '{ reason = "broken", used = true }'
    assert holds(both, reason="broken", used=True)
    assert not holds(both, reason="broken", used=False)
    either = '{ any_of = [{ reason = "broken" }, { used = true }] }'
    assert holds(either, reason="late", used=True) and holds(either, reason="broken")
    assert not holds(either, reason="late", used=False)
    assert holds('{ not = { reason = "broken", used = true } }', reason="broken", used=False)
    assert holds('{ all_of = [{ reason = "late" }, { earlier = 0 }] }', reason="late")


def test_a_condition_says_what_it_reads() -> None:
    made, _ = parsed('{ reason = "late", days_since_purchase = { at_most = "window" } }')
    assert made is not None
    # A span reads its two dates.
    assert made.answers == {"reason", "purchase_date", "request_date"}
    assert made.spans == {"days_since_purchase"}
    assert made.values == {"window"}


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ('{ reasn = "late" }', "reasn is not an answer a condition can read. Did you mean reason?"),
        ('{ reason = "lat" }', '"lat" is not an answer to “Why?”; its answers are "broken"'),
        ('{ used = "yes" }', "(true and false without quotes)"),
        ('{ days_since_purchase = { at_most = "windo" } }', "one of the policy's numbers (window"),
        ("{ days_since_purchase = { within = 7 } }", "compare it with at_most, at_least"),
        ('{ days_since_purchase = { at_most = "support_email" } }', 'it is "support_email"'),
        ('{ any_of = { reason = "late" } }', "any_of must be a list of conditions"),
        ("{}", "a condition is a table of answers and what they must be"),
        ('{ purchase_date = "2026-05-01" }', "purchase_date is not an answer a condition can read"),
    ],
)
def test_every_mistake_is_named_with_what_to_write(text: str, words: str) -> None:
    made, problems = parsed(text)
    assert made is None
    assert any(words in problem for problem in problems), problems


def waited_a_long_time(answers: Any, policy: Any) -> bool:
    """A predicate a policy might need: the data form has no arithmetic on two values."""
    return bool(answers.days_since_purchase > 2 * policy.refund_window_days)


def test_a_named_python_predicate_is_declared_per_version_and_read_like_any_condition(
    tmp_path: Path,
) -> None:
    shipped = checker.RULEBOOK.policy_file.read_text(encoding="utf-8")
    marker = "[versions.clauses.duplicate-payment]"
    declared = (
        "[versions.predicates]\n"
        'long_wait = "tests.checker.test_conditions:waited_a_long_time"\n\n'
        "[versions.clauses.very-late]\n"
        'effect = "against"\n'
        'text = "Very late"\n'
        'when = { predicate = "long_wait" }\n\n'
    )
    path = tmp_path / "policy.toml"
    path.write_text(shipped.replace(marker, declared + marker), encoding="utf-8")
    policies = checker.read_policies(path)
    answers = {"purchase_type": "credit_pack", "reason": "other", "credits_used": "none"}
    late = checker.check(
        {**answers, "purchase_date": "2026-05-01", "request_date": "2026-05-16"},
        today=date(2026, 6, 1),
        policy=policies,
    )
    assert "very-late" in [clause.id for clause in late.clauses]
    on_time = checker.check(
        {**answers, "purchase_date": "2026-05-01", "request_date": "2026-05-15"},
        today=date(2026, 6, 1),
        policy=policies,
    )
    assert "very-late" not in [clause.id for clause in on_time.clauses]

    # A name that is not declared, and a target that cannot be imported, are named.
    path.write_text(
        shipped.replace(
            marker,
            declared.replace('predicate = "long_wait"', 'predicate = "long_wiat"').replace(
                "test_conditions:waited", "test_conditions:waitd"
            )
            + marker,
        ),
        encoding="utf-8",
    )
    with pytest.raises(checker.PolicyError) as raised:
        checker.read_policies(path)
    said = "\n".join(raised.value.problems)
    assert 'the predicate long_wait must name a function as "module:function"' in said
    assert "predicate names a Python function declared under [versions.predicates]" in said
