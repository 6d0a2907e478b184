"""One test per clause boundary: the day the window closes, each level of use, each reason."""

from __future__ import annotations

import pytest

from checker import default_policy
from tests.checker.support import answers, clause_ids, contract, verdict_and_ids


def test_the_shipped_policy_has_the_issues_numbers() -> None:
    policy = default_policy()
    assert (policy.refund_window_days, policy.repeat_request_limit) == (7, 2)
    assert (policy.creem_settlement_days_min, policy.creem_settlement_days_max) == (5, 10)


# The refund window: "more than 7 days after purchase" is late, so day 7 is still inside.


def test_a_request_on_the_purchase_day_is_day_0_and_inside_the_window() -> None:
    result = contract(answers(day=0, reason="unused"))
    assert result["days_since_purchase"] == 0
    assert clause_ids(result) == ["recent-unused"]


def test_day_7_is_still_inside_the_window() -> None:
    assert verdict_and_ids(day=7, reason="unused") == ("likely_eligible", ["recent-unused"])


def test_day_8_is_outside_the_window() -> None:
    assert verdict_and_ids(day=8, reason="unused") == ("likely_not_eligible", ["late-request"])


def test_day_7_is_not_a_late_request_even_with_some_credits_used() -> None:
    assert verdict_and_ids(day=7, credits_used="some") == ("needs_review", [])


def test_day_8_is_a_late_request_even_for_a_duplicate_payment() -> None:
    verdict, ids = verdict_and_ids(day=8, reason="duplicate_payment")
    assert "late-request" in ids and "recent-unused" not in ids
    assert verdict == "needs_review"


@pytest.mark.parametrize(
    ("purchase_date", "day_7", "day_8"),
    [
        pytest.param("2026-01-28", "2026-02-04", "2026-02-05", id="across a month end"),
        pytest.param("2024-02-25", "2024-03-03", "2024-03-04", id="across 29 February"),
        pytest.param("2025-12-28", "2026-01-04", "2026-01-05", id="across a year end"),
    ],
)
def test_the_window_counts_calendar_days(purchase_date: str, day_7: str, day_8: str) -> None:
    inside = contract(answers(purchase_date=purchase_date, request_date=day_7))
    outside = contract(answers(purchase_date=purchase_date, request_date=day_8))
    assert (inside["days_since_purchase"], clause_ids(inside)) == (7, ["recent-unused"])
    assert (outside["days_since_purchase"], clause_ids(outside)) == (8, ["late-request"])


# How much was used.


@pytest.mark.parametrize(
    ("credits_used", "expected"),
    [
        pytest.param("none", ("likely_eligible", ["recent-unused"]), id="none"),
        pytest.param("minimal", ("likely_eligible", ["recent-unused"]), id="minimal"),
        pytest.param("some", ("needs_review", []), id="some is neither minimal nor substantial"),
        pytest.param("substantial", ("likely_not_eligible", ["substantial-use"]), id="substantial"),
    ],
)
def test_each_level_of_credits_used_inside_the_window(
    credits_used: str, expected: tuple[str, list[str]]
) -> None:
    assert verdict_and_ids(credits_used=credits_used) == expected


def test_substantial_use_counts_after_the_window_too() -> None:
    assert verdict_and_ids(day=30, credits_used="substantial") == (
        "likely_not_eligible",
        ["late-request", "substantial-use"],
    )


# Each reason, with some credits used so that the window's clause stays out of the way.


@pytest.mark.parametrize(
    ("reason", "expected"),
    [
        pytest.param("duplicate_payment", ("likely_eligible", ["duplicate-payment"]), id="dup"),
        pytest.param("technical_failure", ("likely_eligible", ["technical-failure"]), id="tech"),
        pytest.param("failed_job_charged", ("likely_eligible", ["failed-job"]), id="failed job"),
        pytest.param("unused", ("needs_review", []), id="unused but some used"),
        pytest.param("unusable_result", ("needs_review", []), id="unusable, not first purchase"),
        pytest.param("change_of_mind", ("likely_not_eligible", ["change-of-mind"]), id="mind"),
        pytest.param("other", ("needs_review", []), id="other"),
    ],
)
def test_each_reason_with_some_credits_used(reason: str, expected: tuple[str, list[str]]) -> None:
    assert verdict_and_ids(reason=reason, credits_used="some") == expected


