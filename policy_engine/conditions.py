"""When a clause, a note or an alternative applies: conditions written as data in ``policy.toml``.

A condition is a TOML table whose keys name answers, and whose values say what the answer must be:

    when = { reason = "duplicate_payment" }                       # one of the question's options
    when = { credits_used = ["none", "minimal"] }                 # any of these options
    when = { first_purchase = true }                              # a yes/no answer
    when = { days_since_purchase = { at_most = "refund_window_days" } }   # a span, by a value
    when = { previous_refund_requests = { at_least = "repeat_request_limit" } }
    when = { credits_used = { not = "none" } }                    # any option but these

Every part of a table must hold. ``any_of = [{…}, {…}]`` holds when one of its tables does,
``all_of`` when each does, and ``not = {…}`` when its table does not. A comparison (``at_most``,
``at_least``, ``less_than``, ``more_than``) takes a whole number or the name of one of the
policy's values; it applies to counts and to the spans the policy names (``[spans.<name>]`` in its
file, :mod:`policy_engine.spans`: calendar days from one date answer to another, day 0 the same
day). The engine knows no span of its own.

An answer the customer left "unsure" is none of the options a condition names: the rules try each
possible value in its place (:meth:`policy_engine.rules.Rulebook.evaluate`), the notes read it as
it is. Support's answer not given (None) is none of them either: "no".

Standard library only: this module runs in the visitor's browser too. It is read once, when the
policy file is read (:func:`parse`), and every mistake is reported with the path of the key and
what to write instead.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from policy_engine.model import UNSURE
from policy_engine.questions import Kind, Question
from policy_engine.spans import Span

COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {
    "at_most": operator.le,
    "at_least": operator.ge,
    "less_than": operator.lt,
    "more_than": operator.gt,
}
GROUPS = ("any_of", "all_of", "not")
# A condition the data form cannot express: a named Python function (answers, policy) -> bool,
# declared per version in the policy file ([versions.predicates]).
PREDICATE = "predicate"
# What a problem is handed: the path of the key (within the condition) and the message.
Problem = Callable[[tuple[Any, ...], str], None]


@dataclass(frozen=True)
class Condition:
    """A parsed condition: ``holds(answers, policy)`` says whether it applies. ``text`` is its
    canonical form (sorted keys, as TOML would write it), which the ledger's cache is keyed by."""

    test: Callable[[Any, Any], bool]
    text: str
    answers: frozenset[str]  # the answers it reads (a span's: its two dates)
    values: frozenset[str]  # the policy's values it reads
    spans: frozenset[str] = frozenset()  # the spans it reads, by name
    # The whole numbers it compares an answer or a span with, as written (the ledger's classes).
    numbers: frozenset[tuple[str, int]] = frozenset()

    def holds(self, answers: Any, policy: Any) -> bool:
        return self.test(answers, policy)


ALWAYS = Condition(lambda answers, policy: True, "{}", frozenset(), frozenset())


def parse(
    given: object,
    path: tuple[Any, ...],
    questions: Mapping[str, Question],
    values: Mapping[str, str],
    problem: Problem,
    predicates: Mapping[str, Callable[[Any, Any], bool]] | None = None,
    spans: Mapping[str, Span] | None = None,
) -> Condition | None:
    """The condition written at ``path`` (a TOML table), checked against the version's
    ``questions`` (by field), its ``values`` (name -> kind: "days", "count", …), its
    ``predicates`` (name -> function) and the file's ``spans`` (by name). Each mistake goes to
    ``problem``; None when there was one."""
    parser = _Parser(questions, values, problem, predicates or {}, spans or {})
    made = parser.table(given, path)
    return None if parser.failed or made is None else made


