"""The result a customer sees: clauses in the policy's words, notes, processing time, the email."""

from __future__ import annotations

import json
from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest

from checker import default_policy
from tests.checker.support import AGAINST_IDS, answers, contract
from tests.policies import first_words

# The bullets of the policy as published in May 2026, word for word.
POLICY_WORDS = {
    "duplicate-payment": "A duplicate or accidental duplicate payment occurred",
    "technical-failure": "A technical failure prevented the service from delivering any usable "
    "result",
    "failed-job": "Credits were charged for a failed job that was not automatically refunded",
    "recent-unused": "You purchased recently, have not used the service or used only minimal "
    "credits, and contact us promptly",
    "first-purchase-unusable": "A first-time purchase produced a clearly unusable result and "
    "support determines that a goodwill refund is appropriate",
    "late-request": "The request is made more than 7 days after purchase",
    "substantial-use": "A substantial portion of credits has been used",
    "outputs-used": "Outputs have been downloaded, exported, or used in a workflow after "
    "meaningful use",
    "change-of-mind": "The issue is based only on a change of mind after using the service",
    "terms-violation": "The account violated our Terms of Service or abused credits, promotions, "
    "refunds, or payment disputes",
    "repeat-requests": "The same user or related accounts repeatedly request refunds after using "
    "compute resources",
}

EVERY_AGAINST_CLAUSE_IDS = set(AGAINST_IDS)


EVERY_AGAINST_CLAUSE = answers(
    day=30,
    reason="change_of_mind",
    credits_used="substantial",
    outputs_used=True,
    terms_violation=True,
    previous_refund_requests=4,
)


def test_the_result_has_every_part_of_the_contract() -> None:
    result = contract(answers())
    assert {
        "verdict",
        "clauses",
        "missing",
        "notes",
        "alternatives",
        "email",
        "policy",
    } <= set(result)
    assert set(result["email"]) >= {"to", "subject", "body"}
    assert result["policy"]["last_updated"] == "May 2026"


@pytest.mark.parametrize(
    "given",
    [
        pytest.param(answers(reason="duplicate_payment", credits_used="minimal"), id="supporting"),
        pytest.param(EVERY_AGAINST_CLAUSE, id="against"),
        pytest.param(
            answers(reason="unusable_result", first_purchase=True, credits_used="some"),
            id="first purchase",
        ),
        pytest.param(answers(reason="technical_failure"), id="technical failure"),
        pytest.param(answers(reason="failed_job_charged"), id="failed job"),
    ],
)
def test_clauses_quote_the_policy_word_for_word(given: dict[str, object]) -> None:
    clauses = contract(given)["clauses"]
    assert clauses
    for clause in clauses:
        assert set(clause) == {"id", "effect", "effect_text", "role", "text"}
        # The words of the version that judged, as its file (and its page's bullet) has them;
        # the first version's are these, but for a typo fix recorded since.
        words = POLICY_WORDS[clause["id"]]
        assert clause["text"] in (words, first_words(clause["id"]))
        expected_effect = "against" if clause["id"] in EVERY_AGAINST_CLAUSE_IDS else "supports"
        assert clause["effect"] == expected_effect


def test_one_case_can_cite_every_clause_against_a_refund() -> None:
    result = contract(EVERY_AGAINST_CLAUSE)
    assert {clause["id"] for clause in result["clauses"]} == EVERY_AGAINST_CLAUSE_IDS
    assert result["verdict"] == "likely_not_eligible"


def test_every_summary_says_support_makes_the_final_decision() -> None:
    for given in (answers(), EVERY_AGAINST_CLAUSE, answers(credits_used="some")):
        assert "Support makes the final decision." in contract(given)["summary"]


# The email to support.


def test_the_email_goes_to_the_configured_support_address() -> None:
    email = contract(answers())["email"]
    assert email["to"] == default_policy().support_email == "support@imgtostl.com"
    assert urlsplit(email["mailto"]).path == "support@imgtostl.com"


