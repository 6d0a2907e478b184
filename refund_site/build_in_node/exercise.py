"""What the self-check asks of Python in the browser, run once at build time inside Pyodide.

The build (``refund_site/stdlib.py``) runs :func:`exercise` on the stock runtime to learn which
standard-library modules the self-check imports, then again on the tailored standard library it
made from them, and requires the same answers from both. So it covers every path the page can
take through the checker: each answer of each question (valid, not sure, missing, malformed),
the rule combinations that decide verdicts, and the error answers for broken input.

This file runs inside Pyodide (it is sent there as text), and imports only the checker and the
standard library. It is build-time code all the same: nothing ships it to visitors.
"""

from __future__ import annotations

import itertools
import json
from urllib.parse import urlencode

from checker import check_json, check_query
from checker.questions import QUESTIONS, Kind

# "Today" for every check, so the answers do not depend on the day of the build.
TODAY = "2026-06-01"

# Sample answers per kind of question: in the refund window, outside it, malformed, empty.
_SAMPLES = {
    Kind.DATE: ("2026-05-30", "2026-04-01", "2024-02-29", "2026-02-30", "31/05/2026", ""),
    Kind.COUNT: ("0", "1", "2", "3", "-1", "two", "1e3", ""),
}


def _values(field: str) -> tuple[str, ...]:
    question = next(question for question in QUESTIONS if question.field == field)
    if question.kind in _SAMPLES:
        return _SAMPLES[question.kind]
    return (*(option.value for option in question.options), "something-else", "")


def _base() -> dict[str, str]:
    """Answers to every question, each with its first sample."""
    return {question.field: _values(question.field)[0] for question in QUESTIONS}


def _queries() -> list[str]:
    fields = [question.field for question in QUESTIONS]
    bases = [
        _base(),
        {
            **_base(),
            "reason": "unusable_result",
            "credits_used": "some",
            "purchase_type": "subscription",
        },
    ]
    queries = []
    for base in bases:
        queries.append(urlencode(base))
        for field in fields:
            for value in _values(field):
                queries.append(urlencode({**base, field: value}))
            # The question left out entirely, as a visitor who skips it sends it.
            queries.append(urlencode({k: v for k, v in base.items() if k != field}))
    # The combinations that decide most verdicts, with valid answers only.
    for purchase_date, reason, credits_used in itertools.product(
        _SAMPLES[Kind.DATE][:2], _values("reason")[:-2], _values("credits_used")[:-2]
    ):
        answers = {
            **bases[0],
            "purchase_date": purchase_date,
            "reason": reason,
            "credits_used": credits_used,
        }
        queries.append(urlencode(answers))
    # Broken links: repeated, unknown and oversized fields, stray markup and control characters.
    queries += [
        "",
        "purchase_date=2026-05-30&purchase_date=2026-05-29",
        "unknown=1&" + urlencode(bases[0]),
        "reason=" + "x" * 5000,
        "reason=%3Cscript%3E&credits_used=%0D%0A",
        "%%%",
    ]
    return queries


def exercise() -> str:
    """Every answer the page could get from the checker here, as one JSON list of JSON texts."""
    results = [
        check_query(query, today=TODAY, source=source)
        for query in _queries()
        for source in ("form", "link")
    ]
    # check_json is the contract's other door (the CLI and tests use it).
    results += [
        check_json(text, today=TODAY)
        for text in (json.dumps(_base()), "{", "[]", "null", '{"reason": 3}', "[" * 5000)
    ]
    return json.dumps(results)
