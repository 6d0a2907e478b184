"""What the self-check tells the customer besides the verdict: the policy's other sections that
apply to their case, the alternatives support may offer, and a ready email to support.

Which note, warning and alternative applies when is decided here; their words are the policy's
data (``policy.toml``, read by :mod:`checker.texts`): each quotes the policy page word for word,
which the build checks, and none promises an outcome, because support makes the final decision.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
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
from checker.texts import (
    WARNING_NOTES,
    WARNING_SOURCES,
    AlternativeId,
    EmailLines,
    NoteId,
    Settlement,
)

__all__ = ["WARNING_NOTES", "AlternativeId", "NoteId", "Settlement"]

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
    raise TypeError("advice: every Reason needs its alternatives")


def alternative_ids(answers: Answers) -> list[AlternativeId]:
    """The alternatives to a refund that fit this case (the customer may decline them)."""
    return list(_ALTERNATIVES_FOR_REASON[answers.reason])


def alternative_text(alternative: AlternativeId, policy: Policy) -> str:
    """An alternative's words, in this version of the policy."""
    return policy.texts.alternatives[alternative.value].text


def settlement(answers: Answers) -> Settlement:
    if answers.payment_provider is PaymentProvider.CREEM:
        return Settlement.CREEM
    if answers.payment_provider is PaymentProvider.OTHER:
        return Settlement.OTHER_PROVIDER
    return Settlement.PROVIDER_UNKNOWN


def settlement_text(how: Settlement, policy: Policy) -> str:
    """How an approved refund is paid, and how long it may take to appear."""
    return policy.texts.refund_timing[how.value].text


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
    if note.value in WARNING_NOTES:
        return policy.texts.warnings[note.value].text
    return policy.texts.notes[note.value].text


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


def policy_warnings(policy: Policy) -> tuple[PolicyWarning, ...]:
    """Every warning of this version of the policy, in the order they are shown (which applies
    where: :data:`checker.texts.WARNING_SOURCES`)."""
    said = policy.texts.warnings
    return tuple(
        PolicyWarning(kind, id, said[id].text, said[id].email) for kind, id in WARNING_SOURCES
    )


def warnings(answers: Answers, policy: Policy, evaluation: Evaluation) -> list[PolicyWarning]:
    """What the policy warns about in this case, in the order of :func:`policy_warnings`."""
    applying = {("note", note.value) for note in note_ids(answers, policy)}
    applying |= {("clause", rule.clause_id) for rule in evaluation.clauses}
    return [w for w in policy_warnings(policy) if (w.kind, w.id) in applying]


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


# The email to support, line by line, with {slots}: its words are policy.toml's [email]; filled
# here, and by the page's decision table (refund_site/assets/refund-check/table.js) when it answers
# before the checker has loaded, so both write the very same email. A support-only answer that came
# in a link, as the page and the email show it: what the link said, never support's own finding
# (support still checks the account).
GIVEN_IN_LINK = "Given in the link you were sent"
GIVEN_IN_LINK_EMAIL = "Given in the link I was sent"


def _request_lines(lines: EmailLines, purchase_date: str = "", reason: str = "") -> list[str]:
    """The opening of every email to support, with what the policy asks customers to include."""
    return [line.format(bought=purchase_date, reason=reason) for line in lines.opening]


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
    lines = policy.texts.email
    subject = lines.subject.format(kind=kind, bought=bought)
    verdict = evaluation.verdict
    noted = [warning.email for warning in warnings(answers, policy, evaluation)]
    # The verdict, the link and the warnings come before the answers: a mail program that cuts a
    # long email (see blank_email) cuts the answers, which the link carries anyway.
    body = "\n".join(
        [
            *_request_lines(lines, bought, reason),
            "",
            lines.result.format(today=long_date(today), title=VERDICT_TITLES[verdict]),
            lines.version.format(
                effective=long_date(policy.effective), last_updated=policy.last_updated
            ),
            *(
                [
                    lines.newer.format(
                        effective=long_date(newer[0].effective),
                        title=VERDICT_TITLES[newer[1].verdict],
                    )
                ]
                if newer
                else []
            ),
            *([lines.link.format(link=link)] if link else []),
            *(["", lines.warnings, *(f"- {line}" for line in noted)] if noted else []),
            "",
            lines.answers,
            *(_recap_line(line, email=True) for line in recap(answers)),
            "",
            lines.closing,
        ]
    )
    return blank_email(policy, subject, body)


def blank_email(policy: Policy, subject: str = "", body: str | None = None) -> Email:
    """An email to support; without a body, one with the blanks the policy asks for.

    The link goes to the configured address only, with nothing but a subject and a body, each
    percent-encoded, and is shortened to stay under :data:`MAILTO_LIMIT` characters.
    """
    lines = policy.texts.email
    subject = subject or lines.blank_subject
    if body is None:
        body = "\n".join([*_request_lines(lines), "", lines.closing])

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
