"""The refund self-check's questions, in the customer's words: one per field of
:class:`checker.model.Answers`, each with its kind, options, default and who gives it (the
engine's :class:`policy_engine.questions.Question`)."""

from __future__ import annotations

from checker.model import CreditsUsed, PaymentProvider, PurchaseType, Reason
from policy_engine.questions import (
    YES_NO,
    YES_NO_UNSURE,
    Asker,
    Kind,
    Question,
    check_defaults,
    options,
)

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
        options=options(
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
        options=options(
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
        options=options(
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
        options=YES_NO_UNSURE,
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
        options=YES_NO_UNSURE,
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
        options=YES_NO,
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
        options=options(
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
        options=YES_NO,
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

check_defaults(QUESTIONS)
# Derived from QUESTIONS, for the tools that look a question up.
QUESTIONS_BY_FIELD: dict[str, Question] = {question.field: question for question in QUESTIONS}
FIELDS: tuple[str, ...] = tuple(question.field for question in QUESTIONS)
