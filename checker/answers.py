"""The refund self-check's answers as the engine reads them (:mod:`policy_engine.answers`), with
the refund policy's questions: what the CLI, the tests and support's tools call."""

from __future__ import annotations

from datetime import date

from checker.model import Answers
from checker.questions import QUESTIONS
from checker.rules import RULEBOOK
from policy_engine import answers as engine
from policy_engine.answers import (
    Answered,
    InvalidAnswers,
    Source,
    json_float,
    json_object,
    typed_value,
)
from policy_engine.policy import Policy

__all__ = [
    "Answered",
    "InvalidAnswers",
    "Source",
    "answers_from_query",
    "answers_to_query",
    "json_float",
    "json_object",
    "parse_answers",
    "read_answers",
    "typed_value",
]


def answers_from_query(query: str) -> Answered:
    """Answers from a self-check link's query, read with the refund policy's questions."""
    return engine.answers_from_query(query, QUESTIONS)


def read_answers(
    raw: object, today: date, source: Source = Source.STAFF, *, policy: Policy
) -> engine.ReadAnswers:
    return engine.read_answers(
        raw, today, source, policy=policy, questions=QUESTIONS, example=RULEBOOK.example
    )


def parse_answers(
    raw: object, today: date, source: Source = Source.STAFF, *, policy: Policy
) -> Answers:
    parsed = engine.parse_answers(raw, today, source, policy=policy, rulebook=RULEBOOK)
    assert isinstance(parsed, Answers)
    return parsed


def answers_to_query(answers: Answers) -> str:
    return engine.answers_to_query(answers, QUESTIONS)
