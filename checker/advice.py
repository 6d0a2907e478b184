"""What the self-check tells the customer besides the verdict: the policy's other sections that
apply to their case, the alternatives support may offer, and a ready email to support.

Every sentence paraphrases the policy closely; none promises an outcome, because support makes the
final decision.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TypedDict
from urllib.parse import quote

from checker.model import (
    Answers,
    PaymentProvider,
    PurchaseType,
    Reason,
    Verdict,
)
from checker.policy import Policy
from checker.questions import QUESTIONS, QUESTIONS_BY_FIELD, Kind, Question
from checker.rules import Evaluation, used_any_credits, within_refund_window

FINAL_DECISION = "Support makes the final decision."

SUMMARIES: dict[Verdict, str] = {
    Verdict.LIKELY_ELIGIBLE: (
        "Your request is likely eligible for a refund under our policy. Write to support to ask "
        "for it; the ready-made email has what they need."
    ),
    Verdict.LIKELY_NOT_ELIGIBLE: (
        "Your request is likely not eligible for a refund under our policy. You can still write to "
        "support: they look at every request, and may offer another way to put things right."
    ),
    Verdict.NEEDS_REVIEW: (
        "Support needs to look at your case to decide: our policy reviews situations like yours "
        "case by case. Write to support; the ready-made email has what they need."
    ),
}

VERDICT_TITLES: dict[Verdict, str] = {
    Verdict.LIKELY_ELIGIBLE: "Likely eligible for a refund",
    Verdict.LIKELY_NOT_ELIGIBLE: "Likely not eligible for a refund",
    Verdict.NEEDS_REVIEW: "Support will review your case",
}


class Alternative(TypedDict):
    id: str
    text: str


class AlternativeId(StrEnum):
    """The policy's alternatives to a refund ("Alternatives to Refunds")."""

    FREE_RETRY = "free_retry"
    MODEL_RECOMMENDATION = "model_recommendation"
    REPLACEMENT_CREDITS = "replacement_credits"
    MANUAL_ASSISTANCE = "manual_assistance"


ALTERNATIVES: dict[AlternativeId, str] = {
    AlternativeId.FREE_RETRY: "A free retry of the job",
    AlternativeId.MODEL_RECOMMENDATION: "A recommendation of a model that suits your task better",
    AlternativeId.REPLACEMENT_CREDITS: "Replacement credits",
    AlternativeId.MANUAL_ASSISTANCE: "Help from a person on our team to get the result you need",
}

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


def alternative_ids(answers: Answers) -> list[AlternativeId]:
    """The alternatives to a refund that fit this case (the customer may decline them)."""
    return list(_ALTERNATIVES_FOR_REASON[answers.reason])


def alternatives(answers: Answers) -> list[Alternative]:
    """:func:`alternative_ids` with their words."""
    return [{"id": key.value, "text": ALTERNATIVES[key]} for key in alternative_ids(answers)]


class Settlement(StrEnum):
    """How long an approved refund may take to arrive, by who took the payment."""

    CREEM = "creem"
    OTHER_PROVIDER = "other-provider"
    PROVIDER_UNKNOWN = "provider-unknown"


def settlement(answers: Answers) -> Settlement:
    if answers.payment_provider is PaymentProvider.CREEM:
        return Settlement.CREEM
    if answers.payment_provider is PaymentProvider.OTHER:
        return Settlement.OTHER_PROVIDER
    return Settlement.PROVIDER_UNKNOWN


def settlement_text(how: Settlement, policy: Policy) -> str:
    """How an approved refund is paid, and how long it may take to appear."""
    creem = (
        f"Creem refunds may take {policy.creem_settlement_days_min}–"
        f"{policy.creem_settlement_days_max} days to appear on your statement"
    )
    start = (
        "Approved refunds are sent back to the original payment method; payment providers "
        "and banks control when they arrive. "
    )
    return {
        Settlement.CREEM: start + creem + ".",
        Settlement.OTHER_PROVIDER: start + "With providers other than Creem the time varies.",
        Settlement.PROVIDER_UNKNOWN: start + creem + "; with other providers the time varies.",
    }[how]


def processing_time(answers: Answers, policy: Policy) -> str:
    """:func:`settlement_text` for these answers."""
    return settlement_text(settlement(answers), policy)


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


