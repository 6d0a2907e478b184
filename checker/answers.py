"""Turning untrusted input (JSON, a URL fragment, CLI flags) into :class:`Answers`, or field errors.

Every problem is reported at once, each naming its field and saying what to do; nothing here raises
anything but :class:`InvalidAnswers`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import date
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
from checker.questions import FIELDS, QUESTIONS_BY_FIELD, Kind

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
# Field names and values from untrusted input are quoted back shortened, never in full.
_QUOTE_LIMIT = 40


class FieldError(TypedDict):
    field: str
    message: str


class InvalidAnswers(ValueError):
    """The answers cannot be checked. ``errors`` lists each problem as ``{"field", "message"}``."""

    def __init__(self, errors: list[FieldError]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{e['field']}: {e['message']}" for e in errors))


def _quote(value: object) -> str:
    text = value if isinstance(value, str) else repr(value)
    if len(text) > _QUOTE_LIMIT:
        text = text[: _QUOTE_LIMIT - 1] + "…"
    return f"“{text}”"


def _choices(field: str) -> str:
    values = [option.value for option in QUESTIONS_BY_FIELD[field].options]
    return ", ".join(values[:-1]) + " or " + values[-1]


class _Reader:
    """Collects errors while reading one field after another."""

    def __init__(self, raw: Mapping[str, object]) -> None:
        self.raw = raw
        self.errors: list[FieldError] = []

    def fail(self, field: str, message: str) -> None:
        self.errors.append({"field": field, "message": message})

    def date(self, field: str, what: str) -> date | None:
        value = self.raw[field]
        if isinstance(value, str) and _ISO_DATE.fullmatch(value):
            try:
                return date.fromisoformat(value)
            except ValueError:
                self.fail(
                    field,
                    f"{what} {_quote(value)} is not a real date. "
                    "Check the day and month, for example 2026-05-01.",
                )
                return None
        self.fail(field, f"Enter {what.lower()} as year-month-day, for example 2026-05-01.")
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
        self.fail(field, f"{_quote(value)} is not one of the answers. Use {_choices(field)}.")
        return None

    def yes_no(self, field: str, unsure_allowed: bool) -> YesNoUnsure | None:
        value = self.raw[field]
        if isinstance(value, bool):
            return value
        if unsure_allowed and value == "unsure":
            return UNSURE
        allowed = 'true, false or "unsure"' if unsure_allowed else "true or false"
        self.fail(field, f"{_quote(value)} is not one of the answers. Use {allowed}.")
        return None

    def count(self, field: str) -> int | None:
        value = self.raw[field]
        if isinstance(value, float) and math.isfinite(value) and value.is_integer():
            value = int(value)
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            return value
        self.fail(
            field,
            f"{_quote(value)} is not a count. Enter a whole number: 0, 1, 2 and so on.",
        )
        return None


def parse_answers(raw: object, today: date) -> Answers:
    """Validate answers in the JSON form of the contract; raise :class:`InvalidAnswers` if wrong.

    ``today`` is the customer's local date, used when ``request_date`` is not given.
    """
    if not isinstance(raw, Mapping):
        raise InvalidAnswers(
            [
                {
                    "field": "answers",
                    "message": (
                        "The answers must be one JSON object, for example "
                        '{"purchase_date": "2026-05-01", "purchase_type": "credit_pack", '
                        '"reason": "duplicate_payment", "credits_used": "none"}.'
                    ),
                }
            ]
        )
    reader = _Reader(raw)
    for key in raw:
        if key not in QUESTIONS_BY_FIELD:
            reader.fail(
                str(key)[:_QUOTE_LIMIT],
                f"{_quote(key)} is not a question of the "
                f"self-check. Remove it. The questions are: {', '.join(FIELDS)}.",
            )
    for question in QUESTIONS_BY_FIELD.values():
        if question.default is None and raw.get(question.field) is None:
            reader.fail(question.field, question.when_missing or f"Answer “{question.label}”.")

    def present(field: str) -> bool:
        return raw.get(field) is not None

    purchase_date = (
        reader.date("purchase_date", "The purchase date") if present("purchase_date") else None
    )
    request_date = (
        reader.date("request_date", "The request date") if present("request_date") else today
    )
    purchase_type = (
        reader.choice("purchase_type", PurchaseType) if present("purchase_type") else None
    )
    reason = reader.choice("reason", Reason) if present("reason") else None
    credits_used = reader.choice("credits_used", CreditsUsed) if present("credits_used") else None
    outputs_used = reader.yes_no("outputs_used", True) if present("outputs_used") else False
    first_purchase = reader.yes_no("first_purchase", True) if present("first_purchase") else False
    previous = (
        reader.count("previous_refund_requests") if present("previous_refund_requests") else 0
    )
    terms_violation = (
        reader.yes_no("terms_violation", False) if present("terms_violation") else False
    )
    chargeback = reader.yes_no("chargeback_filed", False) if present("chargeback_filed") else False
    provider = (
        reader.choice("payment_provider", PaymentProvider)
        if present("payment_provider")
        else PaymentProvider.UNSURE
    )

    if purchase_date is not None and request_date is not None and request_date < purchase_date:
        if present("request_date"):
            reader.fail(
                "request_date",
                f"The request date ({request_date.isoformat()}) is before "
                f"the purchase date ({purchase_date.isoformat()}). Check both dates.",
            )
        else:
            reader.fail(
                "purchase_date",
                f"The purchase date ({purchase_date.isoformat()}) is after"
                f" today ({request_date.isoformat()}). Check the date on your receipt.",
            )
    if reader.errors:
        order = {field: index for index, field in enumerate(FIELDS)}
        raise InvalidAnswers(sorted(reader.errors, key=lambda e: order.get(e["field"], len(order))))
    # Every value below was read without error, so none is None.
    assert purchase_date and request_date and purchase_type and reason and credits_used
    assert outputs_used is not None and first_purchase is not None and previous is not None
    assert isinstance(terms_violation, bool) and isinstance(chargeback, bool) and provider
    return Answers(
        purchase_date=purchase_date,
        request_date=request_date,
        purchase_type=purchase_type,
        reason=reason,
        credits_used=credits_used,
        outputs_used=outputs_used,
        first_purchase=first_purchase,
        previous_refund_requests=previous,
        terms_violation=terms_violation,
        chargeback_filed=chargeback,
        payment_provider=provider,
    )


def answers_from_query(query: str) -> dict[str, object]:
    """Answers from a URL query (``purchase_date=2026-05-01&reason=unused&...``) in JSON form.

    This is the format of the self-check's links (``#check?...``) and of its form. Values stay
    text except the contract's booleans and counts; blank values count as not given. Problems are
    left for :func:`parse_answers` to report, except a question given twice.
    """
    raw: dict[str, object] = {}
    twice: list[FieldError] = []
    for key, value in parse_qsl(query.removeprefix("?"), keep_blank_values=True):
        if key in raw:
            twice.append(
                {
                    "field": key[:_QUOTE_LIMIT],
                    "message": "This question is answered twice. Keep one answer.",
                }
            )
            continue
        raw[key] = _typed(key, value.strip())
    if twice:
        raise InvalidAnswers(twice)
    return {key: value for key, value in raw.items() if value != ""}


def _typed(key: str, value: str) -> object:
    question = QUESTIONS_BY_FIELD.get(key)
    if question is None:
        return value
    if question.kind is Kind.YES_NO and value in ("true", "false"):
        return value == "true"
    if question.kind is Kind.COUNT and value.isascii() and value.isdigit():
        return int(value)
    return value


def answers_to_query(answers: Answers, *, with_request_date: bool = True) -> str:
    """The query that pre-fills the self-check with these answers (defaults left out).

    Without the request date, the link's check counts days up to the day it is opened.
    """
    given: dict[str, str] = {}
    for key, value in answers.to_json().items():
        text = ("true" if value else "false") if isinstance(value, bool) else str(value)
        if key == "request_date" and not with_request_date:
            continue
        if text != QUESTIONS_BY_FIELD[key].default:
            given[key] = text
    return urlencode(given)
