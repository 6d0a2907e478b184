"""What the self-check asks of Python in the browser, run once at build time inside Pyodide.

The build (``policy_site/shipping/stdlib.py``) runs :func:`exercise` on the stock runtime to learn
which
standard-library modules the self-check imports, then again on the tailored standard library it
made from them, and requires the same answers from both. So it covers every path the page can
take through the checker: each answer of each question (valid, not sure, missing, malformed),
the rule combinations that decide verdicts, and the error answers for broken input.

This file runs inside Pyodide (it is sent there as text), and imports only the checker and the
standard library. It is build-time code all the same: nothing ships it to visitors.
"""

from __future__ import annotations

import importlib
import itertools
import json
from urllib.parse import urlencode

from policy_engine.questions import Kind, Question

# "Today" for every check, so the answers do not depend on the day of the build.
TODAY = "2026-06-01"

# Sample answers per kind of question: in the refund window, outside it, malformed, empty.
_SAMPLES = {
    Kind.DATE: ("2026-05-30", "2026-04-01", "2024-02-29", "2026-02-30", "31/05/2026", ""),
    Kind.COUNT: ("0", "1", "2", "3", "-1", "two", "1e3", ""),
}


def _values(question: Question) -> tuple[str, ...]:
    if question.kind in _SAMPLES:
        return _SAMPLES[question.kind]
    return (*(option.value for option in question.options), "something-else", "")


def _queries(questions: tuple[Question, ...]) -> list[str]:
    first = {question.field: _values(question)[0] for question in questions}
    # Each choice at its last answer that is not "unsure": other questions are then shown.
    last = {
        question.field: [v for v in _values(question)[:-2] if v != "unsure"][-1]
        for question in questions
        if question.kind is Kind.CHOICE
    }
    bases = [first, {**first, **last}]
    queries = []
    for base in bases:
        queries.append(urlencode(base))
        for question in questions:
            for value in _values(question):
                queries.append(urlencode({**base, question.field: value}))
            # The question left out entirely, as a visitor who skips it sends it.
            queries.append(urlencode({k: v for k, v in base.items() if k != question.field}))
    # The combinations that decide most verdicts: the purchase date (inside and outside the
    # window) with every pair of answers to the choices that can change it, valid answers only.
    choices = [q for q in questions if q.kind is Kind.CHOICE and q.changes_verdict][:2]
    for purchase_date, *picked in itertools.product(
        _SAMPLES[Kind.DATE][:2], *(_values(q)[:-2] for q in choices)
    ):
        answers = {**first, "purchase_date": purchase_date}
        answers.update({q.field: value for q, value in zip(choices, picked, strict=True)})
        queries.append(urlencode(answers))
    # Broken links: repeated, unknown and oversized fields, stray markup and control characters.
    some = choices[0].field if choices else "purchase_date"
    queries += [
        "",
        "purchase_date=2026-05-30&purchase_date=2026-05-29",
        "unknown=1&" + urlencode(first),
        f"{some}=" + "x" * 5000,
        f"{some}=%3Cscript%3E&purchase_date=%0D%0A",
        "%%%",
    ]
    return queries


def exercise(package: str) -> str:
    """Every answer the page could get from the checker of the policy ``package`` here, as one
    JSON list of JSON texts."""
    policy = importlib.import_module(package)
    questions = policy.RULEBOOK.questions
    results = [
        policy.check_query(query, today=TODAY, source=source)
        for query in _queries(questions)
        for source in ("form", "link")
    ]
    # check_json is the contract's other door (the CLI and tests use it).
    first = {question.field: _values(question)[0] for question in questions}
    results += [
        policy.check_json(text, today=TODAY)
        for text in (json.dumps(first), "{", "[]", "null", '{"reason": 3}', "[" * 5000)
    ]
    return json.dumps(results)
