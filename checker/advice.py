"""What the self-check tells the customer besides the verdict: the policy's other sections that
apply to their case, the alternatives support may offer, and a ready email to support.

Every sentence paraphrases the policy closely; none promises an outcome, because support makes the
final decision.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import TypedDict
from urllib.parse import quote

from checker.answers import shown_answers
from checker.model import (
    Answers,
    Effect,
    PaymentProvider,
    PurchaseType,
    Reason,
    Verdict,
)
from checker.policy import Policy, long_date
from checker.questions import QUESTIONS, QUESTIONS_BY_FIELD, Asker, Kind
from checker.rules import Evaluation, used_any_credits, within_refund_window

FINAL_DECISION = "Support makes the final decision."

# The verdict as the result's heading. None may read as if a request were already sent: the
# self-check sends nothing.
VERDICT_TITLES: dict[Verdict, str] = {
    Verdict.LIKELY_ELIGIBLE: "You are likely eligible for a refund",
    Verdict.LIKELY_NOT_ELIGIBLE: "You are likely not eligible for a refund",
    Verdict.NEEDS_REVIEW: "Support would need to look at your case",
}
# The verdict in a few words, for tables and labels.
VERDICT_LABELS: dict[Verdict, str] = {
    Verdict.LIKELY_ELIGIBLE: "Likely eligible",
    Verdict.LIKELY_NOT_ELIGIBLE: "Likely not eligible",
    Verdict.NEEDS_REVIEW: "Case by case",
}

SUMMARIES: dict[Verdict, str] = {
    Verdict.LIKELY_ELIGIBLE: (
        "The policy usually gives a refund in a situation like yours. To ask for it, email "
        "support: the ready-made email has what they need."
    ),
    Verdict.LIKELY_NOT_ELIGIBLE: (
        "The policy usually does not give a refund in a situation like yours. You can still "
        "email support: they look at every request, and may offer another way to put things "
        "right."
    ),
    Verdict.NEEDS_REVIEW: (
        "The policy leaves situations like yours to support, case by case. To ask for a refund, "
        "email support: the ready-made email has what they need."
    ),
}
# What a clause does to the verdict, as the result says it.
EFFECT_WORDS: dict[Effect, str] = {
    Effect.SUPPORTS: "Supports a refund",
    Effect.AGAINST: "Counts against a refund",
}

# The same for support staff (the CLI): about the customer, not to them.
STAFF_SUMMARIES: dict[Verdict, str] = {
    Verdict.LIKELY_ELIGIBLE: "The policy usually gives a refund in this case.",
    Verdict.LIKELY_NOT_ELIGIBLE: (
        "The policy usually does not give a refund in this case. The customer can still write, "
        "and support may offer another way to put things right."
    ),
    Verdict.NEEDS_REVIEW: "The policy leaves this case to support's judgement.",
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


# Every reason has its alternatives (none is a choice too): a new reason without them, or a new
# alternative without its words, stops the checker from loading.
if set(_ALTERNATIVES_FOR_REASON) != set(Reason) or set(ALTERNATIVES) != set(AlternativeId):
    raise TypeError("advice: every Reason needs its alternatives, every AlternativeId its words")


def alternative_ids(answers: Answers) -> list[AlternativeId]:
    """The alternatives to a refund that fit this case (the customer may decline them)."""
    return list(_ALTERNATIVES_FOR_REASON[answers.reason])


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
    """A note's words, with the policy's values (a note that is a warning: the warning's)."""
    for warning in WARNINGS:
        if warning.kind == "note" and warning.id == note.value:
            return warning.text
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
    }[note]


class Warning(TypedDict):
    id: str
    text: str


@dataclass(frozen=True)
class PolicyWarning:
    """What the policy warns a customer about, shown right under the verdict and said in the
    email: where one of its notes or clauses applies (``kind`` "note" or "clause", ``id``)."""

    kind: str
    id: str
    text: str  # to the customer, under the verdict
    email: str  # in the customer's own words, in the email to support


