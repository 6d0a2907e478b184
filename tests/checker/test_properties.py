"""Properties over the whole answer space: hypothesis draws from the closed value sets and dates.

Which clauses apply and what verdict follows, situation by situation, is the ledger's job
(checker/ledger.txt, read by a person and tested in tests/site/test_ledger.py); here are the
properties that hold across situations, and the contract's shape under any input.
"""

from __future__ import annotations

import itertools
import json
from datetime import date, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

from hypothesis import given, settings
from hypothesis import strategies as st

from checker import RULEBOOK, check_json, check_query, default_policy
from tests.checker.support import (
    AGAINST_IDS,
    ALL_IDS,
    REASONS,
    SUPPORTING_IDS,
    VERDICT_RANK,
    contract,
)

FIELDS = tuple(question.field for question in RULEBOOK.questions)

CREDIT_LEVELS = ["none", "minimal", "some", "substantial"]  # in increasing order of use
SETTLED = settings(max_examples=150, deadline=None)

# Between the day ImgToSTL started selling and a day late enough that 400 days later is past.
purchase_dates = st.dates(min_value=date(2024, 1, 1), max_value=date(2025, 2, 1))
waits = st.integers(min_value=0, max_value=400)


@st.composite
def known_answers(draw: st.DrawFn) -> dict[str, Any]:
    """Fully known answers: every field given, no "unsure" where it could change a clause."""
    purchased = draw(purchase_dates)
    return {
        "purchase_date": purchased.isoformat(),
        "request_date": (purchased + timedelta(days=draw(waits))).isoformat(),
        "purchase_type": draw(st.sampled_from(["subscription", "credit_pack"])),
        "reason": draw(st.sampled_from(REASONS)),
        "credits_used": draw(st.sampled_from(CREDIT_LEVELS)),
        "outputs_used": draw(st.booleans()),
        "first_purchase": draw(st.booleans()),
        "previous_refund_requests": draw(st.integers(min_value=0, max_value=10)),
        "terms_violation": draw(st.booleans()),
        "chargeback_filed": draw(st.booleans()),
        "payment_provider": draw(st.sampled_from(["creem", "other", "unsure"])),
    }


@st.composite
def any_valid_answers(draw: st.DrawFn) -> dict[str, Any]:
    """Any valid answers: "unsure" allowed, optional answers sometimes left out."""
    given_answers = draw(known_answers())
    for field, values in (
        ("credits_used", ["unsure"]),
        ("outputs_used", ["unsure"]),
        ("first_purchase", ["unsure"]),
    ):
        if draw(st.booleans()):
            given_answers[field] = draw(st.sampled_from(values))
    optional = [
        "outputs_used",
        "first_purchase",
        "previous_refund_requests",
        "terms_violation",
        "chargeback_filed",
        "payment_provider",
    ]
    for field in draw(st.lists(st.sampled_from(optional), unique=True)):
        del given_answers[field]
    return given_answers


def rank(result: dict[str, Any]) -> int:
    return VERDICT_RANK[result["verdict"]]


@SETTLED
@given(any_valid_answers())
def test_any_valid_answers_give_a_json_ready_result(answers: dict[str, Any]) -> None:
    result = contract(answers)
    assert result["verdict"] in VERDICT_RANK
    assert json.loads(json.dumps(result)) == result
    assert set(result["missing"]) <= {"credits_used", "outputs_used", "first_purchase"}
    assert json.loads(check_json(json.dumps(answers))) == result


@SETTLED
@given(known_answers())
def test_the_verdict_follows_from_the_clauses_cited(answers: dict[str, Any]) -> None:
    result = contract(answers)
    effects = {clause["effect"] for clause in result["clauses"]}
    expected = {
        frozenset({"supports"}): "likely_eligible",
        frozenset({"against"}): "likely_not_eligible",
    }.get(frozenset(effects), "needs_review")
    assert result["verdict"] == expected
    assert result["missing"] == []


@SETTLED
@given(any_valid_answers(), st.integers(min_value=1, max_value=150))
def test_a_later_request_never_improves_the_verdict(
    answers: dict[str, Any], extra_days: int
) -> None:
    later = dict(answers)
    later["request_date"] = (
        date.fromisoformat(answers["request_date"]) + timedelta(days=extra_days)
    ).isoformat()
    assert rank(contract(later)) <= rank(contract(answers))


