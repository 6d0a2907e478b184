"""The questions behind each answer, in the customer's words.

One list serves the self-check form (rendered at build time), the CLI's ``--help``, the email to
support and the worked examples, so a field is described the same way everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from checker.model import CreditsUsed, PaymentProvider, PurchaseType, Reason


class Kind(StrEnum):
    DATE = "date"
    CHOICE = "choice"
    YES_NO = "yes_no"  # true / false, and "unsure" where the options offer it
    COUNT = "count"


class Asker(StrEnum):
    """Who gives an answer."""

    CUSTOMER = "customer"  # the form asks it
    SUPPORT = "support"  # only support knows it: it comes in a link, or the CLI's flags
    PAGE = "page"  # the page fills it in (the date of the request: today)


@dataclass(frozen=True)
class Option:
    value: str  # exactly as in the answers contract ("true", "false", "unsure" for yes/no)
    label: str


@dataclass(frozen=True)
class Question:
    field: str
    label: str  # the question as the form asks it
    kind: Kind
    # What the question is about, to finish "This link is missing …": "what you bought".
    about: str
    hint: str = ""
    options: tuple[Option, ...] = ()
    # The answers contract's default (links, the CLI, JSON) as text; None: required everywhere.
    # The form never assumes one: every question it shows must be answered.
    default: str | None = None
    # Ask only when another answer has one of these values: {field: (value, ...)}.
    shown_when: tuple[tuple[str, tuple[str, ...]], ...] = ()
    asker: Asker = Asker.CUSTOMER
    # What the form says when the question is left unanswered (GOV.UK style: what to do).
    when_missing: str = ""
    # A support-only answer that came in a link is shown to the customer as a line "Given in the
    # link you were sent: …" (never as support's own finding), one per value.
    support_says: tuple[tuple[str, str], ...] = ()
    # For a fact only support knows, what the result says support will still check when the
    # answer is not given.
    support_checks: str = ""
    # Whether the answer can change the verdict (the ledger's tests hold this to the rules).
    changes_verdict: bool = True

    @property
    def asked(self) -> bool:
        return self.asker is Asker.CUSTOMER

    def option_label(self, value: str) -> str:
        """The words for one of this question's values (the value itself if unknown)."""
        for option in self.options:
            if option.value == value:
                return option.label
        return value

    def shown(self, answers: dict[str, str]) -> bool:
        """Whether the form asks this question, given the other answers (as text)."""
        return all(answers.get(field, "") in allowed for field, allowed in self.shown_when)


def _options[E: StrEnum](kind: type[E], labels: dict[E, str]) -> tuple[Option, ...]:
    """A choice's options, one per value of its enum (model.py) in the enum's order: a value the
    labels leave out, or one the enum does not have, stops the checker from loading."""
    if set(labels) != set(kind):
        raise TypeError(f"{kind.__name__}: labels for {sorted(labels)} but values {list(kind)}")
    return tuple(Option(value.value, labels[value]) for value in kind)


_YES_NO = (Option("true", "Yes"), Option("false", "No"))
_YES_NO_UNSURE = (*_YES_NO, Option("unsure", "Not sure"))
# The largest count the checker accepts: more earlier refund requests than this is a typing slip.
MAX_COUNT = 1000

