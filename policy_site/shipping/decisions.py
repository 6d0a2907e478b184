"""The decision table the page ships: the ledger of every version, as compact data (build time).

The committed ledger (``checker/ledger.txt``, :mod:`policy_review.ledger`) records what the checker
decides in every situation: the verdict and the unsure answers that would change it, each clause,
each note, the alternatives, how a refund arrives and what support still checks. The page ships it
as ``decisions.json`` so that a visitor gets the verdict, the reasons and a ready email within
seconds (``assets/policy-check/table.js``), while Pyodide (megabytes) is still on its way, and
without WebAssembly at all. The checker stays the authority: when it arrives it judges the same
answers again and its answer is the one shown.

Everything a customer reads in the table's answer is written here by the checker's own functions
(titles, summaries, clause words, notes with each version's values, the email's lines), so the
browser fills in words and never writes any. What the table cannot know (the days since purchase
in words, which version's sentence) waits for the checker.
"""

from __future__ import annotations

import json
from typing import Any

from policy_engine import advice
from policy_engine.answers import CLOCK_SLACK_DAYS, TRIMMED
from policy_engine.policy import MONTHS, Policies, Policy
from policy_engine.questions import COUNT_DIGITS, MAX_COUNT
from policy_engine.rules import Evaluation, Rulebook
from policy_review.ledger import NOT_GIVEN, Book, Ledger, Row, span_dimension

FORMAT = 1
FILE_NAME = "decisions.json"


def _when(row: Row) -> list[list[int] | None]:
    return [None if allowed is None else list(allowed) for allowed in row.when]


def _dims(ledger: Ledger) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for dim in ledger.dims:
        if dim.numeric:
            ranges = [[klass.low, klass.high] for klass in dim.classes]
            out.append({"name": dim.name, "ranges": ranges})
        else:
            out.append({"name": dim.name, "keys": dim.keys()})
    return out


def _outcome(rulebook: Rulebook, policy: Policy, text: str) -> dict[str, Any]:
    """A verdict table's outcome ("needs_review missing=credits_used") with its words."""
    verdict_text, _, missing_text = text.partition(" missing=")
    verdict = verdict_text
    missing = missing_text.split(",") if missing_text else []
    evaluation = Evaluation(verdict, [], missing)
    return {
        "verdict": verdict,
        # Its colour and icon on the page, by role: the browser never names an outcome.
        "role": advice.role(policy, verdict),
        "missing": missing,
        "missing_questions": [rulebook.questions_by_field[field].label for field in missing],
        "title": advice.title(policy, verdict),
        "summary": advice.summary(rulebook, policy, evaluation),
    }


def _version(rulebook: Rulebook, policy: Policy, ledger: Ledger) -> dict[str, Any]:
    rulebook = rulebook.of(policy)  # the version's own clauses, notes and outcomes
    tables = {
        name: [[_when(row), row.outcome] for row in rows] for name, rows in ledger.tables.items()
    }
    lines = policy.texts.email
    ids = rulebook.outcomes.ids
    return {
        "effective": policy.effective.isoformat(),
        "last_updated": policy.last_updated,
        "dims": _dims(ledger),
        "tables": tables,
        "clauses": [
            {
                "id": rule.clause_id,
                "effect": rule.effect,
                "effect_text": advice.effect_words(policy, rule.effect),
                "role": policy.texts.decision.effect_role(rule.effect),
                "text": policy.clause_texts[rule.clause_id],
            }
            for rule in rulebook.rules
        ],
        "notes": [
            [
                note,
                advice.note_text(rulebook, note, policy),
                advice.note_anchor(rulebook, note, policy),
            ]
            for note in ids.notes
        ],
        "refund_arrives": {how: advice.settlement_text(how, policy) for how in ids.refund_timing},
        # The words of each version (policy.toml's [versions.alternatives] and warnings).
        "alternatives": {key: advice.alternative_text(key, policy) for key in ids.alternatives},
        "warnings": [
            [w.kind, w.id, w.text, w.email, advice.warning_anchor(w.kind, w.id, policy)]
            for w in advice.policy_warnings(rulebook, policy)
        ],
        "email": {
            "subject": lines.subject,
            "opening": list(lines.opening),
            "answers": lines.answers,
            "answer_lines": list(lines.answer_lines),
            "warnings": lines.warnings,
            "link": lines.link,
            "result": lines.result,
            "version": lines.version,
            "newer": lines.newer,
            "closing": lines.closing,
        },
    }