@SETTLED
@given(any_valid_answers(), st.data())
def test_more_credits_used_never_improves_the_verdict(
    answers: dict[str, Any], data: st.DataObject
) -> None:
    fewer = data.draw(st.sampled_from(CREDIT_LEVELS[:-1]))
    more = data.draw(st.sampled_from(CREDIT_LEVELS[CREDIT_LEVELS.index(fewer) + 1 :]))
    assert rank(contract({**answers, "credits_used": more})) <= rank(
        contract({**answers, "credits_used": fewer})
    )


def test_the_rules_use_exactly_the_issues_clause_ids_with_their_effects() -> None:
    assert RULEBOOK.clause_ids == ALL_IDS
    supports_ids = set()
    against_ids = set()
    for day, reason, credits in itertools.product((0, 60), REASONS, CREDIT_LEVELS):
        result = contract(
            {
                "purchase_date": "2026-05-01",
                "request_date": (date(2026, 5, 1) + timedelta(days=day)).isoformat(),
                "purchase_type": "credit_pack",
                "reason": reason,
                "credits_used": credits,
                "outputs_used": True,
                "first_purchase": True,
                "previous_refund_requests": 5,
                "terms_violation": True,
            }
        )
        for clause in result["clauses"]:
            (supports_ids if clause["effect"] == "supports" else against_ids).add(clause["id"])
    assert (supports_ids, against_ids) == (set(SUPPORTING_IDS), set(AGAINST_IDS))


@SETTLED
@given(any_valid_answers())
def test_the_email_link_has_only_a_subject_and_body_and_stays_short(
    answers: dict[str, Any],
) -> None:
    email = contract(answers)["email"]
    link = urlsplit(email["mailto"])
    assert link.scheme == "mailto" and link.path == default_policy().support_email
    query = parse_qs(link.query, keep_blank_values=True)
    assert set(query) == {"subject", "body"}
    assert query["body"] == [email["body"]] and query["subject"] == [email["subject"]]
    assert len(email["mailto"]) < 2000


# Arbitrary input: check_json and check_query answer with a result or errors, and never raise.

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=20), children, max_size=4)
    ),
    max_leaves=20,
)
contract_keys = st.sampled_from(FIELDS)
plausible_values = (
    st.dates().map(date.isoformat)
    | st.sampled_from([*REASONS, *CREDIT_LEVELS, "unsure", "subscription", "credit_pack"])
    | st.sampled_from(["creem", "other", "2026-02-30", "2026-5-1", "-1", "1e3", "true"])
    | json_values
)


def assert_result_or_errors(reply_text: str) -> None:
    reply = json.loads(reply_text)
    assert isinstance(reply, dict)
    if "errors" in reply:
        assert set(reply) == {"errors"} and reply["errors"]
        for error in reply["errors"]:
            assert set(error) == {"field", "message"}
            assert isinstance(error["field"], str) and error["message"].strip()
    else:
        assert reply["verdict"] in VERDICT_RANK


@SETTLED
@given(st.text())
def test_check_json_answers_any_text(text: str) -> None:
    assert_result_or_errors(check_json(text))


@SETTLED
@given(json_values)
def test_check_json_answers_any_json(value: object) -> None:
    assert_result_or_errors(check_json(json.dumps(value)))


@SETTLED
@given(known_answers(), st.dictionaries(contract_keys, plausible_values, max_size=4))
def test_check_json_answers_near_valid_answers(
    answers: dict[str, Any], changes: dict[str, object]
) -> None:
    assert_result_or_errors(check_json(json.dumps({**answers, **changes}), today="2026-05-01"))


@SETTLED
@given(st.text())
def test_check_query_answers_any_text(text: str) -> None:
    assert_result_or_errors(check_query(text))


@SETTLED
@given(st.dictionaries(contract_keys | st.text(max_size=10), st.text(max_size=20), max_size=6))
def test_check_query_answers_any_form(form: dict[str, str]) -> None:
    from urllib.parse import urlencode

    assert_result_or_errors(check_query(urlencode(form)))