QUESTIONS: tuple[Question, ...] = (
    Question(
        "purchase_date",
        "When did you buy it?",
        Kind.DATE,
        about="the date you bought it",
        hint="The date on your receipt or order confirmation. For a subscription renewal, the "
        "date of the renewal charge.",
        when_missing="Enter the date you bought it.",
    ),
    Question(
        "purchase_type",
        "What did you buy?",
        Kind.CHOICE,
        about="what you bought",
        options=_options(
            PurchaseType,
            {
                PurchaseType.SUBSCRIPTION: "A subscription",
                PurchaseType.CREDIT_PACK: "A one-time credit pack",
            },
        ),
        when_missing="Select what you bought.",
        changes_verdict=False,
    ),
    Question(
        "reason",
        "Why are you asking for a refund?",
        Kind.CHOICE,
        about="why you are asking for a refund",
        hint="Choose the one that fits best.",
        options=_options(
            Reason,
            {
                Reason.DUPLICATE_PAYMENT: "I was charged twice for the same purchase",
                Reason.TECHNICAL_FAILURE: "A technical problem meant I got no usable result",
                Reason.FAILED_JOB_CHARGED: "A job failed and the credits were not given back",
                Reason.UNUSED: "I bought recently and have not used it, or only a little",
                Reason.UNUSABLE_RESULT: "The result was clearly unusable",
                Reason.CHANGE_OF_MIND: "I changed my mind",
                Reason.OTHER: "Something else",
            },
        ),
        when_missing="Select why you are asking for a refund.",
    ),
    Question(
        "credits_used",
        "How much of what you bought have you used?",
        Kind.CHOICE,
        about="how much of what you bought you have used",
        hint="Your account's credit history shows how many credits you have used.",
        options=_options(
            CreditsUsed,
            {
                CreditsUsed.NONE: "None of it",
                CreditsUsed.MINIMAL: "Only a few credits",
                CreditsUsed.SOME: "Some of it",
                CreditsUsed.SUBSTANTIAL: "A large share",
                CreditsUsed.UNSURE: "Not sure",
            },
        ),
        when_missing="Select how much of what you bought you have used, or “Not sure”.",
    ),
    Question(
        "outputs_used",
        "Have you downloaded, exported or used any results in your work?",
        Kind.YES_NO,
        about="whether you have downloaded, exported or used any results",
        options=_YES_NO_UNSURE,
        default="false",
        shown_when=(("credits_used", ("some", "substantial", "unsure")),),
        when_missing="Select whether you have downloaded, exported or used any results in your "
        "work, or “Not sure”.",
    ),
    Question(
        "first_purchase",
        "Is this your first purchase from ImgToSTL?",
        Kind.YES_NO,
        about="whether this is your first purchase",
        options=_YES_NO_UNSURE,
        default="false",
        shown_when=(("reason", ("unusable_result",)),),
        when_missing="Select whether this is your first purchase from ImgToSTL, or “Not sure”.",
    ),
    Question(
        "previous_refund_requests",
        "How many refunds have you asked for before?",
        Kind.COUNT,
        about="how many refunds you have asked for before",
        hint="Count earlier requests from this account or any related account, not this one. "
        "Enter 0 if this is your first.",
        default="0",
        shown_when=(("credits_used", ("minimal", "some", "substantial", "unsure")),),
        when_missing="Enter how many refunds you have asked for before, or 0 if this is your "
        "first.",
    ),
    Question(
        "chargeback_filed",
        "Have you opened a payment dispute (chargeback) with your bank or card provider?",
        Kind.YES_NO,
        about="whether you have opened a payment dispute",
        options=_YES_NO,
        default="false",
        when_missing="Select whether you have opened a payment dispute (chargeback).",
        changes_verdict=False,
    ),
    Question(
        "payment_provider",
        "Who took the payment?",
        Kind.CHOICE,
        about="who took the payment",
        hint="Your receipt names the payment provider.",
        options=_options(
            PaymentProvider,
            {
                PaymentProvider.CREEM: "Creem",
                PaymentProvider.OTHER: "Another payment provider",
                PaymentProvider.UNSURE: "Not sure",
            },
        ),
        default="unsure",
        changes_verdict=False,
        when_missing="Select who took the payment, or “Not sure”.",
    ),
    Question(
        "request_date",
        "When are you asking for the refund?",
        Kind.DATE,
        about="the date of your request",
        hint="Today unless given.",
        default="today",
        asker=Asker.PAGE,
    ),
    Question(
        "terms_violation",
        "Support only: has the account broken the Terms of Service or abused credits, "
        "promotions, refunds or payment disputes?",
        Kind.YES_NO,
        about="whether the account has kept to the Terms of Service",
        options=_YES_NO,
        default="false",
        asker=Asker.SUPPORT,
        support_says=(
            (
                "true",
                "The account has broken the Terms of Service or abused credits, promotions, "
                "refunds or payment disputes.",
            ),
            (
                "false",
                "The account has kept to the Terms of Service and has not abused credits, "
                "promotions, refunds or payment disputes.",
            ),
        ),
        support_checks="Whether the account has kept to the Terms of Service and has not abused "
        "credits, promotions, refunds or payment disputes: support checks the account's history.",
    ),
)

QUESTIONS_BY_FIELD: dict[str, Question] = {question.field: question for question in QUESTIONS}
FIELDS: tuple[str, ...] = tuple(question.field for question in QUESTIONS)
