"""A policy's questions: each declared once, in the customer's words, reading its own answer.

A policy's list serves the self-check form (rendered at build time), the CLI's ``--help``, the
email to support and the worked examples, so a field is described the same way everywhere. Each
question is declared once, with its kind, options, default and who gives it: the parser reads the
answers by looping over the list (:func:`policy_engine.answers.read_answers`), and what an unsure
answer stands for (:func:`possible_values`) is read from the options.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from policy_engine.model import UNSURE


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
    # The typed answer the rules read (an enum member, True, False or UNSURE).
    answer: object


class NotAnAnswer(ValueError):
    """A value that is not an answer to its question; ``too_many`` for a count over the limit.
    The reader words it for whoever sent it (:mod:`policy_engine.answers`)."""

    def __init__(self, *, too_many: bool = False) -> None:
        super().__init__("too many" if too_many else "not an answer")
        self.too_many = too_many


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
    # Whether the answer can change the verdict: a clause of the version reads it (derived from
    # the clauses' conditions, policy_engine.version_rules).
    changes_verdict: bool = True
    # The day (ISO) from which purchases are asked it: the first version that asks it took effect
    # then ("": every version asks it). A purchase before it is judged without it.
    asked_from: str = ""
    # The date answer that day is compared with: the policy's version date (its file's
    # ``version_date``, the refund policy's purchase date).
    asked_by: str = "purchase_date"

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
        if self.asked_from and str(answers.get(self.asked_by, "")) < self.asked_from:
            return False
        return all(answers.get(field, "") in allowed for field, allowed in self.shown_when)

    def parse(self, value: object) -> object:
        """The typed answer from ``value`` in the JSON form of the contract, read as this
        question's kind reads it; raises :class:`NotAnAnswer`."""
        return _PARSERS[self.kind](self, value)

    def typed(self, text: str) -> object:
        """An answer written as text (a link, a form, a flag) as the JSON contract types it:
        true/false for yes/no answers, whole numbers for counts; anything else stays text."""
        if self.kind is Kind.YES_NO and text in ("true", "false"):
            return text == "true"
        if self.kind is Kind.COUNT and text.isascii() and text.isdigit():
            return json_number(text)
        return text

    def default_answer(self, today: date) -> object:
        """The typed answer the contract's default stands for (``today`` for a date whose
        default is "today"); None for a question without a default."""
        if self.default is None:
            return None
        if self.kind is Kind.DATE and self.default == "today":
            return today
        return self.parse(self.typed(self.default))

    @property
    def possible_values(self) -> tuple[object, ...]:
        """What an "unsure" answer stands for: every other option, when the answer can change
        the verdict (the rules then try each). Empty otherwise: an "unsure" that cannot change
        the verdict (who took the payment) is an answer of its own."""
        unsure = [option for option in self.options if option.value == "unsure"]
        if not unsure or not self.changes_verdict:
            return ()
        return tuple(option.answer for option in self.options if option.value != "unsure")


# Reading each kind of answer --------------------------------------------------------------------

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# The longest count read as a number: longer digit strings are reported, never converted (Python
# refuses to convert more than 4,300 digits, with advice meant for programmers).
COUNT_DIGITS = 9


class LongNumber:
    """A JSON number too long to be a count, kept as its digits (never converted)."""

    def __init__(self, digits: str) -> None:
        self.digits = digits

    def __repr__(self) -> str:
        return self.digits


def json_number(digits: str) -> int | LongNumber:
    """``json.loads(..., parse_int=json_number)``: whole numbers, the long ones kept as text."""
    return int(digits) if len(digits.lstrip("-")) <= COUNT_DIGITS else LongNumber(digits)


def _date(question: Question, value: object) -> date:
    if isinstance(value, str) and ISO_DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise NotAnAnswer


def _choice(question: Question, value: object) -> object:
    if isinstance(value, str):
        for option in question.options:
            if option.value == value:
                return option.answer
    raise NotAnAnswer


def _yes_no(question: Question, value: object) -> object:
    if isinstance(value, bool):
        return value
    if value == "unsure" and any(option.value == "unsure" for option in question.options):
        return UNSURE
    raise NotAnAnswer


def _count(question: Question, value: object) -> int:
    # A count is a whole number as written: JSON's 1.0, 1e3 or 0.99999999999999999999 is
    # refused, as a link's or a flag's "1.0" is (never rounded into one).
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        if value > MAX_COUNT:
            raise NotAnAnswer(too_many=True)
        return value
    if isinstance(value, LongNumber) and not value.digits.startswith("-"):
        raise NotAnAnswer(too_many=True)
    raise NotAnAnswer


_PARSERS: dict[Kind, Callable[[Question, object], object]] = {
    Kind.DATE: _date,
    Kind.CHOICE: _choice,
    Kind.YES_NO: _yes_no,
    Kind.COUNT: _count,
}


def options[E: StrEnum](kind: type[E], labels: dict[E, str]) -> tuple[Option, ...]:
    """A choice's options, one per value of its enum (model.py) in the enum's order: a value the
    labels leave out, or one the enum does not have, stops the checker from loading."""
    if set(labels) != set(kind):
        raise TypeError(f"{kind.__name__}: labels for {sorted(labels)} but values {list(kind)}")
    return tuple(Option(value.value, labels[value], value) for value in kind)


YES_NO = (Option("true", "Yes", True), Option("false", "No", False))
YES_NO_UNSURE = (*YES_NO, Option("unsure", "Not sure", UNSURE))
# The largest count the checker accepts: more earlier refund requests than this is a typing slip.
MAX_COUNT = 1000


def possible_values(questions: Iterable[Question]) -> dict[str, tuple[object, ...]]:
    """The answers a customer may leave unsure, in question order, and the values each stands
    for (:attr:`Question.possible_values`)."""
    return {q.field: q.possible_values for q in questions if q.possible_values}


def check_defaults(questions: Iterable[Question]) -> None:
    """Each default must be one of its question's answers: a wrong one stops the checker from
    loading, rather than reaching a customer."""
    for question in questions:
        try:
            question.default_answer(date.min)
        except NotAnAnswer:
            raise TypeError(
                f"{question.field}: the default {question.default!r} is not one of its answers"
            ) from None


def request_date(label: str = "When are you asking?") -> Question:
    """The date of the request: today, filled in by the page (a link or the CLI may give it)."""
    return Question(
        "request_date",
        label,
        Kind.DATE,
        about="the date of your request",
        hint="Today unless given.",
        default="today",
        asker=Asker.PAGE,
    )