def decision_data(rulebook: Rulebook, policies: Policies, book: Book) -> dict[str, Any]:
    """What the page's table needs, for every version of ``policies`` (``book``: their ledger,
    under ``rulebook``)."""
    outcomes: dict[str, Any] = {}
    versions = []
    for policy in policies.versions:
        ledger = book.versions[policy.effective.isoformat()]
        for row in ledger.tables["verdict"]:
            # The answers' words are the file's, the same for every version.
            outcomes.setdefault(row.outcome, _outcome(rulebook, policy, row.outcome))
        versions.append(_version(rulebook, policy, ledger))
    first, latest = policies.first, policies.latest
    return {
        "format": FORMAT,
        "not_given": NOT_GIVEN,
        # The date that picks the version, and each span: its two dates and its ledger column
        # (table.js counts each from the form's dates, as policy_engine.spans.Span.days does).
        "version_date": policies.version_date,
        "spans": [
            {"name": s.name, "from": s.start, "to": s.end, "dim": span_dimension(s)}
            for s in policies.dates.spans
        ],
        # The dates that must be in order: each span's, and the version date's before the
        # request's (policy_engine.spans.Dates.in_order).
        "in_order": [list(pair) for pair in policies.dates.in_order],
        "sales_started": first.sales_started.isoformat(),
        "support_email": first.support_email,
        "max_count": MAX_COUNT,
        # The longest count read as a number, how many days a date may be ahead of the reader's
        # today (time zones), and the characters trimmed from a value: the checker's own.
        "count_digits": COUNT_DIGITS,
        "clock_slack_days": CLOCK_SLACK_DAYS,
        "trimmed": TRIMMED,
        # A link's answers judged as of another day than the reader's today.
        "checked": {"on": advice.CHECKED_ON, "today_would": advice.TODAY_WOULD_DIFFER},
        "months": list(MONTHS),
        "questions": [
            {
                "field": question.field,
                "label": question.label,
                "kind": question.kind.value,
                "asker": question.asker.value,
                "about": question.about,
                "default": question.default,
                "options": [[option.value, option.label] for option in question.options],
                "shown_when": [[field, list(values)] for field, values in question.shown_when],
                "when_missing": question.when_missing,
                "support_says": [list(pair) for pair in question.support_says],
                "support_checks": question.support_checks,
                # Only where a later version added it: purchases (orders…) before are not asked
                # it. asked_by: the date compared with that day (the policy's version date).
                **(
                    {"asked_from": question.asked_from, "asked_by": question.asked_by}
                    if question.asked_from
                    else {}
                ),
            }
            for question in rulebook.questions
        ],
        "outcomes": outcomes,
        "verdict_titles": {
            verdict: advice.title(latest, verdict) for verdict in latest.texts.decision.outcomes
        },
        # The email's lines are each version's (below); these are the checker's own.
        "email": {
            "given_in_link": advice.GIVEN_IN_LINK,
            "given_in_link_email": advice.GIVEN_IN_LINK_EMAIL,
            "limit": advice.MAILTO_LIMIT,
            # The answers the subject and opening name: slot -> [field, "label" | "words"].
            "slots": {slot: list(how) for slot, how in rulebook.email_slots.items()},
        },
        "versions": versions,
    }


def decision_json(rulebook: Rulebook, policies: Policies, book: Book) -> str:
    """:func:`decision_data` as the compact JSON the site ships (stable: sorted, no spaces)."""
    return json.dumps(
        decision_data(rulebook, policies, book),
        ensure_ascii=False,
        separators=(",", ":"),
        sort_keys=True,
    )
