"""The self-check's own words on the page: headings, buttons and what it says while it works.

The page's HTML is made from these at build time, and the browser's code only fills in the
checker's answers, so every word a customer reads is written once, here or in the checker's other
modules (questions, verdicts, notes). Nothing in the browser's code is text for people.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from typing import Any

INTRO = (
    "Answer a few questions to see what this policy usually means for your situation, and get "
    "an email to support ready to send. Your answers stay in this browser: nothing is sent "
    "anywhere until you send the email yourself. Support makes the final decision."
)
SUBMIT = "Check my answers"
SUBMIT_BUSY = "Checking your answers…"

REQUEST_DATE_HINT = (
    "The link you opened gave this date for your request. Change it, or use today's date."
)
USE_TODAY = "Use today's date instead"
# Beside a verdict judged as of the day a link carries (the customer's own link, opened later).
CHECK_AS_OF_TODAY = "Check these answers as of today instead"
FROM_SUPPORT = "Given in the link you were sent"
FROM_SUPPORT_HINT = (
    "The link you opened says this about your account. Only support can check it: if it is "
    "wrong, say so in your email."
)

ERROR_SUMMARY = "There is a problem"
ERROR_PREFIX = "Error: "


# What each line of [words] is, for an editor's message, with an example.
WORD_LINES = {
    "thing": "what a customer's case is about, as in “each order”",
    "things": "the same, plural: “orders”",
    "made": "what happens to one on the day that picks its version: “placed”",
    "you_did": "that day, said to the customer: “you ordered” (“how long ago you ordered”)",
    "thing_date": "the date that picks the version: “order date”",
    "if_approved": "the heading over how an approved request is put right",
    "policy_name": "the policy in a sentence: “returns policy” (“This is the returns policy as …”)",
}


@dataclass(frozen=True)
class PolicyWords:
    """What a policy is about, in its own words (its file's ``[words]``, :data:`WORD_LINES`): the
    nouns and phrases the machinery's sentences are made from, so that no policy's page or email
    speaks of another policy's business. Each has a neutral default that mentions no refund and
    no purchase; the refund policy's file sets its own ("purchase", "you bought", …)."""

    thing: str = "case"
    things: str = "cases"
    made: str = "opened"
    you_did: str = "your case began"
    thing_date: str = "date"
    if_approved: str = "If your request is approved"
    policy_name: str = "policy"


def read_words(given: object, problem: Callable[[tuple[Any, ...], str], None]) -> PolicyWords:
    """The file's ``[words]`` over the neutral defaults: each line optional, plain text, and one
    of :class:`PolicyWords`'; each mistake goes to ``problem(path, message)``."""
    if given is None:
        return PolicyWords()
    names = [spec.name for spec in fields(PolicyWords)]
    listed = ", ".join(f'{name} = "…"' for name in names)
    if not isinstance(given, Mapping):
        problem(("words",), f"[words] must be a section of lines like {listed}")
        return PolicyWords()
    chosen: dict[str, str] = {}
    for key, value in given.items():
        if key not in names:
            close = difflib.get_close_matches(key, names, n=1, cutoff=0.6)
            hint = f" Did you mean {close[0]}?" if close else ""
            problem(
                ("words", key), f"{key} is not a line of [words].{hint} The lines are: {listed}"
            )
        elif not isinstance(value, str) or not value.strip():
            what = WORD_LINES[key]
            problem(("words", key), f'[words] needs {key} = "…" in double quotes: {what}')
        elif "<" in value or ">" in value:
            problem(
                ("words", key),
                f"the line {key} of [words] holds “<” or “>”, which the pages would read as "
                "HTML; write plain words instead",
            )
        else:
            chosen[key] = value.strip()
    return PolicyWords(**chosen)


def capitalised(text: str) -> str:
    """``text`` starting a sentence: its first letter upper-case, the rest as written."""
    return text[:1].upper() + text[1:]


@dataclass(frozen=True)
class SelfCheckWords:
    """The self-check's words that depend on what the policy is about (:class:`PolicyWords`)."""

    status: Mapping[str, str]
    processing: str
    pointer: str


def self_check_words(said: PolicyWords) -> SelfCheckWords:
    """The self-check's status lines, its heading over how an approved request is put right, and
    the pointer on a version's page, in the policy's own words."""
    return SelfCheckWords(
        status={key: text.replace("{you_did}", said.you_did) for key, text in STATUS.items()},
        processing=said.if_approved,
        pointer=(
            f"The self-check is on the current policy page. It judges each {said.thing} by the "
            f"version of the policy in force on the day it was {said.made}, this one included."
        ),
    )


# While the checker starts or fails. A failure is said once, in two parts: why (a "why_" key,
# in the customer's words: what happened, never blaming their browser), then what they still
# have ("table_still" above the questions, "from_table_only" beside the quick answer). {you_did}
# is the policy's own words (:func:`self_check_words` fills it in).
STATUS = {
    "loading": "Loading the self-check…",
    "queued": "Getting the self-check ready. Your answers will be checked as soon as it is.",
    "why_failed": "The full self-check could not load. Try again in a moment.",
    "why_slow": "The full self-check took too long to start. Try again in a moment.",
    "why_stalled": (
        "The full self-check could not load: the connection stopped sending it. Check your "
        "connection, then try again."
    ),
    "why_offline": (
        "The full self-check could not load: this device is offline. Once you are connected "
        "again, try again."
    ),
    "why_no_wasm": (
        "This browser cannot run the full self-check, but you can still check your answers: "
        "the quick answer from the policy's rules gives you the verdict, the reasons and an "
        "email to support, complete for your case."
    ),
    "no_wasm_answered": (
        "This browser cannot run the full self-check. This quick answer from the policy's rules "
        "is complete for your case: the verdict, the reasons and the email. Only the detailed "
        "explanation (how long ago {you_did}, and which version of the policy applies) is not "
        "available here."
    ),
    # With the policy's decision table in the page (assets/policy-check/table.js), a failed
    # start still leaves the verdict, the reasons and the email.
    "table_still": (
        "You can still check your answers: you get the verdict, the reasons and an email to "
        "support, without the detailed explanation."
    ),
    # Beside an answer from the decision table, while the checker is still on its way, and
    # once it cannot come.
    "from_table": (
        "This is the quick answer from the policy's rules. The full self-check is still loading: "
        "it will confirm it and add how long ago {you_did} and which version of the policy "
        "applies."
    ),
    "from_table_only": (
        "This is the quick answer from the policy's rules: the verdict, the reasons and the "
        "email are complete. The detailed explanation (how long ago {you_did}, and which "
        "version of the policy applies) is not available here."
    ),
    # The download's progress, in words: "Getting the self-check ready: 1.2 of 3.9 MB".
    "progress": "Getting the self-check ready: {received} of {total} MB",
    "progress_done": "Getting the self-check ready: starting it…",
    "copied": "Copied the summary.",
    # A question that an answer brought in, said politely (it appears further down the form).
    "revealed": "A new question below: {label}",
    "copy_by_hand": "The summary is selected below: copy it with Ctrl+C, or ⌘C on a Mac.",
}
RETRY = "Try again"
PROGRESS_LABEL = "Download of the self-check"
# "You can also write to support straight away: email support at …, or read the summary …"
FALLBACK_BEFORE = "You can also write to support straight away: "
FALLBACK_LINK = "email support at {address}"
FALLBACK_AFTER = ", or read "
FALLBACK_SUMMARY = "the summary of usual outcomes"
FALLBACK_RULES = "when the policy usually applies"

# The result.
RESULT_PREFIX = "Result: "
EMAIL_SUPPORT = "Email support"
COPY_SUMMARY = "Copy summary"
COPY_AREA_LABEL = "Summary to copy"
MAIL_HINT = "If the button does not open your email program, copy the summary and write to"
WARNINGS = "Before you write"
WHY = "Why"
MISSING = "Answers that could change this result"
SUPPORT_CHECKS = "What support will still check"
RECAP = "Your answers"
CHANGE = "Change"
NOTES = "Also good to know"
ALTERNATIVES = "Other ways support may help"
ALTERNATIVES_BEFORE = "Support may also offer:"
ALTERNATIVES_AFTER = "You are free to decline these options."
READ_CLAUSE = "Read it in the policy"
# Beside it, for screen readers and anyone listing the links: which clause ("…: “Late request”").
READ_CLAUSE_WHICH = ": the clause “{text}”"
READ_VERSION = "Read that version of the policy"
# Beside a warning or a note: a link to where the policy says it ("…: “Approved refunds may …”").
READ_QUOTE = "Where the policy says this"
READ_QUOTE_WHICH = ": “{text}”"
# On the page of one version of the policy, in place of the self-check (its sentence:
# self_check_words).
POINTER_LINK = "Go to the self-check"
START_AGAIN = "Start again"

NOSCRIPT = "The self-check needs JavaScript. You can still"
