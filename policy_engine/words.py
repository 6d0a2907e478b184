"""The self-check's own words on the page: headings, buttons and what it says while it works.

The page's HTML is made from these at build time, and the browser's code only fills in the
checker's answers, so every word a customer reads is written once, here or in the checker's other
modules (questions, verdicts, notes). Nothing in the browser's code is text for people.
"""

from __future__ import annotations

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

# While the checker starts or fails. A failure is said once, in two parts: why (a "why_" key,
# in the customer's words: what happened, never blaming their browser), then what they still
# have ("table_still" above the questions, "from_table_only" beside the quick answer).
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
        "explanation (how long ago you bought, and which version of the policy applies) is not "
        "available here."
    ),
    # With the policy's decision table in the page (assets/refund-check/table.js), a failed
    # start still leaves the verdict, the reasons and the email.
    "table_still": (
        "You can still check your answers: you get the verdict, the reasons and an email to "
        "support, without the detailed explanation."
    ),
    # Beside an answer from the decision table, while the checker is still on its way, and
    # once it cannot come.
    "from_table": (
        "This is the quick answer from the policy's rules. The full self-check is still loading: "
        "it will confirm it and add how long ago you bought and which version of the policy "
        "applies."
    ),
    "from_table_only": (
        "This is the quick answer from the policy's rules: the verdict, the reasons and the "
        "email are complete. The detailed explanation (how long ago you bought, and which "
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
PROCESSING = "If a refund is approved"
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
# On the page of one version of the policy, in place of the self-check.
POINTER = (
    "The self-check is on the current policy page. It judges each purchase by the version of the "
    "policy in force on the day it was made, this one included."
)
POINTER_LINK = "Go to the self-check"
START_AGAIN = "Start again"

NOSCRIPT = "The self-check needs JavaScript. You can still"
