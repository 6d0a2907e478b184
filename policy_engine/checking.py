"""The engine every policy package runs on: what a policy says about one situation.

A policy package declares its :class:`~policy_engine.rules.Rulebook` (its questions, clauses,
values and outcomes) and exposes a :class:`PolicyChecker` made from it; the checker reads the
answers with the rulebook's questions, picks the version of the policy file in force on the
purchase date, and judges them with the rulebook's clauses. Standard library only: the same code
runs in CPython and, unchanged, in the visitor's browser on Pyodide, where the page calls
:meth:`PolicyChecker.check_query`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from policy_engine.answers import (
    InvalidAnswers,
    Source,
    answers_from_query,
    json_float,
    json_object,
    parse_answers,
)
from policy_engine.model import BaseAnswers
from policy_engine.policy import Policies, Policy
from policy_engine.policy import read_policies as read_policy_file
from policy_engine.questions import Asker, Kind, json_number
from policy_engine.result import Result
from policy_engine.rules import Rulebook
from policy_engine.spans import REQUEST_DATE


class PolicyChecker:
    """A policy's checking functions, bound to its rulebook: a package exposes them as its own
    (``check = CHECKER.check``, …), which is what the site, the CLI and the page call."""

    def __init__(self, rulebook: Rulebook) -> None:
        self.rulebook = rulebook
        self._default: Policies | None = None

    def read_policies(self, path: str | Path | None = None) -> Policies:
        """Every version of a policy file (by default the rulebook's own, read once), checked.
        Raises ``PolicyError``."""
        if path is None:
            return self.rulebook.policies
        return read_policy_file(path, policy_class=self.rulebook.policy)

    def load_policy(self, path: str | Path | None = None, *, on: date | None = None) -> Policy:
        """The version of a policy file in force ``on`` a day (by default, today)."""
        return self.read_policies(path).in_force(on or date.today())

    def default_policies(self) -> Policies:
        """Every version of the policy shipped with the package (read once)."""
        if self._default is None:
            self._default = self.read_policies()
        return self._default

    def default_policy(self) -> Policy:
        """The version of the shipped policy in force today."""
        return self.default_policies().in_force(date.today())

    def check(
        self,
        answers: object,
        *,
        today: date | None = None,
        policy: Policy | Policies | None = None,
        source: Source = Source.STAFF,
        page: str = "",
    ) -> Result:
        """What the policy says about ``answers`` (the JSON form of the answers contract, or the
        rulebook's answers).

        A purchase is judged by the version of the policy in force on its purchase date (before
        the first version, by the first); the result also says what the version in force on the
        day of the request would decide, if that is newer and decides otherwise. ``policy`` is
        every version (by default the shipped file's), or one version alone.

        Raises :class:`InvalidAnswers` with one ``{"field", "message"}`` per problem, worded for
        ``source``. ``today`` is the customer's local date: the date of the request unless
        ``request_date`` is given. ``page`` is the address of the policy page (for the email's
        link to the self-check with these answers).
        """
        rulebook = self.rulebook
        if policy is None:
            policies = self.default_policies()
        elif isinstance(policy, Policies):
            policies = policy
        else:
            policies = Policies((policy,), source=policy.source)
        today = today or date.today()
        # Another file's versions (a copy an editor is changing) ask and decide by that file.
        rulebook = rulebook.for_policies(policies)
        parsed = (
            answers
            if isinstance(answers, BaseAnswers)
            else parse_answers(answers, today, source, policy=policies.latest, rulebook=rulebook)
        )
        # The date the file names (the purchase's, an order's) picks the version that judges.
        purchased: date = getattr(parsed, policies.version_date)
        requested: date = getattr(parsed, REQUEST_DATE)
        version = policies.in_force(purchased)
        evaluation = rulebook.evaluate(parsed, version)
        newer = None
        asked_under = policies.in_force(requested)
        if asked_under.effective > version.effective:
            other = rulebook.evaluate(parsed, asked_under)
            if other.verdict != evaluation.verdict:
                newer = (asked_under, other)
        # Answers judged on another day than the reader's today (a link carries the day the
        # customer asked): that day's verdict stands; what today's would be is said beside it.
        today_would = None
        if REQUEST_DATE in parsed.given and requested != today and purchased <= today:
            # Every policy's answers have a request date (the rulebook checks it).
            changes: dict[str, Any] = {REQUEST_DATE: today}
            as_of_today = replace(parsed, **changes)
            other = rulebook.evaluate(as_of_today, version)
            if other.verdict != evaluation.verdict:
                today_would = other
        return Result(
            rulebook=rulebook,
            answers=parsed,
            policy=version,
            evaluation=evaluation,
            today=today,
            policies=policies,
            newer=newer,
            page=page.split("#")[0],
            today_would=today_would,
        )

    def check_json(self, text: str, *, today: str | None = None) -> str:
        """:meth:`check` for JSON text, returning JSON; never raises.

        Bad input gives ``{"errors": [{"field", "message"}, ...]}``. ``today`` (``YYYY-MM-DD``)
        is the customer's local date.
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
                            f"The answers are not valid JSON ({message}). Send one JSON object "
                            f"such as {self.rulebook.example}."
                        ),
                    }
                ]
            )
        return _checked(lambda: self.check(raw, today=_today(today)).to_json())

    def warm_up_query(self) -> tuple[str, str]:
        """A complete, valid set of answers and its "today", for the page's warm-up check: it
        takes the path of a real answer (verdict, reasons, notes, email) whatever the date. Each
        question's first answer; bought the day the latest version took effect, asked two days
        later."""
        bought = max(self.default_policies().latest.effective, date(2000, 1, 1))
        asked = bought + timedelta(days=2)
        answers: dict[str, str] = {}
        for question in self.rulebook.questions:
            if question.field == REQUEST_DATE:
                answers[question.field] = asked.isoformat()
            elif question.kind is Kind.DATE and question.default is None:
                answers[question.field] = bought.isoformat()
            elif question.field == REQUEST_DATE:
                answers[question.field] = asked.isoformat()
            elif question.asker is Asker.SUPPORT:
                continue
            elif question.kind is Kind.COUNT:
                answers[question.field] = "0"
            elif question.options:
                answers[question.field] = question.options[0].value
        return urlencode(answers), asked.isoformat()

    def warm_up(self) -> str:
        """One check nobody waits for (the page's worker runs it before saying "ready"): the
        result of :meth:`warm_up_query`'s answers, as JSON."""
        query, today = self.warm_up_query()
        return self.check_query(query, today=today, source="link")

    def check_query(
        self, query: str, *, today: str | None = None, source: str = "link", page: str = ""
    ) -> str:
        """:meth:`check` for the self-check's URL form (``purchase_date=2026-05-01&...``); never
        raises.

        This is what the page calls in the browser, with the visitor's local date as ``today``,
        and ``source`` "form" for the answers of its form or "link" for a ``#check?`` link's,
        and ``page`` the page's address (the email links back to the self-check with these
        answers).
        """
        return _checked(
            lambda: self.check(
                answers_from_query(query, self.rulebook.questions),
                today=_today(today),
                source=Source(source),
                page=page,
            ).to_json()
        )


def _today(text: str | None) -> date:
    if text is None:
        return date.today()
    try:
        return date.fromisoformat(text)
    except ValueError:
        return date.today()


def _checked(run: Callable[[], Any]) -> str:
    """The result as JSON, or the answers' errors. Anything else raised is a fault of the checker,
    not of the answers: it goes up to the caller (the page's worker shows its error state; the
    CLI says it is a fault to report), never dressed up as the customer's mistake."""
    try:
        return json.dumps(run(), ensure_ascii=False)
    except InvalidAnswers as invalid:
        return _errors(invalid.errors)


def _errors(errors: Any) -> str:
    return json.dumps({"errors": errors}, ensure_ascii=False)