def test_the_email_body_has_the_blanks_the_policy_asks_for() -> None:
    result = contract(answers(reason="duplicate_payment", credits_used="minimal"))
    lines = result["email"]["body"].splitlines()
    # Blanks the customer fills in: the label with nothing after it.
    assert "Account email: " in lines
    assert "Order ID (if you have it): " in lines
    assert "Screenshots or job IDs that show the issue: " in lines
    # Facts the self-check already knows are filled in, in short lines.
    assert "Bought: 1 May 2026, a credit pack" in lines
    assert "Reason: I was charged twice for the same purchase" in lines


def test_the_blank_email_has_blanks_for_what_the_answers_would_say() -> None:
    from checker import default_policy
    from policy_engine.advice import blank_email

    lines = blank_email(default_policy())["body"].splitlines()
    assert "Purchase date: " in lines and "Reason: " in lines


def test_the_email_body_states_the_answers_verdict_and_policy_date_in_words() -> None:
    given = answers(reason="duplicate_payment", credits_used="minimal")
    result = contract(given, today=date(2026, 5, 3))
    body = result["email"]["body"]
    assert "Bought: 1 May 2026, a credit pack" in body
    assert "Used: Only a few credits" in body
    assert "The self-check said on 3 May 2026: You are likely eligible for a refund." in body
    assert "It followed the refund policy of 1 May 2026 (last updated May 2026)." in body
    # Plain words only: no verdict or clause ids, which mean nothing to the customer.
    for internal in ("likely_eligible", "duplicate-payment", "recent-unused", "clauses:"):
        assert internal not in body


def test_the_email_links_to_the_self_check_with_the_answers_when_the_page_is_known() -> None:
    from checker import check

    given = answers(reason="duplicate_payment", credits_used="minimal")
    page = "https://refunds.imgtostl.com/"
    result = check(given, today=date(2026, 5, 3), page=page + "#check")
    # With the day judged, so that it shows that day's verdict when opened later.
    assert "request_date=2026-05-03" in result.link
    assert f"My answers in the self-check: {page}{result.link}" in result.email["body"]
    undated = {key: value for key, value in given.items() if key != "request_date"}
    later = check(undated, today=date(2026, 5, 3), page=page)
    assert f"{page}{later.link}&request_date=2026-05-03" in later.email["body"]
    # Without the page's address (the CLI), no link that would lead nowhere.
    assert "My answers in the self-check" not in contract(given)["email"]["body"]


def test_the_email_subject_names_the_purchase() -> None:
    subject = contract(answers(purchase_type="subscription"))["email"]["subject"]
    assert subject == "Refund request: subscription bought on 1 May 2026"


def test_the_mailto_link_carries_only_the_subject_and_body() -> None:
    email = contract(EVERY_AGAINST_CLAUSE)["email"]
    link = urlsplit(email["mailto"])
    assert link.scheme == "mailto"
    query = parse_qs(link.query)
    assert set(query) == {"subject", "body"}
    assert query == {"subject": [email["subject"]], "body": [email["body"]]}
    assert len(email["mailto"]) < 2000


# Notes: what else the policy says about this kind of case.


def test_subscription_notes_say_cancelling_does_not_refund_the_current_period() -> None:
    result = contract(answers(purchase_type="subscription"))
    notes = " ".join(result["notes"])
    assert "stop future renewals" in notes
    assert "does not automatically refund the current billing period" in notes
    assert "credit pack" not in notes.lower()
    # What a refund would end is a warning, with the verdict.
    warnings = " ".join(result["warnings"])
    assert "cancel the subscription" in warnings and "subscription credits" in warnings


def test_subscription_notes_mention_goodwill_after_use() -> None:
    notes = " ".join(contract(answers(purchase_type="subscription", credits_used="some"))["notes"])
    assert "full or partial goodwill refund" in notes


def test_an_unused_credit_pack_in_the_window_is_easier_to_approve() -> None:
    notes = " ".join(contract(answers(purchase_type="credit_pack"))["notes"])
    assert "unused purchases requested within 7 days" in notes
    assert "easier to approve" in notes
    assert "renewal" not in notes


