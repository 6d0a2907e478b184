"""The answers a customer gives to the refund self-check, as closed types: each choice's values,
and the typed answers the rules read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from policy_engine.model import BaseAnswers, YesNoUnsure


class PurchaseType(StrEnum):
    SUBSCRIPTION = "subscription"
    CREDIT_PACK = "credit_pack"


class Reason(StrEnum):
    DUPLICATE_PAYMENT = "duplicate_payment"
    TECHNICAL_FAILURE = "technical_failure"  # no usable result was delivered
    FAILED_JOB_CHARGED = "failed_job_charged"  # credits charged for a failed job, not refunded
    UNUSED = "unused"  # bought recently, not or barely used
    UNUSABLE_RESULT = "unusable_result"
    CHANGE_OF_MIND = "change_of_mind"
    OTHER = "other"


class CreditsUsed(StrEnum):
    # In increasing order of use: the rules and the tests rely on this order.
    NONE = "none"
    MINIMAL = "minimal"
    SOME = "some"
    SUBSTANTIAL = "substantial"
    UNSURE = "unsure"


class PaymentProvider(StrEnum):
    CREEM = "creem"
    OTHER = "other"
    UNSURE = "unsure"


@dataclass(frozen=True, kw_only=True)
class Answers(BaseAnswers):
    """One customer's situation, validated: the typed value the rules read. Read by the engine
    (:func:`policy_engine.answers.parse_answers`), each field by its question
    (:data:`checker.questions.QUESTIONS`: one question per field, checked when the rulebook is
    made)."""

    purchase_date: date
    request_date: date
    purchase_type: PurchaseType
    reason: Reason
    credits_used: CreditsUsed
    outputs_used: YesNoUnsure = False
    first_purchase: YesNoUnsure = False
    previous_refund_requests: int = 0
    chargeback_filed: bool = False
    payment_provider: PaymentProvider = PaymentProvider.UNSURE
    # Only support knows it; None when support has not said (the rules read it as "no").
    terms_violation: bool | None = None
