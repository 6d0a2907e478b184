"""The answers a customer gives and the verdicts the policy can reach, as closed types."""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, fields, replace
from datetime import date
from enum import Enum, StrEnum
from typing import Any


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


class Unsure(Enum):
    """The customer does not know the answer to a yes/no question."""

    UNSURE = "unsure"


UNSURE = Unsure.UNSURE
YesNoUnsure = bool | Unsure


class Verdict(StrEnum):
    LIKELY_ELIGIBLE = "likely_eligible"
    LIKELY_NOT_ELIGIBLE = "likely_not_eligible"
    NEEDS_REVIEW = "needs_review"


class Effect(StrEnum):
    SUPPORTS = "supports"
    AGAINST = "against"


@dataclass(frozen=True)
class Answers:
    """One customer's situation, validated: the typed value the rules read. Build it with
    :func:`checker.answers.parse_answers`, which reads each field with its question
    (:data:`checker.questions.QUESTIONS`: one question per field, checked when the checker loads).
    """

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
    # The answers that were given rather than left to the contract's defaults. Only the wording
    # reads it (what the email lists, what a link carries), never a rule.
    given: frozenset[str] = field(default=frozenset(), compare=False, repr=False)

    @property
    def days_since_purchase(self) -> int:
        """Calendar days from purchase to request: a request on the purchase day is day 0."""
        return (self.request_date - self.purchase_date).days

    def unsure_fields(self, possible: Mapping[str, tuple[object, ...]]) -> list[str]:
        """The answers left as "unsure" that the rules depend on, in question order.

        ``possible`` gives, for each answer a customer may leave unsure, the values it stands for
        (:data:`checker.questions.POSSIBLE_VALUES`, read from the questions' options): an answer
        that is none of them is the "unsure" one.
        """
        return [name for name, values in possible.items() if getattr(self, name) not in values]

    def resolutions(self, possible: Mapping[str, tuple[object, ...]]) -> Iterator[Answers]:
        """Every fully known situation this one could be, one per combination of unsure answers
        (``possible`` as for :meth:`unsure_fields`)."""
        unsure = self.unsure_fields(possible)
        for values in itertools.product(*(possible[name] for name in unsure)):
            changes: dict[str, Any] = dict(zip(unsure, values, strict=True))
            yield replace(self, **changes)

    def to_json(self) -> dict[str, object]:
        """The answers in the JSON form of the answers contract (an answer support has not
        given is left out)."""
        out: dict[str, object] = {}
        for item in fields(self):
            value = getattr(self, item.name)
            if value is None or item.name == "given":
                continue
            if isinstance(value, date):
                value = value.isoformat()
            elif isinstance(value, Enum):
                value = value.value
            out[item.name] = value
        return out