def test_a_partly_used_credit_pack_may_get_a_partial_refund_or_credits() -> None:
    notes = " ".join(contract(answers(purchase_type="credit_pack", credits_used="some"))["notes"])
    assert "partial refund" in notes and "replacement credits" in notes
    assert "easier to approve" not in notes


def test_a_late_request_is_told_it_can_still_write() -> None:
    notes = " ".join(contract(answers(day=9))["notes"])
    assert "within 7 days of purchase" in notes and "still write" in notes


def test_an_open_chargeback_is_a_warning_with_the_verdict_and_in_the_email() -> None:
    result = contract(answers(chargeback_filed=True, credits_used="minimal", day=5))
    # The verdict stays what the rules say, and the policy's warning stands beside it.
    assert result["verdict"] == "likely_eligible"
    (warning,) = result["warnings"]
    assert "suspend the account" in warning and "dispute fees" in warning
    assert "revoke credits" in warning  # the policy's own words
    assert warning not in result["notes"], "said twice"
    body = result["email"]["body"]
    assert "Please note:\n- I have opened a payment dispute (chargeback)" in body
    without = contract(answers(chargeback_filed=False))
    assert without["warnings"] == [] and "Please note" not in without["email"]["body"]


@pytest.mark.parametrize(
    ("given", "warned"),
    [
        ({"credits_used": "some", "outputs_used": True}, "outputs have been downloaded"),
        ({"credits_used": "some", "previous_refund_requests": 2}, "repeatedly request refunds"),
        ({"purchase_type": "subscription"}, "billing period"),
    ],
)
def test_what_the_policy_warns_about_stands_with_the_verdict(
    given: dict[str, object], warned: str
) -> None:
    result = contract(answers(**given))
    assert any(warned in warning for warning in result["warnings"]), result["warnings"]
    assert result["email"]["body"].count("Please note:") == 1


def test_a_chargeback_does_not_change_the_verdict() -> None:
    assert contract(answers(chargeback_filed=True))["verdict"] == contract(answers())["verdict"]


# Processing time by payment provider.


def test_creem_refunds_take_5_to_10_days() -> None:
    text = contract(answers(payment_provider="creem"))["processing_time"]
    assert "Creem refunds may take 5–10 days" in text
    assert "original payment method" in text


def test_other_providers_vary_without_creems_figures() -> None:
    text = contract(answers(payment_provider="other"))["processing_time"]
    assert "varies" in text and "5–10" not in text


def test_an_unsure_provider_hears_both() -> None:
    text = contract(answers(payment_provider="unsure"))["processing_time"]
    assert "5–10 days" in text and "other providers may vary" in text


# Alternatives to a refund.

POLICY_ALTERNATIVES = {
    "free_retry",
    "model_recommendation",
    "replacement_credits",
    "manual_assistance",
}


@pytest.mark.parametrize(
    ("reason", "offered"),
    [
        ("duplicate_payment", set()),
        ("technical_failure", {"free_retry", "replacement_credits", "manual_assistance"}),
        ("unusable_result", POLICY_ALTERNATIVES),
    ],
)
def test_alternatives_fit_the_reason(reason: str, offered: set[str]) -> None:
    alternatives = contract(answers(reason=reason))["alternatives"]
    assert {item["id"] for item in alternatives} == offered
    assert all(item["text"].strip() for item in alternatives)


def test_the_result_is_plain_json() -> None:
    result = contract(EVERY_AGAINST_CLAUSE)
    assert json.loads(json.dumps(result, ensure_ascii=False)) == result


def test_the_answers_that_could_change_a_result_are_listed_as_people_write_lists() -> None:
    one = contract(answers(credits_used="unsure", reason="unused"))
    assert (
        "Your answer to “How much of what you bought have you used?” could change"
        in (one["summary"])
    )
    three = contract(
        answers(
            credits_used="unsure",
            outputs_used="unsure",
            first_purchase="unsure",
            reason="unusable_result",
            day=3,
        )
    )
    names = [f"“{label}”" for label in three["missing_questions"]]
    assert len(names) >= 2
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
    assert f"Your answers to {listed} could change this result" in three["summary"]
    assert "” and “" not in three["summary"].replace(f"{names[-2]} and {names[-1]}", "")
