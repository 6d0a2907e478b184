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
import re
from collections.abc import Mapping
from datetime import date, timedelta
from enum import StrEnum
from typing import TypedDict
from urllib.parse import parse_qsl, urlencode

from checker.model import (
    UNSURE,
    Answers,
    CreditsUsed,
    PaymentProvider,
    PurchaseType,
    Reason,
    YesNoUnsure,
)
from checker.policy import Policy, long_date
from checker.questions import FIELDS, MAX_COUNT, QUESTIONS_BY_FIELD, Asker, Kind, Question

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# Field names and values from untrusted input are quoted back shortened, never in full.
_QUOTE_LIMIT = 40
# Unknown keys are named one by one up to this many; the rest are counted.
_UNKNOWN_NAMED = 5
# A request dated after the customer's today: their clock and a support agent's may differ by
# the width of the time zones (UTC-12 to UTC+14), never by more.
_CLOCK_SLACK = timedelta(days=2)
# The longest count read as a number: longer digit strings are reported, never converted (Python
# refuses to convert more than 4,300 digits, with advice meant for programmers).
_COUNT_DIGITS = 9


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

    def __init__(self, source: Source) -> None:
        self.source = source

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
        if question.kind is Kind.DATE and isinstance(value, str) and _ISO_DATE.fullmatch(value):
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
                f"{', '.join(FIELDS)}."
            )
        return (
            f"This link has something the self-check does not ask about ({named}{also}), so it "
            "was left out. Check your answers below, then press “Check my answers”."
        )

    def bought_later(self, purchased: date, requested: date, request_given: bool) -> str:
        if self.source is Source.STAFF:
            when = "the request date" if request_given else "today"
            return (
                f"The purchase date ({purchased.isoformat()}) is after {when} "
                f"({requested.isoformat()}): check the dates."
            )
        if request_given:
            return "The date you bought it must be on or before the date of your request."
        return "The date you bought it must be today or in the past."

    def before_sales(self, question: Question, value: date, policy: Policy) -> str:
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
        return "The date of your request must be today or in the past."

    def not_an_object(self) -> str:
        return (
            "The answers must be one JSON object, for example "
            '{"purchase_date": "2026-05-01", "purchase_type": "credit_pack", '
            '"reason": "duplicate_payment", "credits_used": "none"}.'
        )


class _Reader:
    """Reads one field after another, keeping the first problem of each field."""

    def __init__(self, raw: Mapping[str, object], messages: _Messages) -> None:
        self.raw = raw
        self.say = messages
        self.errors: dict[str, str] = {}

    def fail(self, field: str, message: str) -> None:
        self.errors.setdefault(field, message)

    def date(self, field: str) -> date | None:
        value = self.raw[field]
        if isinstance(value, str) and _ISO_DATE.fullmatch(value):
            try:
                return date.fromisoformat(value)
            except ValueError:
                pass
        self.fail(field, self.say.wrong(QUESTIONS_BY_FIELD[field], value))
        return None

    def choice[E: (PurchaseType, Reason, CreditsUsed, PaymentProvider)](
        self, field: str, kind: type[E]
    ) -> E | None:
        value = self.raw[field]
        if isinstance(value, str):
            try:
                return kind(value)
            except ValueError:
                pass
        self.fail(field, self.say.wrong(QUESTIONS_BY_FIELD[field], value))
        return None

    def yes_no(self, field: str) -> YesNoUnsure | None:
        question = QUESTIONS_BY_FIELD[field]
        value = self.raw[field]
        if isinstance(value, bool):
            return value
        if value == "unsure" and any(option.value == "unsure" for option in question.options):
            return UNSURE
        self.fail(field, self.say.wrong(question, value))
        return None

    def count(self, field: str) -> int | None:
        question = QUESTIONS_BY_FIELD[field]
        value = self.raw[field]
        # A count is a whole number as written: JSON's 1.0, 1e3 or 0.99999999999999999999 is
        # refused, as a link's or a flag's "1.0" is (never rounded into one).
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            if value > MAX_COUNT:
                self.fail(field, self.say.too_many(question))
                return None
            return value
        if isinstance(value, _LongNumber) and not value.digits.startswith("-"):
            self.fail(field, self.say.too_many(question))
            return None
        self.fail(field, self.say.wrong(question, value))
        return None


