"""Unsure answers: every possible value is tried; ``missing`` names the answers that matter."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.checker.support import REASONS, answers, clause_ids, contract

# The values an unsure answer stands for, as the contract lists them.
POSSIBLE = {
    "credits_used": ["none", "minimal", "some", "substantial"],
    "outputs_used": [False, True],
    "first_purchase": [False, True],
}


def test_unsure_answers_that_cannot_change_the_verdict_are_not_missing() -> None:
    # A duplicate payment with nothing used: outputs and a first purchase cannot matter.
    result = contract(
        answers(reason="duplicate_payment", outputs_used="unsure", first_purchase="unsure")
    )
    assert result["verdict"] == "likely_eligible"
    assert result["missing"] == []
    assert clause_ids(result) == ["duplicate-payment", "recent-unused"]


def test_unsure_credits_that_always_give_the_same_verdict_give_that_verdict() -> None:
    # Late, and no reason that supports a refund: not eligible whatever was used.
    result = contract(answers(day=30, credits_used="unsure", outputs_used="unsure"))
    assert (result["verdict"], result["missing"]) == ("likely_not_eligible", [])
    assert clause_ids(result) == ["late-request"]


def test_credits_used_matters_and_first_purchase_does_not() -> None:
    # Duplicate payment: eligible unless a substantial share was used; first purchase is moot.
    result = contract(
        answers(reason="duplicate_payment", credits_used="unsure", first_purchase="unsure")
    )
    assert result["verdict"] == "needs_review"
    assert result["missing"] == ["credits_used"]
    # Only the clause that applies whatever the answers is cited.
    assert clause_ids(result) == ["duplicate-payment"]


def test_first_purchase_matters_and_credits_used_does_not() -> None:
    # Late: a first purchase adds a supporting clause; more use only adds more against it.
    result = contract(
        answers(day=20, reason="unusable_result", credits_used="unsure", first_purchase="unsure")
    )
    assert result["verdict"] == "needs_review"
    assert result["missing"] == ["first_purchase"]
    assert clause_ids(result) == ["late-request"]


def test_outputs_used_matters_after_meaningful_use() -> None:
    result = contract(
        answers(reason="duplicate_payment", credits_used="some", outputs_used="unsure")
    )
    assert (result["verdict"], result["missing"]) == ("needs_review", ["outputs_used"])


def test_both_credits_and_outputs_can_matter_at_once() -> None:
    result = contract(
        answers(reason="duplicate_payment", credits_used="unsure", outputs_used="unsure")
    )
    assert (result["verdict"], result["missing"]) == (
        "needs_review",
        ["credits_used", "outputs_used"],
    )


def test_unsure_outputs_do_not_matter_when_few_credits_were_used() -> None:
    result = contract(answers(reason="unused", credits_used="minimal", outputs_used="unsure"))
    assert (result["verdict"], result["missing"]) == ("likely_eligible", [])


def test_the_summary_asks_about_the_missing_answer() -> None:
    result = contract(answers(reason="duplicate_payment", credits_used="unsure"))
    assert "How much of what you bought have you used?" in result["summary"]


# The same semantics checked against plain, fully known calls of contract() over random cases.


def _verdict(base: dict[str, Any], known: dict[str, Any]) -> str:
    return str(contract({**base, **known})["verdict"])


unsure_cases = st.fixed_dictionaries(
    {
        "day": st.sampled_from([0, 3, 7, 8, 30]),
        "reason": st.sampled_from(REASONS),
        "purchase_type": st.sampled_from(["subscription", "credit_pack"]),
        "credits_used": st.sampled_from([*POSSIBLE["credits_used"], "unsure"]),
        "outputs_used": st.sampled_from([False, True, "unsure"]),
        "first_purchase": st.sampled_from([False, True, "unsure"]),
        "previous_refund_requests": st.integers(0, 4),
        "terms_violation": st.booleans(),
    }
)


@settings(max_examples=300, deadline=None)
@given(unsure_cases)
def test_missing_names_exactly_the_unsure_answers_that_change_the_verdict(
    case: dict[str, Any],
) -> None:
    base = answers(**case)
    unsure = [name for name in POSSIBLE if base[name] == "unsure"]
    resolutions = [
        dict(zip(unsure, values, strict=True))
        for values in itertools.product(*(POSSIBLE[name] for name in unsure))
    ]
    verdicts = {_verdict(base, known) for known in resolutions}
    # An answer matters when changing it alone, the others fixed, changes the verdict.
    matters = [
        name
        for name in unsure
        for known in resolutions
        if len({_verdict(base, {**known, name: value}) for value in POSSIBLE[name]}) > 1
    ]
    expected_missing = list(dict.fromkeys(matters))  # in question order, once each

    result = contract(base)
    if len(verdicts) == 1:
        assert (result["verdict"], result["missing"]) == (verdicts.pop(), [])
    else:
        assert result["verdict"] == "needs_review"
        assert result["missing"] == expected_missing
        assert result["missing"], "a differing verdict always has an answer that changes it"


@pytest.mark.parametrize("field", list(POSSIBLE))
def test_an_unsure_answer_is_shown_as_unsure_in_the_result(field: str) -> None:
    result = contract(answers(**{"credits_used": "some", field: "unsure"}))
    assert result["answers"][field] == "unsure"