class _Parser:
    def __init__(
        self,
        questions: Mapping[str, Question],
        values: Mapping[str, str],
        problem: Problem,
        predicates: Mapping[str, Callable[[Any, Any], bool]],
        spans: Mapping[str, Span],
    ) -> None:
        self.spans = spans
        self.questions = questions
        self.values = values
        self.predicates = predicates
        self.problem = problem
        self.failed = False

    def fail(self, path: tuple[Any, ...], message: str) -> None:
        self.failed = True
        self.problem(path, message)

    def names(self) -> str:
        asked = [q.field for q in self.questions.values() if q.kind is not Kind.DATE]
        return ", ".join([*asked, *self.spans])

    def table(self, given: object, path: tuple[Any, ...]) -> Condition | None:
        if not isinstance(given, dict) or not given:
            self.fail(
                path,
                "a condition is a table of answers and what they must be, like "
                '{ reason = "duplicate_payment" } or { credits_used = ["none", "minimal"] }',
            )
            return None
        parts = [self.part(key, value, (*path, key)) for key, value in given.items()]
        made = [part for part in parts if part is not None]
        if len(made) != len(parts):
            return None
        return _all(made)

    def part(self, key: str, value: object, path: tuple[Any, ...]) -> Condition | None:
        if key in GROUPS:
            return self.group(key, value, path)
        if key == PREDICATE:
            return self.predicate(value, path)
        if key in self.spans:
            return self.compare(key, None, value, path)
        question = self.questions.get(key)
        if question is None or question.kind is Kind.DATE:
            from policy_engine.policy import closest

            close = closest(key, [*self.questions, *self.spans, *GROUPS])
            hint = f" Did you mean {close}?" if close else ""
            self.fail(
                path,
                f"{key} is not an answer a condition can read.{hint} It can read: "
                f"{self.names()}; and any_of, all_of, not",
            )
            return None
        if question.kind is Kind.COUNT:
            if isinstance(value, int) and not isinstance(value, bool):
                value = {"at_least": value, "at_most": value}
            return self.compare(key, question, value, path)
        return self.options(question, value, path)

    def predicate(self, value: object, path: tuple[Any, ...]) -> Condition | None:
        function = self.predicates.get(value) if isinstance(value, str) else None
        if function is None:
            known = ", ".join(self.predicates) or "none are declared"
            self.fail(
                path,
                f"predicate names a Python function declared under [versions.predicates] "
                f'(name = "module:function"); {_as_written(value)} is not one ({known})',
            )
            return None
        # What it reads is known only when it runs: the ledger traces it as it does the rest.
        return Condition(function, f'predicate = "{value}"', frozenset(), frozenset())

    def group(self, key: str, value: object, path: tuple[Any, ...]) -> Condition | None:
        if key == "not":
            inner = self.table(value, path)
            if inner is None:
                return None
            return Condition(
                lambda answers, policy: not inner.test(answers, policy),
                f"not = {inner.text}",
                inner.answers,
                inner.values,
                inner.spans,
                inner.numbers,
            )
        if not isinstance(value, list) or not value:
            self.fail(path, f"{key} must be a list of conditions, like {key} = [{{ … }}, {{ … }}]")
            return None
        made = [self.table(item, (*path, index)) for index, item in enumerate(value)]
        if any(item is None for item in made):
            return None
        conditions = [item for item in made if item is not None]
        if key == "all_of":
            return _all(conditions)
        tests = [condition.test for condition in conditions]
        return Condition(
            lambda answers, policy: any(test(answers, policy) for test in tests),
            f"any_of = [{', '.join(c.text for c in conditions)}]",
            *_unions(conditions),
        )

    def options(self, question: Question, value: object, path: tuple[Any, ...]) -> Condition | None:
        negate = False
        if isinstance(value, dict) and set(value) == {"not"}:
            negate, value = True, value["not"]
        listed = value if isinstance(value, list) else [value]
        known = {option.value: option.answer for option in question.options}
        shown = ", ".join(f'"{v}"' if question.kind is Kind.CHOICE else v for v in known)
        answers: list[object] = []
        for item in listed:
            written = _option_text(item)
            if written is None or written not in known:
                self.fail(
                    path,
                    f"{_as_written(item)} is not an answer to “{question.label}”; its answers "
                    f"are {shown}"
                    + (" (true and false without quotes)" if question.kind is Kind.YES_NO else ""),
                )
                return None
            answers.append(known[written])
        if not answers:
            self.fail(path, f"name at least one answer to “{question.label}”: {shown}")
            return None
        field = question.field
        allowed = tuple(answers)
        text = ", ".join(_option_text(item) or "" for item in listed)
        text = f"{field} = {'not ' if negate else ''}[{text}]"
        if negate:
            return Condition(
                lambda a, p: _answer(a, field) not in allowed, text, frozenset({field}), frozenset()
            )
        return Condition(
            lambda a, p: _answer(a, field) in allowed, text, frozenset({field}), frozenset()
        )

    def compare(
        self, key: str, question: Question | None, value: object, path: tuple[Any, ...]
    ) -> Condition | None:
        span = self.spans.get(key)
        what = span.about if span else f"the answer to “{question.label if question else key}”"
        example = f"{key} = {{ {'at_most = 30' if question is None else 'at_least = 2'} }}"
        if not isinstance(value, dict) or not value or set(value) - set(COMPARISONS):
            self.fail(
                path,
                f"{key} is {what}: compare it with at_most, at_least, less_than or more_than and "
                f"a number or a value's name, like {example}",
            )
            return None
        tests: list[Callable[[Any, Any], bool]] = []
        # A span is counted from its two dates (so what it reads is those two answers).
        measure: Callable[[Any], int] = span.days if span else _count(key)
        read_values: set[str] = set()
        literals: set[tuple[str, int]] = set()
        texts = []
        for name, operand in value.items():
            compare = COMPARISONS[name]
            if isinstance(operand, int) and not isinstance(operand, bool):
                number = operand
                tests.append(_against_number(compare, measure, number))
                literals.add((key, number))
                texts.append(f"{name} = {number}")
            elif isinstance(operand, str) and self.values.get(operand) in ("days", "count"):
                read_values.add(operand)
                tests.append(_against_value(compare, measure, operand))
                texts.append(f'{name} = "{operand}"')
            else:
                numbers = [n for n, kind in self.values.items() if kind in ("days", "count")]
                self.fail(
                    (*path, name),
                    f"{name} takes a whole number or the name of one of the policy's numbers "
                    f"({', '.join(numbers) or 'it has none'}); it is {_as_written(operand)}",
                )
                return None
        return Condition(
            lambda a, p: all(test(a, p) for test in tests),
            f"{key} = {{ {', '.join(texts)} }}",
            frozenset({span.start, span.end} if span else {key}),
            frozenset(read_values),
            frozenset({key} if span else ()),
            frozenset(literals),
        )


