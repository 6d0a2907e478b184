"""What the refund self-check says besides the verdict, and when: which of the policy's notes,
warnings, alternatives and refund timings fit a case. Their words are the policy's data
(``policy.toml``), quoting the page word for word; the engine says them
(:mod:`policy_engine.advice`)."""

from __future__ import annotations

from enum import StrEnum

from checker.model import Answers, PaymentProvider, PurchaseType, Reason
from checker.policy import Policy
from checker.terms import used_any_credits, within_refund_window
from policy_engine.rules import Outcomes
from policy_engine.texts import OutcomeIds


class NoteId(StrEnum):
    """What else the policy says about a case, one id per note."""

    LATE_BUT_CAN_WRITE = "late-but-can-write"
    SUBSCRIPTION_CANCEL_ANY_TIME = "subscription-cancel-any-time"
    SUBSCRIPTION_REFUND_ENDS_PERIOD = "subscription-refund-ends-period"
    SUBSCRIPTION_USE_REDUCES = "subscription-use-reduces"
    CREDIT_PACK_UNUSED_EASIER = "credit-pack-unused-easier"
    CREDIT_PACK_SOME_USED = "credit-pack-some-used"
    CREDIT_PACK_REMOVES_CREDITS = "credit-pack-removes-credits"
    GOODWILL_FIRST_PURCHASE = "goodwill-first-purchase"
    CHARGEBACK_FILED = "chargeback-filed"


class AlternativeId(StrEnum):
    """The policy's alternatives to a refund ("Alternatives to Refunds")."""

    FREE_RETRY = "free_retry"
    MODEL_RECOMMENDATION = "model_recommendation"
    REPLACEMENT_CREDITS = "replacement_credits"
    MANUAL_ASSISTANCE = "manual_assistance"


class Settlement(StrEnum):
    """How long an approved refund may take to arrive, by who took the payment."""

    CREEM = "creem"
    OTHER_PROVIDER = "other-provider"
    PROVIDER_UNKNOWN = "provider-unknown"


# What the policy warns a customer about, in the order the result shows them: where one of its
# notes or clauses applies (kind "note" or "clause", id). Chosen by the policy's text: the
# Chargebacks section, the two clauses about what the customer has already done that usually rule
# a refund out, and Subscription Refunds (a refund can end the billing period's credits). A note
# that is a warning has its words under [versions.warnings], not [versions.notes].
WARNING_SOURCES: tuple[tuple[str, str], ...] = (
    ("note", NoteId.CHARGEBACK_FILED.value),
    ("clause", "outputs-used"),
    ("clause", "repeat-requests"),
    ("note", NoteId.SUBSCRIPTION_REFUND_ENDS_PERIOD.value),
)
WARNING_NOTES = frozenset(id for kind, id in WARNING_SOURCES if kind == "note")


# Which of the policy's alternatives fit which problem. A refund is the fix for a duplicate
# payment or an unused purchase, so none is suggested there.
_ALTERNATIVES_FOR_REASON: dict[Reason, tuple[AlternativeId, ...]] = {
    Reason.DUPLICATE_PAYMENT: (),
    Reason.UNUSED: (),
    Reason.TECHNICAL_FAILURE: (
        AlternativeId.FREE_RETRY,
        AlternativeId.REPLACEMENT_CREDITS,
        AlternativeId.MANUAL_ASSISTANCE,
    ),
    Reason.FAILED_JOB_CHARGED: (AlternativeId.FREE_RETRY, AlternativeId.REPLACEMENT_CREDITS),
    Reason.UNUSABLE_RESULT: (
        AlternativeId.FREE_RETRY,
        AlternativeId.MODEL_RECOMMENDATION,
        AlternativeId.REPLACEMENT_CREDITS,
        AlternativeId.MANUAL_ASSISTANCE,
    ),
    Reason.CHANGE_OF_MIND: (AlternativeId.MODEL_RECOMMENDATION,),
    Reason.OTHER: (AlternativeId.MANUAL_ASSISTANCE,),
}


# Every reason has its alternatives (none is a choice too): a new reason without them stops the
# checker from loading. (An alternative without its words stops the policy file's reader.)
if set(_ALTERNATIVES_FOR_REASON) != set(Reason):
    raise TypeError("checker.outcomes: every Reason needs its alternatives")


def alternative_ids(answers: Answers) -> list[AlternativeId]:
    """The alternatives to a refund that fit this case (the customer may decline them)."""
    return list(_ALTERNATIVES_FOR_REASON[answers.reason])


def settlement(answers: Answers) -> Settlement:
    if answers.payment_provider is PaymentProvider.CREEM:
        return Settlement.CREEM
    if answers.payment_provider is PaymentProvider.OTHER:
        return Settlement.OTHER_PROVIDER
    return Settlement.PROVIDER_UNKNOWN


def note_ids(answers: Answers, policy: Policy) -> list[NoteId]:
    """The notes that fit this case, in the order the policy's sections come."""
    out: list[NoteId] = []
    inside_window = within_refund_window(answers, policy)
    if not inside_window:
        out.append(NoteId.LATE_BUT_CAN_WRITE)
    if answers.purchase_type is PurchaseType.SUBSCRIPTION:
        out += [NoteId.SUBSCRIPTION_CANCEL_ANY_TIME, NoteId.SUBSCRIPTION_REFUND_ENDS_PERIOD]
        if used_any_credits(answers):
            out.append(NoteId.SUBSCRIPTION_USE_REDUCES)
    else:
        if not used_any_credits(answers) and inside_window:
            out.append(NoteId.CREDIT_PACK_UNUSED_EASIER)
        elif used_any_credits(answers):
            out.append(NoteId.CREDIT_PACK_SOME_USED)
        out.append(NoteId.CREDIT_PACK_REMOVES_CREDITS)
    if answers.reason is Reason.UNUSABLE_RESULT and answers.first_purchase is True:
        out.append(NoteId.GOODWILL_FIRST_PURCHASE)
    if answers.chargeback_filed:
        out.append(NoteId.CHARGEBACK_FILED)
    return out


# The sentences of timing(), in policy.toml's [sentences].
SENTENCES = ("window", "bought_today", "bought_ago", "dated_same_day", "dated_after")


def timing(answers: Answers, policy: Policy) -> str:
    """How long after the purchase the request is, next to the refund window (policy.toml's
    [sentences], {days} filled in)."""
    days = answers.days_since_purchase
    said = policy.texts.sentences
    if "request_date" in answers.given:
        first = said["dated_same_day"] if days == 0 else said["dated_after"]
    else:
        first = said["bought_today"] if days == 0 else said["bought_ago"]
    return f"{first.replace('{days}', _days(days))} {said['window']}"


def _days(count: int) -> str:
    return f"{count:,} day{'s' if count != 1 else ''}"


OUTCOMES = Outcomes(
    ids=OutcomeIds(
        notes=tuple(note.value for note in NoteId),
        warning_sources=WARNING_SOURCES,
        alternatives=tuple(alternative.value for alternative in AlternativeId),
        refund_timing=tuple(how.value for how in Settlement),
        sentences=SENTENCES,
    ),
    notes=lambda answers, policy: [note.value for note in note_ids(answers, policy)],
    alternatives=lambda answers: [choice.value for choice in alternative_ids(answers)],
    refund_timing=lambda answers: settlement(answers).value,
    timing=timing,
)
