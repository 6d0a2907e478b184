"""Cases read from the policy text, one line each: the answers, the verdict, the clauses cited.

Written from the policy's two lists ("Usually Eligible", "Usually Not Eligible") and the verdict
rule of the issue: supports only -> likely eligible; against only -> likely not eligible; both or
neither -> needs review. Days count from the purchase (2026-05-01); the window is 7 days.
"""

# One case per line reads like a table; the long lines are deliberate.
# ruff: noqa: E501

from __future__ import annotations

from typing import Any

import pytest

from checker import check
from tests.checker.support import answers, clause_ids

ELIGIBLE, NOT_ELIGIBLE, REVIEW = "likely_eligible", "likely_not_eligible", "needs_review"

# fmt: off
# (what the customer says, answers beyond a credit pack bought 2026-05-01, verdict, clause ids)
CASES: list[tuple[str, dict[str, Any], str, list[str]]] = [
    ("charged twice, asks on day 2, nothing used", dict(reason="duplicate_payment"), ELIGIBLE, ["duplicate-payment", "recent-unused"]),
    ("charged twice, noticed a month later", dict(reason="duplicate_payment", day=30), REVIEW, ["duplicate-payment", "late-request"]),
    ("charged twice, most credits used", dict(reason="duplicate_payment", credits_used="substantial"), REVIEW, ["duplicate-payment", "substantial-use"]),
    ("technical failure, some credits spent trying", dict(reason="technical_failure", credits_used="some"), ELIGIBLE, ["technical-failure"]),
    ("technical failure, reported on day 20", dict(reason="technical_failure", credits_used="some", day=20), REVIEW, ["technical-failure", "late-request"]),
    ("failed job not refunded, a few credits used", dict(reason="failed_job_charged", credits_used="minimal", day=5), ELIGIBLE, ["failed-job", "recent-unused"]),
    ("failed job, but most credits used and outputs exported", dict(reason="failed_job_charged", credits_used="substantial", outputs_used=True), REVIEW, ["failed-job", "substantial-use", "outputs-used"]),
    ("unused, asks the same day", dict(reason="unused", day=0), ELIGIBLE, ["recent-unused"]),
    ("barely used, asks on day 7", dict(reason="unused", credits_used="minimal", day=7), ELIGIBLE, ["recent-unused"]),
    ("unused, asks on day 8", dict(reason="unused", day=8), NOT_ELIGIBLE, ["late-request"]),
    ("says unused but used some credits", dict(reason="unused", credits_used="some"), REVIEW, []),
    ("first purchase, clearly unusable result", dict(reason="unusable_result", credits_used="some", first_purchase=True), ELIGIBLE, ["first-purchase-unusable"]),
    ("unusable result, not the first purchase", dict(reason="unusable_result", credits_used="some"), REVIEW, []),
    ("first purchase unusable, but outputs downloaded", dict(reason="unusable_result", credits_used="some", first_purchase=True, outputs_used=True), REVIEW, ["first-purchase-unusable", "outputs-used"]),
    ("unusable result on a later purchase, day 10", dict(reason="unusable_result", credits_used="some", day=10), NOT_ELIGIBLE, ["late-request"]),
    ("changed mind before using anything", dict(reason="change_of_mind"), ELIGIBLE, ["recent-unused"]),
    ("changed mind after a few credits", dict(reason="change_of_mind", credits_used="minimal"), REVIEW, ["recent-unused", "change-of-mind"]),
    ("changed mind after using some", dict(reason="change_of_mind", credits_used="some"), NOT_ELIGIBLE, ["change-of-mind"]),
    ("changed mind after heavy use and exports", dict(reason="change_of_mind", credits_used="substantial", outputs_used=True), NOT_ELIGIBLE, ["substantial-use", "outputs-used", "change-of-mind"]),
    ("other reason, nothing used, day 4", dict(day=4), ELIGIBLE, ["recent-unused"]),
    ("other reason, some used", dict(credits_used="some", day=4), REVIEW, []),
    ("other reason, some used, outputs in a workflow", dict(credits_used="some", outputs_used=True), NOT_ELIGIBLE, ["outputs-used"]),
    ("a few credits and an export are not meaningful use", dict(credits_used="minimal", outputs_used=True), ELIGIBLE, ["recent-unused"]),
    ("duplicate payment on an account that broke the terms", dict(reason="duplicate_payment", terms_violation=True), REVIEW, ["duplicate-payment", "recent-unused", "terms-violation"]),
    ("unused, account abused promotions", dict(reason="unused", terms_violation=True), REVIEW, ["recent-unused", "terms-violation"]),
    ("late, some used, terms broken", dict(credits_used="some", day=30, terms_violation=True), NOT_ELIGIBLE, ["late-request", "terms-violation"]),
    ("third request after using credits", dict(reason="unused", credits_used="minimal", previous_refund_requests=2), REVIEW, ["recent-unused", "repeat-requests"]),
    ("many earlier requests but nothing used this time", dict(reason="unused", previous_refund_requests=5), ELIGIBLE, ["recent-unused"]),
    ("one earlier request after using credits", dict(reason="unused", credits_used="minimal", previous_refund_requests=1), ELIGIBLE, ["recent-unused"]),
    ("subscription, technical failure, chargeback filed, Creem", dict(purchase_type="subscription", reason="technical_failure", credits_used="minimal", day=6, chargeback_filed=True, payment_provider="creem"), ELIGIBLE, ["technical-failure", "recent-unused"]),
    ("subscription, late, heavy use, repeat requester", dict(purchase_type="subscription", credits_used="substantial", day=9, previous_refund_requests=3), NOT_ELIGIBLE, ["late-request", "substantial-use", "repeat-requests"]),
    ("subscription renewed and unused, asks next day", dict(purchase_type="subscription", reason="unused", day=1), ELIGIBLE, ["recent-unused"]),
]
# fmt: on


@pytest.mark.parametrize(
    ("overrides", "verdict", "ids"),
    [pytest.param(overrides, verdict, ids, id=story) for story, overrides, verdict, ids in CASES],
)
def test_the_policy_text_decides_this_case(
    overrides: dict[str, Any], verdict: str, ids: list[str]
) -> None:
    result = check(answers(**overrides))
    assert (result["verdict"], clause_ids(result)) == (verdict, ids)
    assert result["missing"] == []


def test_the_table_covers_every_clause_and_every_verdict() -> None:
    assert len(CASES) >= 25
    cited = {clause for _, _, _, ids in CASES for clause in ids}
    assert len(cited) == 11
    assert {verdict for _, _, verdict, _ in CASES} == {ELIGIBLE, NOT_ELIGIBLE, REVIEW}
