"""What the self-check tells the customer besides the verdict: the policy's other sections that
apply to their case, the alternatives support may offer, and a ready email to support.

Every sentence paraphrases the policy closely; none promises an outcome, because support makes the
final decision.
"""

from __future__ import annotations

from typing import TypedDict
from urllib.parse import quote

from checker.model import (
    Answers,
    CreditsUsed,
    PaymentProvider,
    PurchaseType,
    Reason,
    Verdict,
)
from checker.policy import Policy
from checker.questions import QUESTIONS, QUESTIONS_BY_FIELD, Kind, Question
from checker.rules import Evaluation

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


ALTERNATIVES: dict[str, str] = {
    "free_retry": "A free retry of the job",
    "model_recommendation": "A recommendation of a model that suits your task better",
    "replacement_credits": "Replacement credits",
    "manual_assistance": "Help from a person on our team to get the result you need",
}

# Which of the policy's alternatives fit which problem. A refund is the fix for a duplicate
# payment or an unused purchase, so none is suggested there.
_ALTERNATIVES_FOR_REASON: dict[Reason, tuple[str, ...]] = {
    Reason.DUPLICATE_PAYMENT: (),
    Reason.UNUSED: (),
    Reason.TECHNICAL_FAILURE: ("free_retry", "replacement_credits", "manual_assistance"),
    Reason.FAILED_JOB_CHARGED: ("free_retry", "replacement_credits"),
    Reason.UNUSABLE_RESULT: (
        "free_retry",
        "model_recommendation",
        "replacement_credits",
        "manual_assistance",
    ),
    Reason.CHANGE_OF_MIND: ("model_recommendation",),
    Reason.OTHER: ("manual_assistance",),
}


def alternatives(answers: Answers) -> list[Alternative]:
    """The alternatives to a refund that fit this case (the customer may decline them)."""
    return [
        {"id": key, "text": ALTERNATIVES[key]} for key in _ALTERNATIVES_FOR_REASON[answers.reason]
    ]


def processing_time(answers: Answers, policy: Policy) -> str:
    """How an approved refund is paid, and how long it may take to appear."""
    creem = (
        f"Creem refunds may take {policy.creem_settlement_days_min}–"
        f"{policy.creem_settlement_days_max} days to appear on your statement"
    )
    start = (
        "Approved refunds are sent back to the original payment method; payment providers "
        "and banks control when they arrive. "
    )
    if answers.payment_provider is PaymentProvider.CREEM:
        return start + creem + "."
    if answers.payment_provider is PaymentProvider.OTHER:
        return start + "With providers other than Creem the time varies."
    return start + creem + "; with other providers the time varies."


def notes(answers: Answers, policy: Policy) -> list[str]:
    """What else the policy says about a case like this one."""
    out: list[str] = []
    window = policy.refund_window_days
    if answers.days_since_purchase > window:
        out.append(
            f"We ask customers to write within {window} days of purchase when possible. "
            "It is later than that, but you can still write: support reviews each case."
        )
    if answers.purchase_type is PurchaseType.SUBSCRIPTION:
        out.append(
            "You can cancel your subscription at any time to stop future renewals. "
            "Cancelling on its own does not refund the current billing period."
        )
        out.append(
            "If a subscription refund is approved, we may cancel the subscription straight "
            "away and remove the remaining subscription credits or access for that billing "
            "period."
        )
        if answers.credits_used is not CreditsUsed.NONE:
            out.append(
                "Used credits and completed work may reduce eligibility, but support may "
                "still approve a full or partial goodwill refund for a first-time or "
                "low-usage case."
            )
    else:
        if answers.credits_used is CreditsUsed.NONE and answers.days_since_purchase <= window:
            out.append(
                f"Unused credit packs requested within {window} days of purchase are "
                "generally easier to approve."
            )
        elif answers.credits_used is not CreditsUsed.NONE:
            out.append(
                "If some credits were used, support may decline the refund, offer a partial "
                "refund or replacement credits, or make a goodwill exception, depending on "
                "how much was used and what went wrong."
            )
        out.append("An approved refund may remove the remaining credits of the refunded order.")
    if answers.reason is Reason.UNUSABLE_RESULT and answers.first_purchase is True:
        out.append(
            "For a first purchase with a clearly unusable result, support decides whether a "
            "goodwill refund is appropriate."
        )
    if answers.chargeback_filed:
        out.append(
            "You have opened a payment dispute. We ask customers to contact support before "
            "doing so. If a dispute is filed for delivered digital services without first "
            "trying to resolve the issue with us, we may share usage and account records "
            "with the payment provider, suspend the account, remove credits and recover "
            "dispute fees where allowed. Writing to support now is still the quickest way "
            "to resolve it."
        )
    return out


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
