"""Terms the refund policy's clauses and notes share (checker/rules.py, checker/outcomes.py)."""

from __future__ import annotations

from checker.model import Answers, CreditsUsed
from checker.policy import Policy


def within_refund_window(answers: Answers, policy: Policy) -> bool:
    """Day 7 of a 7-day window is still inside it; day 8 is not."""
    return answers.days_since_purchase <= policy.refund_window_days


def used_any_credits(answers: Answers) -> bool:
    return answers.credits_used is not CreditsUsed.NONE


def meaningful_use(answers: Answers) -> bool:
    """More than a few credits: "some" or "substantial"."""
    return answers.credits_used in (CreditsUsed.SOME, CreditsUsed.SUBSTANTIAL)