def note_text(note: NoteId, policy: Policy) -> str:
    """A note's words, with the policy's values."""
    window = policy.refund_window_days
    return {
        NoteId.LATE_BUT_CAN_WRITE: (
            f"We ask customers to write within {window} days of purchase when possible. "
            "It is later than that, but you can still write: support reviews each case."
        ),
        NoteId.SUBSCRIPTION_CANCEL_ANY_TIME: (
            "You can cancel your subscription at any time to stop future renewals. "
            "Cancelling on its own does not refund the current billing period."
        ),
        NoteId.SUBSCRIPTION_REFUND_ENDS_PERIOD: (
            "If a subscription refund is approved, we may cancel the subscription straight "
            "away and remove the remaining subscription credits or access for that billing "
            "period."
        ),
        NoteId.SUBSCRIPTION_USE_REDUCES: (
            "Used credits and completed work may reduce eligibility, but support may "
            "still approve a full or partial goodwill refund for a first-time or "
            "low-usage case."
        ),
        NoteId.CREDIT_PACK_UNUSED_EASIER: (
            f"Unused credit packs requested within {window} days of purchase are "
            "generally easier to approve."
        ),
        NoteId.CREDIT_PACK_SOME_USED: (
            "If some credits were used, support may decline the refund, offer a partial "
            "refund or replacement credits, or make a goodwill exception, depending on "
            "how much was used and what went wrong."
        ),
        NoteId.CREDIT_PACK_REMOVES_CREDITS: (
            "An approved refund may remove the remaining credits of the refunded order."
        ),
        NoteId.GOODWILL_FIRST_PURCHASE: (
            "For a first purchase with a clearly unusable result, support decides whether a "
            "goodwill refund is appropriate."
        ),
        NoteId.CHARGEBACK_FILED: (
            "You have opened a payment dispute. We ask customers to contact support before "
            "doing so. If a dispute is filed for delivered digital services without first "
            "trying to resolve the issue with us, we may share usage and account records "
            "with the payment provider, suspend the account, remove credits and recover "
            "dispute fees where allowed. Writing to support now is still the quickest way "
            "to resolve it."
        ),
    }[note]


def notes(answers: Answers, policy: Policy) -> list[str]:
    """What else the policy says about a case like this one."""
    return [note_text(note, policy) for note in note_ids(answers, policy)]


class Email(TypedDict):
    to: str
    subject: str
    body: str
    mailto: str


# Mail programs and browsers cut long mailto links; stay well under the usual limit of 2,000.
MAILTO_LIMIT = 1900
_SHORTENED = "\n\n[Shortened to fit in an email link. Please add any details here.]"


def _answer_lines(answers: Answers) -> list[str]:
    values = answers.to_json()
    lines = []
    for question in QUESTIONS:
        if not question.asked or not shown(question, values):
            continue
        value = values[question.field]
        text = ("true" if value else "false") if isinstance(value, bool) else str(value)
        if question.kind in (Kind.CHOICE, Kind.YES_NO):
            text = question.option_label(text)
        lines.append(f"- {question.label} {text}")
    return lines


def shown(question: Question, values: dict[str, object]) -> bool:
    """Whether the self-check asks ``question`` given the other answers."""
    return all(str(values[field]) in allowed for field, allowed in question.shown_when)


def _request_lines(purchase_date: str = "", reason: str = "") -> list[str]:
    """The opening of every email to support, with what the policy asks customers to include."""
    return [
        "Hello ImgToSTL support,",
        "",
        "I would like to ask for a refund.",
        "",
        "Account email: ",
        "Order ID (if you have it): ",
        f"Purchase date: {purchase_date}",
        f"Reason: {reason}",
        "What happened, in a few words: ",
        "Screenshots or job IDs that show the issue: ",
    ]


def email(answers: Answers, policy: Policy, evaluation: Evaluation) -> Email:
    """A ready email to support with the blanks the policy asks customers to fill."""
    reason = QUESTIONS_BY_FIELD["reason"].option_label(answers.reason.value)
    kind = answers.purchase_type.value.replace("_", " ")
    subject = f"Refund request: {kind} bought on {answers.purchase_date.isoformat()}"
    clause_ids = ", ".join(rule.clause_id for rule in evaluation.clauses) or "none"
    body = "\n".join(
        [
            *_request_lines(answers.purchase_date.isoformat(), reason),
            "",
            "My answers to the refund self-check:",
            *_answer_lines(answers),
            "",
            f"Self-check result: {VERDICT_TITLES[evaluation.verdict]} "
            f"({evaluation.verdict.value}; clauses: {clause_ids}).",
            f"Refund policy last updated: {policy.last_updated}.",
            "",
            "Thank you.",
        ]
    )
    return blank_email(policy, subject, body)


def blank_email(policy: Policy, subject: str = "Refund request", body: str | None = None) -> Email:
    """An email to support; without a body, one with the blanks the policy asks for.

    The link goes to the configured address only, with nothing but a subject and a body, each
    percent-encoded, and is shortened to stay under :data:`MAILTO_LIMIT` characters.
    """
    if body is None:
        body = "\n".join([*_request_lines(), "", "Thank you."])

    def link(text: str) -> str:
        return (
            f"mailto:{quote(policy.support_email, safe='@')}?subject={quote(subject, safe='')}"
            f"&body={quote(text, safe='')}"
        )

    mailto = link(body)
    if len(mailto) > MAILTO_LIMIT:
        room = MAILTO_LIMIT - len(link(_SHORTENED))
        kept = body
        while kept and len(quote(kept, safe="")) > room:
            kept = kept[: max(0, len(kept) - max(1, (len(quote(kept, safe="")) - room) // 3))]
        body = kept.rstrip() + _SHORTENED
        mailto = link(body)
    return {"to": policy.support_email, "subject": subject, "body": body, "mailto": mailto}


def summary(evaluation: Evaluation) -> str:
    """The verdict in plain words, with who decides."""
    text = SUMMARIES[evaluation.verdict]
    if evaluation.missing:
        names = [QUESTIONS_BY_FIELD[field].label for field in evaluation.missing]
        text += (
            " Your answer to "
            + " and ".join(f"“{name}”" for name in names)
            + (" would change this result, so say what you know in your email.")
        )
    return f"{text} {FINAL_DECISION}"
