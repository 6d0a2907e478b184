"""ImgToSTL's refund policy as rules: what the policy says about one customer's situation.

Standard library only. The same code runs in CPython (tests, the ``refund-check`` CLI, the site
build) and, unchanged, in the visitor's browser on Pyodide, where the page calls
:func:`check_query` or :func:`check_json`.

>>> result = check({"purchase_date": "2026-05-01", "request_date": "2026-05-03",
...                 "purchase_type": "credit_pack", "reason": "duplicate_payment",
...                 "credits_used": "none"})
>>> result.verdict.value, [clause.id for clause in result.clauses]
('likely_eligible', ['duplicate-payment', 'recent-unused'])
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from checker.answers import (
    InvalidAnswers,
    Source,
    answers_from_query,
    answers_to_query,
    json_float,
    json_object,
    parse_answers,
)
from checker.model import Answers, Verdict
from checker.policy import Policies, Policy, PolicyError
from checker.policy import read_policies as _read_policy_file
from checker.questions import json_number
from checker.result import Clause, Result
from checker.rules import RULEBOOK, Rulebook

__all__ = [
    "RULEBOOK",
    "Answers",
    "Clause",
    "InvalidAnswers",
    "Policies",
    "Policy",
    "PolicyError",
    "Result",
    "Rulebook",
    "Source",
    "Verdict",
    "answers_to_query",
    "check",
    "check_json",
    "check_query",
    "default_policies",
    "default_policy",
    "load_policy",
    "parse_answers",
    "read_policies",
]

_default_policies: Policies | None = None


def read_policies(path: str | Path | None = None) -> Policies:
    """Every version of a policy file (by default the one shipped with this package), checked:
    each must give words for exactly the rules' clauses. Raises :class:`PolicyError`."""
    return _read_policy_file(path or RULEBOOK.policy_file, clause_ids=RULEBOOK.clause_ids)


def load_policy(path: str | Path | None = None, *, on: date | None = None) -> Policy:
    """The version of a policy file in force ``on`` a day (by default, today)."""
    return read_policies(path).in_force(on or date.today())


def default_policies() -> Policies:
    """Every version of the policy shipped with this package (read once)."""
    global _default_policies
    if _default_policies is None:
        _default_policies = read_policies()
    return _default_policies


def default_policy() -> Policy:
    """The version of the shipped policy in force today."""
    return default_policies().in_force(date.today())


def check(
    answers: object,
    *,
    today: date | None = None,
    policy: Policy | Policies | None = None,
    source: Source = Source.STAFF,
    page: str = "",
) -> Result:
    """What the policy says about ``answers`` (the JSON form of the answers contract, or
    :class:`Answers`).

    A purchase is judged by the version of the policy in force on its purchase date (before the
    first version, by the first); the result also says what the version in force on the day of
    the request would decide, if that is newer and decides otherwise. ``policy`` is every version
    (by default the shipped file's), or one version alone.

    Raises :class:`InvalidAnswers` with one ``{"field", "message"}`` per problem, worded for
    ``source``. ``today`` is the customer's local date: the date of the request unless
    ``request_date`` is given. ``page`` is the address of the policy page (for the email's link to
    the self-check with these answers).
    """
    if policy is None:
        policies = default_policies()
    elif isinstance(policy, Policies):
        policies = policy
    else:
        policies = Policies((policy,), source=policy.source)
    today = today or date.today()
    parsed = (
        answers
        if isinstance(answers, Answers)
        else parse_answers(answers, today, source, policy=policies.latest)
    )
    version = policies.in_force(parsed.purchase_date)
    evaluation = RULEBOOK.evaluate(parsed, version)
    newer = None
    asked_under = policies.in_force(parsed.request_date)
    if asked_under.effective > version.effective:
        other = RULEBOOK.evaluate(parsed, asked_under)
        if other.verdict is not evaluation.verdict:
            newer = (asked_under, other)
    return Result(
        answers=parsed,
        policy=version,
        evaluation=evaluation,
        today=today,
        policies=policies,
        newer=newer,
        page=page.split("#")[0],
    )


def check_json(text: str, *, today: str | None = None) -> str:
    """:func:`check` for JSON text, returning JSON; never raises.

    Bad input gives ``{"errors": [{"field", "message"}, ...]}``. ``today`` (``YYYY-MM-DD``) is
    the customer's local date.
    """
    try:
        raw = json.loads(
            text, object_pairs_hook=json_object, parse_int=json_number, parse_float=json_float
        )
    except (ValueError, RecursionError) as error:
        if isinstance(error, json.JSONDecodeError):
            message = error.msg
        elif isinstance(error, RecursionError):
            message = "too deeply nested"
        else:  # on text, json.loads raises a plain ValueError only for over-long numbers
            message = "a number in it is too long"
        return _errors(
            [
                {
                    "field": "answers",
                    "message": (
                        f"The answers are not valid JSON ({message}). Send one JSON object such as "
                        '{"purchase_date": "2026-05-01", "purchase_type": "credit_pack", '
                        '"reason": "duplicate_payment", "credits_used": "none"}.'
                    ),
                }
            ]
        )
    return _checked(lambda: check(raw, today=_today(today)).to_json())


def check_query(
    query: str, *, today: str | None = None, source: str = "link", page: str = ""
) -> str:
    """:func:`check` for the self-check's URL form (``purchase_date=2026-05-01&...``); never raises.

    This is what the page calls in the browser, with the visitor's local date as ``today``, and
    ``source`` "form" for the answers of its form or "link" for a ``#check?`` link's, and ``page``
    the page's address (the email links back to the self-check with these answers).
    """
    return _checked(
        lambda: check(
            answers_from_query(query), today=_today(today), source=Source(source), page=page
        ).to_json()
    )


def _today(text: str | None) -> date:
    if text is None:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        return date.today()


def _checked(run: Any) -> str:
    """The result as JSON, or the answers' errors. Anything else raised is a fault of the checker,
    not of the answers: it goes up to the caller (the page's worker shows its error state; the
    CLI says it is a fault to report), never dressed up as the customer's mistake."""
    try:
        return json.dumps(run(), ensure_ascii=False)
    except InvalidAnswers as invalid:
        return _errors(invalid.errors)


def _errors(errors: Any) -> str:
    return json.dumps({"errors": errors}, ensure_ascii=False)