def parse_answers(
    raw: object,
    today: date,
    source: Source = Source.STAFF,
    *,
    policy: Policy,
) -> Answers:
    """Validate answers in the JSON form of the contract; raise :class:`InvalidAnswers` if wrong.

    ``today`` is the customer's local date, the date of the request unless ``request_date`` is
    given. ``source`` decides the words of the errors, and whether the contract's defaults apply.
    """
    say = _Messages(source)
    if not isinstance(raw, Mapping):
        raise InvalidAnswers([{"field": "answers", "message": say.not_an_object()}])
    reader = _Reader(raw, say)
    for key in getattr(raw, "twice", ()):
        question = QUESTIONS_BY_FIELD.get(key)
        if question is not None:
            reader.fail(key, say.twice(question))
    unknown = [str(key) for key in raw if key not in QUESTIONS_BY_FIELD]
    if unknown:
        field = unknown[0][:_QUOTE_LIMIT] if source is Source.STAFF else "answers"
        reader.fail(field, say.unknown(unknown))

    # JSON's null is not an answer: refused, as an empty flag is, rather than read as "not
    # given" (leave the key out for its default).
    for key, value in raw.items():
        question = QUESTIONS_BY_FIELD.get(key) if isinstance(key, str) else None
        if value is None and question is not None:
            reader.fail(key, say.null(question))

    def present(field: str) -> bool:
        return raw.get(field) is not None

    text = {field: _text(raw[field]) for field in raw if isinstance(field, str)}
    for question in QUESTIONS_BY_FIELD.values():
        if present(question.field):
            continue
        if question.default is None or (
            source is Source.FORM and question.asked and question.shown(text)
        ):
            reader.fail(question.field, say.missing(question))

    purchase_date = reader.date("purchase_date") if present("purchase_date") else None
    request_date = reader.date("request_date") if present("request_date") else today
    purchase_type = (
        reader.choice("purchase_type", PurchaseType) if present("purchase_type") else None
    )
    reason = reader.choice("reason", Reason) if present("reason") else None
    credits_used = reader.choice("credits_used", CreditsUsed) if present("credits_used") else None
    outputs_used = reader.yes_no("outputs_used") if present("outputs_used") else False
    first_purchase = reader.yes_no("first_purchase") if present("first_purchase") else False
    previous = (
        reader.count("previous_refund_requests") if present("previous_refund_requests") else 0
    )
    chargeback = reader.yes_no("chargeback_filed") if present("chargeback_filed") else False
    provider = (
        reader.choice("payment_provider", PaymentProvider)
        if present("payment_provider")
        else PaymentProvider.UNSURE
    )
    terms_violation = reader.yes_no("terms_violation") if present("terms_violation") else None

    request_given = present("request_date")
    latest = today + _CLOCK_SLACK
    if purchase_date is not None and purchase_date > latest:
        reader.fail("purchase_date", say.bought_later(purchase_date, today, False))
    if request_date is not None and request_given and request_date > latest:
        reader.fail("request_date", say.request_later(request_date, today))
    for field, value in (("purchase_date", purchase_date), ("request_date", request_date)):
        if value is not None and value < policy.sales_started and present(field):
            reader.fail(field, say.before_sales(QUESTIONS_BY_FIELD[field], value, policy))
    if purchase_date is not None and request_date is not None and request_date < purchase_date:
        reader.fail("purchase_date", say.bought_later(purchase_date, request_date, request_given))
    if reader.errors:
        order = {field: index for index, field in enumerate(FIELDS)}
        ordered = sorted(reader.errors.items(), key=lambda item: order.get(item[0], len(order)))
        raise InvalidAnswers([{"field": field, "message": message} for field, message in ordered])
    # Every value below was read without error, so none is None (terms_violation may be).
    assert purchase_date and request_date and purchase_type and reason and credits_used
    assert outputs_used is not None and first_purchase is not None and previous is not None
    assert isinstance(chargeback, bool) and provider
    assert terms_violation is None or isinstance(terms_violation, bool)
    return Answers(
        purchase_date=purchase_date,
        request_date=request_date,
        purchase_type=purchase_type,
        reason=reason,
        credits_used=credits_used,
        outputs_used=outputs_used,
        first_purchase=first_purchase,
        previous_refund_requests=previous,
        chargeback_filed=chargeback,
        payment_provider=provider,
        terms_violation=terms_violation,
        given=frozenset(field for field in FIELDS if present(field)),
    )


class _LongNumber:
    """A JSON number too long to be a count, kept as its digits (never converted)."""

    def __init__(self, digits: str) -> None:
        self.digits = digits

    def __repr__(self) -> str:
        return self.digits


def json_number(digits: str) -> int | _LongNumber:
    """``json.loads(..., parse_int=json_number)``: whole numbers, the long ones kept as text."""
    return int(digits) if len(digits.lstrip("-")) <= _COUNT_DIGITS else _LongNumber(digits)


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


def answers_from_query(query: str) -> Answered:
    """Answers from a URL query (``purchase_date=2026-05-01&reason=unused&...``) in JSON form.

    This is the format of the self-check's links (``#check?...``) and of its form. Values stay
    text except the contract's booleans and counts; blank values count as not given; a key given
    twice is remembered for :func:`parse_answers` to report.
    """
    pairs = [
        (key, typed_value(key, value.strip()))
        for key, value in parse_qsl(query.removeprefix("?"), keep_blank_values=True)
    ]
    answered = Answered(pairs)
    for key in [key for key, value in answered.items() if value == ""]:
        del answered[key]
    return answered


def _text(value: object) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


def typed_value(key: str, value: str) -> object:
    """An answer written as text (a link, a form, a flag) as the JSON contract types it:
    true/false for yes/no answers, whole numbers for counts; anything else stays text."""
    question = QUESTIONS_BY_FIELD.get(key)
    if question is None:
        return value
    if question.kind is Kind.YES_NO and value in ("true", "false"):
        return value == "true"
    if question.kind is Kind.COUNT and value.isascii() and value.isdigit():
        return json_number(value)
    return value


def shown_answers(answers: Answers) -> dict[str, str]:
    """The answers a person was shown or gave, as text in the contract's form.

    The questions the form asks given the other answers (with the contract's default where a link
    or the CLI left one out), every other answer that was given, the request date only if it was
    given (otherwise it is "today" wherever the answers are used again), and support's answers
    only if support gave them.
    """
    values = {field: _text(value) for field, value in answers.to_json().items()}
    out = {}
    for field in FIELDS:
        question = QUESTIONS_BY_FIELD[field]
        if field not in values:
            continue
        if field in answers.given or (question.asker is Asker.CUSTOMER and question.shown(values)):
            out[field] = values[field]
    return out


def answers_to_query(answers: Answers) -> str:
    """The query that opens the self-check with exactly these answers shown (see
    :func:`shown_answers`)."""
    return urlencode(shown_answers(answers))