# Chosen by the policy's text: the Chargebacks section (an open dispute can cost the account),
# Subscription Refunds (a refund can end the billing period's credits), and the two clauses about
# what the customer has already done that usually rule a refund out.
WARNINGS: tuple[PolicyWarning, ...] = (
    PolicyWarning(
        "note",
        "chargeback-filed",
        "You have opened a payment dispute. We ask customers to contact support before doing "
        "so. If a chargeback is filed for delivered digital services without first trying to "
        "resolve the issue with us, we may provide usage and account records to the payment "
        "provider, suspend the account, revoke credits and recover dispute fees where allowed. "
        "Writing to support now is still the quickest way to resolve it.",
        "I have opened a payment dispute (chargeback) with my bank or card provider.",
    ),
    PolicyWarning(
        "clause",
        "outputs-used",
        "You have downloaded, exported or used results in your work after using more than a "
        "few credits. Refunds are usually not given when outputs have been used after "
        "meaningful use.",
        "I have downloaded, exported or used results in my work.",
    ),
    PolicyWarning(
        "clause",
        "repeat-requests",
        "You have asked for refunds before after using credits. Refunds are usually not given "
        "when the same user or related accounts repeatedly ask for refunds after using compute "
        "resources.",
        "I have asked for refunds before, as my answers above say.",
    ),
    PolicyWarning(
        "note",
        "subscription-refund-ends-period",
        "If a subscription refund is approved, we may immediately cancel the subscription and "
        "revoke remaining subscription credits or access associated with that billing period. "
        "For a renewal, the billing period is the one the renewal charge paid for.",
        "I understand that an approved refund may cancel my subscription at once and revoke "
        "the remaining credits of this billing period.",
    ),
)
WARNING_NOTES = frozenset(w.id for w in WARNINGS if w.kind == "note")
if not {note.value for note in NoteId} >= WARNING_NOTES:
    raise TypeError("advice: a warning names a note that does not exist")


def warnings(answers: Answers, policy: Policy, evaluation: Evaluation) -> list[PolicyWarning]:
    """What the policy warns about in this case, in the order of :data:`WARNINGS`."""
    applying = {("note", note.value) for note in note_ids(answers, policy)}
    applying |= {("clause", rule.clause_id) for rule in evaluation.clauses}
    return [warning for warning in WARNINGS if (warning.kind, warning.id) in applying]


class Email(TypedDict):
    to: str
    subject: str
    body: str
    mailto: str


# Mail programs and browsers cut long mailto links; stay well under the usual limit of 2,000.
MAILTO_LIMIT = 1900
SHORTENED = "\n\n[Shortened to fit in an email link. Please add any details here.]"


class RecapLine(TypedDict):
    field: str
    question: str
    answer: str


def recap(answers: Answers) -> list[RecapLine]:
    """The answers as the customer was shown them or gave them, in the questions' order: each
    question and its answer in words, then support's answers and the request date if given."""
    lines: list[RecapLine] = []
    for field, value in shown_answers(answers).items():
        question = QUESTIONS_BY_FIELD[field]
        if question.asker is Asker.SUPPORT:
            says = dict(question.support_says)[value]
            lines.append({"field": field, "question": GIVEN_IN_LINK, "answer": says})
        elif question.kind is Kind.DATE:
            words = long_date(date.fromisoformat(value))
            lines.append({"field": field, "question": question.label, "answer": words})
        elif question.kind is Kind.COUNT:
            lines.append({"field": field, "question": question.label, "answer": value})
        else:
            answer = question.option_label(value)
            lines.append({"field": field, "question": question.label, "answer": answer})
    return lines


def support_checks(answers: Answers) -> list[str]:
    """The facts only support knows that these answers leave open (support still checks them)."""
    return [
        question.field
        for question in QUESTIONS
        if question.asker is Asker.SUPPORT and getattr(answers, question.field) is None
    ]