# "Outputs ... used in a workflow after meaningful use": only with some or substantial use.


@pytest.mark.parametrize(
    ("credits_used", "fires"),
    [("none", False), ("minimal", False), ("some", True), ("substantial", True)],
)
def test_outputs_used_counts_only_after_meaningful_use(credits_used: str, fires: bool) -> None:
    _, ids = verdict_and_ids(credits_used=credits_used, outputs_used=True)
    assert ("outputs-used" in ids) is fires


def test_outputs_not_used_never_count_against_a_refund() -> None:
    _, ids = verdict_and_ids(credits_used="substantial", outputs_used=False)
    assert "outputs-used" not in ids


# "A change of mind after using the service": before any use it is not against a refund.


@pytest.mark.parametrize(
    ("credits_used", "expected"),
    [
        pytest.param("none", ("likely_eligible", ["recent-unused"]), id="none"),
        pytest.param(
            "minimal", ("needs_review", ["recent-unused", "change-of-mind"]), id="minimal"
        ),
        pytest.param("some", ("likely_not_eligible", ["change-of-mind"]), id="some"),
        pytest.param(
            "substantial",
            ("likely_not_eligible", ["substantial-use", "change-of-mind"]),
            id="substantial",
        ),
    ],
)
def test_a_change_of_mind_counts_only_after_using_credits(
    credits_used: str, expected: tuple[str, list[str]]
) -> None:
    assert verdict_and_ids(reason="change_of_mind", credits_used=credits_used) == expected


# "Repeatedly request refunds after using compute resources".


def test_one_request_below_the_repeat_limit_is_not_repeated() -> None:
    limit = default_policy().repeat_request_limit
    _, ids = verdict_and_ids(credits_used="minimal", previous_refund_requests=limit - 1)
    assert "repeat-requests" not in ids


def test_requests_at_the_repeat_limit_are_repeated() -> None:
    limit = default_policy().repeat_request_limit
    assert verdict_and_ids(credits_used="minimal", previous_refund_requests=limit) == (
        "needs_review",
        ["recent-unused", "repeat-requests"],
    )


def test_requests_above_the_repeat_limit_are_repeated() -> None:
    _, ids = verdict_and_ids(credits_used="some", previous_refund_requests=7)
    assert ids == ["repeat-requests"]


def test_repeated_requests_without_using_credits_do_not_count() -> None:
    limit = default_policy().repeat_request_limit
    assert verdict_and_ids(credits_used="none", previous_refund_requests=limit + 3) == (
        "likely_eligible",
        ["recent-unused"],
    )


# "A first-time purchase produced a clearly unusable result".


def test_a_first_purchase_with_an_unusable_result_supports_a_refund() -> None:
    assert verdict_and_ids(reason="unusable_result", credits_used="some", first_purchase=True) == (
        "likely_eligible",
        ["first-purchase-unusable"],
    )


def test_an_unusable_result_on_a_later_purchase_needs_review() -> None:
    assert verdict_and_ids(reason="unusable_result", credits_used="some", first_purchase=False) == (
        "needs_review",
        [],
    )


def test_unsure_whether_it_is_the_first_purchase_asks_for_that_answer() -> None:
    result = contract(
        answers(reason="unusable_result", credits_used="some", first_purchase="unsure")
    )
    assert (result["verdict"], clause_ids(result), result["missing"]) == (
        "needs_review",
        [],
        ["first_purchase"],
    )


def test_a_first_purchase_matters_only_for_an_unusable_result() -> None:
    _, ids = verdict_and_ids(reason="other", credits_used="some", first_purchase=True)
    assert "first-purchase-unusable" not in ids


# Terms of Service.


def test_a_terms_violation_counts_against_a_refund() -> None:
    assert verdict_and_ids(credits_used="some", terms_violation=True) == (
        "likely_not_eligible",
        ["terms-violation"],
    )


def test_a_terms_violation_beside_a_supporting_clause_needs_review() -> None:
    assert verdict_and_ids(reason="duplicate_payment", terms_violation=True) == (
        "needs_review",
        ["duplicate-payment", "recent-unused", "terms-violation"],
    )


def test_no_terms_violation_by_default() -> None:
    _, ids = verdict_and_ids(credits_used="some")
    assert "terms-violation" not in ids
