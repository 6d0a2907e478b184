"""Turning untrusted input (the form, a link, CLI flags, JSON) into :class:`Answers`, or errors.

Every problem is reported at once, at most one per field, each naming its field and saying what to
do in the words of whoever reads it (:class:`Source`). Nothing here raises anything but
:class:`InvalidAnswers`.

The same rules hold for every source: a key given twice is an error; dates lie between the day
ImgToSTL started selling and today; counts are whole numbers up to :data:`MAX_COUNT`. The sources
differ in one thing besides their words: the form must have an answer to every question it shows
(it never assumes one), while a link, the CLI and JSON take the contract's documented default for
an answer they leave out.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING, Any, TypedDict
from urllib.parse import parse_qsl, urlencode

from policy_engine.model import BaseAnswers
from policy_engine.policy import Policy, long_date

if TYPE_CHECKING:
    from policy_engine.rules import Rulebook
from policy_engine.questions import (
    ISO_DATE,
    MAX_COUNT,
    Asker,
    Kind,
    NotAnAnswer,
    Question,
)
from policy_engine.spans import REQUEST_DATE

# Field names and values from untrusted input are quoted back shortened, never in full.
_QUOTE_LIMIT = 40
# Unknown keys are named one by one up to this many; the rest are counted.
_UNKNOWN_NAMED = 5
# A request dated after the customer's today: their clock and a support agent's may differ by
# the width of the time zones (UTC-12 to UTC+14), never by more.
CLOCK_SLACK_DAYS = 2
_CLOCK_SLACK = timedelta(days=CLOCK_SLACK_DAYS)
# The characters trimmed from either end of a value in a link or a form: exactly those that
# JavaScript's String.prototype.trim removes (its WhiteSpace and LineTerminator), so that the
# page's decision table (table.js, which is handed this list in decisions.json) and the checker
# read a value the same way. Python's str.strip() differs: it keeps U+FEFF and removes U+001C-
# U+001F and U+0085.
TRIMMED = (
    "\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008"
    "\u2009\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
)


class Source(StrEnum):
    """Who sent the answers, which decides the words of the errors and whether defaults apply."""

    FORM = "form"  # the self-check's form: every question it shows must be answered
    LINK = "link"  # a #check? link (support's, or an example's): left-out answers take defaults
    STAFF = "staff"  # the CLI's flags or the JSON contract: keys and values as documented


class FieldError(TypedDict):
    field: str
    message: str


class InvalidAnswers(ValueError):
    """The answers cannot be checked. ``errors`` lists each problem as ``{"field", "message"}``."""

    def __init__(self, errors: list[FieldError]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{e['field']}: {e['message']}" for e in errors))


class Answered(dict[str, object]):
    """Answers as a mapping, with the keys that came more than once (a link, flags or JSON)."""

    def __init__(self, pairs: list[tuple[str, object]]) -> None:
        super().__init__()
        self.twice: list[str] = []
        for key, value in pairs:
            if key in self:
                if key not in self.twice:
                    self.twice.append(key)
                continue
            self[key] = value


def _quote(value: object) -> str:
    """``value`` as the user typed it (JSON's true, null, [1]), shortened, in quotation marks."""
    if isinstance(value, str):
        text = value
    elif isinstance(value, bool | dict | list) or value is None:
        text = json.dumps(value, ensure_ascii=False, default=repr)
    else:
        text = repr(value)
    if len(text) > _QUOTE_LIMIT:
        text = text[: _QUOTE_LIMIT - 1] + "…"
    return f"“{text}”"


def _values(question: Question) -> str:
    """The values staff can give, for their messages."""
    if question.kind is Kind.DATE:
        return "a date as YYYY-MM-DD, for example 2026-05-01"
    if question.kind is Kind.COUNT:
        return f"a whole number from 0 to {MAX_COUNT}"
    values = [option.value for option in question.options]
    return ", ".join(values[:-1]) + " or " + values[-1]


def _below(question: Question) -> str:
    return "Enter it below." if question.kind in (Kind.DATE, Kind.COUNT) else "Choose it below."


class _Messages:
    """Each kind of problem, in the words of one :class:`Source`."""

    def __init__(self, source: Source, fields: tuple[str, ...], example: str = "") -> None:
        self.source = source
        self.fields = fields  # the answers there are, for a message naming them
        self.example = example  # an object of answers, as JSON

    def missing(self, question: Question) -> str:
        if self.source is Source.FORM:
            return question.when_missing or f"Answer “{question.label}”."
        if self.source is Source.LINK:
            return f"This link is missing {question.about}. {_below(question)}"
        return f"Missing: give {_values(question)}."

    def wrong(self, question: Question, value: object) -> str:
        """A value that is not one of the question's answers."""
        if self.source is Source.FORM:
            if question.kind is Kind.DATE:
                return f"Enter {question.about} as a real date."
            if question.kind is Kind.COUNT:
                return question.when_missing
            return question.when_missing or f"Answer “{question.label}”."
        if self.source is Source.LINK:
            return (
                f"This link's answer for {question.about} is not one the self-check can use. "
                f"{_below(question)}"
            )
        if question.kind is Kind.DATE and isinstance(value, str) and ISO_DATE.fullmatch(value):
            return f"{_quote(value)} is not a real date: give {_values(question)}."
        if question.kind is Kind.DATE:
            return f"Give {question.about} as YYYY-MM-DD (year-month-day), for example " + (
                f"2026-05-01, not {_quote(value)}."
            )
        if question.kind is Kind.COUNT:
            return f"{_quote(value)} is not a count: give {_values(question)}."
        return f"{_quote(value)} is not one of the answers: give {_values(question)}."

    def too_many(self, question: Question) -> str:
        if self.source is Source.STAFF:
            return f"More than {MAX_COUNT}: give {_values(question)}."
        return f"Enter a number from 0 to {MAX_COUNT:,} for {question.about}."

    def null(self, question: Question) -> str:
        default = (
            f", or leave it out to use the default ({question.default})"
            if question.default is not None
            else ""
        )
        return f"null is not an answer: give {_values(question)}{default}."

    def twice(self, question: Question) -> str:
        if self.source is Source.LINK:
            return f"This link gives {question.about} twice. {_below(question)}"
        if self.source is Source.FORM:
            return question.when_missing
        return "Given twice: keep one."

    def unknown(self, keys: list[str]) -> str:
        named = ", ".join(_quote(key) for key in keys[:_UNKNOWN_NAMED])
        more = len(keys) - _UNKNOWN_NAMED
        also = f" and {more:,} more" if more > 0 else ""
        if self.source is Source.STAFF:
            return (
                f"{named}{also}: not an answer the checker knows. Remove it. The answers are: "
                f"{', '.join(self.fields)}."
            )
        return (
            f"This link has something the self-check does not ask about ({named}{also}), so it "
            "was left out. Check your answers below, then press “Check my answers”."
        )

    def dated_later(
        self, question: Question, value: date, later: Question | None, later_value: date
    ) -> str:
        """``question``'s date is after ``later``'s (a span's two dates out of order), or after
        today (``later`` None, ``later_value`` today), in the questions' own words."""
        name = _date_name(question)
        if self.source is Source.STAFF:
            when = f"the {_date_name(later)}" if later else "today"
            return (
                f"The {name} ({value.isoformat()}) is after {when} "
                f"({later_value.isoformat()}): check the dates."
            )
        if self.source is Source.LINK:
            # Whoever opens a link reads this: the customer, or support days later.
            if later is None:
                when = "today"
            elif later.field == REQUEST_DATE:
                when = "the date of the request it carries"
            else:
                when = f"its {_date_name(later)}"
            return (
                f"This link's {name}, {long_date(value)}, is after {when}, "
                f"{long_date(later_value)}. Check the dates below."
            )
        about = question.about[:1].upper() + question.about[1:]
        if later is not None:
            return f"{about} must be on or before {later.about}."
        return f"{about} must be today or in the past."

    def before_sales(self, question: Question, value: date, policy: Policy) -> str:
        """A date before the day sales started (a typing slip)."""
        started = policy.sales_started
        if self.source is Source.STAFF:
            return (
                f"{value.isoformat()} is before ImgToSTL started selling "
                f"({started.isoformat()}): check the date."
            )
        return (
            f"{question.about[0].upper()}{question.about[1:]} must be on or after "
            f"{long_date(started)}, when ImgToSTL started selling."
        )

    def request_later(self, requested: date, today: date) -> str:
        if self.source is Source.STAFF:
            return (
                f"The request date ({requested.isoformat()}) is after today "
                f"({today.isoformat()}): leave it out to use today."
            )
        if self.source is Source.LINK:
            return (
                f"This link's request date, {long_date(requested)}, is more than "
                f"{CLOCK_SLACK_DAYS} days after today, {long_date(today)}, even allowing for time "
                "zones. Check the date below, or use today's date."
            )
        return "The date of your request must be today or in the past."

    def not_an_object(self) -> str:
        return f"The answers must be one JSON object, for example {self.example}."


class _Reader:
    """Reads each question's answer with the question itself, keeping the first problem of each
    field."""

    def __init__(self, raw: Mapping[str, object], messages: _Messages) -> None:
        self.raw = raw
        self.say = messages
        self.errors: dict[str, str] = {}

    def fail(self, field: str, message: str) -> None:
        self.errors.setdefault(field, message)

    def read(self, question: Question) -> object:
        """The question's typed answer, or None (its problem noted)."""
        value = self.raw[question.field]
        try:
            return question.parse(value)
        except NotAnAnswer as refused:
            wrong = self.say.too_many(question) if refused.too_many else None
            self.fail(question.field, wrong or self.say.wrong(question, value))
            return None


@dataclass(frozen=True)
class ReadAnswers:
    """The answers to a list of questions, each read by its question: ``values`` has every
    field (a given answer, or the contract's default; None for support's answers not given),
    ``given`` the fields that were given rather than left to the defaults."""

    values: dict[str, Any]  # typed by each question's kind
    given: frozenset[str]


def read_answers(
    raw: object,
    today: date,
    source: Source = Source.STAFF,
    *,
    policy: Policy,
    questions: Sequence[Question],
    example: str = "",
) -> ReadAnswers:
    """Read and validate answers to ``questions`` in the JSON form of the contract; raise
    :class:`InvalidAnswers` if wrong. Nothing here knows a field: each question reads its own
    answer (:meth:`Question.parse`) and gives its default (:meth:`Question.default_answer`); only
    the dates are then held to each other and to the policy (:func:`_check_dates`).

    ``today`` is the customer's local date, the date of the request unless ``request_date`` is
    given. ``source`` decides the words of the errors, and whether the contract's defaults apply.
    """
    by_field = {question.field: question for question in questions}
    say = _Messages(source, tuple(by_field), example)
    if not isinstance(raw, Mapping):
        raise InvalidAnswers([{"field": "answers", "message": say.not_an_object()}])
    reader = _Reader(raw, say)
    for key in getattr(raw, "twice", ()):
        question = by_field.get(key)
        if question is not None:
            reader.fail(key, say.twice(question))
    unknown = [str(key) for key in raw if key not in by_field]
    if unknown:
        field = unknown[0][:_QUOTE_LIMIT] if source is Source.STAFF else "answers"
        reader.fail(field, say.unknown(unknown))

    # JSON's null is not an answer: refused, as an empty flag is, rather than read as "not
    # given" (leave the key out for its default).
    for key, value in raw.items():
        question = by_field.get(key) if isinstance(key, str) else None
        if value is None and question is not None:
            reader.fail(key, say.null(question))

    given = frozenset(field for field in by_field if raw.get(field) is not None)
    text = {field: answer_text(raw[field]) for field in raw if isinstance(field, str)}
    values: dict[str, Any] = {}
    for question in questions:
        # Compared with the date that picks the version (the purchase's, the order's).
        if question.asked_from and text.get(question.asked_by, "") < question.asked_from:
            # A question a later version added: a purchase before it is judged without it.
            values[question.field] = None
            given = given - {question.field}
            continue
        if question.field in given:
            values[question.field] = reader.read(question)
        elif question.default is None or (
            source is Source.FORM and question.asked and question.shown(text)
        ):
            reader.fail(question.field, say.missing(question))
            values[question.field] = None
        elif question.asker is Asker.SUPPORT:
            # Support has not said: None, which the rules read as "no" and the result reports
            # as what support still checks.
            values[question.field] = None
        else:
            values[question.field] = question.default_answer(today)

    ahead = [
        value
        for question in questions
        if question.kind is Kind.DATE and question.field != REQUEST_DATE
        for value in [values.get(question.field)]
        if isinstance(value, date) and today < value <= today + _CLOCK_SLACK
    ]
    if source is not Source.FORM and REQUEST_DATE not in given and ahead:
        # A date after the reader's today (a purchase, a delivery), within the clock slack, was
        # the customer's today in a zone ahead of the reader's: the request is dated that day,
        # not before it, and said (the result, its link and the page show the day it was judged
        # as of).
        values[REQUEST_DATE] = max(ahead)
        given = given | {REQUEST_DATE}
    _check_dates(reader, values, given, today, policy, questions)
    if reader.errors:
        order = {field: index for index, field in enumerate(by_field)}
        ordered = sorted(reader.errors.items(), key=lambda item: order.get(item[0], len(order)))
        raise InvalidAnswers([{"field": field, "message": message} for field, message in ordered])
    return ReadAnswers(values, given)


def _check_dates(
    reader: _Reader,
    values: Mapping[str, object],
    given: frozenset[str],
    today: date,
    policy: Policy,
    questions: Sequence[Question],
) -> None:
    """The dates held to today, to the day sales started and to each other: no date given is
    after today (give or take the time zones), and each span the policy names has its two dates
    in order (the purchase not after the request, the delivery not after the request), as does
    the version date and the request date (:attr:`Dates.in_order`)."""
    say = reader.say
    latest = today + _CLOCK_SLACK
    by_field = {question.field: question for question in questions}
    for question in questions:
        value = values.get(question.field)
        if question.kind is not Kind.DATE or not isinstance(value, date) or value <= latest:
            continue
        if question.field == REQUEST_DATE:
            if question.field in given:
                reader.fail(question.field, say.request_later(value, today))
        else:
            reader.fail(question.field, say.dated_later(question, value, None, today))
    for question in questions:
        value = values.get(question.field)
        if (
            question.kind is Kind.DATE
            and question.field in given
            and isinstance(value, date)
            and value < policy.sales_started
        ):
            reader.fail(question.field, say.before_sales(question, value, policy))
    for first, then in policy.rules.dates.in_order:
        start, end = values.get(first), values.get(then)
        if not (isinstance(start, date) and isinstance(end, date) and end < start):
            continue
        later = by_field.get(then)
        if then == REQUEST_DATE and REQUEST_DATE not in given:
            later = None  # the request is today's: "must be today or in the past"
        reader.fail(first, say.dated_later(by_field[first], start, later, end))


def _date_name(question: Question) -> str:
    """A date question as staff name it: its field in words ("purchase date")."""
    return question.field.replace("_", " ")


def parse_answers(
    raw: object,
    today: date,
    source: Source = Source.STAFF,
    *,
    policy: Policy,
    rulebook: Rulebook,
) -> BaseAnswers:
    """Validate answers in the JSON form of the contract; raise :class:`InvalidAnswers` if wrong.

    Each answer is read by its question (:func:`read_answers` over the rulebook's questions),
    then put into the rulebook's answers, whose fields are the questions' (checked when the
    rulebook is made). ``today`` is the customer's local date, the date of the request unless
    ``request_date`` is given. ``source`` decides the words of the errors, and whether the
    contract's defaults apply.
    """
    read = read_answers(
        raw, today, source, policy=policy, questions=rulebook.questions, example=rulebook.example
    )
    return rulebook.answers_type(**read.values, given=read.given)


class _NotWhole:
    """A JSON number with a fraction or an exponent (``1.0``, ``1e3``), kept as written: never a
    count, and quoted back as the user typed it."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:
        return self.text


def json_float(text: str) -> _NotWhole:
    """``json.loads(..., parse_float=json_float)``: numbers that are not whole, kept as text."""
    return _NotWhole(text)


def json_object(pairs: list[tuple[str, object]]) -> Answered:
    """``json.loads(..., object_pairs_hook=json_object)``: objects that remember repeated keys."""
    return Answered(pairs)


def answers_from_query(query: str, questions: Sequence[Question]) -> Answered:
    """Answers from a URL query (``purchase_date=2026-05-01&reason=unused&...``) in JSON form.

    This is the format of the self-check's links (``#check?...``) and of its form. Values stay
    text except the contract's booleans and counts (as each question types them); blank values
    count as not given; a key given twice is remembered for :func:`parse_answers` to report.
    """
    by_field = {question.field: question for question in questions}
    pairs = [
        (key, typed_value(key, value.strip(TRIMMED), by_field))
        for key, value in parse_qsl(query.removeprefix("?"), keep_blank_values=True)
    ]
    answered = Answered(pairs)
    for key in [key for key, value in answered.items() if value == ""]:
        del answered[key]
    return answered


def answer_text(value: object) -> str:
    """An answer as text in the contract's form (true/false for a yes/no answer)."""
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


def typed_value(key: str, value: str, by_field: Mapping[str, Question]) -> object:
    """An answer written as text (a link, a form, a flag) as the JSON contract types it
    (:meth:`Question.typed`); the text of a key no question has stays as it is."""
    question = by_field.get(key)
    return value if question is None else question.typed(value)


def shown_answers(answers: BaseAnswers, questions: Sequence[Question]) -> dict[str, str]:
    """The answers a person was shown or gave, as text in the contract's form.

    The questions the form asks given the other answers (with the contract's default where a link
    or the CLI left one out), every other answer that was given, the request date only if it was
    given (otherwise it is "today" wherever the answers are used again), and support's answers
    only if support gave them.
    """
    values = {field: answer_text(value) for field, value in answers.to_json().items()}
    out = {}
    for question in questions:
        field = question.field
        if field not in values:
            continue
        if field in answers.given or (question.asker is Asker.CUSTOMER and question.shown(values)):
            out[field] = values[field]
    return out


def answers_to_query(answers: BaseAnswers, questions: Sequence[Question]) -> str:
    """The query that opens the self-check with exactly these answers shown (see
    :func:`shown_answers`)."""
    return urlencode(shown_answers(answers, questions))