def timing(answers: Answers, policy: Policy) -> str:
    """How long after the purchase the request is, next to the refund window."""
    days = answers.days_since_purchase
    window = f"The refund window is {policy.refund_window_days} days from the purchase."
    if "request_date" in answers.given:
        after = "the same day as" if days == 0 else f"{_days(days)} after"
        return f"Your request is dated {after} your purchase. {window}"
    if days == 0:
        return f"You bought it today. {window}"
    return f"You bought it {_days(days)} ago. {window}"


def _days(count: int) -> str:
    return f"{count:,} day{'s' if count != 1 else ''}"


# The email to support, line by line, with {slots}: filled here, and by the page's decision table
# (refund_site/assets/refund-check/table.js) when it answers before the checker has loaded, so
# both write the very same email. A line whose slots are all empty is left out.
EMAIL_SUBJECT = "Refund request: {kind} bought on {bought}"
EMAIL_BLANK_SUBJECT = "Refund request"
# The opening of every email, with what the policy asks customers to include.
EMAIL_OPENING = (
    "Hello ImgToSTL support,",
    "",
    "I would like to ask for a refund.",
    "",
    "Account email: ",
    "Order ID (if you have it): ",
    "Purchase date: {bought}",
    "Reason: {reason}",
    "What happened, in a few words: ",
    "Screenshots or job IDs that show the issue: ",
)
EMAIL_ANSWERS = "My answers to the refund self-check:"
EMAIL_WARNINGS = "Please note:"
EMAIL_RESULT = "The self-check said on {today}: {title}."
EMAIL_VERSION = "It followed the refund policy of {effective} (last updated {last_updated})."
EMAIL_NEWER = "Under the policy in force since {effective}, it would say: {title}."
EMAIL_LINK = "My answers in the self-check: {link}"
# A support-only answer that came in a link, as the page and the email show it: what the link
# said, never support's own finding (support still checks the account).
GIVEN_IN_LINK = "Given in the link you were sent"
GIVEN_IN_LINK_EMAIL = "Given in the link I was sent"
EMAIL_CLOSING = "Thank you."


def _request_lines(purchase_date: str = "", reason: str = "") -> list[str]:
    """The opening of every email to support, with what the policy asks customers to include."""
    return [line.format(bought=purchase_date, reason=reason) for line in EMAIL_OPENING]


def _recap_line(line: RecapLine, *, email: bool = False) -> str:
    """ "- What did you buy? A one-time credit pack", "- Given in the link I was sent: …"."""
    question = line["question"]
    if email and question == GIVEN_IN_LINK:
        question = GIVEN_IN_LINK_EMAIL
    joint = " " if question.endswith("?") else ": "
    return f"- {question}{joint}{line['answer']}"


def version_applied(policy: Policy, *, before_first: bool) -> str:
    """Which version of the policy an answer follows, for the customer."""
    since = long_date(policy.effective)
    if before_first:
        return (
            f"You bought before this policy was first published, on {since}, so this answer "
            "follows that first version."
        )
    return f"This answer follows the policy as it was when you bought: the version of {since}."


def newer_version(newer: Policy, evaluation: Evaluation) -> str:
    """What the version in force when the customer asks would say instead."""
    return (
        f"Under the policy in force since {long_date(newer.effective)}, the answer would be "
        f"“{VERDICT_TITLES[evaluation.verdict]}”. Support decides which version applies."
    )


def staff_version(policy: Policy, newer: tuple[Policy, Evaluation] | None, before: bool) -> str:
    """The same, for support staff (the CLI)."""
    which = "the first, as the purchase predates it" if before else "in force on the purchase date"
    line = (
        f"Judged by the version of {long_date(policy.effective)} (last updated "
        f"{policy.last_updated}), {which}."
    )
    if newer is not None:
        version, other = newer
        line += (
            f" The version in force since {long_date(version.effective)} would give "
            f"{other.verdict.value}: decide which applies."
        )
    return line


