"""The same answers from the page's form, from a link, and from support staff.

The form never assumes an answer: every question it shows must be answered. A link (support's, or
an example's) takes the contract's default for what it leaves out, exactly as the CLI and JSON
do, and the result then lists those answers so that the page can show them. Each source reads
its errors in its own words: the form and links in the customer's, the CLI and JSON in staff's.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any
from urllib.parse import parse_qsl, urlencode

import pytest

from checker import RULEBOOK, check_json, check_query
from policy_engine.answers import answers_from_query
from policy_engine.questions import Asker
from tests.checker.support import answers, contract

QUESTIONS = RULEBOOK.questions
QUESTIONS_BY_FIELD = RULEBOOK.questions_by_field

TODAY = "2026-05-03"


def reply(query: str, source: str) -> dict[str, Any]:
    return json.loads(check_query(query, today=TODAY, source=source))


def errors(query: str, source: str) -> dict[str, str]:
    found = reply(query, source)
    assert "errors" in found, found
    return {error["field"]: error["message"] for error in found["errors"]}


LINK = (
    "purchase_date=2026-05-01&purchase_type=credit_pack&reason=duplicate_payment&credits_used=some"
)


def test_the_form_never_assumes_an_answer_to_a_question_it_shows() -> None:
    # Credits used: "some" shows three more questions; with no answer they are errors, not "No".
    problems = errors(LINK, "form")
    assert set(problems) == {
        "outputs_used",
        "previous_refund_requests",
        "chargeback_filed",
        "payment_provider",
    }
    assert problems["outputs_used"].startswith("Select whether you have downloaded")
    assert problems["previous_refund_requests"].startswith("Enter how many refunds")


def test_the_form_does_not_ask_what_it_does_not_show() -> None:
    query = LINK.replace("some", "none") + "&chargeback_filed=false&payment_provider=creem"
    assert reply(query, "form")["verdict"] == "likely_eligible"


def test_the_form_asks_for_a_missing_required_answer_in_govuk_words() -> None:
    assert errors("credits_used=none", "form") == {
        "purchase_date": "Enter the date you bought it.",
        "purchase_type": "Select what you bought.",
        "reason": "Select why you are asking for a refund.",
        "chargeback_filed": "Select whether you have opened a payment dispute (chargeback).",
        "payment_provider": "Select who took the payment, or “Not sure”.",
    }


def test_a_link_takes_the_contracts_defaults_exactly_as_the_cli_and_json_do() -> None:
    from_link = reply(LINK, "link")
    from_json = json.loads(check_json(json.dumps(dict(parse_qsl(LINK))), today=TODAY))
    assert from_link == from_json
    # ...and the result lists each default, so that the page shows it as answered.
    assert from_link["answers"] == {
        "purchase_date": "2026-05-01",
        "purchase_type": "credit_pack",
        "reason": "duplicate_payment",
        "credits_used": "some",
        "outputs_used": False,
        "previous_refund_requests": 0,
        "chargeback_filed": False,
        "payment_provider": "unsure",
    }


def test_the_result_link_carries_exactly_the_answers_shown_and_the_form_accepts_it() -> None:
    first = reply(LINK, "link")
    again = reply(first["link"].removeprefix("#check?"), "form")
    assert again == first
    assert dict(parse_qsl(first["link"].removeprefix("#check?"))) == {
        field: ("true" if value is True else "false" if value is False else str(value))
        for field, value in first["answers"].items()
    }


def test_the_email_lists_exactly_the_answers_shown() -> None:
    result = reply(LINK, "link")
    body = result["email"]["body"]
    listed = body.split("My answers:\n")[1].split("\n\n")[0].splitlines()
    # One short line per answer the customer gave or was shown, in the policy file's words.
    assert listed == [
        "Bought: 1 May 2026, a credit pack",
        "Reason: I was charged twice for the same purchase",
        "Used: Some of it",
        "Results downloaded, exported or used: No",
        "Refunds asked for before: 0",
        "Payment dispute opened: No",
        "Payment taken by: Not sure",
    ]
    # Nothing the customer could not see: the question the form hides is not in it.
    assert "First purchase" not in body


def test_an_answer_a_link_gives_to_a_hidden_question_is_kept_not_dropped() -> None:
    query = LINK.replace("some", "none") + "&previous_refund_requests=3"
    result = reply(query, "link")
    assert result["answers"]["previous_refund_requests"] == 3
    assert "previous_refund_requests=3" in result["link"]
    assert any(line["field"] == "previous_refund_requests" for line in result["recap"])


@pytest.mark.parametrize("field", ["purchase_date", "purchase_type", "reason", "credits_used"])
def test_a_link_missing_an_answer_says_so_in_the_customers_words(field: str) -> None:
    query = urlencode({k: v for k, v in parse_qsl(LINK) if k != field})
    message = errors(query, "link")[field]
    about = QUESTIONS_BY_FIELD[field].about
    assert message.startswith(f"This link is missing {about}.")
    assert message.endswith(("Choose it below.", "Enter it below."))


def test_a_link_missing_what_was_bought_reads_as_the_issue_asks() -> None:
    query = LINK.replace("&purchase_type=credit_pack", "")
    assert errors(query, "link")["purchase_type"] == (
        "This link is missing what you bought. Choose it below."
    )


@pytest.mark.parametrize(
    "query",
    [
        LINK.replace("credit_pack", "gift"),
        LINK.replace("2026-05-01", "2026-02-30"),
        LINK + "&previous_refund_requests=two",
        LINK + "&outputs_used=maybe",
        LINK + "&coupon=SPRING",
        LINK + "&reason=other",
    ],
    ids=["choice", "date", "count", "yes-no", "unknown key", "twice"],
)
def test_a_broken_link_never_shows_internal_keys_or_value_lists(query: str) -> None:
    internal = {q.field for q in QUESTIONS} | {o.value for q in QUESTIONS for o in q.options}
    for message in errors(query, "link").values():
        assert "This link" in message
        words = set(message.replace(".", " ").replace(",", " ").split())
        assert not words & (internal - {"none", "other", "some", "unsure"}), message


def test_a_date_error_uses_no_format_the_visitor_does_not_type() -> None:
    problems = errors(LINK.replace("2026-05-01", "2026-05-09"), "form")
    assert problems["purchase_date"] == "The date you bought it must be today or in the past."
    problems = errors(LINK.replace("2026-05-01", "2020-05-09"), "link")
    assert problems["purchase_date"] == (
        "The date you bought it must be on or after 1 January 2024, when ImgToSTL started selling."
    )


def test_a_purchase_after_a_shown_request_date_is_an_error_on_the_purchase_date() -> None:
    answered = "&outputs_used=false&previous_refund_requests=0&chargeback_filed=false"
    problems = errors(LINK + answered + "&payment_provider=creem&request_date=2026-04-30", "form")
    assert problems == {
        "purchase_date": "The date you bought it must be on or before the date of your request."
    }


def test_what_only_support_knows_is_not_guessed_and_the_result_says_support_checks_it() -> None:
    result = reply(LINK.replace("some", "none"), "link")
    assert "terms_violation" not in result["answers"]
    assert "terms_violation" not in result["link"]
    assert result["support_checks"] == [QUESTIONS_BY_FIELD["terms_violation"].support_checks]
    assert not any(line["field"] == "terms_violation" for line in result["recap"])


@pytest.mark.parametrize("value", ["true", "false"])
def test_supports_answer_from_a_link_is_shown_kept_and_mailed(value: str) -> None:
    result = reply(LINK.replace("some", "none") + f"&terms_violation={value}", "link")
    assert result["support_checks"] == []
    (line,) = [line for line in result["recap"] if line["field"] == "terms_violation"]
    # What a link says is labelled as the link's, never as support's finding.
    assert line["question"] == "Given in the link you were sent"
    assert line["answer"] == dict(QUESTIONS_BY_FIELD["terms_violation"].support_says)[value]
    assert f"terms_violation={value}" in result["link"]
    # The email's link carries it (the email's lines are the customer's own answers).
    emailed = json.loads(
        check_query(
            LINK.replace("some", "none") + f"&terms_violation={value}",
            today=TODAY,
            source="link",
            page="https://refunds.example/",
        )
    )["email"]["body"]
    assert f"terms_violation={value}" in emailed
    assert "From support" not in result["email"]["body"]
    cited = [clause["id"] for clause in result["clauses"]]
    assert ("terms-violation" in cited) == (value == "true")
    # Resubmitted from the form, support's answer stays as it was.
    again = reply(result["link"].removeprefix("#check?"), "form")
    assert again["verdict"] == result["verdict"] and again["answers"] == result["answers"]


def test_a_link_cannot_smuggle_in_an_answer_the_policy_does_not_know() -> None:
    problems = errors(LINK.replace("some", "none") + "&vip_customer=true", "link")
    assert "vip_customer" in problems["answers"]
    assert "left out" in problems["answers"]


def test_only_support_and_the_page_give_answers_the_form_does_not_ask() -> None:
    not_asked = {q.field for q in QUESTIONS if q.asker is not Asker.CUSTOMER}
    assert not_asked == {"request_date", "terms_violation"}


@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("&request_date=2026-05-01", "Your request is dated the same day as your purchase."),
        ("&request_date=2026-05-04", "Your request is dated 3 days after your purchase."),
        ("", "You bought it 2 days ago."),
    ],
)
def test_the_result_says_how_long_it_has_been_since_the_purchase(query: str, words: str) -> None:
    timing = reply(LINK + query, "link")["timing"]
    assert timing == f"{words} The refund window is 7 days from the purchase."


def test_no_verdict_title_reads_as_if_a_request_were_already_sent() -> None:
    for credits in ("none", "some", "substantial"):
        for reason in ("duplicate_payment", "other", "change_of_mind"):
            title = contract(answers(reason=reason, credits_used=credits))["title"]
            assert not any(word in title.lower() for word in ("will review", "sent", "received"))


def test_today_decides_the_days_when_no_request_date_is_given() -> None:
    first = json.loads(check_query(LINK, today="2026-05-08"))
    second = json.loads(check_query(LINK, today="2026-05-09"))
    assert (first["days_since_purchase"], second["days_since_purchase"]) == (7, 8)
    assert "late-request" in [clause["id"] for clause in second["clauses"]]
    assert answers_from_query(LINK, QUESTIONS).twice == []
    assert date.fromisoformat(TODAY)
