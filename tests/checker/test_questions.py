"""Each answer is declared once, by its question: the question's kind, options, default and asker
decide how it is read, defaulted, reported and offered, with no other edit."""

from __future__ import annotations

from datetime import date

import pytest

from checker import RULEBOOK, InvalidAnswers, default_policy
from checker.__main__ import _parser
from policy_engine.answers import Source, answers_from_query, read_answers
from policy_engine.model import UNSURE
from policy_engine.questions import Kind, Option, Question, possible_values

QUESTIONS = RULEBOOK.questions

TODAY = date(2026, 5, 10)
ANSWERED = "purchase_date=2026-05-01&purchase_type=credit_pack&reason=unused&credits_used=none"

# Two questions a policy might add, declared once each and edited nowhere else.
PRINTER = Question(
    "printer",
    "Which printer do you print on?",
    Kind.CHOICE,
    about="which printer you print on",
    options=(
        Option("fdm", "A filament printer", "fdm"),
        Option("resin", "A resin printer", "resin"),
    ),
    when_missing="Select which printer you print on.",
)
REPRINTS = Question(
    "reprints",
    "How many times did you print the model again?",
    Kind.COUNT,
    about="how many times you printed it again",
    default="0",
    when_missing="Enter how many times you printed it again, or 0.",
)
WITH_NEW = (*QUESTIONS, PRINTER, REPRINTS)


def read(query: str, source: Source = Source.STAFF) -> dict[str, object]:
    answered = answers_from_query(query, WITH_NEW)
    policy = default_policy()
    return read_answers(answered, TODAY, source, policy=policy, questions=WITH_NEW).values


def problems(query: str, source: Source = Source.STAFF) -> dict[str, str]:
    with pytest.raises(InvalidAnswers) as raised:
        read(query, source)
    return {error["field"]: error["message"] for error in raised.value.errors}


def test_an_added_question_reads_its_answer_and_gives_its_default() -> None:
    values = read(ANSWERED + "&printer=resin")
    assert values["printer"] == "resin"
    assert values["reprints"] == 0  # left out: its default
    assert read(ANSWERED + "&printer=fdm&reprints=3")["reprints"] == 3


def test_an_added_question_is_reported_when_missing_or_wrong_in_each_readers_words() -> None:
    assert problems(ANSWERED) == {"printer": "Missing: give fdm or resin."}
    assert problems(ANSWERED, Source.LINK) == {
        "printer": "This link is missing which printer you print on. Choose it below."
    }
    assert problems(ANSWERED + "&printer=laser&reprints=two") == {
        "printer": "“laser” is not one of the answers: give fdm or resin.",
        "reprints": "“two” is not a count: give a whole number from 0 to 1000.",
    }
    form = ANSWERED + "&chargeback_filed=false&payment_provider=creem&printer=fdm"
    assert problems(form, Source.FORM) == {"reprints": REPRINTS.when_missing}
    assert problems(form + "&reprints=5000", Source.FORM) == {
        "reprints": "Enter a number from 0 to 1,000 for how many times you printed it again."
    }


def test_an_added_question_is_an_answer_the_checker_knows() -> None:
    # The message naming the known answers lists it, and a key it does not know is still refused.
    message = problems(ANSWERED + "&printer=fdm&colour=red")["colour"]
    assert message.endswith("terms_violation, printer, reprints.")


def test_an_added_question_is_a_flag_of_refund_check_with_its_values_and_default() -> None:
    help_text = " ".join(_parser(WITH_NEW).format_help().split())
    assert "--printer fdm|resin Which printer do you print on? (required)" in help_text
    assert "--reprints N How many times did you print the model again? (default 0; can change" in (
        help_text
    )
    assert "--reprints (0)" in help_text  # among the defaults that can change a verdict


def test_unsure_answers_stand_for_the_other_options_of_questions_that_change_the_verdict() -> None:
    # Who took the payment offers "Not sure" too, but cannot change the verdict: its "unsure" is
    # an answer of its own (the processing time says so), never tried as each provider.
    assert possible_values(QUESTIONS) == {
        "credits_used": ("none", "minimal", "some", "substantial"),
        "outputs_used": (True, False),
        "first_purchase": (True, False),
    }


@pytest.mark.parametrize("question", QUESTIONS, ids=lambda question: question.field)
def test_every_answer_a_question_reads_has_the_type_the_rules_read(question: Question) -> None:
    expected = {
        Kind.DATE: date,
        Kind.COUNT: int,
        Kind.CHOICE: str,
        Kind.YES_NO: bool | type(UNSURE),
    }[question.kind]
    written = [option.value for option in question.options] or {
        Kind.DATE: ["2026-05-01"],
        Kind.COUNT: ["0", "1000"],
    }[question.kind]
    for text in written:
        assert isinstance(question.parse(question.typed(text)), expected), text
    assert isinstance(question.default_answer(TODAY), expected | None)