def email(
    answers: Answers,
    policy: Policy,
    evaluation: Evaluation,
    today: date,
    newer: tuple[Policy, Evaluation] | None = None,
    link: str = "",
) -> Email:
    """A ready email to support with the blanks the policy asks customers to fill, exactly the
    answers the customer gave or was shown (:func:`recap`), what the policy warns about in their
    case, the verdict in words and, given the page's address, the self-check ``link`` that shows
    these answers (support opens it, or passes its answers to ``refund-check``)."""
    reason = QUESTIONS_BY_FIELD["reason"].option_label(answers.reason.value)
    kind = answers.purchase_type.value.replace("_", " ")
    bought = long_date(answers.purchase_date)
    subject = EMAIL_SUBJECT.format(kind=kind, bought=bought)
    verdict = evaluation.verdict
    noted = [warning.email for warning in warnings(answers, policy, evaluation)]
    # The verdict, the link and the warnings come before the answers: a mail program that cuts a
    # long email (see blank_email) cuts the answers, which the link carries anyway.
    body = "\n".join(
        [
            *_request_lines(bought, reason),
            "",
            EMAIL_RESULT.format(today=long_date(today), title=VERDICT_TITLES[verdict]),
            EMAIL_VERSION.format(
                effective=long_date(policy.effective), last_updated=policy.last_updated
            ),
            *(
                [
                    EMAIL_NEWER.format(
                        effective=long_date(newer[0].effective),
                        title=VERDICT_TITLES[newer[1].verdict],
                    )
                ]
                if newer
                else []
            ),
            *([EMAIL_LINK.format(link=link)] if link else []),
            *(["", EMAIL_WARNINGS, *(f"- {line}" for line in noted)] if noted else []),
            "",
            EMAIL_ANSWERS,
            *(_recap_line(line, email=True) for line in recap(answers)),
            "",
            EMAIL_CLOSING,
        ]
    )
    return blank_email(policy, subject, body)


def blank_email(
    policy: Policy, subject: str = EMAIL_BLANK_SUBJECT, body: str | None = None
) -> Email:
    """An email to support; without a body, one with the blanks the policy asks for.

    The link goes to the configured address only, with nothing but a subject and a body, each
    percent-encoded, and is shortened to stay under :data:`MAILTO_LIMIT` characters.
    """
    if body is None:
        body = "\n".join([*_request_lines(), "", EMAIL_CLOSING])

    def link(text: str) -> str:
        return (
            f"mailto:{quote(policy.support_email, safe='@')}?subject={quote(subject, safe='')}"
            f"&body={quote(text, safe='')}"
        )

    mailto = link(body)
    if len(mailto) > MAILTO_LIMIT:
        room = MAILTO_LIMIT - len(link(SHORTENED))
        kept = body
        while kept and len(quote(kept, safe="")) > room:
            kept = kept[: max(0, len(kept) - max(1, (len(quote(kept, safe="")) - room) // 3))]
        body = kept.rstrip() + SHORTENED
        mailto = link(body)
    return {"to": policy.support_email, "subject": subject, "body": body, "mailto": mailto}


def summary(evaluation: Evaluation) -> str:
    """The verdict in plain words, with who decides."""
    text = SUMMARIES[evaluation.verdict]
    if evaluation.missing:
        names = [f"“{QUESTIONS_BY_FIELD[field].label}”" for field in evaluation.missing]
        listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        answers = "answer to" if len(names) == 1 else "answers to"
        text += (
            f" Your {answers} {listed} could change this result, so say what you know in "
            "your email."
        )
    return f"{text} {FINAL_DECISION}"


def staff_summary(evaluation: Evaluation) -> str:
    """The verdict for support staff."""
    return f"{STAFF_SUMMARIES[evaluation.verdict]} {FINAL_DECISION}"
