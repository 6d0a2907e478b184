"""The refund policy's two lists as rules: one named predicate per bullet, each citing its clause.

Read it beside the policy's "Usually Eligible" and "Usually Not Eligible" lists. The numbers (the
refund window, the repeat limit) come from ``policy.toml``; the verdict follows from which clauses
apply:

* likely eligible: at least one clause supports a refund and none is against it;
* likely not eligible: at least one is against and none supports;
* needs review: both kinds apply, or none does (the policy reviews case by case).

When the customer is unsure of an answer, every possible value is tried: if all give the same
verdict, that is the verdict; otherwise support must review, and the unsure answers that would
change it are reported as missing.
"""

from __future__ import annotations

from pathlib import Path

from checker import outcomes
from checker.model import Answers, CreditsUsed, Reason
from checker.policy import Policy
from checker.questions import QUESTIONS
from checker.terms import meaningful_use, used_any_credits, within_refund_window
from policy_engine.rules import Rulebook

# ImgToSTL's refund policy: its clauses are registered on this object, in the page's order.
RULEBOOK = Rulebook(
    "refund",
    QUESTIONS,
    Path(__file__).parent,
    answers=Answers,
    policy=Policy,
    outcomes=outcomes.OUTCOMES,
    # The email's subject and opening name what was bought and why a refund is asked.
    email_slots={
        "kind": ("purchase_type", "words"),
        "reason": ("reason", "label"),
        "used": ("credits_used", "label"),
        "outputs": ("outputs_used", "label"),
        "first": ("first_purchase", "label"),
        "earlier": ("previous_refund_requests", "words"),
        "dispute": ("chargeback_filed", "label"),
        "provider": ("payment_provider", "label"),
    },
    example='{"purchase_date": "2026-05-01", "purchase_type": "credit_pack", '
    '"reason": "duplicate_payment", "credits_used": "none"}',
)
supports = RULEBOOK.supports
against = RULEBOOK.against


# Refunds are usually eligible when:


@supports("duplicate-payment")
def duplicate_payment(answers: Answers, policy: Policy) -> bool:
    """A duplicate or accidental duplicate payment occurred."""
    return answers.reason is Reason.DUPLICATE_PAYMENT


@supports("technical-failure")
def technical_failure(answers: Answers, policy: Policy) -> bool:
    """A technical failure prevented the service from delivering any usable result."""
    return answers.reason is Reason.TECHNICAL_FAILURE


@supports("failed-job")
def failed_job(answers: Answers, policy: Policy) -> bool:
    """Credits were charged for a failed job that was not automatically refunded."""
    return answers.reason is Reason.FAILED_JOB_CHARGED


@supports("recent-unused")
def recent_unused(answers: Answers, policy: Policy) -> bool:
    """Purchased recently, not used or used only minimal credits, and contacting us promptly."""
    return within_refund_window(answers, policy) and answers.credits_used in (
        CreditsUsed.NONE,
        CreditsUsed.MINIMAL,
    )


@supports("first-purchase-unusable")
def first_purchase_unusable(answers: Answers, policy: Policy) -> bool:
    """A first-time purchase produced a clearly unusable result (support decides on goodwill)."""
    return answers.reason is Reason.UNUSABLE_RESULT and answers.first_purchase is True


# Refunds are usually not eligible when:


@against("late-request")
def late_request(answers: Answers, policy: Policy) -> bool:
    """The request is made more than the refund window's days after purchase."""
    return not within_refund_window(answers, policy)


@against("substantial-use")
def substantial_use(answers: Answers, policy: Policy) -> bool:
    """A substantial portion of credits has been used."""
    return answers.credits_used is CreditsUsed.SUBSTANTIAL


@against("outputs-used")
def outputs_used(answers: Answers, policy: Policy) -> bool:
    """Outputs have been downloaded, exported, or used in a workflow after meaningful use."""
    return answers.outputs_used is True and meaningful_use(answers)


@against("change-of-mind")
def change_of_mind(answers: Answers, policy: Policy) -> bool:
    """The issue is based only on a change of mind after using the service."""
    return answers.reason is Reason.CHANGE_OF_MIND and used_any_credits(answers)


@against("terms-violation")
def terms_violation(answers: Answers, policy: Policy) -> bool:
    """The account violated the Terms of Service or abused credits, promotions or refunds."""
    return answers.terms_violation is True


@against("repeat-requests")
def repeat_requests(answers: Answers, policy: Policy) -> bool:
    """The same user or related accounts repeatedly request refunds after using compute."""
    return answers.previous_refund_requests >= policy.repeat_request_limit and used_any_credits(
        answers
    )
