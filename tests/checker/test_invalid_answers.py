"""Bad input: each problem named by its field with a message that says what to do; no traceback.

``check()`` raises :class:`checker.InvalidAnswers`; ``check_json()`` and ``check_query()`` return
``{"errors": [...]}`` and never raise.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from checker import RULEBOOK, InvalidAnswers, Source, check, check_json, check_query
from tests.checker.support import answers, contract

QUESTIONS_BY_FIELD = RULEBOOK.questions_by_field


def problems_from_check(raw: object, today: date | None = None) -> list[dict[str, str]]:
    with pytest.raises(InvalidAnswers) as raised:
        contract(raw, today=today)
    errors = raised.value.errors
    assert errors and all(set(error) == {"field", "message"} for error in errors)
    return [dict(error) for error in errors]


def problems_from_json(text: str, today: str | None = None) -> list[dict[str, str]]:
    reply = json.loads(check_json(text, today=today))
    assert set(reply) == {"errors"}, reply
    return list(reply["errors"])


# (field, wrong value, words the message must contain to help)
WRONG_VALUES: list[Any] = [
    pytest.param("purchase_date", "2026-02-30", ["not a real date"], id="impossible date"),
    pytest.param("purchase_date", "2026-13-01", ["not a real date"], id="month 13"),
    pytest.param("request_date", "2026-04-31", ["not a real date"], id="impossible request date"),
    pytest.param("purchase_date", "01/05/2026", ["year-month-day", "YYYY-MM-DD"], id="d/m/y"),
    pytest.param("purchase_date", "2026-5-1", ["year-month-day"], id="no leading zeros"),
    pytest.param("purchase_date", "20260501", ["year-month-day"], id="basic ISO form"),
    pytest.param("purchase_date", "2026-05-01T10:00", ["year-month-day"], id="a date and time"),
    pytest.param("purchase_date", "", ["year-month-day"], id="empty date"),
    pytest.param("purchase_date", 20260501, ["year-month-day"], id="date as a number"),
    pytest.param("purchase_type", "gift", ["subscription", "credit_pack"], id="purchase type"),
    pytest.param("reason", "refund please", ["duplicate_payment", "other"], id="reason"),
    pytest.param("reason", "Duplicate_Payment", ["duplicate_payment"], id="reason capitalised"),
    pytest.param("credits_used", "lots", ["none", "substantial", "unsure"], id="credits used"),
    pytest.param("credits_used", 3, ["none", "minimal"], id="credits as a number"),
    pytest.param("payment_provider", "paypal", ["creem", "other", "unsure"], id="provider"),
    pytest.param("outputs_used", "maybe", ["true", "false", "unsure"], id="outputs maybe"),
    pytest.param("outputs_used", 1, ["true", "false"], id="outputs as 1"),
    pytest.param("first_purchase", "yes", ["true", "false", "unsure"], id="first purchase yes"),
    pytest.param("terms_violation", "unsure", ["true or false"], id="terms unsure"),
    pytest.param("chargeback_filed", "no", ["true or false"], id="chargeback no"),
    pytest.param("previous_refund_requests", 1001, ["from 0 to 1000"], id="more than 1000"),
    pytest.param(
        "previous_refund_requests", 10**12, ["from 0 to 1000"], id="a number far too long"
    ),
    pytest.param("purchase_date", "2019-05-01", ["before ImgToSTL started selling"], id="2019"),
    pytest.param("previous_refund_requests", -1, ["whole number"], id="negative count"),
    pytest.param("previous_refund_requests", 1.5, ["whole number"], id="fractional count"),
    pytest.param("previous_refund_requests", True, ["whole number"], id="boolean count"),
    pytest.param("previous_refund_requests", "2", ["whole number"], id="count as text"),
    pytest.param("previous_refund_requests", [2], ["whole number"], id="count in a list"),
]


@pytest.mark.parametrize(("field", "value", "hints"), WRONG_VALUES)
def test_a_wrong_value_is_named_with_a_helpful_message(
    field: str, value: object, hints: list[str]
) -> None:
    bad = answers(**{field: value})
    for problems in (problems_from_check(bad), problems_from_json(json.dumps(bad))):
        assert [problem["field"] for problem in problems] == [field]
        for hint in hints:
            assert hint in problems[0]["message"]


@pytest.mark.parametrize("written", ["1.0", "1e3", "0.99999999999999999999", "2.5", "-0.0"])
def test_a_count_is_a_whole_number_in_json_as_in_links_and_flags(written: str) -> None:
    # The same rule as a link's or a flag's "1.0": refused and named as typed, never rounded.
    text = json.dumps(answers()).replace("}", f', "previous_refund_requests": {written}}}')
    problems = problems_from_json(text)
    assert problems == [
        {
            "field": "previous_refund_requests",
            "message": f"“{written}” is not a count: give a whole number from 0 to 1000.",
        }
    ]


def test_a_request_before_the_purchase_is_an_error_on_the_purchase_date() -> None:
    problems = problems_from_check(answers(request_date="2026-04-30"))
    assert [problem["field"] for problem in problems] == ["purchase_date"]
    message = problems[0]["message"]
    assert "(2026-05-01) is after the request date (2026-04-30)" in message


def test_a_purchase_past_the_clock_slack_is_named_when_the_request_date_is_today() -> None:
    future = answers(purchase_date="2026-06-12")
    del future["request_date"]
    problems = problems_from_check(future, today=date(2026, 6, 9))
    assert [problem["field"] for problem in problems] == ["purchase_date"]
    assert "after today (2026-06-09)" in problems[0]["message"]
    assert problems_from_json(json.dumps(future), today="2026-06-09") == problems


def test_a_purchase_within_the_clock_slack_is_the_customers_today_elsewhere_day_0() -> None:
    """Support in London reads, at 11:30 on 5 December, a purchase made on 6 December in New
    Zealand: without a request date, the request is dated the purchase day, not refused."""
    ahead = answers(purchase_date="2026-12-06")
    del ahead["request_date"]
    result = contract(ahead, today=date(2026, 12, 5))
    assert result["days_since_purchase"] == 0
    # The form is the customer's own clock: there it stays an error.
    with pytest.raises(InvalidAnswers) as raised:
        check(ahead, today=date(2026, 12, 5), source=Source.FORM)
    assert raised.value.errors[0]["message"] == (
        "The date you bought it must be today or in the past."
    )


def test_a_links_dates_are_named_for_whoever_opens_it() -> None:
    with pytest.raises(InvalidAnswers) as raised:
        check(answers(request_date="2026-12-09"), today=date(2026, 12, 5), source=Source.LINK)
    assert raised.value.errors == [
        {
            "field": "request_date",
            "message": "This link's request date, 9 December 2026, is more than 2 days after "
            "today, 5 December 2026, even allowing for time zones. Check the date below, or use "
            "today's date.",
        }
    ]
    with pytest.raises(InvalidAnswers) as raised:
        check(
            answers(purchase_date="2026-12-04", request_date="2026-12-03"),
            today=date(2026, 12, 5),
            source=Source.LINK,
        )
    assert raised.value.errors[0]["message"] == (
        "This link's purchase date, 4 December 2026, is after the date of the request it "
        "carries, 3 December 2026. Check the dates below."
    )


def test_a_purchase_in_the_future_is_an_error_even_with_a_later_request_date() -> None:
    problems = problems_from_check(
        answers(purchase_date="2031-01-01", request_date="2031-01-02"), today=date(2026, 6, 9)
    )
    assert {problem["field"] for problem in problems} == {"purchase_date", "request_date"}


def test_a_request_date_a_day_ahead_is_allowed_for_clocks_in_other_time_zones() -> None:
    result = contract(answers(day=0, request_date="2026-05-02"), today=date(2026, 5, 1))
    assert result["days_since_purchase"] == 1


def test_a_number_of_4301_digits_is_a_field_error_not_a_traceback() -> None:
    digits = "1" * 4301
    problems = problems_from_json(
        json.dumps(answers())[:-1] + f', "previous_refund_requests": {digits}}}'
    )
    assert [problem["field"] for problem in problems] == ["previous_refund_requests"]
    assert "set_int_max_str_digits" not in problems[0]["message"]
    reply = json.loads(check_query(f"previous_refund_requests={digits}"))
    field_errors = [e for e in reply["errors"] if e["field"] == "previous_refund_requests"]
    assert len(field_errors) == 1 and "sys." not in field_errors[0]["message"]


def test_a_key_given_twice_is_an_error_in_json_and_in_links_alike() -> None:
    problems = problems_from_json('{"purchase_date": "2026-05-01", "purchase_date": "2026-05-02"}')
    assert {"field": "purchase_date", "message": "Given twice: keep one."} in problems
    reply = json.loads(check_query("reason=unused&reason=other"))
    assert [e["field"] for e in reply["errors"]].count("reason") == 1


def test_a_link_that_repeats_an_answer_7000_times_gets_one_error_for_it() -> None:
    reply = json.loads(check_query("&".join(["reason=unused"] * 7000) + "&x=1&y=2"))
    fields = [error["field"] for error in reply["errors"]]
    assert fields.count("reason") == 1
    assert len(fields) == len(set(fields)) <= 8


def test_thousands_of_unknown_keys_give_one_short_error() -> None:
    many = {**answers(), **{f"key{i}": i for i in range(5000)}}
    problems = problems_from_json(json.dumps(many))
    assert len(problems) == 1 and len(problems[0]["message"]) < 500
    assert "and 4,995 more" in problems[0]["message"]


def test_without_a_request_date_today_is_the_request_date() -> None:
    given = answers(day=0)
    del given["request_date"]
    result = contract(given, today=date(2026, 5, 9))
    assert (result["days_since_purchase"], result["verdict"]) == (8, "likely_not_eligible")


def test_an_unknown_question_is_named_and_the_real_ones_listed() -> None:
    problems = problems_from_check(answers(coupon="SPRING"))
    assert [problem["field"] for problem in problems] == ["coupon"]
    assert "not an answer the checker knows" in problems[0]["message"]
    assert "purchase_date" in problems[0]["message"] and "terms_violation" in problems[0]["message"]


def test_a_long_unknown_question_is_quoted_shortened() -> None:
    problems = problems_from_check(answers(**{"x" * 5000: 1}))
    assert len(problems[0]["field"]) <= 40
    assert len(problems[0]["message"]) < 400


@pytest.mark.parametrize("field", ["purchase_date", "purchase_type", "reason", "credits_used"])
def test_a_missing_required_answer_is_named_and_asked_for(field: str) -> None:
    given = answers()
    del given[field]
    problems = problems_from_check(given)
    assert [problem["field"] for problem in problems] == [field]
    assert problems[0]["message"].startswith("Missing: give ")  # says what to give


@pytest.mark.parametrize("field", ["purchase_date", "purchase_type", "reason", "credits_used"])
def test_null_for_a_required_answer_asks_for_it(field: str) -> None:
    problems = problems_from_json(json.dumps(answers(**{field: None})))
    assert [problem["field"] for problem in problems] == [field]
    assert problems[0]["message"].startswith("null is not an answer: give ")


@pytest.mark.parametrize("field", ["outputs_used", "previous_refund_requests", "terms_violation"])
def test_null_for_an_answer_with_a_default_is_refused_not_read_as_left_out(field: str) -> None:
    problems = problems_from_json(json.dumps(answers() | {field: None}))
    assert [problem["field"] for problem in problems] == [field]
    message = problems[0]["message"]
    assert message.startswith("null is not an answer: give ")
    default = QUESTIONS_BY_FIELD[field].default
    assert (f"or leave it out to use the default ({default})" in message) == (default is not None)


def test_every_problem_is_reported_at_once_in_question_order() -> None:
    bad = {
        "purchase_date": "2026-02-30",
        "purchase_type": "gift",
        "reason": "because",
        "credits_used": "lots",
        "previous_refund_requests": -3,
        "extra": True,
    }
    fields = [problem["field"] for problem in problems_from_check(bad)]
    assert fields == [
        "purchase_date",
        "purchase_type",
        "reason",
        "credits_used",
        "previous_refund_requests",
        "extra",
    ]


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("not json", id="words"),
        pytest.param("", id="empty"),
        pytest.param("{", id="unfinished object"),
        pytest.param("{'purchase_date': '2026-05-01'}", id="single quotes"),
        pytest.param('{"purchase_date": "2026-05-01",}', id="trailing comma"),
        pytest.param("[" * 100_000 + "]" * 100_000, id="deeply nested list"),
        pytest.param('{"a":' * 100_000 + "1" + "}" * 100_000, id="deeply nested object"),
    ],
)
def test_text_that_is_not_json_is_one_clear_error(text: str) -> None:
    problems = problems_from_json(text)
    assert [problem["field"] for problem in problems] == ["answers"]
    assert "not valid JSON" in problems[0]["message"]
    assert "one JSON object" in problems[0]["message"]


@pytest.mark.parametrize("text", ["[]", "42", '"credit_pack"', "null", "true", "[{}]"])
def test_json_that_is_not_an_object_is_one_clear_error(text: str) -> None:
    problems = problems_from_json(text)
    assert [problem["field"] for problem in problems] == ["answers"]
    assert "one JSON object" in problems[0]["message"]
    assert problems == problems_from_check(json.loads(text))


def test_a_deeply_nested_value_inside_the_answers_is_a_wrong_value() -> None:
    nested = answers()
    text = json.dumps(nested)[:-1] + ', "reason_detail": ' + "[" * 500 + "]" * 500 + "}"
    problems = problems_from_json(text)
    assert "reason_detail" in [problem["field"] for problem in problems]


def test_a_bad_today_falls_back_to_the_real_date_instead_of_failing() -> None:
    reply = json.loads(check_json(json.dumps(answers()), today="not a date"))
    assert reply["verdict"] == "likely_eligible"


@pytest.mark.parametrize(
    ("query", "field"),
    [
        pytest.param("purchase_date=2026-02-30", "purchase_date", id="impossible date"),
        pytest.param("reason=unused&reason=other", "reason", id="a question answered twice"),
        pytest.param("previous_refund_requests=-1", "previous_refund_requests", id="negative"),
        pytest.param("previous_refund_requests=١", "previous_refund_requests", id="arabic digit"),
        pytest.param("outputs_used=1", "outputs_used", id="outputs as 1"),
        pytest.param("%ZZ=%FF", "answers", id="bad percent escapes"),
    ],
)
def test_a_bad_query_names_the_field(query: str, field: str) -> None:
    reply = json.loads(check_query(query))
    assert field in [problem["field"] for problem in reply["errors"]]


def test_a_good_query_gives_a_result() -> None:
    query = (
        "purchase_date=2026-05-01&request_date=2026-05-08&purchase_type=credit_pack"
        "&reason=unused&credits_used=minimal&outputs_used=true&previous_refund_requests=1"
    )
    reply = json.loads(check_query(query))
    assert reply["verdict"] == "likely_eligible"
    assert reply["answers"]["outputs_used"] is True
    assert reply["answers"]["previous_refund_requests"] == 1


def test_the_result_link_gives_the_same_result_again() -> None:
    first = contract(answers(reason="unusable_result", credits_used="unsure", first_purchase=True))
    again = json.loads(check_query(first["link"].removeprefix("#check?")))
    assert again == first


@pytest.mark.parametrize(
    ("written", "quoted"),
    [("true", "“true”"), ("[1]", "“[1]”"), ('{"a": 1}', '“{"a": 1}”'), ("1.50", "“1.50”")],
)
def test_a_wrong_json_value_is_quoted_as_it_was_typed(written: str, quoted: str) -> None:
    text = json.dumps(answers()).replace('"credit_pack"', written, 1)
    problems = problems_from_json(text)
    assert problems == [
        {
            "field": "purchase_type",
            "message": f"{quoted} is not one of the answers: give subscription or credit_pack.",
        }
    ]