def _against_number(
    compare: Callable[[Any, Any], bool], measure: Callable[[Any], int], number: int
) -> Callable[[Any, Any], bool]:
    return lambda answers, policy: compare(measure(answers), number)


def _against_value(
    compare: Callable[[Any, Any], bool], measure: Callable[[Any], int], name: str
) -> Callable[[Any, Any], bool]:
    # The value is read from the version each time (the ledger notes which values are read).
    return lambda answers, policy: compare(measure(answers), getattr(policy, name))


def _all(conditions: Sequence[Condition]) -> Condition:
    if len(conditions) == 1:
        return conditions[0]
    tests = [condition.test for condition in conditions]
    return Condition(
        lambda answers, policy: all(test(answers, policy) for test in tests),
        "{ " + ", ".join(c.text for c in conditions) + " }",
        *_unions(conditions),
    )


def _unions(
    conditions: Sequence[Condition],
) -> tuple[frozenset[str], frozenset[str], frozenset[str], frozenset[tuple[str, int]]]:
    """What several conditions read, together: answers, values, spans and numbers."""
    return (
        frozenset().union(*(c.answers for c in conditions)),
        frozenset().union(*(c.values for c in conditions)),
        frozenset().union(*(c.spans for c in conditions)),
        frozenset().union(*(c.numbers for c in conditions)),
    )


def _answer(answers: Any, field: str) -> object:
    return getattr(answers, field)


def _count(key: str) -> Callable[[Any], int]:
    def measure(answers: Any) -> int:
        value = getattr(answers, key)
        # A count not given (support's answer left out) is none.
        return value if isinstance(value, int) else 0

    return measure


def _option_text(value: object) -> str | None:
    """An option as a condition names it: text, or true/false for a yes/no answer."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    return None


def _as_written(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    return str(value)


__all__ = ["ALWAYS", "COMPARISONS", "UNSURE", "Condition", "parse"]
