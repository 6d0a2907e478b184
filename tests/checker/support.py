"""Shared helpers for the checker's tests: answers built from a few overrides, dates by day."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from checker import check

PURCHASE_DATE = date(2026, 5, 1)

# Worst to best, so that "never improves" can be written as a comparison of ranks.
# The answers contract's reasons, typed out from the issue rather than read from the code.
REASONS = (
    "duplicate_payment",
    "technical_failure",
    "failed_job_charged",
    "unused",
    "unusable_result",
    "change_of_mind",
    "other",
)
VERDICT_RANK = {"likely_not_eligible": 0, "needs_review": 1, "likely_eligible": 2}

# The clause ids from the issue, typed here by hand: they are the published page's anchors.
SUPPORTING_IDS = (
    "duplicate-payment",
    "technical-failure",
    "failed-job",
    "recent-unused",
    "first-purchase-unusable",
)
AGAINST_IDS = (
    "late-request",
    "substantial-use",
    "outputs-used",
    "change-of-mind",
    "terms-violation",
    "repeat-requests",
)
ALL_IDS = SUPPORTING_IDS + AGAINST_IDS


def contract(answers: object, **options: Any) -> dict[str, Any]:
    """``check()``'s result in the answers contract's JSON form (what the page and --json get)."""
    return check(answers, **options).to_json()


def on_day(days_since_purchase: int) -> str:
    """The request date that many calendar days after :data:`PURCHASE_DATE`."""
    return (PURCHASE_DATE + timedelta(days=days_since_purchase)).isoformat()


def answers(day: int = 2, **overrides: Any) -> dict[str, Any]:
    """A valid answers object: a credit pack, unused, asked for on ``day``, reason "other"."""
    base: dict[str, Any] = {
        "purchase_date": PURCHASE_DATE.isoformat(),
        "request_date": on_day(day),
        "purchase_type": "credit_pack",
        "reason": "other",
        "credits_used": "none",
    }
    base.update(overrides)
    return base


def clause_ids(result: dict[str, Any]) -> list[str]:
    """The ids of the clauses a result cites, in its order."""
    return [clause["id"] for clause in result["clauses"]]


def verdict_and_ids(**overrides: Any) -> tuple[str, list[str]]:
    """Check :func:`answers` with ``overrides``; return the verdict and the cited clause ids."""
    result = contract(answers(**overrides))
    return result["verdict"], clause_ids(result)
