"""The questions behind each answer, in the customer's words.

One list serves the self-check form (rendered at build time), the CLI's ``--help``, the email to
support and the worked examples, so a field is described the same way everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    DATE = "date"
    CHOICE = "choice"
    YES_NO = "yes_no"  # true / false, and "unsure" where the options offer it
    COUNT = "count"


@dataclass(frozen=True)
class Option:
    value: str  # exactly as in the answers contract ("true", "false", "unsure" for yes/no)
    label: str


@dataclass(frozen=True)
class Question:
    field: str
    label: str
    kind: Kind
    hint: str = ""
    options: tuple[Option, ...] = ()
    default: str | None = None  # as text; None means the answer is required
    # Ask only when another answer has one of these values: {field: (value, ...)}.
    shown_when: tuple[tuple[str, tuple[str, ...]], ...] = ()
    # False for facts the customer is not asked: support knows them, or the page fills them in.
    asked: bool = True
    # What to tell someone who left a required question unanswered (GOV.UK style: what to do).
    when_missing: str = ""

    def option_label(self, value: str) -> str:
        """The words for one of this question's values (the value itself if unknown)."""
        for option in self.options:
            if option.value == value:
                return option.label
        return value


_YES_NO = (Option("true", "Yes"), Option("false", "No"))
_YES_NO_UNSURE = (*_YES_NO, Option("unsure", "Not sure"))

QUESTIONS: tuple[Question, ...] = (
    Question(
        "purchase_date",
        "When did you buy it?",
        Kind.DATE,
        hint="The date on your receipt or order confirmation.",
        when_missing="Enter the date you bought it, for example 2026-05-01.",
    ),
    Question(
        "purchase_type",
        "What did you buy?",
        Kind.CHOICE,
        options=(
            Option("subscription", "A subscription"),
            Option("credit_pack", "A one-time credit pack"),
        ),
        when_missing="Select what you bought.",
    ),
    Question(
        "reason",
        "Why are you asking for a refund?",
        Kind.CHOICE,
        hint="Choose the one that fits best.",
        options=(
            Option("duplicate_payment", "I was charged twice for the same purchase"),
            Option("technical_failure", "A technical problem meant I got no usable result"),
            Option("failed_job_charged", "A job failed and the credits were not given back"),
            Option("unused", "I bought recently and have not used it, or only a little"),
            Option("unusable_result", "The result was clearly unusable"),
            Option("change_of_mind", "I changed my mind"),
            Option("other", "Something else"),
        ),
        when_missing="Select why you are asking for a refund.",
    ),
    Question(
        "credits_used",
        "How much of what you bought have you used?",
        Kind.CHOICE,
        hint="Your account's credit history shows how many credits you have used.",
        options=(
            Option("none", "None of it"),
            Option("minimal", "Only a few credits"),
            Option("some", "Some of it"),
            Option("substantial", "A large share"),
            Option("unsure", "Not sure"),
        ),
        when_missing="Select how much of what you bought you have used, or “Not sure”.",
    ),
    Question(
        "outputs_used",
        "Have you downloaded, exported or used any results in your work?",
        Kind.YES_NO,
        options=_YES_NO_UNSURE,
        default="false",
        shown_when=(("credits_used", ("some", "substantial", "unsure")),),
    ),
    Question(
        "first_purchase",
        "Is this your first purchase from ImgToSTL?",
        Kind.YES_NO,
        options=_YES_NO_UNSURE,
        default="false",
        shown_when=(("reason", ("unusable_result",)),),
    ),
    Question(
        "previous_refund_requests",
        "How many refunds have you asked for before?",
        Kind.COUNT,
        hint="Count earlier requests from this account or any related account, not this one.",
        default="0",
        shown_when=(("credits_used", ("minimal", "some", "substantial", "unsure")),),
    ),
    Question(
        "chargeback_filed",
        "Have you opened a payment dispute (chargeback) with your bank or card provider?",
        Kind.YES_NO,
        options=_YES_NO,
        default="false",
    ),
    Question(
        "payment_provider",
        "Who took the payment?",
        Kind.CHOICE,
        hint="Your receipt names the payment provider.",
        options=(
            Option("creem", "Creem"),
            Option("other", "Another payment provider"),
            Option("unsure", "Not sure"),
        ),
        default="unsure",
    ),
    Question(
        "request_date",
        "Date of the request",
        Kind.DATE,
        hint="Today unless given.",
        default="today",
        asked=False,
    ),
    Question(
        "terms_violation",
        "Support only: has the account broken the Terms of Service or abused credits, "
        "promotions, refunds or payment disputes?",
        Kind.YES_NO,
        options=_YES_NO,
        default="false",
        asked=False,
    ),
)

QUESTIONS_BY_FIELD: dict[str, Question] = {question.field: question for question in QUESTIONS}
FIELDS: tuple[str, ...] = tuple(question.field for question in QUESTIONS)
